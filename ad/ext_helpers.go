package ad

// Helpers shared by the extension families (linear algebra, contractions,
// convolution, updates): swapping the last two axes, the batched matrix
// product, matrix diagonals and flat gather/scatter, all built on the core
// primitives (Transpose, MatMul, Take and its adjoint), whose derivative
// rules they reuse; and argument checks.

import "errors"

// gatherPlan maps a source array of shape inShape to a result of shape
// outShape whose element k is source element idx[k] (a flat, row-major
// index). Its adjoint adds each result element back at its source index.
type gatherPlan struct {
	inShape, outShape []int
	idx               []int
}

// gather returns the elements of x picked by p: Take on the flattened x,
// so its derivative rules are Take's.
func gather(x *Tensor, p *gatherPlan) *Tensor {
	flat := Reshape(x, -1)
	taken := primTake.Apply(takeParams{indices: p.idx, axis: 0, n: len(x.data)}, flat)
	return Reshape(taken, p.outShape...)
}

// scatterAdd is the adjoint of gather: an inShape tensor of zeros with g's
// elements added at their indices.
func scatterAdd(g *Tensor, p *gatherPlan) *Tensor {
	return Reshape(takeAdjoint(Reshape(g, -1), p.idx, 0, sizeOf(p.inShape)), p.inShape...)
}

// mT swaps the last two axes of x (a matrix or a batch of matrices), like
// numpy's x.mT.
func mT(x *Tensor) *Tensor {
	nd := len(x.shape)
	perm := make([]int, nd)
	for i := range perm {
		perm[i] = i
	}
	perm[nd-2], perm[nd-1] = nd-1, nd-2
	return Transpose(x, perm...)
}

// bmm returns the batched matrix product of a (..., m, k) and b (..., k, n),
// broadcasting the batch dimensions: MatMul's primitive without its vector
// cases. Callers check the inner dimensions.
func bmm(a, b *Tensor) *Tensor { return matmulT(a, b, false, false) }

// withShape returns shape with extra dimensions appended.
func withShape(shape []int, extra ...int) []int {
	return append(append([]int{}, shape...), extra...)
}

// matDiag returns the diagonals of the last two axes of x (..., n, n) as a
// tensor (..., n).
func matDiag(x *Tensor) *Tensor {
	nd := len(x.shape)
	n := x.shape[nd-1]
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i * (n + 1)
	}
	return Take(Reshape(x, withShape(x.shape[:nd-2], n*n)...), idx, -1)
}

// sumLast2 sums the last two axes of x.
func sumLast2(x *Tensor) *Tensor { return Sum(x, -2, -1) }

// expandLast2 appends two unit axes to x, so a per-matrix value broadcasts
// against a batch of matrices.
func expandLast2(x *Tensor) *Tensor { return Reshape(x, withShape(x.shape, 1, 1)...) }

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

// b2f converts a bool to 0 or 1.
func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
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
