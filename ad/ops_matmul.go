package ad

// Products: MatMul with numpy's semantics, Dot and Outer. Every product runs
// through gonum's BLAS (blas64.Gemm); the derivative rules are products
// again, so derivatives of any order work.

// MatMul returns the matrix product of a and b with numpy.matmul's rules:
//
//   - two matrices (m,k) and (k,n) give (m,n);
//   - operands with more dimensions are stacks of matrices in their last two
//     axes, and the leading (batch) axes broadcast against each other:
//     (2,1,m,k) @ (3,k,n) gives (2,3,m,n);
//   - a 1-d a is a row vector (1,k) and a 1-d b a column vector (k,1), and the
//     added axis is removed from the result, so vector @ vector is a scalar
//     (the inner product) and matrix @ vector a vector.
//
// MatMul panics with ErrShape when an operand is a scalar, when the inner
// dimensions differ ("ad.MatMul: shapes (3,4) and (5,2) do not align") or
// when the batch axes do not broadcast.
func MatMul(a, b *Tensor) *Tensor {
	mustTensor("MatMul", a)
	mustTensor("MatMul", b)
	if len(a.shape) == 0 || len(b.shape) == 0 {
		panic(errorf(ErrShape, "MatMul", "shapes %s and %s: operands must have at least one dimension (use Mul for scalars)", fmtShape(a.shape), fmtShape(b.shape)))
	}
	a2, b2 := a, b
	if len(a.shape) == 1 {
		a2 = Reshape(a, 1, a.shape[0])
	}
	if len(b.shape) == 1 {
		b2 = Reshape(b, b.shape[0], 1)
	}
	if ka, kb := a2.shape[len(a2.shape)-1], b2.shape[len(b2.shape)-2]; ka != kb {
		panic(errorf(ErrShape, "MatMul", "shapes %s and %s do not align (%d != %d)", fmtShape(a.shape), fmtShape(b.shape), ka, kb))
	}
	out := matmulT(a2, b2, false, false)
	if len(a.shape) == 1 || len(b.shape) == 1 {
		shape := append([]int{}, out.shape[:len(out.shape)-2]...)
		if len(a.shape) > 1 {
			shape = append(shape, a.shape[len(a.shape)-2])
		}
		if len(b.shape) > 1 {
			shape = append(shape, b.shape[len(b.shape)-1])
		}
		out = Reshape(out, shape...)
	}
	return out
}

// matmulBatch returns the broadcast batch shape of two operands of MatMul,
// or panics with ErrShape naming their full shapes.
func matmulBatch(op string, aFull, bFull, a, b []int) []int {
	nd := max(len(a), len(b))
	pa, pb := padShape(a, nd), padShape(b, nd)
	out := make([]int, nd)
	for i := range out {
		switch {
		case pa[i] == pb[i] || pb[i] == 1:
			out[i] = pa[i]
		case pa[i] == 1:
			out[i] = pb[i]
		default:
			panic(errorf(ErrShape, op, "batch dimensions of shapes %s and %s do not broadcast", fmtShape(aFull), fmtShape(bFull)))
		}
	}
	return out
}

// matmulParams are the parameters of the MatMul primitive: the broadcast
// batch shape and whether each stored operand is used transposed (in its
// last two axes).
type matmulParams struct {
	batch  []int
	ta, tb bool
}

// matmulT returns op(a)·op(b) for operands of at least two dimensions whose
// inner dimensions agree, op transposing the last two axes when ta (tb) is
// set. The derivative rules use the flags instead of materialised
// transposes.
func matmulT(a, b *Tensor, ta, tb bool) *Tensor {
	if len(a.shape) == 2 && len(b.shape) == 2 {
		return primMatMul.Apply(matmulParams2D[boolIndex(ta)*2+boolIndex(tb)], a, b)
	}
	batch := matmulBatch("MatMul", a.shape, b.shape, a.shape[:len(a.shape)-2], b.shape[:len(b.shape)-2])
	return primMatMul.Apply(matmulParams{batch: batch, ta: ta, tb: tb}, a, b)
}

