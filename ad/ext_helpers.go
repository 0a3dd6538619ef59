package ad

// Small linear primitives and helpers shared by the extension families
// (linear algebra, contractions, convolution, updates): swapping the last two
// axes, a batched matrix product over equal batch dimensions, reshaping,
// generalized diagonals and flat gather/scatter. Each is linear, and its
// rules are the primitive itself or its adjoint, so every order of
// derivative works.

import (
	"errors"
	"fmt"
	"sort"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

var primSwapLast2, primBMM, primReshapeExt, primTakeDiag, primPlaceDiag, primGather, primScatter *Primitive

func init() {
	primSwapLast2 = &Primitive{
		Name: "MatrixTranspose",
		Forward: func(c *Call) *Tensor {
			x := c.Args[0]
			batch, m, n, _ := matrixBatch(x.shape)
			out := alloc("MatrixTranspose", len(x.data))
			for b := 0; b < batch; b++ {
				src, dst := x.data[b*m*n:(b+1)*m*n], out[b*m*n:(b+1)*m*n]
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						dst[j*m+i] = src[i*n+j]
					}
				}
			}
			shape := append([]int{}, x.shape...)
			shape[len(shape)-1], shape[len(shape)-2] = m, n
			return newRaw(shape, out)
		},
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return mT(g) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return mT(t) }},
	}
	primBMM = &Primitive{
		Name: "MatMul",
		Forward: func(c *Call) *Tensor {
			a, b := c.Args[0], c.Args[1]
			batch, m, k, _ := matrixBatch(a.shape)
			_, _, n, _ := matrixBatch(b.shape)
			out := alloc("MatMul", batch*m*n)
			if m == 0 || n == 0 || k == 0 {
				return newRaw(withShape(a.shape[:len(a.shape)-1], n), out)
			}
			one := func(i int) {
				blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, general(a.data[i*m*k:(i+1)*m*k], m, k),
					general(b.data[i*k*n:(i+1)*k*n], k, n), 0, general(out[i*m*n:(i+1)*m*n], m, n))
			}
			if batch > 1 && m*n*k >= 1<<14 {
				// Independent products: spread the batch over the cores.
				parallelImages(batch, func(_, lo, hi int) {
					for i := lo; i < hi && !Interrupted(); i++ {
						one(i)
					}
				})
			} else {
				for i := 0; i < batch && !Interrupted(); i++ {
					one(i)
				}
			}
			checkInterrupt("MatMul")
			return newRaw(withShape(a.shape[:len(a.shape)-1], n), out)
		},
		VJP: []VJPRule{
			func(g *Tensor, c *Call) *Tensor { return bmm(g, mT(c.Args[1])) },
			func(g *Tensor, c *Call) *Tensor { return bmm(mT(c.Args[0]), g) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return bmm(t, c.Args[1]) },
			func(t *Tensor, c *Call) *Tensor { return bmm(c.Args[0], t) },
		},
	}
	primReshapeExt = &Primitive{
		Name: "Reshape",
		Forward: func(c *Call) *Tensor {
			return newRaw(append([]int{}, c.Params.([]int)...), c.Args[0].data)
		},
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return reshapeExt(g, c.Args[0].shape) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return reshapeExt(t, c.Params.([]int)) }},
	}
	primTakeDiag = &Primitive{
		Name: "Diagonal",
		Forward: func(c *Call) *Tensor {
			p := c.Params.(diagPlan)
			checkAlloc("Diagonal", prodInts(p.outShape))
			return newRaw(append([]int{}, p.outShape...), p.take(c.Args[0].data))
		},
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return primPlaceDiag.Apply(c.Params, g) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return primTakeDiag.Apply(c.Params, t) }},
	}
	primPlaceDiag = &Primitive{
		Name: "PlaceDiagonal",
		Forward: func(c *Call) *Tensor {
			p := c.Params.(diagPlan)
			checkAlloc("Diagonal", prodInts(p.inShape))
			return newRaw(append([]int{}, p.inShape...), p.place(c.Args[0].data))
		},
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return primTakeDiag.Apply(c.Params, g) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return primPlaceDiag.Apply(c.Params, t) }},
	}
	primGather = &Primitive{
		Name: "Gather",
		Forward: func(c *Call) *Tensor {
			p := c.Params.(*gatherPlan)
			checkAlloc("Gather", len(p.idx))
			return newRaw(append([]int{}, p.outShape...), gatherFlat(c.Args[0].data, p.idx))
		},
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return primScatter.Apply(c.Params, g) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return primGather.Apply(c.Params, t) }},
	}
	primScatter = &Primitive{
		Name: "ScatterAdd",
		Forward: func(c *Call) *Tensor {
			p := c.Params.(*gatherPlan)
			n := prodInts(p.inShape)
			checkAlloc("ScatterAdd", n)
			return newRaw(append([]int{}, p.inShape...), scatterAddFlat(c.Args[0].data, p.idx, n))
		},
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return primGather.Apply(c.Params, g) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return primScatter.Apply(c.Params, t) }},
	}
}

// gatherPlan maps a source array of shape inShape to a result of shape
// outShape whose element k is source element idx[k]. Its adjoint adds each
// result element back at its source index.
type gatherPlan struct {
	inShape, outShape []int
	idx               []int
}

// gather returns the elements of x picked by p.
func gather(x *Tensor, p *gatherPlan) *Tensor { return primGather.Apply(p, x) }

// scatterAdd is the adjoint of gather: an inShape tensor of zeros with g's
// elements added at their indices.
func scatterAdd(g *Tensor, p *gatherPlan) *Tensor { return primScatter.Apply(p, g) }

