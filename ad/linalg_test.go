package ad

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

func TestLinalgCheckGrads(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    func(*Tensor) *Tensor
		x    *Tensor
		tol  float64
	}{
		{"Inv 1x1", Inv, wellConditioned(1, 1, 1), 1e-6},
		{"Inv 3x3", Inv, wellConditioned(2, 3, 3), 1e-6},
		{"Inv batch 2x3x3", Inv, wellConditioned(3, 2, 3, 3), 1e-6},
		{"Det 3x3", Det, wellConditioned(4, 3, 3), 1e-6},
		{"Det batch 2x2x2", Det, wellConditioned(5, 2, 2, 2), 1e-6},
		{"SlogDet 4x4", func(x *Tensor) *Tensor { _, l := SlogDet(x); return l }, wellConditioned(6, 4, 4), 1e-6},
		{"Solve matrix wrt A", func(x *Tensor) *Tensor { return Solve(x, randTensor(7, 3, 2)) }, wellConditioned(8, 3, 3), 1e-6},
		{"Solve vector wrt b", func(x *Tensor) *Tensor { return Solve(wellConditioned(9, 3, 3), x) }, randTensor(10, 3), 1e-6},
		{"Solve batched broadcast", func(x *Tensor) *Tensor { return Solve(x, randTensor(11, 3, 2)) }, wellConditioned(12, 2, 3, 3), 1e-6},
		{"SolveTriangular lower wrt A", func(x *Tensor) *Tensor { return SolveTriangular(x, randTensor(13, 3, 2), true) }, wellConditioned(14, 3, 3), 1e-6},
		{"SolveTriangular upper wrt b", func(x *Tensor) *Tensor { return SolveTriangular(wellConditioned(15, 3, 3), x, false) }, randTensor(16, 3), 1e-6},
		{"SolveTriangularT lower wrt A", func(x *Tensor) *Tensor { return SolveTriangularT(x, randTensor(17, 2, 3, 1), true) }, wellConditioned(18, 2, 3, 3), 1e-6},
		{"Cholesky 3x3", symIn(Cholesky), spd(19, 3, 3), 1e-6},
		{"Cholesky batch", symIn(Cholesky), spd(20, 2, 4, 4), 1e-6},
		{"Cholesky 1x1", symIn(Cholesky), spd(35, 1, 1), 1e-6},
		{"CholSolve through Cholesky", symIn(func(x *Tensor) *Tensor { return CholSolve(Cholesky(x), randTensor(43, 3, 2)) }), spd(44, 3, 3), 1e-6},
		{"Eigh batch values and vectors", symIn(func(x *Tensor) *Tensor { w, v := Eigh(x); return Mul(Square(v), expandAxis(w, -2)) }), spd(36, 2, 3, 3), 1e-5},
		{"SVD square values", SingularValues, randTensor(37, 3, 3), 1e-6},
		{"Pinv batch", Pinv, randTensor(38, 2, 2, 3), 1e-6},
		{"Inv of Cholesky factor", symIn(func(x *Tensor) *Tensor { return Inv(Cholesky(x)) }), spd(39, 3, 3), 1e-6},
		{"Eigh values", symIn(func(x *Tensor) *Tensor { w, _ := Eigh(x); return w }), spd(21, 3, 3), 1e-6},
		{"Eigh vectors", symIn(func(x *Tensor) *Tensor { _, v := Eigh(x); return Square(v) }), spd(22, 3, 3), 1e-5},
		{"SVD values 3x2", func(x *Tensor) *Tensor { _, s, _ := SVD(x); return s }, randTensor(23, 3, 2), 1e-6},
		{"SVD U 3x2", func(x *Tensor) *Tensor { u, _, _ := SVD(x); return Square(u) }, randTensor(24, 3, 2), 1e-5},
		{"SVD Vt 2x3", func(x *Tensor) *Tensor { _, _, vt := SVD(x); return Square(vt) }, randTensor(25, 2, 3), 1e-5},
		{"SVD U S Vt batch", func(x *Tensor) *Tensor { u, s, vt := SVD(x); return bmm(Mul(u, expandAxis(s, -2)), vt) }, randTensor(26, 2, 3, 2), 1e-6},
		{"Solve both arguments", func(x *Tensor) *Tensor { return Solve(Add(Outer(x, x), Eye(3)), Sin(x)) }, randTensor(41, 3), 1e-6},
		{"SolveTriangular both arguments", func(x *Tensor) *Tensor { return SolveTriangular(Add(Outer(x, x), Mul(Eye(3), 4)), Exp(x), false) }, randTensor(42, 3), 1e-6},
		{"Pinv 3x2", Pinv, randTensor(27, 3, 2), 1e-6},
		{"Pinv 2x3", Pinv, randTensor(28, 2, 3), 1e-6},
		{"Norm", Norm, randTensor(29, 2, 3), 1e-6},
		{"NormP 3 axis", func(x *Tensor) *Tensor { return NormP(x, 3, 1) }, randTensor(30, 2, 3), 1e-6},
		{"NormP 1", func(x *Tensor) *Tensor { return NormP(x, 1, 0) }, randTensor(31, 2, 3), 1e-6},
		{"NormP Inf", func(x *Tensor) *Tensor { return NormP(x, math.Inf(1), -1) }, randTensor(32, 2, 3), 1e-6},
		{"NormFro batch", NormFro, randTensor(33, 2, 2, 3), 1e-6},
		{"NormNuc", NormNuc, randTensor(34, 3, 3), 1e-6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkGradsExt(t, tc.name, tc.f, tc.x, 2, tc.tol)
		})
	}
}

