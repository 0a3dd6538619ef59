package ad

import (
	"errors"
	"math"
	"testing"
)

// realSpectrum returns P diag(ws) P⁻¹ for a random well-conditioned P: a
// non-symmetric matrix with the given real eigenvalues.
func realSpectrum(seed uint64, ws ...float64) *Tensor {
	n := len(ws)
	p := wellConditioned(seed, n, n)
	return MatMul(MatMul(p, Diag(New(ws))), Inv(p))
}

func TestEigCheckGrads(t *testing.T) {
	t.Parallel()
	a := realSpectrum(3, 1, -2, 4)
	batch := Stack([]*Tensor{realSpectrum(4, 0.5, 3, -1), realSpectrum(5, 2, 7, -3)}, 0)
	cases := []struct {
		name string
		f    func(*Tensor) *Tensor
		x    *Tensor
	}{
		{"values", func(x *Tensor) *Tensor { w, _ := Eig(x); return w }, a},
		{"vectors squared", func(x *Tensor) *Tensor { _, v := Eig(x); return Square(v) }, a},
		{"batch values and vectors", func(x *Tensor) *Tensor { w, v := Eig(x); return Mul(Square(v), expandAxis(w, -2)) }, batch},
		{"1x1", func(x *Tensor) *Tensor { w, v := Eig(x); return Add(w, Sum(Square(v))) }, New([]float64{2.5}, 1, 1)},
		{"reconstruction V diag(w) V⁻¹", func(x *Tensor) *Tensor {
			w, v := Eig(x)
			return MatMul(Mul(v, expandAxis(w, -2)), Inv(v))
		}, a},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := CheckGradsWith(tc.f, tc.x, CheckOptions{Order: 2, Tol: 1e-5})
			if !r.OK || len(r.Results) != 6 {
				t.Errorf("%s", r)
			}
		})
	}
}

func TestEigValues(t *testing.T) {
	t.Parallel()
	a := realSpectrum(7, 1, -2, 4)
	w, v := Eig(a)
	got := append([]float64{}, w.Data()...)
	for _, want := range []float64{1, -2, 4} {
		found := false
		for _, g := range got {
			found = found || math.Abs(g-want) < 1e-10
		}
		if !found {
			t.Errorf("eigenvalues %v: %v missing", got, want)
		}
	}
	// A V = V diag(w), unit columns.
	av, vw := MatMul(a, v), Mul(v, expandAxis(w, -2))
	for i, x := range av.Data() {
		if math.Abs(x-vw.Data()[i]) > 1e-10 {
			t.Fatalf("A V ≠ V diag(w) at %d: %v vs %v", i, x, vw.Data()[i])
		}
	}
	for j, nrm := range Sum(Square(v), 0).Data() {
		if math.Abs(nrm-1) > 1e-12 {
			t.Errorf("column %d has squared norm %v", j, nrm)
		}
	}
	// The upper-triangular [[2, 1], [0, 3]] has eigenvalues 2 and 3 and
	// d w/dA = the outer products of left and right eigenvectors.
	g := Grad(func(x *Tensor) *Tensor { w, _ := Eig(x); return Index(w, 1) })(New([]float64{2, 1, 0, 3}, 2, 2))
	want := []float64{0, 0, 1, 1} // for w=3: u = (0, 1) left, v ∝ (1, 1) right, uvᵀ/(u·v)
	for i, x := range g.Data() {
		if math.Abs(x-want[i]) > 1e-12 {
			t.Errorf("dw/dA: got %v want %v", g.Data(), want)
			break
		}
	}
	for _, tc := range []struct {
		name string
		x    *Tensor
		want error
	}{
		{"rotation (complex spectrum)", New([]float64{0, -1, 1, 0}, 2, 2), ErrArgument},
		{"NaN entry", New([]float64{math.NaN(), 0, 0, 1}, 2, 2), ErrArgument},
		{"not square", Ones(2, 3), ErrShape},
	} {
		if err := Catch(func() { Eig(tc.x) }); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v want %v", tc.name, err, tc.want)
		}
	}
}
