package ad

import (
	"math"
	"testing"
)

// TestUfuncsCheckGrads checks first and second derivatives, in both modes
// and their mixtures, of numpy's remaining real ufuncs, at ordinary points,
// with broadcasting, and at their edges (sinc at 0, mod's operands).
func TestUfuncsCheckGrads(t *testing.T) {
	t.Parallel()
	rng := NewRNG(16)
	mat := rng.Normal(3, 4)
	pos := rng.Uniform(0.3, 3, 3, 4)
	unit := rng.Uniform(-0.9, 0.9, 3, 4)
	big := rng.Uniform(1.2, 4, 3, 4)
	row := rng.Normal(4)
	cases := []struct {
		name  string
		f     func(*Tensor) *Tensor
		x     *Tensor
		order int
	}{
		{"Log2", Log2, pos, 2},
		{"Log10", Log10, pos, 2},
		{"Exp2", Exp2, mat, 2},
		{"Arcsinh", Arcsinh, mat, 2},
		{"Arcsinh at 0", Arcsinh, Scalar(0), 3},
		{"Arccosh", Arccosh, big, 2},
		{"Arctanh", Arctanh, unit, 2},
		{"Arctanh at 0", Arctanh, Scalar(0), 3},
		{"Deg2Rad", Deg2Rad, mat, 2},
		{"Rad2Deg", Rad2Deg, mat, 2},
		{"Sinc", Sinc, Mul(mat, 2), 2},
		{"Sinc at 0", Sinc, Scalar(0), 4},
		{"Sinc at ±1 (series/Leibniz seam)", Sinc, New([]float64{1, -1, 0.999999, 1.000001}), 3},
		{"Sinc at integers", Sinc, New([]float64{2, -3, 7}), 2},
		{"Reciprocal", Reciprocal, pos, 2},
		{"LogAddExp2 wrt a, broadcast", func(x *Tensor) *Tensor { return LogAddExp2(x, row) }, mat, 2},
		{"LogAddExp2 wrt b, broadcast", func(x *Tensor) *Tensor { return LogAddExp2(mat, x) }, row, 2},
		{"LogAddExp2 large", func(x *Tensor) *Tensor { return LogAddExp2(x, Mul(x, -1)) }, Mul(mat, 300), 2},
		{"Fmax wrt a", func(x *Tensor) *Tensor { return Fmax(opsCube(x), row) }, mat, 2},
		{"Fmin wrt b", func(x *Tensor) *Tensor { return Fmin(mat, opsCube(x)) }, row, 2},
		{"Fmax with NaN operand", func(x *Tensor) *Tensor { return Fmax(x, New([]float64{math.NaN(), 0.5, math.NaN(), -9})) }, row, 2},
		{"Mod wrt a", func(x *Tensor) *Tensor { return Mod(opsCube(x), 1.5) }, New([]float64{0.3, -1.1, 2.2, 0.7}), 2},
		{"Mod wrt b, negative divisor", func(x *Tensor) *Tensor { return Mod(New([]float64{5.3, -7.1, 2.2}), x) }, New([]float64{-1.7, 2.3, -0.9}), 2},
		{"Remainder wrt both", func(x *Tensor) *Tensor { return Remainder(Exp(x), Add(x, 3)) }, New([]float64{1.3, -0.4}), 2},
		{"NanToNum", func(x *Tensor) *Tensor { return NanToNum(Mul(Log(x), x)) }, New([]float64{0.5, 2, 1.5}), 2},
		{"NanToNum of ±Inf and NaN", func(x *Tensor) *Tensor { return Mul(NanToNum(x), 1e-300) }, New([]float64{1.5, math.Inf(1), math.Inf(-1), math.NaN()}), 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := CheckGrads(tc.f, tc.x, tc.order)
			if !r.OK {
				t.Errorf("%s", r)
			}
		})
	}
}

