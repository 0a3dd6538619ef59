package ad

import (
	"errors"
	"math"
	"testing"
)

// TestStatsCheckGrads checks first and second derivatives, both modes and
// their mixtures, of every distribution function with respect to each
// argument it is differentiable in, with broadcasting.
func TestStatsCheckGrads(t *testing.T) {
	t.Parallel()
	rng := NewRNG(9)
	xs := rng.Normal(2, 3)
	pos := rng.Uniform(0.5, 3, 2, 3)
	prob := rng.Uniform(0.1, 0.9, 2, 3)
	simplex := Softmax(rng.Normal(2, 3), -1)
	alpha := rng.Uniform(0.5, 3, 3)
	spdCov := spd(12, 3, 3)
	pts := rng.Normal(4, 3)
	cases := []struct {
		name string
		f    func(*Tensor) *Tensor
		x    *Tensor
	}{
		{"NormPDF x", func(x *Tensor) *Tensor { return NormPDF(x, 0.3, 1.7) }, xs},
		{"NormPDF sigma", func(s *Tensor) *Tensor { return NormPDF(xs, 0.3, s) }, rng.Uniform(0.5, 2, 3)},
		{"NormLogCDF x", func(x *Tensor) *Tensor { return NormLogCDF(x, 0.0, 1.0) }, xs},
		{"NormLogCDF far tail", func(x *Tensor) *Tensor { return NormLogCDF(x, 0.0, 1.0) }, New([]float64{-36, -38, -60, -200})},
		{"NormLogCDF mu, sigma", func(m *Tensor) *Tensor { return NormLogCDF(xs, m, Exp(m)) }, rng.Normal(3)},
		{"NormSF", func(x *Tensor) *Tensor { return NormSF(x, 0.5, 2.0) }, xs},
		{"NormLogSF far tail", func(x *Tensor) *Tensor { return NormLogSF(x, 0.0, 1.0) }, New([]float64{36, 45, 3})},
		{"NormPPF q", func(q *Tensor) *Tensor { return NormPPF(q, 1.0, 2.0) }, prob},
		{"NormPPF small q", func(q *Tensor) *Tensor { return NormPPF(q, 0.0, 1.0) }, New([]float64{0.02, 0.01})},
		{"NormISF q, sigma", func(q *Tensor) *Tensor { return NormISF(q, 0.0, Add(q, 1)) }, prob},
		{"StudentTPDF x", func(x *Tensor) *Tensor { return StudentTPDF(x, 4.0, 0.5, 1.5) }, xs},
		{"StudentTPDF df", func(d *Tensor) *Tensor { return StudentTPDF(xs, d, 0.0, 1.0) }, Add(pos, 1)},
		{"StudentTCDF x", func(x *Tensor) *Tensor { return StudentTCDF(x, 3.0, 0.2, 1.3) }, Mul(xs, 2)},
		{"StudentTCDF x at 0", func(x *Tensor) *Tensor { return StudentTCDF(x, 2.5, 0.0, 1.0) }, Scalar(0)},
		{"StudentTCDF loc", func(l *Tensor) *Tensor { return StudentTCDF(xs, 5.0, l, 1.0) }, rng.Normal(3)},
		{"StudentTCDF scale", func(s *Tensor) *Tensor { return StudentTCDF(xs, 5.0, 0.1, s) }, rng.Uniform(0.5, 2, 2, 1)},
		{"StudentTLogCDF x", func(x *Tensor) *Tensor { return StudentTLogCDF(x, 3.0, 0.0, 1.0) }, Mul(xs, 3)},
		{"GammaLogPDF x", func(x *Tensor) *Tensor { return GammaLogPDF(x, 2.5) }, pos},
		{"GammaLogPDF a", func(a *Tensor) *Tensor { return GammaLogPDF(pos, a) }, Add(pos, 0.5)},
		{"GammaPDF x", func(x *Tensor) *Tensor { return GammaPDF(x, []float64{0.7, 1, 3}) }, pos},
		{"GammaCDF x", func(x *Tensor) *Tensor { return GammaCDF(x, 1.5) }, pos},
		{"BetaLogPDF x", func(x *Tensor) *Tensor { return BetaLogPDF(x, 2.5, 0.7) }, prob},
		{"BetaLogPDF a, b", func(a *Tensor) *Tensor { return BetaLogPDF(prob, a, Square(a)) }, pos},
		{"BetaPDF x", func(x *Tensor) *Tensor { return BetaPDF(x, 2.0, 3.0) }, prob},
		{"BetaCDF x", func(x *Tensor) *Tensor { return BetaCDF(x, 2.0, 3.0) }, prob},
		{"Chi2LogPDF x, df", func(x *Tensor) *Tensor { return Chi2LogPDF(x, Add(x, 1)) }, pos},
		{"Chi2PDF x", func(x *Tensor) *Tensor { return Chi2PDF(x, 3.0) }, pos},
		{"Chi2CDF x", func(x *Tensor) *Tensor { return Chi2CDF(x, 3.0) }, pos},
		{"PoissonPMF mu", func(m *Tensor) *Tensor { return PoissonPMF([]float64{0, 2, 5}, m) }, pos},
		{"PoissonCDF mu", func(m *Tensor) *Tensor { return PoissonCDF([]float64{0, 2.7, 5}, m) }, pos},
		{"DirichletLogPDF x", func(x *Tensor) *Tensor { return DirichletLogPDF(x, alpha) }, simplex},
		{"DirichletLogPDF alpha", func(a *Tensor) *Tensor { return DirichletLogPDF(simplex, a) }, alpha},
		{"DirichletPDF x", func(x *Tensor) *Tensor { return DirichletPDF(x, alpha) }, simplex},
		{"MVNPDF x", func(x *Tensor) *Tensor { return MVNPDF(x, Zeros(3), spdCov) }, pts},
		{"MVNPDF mean", func(m *Tensor) *Tensor { return MVNPDF(pts, m, spdCov) }, rng.Normal(3)},
		{"MVNEntropy", MVNEntropy, spdCov},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := CheckGrads(tc.f, tc.x, 2)
			if !r.OK || len(r.Results) != 6 {
				t.Errorf("%s", r)
			}
		})
	}
}