// mT swaps the last two axes of x (a matrix or a batch of matrices).
func mT(x *Tensor) *Tensor { return primSwapLast2.Apply(nil, x) }

// bmm returns the batched matrix product of a (..., m, k) and b (..., k, n),
// broadcasting the batch dimensions. Callers check the inner dimensions.
func bmm(a, b *Tensor) *Tensor {
	ab, bb := a.shape[:len(a.shape)-2], b.shape[:len(b.shape)-2]
	if !sameShape(ab, bb) {
		batch := broadcastShapes("MatMul", ab, bb)
		a = broadcastTo(a, append(append([]int{}, batch...), a.shape[len(a.shape)-2:]...))
		b = broadcastTo(b, append(append([]int{}, batch...), b.shape[len(b.shape)-2:]...))
	}
	return primBMM.Apply(nil, a, b)
}

// reshapeExt returns x with a new shape of the same size.
func reshapeExt(x *Tensor, shape []int) *Tensor {
	if sameShape(x.shape, shape) {
		return x
	}
	if prodInts(shape) != len(x.data) {
		panic(errorf(ErrShape, "Reshape", "cannot reshape %s into %s", fmtShape(x.shape), fmtShape(shape)))
	}
	return primReshapeExt.Apply(append([]int{}, shape...), x)
}

// withShape returns shape with extra dimensions appended.
func withShape(shape []int, extra ...int) []int {
	return append(append([]int{}, shape...), extra...)
}

// matDiag returns the diagonals of the last two axes of x (..., n, n) as a
// tensor (..., n).
func matDiag(x *Tensor) *Tensor {
	nd := len(x.shape)
	labels := make([]int, nd)
	for i := range labels {
		labels[i] = i
	}
	labels[nd-1] = nd - 2
	p, err := newDiagPlan(x.shape, labels)
	if err != nil {
		panic(errorf(ErrShape, "Diagonal", "%v", err))
	}
	return primTakeDiag.Apply(p, x)
}

// sumAll sums every element of x to a scalar.
func sumAll(x *Tensor) *Tensor { return sumTo(x, []int{}) }

// sumLast2 sums the last two axes of x.
func sumLast2(x *Tensor) *Tensor {
	nd := len(x.shape)
	keep := withShape(x.shape[:nd-2], 1, 1)
	return reshapeExt(sumTo(x, keep), x.shape[:nd-2])
}

// expandLast2 appends two unit axes to x, so a per-matrix value broadcasts
// against a batch of matrices.
func expandLast2(x *Tensor) *Tensor { return reshapeExt(x, withShape(x.shape, 1, 1)) }

// constMatrix returns an n×n constant with f(i, j) at (i, j).
func constMatrix(n int, f func(i, j int) float64) *Tensor {
	d := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			d[i*n+j] = f(i, j)
		}
	}
	return newRaw([]int{n, n}, d)
}

// eyeMatrix returns the n×n identity.
func eyeMatrix(n int) *Tensor {
	return constMatrix(n, func(i, j int) float64 { return b2f(i == j) })
}

// b2f converts a bool to 0 or 1.
func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// normAxes validates axes of a tensor with nd dimensions, resolving negative
// ones, and returns them sorted. No axes means all of them.
func normAxes(op string, nd int, axes []int) []int {
	if len(axes) == 0 {
		out := make([]int, nd)
		for i := range out {
			out[i] = i
		}
		return out
	}
	seen := map[int]bool{}
	out := make([]int, 0, len(axes))
	for _, a := range axes {
		r := a
		if r < 0 {
			r += nd
		}
		if r < 0 || r >= nd {
			panic(errorf(ErrAxis, op, "axis %d out of range for %d dimensions", a, nd))
		}
		if seen[r] {
			panic(errorf(ErrAxis, op, "axis %d repeated", a))
		}
		seen[r] = true
		out = append(out, r)
	}
	sort.Ints(out)
	return out
}

// keepShape returns shape with the given (sorted, resolved) axes set to 1,
// and the shape with them removed.
func keepShape(shape, axes []int) (keep, drop []int) {
	keep = append([]int{}, shape...)
	in := map[int]bool{}
	for _, a := range axes {
		keep[a] = 1
		in[a] = true
	}
	for i, d := range shape {
		if !in[i] {
			drop = append(drop, d)
		}
	}
	if drop == nil {
		drop = []int{}
	}
	return keep, drop
}

// panicData reports a data-dependent failure of op (a singular matrix) as an
// ad error wrapping ErrSingular.
func panicData(op string, err error, shape []int) {
	if errors.Is(err, errInterrupted) {
		panic(errorf(ErrInterrupted, op, "interrupted"))
	}
	panic(errorf(ErrSingular, op, "%v (input of shape %s)", err, fmtShape(shape)))
}

// needMatrix panics with ErrShape unless x is a batch of matrices; square
// also requires the last two dimensions to be equal.
func needMatrix(op string, x *Tensor, square bool) (batch, m, n int) {
	batch, m, n, err := matrixBatch(x.shape)
	if err != nil {
		panic(errorf(ErrShape, op, "%v", err))
	}
	if square && m != n {
		panic(errorf(ErrShape, op, "want square matrices, got shape %s", fmtShape(x.shape)))
	}
	return batch, m, n
}

// shapeErr formats an ErrShape panic value.
func shapeErr(op, format string, args ...any) *Error {
	return errorf(ErrShape, op, "%s", fmt.Sprintf(format, args...))
}