func TestDetGradientIsDetTimesInvT(t *testing.T) {
	t.Parallel()
	a := wellConditioned(40, 4, 4)
	got := Grad(Det)(a)
	want := Mul(Det(a), mT(Inv(a)))
	closeSlices(t, "grad Det", got.Data(), want.Data(), 1e-12)
	// SlogDet's gradient is inv(A)ᵀ.
	got = Grad(func(x *Tensor) *Tensor { _, l := SlogDet(x); return l })(a)
	closeSlices(t, "grad logabsdet", got.Data(), mT(Inv(a)).Data(), 1e-12)
}

func TestNormGradientAtZero(t *testing.T) {
	t.Parallel()
	for _, p := range []float64{1, 2, 3, math.Inf(1)} {
		g := Grad(func(x *Tensor) *Tensor { return NormP(x, p) })(Zeros(3))
		for _, v := range g.Data() {
			if v != 0 {
				t.Errorf("grad of NormP(p=%v) at 0: got %v want zeros", p, g)
				break
			}
		}
	}
}

func TestLinalgKnownValues(t *testing.T) {
	t.Parallel()
	a := New([]float64{4, 2, 2, 3}, 2, 2)
	closeSlices(t, "Det", []float64{Det(a).Item()}, []float64{8}, 1e-14)
	closeSlices(t, "Inv", Inv(a).Data(), []float64{3.0 / 8, -2.0 / 8, -2.0 / 8, 4.0 / 8}, 1e-14)
	closeSlices(t, "Cholesky", Cholesky(a).Data(), []float64{2, 0, 1, math.Sqrt(2)}, 1e-14)
	closeSlices(t, "Solve", Solve(a, New([]float64{2, 3})).Data(), []float64{0, 1}, 1e-14)
	closeSlices(t, "CholSolve", CholSolve(Cholesky(a), New([]float64{2, 3})).Data(), []float64{0, 1}, 1e-14)
	w, _ := Eigh(New([]float64{2, 1, 1, 2}, 2, 2))
	closeSlices(t, "Eigh", w.Data(), []float64{1, 3}, 1e-14)
	closeSlices(t, "SingularValues", SingularValues(New([]float64{3, 0, 0, -4}, 2, 2)).Data(), []float64{4, 3}, 1e-14)
	closeSlices(t, "NormNuc", []float64{NormNuc(New([]float64{3, 0, 0, -4}, 2, 2)).Item()}, []float64{7}, 1e-14)
	closeSlices(t, "NormP", NormP(New([]float64{3, -4, 0, 1}, 2, 2), 2, 1).Data(), []float64{5, 1}, 1e-14)
	closeSlices(t, "NormP inf", []float64{NormP(New([]float64{3, -4}), math.Inf(1)).Item()}, []float64{4}, 0)
	closeSlices(t, "Pinv", Pinv(New([]float64{1, 0, 0, 0}, 2, 2)).Data(), []float64{1, 0, 0, 0}, 1e-14)
	sign, l := SlogDet(New([]float64{0, 1, 1, 0}, 2, 2))
	closeSlices(t, "SlogDet", []float64{sign.Item(), l.Item()}, []float64{-1, 0}, 1e-14)
}

