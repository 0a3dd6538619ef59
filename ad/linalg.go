package ad

// Linear algebra: inverse, determinants, solves, Cholesky, symmetric
// eigendecomposition, thin SVD, pseudo-inverse and norms. Every function
// accepts a matrix or a batch of matrices (..., m, n) and maps over the
// batch. Forward kernels run on gonum's LAPACK; the derivative rules are
// written with ad's ops, so derivatives of any order work.
//
// Data-dependent failures (a singular or not positive definite matrix)
// panic with an *Error wrapping ErrSingular that names the function.

import "math"

var (
	primInv, primDet, primLogAbsDet, primSolve, primSolveTri, primCholesky *Primitive
	primEighVals, primEighVecs, primSVDU, primSVDS, primSVDV, primPinv     *Primitive
	primNormP, primNormInf                                                 *Primitive
)

// triParams are the parameters of a triangular solve: which triangle of A is
// read, and whether Aᵀ X = B is solved instead of A X = B.
type triParams struct{ lower, trans bool }

func init() {
	primInv = &Primitive{
		Name: "Inv",
		Forward: func(c *Call) *Tensor {
			a := c.Args[0]
			batch, n, _ := needMatrix("Inv", a, true)
			out, err := kInv(a.data, batch, n)
			if err != nil {
				panicData("Inv", err, a.shape)
			}
			return newRaw(append([]int{}, a.shape...), out)
		},
		// d(A⁻¹) = −A⁻¹ dA A⁻¹.
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor {
			yt := mT(c.Out)
			return Neg(bmm(yt, bmm(g, yt)))
		}},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return Neg(bmm(c.Out, bmm(t, c.Out))) }},
	}
	primDet = &Primitive{
		Name: "Det",
		Forward: func(c *Call) *Tensor {
			a := c.Args[0]
			batch, n, _ := needMatrix("Det", a, true)
			return newRaw(append([]int{}, a.shape[:len(a.shape)-2]...), kDet(a.data, batch, n))
		},
		// d det(A) = det(A) tr(A⁻¹ dA).
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor {
			return Mul(expandLast2(Mul(g, c.Out)), mT(Inv(c.Args[0])))
		}},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor {
			return Mul(c.Out, sumLast2(Mul(mT(Inv(c.Args[0])), t)))
		}},
	}
	primLogAbsDet = &Primitive{
		Name: "SlogDet",
		Forward: func(c *Call) *Tensor {
			a := c.Args[0]
			batch, n, _ := needMatrix("SlogDet", a, true)
			_, l := kSlogDet(a.data, batch, n)
			return newRaw(append([]int{}, a.shape[:len(a.shape)-2]...), l)
		},
		// d log|det A| = tr(A⁻¹ dA).
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return Mul(expandLast2(g), mT(Inv(c.Args[0]))) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return sumLast2(Mul(mT(Inv(c.Args[0])), t)) }},
	}
	primSolve = &Primitive{
		Name: "Solve",
		Forward: func(c *Call) *Tensor {
			a, b := c.Args[0], c.Args[1]
			batch, n, _ := needMatrix("Solve", a, true)
			k := b.shape[len(b.shape)-1]
			out, err := kSolve(a.data, b.data, batch, n, k)
			if err != nil {
				panicData("Solve", err, a.shape)
			}
			return newRaw(append([]int{}, b.shape...), out)
		},
		// X = A⁻¹B: dX = A⁻¹(dB − dA X).
		VJP: []VJPRule{
			func(g *Tensor, c *Call) *Tensor {
				gb := primSolve.Apply(nil, mT(c.Args[0]), g)
				return Neg(bmm(gb, mT(c.Out)))
			},
			func(g *Tensor, c *Call) *Tensor { return primSolve.Apply(nil, mT(c.Args[0]), g) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return Neg(primSolve.Apply(nil, c.Args[0], bmm(t, c.Out))) },
			func(t *Tensor, c *Call) *Tensor { return primSolve.Apply(nil, c.Args[0], t) },
		},
	}
	primSolveTri = &Primitive{
		Name: "SolveTriangular",
		Forward: func(c *Call) *Tensor {
			a, b, p := c.Args[0], c.Args[1], c.Params.(triParams)
			batch, n, _ := needMatrix("SolveTriangular", a, true)
			out, err := kSolveTriangular(a.data, b.data, batch, n, b.shape[len(b.shape)-1], p.lower, p.trans)
			if err != nil {
				panicData("SolveTriangular", err, a.shape)
			}
			return newRaw(append([]int{}, b.shape...), out)
		},
		VJP: []VJPRule{
			func(g *Tensor, c *Call) *Tensor {
				p := c.Params.(triParams)
				gb := primSolveTri.Apply(triParams{p.lower, !p.trans}, c.Args[0], g)
				var ga *Tensor
				if p.trans {
					ga = bmm(c.Out, mT(gb))
				} else {
					ga = bmm(gb, mT(c.Out))
				}
				return Neg(Mul(ga, triMask(c.Args[0].shape[len(c.Args[0].shape)-1], p.lower)))
			},
			func(g *Tensor, c *Call) *Tensor {
				p := c.Params.(triParams)
				return primSolveTri.Apply(triParams{p.lower, !p.trans}, c.Args[0], g)
			},
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor {
				p := c.Params.(triParams)
				tm := Mul(t, triMask(t.shape[len(t.shape)-1], p.lower))
				if p.trans {
					tm = mT(tm)
				}
				return Neg(primSolveTri.Apply(p, c.Args[0], bmm(tm, c.Out)))
			},
			func(t *Tensor, c *Call) *Tensor { return primSolveTri.Apply(c.Params, c.Args[0], t) },
		},
	}
	primCholesky = &Primitive{
		Name: "Cholesky",
		Forward: func(c *Call) *Tensor {
			a := c.Args[0]
			batch, n, _ := needMatrix("Cholesky", a, true)
			out, err := kCholesky(a.data, batch, n)
			if err != nil {
				panicData("Cholesky", err, a.shape)
			}
			return newRaw(append([]int{}, a.shape...), out)
		},
		// Murray (2016): Ā = sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹), Φ taking the lower
		// triangle with the diagonal halved; dL = L Φ(L⁻¹ dA L⁻ᵀ).
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor {
			l := c.Out
			n := l.shape[len(l.shape)-1]
			phi := Mul(bmm(mT(l), g), phiMask(n))
			up := triParams{lower: true, trans: true}
			y := primSolveTri.Apply(up, l, phi)
			s := mT(primSolveTri.Apply(up, l, mT(y)))
			return lowerSymAdjoint(s)
		}},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor {
			l := c.Out
			n := l.shape[len(l.shape)-1]
			lo := triParams{lower: true}
			y := primSolveTri.Apply(lo, l, lowerSym(t))
			m := mT(primSolveTri.Apply(lo, l, mT(y)))
			return bmm(l, Mul(m, phiMask(n)))
		}},
	}
	primEighVals = &Primitive{
		Name: "Eigh",
		Forward: func(c *Call) *Tensor {
			a := c.Args[0]
			w, _ := eighKernel(a, c.Params)
			return newRaw(append([]int{}, a.shape[:len(a.shape)-1]...), w)
		},
		// dwᵢ = vᵢᵀ dS vᵢ, S the symmetric matrix read from A's lower
		// triangle (see lowerSym).
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor {
			v := primEighVecs.Apply(nil, c.Args[0])
			return lowerSymAdjoint(bmm(Mul(v, expandAxis(g, -2)), mT(v)))
		}},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor {
			v := primEighVecs.Apply(nil, c.Args[0])
			return Sum(Mul(v, bmm(lowerSym(t), v)), -2)
		}},
	}
	primEighVecs = &Primitive{
		Name: "Eigh",
		Forward: func(c *Call) *Tensor {
			a := c.Args[0]
			_, v := eighKernel(a, c.Params)
			return newRaw(append([]int{}, a.shape...), v)
		},
		// dV = V (F ∘ (Vᵀ dS V)), Fᵢⱼ = 1/(wⱼ − wᵢ) off the diagonal.
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor {
			v := c.Out
			f := eighF(primEighVals.Apply(nil, c.Args[0]))
			return lowerSymAdjoint(bmm(v, bmm(Mul(f, bmm(mT(v), g)), mT(v))))
		}},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor {
			v := c.Out
			f := eighF(primEighVals.Apply(nil, c.Args[0]))
			return bmm(v, Mul(f, bmm(mT(v), bmm(lowerSym(t), v))))
		}},
	}
	svdFwd := func(part int) func(c *Call) *Tensor {
		return func(c *Call) *Tensor {
			a := c.Args[0]
			_, m, n := needMatrix("SVD", a, false)
			parts := decompOf(c.Params).get(func() [][]float64 {
				batch, _, _ := needMatrix("SVD", a, false)
				u, s, vt, err := kSVD(a.data, batch, m, n)
				if err != nil {
					panicData("SVD", err, a.shape)
				}
				return [][]float64{u, s, vt}
			})
			k := min(m, n)
			lead := a.shape[:len(a.shape)-2]
			switch part {
			case 0:
				return newRaw(withShape(lead, m, k), parts[0])
			case 1:
				return newRaw(withShape(lead, k), parts[1])
			}
			return mT(newRaw(withShape(lead, k, n), parts[2]))
		}
	}
	primSVDU = &Primitive{Name: "SVD", Forward: svdFwd(0),
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return svdVJP(c.Args[0], g, nil, nil) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { u, _, _ := svdJVP(c.Args[0], t); return u }},
	}
	primSVDS = &Primitive{Name: "SVD", Forward: svdFwd(1),
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return svdVJP(c.Args[0], nil, g, nil) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { _, s, _ := svdJVP(c.Args[0], t); return s }},
	}
	primSVDV = &Primitive{Name: "SVD", Forward: svdFwd(2),
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return svdVJP(c.Args[0], nil, nil, g) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { _, _, v := svdJVP(c.Args[0], t); return v }},
	}
	primPinv = &Primitive{
		Name: "Pinv",
		Forward: func(c *Call) *Tensor {
			a := c.Args[0]
			batch, m, n := needMatrix("Pinv", a, false)
			u, s, vt, err := kSVD(a.data, batch, m, n)
			if err != nil {
				panicData("Pinv", err, a.shape)
			}
			k := min(m, n)
			out := alloc("Pinv", batch*n*m)
			for b := 0; b < batch; b++ {
				sb := s[b*k : (b+1)*k]
				cut := pinvRcond * float64(max(m, n)) * sb[0]
				for i := 0; i < n; i++ {
					for j := 0; j < m; j++ {
						var acc float64
						for l := 0; l < k; l++ {
							if sb[l] > cut {
								acc += vt[b*k*n+l*n+i] * u[b*m*k+j*k+l] / sb[l]
							}
						}
						out[b*n*m+i*m+j] = acc
					}
				}
			}
			return newRaw(withShape(a.shape[:len(a.shape)-2], n, m), out)
		},
		// Golub–Pereyra, for constant rank:
		// dP = −P dA P + P Pᵀ dAᵀ (I − A P) + (I − P A) dAᵀ Pᵀ P.
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor {
			a, p := c.Args[0], c.Out
			pt, gt := mT(p), mT(g)
			m, n := a.shape[len(a.shape)-2], a.shape[len(a.shape)-1]
			t1 := Neg(bmm(pt, bmm(g, pt)))
			t2 := bmm(Sub(Eye(m), bmm(a, p)), bmm(gt, bmm(p, pt)))
			t3 := bmm(bmm(pt, p), bmm(gt, Sub(Eye(n), bmm(p, a))))
			return Add(Add(t1, t2), t3)
		}},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor {
			a, p := c.Args[0], c.Out
			pt, tt := mT(p), mT(t)
			m, n := a.shape[len(a.shape)-2], a.shape[len(a.shape)-1]
			t1 := Neg(bmm(p, bmm(t, p)))
			t2 := bmm(bmm(p, pt), bmm(tt, Sub(Eye(m), bmm(a, p))))
			t3 := bmm(Sub(Eye(n), bmm(p, a)), bmm(tt, bmm(pt, p)))
			return Add(Add(t1, t2), t3)
		}},
	}
	primNormP = &Primitive{
		Name: "Norm",
		Forward: func(c *Call) *Tensor {
			x, p := c.Args[0], c.Params.(normParams)
			if p.p == 2 {
				return Sqrt(sumTo(Square(x), p.keep))
			}
			return Pow(sumTo(Pow(Abs(x), p.p), p.keep), 1/p.p)
		},
		// ∂‖x‖ₚ/∂x = sign(x)|x|^(p−1) / ‖x‖ₚ^(p−1), taken as 0 where ‖x‖ₚ = 0.
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return Mul(g, normPDeriv(c)) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor {
			return sumTo(Mul(t, normPDeriv(c)), c.Params.(normParams).keep)
		}},
	}
	primNormInf = &Primitive{
		Name: "Norm",
		Forward: func(c *Call) *Tensor {
			x, p := c.Args[0], c.Params.(normParams)
			out := make([]float64, sizeOf(p.keep))
			if p.p < 0 {
				for i := range out {
					out[i] = math.Inf(1)
				}
			}
			forEachOffset(x.shape, broadcastStrides(p.keep, x.shape), func(k, off int) {
				v := math.Abs(x.data[k])
				if (p.p > 0 && v > out[off]) || (p.p < 0 && v < out[off]) || math.IsNaN(v) {
					out[off] = v
				}
			})
			return newRaw(append([]int{}, p.keep...), out)
		},
		// The gradient goes to the entries attaining the max (or min) of
		// |x|, shared equally among ties.
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return Mul(g, normInfDeriv(c)) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor {
			return sumTo(Mul(t, normInfDeriv(c)), c.Params.(normParams).keep)
		}},
	}
}

