package ad

// Special functions and log-densities. Erf, Erfc, Gammaln, Digamma and
// Polygamma are primitives (their derivatives are each other); softmax and
// the densities are compositions of ad ops, so they differentiate to any
// order with no rules of their own.

import "math"

var primErf, primErfc, primGammaln, primPolygamma *Primitive

// twoOverSqrtPi is 2/√π, the scale of erf's derivative.
const twoOverSqrtPi = 1.1283791670955126

func init() {
	gauss := func(x *Tensor) *Tensor { return Mul(Exp(Neg(Square(x))), twoOverSqrtPi) }
	primErf = smooth("Erf", func(dst, x []float64) {
		for i, v := range x {
			dst[i] = math.Erf(v)
		}
	}, func(c *Call) *Tensor { return gauss(c.Args[0]) })
	primErfc = smooth("Erfc", func(dst, x []float64) {
		for i, v := range x {
			dst[i] = math.Erfc(v)
		}
	}, func(c *Call) *Tensor { return Neg(gauss(c.Args[0])) })
	primGammaln = smooth("Gammaln", func(dst, x []float64) {
		for i, v := range x {
			dst[i], _ = math.Lgamma(v)
		}
	}, func(c *Call) *Tensor { return Digamma(c.Args[0]) })
	// primPolygamma is the primitive of ψ⁽ⁿ⁾, with n as its parameter; its
	// derivative is ψ⁽ⁿ⁺¹⁾.
	primPolygamma = &Primitive{
		Name: "Polygamma",
		Forward: func(c *Call) *Tensor {
			n := c.Params.(int)
			x := c.Args[0]
			out := alloc("Polygamma", len(x.data))
			for i, v := range x.data {
				out[i] = polygamma(n, v)
			}
			return newRaw(append([]int{}, x.shape...), out)
		},
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return Mul(g, Polygamma(c.Params.(int)+1, c.Args[0])) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return Mul(t, Polygamma(c.Params.(int)+1, c.Args[0])) }},
	}
}

// Erf returns the error function elementwise.
func Erf(x *Tensor) *Tensor { return apply1(primErf, x) }

// Erfc returns the complementary error function 1 − erf(x) elementwise,
// accurate where erf(x) is close to 1.
func Erfc(x *Tensor) *Tensor { return apply1(primErfc, x) }

// Gammaln returns log|Γ(x)| elementwise, like scipy.special.gammaln. Its
// derivative is Digamma.
func Gammaln(x *Tensor) *Tensor { return apply1(primGammaln, x) }

// Digamma returns ψ(x) = d/dx log Γ(x) elementwise (−Inf at 0, NaN at the
// negative integers), like scipy.special.digamma.
func Digamma(x *Tensor) *Tensor { return Polygamma(0, x) }

// Polygamma returns ψ⁽ⁿ⁾(x), the n-th derivative of Digamma, elementwise.
// It panics with ErrArgument for n < 0.
func Polygamma(n int, x *Tensor) *Tensor {
	mustTensor("Polygamma", x)
	if n < 0 {
		panic(errorf(ErrArgument, "Polygamma", "order n = %d: want n ≥ 0", n))
	}
	return primPolygamma.Apply(n, x)
}

// Softmax returns exp(x) normalised to sum to 1 over the given axes (all
// axes when none are given), like scipy.special.softmax; pass the last axis
// (-1) for the usual per-row softmax. It is computed stably through
// LogSumExp.
func Softmax(x *Tensor, axes ...int) *Tensor {
	return Exp(LogSoftmax(x, axes...))
}

// LogSoftmax returns x − logsumexp(x) over the given axes (all axes when
// none are given).
func LogSoftmax(x *Tensor, axes ...int) *Tensor {
	mustTensor("LogSoftmax", x)
	return Sub(x, LogSumExpKeepDims(x, axes...))
}

// Logit returns log(p / (1 − p)) elementwise, the inverse of Sigmoid.
func Logit(p *Tensor) *Tensor {
	mustTensor("Logit", p)
	return Sub(Log(p), Log1p(Neg(p)))
}

// halfLog2Pi is log(2π)/2.
const halfLog2Pi = 0.91893853320467274178