func TestUfuncsValues(t *testing.T) {
	t.Parallel()
	inf, nan := math.Inf(1), math.NaN()
	d1 := func(f func(*Tensor) *Tensor, x float64) float64 { return Grad(f)(Scalar(x)).At() }
	d2 := func(f func(*Tensor) *Tensor, x float64) float64 { return Grad(Grad(f))(Scalar(x)).At() }
	cases := []struct {
		name      string
		got, want []float64
	}{
		{"Log2", Log2(New([]float64{8, 0.5, 0})).Data(), []float64{3, -1, math.Inf(-1)}},
		{"Log10", Log10(New([]float64{1000, 0.01})).Data(), []float64{3, -2}},
		{"Exp2", Exp2(New([]float64{3, -1, 0.5})).Data(), []float64{8, 0.5, math.Sqrt2}},
		{"Arcsinh", Arcsinh(New([]float64{0, 1})).Data(), []float64{0, 0.881373587019543}},
		{"Arccosh", Arccosh(New([]float64{1, 2})).Data(), []float64{0, 1.3169578969248166}},
		{"Arctanh", Arctanh(New([]float64{0, 0.5, 1})).Data(), []float64{0, 0.5493061443340549, inf}},
		{"Deg2Rad", Deg2Rad(New([]float64{180, 90})).Data(), []float64{math.Pi, math.Pi / 2}},
		{"Rad2Deg", Rad2Deg(New([]float64{math.Pi})).Data(), []float64{180}},
		{"Sinc", Sinc(New([]float64{0, 0.5, 1, -1.5})).Data(), []float64{1, 2 / math.Pi, 0, -2 / (3 * math.Pi)}},
		{"Sinc′(0), Sinc″(0)", []float64{d1(Sinc, 0), d2(Sinc, 0)}, []float64{0, -math.Pi * math.Pi / 3}},
		{"Sinc′(1) = −1", []float64{d1(Sinc, 1), d1(Sinc, 0.5)}, []float64{-1, -4 / math.Pi}},
		{"Reciprocal", Reciprocal(New([]float64{4, -0.5})).Data(), []float64{0.25, -2}},
		{"LogAddExp2", LogAddExp2(New([]float64{1, 1000}), New([]float64{1, 1000})).Data(), []float64{2, 1001}},
		{"Fmax", Fmax(New([]float64{1, nan, 3}), New([]float64{2, 5, nan})).Data(), []float64{2, 5, 3}},
		{"Fmin", Fmin(New([]float64{1, nan, 3}), New([]float64{2, 5, nan})).Data(), []float64{1, 5, 3}},
		{"Mod like numpy", Mod(New([]float64{5, -5, 5, -5, 5.5, 6}), New([]float64{3, 3, -3, -3, 2, 3})).Data(), []float64{2, 1, -1, -2, 1.5, 0}},
		{"dMod/db = −floor(a/b)", Grad(func(b *Tensor) *Tensor { return Sum(Mod(New([]float64{7, -7}), b)) })(New([]float64{2, 2})).Data(), []float64{-3, 4}},
		{"NanToNum", NanToNum(New([]float64{nan, inf, -inf, 1.5})).Data(), []float64{0, math.MaxFloat64, -math.MaxFloat64, 1.5}},
		{"NanToNum gradient", Grad(func(x *Tensor) *Tensor { return Sum(NanToNum(x)) })(New([]float64{nan, inf, -inf, 2})).Data(), []float64{0, 0, 0, 1}},
	}
	for _, tc := range cases {
		for i, w := range tc.want {
			g := tc.got[i]
			if !(g == w || math.Abs(g-w) <= 1e-13*math.Max(1, math.Abs(w))) {
				t.Errorf("%s: element %d: got %.17g want %.17g", tc.name, i, g, w)
			}
		}
	}
}

// TestSincDerivSeam checks that the series and Leibniz forms of the n-th
// derivative of sinc agree where they meet.
func TestSincDerivSeam(t *testing.T) {
	t.Parallel()
	for n := 0; n <= 6; n++ {
		for _, x := range []float64{1, -1} {
			lo, hi := sincDeriv(n, x*(1-1e-13)), sincDeriv(n, x*(1+1e-13))
			if math.Abs(lo-hi) > 1e-9*math.Max(1, math.Abs(lo)) {
				t.Errorf("n=%d x=%v: series %.15g, Leibniz %.15g", n, x, lo, hi)
			}
		}
	}
}