// pinvRcond is the relative cutoff below which singular values count as zero
// in Pinv (times max(m, n) and the largest singular value, like numpy).
const pinvRcond = 1e-15

// eighKernel runs kEigh on a plain tensor, panicking with an ad error, or
// returns the decomposition already cached in params.
func eighKernel(a *Tensor, params any) (w, v []float64) {
	parts := decompOf(params).get(func() [][]float64 {
		batch, n, _ := needMatrix("Eigh", a, true)
		w, v, err := kEigh(a.data, batch, n)
		if err != nil {
			panicData("Eigh", err, a.shape)
		}
		return [][]float64{w, v}
	})
	return parts[0], parts[1]
}

// decomp caches one decomposition (SVD or eigh) of one input, shared as the
// parameter of the primitives that return its factors, so computing all
// factors of a matrix runs LAPACK once. Apply passes the parameter
// unchanged down to the plain input, whose data is the same at every level
// of tracing, so the cache always describes the data it is used with. A
// decomp belongs to one call of Eigh or SVD, on one goroutine.
type decomp struct {
	parts [][]float64
}

// decompOf returns the cache in params, or a fresh one when params is nil
// (a rule recomputing one factor on its own).
func decompOf(params any) *decomp {
	if d, ok := params.(*decomp); ok && d != nil {
		return d
	}
	return &decomp{}
}