// matmulParams2D are the parameters of products of two matrices, boxed
// once (converting a matmulParams to the Params interface allocates):
// index 2·ta + tb. Their batch shape is empty, as matmulBatch gives.
var matmulParams2D = [4]any{
	matmulParams{batch: []int{}},
	matmulParams{batch: []int{}, tb: true},
	matmulParams{batch: []int{}, ta: true},
	matmulParams{batch: []int{}, ta: true, tb: true},
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

var primMatMul = &Primitive{
	Name: "MatMul",
	Forward: func(c *Call) *Tensor {
		a, b, p := c.Args[0], c.Args[1], c.Params.(matmulParams)
		m := a.shape[len(a.shape)-2]
		if p.ta {
			m = a.shape[len(a.shape)-1]
		}
		n := b.shape[len(b.shape)-1]
		if p.tb {
			n = b.shape[len(b.shape)-2]
		}
		shape := append(append(make([]int, 0, len(p.batch)+2), p.batch...), m, n)
		shapeSize("MatMul", shape)
		return newRaw(shape, matmulKernel("MatMul", a.shape, a.data, b.shape, b.data, p.batch, p.ta, p.tb))
	},
}

func init() {
	// With C = op(A)·op(B) and cotangent G: the cotangent of op(A) is G·op(B)ᵀ
	// and that of op(B) is op(A)ᵀ·G; transposing back gives the stored
	// operands'. The backward pass sums them over broadcast batch axes.
	primMatMul.VJP = []VJPRule{
		func(g *Tensor, c *Call) *Tensor {
			p := c.Params.(matmulParams)
			if p.ta {
				return matmulT(c.Args[1], g, p.tb, true)
			}
			return matmulT(g, c.Args[1], false, !p.tb)
		},
		func(g *Tensor, c *Call) *Tensor {
			p := c.Params.(matmulParams)
			if p.tb {
				return matmulT(g, c.Args[0], true, p.ta)
			}
			return matmulT(c.Args[0], g, !p.ta, false)
		},
	}
	primMatMul.JVP = []JVPRule{
		func(t *Tensor, c *Call) *Tensor {
			p := c.Params.(matmulParams)
			return matmulT(t, c.Args[1], p.ta, p.tb)
		},
		func(t *Tensor, c *Call) *Tensor {
			p := c.Params.(matmulParams)
			return matmulT(c.Args[0], t, p.ta, p.tb)
		},
	}
}

// Dot returns the dot product of a and b with numpy.dot's rules: Mul when
// either is a scalar; MatMul when both have at most two dimensions or b is
// a vector; otherwise the sum product over the last axis of a and the
// second-to-last axis of b, with shape a.shape[:-1] + b.shape[:-2] +
// b.shape[-1:]. It panics with ErrShape when the summed axes differ.
func Dot(a, b *Tensor) *Tensor {
	mustTensor("Dot", a)
	mustTensor("Dot", b)
	switch {
	case len(a.shape) == 0 || len(b.shape) == 0:
		return Mul(a, b)
	case len(b.shape) == 1 || (len(a.shape) <= 2 && len(b.shape) <= 2):
		if ka, kb := a.shape[len(a.shape)-1], b.shape[max(len(b.shape)-2, 0)]; ka != kb {
			panic(errorf(ErrShape, "Dot", "shapes %s and %s do not align (%d != %d)", fmtShape(a.shape), fmtShape(b.shape), ka, kb))
		}
		return MatMul(a, b)
	}
	nb := len(b.shape)
	k := a.shape[len(a.shape)-1]
	if kb := b.shape[nb-2]; k != kb {
		panic(errorf(ErrShape, "Dot", "shapes %s and %s do not align (%d != %d)", fmtShape(a.shape), fmtShape(b.shape), k, kb))
	}
	// Move b's summed axis first: (k, b0, …, b_{nb-3}, n), then multiply the
	// (A, k) matrix of a by the (k, B) matrix of b.
	perm := []int{nb - 2}
	for i := 0; i < nb; i++ {
		if i != nb-2 {
			perm = append(perm, i)
		}
	}
	bt := Transpose(b, perm...)
	out := MatMul(Reshape(a, -1, k), Reshape(bt, k, -1))
	shape := append(append(append([]int{}, a.shape[:len(a.shape)-1]...), b.shape[:nb-2]...), b.shape[nb-1])
	return Reshape(out, shape...)
}

// Outer returns the outer product of a and b, flattened first as numpy.outer
// does: the matrix with entries a[i]·b[j], of shape (a.Size(), b.Size()).
func Outer(a, b *Tensor) *Tensor {
	mustTensor("Outer", a)
	mustTensor("Outer", b)
	return MatMul(Reshape(a, -1, 1), Reshape(b, 1, -1))
}
