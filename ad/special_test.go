package ad

import (
	"fmt"
	"math"
	"testing"
)

func TestSpecialCheckGrads(t *testing.T) {
	t.Parallel()
	pos := func(seed uint64, shape ...int) *Tensor { return Add(Abs(randTensor(seed, shape...)), 0.5) }
	unit := func(seed uint64, shape ...int) *Tensor { return Sigmoid(randTensor(seed, shape...)) }
	tests := []struct {
		name string
		f    func(*Tensor) *Tensor
		x    *Tensor
	}{
		{"Erf scalar", Erf, Scalar(0.3)},
		{"Erf matrix", Erf, randTensor(1, 2, 3)},
		{"Erfc vector", Erfc, randTensor(2, 4)},
		{"Gammaln", Gammaln, pos(3, 5)},
		{"Digamma", Digamma, pos(4, 2, 2)},
		{"Polygamma 1", func(x *Tensor) *Tensor { return Polygamma(1, x) }, pos(5, 3)},
		{"Softmax all", func(x *Tensor) *Tensor { return Softmax(x) }, randTensor(6, 5)},
		{"Softmax rows", func(x *Tensor) *Tensor { return Softmax(x, -1) }, randTensor(7, 2, 3)},
		{"LogSoftmax axis 0", func(x *Tensor) *Tensor { return LogSoftmax(x, 0) }, randTensor(8, 3, 2)},
		{"Logit", Logit, unit(9, 4)},
		{"NormLogPDF wrt x", func(x *Tensor) *Tensor { return NormLogPDF(x, 0.5, 2.0) }, randTensor(10, 3)},
		{"NormLogPDF wrt sigma", func(s *Tensor) *Tensor { return NormLogPDF(randTensor(11, 2, 3), 0, s) }, pos(12, 3)},
		{"NormCDF", func(x *Tensor) *Tensor { return NormCDF(x, 1, 0.7) }, randTensor(13, 2, 2)},
		{"MVNLogPDF wrt x", func(x *Tensor) *Tensor { return MVNLogPDF(x, randTensor(14, 3), spd(15, 3, 3)) }, randTensor(16, 4, 3)},
		{"MVNLogPDF wrt cov", symIn(func(c *Tensor) *Tensor { return MVNLogPDF(randTensor(17, 2, 3), Zeros(3), c) }), spd(18, 3, 3)},
		{"StudentTLogPDF wrt x", func(x *Tensor) *Tensor { return StudentTLogPDF(x, 3, 0.1, 1.5) }, randTensor(19, 4)},
		{"StudentTLogPDF wrt df", func(df *Tensor) *Tensor { return StudentTLogPDF(0.3, df, 0, 1) }, Add(pos(20, 3), 1)},
		{"PoissonLogPMF wrt mu", func(mu *Tensor) *Tensor { return PoissonLogPMF(New([]float64{0, 2, 5}), mu) }, pos(21, 3)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkGradsExt(t, tc.name, tc.f, tc.x, 2, 1e-6)
		})
	}
}

func TestSpecialKnownValues(t *testing.T) {
	t.Parallel()
	// Reference values from mpmath (25 digits) or closed forms.
	tests := []struct {
		name      string
		got, want float64
	}{
		{"Erf(0.5)", Erf(Scalar(0.5)).Item(), 0.5204998778130465},
		{"Erfc(3)", Erfc(Scalar(3)).Item(), 2.209049699858544e-05},
		{"Gammaln(5)", Gammaln(Scalar(5)).Item(), math.Log(24)},
		{"Gammaln(-0.5)", Gammaln(Scalar(-0.5)).Item(), math.Log(2 * math.Sqrt(math.Pi))},
		{"Digamma(1)", Digamma(Scalar(1)).Item(), -0.5772156649015329},
		{"Logit(0.25)", Logit(Scalar(0.25)).Item(), math.Log(1.0 / 3)},
		{"NormLogPDF(0;0,1)", NormLogPDF(0, 0, 1).Item(), -0.9189385332046727},
		{"NormCDF(1.96)", NormCDF(1.96, 0, 1).Item(), 0.9750021048517795},
		{"NormCDF(-10)", NormCDF(-10, 0, 1).Item(), 7.619853024160526e-24},
		{"StudentTLogPDF(0.5;3)", StudentTLogPDF(0.5, 3, 0, 1).Item(), -1.1609742649705824},
		{"PoissonLogPMF(3;2.5)", PoissonLogPMF(3, 2.5).Item(), 3*math.Log(2.5) - 2.5 - math.Log(6)},
		{"Softmax", Softmax(New([]float64{1, 2, 3})).Data()[2], math.Exp(3) / (math.Exp(1) + math.Exp(2) + math.Exp(3))},
		{"Softmax large", Softmax(New([]float64{1000, 1000})).Data()[0], 0.5},
		{"Gradient of Gammaln is Digamma", Grad(Gammaln)(Scalar(3.5)).Item(), Digamma(Scalar(3.5)).Item()},
	}
	for _, tc := range tests {
		if math.Abs(tc.got-tc.want) > 1e-14*math.Max(1e-300, math.Abs(tc.want))+1e-15 && math.Abs(tc.got-tc.want) > 1e-13*math.Abs(tc.want) {
			t.Errorf("%s: got %.17g want %.17g", tc.name, tc.got, tc.want)
		}
	}
	// The multivariate normal with a diagonal covariance is a product of
	// univariate normals.
	x := randTensor(30, 4, 3)
	sd := New([]float64{0.5, 1, 2})
	cov := Mul(Eye(3), Square(sd))
	want := Sum(NormLogPDF(x, New([]float64{1, 0, -1}), sd), -1)
	closeSlices(t, "MVNLogPDF diagonal", MVNLogPDF(x, New([]float64{1, 0, -1}), cov).Data(), want.Data(), 1e-13)
}

func ExampleNormLogPDF() {
	// The score of a normal log-likelihood with respect to its mean.
	x := New([]float64{1, 2, 3})
	score := Grad(func(mu *Tensor) *Tensor { return Sum(NormLogPDF(x, mu, 1.0)) })(Scalar(1.5))
	fmt.Println(score)
	// Output: 1.5
}

func ExampleSoftmax() {
	fmt.Println(Softmax(New([]float64{0, 0, 0, 0}, 2, 2), -1))
	// Output:
	// [[0.5 0.5]
	//  [0.5 0.5]]
}