// get returns the cached parts, computing them with f on first use.
func (d *decomp) get(f func() [][]float64) [][]float64 {
	if d.parts == nil {
		d.parts = f()
	}
	return d.parts
}

// eighF returns Fᵢⱼ = 1/(wⱼ − wᵢ) off the diagonal and 0 on it, for
// eigenvalues w (..., n). It is infinite for repeated eigenvalues, where the
// eigenvectors are not differentiable.
func eighF(w *Tensor) *Tensor {
	n := w.shape[len(w.shape)-1]
	off := constMatrix(n, func(i, j int) float64 { return b2f(i != j) })
	diff := Sub(expandAxis(w, -2), expandAxis(w, -1))
	return Div(off, Add(diff, Eye(n)))
}

// svdF returns Fᵢⱼ = 1/(sⱼ² − sᵢ²) off the diagonal and 0 on it.
func svdF(s *Tensor) *Tensor { return eighF(Square(s)) }

// svdParts returns the differentiable factors U (..., m, k), s (..., k) and
// V (..., n, k) of a.
func svdParts(a *Tensor) (u, s, v *Tensor) {
	d := &decomp{}
	return primSVDU.Apply(d, a), primSVDS.Apply(d, a), primSVDV.Apply(d, a)
}

// svdVJP returns the cotangent of A for cotangents gu, gs, gv of U, s and V
// (nil ones are zero), following Townsend (2016).
func svdVJP(a, gu, gs, gv *Tensor) *Tensor {
	u, s, v := svdParts(a)
	m, n := a.shape[len(a.shape)-2], a.shape[len(a.shape)-1]
	sRow, sCol := expandAxis(s, -2), expandAxis(s, -1) // X·S = X*sRow, S·X = X*sCol
	vt := mT(v)
	switch {
	case gs != nil:
		return bmm(Mul(u, expandAxis(gs, -2)), vt)
	case gu != nil:
		f := svdF(s)
		utg := bmm(mT(u), gu)
		inner := Mul(Mul(f, Sub(utg, mT(utg))), sRow)
		comp := bmm(Sub(Eye(m), bmm(u, mT(u))), Div(gu, sRow))
		return Add(bmm(u, bmm(inner, vt)), bmm(comp, vt))
	default:
		f := svdF(s)
		vtg := bmm(vt, gv)
		inner := Mul(Mul(f, Sub(vtg, mT(vtg))), sCol)
		comp := bmm(Div(u, sRow), bmm(mT(gv), Sub(Eye(n), bmm(v, vt))))
		return Add(bmm(u, bmm(inner, vt)), comp)
	}
}

