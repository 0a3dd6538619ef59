package ad

import (
	"math"
	"testing"
)

// TestEdgeDerivatives checks derivatives at the points where a rule's
// formula meets 0·∞ or a rank change: each must agree with central finite
// differences of the function as computed, in both modes, at every order
// checked (issue 16's four disagreements with autograd).
func TestEdgeDerivatives(t *testing.T) {
	t.Parallel()
	x56 := randTensor(3, 5, 6)
	nonSym := Add(randTensor(61, 3, 3), Mul(Eye(3), New([]float64{0, 3, 6})))
	tests := []struct {
		name  string
		f     func(*Tensor) *Tensor
		x     *Tensor
		order int
		tol   float64
	}{
		{"Pow(x, 0) at 0", func(x *Tensor) *Tensor { return Pow(x, 0.0) }, Scalar(0), 3, 1e-6},
		{"Pow(x, 1) at 0", func(x *Tensor) *Tensor { return Pow(x, 1.0) }, Scalar(0), 3, 1e-6},
		{"Pow(x, 2) at 0", func(x *Tensor) *Tensor { return Pow(x, 2.0) }, Scalar(0), 4, 1e-6},
		{"Pow(x, 3) at 0", func(x *Tensor) *Tensor { return Pow(x, 3.0) }, New([]float64{0, 0, 1}), 4, 1e-5},
		{"Pow(x, [0 1 2]) at 0", func(x *Tensor) *Tensor { return Pow(x, []float64{0, 1, 2}) }, Zeros(3), 3, 1e-6},
		{"Pow(2, x) at 0", func(x *Tensor) *Tensor { return Pow(2.0, x) }, Scalar(0), 2, 1e-6},
		{"Std one element", func(x *Tensor) *Tensor { return Std(x, 0) }, New([]float64{1.5}), 2, 1e-6},
		{"Std axis of length 1", func(x *Tensor) *Tensor { return Std(x, 0, 1) }, randTensor(5, 3, 1), 2, 1e-6},
		{"StdKeepDims one element", func(x *Tensor) *Tensor { return StdKeepDims(x, 0) }, New([]float64{-2}, 1, 1), 2, 1e-6},
		{"Var one element", func(x *Tensor) *Tensor { return Var(x, 0) }, New([]float64{1.5}), 2, 1e-6},
		{"Std two elements", func(x *Tensor) *Tensor { return Std(x, 1) }, New([]float64{1.5, -0.5}), 2, 1e-6},
		{"Pinv(xᵀx), x 5×6 (rank 5 of 6)", func(x *Tensor) *Tensor { return Pinv(MatMul(mT(x), x)) }, x56, 2, 1e-6},
		{"Pinv(x xᵀ), x 6×5 (rank 5 of 6)", func(x *Tensor) *Tensor { return Pinv(MatMul(x, mT(x))) }, mT(x56), 2, 1e-6},
		{"Pinv(a b), rank 2 of 5×6", func(x *Tensor) *Tensor { return Pinv(MatMul(x, randTensor(7, 2, 6))) }, randTensor(8, 5, 2), 2, 1e-6},
		{"Pinv batch of rank-1 products", func(x *Tensor) *Tensor { return Pinv(MatMul(expandAxis(x, -1), expandAxis(x, -2))) }, randTensor(9, 2, 3), 2, 1e-6},
		{"Eigh values, non-symmetric input", func(x *Tensor) *Tensor { w, _ := Eigh(x); return w }, nonSym, 2, 1e-6},
		{"Eigh vectors, non-symmetric input", func(x *Tensor) *Tensor { _, v := Eigh(x); return Square(v) }, nonSym, 2, 1e-5},
		{"Eigh batch, non-symmetric input", func(x *Tensor) *Tensor { w, v := Eigh(x); return Mul(Square(v), expandAxis(w, -2)) }, Add(randTensor(62, 2, 3, 3), Mul(Eye(3), New([]float64{0, 3, 6}))), 2, 1e-5},
		{"Cholesky, non-symmetric input", Cholesky, Add(spd(63, 3, 3), Mul(randTensor(64, 3, 3), 0.3)), 2, 1e-6},
		{"MVNLogPDF, non-symmetric covariance", func(c *Tensor) *Tensor { return MVNLogPDF(randTensor(65, 2, 3), Zeros(3), c) }, Add(spd(66, 3, 3), Mul(randTensor(67, 3, 3), 0.3)), 2, 1e-6},
		{"EighSym values, non-symmetric input", func(x *Tensor) *Tensor { w, _ := EighSym(x); return w }, nonSym, 2, 1e-6},
		{"EighSym vectors, non-symmetric input", func(x *Tensor) *Tensor { _, v := EighSym(x); return Square(v) }, nonSym, 2, 1e-5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := CheckGradsWith(tc.f, tc.x, CheckOptions{Order: tc.order, Tol: tc.tol})
			if !r.OK {
				t.Errorf("%s", r)
			}
			if len(r.Results) != 2<<(tc.order-1)*2-2 {
				t.Errorf("got %d checks, want every mode at every order", len(r.Results))
			}
		})
	}
}

// TestEdgeValues pins the exact values autograd returns at the edge points.
func TestEdgeValues(t *testing.T) {
	t.Parallel()
	sq := func(x *Tensor) *Tensor { return Pow(x, 2.0) }
	tests := []struct {
		name string
		got  *Tensor
		want []float64
	}{
		{"d/dx x⁰ at 0", Grad(func(x *Tensor) *Tensor { return Pow(x, 0.0) })(Scalar(0)), []float64{0}},
		{"d²/dx² x² at 0", Grad(Grad(sq))(Scalar(0)), []float64{2}},
		{"d³/dx³ x² at 0", Grad(Grad(Grad(sq)))(Scalar(0)), []float64{0}},
		{"fwd d³/dx³ x² at 0", Deriv(Deriv(Deriv(sq)))(Scalar(0)), []float64{0}},
		{"d/dx std([x])", Grad(func(x *Tensor) *Tensor { return Std(x, 0) })(New([]float64{3})), []float64{0}},
		{"d²/dx² std([x])", Grad(Grad(func(x *Tensor) *Tensor { return Sum(Std(x, 0)) }))(Scalar(3)), []float64{0}},
		{"Eigh gradient of w₁ is lower triangular", Grad(func(a *Tensor) *Tensor { w, _ := Eigh(a); return Index(w, 1) })(New([]float64{2, 1, 1, 2}, 2, 2)), []float64{0.5, 0, 1, 0.5}},
		{"EighSym gradient of w₁ is symmetric", Grad(func(a *Tensor) *Tensor { w, _ := EighSym(a); return Index(w, 1) })(New([]float64{2, 1, 1, 2}, 2, 2)), []float64{0.5, 0.5, 0.5, 0.5}},
	}
	for _, tc := range tests {
		for i, w := range tc.want {
			if g := tc.got.Data()[i]; math.IsNaN(g) || math.Abs(g-w) > 1e-12 {
				t.Errorf("%s: element %d: got %v want %v", tc.name, i, g, w)
			}
		}
	}
}