// NormLogPDF returns the log-density of the normal distribution with mean mu
// and standard deviation sigma at x, elementwise with broadcasting. Each
// operand is a *Tensor or a number.
func NormLogPDF(x, mu, sigma any) *Tensor {
	xt, mt, st := toTensor("NormLogPDF", x), toTensor("NormLogPDF", mu), toTensor("NormLogPDF", sigma)
	z := Div(Sub(xt, mt), st)
	return Sub(Sub(Mul(Square(z), -0.5), Log(st)), halfLog2Pi)
}

// NormCDF returns the cumulative distribution function of the normal
// distribution with mean mu and standard deviation sigma at x, elementwise
// with broadcasting, computed as erfc(−z/√2)/2 for accuracy in the lower
// tail.
func NormCDF(x, mu, sigma any) *Tensor {
	xt, mt, st := toTensor("NormCDF", x), toTensor("NormCDF", mu), toTensor("NormCDF", sigma)
	z := Div(Sub(xt, mt), st)
	return Mul(Erfc(Mul(z, -1/math.Sqrt2)), 0.5)
}

// MVNLogPDF returns the log-density of the multivariate normal distribution
// with the given mean (d) and covariance (d, d) at each row of x (..., d),
// as a tensor (...). It works through the Cholesky factor of cov, so it
// panics with ErrSingular when cov is not positive definite; only cov's
// lower triangle is read.
func MVNLogPDF(x, mean, cov *Tensor) *Tensor {
	mustTensor("MVNLogPDF", x)
	mustTensor("MVNLogPDF", mean)
	mustTensor("MVNLogPDF", cov)
	if len(cov.shape) != 2 || cov.shape[0] != cov.shape[1] {
		panic(errorf(ErrShape, "MVNLogPDF", "covariance of shape %s: want (d,d)", fmtShape(cov.shape)))
	}
	d := cov.shape[0]
	if len(x.shape) == 0 || x.shape[len(x.shape)-1] != d || len(mean.shape) == 0 || mean.shape[len(mean.shape)-1] != d {
		panic(errorf(ErrShape, "MVNLogPDF", "x of shape %s and mean of shape %s do not fit a covariance of shape %s",
			fmtShape(x.shape), fmtShape(mean.shape), fmtShape(cov.shape)))
	}
	l := Cholesky(cov)
	diff := Sub(x, mean)
	lead := diff.shape[:len(diff.shape)-1]
	rows := Reshape(diff, []int{sizeOf(lead), d}...)
	z := SolveTriangular(l, mT(rows), true) // (d, N)
	maha := Reshape(Sum(Square(z), 0), append([]int{}, lead...)...)
	logdet := Sum(Log(matDiag(l)))
	return Sub(Sub(Mul(maha, -0.5), logdet), float64(d)*halfLog2Pi)
}

// StudentTLogPDF returns the log-density of Student's t distribution with df
// degrees of freedom, location loc and scale at x, elementwise with
// broadcasting (scipy.stats.t.logpdf). Each operand is a *Tensor or a number.
func StudentTLogPDF(x, df, loc, scale any) *Tensor {
	op := "StudentTLogPDF"
	xt, nu, lt, st := toTensor(op, x), toTensor(op, df), toTensor(op, loc), toTensor(op, scale)
	z := Div(Sub(xt, lt), st)
	half := Mul(Add(nu, 1), 0.5)
	c := Sub(Sub(Gammaln(half), Gammaln(Mul(nu, 0.5))), Mul(Log(Mul(nu, math.Pi)), 0.5))
	return Sub(Sub(c, Log(st)), Mul(half, Log1p(Div(Square(z), nu))))
}

// PoissonLogPMF returns the log probability mass k·log(mu) − mu − log(k!) of
// the Poisson distribution with mean mu at counts k, elementwise with
// broadcasting (scipy.stats.poisson.logpmf, with k treated as a real
// number; k = 0 at mu = 0 gives 0, like scipy's xlogy). Each operand is a
// *Tensor or a number.
func PoissonLogPMF(k, mu any) *Tensor {
	kt, mt := toTensor("PoissonLogPMF", k), toTensor("PoissonLogPMF", mu)
	return Sub(Sub(xlogy(kt, mt), mt), Gammaln(Add(kt, 1)))
}