// svdJVP returns the tangents of U, s and V for a tangent t of A.
func svdJVP(a, t *Tensor) (du, ds, dv *Tensor) {
	u, s, v := svdParts(a)
	m, n := a.shape[len(a.shape)-2], a.shape[len(a.shape)-1]
	sRow, sCol := expandAxis(s, -2), expandAxis(s, -1)
	f := svdF(s)
	dp := bmm(mT(u), bmm(t, v))
	ds = matDiag(dp)
	du = Add(bmm(u, Mul(f, Add(Mul(dp, sRow), Mul(mT(dp), sCol)))),
		Div(bmm(Sub(Eye(m), bmm(u, mT(u))), bmm(t, v)), sRow))
	dv = Add(bmm(v, Mul(f, Add(Mul(dp, sCol), Mul(mT(dp), sRow)))),
		Div(bmm(Sub(Eye(n), bmm(v, mT(v))), bmm(mT(t), u)), sRow))
	return du, ds, dv
}

// expandAxis inserts a unit axis at position axis (negative counts from the
// end of the result).
func expandAxis(x *Tensor, axis int) *Tensor {
	nd := len(x.shape) + 1
	if axis < 0 {
		axis += nd
	}
	shape := make([]int, 0, nd)
	shape = append(shape, x.shape[:axis]...)
	shape = append(shape, 1)
	shape = append(shape, x.shape[axis:]...)
	return Reshape(x, shape...)
}