func ExampleCholesky() {
	// Solve A x = b through the Cholesky factor A = L Lᵀ.
	a := New([]float64{4, 2, 2, 3}, 2, 2)
	l := Cholesky(a)
	x := CholSolve(l, New([]float64{2, 3}))
	fmt.Println(l)
	fmt.Printf("%.6f\n", x.Data())
	// Output:
	// [[2.         0.        ]
	//  [1.         1.41421356]]
	// [0.000000 1.000000]
}

func ExampleDet() {
	// The gradient of the determinant is det(A)·A⁻ᵀ.
	a := New([]float64{2, 1, 1, 3}, 2, 2)
	fmt.Println(Det(a))
	fmt.Println(Grad(Det)(a))
	// Output:
	// 5.0
	// [[ 3. -1.]
	//  [-1.  2.]]
}

func TestLinalgInterrupt(t *testing.T) {
	// Not parallel: Interrupt is process-wide.
	a := spd(1, 2, 3, 3)
	Interrupt()
	defer ResetInterrupt()
	for name, f := range map[string]func(){
		"Cholesky": func() { Cholesky(a) },
		"Inv":      func() { Inv(a) },
		"Det":      func() { Det(a) },
	} {
		if err := Catch(f); !errors.Is(err, ErrInterrupted) {
			t.Errorf("%s after Interrupt: got %v want ErrInterrupted", name, err)
		}
	}
}

func TestLinalgErrors(t *testing.T) {
	t.Parallel()
	sing := New([]float64{1, 2, 2, 4}, 2, 2)
	tests := []struct {
		name string
		f    func()
		kind error
		op   string
	}{
		{"Inv singular", func() { Inv(sing) }, ErrSingular, "Inv"},
		{"Solve singular", func() { Solve(sing, New([]float64{1, 1})) }, ErrSingular, "Solve"},
		{"Cholesky indefinite", func() { Cholesky(New([]float64{1, 2, 2, 1}, 2, 2)) }, ErrSingular, "Cholesky"},
		{"Inv non-square", func() { Inv(Zeros(2, 3)) }, ErrShape, "Inv"},
		{"Det vector", func() { Det(Zeros(3)) }, ErrShape, "Det"},
		{"Solve mismatch", func() { Solve(Eye(2), Zeros(3)) }, ErrShape, "Solve"},
		{"SolveTriangular zero diagonal", func() { SolveTriangular(New([]float64{1, 0, 1, 0}, 2, 2), Ones(2), true) }, ErrSingular, "SolveTriangular"},
		{"NormP bad p", func() { NormP(Ones(2), -1) }, ErrArgument, "Norm"},
		{"NormP bad axis", func() { NormP(Ones(2), 2, 3) }, ErrAxis, "Norm"},
	}
	for _, tc := range tests {
		err := Catch(tc.f)
		var e *Error
		if !errors.Is(err, tc.kind) || !errors.As(err, &e) || e.Op != tc.op {
			t.Errorf("%s: got %v, want an ad.%s error wrapping %v", tc.name, err, tc.op, tc.kind)
		}
	}
}