// TestStatsValues compares with scipy.stats' values and closed forms.
func TestStatsValues(t *testing.T) {
	t.Parallel()
	at := func(x *Tensor) float64 { return x.At() }
	lo, hi := at(NormLogCDF(-37+1e-9, 0, 1)), at(NormLogCDF(-37-1e-9, 0, 1))
	cases := []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"norm.pdf(1, 0, 2)", at(NormPDF(1, 0, 2)), math.Exp(-0.125) / (2 * math.Sqrt(2*math.Pi)), 1e-15},
		{"norm.logcdf(0)", at(NormLogCDF(0, 0, 1)), -math.Ln2, 1e-15},
		{"norm.logcdf(-40)", at(NormLogCDF(-40, 0, 1)), -804.6084420137538, 1e-14},
		{"norm.logcdf continuous at −37", (lo - hi) / 2e-9, 37.027, 1e-3},
		{"norm.logsf(3)", at(NormLogSF(3, 0, 1)), math.Log(0.0013498980316301), 1e-12},
		{"norm.sf(1)", at(NormSF(1, 0, 1)), 0.15865525393145707, 1e-14},
		{"norm.ppf(0.975)", at(NormPPF(0.975, 0, 1)), 1.959963984540054, 1e-14},
		{"norm.ppf(1e-10, 1, 2)", at(NormPPF(1e-10, 1, 2)), 1 + 2*-6.361340902404056, 1e-14},
		{"norm.isf(0.025)", at(NormISF(0.025, 0, 1)), 1.959963984540054, 1e-14},
		{"t.cdf(1, 3)", at(StudentTCDF(1, 3, 0, 1)), 0.8044988905221148, 1e-14},
		{"t.cdf(-2, 5)", at(StudentTCDF(-2, 5, 0, 1)), 0.05096973941492914, 1e-13},
		{"t.cdf(0.05, 2)", at(StudentTCDF(0.05, 2, 0, 1)), 0.5 + 0.05/(2*math.Sqrt(2+0.0025)), 1e-15},
		{"t.cdf(-1e5, 1)", at(StudentTCDF(-1e5, 1, 0, 1)), 0.5 - math.Atan(1e5)/math.Pi, 1e-9},
		{"t.logcdf(-3, 4)", at(StudentTLogCDF(-3, 4, 0, 1)), math.Log(0.019970984035859), 1e-10},
		{"gamma.logpdf(2, 3)", at(GammaLogPDF(2, 3)), math.Ln2 - 2, 1e-15},
		{"gamma.logpdf(0, 1)", at(GammaLogPDF(0, 1)), 0, 0},
		{"gamma.cdf(2, 1)", at(GammaCDF(2, 1)), 1 - math.Exp(-2), 1e-15},
		{"beta.logpdf(0.3, 2, 3)", at(BetaLogPDF(0.3, 2, 3)), math.Log(12 * 0.3 * 0.49), 1e-14},
		{"beta.logpdf(0, 1, 2)", at(BetaLogPDF(0, 1, 2)), math.Ln2, 1e-15},
		{"beta.cdf(0.4, 2, 3)", at(BetaCDF(0.4, 2, 3)), 0.5248, 1e-14},
		{"chi2.logpdf(2, 2)", at(Chi2LogPDF(2, 2)), -1 - math.Ln2, 1e-15},
		{"chi2.cdf(2, 2)", at(Chi2CDF(2, 2)), 1 - math.Exp(-1), 1e-15},
		{"poisson.pmf(0, 0)", at(PoissonPMF(0, 0)), 1, 0},
		{"poisson.cdf(2.5, 1.5)", at(PoissonCDF(2.5, 1.5)), 3.625 * math.Exp(-1.5), 1e-14},
		{"dirichlet.logpdf", at(DirichletLogPDF([]float64{0.2, 0.3, 0.5}, []float64{1, 2, 3})), math.Log(60) + math.Log(0.3) + 2*math.Log(0.5), 1e-14},
		{"mvn.pdf(0; 0, I₂)", at(MVNPDF(Zeros(2), Zeros(2), Eye(2))), 1 / (2 * math.Pi), 1e-15},
		{"mvn.entropy(I₂)", at(MVNEntropy(Eye(2))), 1 + math.Log(2*math.Pi), 1e-15},
	}
	for _, tc := range cases {
		if !(tc.got == tc.want || math.Abs(tc.got-tc.want) <= tc.tol*math.Max(1, math.Abs(tc.want))) {
			t.Errorf("%s: got %.17g want %.17g", tc.name, tc.got, tc.want)
		}
	}
	// d/dmu poisson.cdf(k, mu) = −pmf(⌊k⌋, mu).
	g := Grad(func(m *Tensor) *Tensor { return PoissonCDF(2.5, m) })(Scalar(1.5)).At()
	if w := -PoissonPMF(2, 1.5).At(); math.Abs(g-w) > 1e-14 {
		t.Errorf("d poisson.cdf/dmu: got %v want %v", g, w)
	}
	if err := Catch(func() { Grad(func(d *Tensor) *Tensor { return StudentTCDF(1.0, d, 0.0, 1.0) })(Scalar(3)) }); !errors.Is(err, ErrArgument) {
		t.Errorf("StudentTCDF wrt df: got %v want ErrArgument", err)
	}
	if err := Catch(func() { DirichletLogPDF(Ones(3), Ones(2)) }); !errors.Is(err, ErrShape) {
		t.Errorf("DirichletLogPDF shapes: got %v want ErrShape", err)
	}
}