// lowerSym returns the symmetric matrix read from the lower triangle of x
// (..., n, n): tril(x) + tril(x, −1)ᵀ. It is linear, so it maps a tangent
// of A to the tangent of what Eigh decomposes.
func lowerSym(x *Tensor) *Tensor {
	p := Mul(x, phiMask(x.shape[len(x.shape)-1]))
	return Add(p, mT(p))
}

// lowerSymAdjoint is the adjoint of lowerSym: it maps a cotangent of the
// symmetric matrix to one of A, Xᵢᵢ on the diagonal, Xᵢⱼ + Xⱼᵢ below it and
// 0 above (the entries Eigh never reads).
func lowerSymAdjoint(x *Tensor) *Tensor {
	return Mul(Add(x, mT(x)), phiMask(x.shape[len(x.shape)-1]))
}

// symmetrize returns (X + Xᵀ)/2.
func symmetrize(x *Tensor) *Tensor { return Mul(Add(x, mT(x)), 0.5) }

// triMask returns the n×n mask of ones on and below (lower) or above the
// diagonal.
func triMask(n int, lower bool) *Tensor {
	return constMatrix(n, func(i, j int) float64 { return b2f((lower && j <= i) || (!lower && j >= i)) })
}

// phiMask returns the n×n mask of ones below the diagonal and 1/2 on it.
func phiMask(n int) *Tensor {
	return constMatrix(n, func(i, j int) float64 {
		switch {
		case i == j:
			return 0.5
		case j < i:
			return 1
		}
		return 0
	})
}

