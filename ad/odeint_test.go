package ad

import (
	"errors"
	"math"
	"testing"
)

func TestOdeintValues(t *testing.T) {
	t.Parallel()
	ts := []float64{0, 0.5, 1, 2}
	y := Odeint(func(y *Tensor, t float64) *Tensor { return Mul(y, -1.5) }, New([]float64{1, 2}), ts)
	if !sameShape(y.Shape(), []int{4, 2}) {
		t.Fatalf("shape %v, want [4 2]", y.Shape())
	}
	for i, tt := range ts {
		for j, y0 := range []float64{1, 2} {
			want := y0 * math.Exp(-1.5*tt)
			if got := y.Data()[i*2+j]; math.Abs(got-want) > 1e-7 {
				t.Errorf("y(%g)[%d] = %.12g want %.12g", tt, j, got, want)
			}
		}
	}
	// Harmonic oscillator backwards in time: (x, v)' = (v, −x).
	osc := func(y *Tensor, t float64) *Tensor { return Stack([]*Tensor{Index(y, 1), Neg(Index(y, 0))}, 0) }
	back := OdeintTol(osc, New([]float64{1, 0}), []float64{3, 1, -2}, 1e-11, 1e-11)
	for i, tt := range []float64{3, 1, -2} {
		dt := tt - 3
		want := []float64{math.Cos(dt), -math.Sin(dt)}
		for j, w := range want {
			if got := back.Data()[i*2+j]; math.Abs(got-w) > 1e-9 {
				t.Errorf("oscillator y(%g)[%d] = %.12g want %.12g", tt, j, got, w)
			}
		}
	}
}

// TestOdeintGrads checks derivatives with respect to the initial state and
// to a parameter captured by the system, both modes, orders 1 and 2.
func TestOdeintGrads(t *testing.T) {
	t.Parallel()
	ts := []float64{0, 0.4, 1.3}
	cases := []struct {
		name string
		f    func(*Tensor) *Tensor
		x    *Tensor
	}{
		{"wrt y0, nonlinear", func(y0 *Tensor) *Tensor {
			return OdeintTol(func(y *Tensor, t float64) *Tensor { return Sub(Sin(y), Mul(y, t)) }, y0, ts, 1e-11, 1e-11)
		}, New([]float64{0.3, -1.2, 2})},
		{"wrt captured parameters (Lotka–Volterra)", func(p *Tensor) *Tensor {
			lv := func(y *Tensor, t float64) *Tensor {
				a, b := Index(y, 0), Index(y, 1)
				return Stack([]*Tensor{Mul(a, Sub(Index(p, 0), Mul(b, Index(p, 1)))), Mul(b, Sub(Mul(a, Index(p, 1)), Index(p, 2)))}, 0)
			}
			return OdeintTol(lv, New([]float64{1, 0.5}), ts, 1e-11, 1e-11)
		}, New([]float64{1.1, 0.4, 0.7})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := CheckGradsWith(tc.f, tc.x, CheckOptions{Order: 2, Tol: 1e-6})
			if !r.OK || len(r.Results) != 6 {
				t.Errorf("%s", r)
			}
		})
	}
	// d y(t)/dk for y′ = −k·y is −t·y0·e^(−kt).
	g := Grad(func(k *Tensor) *Tensor {
		return Index(Odeint(func(y *Tensor, t float64) *Tensor { return Mul(Neg(k), y) }, Scalar(2), []float64{0, 1.5}), 1)
	})(Scalar(0.8)).At()
	if want := -1.5 * 2 * math.Exp(-0.8*1.5); math.Abs(g-want) > 1e-6 {
		t.Errorf("dy/dk: got %.10g want %.10g", g, want)
	}
}

func TestOdeintErrors(t *testing.T) {
	t.Parallel()
	decay := func(y *Tensor, t float64) *Tensor { return Neg(y) }
	cases := []struct {
		name string
		f    func()
		want error
	}{
		{"no times", func() { Odeint(decay, Ones(2), nil) }, ErrArgument},
		{"not monotonic", func() { Odeint(decay, Ones(2), []float64{0, 1, 0.5}) }, ErrArgument},
		{"repeated time", func() { Odeint(decay, Ones(2), []float64{0, 1, 1}) }, ErrArgument},
		{"NaN time", func() { Odeint(decay, Ones(2), []float64{0, math.NaN()}) }, ErrArgument},
		{"bad tolerance", func() { OdeintTol(decay, Ones(2), []float64{0, 1}, 0, 0) }, ErrArgument},
		{"shape", func() { Odeint(func(y *Tensor, t float64) *Tensor { return Ones(3) }, Ones(2), []float64{0, 1}) }, ErrShape},
		{"nil", func() { Odeint(nil, Ones(2), []float64{0, 1}) }, ErrNil},
		{"stiff", func() {
			OdeintTol(func(y *Tensor, t float64) *Tensor { return Mul(y, -1e9) }, Ones(1), []float64{0, 1}, 1e-10, 1e-10)
		}, ErrArgument},
	}
	for _, tc := range cases {
		if err := Catch(tc.f); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v want %v", tc.name, err, tc.want)
		}
	}
}
