package ad

import (
	"errors"
	"math"
	"testing"
)

// TestSpecialMoreCheckGrads checks first and second derivatives, both modes
// and their mixtures, of scipy.special's gamma, beta, error-function and
// Bessel families and of weighted LogSumExp.
func TestSpecialMoreCheckGrads(t *testing.T) {
	t.Parallel()
	rng := NewRNG(77)
	pos := rng.Uniform(0.3, 4, 2, 3)
	mat := rng.Normal(2, 3)
	unit := rng.Uniform(-0.9, 0.9, 2, 3)
	prob := rng.Uniform(0.05, 0.95, 2, 3)
	cases := []struct {
		name string
		f    func(*Tensor) *Tensor
		x    *Tensor
	}{
		{"Gamma", Gamma, pos},
		{"Gamma negative non-integers", Gamma, New([]float64{-0.5, -1.3, -2.7})},
		{"Rgamma", Rgamma, Add(mat, 0.1)},
		{"Beta wrt a", func(x *Tensor) *Tensor { return Beta(x, 2.5) }, pos},
		{"Beta wrt b, broadcast", func(x *Tensor) *Tensor { return Beta(pos, x) }, rng.Uniform(0.5, 3, 3)},
		{"Betaln", func(x *Tensor) *Tensor { return Betaln(x, Square(x)) }, pos},
		{"Multigammaln d=3", func(x *Tensor) *Tensor { return Multigammaln(x, 3) }, Add(pos, 1.5)},
		{"Gammainc wrt x", func(x *Tensor) *Tensor { return Gammainc(New([]float64{0.5, 1, 2.5}), x) }, rng.Uniform(0.2, 4, 2, 3)},
		{"Gammainc large a", func(x *Tensor) *Tensor { return Gammainc(250.0, x) }, New([]float64{240, 250, 262})},
		{"Gammaincc wrt x", func(x *Tensor) *Tensor { return Gammaincc(1.7, x) }, pos},
		{"Betainc wrt x", func(x *Tensor) *Tensor { return Betainc(New([]float64{0.7, 2, 3.5}), 1.5, x) }, prob},
		{"Erfinv", Erfinv, unit},
		{"Erfinv at 0", Erfinv, Scalar(0)},
		{"Erfcinv", Erfcinv, Add(unit, 1)},
		{"J0", J0, Mul(mat, 3)},
		{"J1", J1, Mul(mat, 3)},
		{"Jn 3", func(x *Tensor) *Tensor { return Jn(3, x) }, Mul(mat, 3)},
		{"Jn -2", func(x *Tensor) *Tensor { return Jn(-2, x) }, Mul(mat, 3)},
		{"Y0", Y0, pos},
		{"Y1", Y1, pos},
		{"Yn 2", func(x *Tensor) *Tensor { return Yn(2, x) }, pos},
		{"I0", I0, Mul(mat, 3)},
		{"I1", I1, Mul(mat, 3)},
		{"I0, I1 at 0", func(x *Tensor) *Tensor { return Add(I0(x), I1(x)) }, Scalar(0)},
		{"Iv 2.5", func(x *Tensor) *Tensor { return Iv(2.5, x) }, pos},
		{"Iv -1.5", func(x *Tensor) *Tensor { return Iv(-1.5, x) }, pos},
		{"Iv 2 negative x", func(x *Tensor) *Tensor { return Iv(2, x) }, Neg(pos)},
		{"Ive 0.5", func(x *Tensor) *Tensor { return Ive(0.5, x) }, Mul(pos, 10)},
		{"Ive 3 negative x", func(x *Tensor) *Tensor { return Ive(3, x) }, Mul(Neg(pos), 5)},
		{"LogSumExpB wrt x", func(x *Tensor) *Tensor { return LogSumExpB(x, []float64{0.5, 2, 1}, 1) }, mat},
		{"LogSumExpB wrt b", func(b *Tensor) *Tensor { return LogSumExpB(mat, b) }, pos},
		{"LogSumExpB all axes, large x", func(x *Tensor) *Tensor { return LogSumExpB(x, pos) }, Mul(mat, 400)},
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
}

// TestSpecialMoreValues compares with scipy's values and closed forms.
func TestSpecialMoreValues(t *testing.T) {
	t.Parallel()
	sq := func(x float64) float64 { return math.Sqrt(2 / (math.Pi * x)) }
	i32 := func(x float64) float64 { return sq(x) * (math.Cosh(x) - math.Sinh(x)/x) }
	im32 := func(x float64) float64 { return sq(x) * (math.Sinh(x) - math.Cosh(x)/x) }
	i52 := func(x float64) float64 { return sq(x) * ((3/(x*x)+1)*math.Sinh(x) - 3/x*math.Cosh(x)) }
	v := func(f func(*Tensor) *Tensor, xs ...float64) []float64 { return f(New(xs)).Data() }
	nan := math.NaN()
	cases := []struct {
		name      string
		got, want []float64
		tol       float64
	}{
		{"gamma", v(Gamma, 0.5, 5, -0.5), []float64{math.Sqrt(math.Pi), 24, -2 * math.Sqrt(math.Pi)}, 1e-14},
		{"rgamma", v(Rgamma, 0, -2, 3, 200), []float64{0, 0, 0.5, 0}, 1e-14},
		{"gammasgn", v(Gammasgn, -0.5, -1.5, 2, -3), []float64{-1, 1, 1, nan}, 0},
		{"beta(2,3)", Beta(2, 3).Data(), []float64{1.0 / 12}, 1e-14},
		{"beta(-0.5, 2)", Beta(-0.5, 2).Data(), []float64{-4}, 1e-13},
		{"betaln(2,3)", Betaln(2, 3).Data(), []float64{math.Log(1.0 / 12)}, 1e-14},
		{"multigammaln(2.5, 2)", Multigammaln(Scalar(2.5), 2).Data(), []float64{0.8570478133976193}, 1e-14},
		{"gammainc(1, 2)", Gammainc(1, 2).Data(), []float64{1 - math.Exp(-2)}, 1e-14},
		{"gammaincc(1, 2)", Gammaincc(1, 2).Data(), []float64{math.Exp(-2)}, 1e-14},
		{"gammainc domain", Gammainc(New([]float64{-1, 1}), New([]float64{1, -1})).Data(), []float64{nan, nan}, 0},
		{"betainc(2,3,0.4)", Betainc(2, 3, 0.4).Data(), []float64{0.5248}, 1e-14},
		{"betainc(1,1,x)", Betainc(1, 1, New([]float64{0, 0.3, 1})).Data(), []float64{0, 0.3, 1}, 1e-14},
		{"erfinv", v(Erfinv, 0.5, -1, 0), []float64{0.4769362762044699, math.Inf(-1), 0}, 1e-14},
		{"erfcinv", v(Erfcinv, 0.5, 2, 1e-100, 1.5, 0), []float64{0.4769362762044699, math.Inf(-1), 15.065574702592647, -0.4769362762044699, math.Inf(1)}, 1e-14},
		{"erf(erfinv(x)) = x", Erf(Erfinv(New([]float64{-0.999, 0.3, 1 - 1e-15}))).Data(), []float64{-0.999, 0.3, 1 - 1e-15}, 1e-15},
		{"j0 j1 jn(2)", []float64{J0(Scalar(1)).At(), J1(Scalar(1)).At(), Jn(2, Scalar(1)).At()}, []float64{0.7651976865579666, 0.44005058574493355, 0.11490348493190048}, 1e-14},
		{"y0 y1", []float64{Y0(Scalar(1)).At(), Y1(Scalar(1)).At()}, []float64{0.08825696421567697, -0.7812128213002887}, 1e-14},
		{"i0 i1", []float64{I0(Scalar(1)).At(), I1(Scalar(1)).At(), I0(Scalar(0)).At(), I1(Scalar(0)).At()}, []float64{1.2660658777520084, 0.5651591039924851, 1, 0}, 1e-14},
		{"iv half-integer orders", []float64{Iv(1.5, Scalar(2)).At(), Iv(-1.5, Scalar(2)).At(), Iv(2.5, Scalar(20)).At(), Iv(-1.5, Scalar(40)).At()}, []float64{i32(2), im32(2), i52(20), im32(40)}, 1e-13},
		{"iv negative x", []float64{Iv(1, Scalar(-1)).At(), Iv(2, Scalar(-1)).At(), Iv(0.5, Scalar(-1)).At()}, []float64{-0.5651591039924851, I0(Scalar(1)).At() - 2*0.5651591039924851, nan}, 1e-14},
		{"ive large x seam", []float64{Ive(0, Scalar(999.999)).At()}, []float64{Ive(0, Scalar(1000.001)).At() * math.Sqrt(1000.001/999.999)}, 1e-8},
		{"ive(0.5, 800)", []float64{Ive(0.5, Scalar(800)).At()}, []float64{sq(800) * (1 - math.Exp(-1600)) / 2}, 1e-13},
		{"iv overflow", []float64{Iv(0, Scalar(800)).At()}, []float64{math.Inf(1)}, 0},
		{"logsumexp b", LogSumExpB(New([]float64{1, 2, 3}), []float64{1, 0, 2}).Data(), []float64{math.Log(math.E + 2*math.Exp(3))}, 1e-14},
		{"logsumexp b axis", LogSumExpB(New([]float64{0, 0, 1, 1}, 2, 2), 0.5, 1).Data(), []float64{0, 1}, 1e-14},
		{"logsumexp b negative sum", LogSumExpB(New([]float64{0, 1}), []float64{1, -1}).Data(), []float64{nan}, 0},
		{"logsumexp all -inf", LogSumExpB(New([]float64{math.Inf(-1), math.Inf(-1)}), 1.0).Data(), []float64{math.Inf(-1)}, 0},
	}
	for _, tc := range cases {
		for i, w := range tc.want {
			g := tc.got[i]
			if !(g == w || (g != g && w != w) || math.Abs(g-w) <= tc.tol*math.Max(1, math.Abs(w))) {
				t.Errorf("%s: element %d: got %.17g want %.17g", tc.name, i, g, w)
			}
		}
	}
}

// TestErfcinvRelative checks that Erfcinv keeps full relative precision for
// tiny arguments (Go's math.Erfcinv does not).
func TestErfcinvRelative(t *testing.T) {
	t.Parallel()
	ys := []float64{1e-300, 1e-100, 1e-15, 1e-5, 0.7, 1.9}
	z := Erfcinv(New(ys))
	got := Erfc(z).Data()
	for i, y := range ys {
		// erfc amplifies a relative error δ in z to about 2z²δ.
		zi := z.Data()[i]
		if math.Abs(got[i]-y) > 1e-15*(1+2*zi*zi)*y {
			t.Errorf("erfc(erfcinv(%g)) = %.17g, relative error %.2g", y, got[i], math.Abs(got[i]-y)/y)
		}
	}
}

func TestSpecialMoreErrors(t *testing.T) {
	t.Parallel()
	x := New([]float64{0.5, 1.5})
	cases := []struct {
		name string
		f    func()
		want error
	}{
		{"Gammainc wrt a", func() { Grad(func(a *Tensor) *Tensor { return Sum(Gammainc(a, 1.0)) })(x) }, ErrArgument},
		{"Gammaincc wrt a, forward", func() { Deriv(func(a *Tensor) *Tensor { return Gammaincc(a, 1.0) })(Scalar(2)) }, ErrArgument},
		{"Betainc wrt b", func() { Grad(func(b *Tensor) *Tensor { return Sum(Betainc(1.0, b, 0.3)) })(x) }, ErrArgument},
		{"Multigammaln d=0", func() { Multigammaln(x, 0) }, ErrArgument},
		{"LogSumExpB weights", func() { LogSumExpB(x, Ones(3)) }, ErrShape},
	}
	for _, tc := range cases {
		if err := Catch(tc.f); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v want %v", tc.name, err, tc.want)
		}
	}
}