// Inv returns the inverse of a square matrix, or of each matrix of a batch
// (..., n, n). It panics with ErrShape for non-square input and with
// ErrSingular when a matrix is singular to working precision.
func Inv(a *Tensor) *Tensor { return primInv.Apply(nil, mustTensor("Inv", a)) }

// Det returns the determinant of a square matrix (a scalar), or the
// determinants of a batch (..., n, n) as a tensor (...). Its gradient is
// det(A)·A⁻ᵀ, so differentiating it panics with ErrSingular at a singular A.
func Det(a *Tensor) *Tensor { return primDet.Apply(nil, mustTensor("Det", a)) }

// SlogDet returns the sign and the natural logarithm of the absolute value
// of the determinant of a square matrix or a batch, like numpy.linalg.slogdet.
// A singular matrix has sign 0 and logabsdet −Inf. The sign is a constant
// (no gradient); the gradient of logabsdet is A⁻ᵀ.
func SlogDet(a *Tensor) (sign, logabsdet *Tensor) {
	mustTensor("SlogDet", a)
	batch, n, _ := needMatrix("SlogDet", a, true)
	s, _ := kSlogDet(a.data, batch, n)
	lead := append([]int{}, a.shape[:len(a.shape)-2]...)
	return newRaw(lead, s), primLogAbsDet.Apply(nil, a)
}

// Solve returns X with A X = B for a square A (..., n, n). B is a vector
// (n) or a batch of matrices (..., n, k), as in numpy 2; batch dimensions
// broadcast. It panics with ErrShape when the
// shapes do not fit and with ErrSingular when A is singular.
func Solve(a, b *Tensor) *Tensor {
	mustTensor("Solve", a)
	mustTensor("Solve", b)
	_, n, _ := needMatrix("Solve", a, true)
	if len(b.shape) == 1 {
		if b.shape[0] != n {
			panic(errorf(ErrShape, "Solve", "right-hand side of shape %s does not fit a matrix of shape %s", fmtShape(b.shape), fmtShape(a.shape)))
		}
		x := Solve(a, expandAxis(b, -1))
		return Reshape(x, x.shape[:len(x.shape)-1]...)
	}
	if len(b.shape) < 2 || b.shape[len(b.shape)-2] != n {
		panic(errorf(ErrShape, "Solve", "right-hand side of shape %s does not fit a matrix of shape %s", fmtShape(b.shape), fmtShape(a.shape)))
	}
	a, b = broadcastBatch("Solve", a, b)
	return primSolve.Apply(nil, a, b)
}

// broadcastBatch broadcasts the batch dimensions (all but the last two) of
// two batches of matrices to a common shape.
func broadcastBatch(op string, a, b *Tensor) (*Tensor, *Tensor) {
	ab, bb := a.shape[:len(a.shape)-2], b.shape[:len(b.shape)-2]
	if sameShape(ab, bb) {
		return a, b
	}
	batch := broadcastShapes(op, ab, bb)
	return broadcastTo(a, withShape(batch, a.shape[len(a.shape)-2:]...)),
		broadcastTo(b, withShape(batch, b.shape[len(b.shape)-2:]...))
}

