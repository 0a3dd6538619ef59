package ad

// The general eigendecomposition A = V diag(w) V⁻¹ for matrices with real
// spectra (numpy.linalg.eig; complex spectra need complex numbers).

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"
)

var primEigVals, primEigVecs *Primitive

// errComplexSpectrum reports a complex eigenvalue pair.
var errComplexSpectrum = errors.New("complex eigenvalues")

// kEig returns the eigenvalues (batch×n, LAPACK's order) and the unit right
// eigenvectors as columns (batch×n×n) of batch n×n matrices, or
// errComplexSpectrum when one matrix has a complex eigenvalue.
func kEig(a []float64, batch, n int) (w, v []float64, err error) {
	w = make([]float64, batch*n)
	v = make([]float64, batch*n*n)
	if n == 0 {
		return w, v, nil
	}
	blk := make([]float64, n*n)
	wi := make([]float64, n)
	work := []float64{0}
	none := general(nil, 0, 0)
	none.Stride = 1
	lapack64.Geev(lapack.LeftEVNone, lapack.RightEVCompute, general(blk, n, n), w[:n], wi, none, general(v[:n*n], n, n), work, -1)
	work = make([]float64, max(int(work[0]), 4*n))
	for bi := 0; bi < batch; bi++ {
		if Interrupted() {
			return nil, nil, errInterrupted
		}
		copy(blk, a[bi*n*n:(bi+1)*n*n])
		if first := lapack64.Geev(lapack.LeftEVNone, lapack.RightEVCompute, general(blk, n, n), w[bi*n:(bi+1)*n], wi, none, general(v[bi*n*n:(bi+1)*n*n], n, n), work, len(work)); first != 0 {
			return nil, nil, errNoConv
		}
		for _, x := range wi {
			if x != 0 {
				return nil, nil, errComplexSpectrum
			}
		}
	}
	return w, v, nil
}

func eigParts(op string, a *Tensor, params any) [][]float64 {
	return decompOf(params).get(func() [][]float64 {
		batch, n, _ := needMatrix(op, a, true)
		for _, x := range a.data {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				panic(errorf(ErrArgument, op, "the matrix has a non-finite entry (shape %s)", fmtShape(a.shape)))
			}
		}
		w, v, err := kEig(a.data, batch, n)
		if errors.Is(err, errComplexSpectrum) {
			panic(errorf(ErrArgument, op, "the matrix has complex eigenvalues (shape %s); ad has no complex numbers: use Eigh for a symmetric matrix", fmtShape(a.shape)))
		}
		if err != nil {
			panicData(op, err, a.shape)
		}
		return [][]float64{w, v}
	})
}

// Eig returns the eigenvalues w (..., n), in LAPACK's order (numpy's), and
// the unit right eigenvectors as the columns of v (..., n, n) of a square
// matrix A (..., n, n) whose eigenvalues are all real, like numpy.linalg.eig.
// The eigenvectors' signs are LAPACK's. Derivatives of every order follow
// dA = V dM V⁻¹ with dw = diag(dM) and dV = V (F∘dM) renormalised to unit
// columns (F_ij = 1/(w_j − w_i)), so they assume distinct eigenvalues and,
// like the forward computation, real ones. It panics with ErrArgument when
// A has complex eigenvalues (complex numbers are not supported) or a
// non-finite entry, and with ErrShape for a non-square input.
func Eig(a *Tensor) (w, v *Tensor) {
	mustTensor("Eig", a)
	needMatrix("Eig", a, true)
	d := &decomp{}
	return primEigVals.Apply(d, a), primEigVecs.Apply(d, a)
}

// eigDM returns V⁻¹ t V, the tangent of A in the eigenbasis.
func eigDM(t, v *Tensor) *Tensor { return bmm(Inv(v), bmm(t, v)) }

// eigBack maps a cotangent M̄ in the eigenbasis to one of A: V⁻ᵀ M̄ Vᵀ.
func eigBack(mbar, v *Tensor) *Tensor { return bmm(mT(Inv(v)), bmm(mbar, mT(v))) }

func init() {
	primEigVals = &Primitive{
		Name: "Eig",
		Forward: func(c *Call) *Tensor {
			a := c.Args[0]
			return newRaw(append([]int{}, a.shape[:len(a.shape)-1]...), eigParts("Eig", a, c.Params)[0])
		},
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor {
			v := primEigVecs.Apply(nil, c.Args[0])
			return eigBack(MakeDiagonal(g), v)
		}},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor {
			v := primEigVecs.Apply(nil, c.Args[0])
			return matDiag(eigDM(t, v))
		}},
	}
	primEigVecs = &Primitive{
		Name: "Eig",
		Forward: func(c *Call) *Tensor {
			a := c.Args[0]
			return newRaw(append([]int{}, a.shape...), eigParts("Eig", a, c.Params)[1])
		},
		// dV = V C − V diag(diag(VᵀV C)), C = F∘(V⁻¹ dA V): the second term
		// keeps the columns of unit length.
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor {
			v := c.Out
			n := v.shape[len(v.shape)-1]
			f := eighF(primEigVals.Apply(nil, c.Args[0]))
			vtg := bmm(mT(v), g)
			cbar := Sub(vtg, bmm(bmm(mT(v), v), Mul(vtg, Eye(n))))
			return eigBack(Mul(f, cbar), v)
		}},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor {
			v := c.Out
			f := eighF(primEigVals.Apply(nil, c.Args[0]))
			vc := bmm(v, Mul(f, eigDM(t, v)))
			norm := matDiag(bmm(mT(v), vc))
			return Sub(vc, Mul(v, expandAxis(norm, -2)))
		}},
	}
}
