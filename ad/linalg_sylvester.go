package ad

// scipy.linalg's solve_sylvester and sqrtm.

import "math"

var primSqrtm *Primitive

// SolveSylvester returns X with A X + X B = Q for A (m, m), B (n, n) and Q
// (m, n), like scipy.linalg.solve_sylvester. It solves the equivalent
// (A ⊗ I + I ⊗ Bᵀ) vec(X) = vec(Q), an mn × mn system, so it suits small
// matrices; being a composition of Kron and Solve it is differentiable in
// all three arguments to any order. It panics with ErrShape for shapes that
// do not fit and with ErrSingular when A and −B share an eigenvalue.
func SolveSylvester(a, b, q *Tensor) *Tensor {
	mustTensor("SolveSylvester", a)
	mustTensor("SolveSylvester", b)
	mustTensor("SolveSylvester", q)
	if len(a.shape) != 2 || len(b.shape) != 2 || len(q.shape) != 2 || a.shape[0] != a.shape[1] || b.shape[0] != b.shape[1] ||
		q.shape[0] != a.shape[0] || q.shape[1] != b.shape[0] {
		panic(errorf(ErrShape, "SolveSylvester", "A %s, B %s and Q %s: want (m,m), (n,n) and (m,n)", fmtShape(a.shape), fmtShape(b.shape), fmtShape(q.shape)))
	}
	m, n := a.shape[0], b.shape[0]
	if m == 0 || n == 0 {
		return Zeros(m, n)
	}
	sys := Add(Kron(a, Eye(n)), Kron(Eye(m), Transpose(b)))
	return Reshape(Solve(sys, Reshape(q, m*n)), m, n)
}

// Sqrtm returns the principal square root X of a square matrix A (X X = A),
// like scipy.linalg.sqrtm, for matrices whose eigenvalues are real and
// non-negative (computed by Eigh when A is symmetric, Eig otherwise). Its
// derivative solves the Sylvester equation X dX + dX X = dA (autograd's
// rule), through SolveSylvester, so every order works; it is infinite
// where A is singular. It panics with ErrArgument for a negative or complex
// eigenvalue and ErrShape for a non-square or batched input.
func Sqrtm(a *Tensor) *Tensor {
	mustTensor("Sqrtm", a)
	if len(a.shape) != 2 || a.shape[0] != a.shape[1] {
		panic(errorf(ErrShape, "Sqrtm", "shape %s: want a square matrix", fmtShape(a.shape)))
	}
	return primSqrtm.Apply(nil, a)
}

func init() {
	primSqrtm = &Primitive{
		Name: "Sqrtm",
		Forward: func(c *Call) *Tensor {
			a := c.Args[0]
			n := a.shape[0]
			symmetric := true
			for i := 0; i < n && symmetric; i++ {
				for j := 0; j < i; j++ {
					if a.data[i*n+j] != a.data[j*n+i] {
						symmetric = false
						break
					}
				}
			}
			var w, v, vinv *Tensor
			if symmetric {
				w, v = Eigh(a)
				vinv = Transpose(v)
			} else {
				w, v = Eig(a)
				vinv = Inv(v)
			}
			big := 0.0
			for _, x := range w.data {
				big = math.Max(big, math.Abs(x))
			}
			for _, x := range w.data {
				if x < -1e-12*math.Max(1, big) {
					panic(errorf(ErrArgument, "Sqrtm", "eigenvalue %g < 0: the real principal square root does not exist", x))
				}
			}
			root := Sqrt(Maximum(w, 0.0))
			return MatMul(Mul(v, root), vinv)
		},
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor {
			xt := Transpose(c.Out)
			return SolveSylvester(xt, xt, g)
		}},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return SolveSylvester(c.Out, c.Out, t) }},
	}
}

// SolveBanded solves A X = B for a banded A given in LAPACK's band storage,
// like scipy.linalg.solve_banded((l, u), ab, b): ab (l+u+1, M) holds
// A[i, j] at ab[u+i−j, j] (entries of ab outside the matrix are ignored);
// b is (M) or (M, K). It builds A densely and calls Solve, so it is
// differentiable in ab and b to any order. It panics with ErrArgument for
// negative l or u, ErrShape for shapes that do not fit and ErrSingular for a
// singular A.
func SolveBanded(l, u int, ab, b *Tensor) *Tensor {
	mustTensor("SolveBanded", ab)
	mustTensor("SolveBanded", b)
	if l < 0 || u < 0 {
		panic(errorf(ErrArgument, "SolveBanded", "band widths l = %d, u = %d: want ≥ 0", l, u))
	}
	if len(ab.shape) != 2 || ab.shape[0] != l+u+1 || len(b.shape) == 0 || len(b.shape) > 2 || b.shape[0] != ab.shape[1] {
		panic(errorf(ErrShape, "SolveBanded", "ab %s and b %s with l = %d, u = %d: want ab (l+u+1, M) and b (M) or (M, K)", fmtShape(ab.shape), fmtShape(b.shape), l, u))
	}
	m := ab.shape[1]
	var from, to []int
	for r := 0; r <= l+u; r++ {
		for j := 0; j < m; j++ {
			if i := r + j - u; i >= 0 && i < m {
				from = append(from, r*m+j)
				to = append(to, i*m+j)
			}
		}
	}
	a := scatterFlat(Take(Reshape(ab, -1), from, 0), to, m, m)
	return Solve(a, b)
}