// SolveTriangular returns X with A X = B for a triangular A (..., n, n),
// reading only its lower (lower = true) or upper triangle. B is a vector (n)
// or a batch of matrices (..., n, k), as in Solve. The gradient with
// respect to A lies in the same triangle. It panics with ErrSingular when a
// diagonal entry of A is zero or negligible.
func SolveTriangular(a, b *Tensor, lower bool) *Tensor {
	return solveTriangular("SolveTriangular", a, b, triParams{lower: lower})
}

// SolveTriangularT is SolveTriangular for the transposed system Aᵀ X = B.
func SolveTriangularT(a, b *Tensor, lower bool) *Tensor {
	return solveTriangular("SolveTriangularT", a, b, triParams{lower: lower, trans: true})
}

func solveTriangular(op string, a, b *Tensor, p triParams) *Tensor {
	mustTensor(op, a)
	mustTensor(op, b)
	_, n, _ := needMatrix(op, a, true)
	if len(b.shape) == 1 {
		if b.shape[len(b.shape)-1] != n {
			panic(errorf(ErrShape, op, "right-hand side of shape %s does not fit a matrix of shape %s", fmtShape(b.shape), fmtShape(a.shape)))
		}
		x := solveTriangular(op, a, expandAxis(b, -1), p)
		return Reshape(x, x.shape[:len(x.shape)-1]...)
	}
	if len(b.shape) < 2 || b.shape[len(b.shape)-2] != n {
		panic(errorf(ErrShape, op, "right-hand side of shape %s does not fit a matrix of shape %s", fmtShape(b.shape), fmtShape(a.shape)))
	}
	a, b = broadcastBatch(op, a, b)
	return primSolveTri.Apply(p, a, b)
}

// Cholesky returns the lower-triangular L with A = L Lᵀ for a symmetric
// positive-definite A (..., n, n), reading only A's lower triangle. Like
// Eigh's, its gradient is that of the function computed: lower triangular,
// zero above the diagonal (autograd returns the symmetrised one, which
// differs from finite differences when A is not symmetric; compose with
// (A + Aᵀ)/2 to get it). It panics with ErrSingular when A is not positive
// definite.
func Cholesky(a *Tensor) *Tensor { return primCholesky.Apply(nil, mustTensor("Cholesky", a)) }

// CholSolve returns X with A X = B given the lower Cholesky factor L of A
// (A = L Lᵀ, from Cholesky), by two triangular solves, like
// scipy.linalg.cho_solve. B is a vector (n) or a batch of matrices
// (..., n, k). It panics like SolveTriangular.
func CholSolve(l, b *Tensor) *Tensor {
	return SolveTriangularT(l, SolveTriangular(l, b, true), true)
}

// Eigh returns the eigenvalues w (..., n), in ascending order, and the
// orthonormal eigenvectors as the columns of v (..., n, n) of a symmetric
// matrix A (..., n, n), reading only its lower triangle (numpy's default
// UPLO="L"). Its derivatives are those of the function computed: the
// gradient is lower triangular (zero above the diagonal, which is never
// read; below it, the sum of the symmetric gradient's two mirror entries),
// as autograd returns, and it agrees with finite differences even when A is
// not symmetric. EighSym reads both triangles instead. The eigenvectors'
// signs are LAPACK's; their gradient assumes distinct eigenvalues (it is
// infinite otherwise).
func Eigh(a *Tensor) (w, v *Tensor) {
	mustTensor("Eigh", a)
	needMatrix("Eigh", a, true)
	d := &decomp{}
	return primEighVals.Apply(d, a), primEighVecs.Apply(d, a)
}

// EighSym is Eigh of (A + Aᵀ)/2: it reads both triangles of A, so its
// gradient is symmetric (the symmetrised gradient of Eigh), and for a
// symmetric A it returns what Eigh returns. It panics like Eigh.
func EighSym(a *Tensor) (w, v *Tensor) {
	mustTensor("EighSym", a)
	needMatrix("EighSym", a, true)
	return Eigh(symmetrize(a))
}

