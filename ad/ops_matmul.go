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
	batch := matmulBatch("MatMul", a.shape, b.shape, a2.shape[:len(a2.shape)-2], b2.shape[:len(b2.shape)-2])
	out := primMatMul.Apply(batch, a2, b2)
	if len(a.shape) == 1 || len(b.shape) == 1 {
		shape := append([]int{}, batch...)
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

// primMatMul multiplies operands of at least two dimensions whose inner
// dimensions agree; Params is the broadcast batch shape.
var primMatMul = &Primitive{
	Name: "MatMul",
	Forward: func(c *Call) *Tensor {
		a, b, batch := c.Args[0], c.Args[1], c.Params.([]int)
		m, n := a.shape[len(a.shape)-2], b.shape[len(b.shape)-1]
		shape := append(append([]int{}, batch...), m, n)
		shapeSize("MatMul", shape)
		return newRaw(shape, matmulKernel("MatMul", a.shape, a.data, b.shape, b.data, batch))
	},
}

func init() {
	// The backward pass sums each cotangent back over broadcast batch axes.
	primMatMul.VJP = []VJPRule{
		func(g *Tensor, c *Call) *Tensor { return MatMul(g, swapLastAxes(c.Args[1])) },
		func(g *Tensor, c *Call) *Tensor { return MatMul(swapLastAxes(c.Args[0]), g) },
	}
	primMatMul.JVP = []JVPRule{
		func(t *Tensor, c *Call) *Tensor { return MatMul(t, c.Args[1]) },
		func(t *Tensor, c *Call) *Tensor { return MatMul(c.Args[0], t) },
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