// SVD returns the thin singular value decomposition A = U diag(s) Vt of a
// matrix or a batch (..., m, n): u (..., m, k), s (..., k) in decreasing
// order and vt (..., k, n), with k = min(m, n). The gradients of u and vt
// assume distinct, non-zero singular values.
func SVD(a *Tensor) (u, s, vt *Tensor) {
	mustTensor("SVD", a)
	needMatrix("SVD", a, false)
	u, s, v := svdParts(a)
	return u, s, mT(v)
}

// SingularValues returns the singular values of a matrix or a batch in
// decreasing order, the s of SVD, computed once.
func SingularValues(a *Tensor) *Tensor {
	mustTensor("SingularValues", a)
	needMatrix("SingularValues", a, false)
	return primSVDS.Apply(nil, a)
}

// Pinv returns the Moore–Penrose pseudo-inverse (..., n, m) of a matrix or a
// batch (..., m, n), treating singular values below 1e-15·max(m,n)·s_max as
// zero. Its gradient assumes the rank does not change near A.
func Pinv(a *Tensor) *Tensor { return primPinv.Apply(nil, mustTensor("Pinv", a)) }

// normParams are the parameters of a p-norm: p and the kept-dims shape of
// the result.
type normParams struct {
	p    float64
	keep []int
}

// normPDeriv returns sign(x)|x|^(p−1)/‖x‖^(p−1), with 0 where the norm is 0.
func normPDeriv(c *Call) *Tensor {
	x, n, p := c.Args[0], c.Out, c.Params.(normParams).p
	safe := Add(n, Equal(n, 0))
	if p == 2 {
		return Div(x, safe)
	}
	if p == 1 {
		return Mul(Sign(x), Sub(1, Equal(n, 0)))
	}
	return Mul(Sign(x), Pow(Div(Abs(x), safe), p-1))
}

// normInfDeriv returns sign(x)·[|x| attains the norm]/(number of ties).
func normInfDeriv(c *Call) *Tensor {
	x, n, keep := c.Args[0], c.Out, c.Params.(normParams).keep
	hit := Equal(Abs(x), n)
	return Div(Mul(Sign(x), hit), sumTo(hit, keep))
}

// NormP returns the vector p-norm (Σ|x|ᵖ)^(1/p) of x over the given axes
// (all axes when none are given), dropping them. p may be any positive
// number or ±Inf (the largest or smallest |x|). The gradient is 0 where the
// norm is 0, like that of Abs, instead of NaN. It panics with ErrArgument for
// p ≤ 0 or NaN and with ErrAxis for a bad axis.
func NormP(x *Tensor, p float64, axes ...int) *Tensor {
	mustTensor("Norm", x)
	if math.IsNaN(p) || p <= 0 && !math.IsInf(p, -1) {
		panic(errorf(ErrArgument, "Norm", "order p = %v: want p > 0 or ±Inf", p))
	}
	mask := axisMask("Norm", axes, len(x.shape))
	keep, drop := keptShape(x.shape, mask), droppedShape(x.shape, mask)
	prim := primNormP
	if math.IsInf(p, 0) {
		prim = primNormInf
	}
	return Reshape(prim.Apply(normParams{p: p, keep: keep}, x), drop...)
}

// Norm returns the Euclidean norm of all elements of x (the Frobenius norm
// of a matrix), like numpy.linalg.norm(x) with no options. Its gradient at
// zero is 0.
func Norm(x *Tensor) *Tensor { return NormP(x, 2) }

// NormFro returns the Frobenius norm of each matrix of a batch (..., m, n)
// as a tensor (...).
func NormFro(x *Tensor) *Tensor {
	mustTensor("NormFro", x)
	needMatrix("NormFro", x, false)
	return NormP(x, 2, -2, -1)
}

// NormNuc returns the nuclear norm (sum of singular values) of each matrix
// of a batch (..., m, n) as a tensor (...).
func NormNuc(x *Tensor) *Tensor {
	s := SingularValues(x)
	return Sum(s, -1)
}
