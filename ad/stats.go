package ad

// scipy.stats' densities and distribution functions that autograd wraps,
// named Dist + Function (NormLogPDF, GammaCDF, …): norm, t, gamma, beta,
// chi2, poisson, dirichlet and multivariate normal. Operands are *Tensor or
// numbers and broadcast. Most are compositions of ad's ops, so every
// derivative of every order follows; Student's t CDF is one primitive whose
// rules are its density. Distribution functions built on Gammainc and
// Betainc are differentiable in x (and in loc and scale) only, like
// autograd's: a derivative with respect to a shape parameter panics with
// ErrArgument.

import "math"

var primStudentTCDF *Primitive

// xlogy returns a·log(x), with 0 where a = 0 and x = 0 (scipy.special.xlogy),
// keeping the derivatives finite there.
func xlogy(a, x *Tensor) *Tensor {
	zero := Mul(Equal(a, 0.0), Equal(x, 0.0))
	return Where(zero, 0.0, Mul(a, Log(Where(zero, 1.0, x))))
}

// xlog1py returns a·log(1 + x), with 0 where a = 0 and x = −1.
func xlog1py(a, x *Tensor) *Tensor {
	zero := Mul(Equal(a, 0.0), Equal(x, -1.0))
	return Where(zero, 0.0, Mul(a, Log1p(Where(zero, 0.0, x))))
}

func std(op string, x, mu, sigma any) *Tensor {
	return Div(Sub(toTensor(op, x), toTensor(op, mu)), toTensor(op, sigma))
}

// NormPDF returns the normal density with mean mu and standard deviation
// sigma at x (scipy.stats.norm.pdf).
func NormPDF(x, mu, sigma any) *Tensor { return Exp(NormLogPDF(x, mu, sigma)) }

// normLogPhi returns log Φ(z), stably: through Erfc down to z = −37, and by
// the asymptotic series of Mills' ratio below, where Erfc underflows.
func normLogPhi(z *Tensor) *Tensor {
	far := Less(z, -37.0)
	zn := Where(far, 0.0, z)
	near := Log(Mul(Erfc(Mul(zn, -1/math.Sqrt2)), 0.5))
	zf := Where(far, z, -40.0)
	r := Div(1.0, Square(zf))
	// 1 − 1/z² + 3/z⁴ − 15/z⁶ + 105/z⁸ − 945/z¹⁰ + 10395/z¹², by Horner's rule.
	coef := []float64{1, -1, 3, -15, 105, -945, 10395}
	series := Scalar(coef[len(coef)-1])
	for i := len(coef) - 2; i >= 0; i-- {
		series = Add(Mul(series, r), coef[i])
	}
	asym := Sub(Sub(Sub(Mul(Square(zf), -0.5), Log(Neg(zf))), halfLog2Pi), Neg(Log(series)))
	return Where(far, asym, near)
}

// NormLogCDF returns log Φ((x − mu)/sigma), accurate far into the lower
// tail (scipy.stats.norm.logcdf).
func NormLogCDF(x, mu, sigma any) *Tensor { return normLogPhi(std("NormLogCDF", x, mu, sigma)) }

// NormSF returns the survival function 1 − Φ((x − mu)/sigma), accurate in
// the upper tail (scipy.stats.norm.sf).
func NormSF(x, mu, sigma any) *Tensor {
	return Mul(Erfc(Mul(std("NormSF", x, mu, sigma), 1/math.Sqrt2)), 0.5)
}

// NormLogSF returns log(1 − Φ((x − mu)/sigma)) (scipy.stats.norm.logsf).
func NormLogSF(x, mu, sigma any) *Tensor { return normLogPhi(Neg(std("NormLogSF", x, mu, sigma))) }

// NormPPF returns the quantile function, the inverse of NormCDF in q, mu +
// sigma·Φ⁻¹(q), accurate for small q (scipy.stats.norm.ppf).
func NormPPF(q, mu, sigma any) *Tensor {
	qt := toTensor("NormPPF", q)
	z := Mul(Erfcinv(Mul(qt, 2.0)), -math.Sqrt2)
	return Add(toTensor("NormPPF", mu), Mul(toTensor("NormPPF", sigma), z))
}

// NormISF returns the inverse of NormSF in q (scipy.stats.norm.isf).
func NormISF(q, mu, sigma any) *Tensor {
	qt := toTensor("NormISF", q)
	z := Mul(Erfcinv(Mul(qt, 2.0)), math.Sqrt2)
	return Add(toTensor("NormISF", mu), Mul(toTensor("NormISF", sigma), z))
}

// StudentTPDF returns the density of Student's t distribution
// (scipy.stats.t.pdf).
func StudentTPDF(x, df, loc, scale any) *Tensor { return Exp(StudentTLogPDF(x, df, loc, scale)) }

// StudentTCDF returns the distribution function of Student's t distribution
// with df degrees of freedom, location loc and scale at x
// (scipy.stats.t.cdf), through the incomplete beta function, accurate in the
// lower tail. It is differentiable in x, loc and scale; a derivative with
// respect to df panics with ErrArgument.
func StudentTCDF(x, df, loc, scale any) *Tensor {
	op := "StudentTCDF"
	return primStudentTCDF.Apply(nil, toTensor(op, x), toTensor(op, df), toTensor(op, loc), toTensor(op, scale))
}

// StudentTLogCDF returns the log of StudentTCDF (scipy.stats.t.logcdf).
func StudentTLogCDF(x, df, loc, scale any) *Tensor { return Log(StudentTCDF(x, df, loc, scale)) }

// studentTCDF is the t distribution function at t with nu degrees of
// freedom: I_{ν/(ν+t²)}(ν/2, 1/2)/2 below 0, one minus that above.
func studentTCDF(t, nu float64) float64 {
	if t != t || !(nu > 0) {
		return math.NaN()
	}
	if math.IsInf(t, 0) {
		if t > 0 {
			return 1
		}
		return 0
	}
	var tail float64
	if t*t < nu {
		// Small |t|: 1/2 − I_{t²/(ν+t²)}(1/2, ν/2)/2 avoids 1 − x cancellation.
		tail = 0.5 - 0.5*betaincKernel(0.5, nu/2, t*t/(nu+t*t))
	} else {
		tail = 0.5 * betaincKernel(nu/2, 0.5, nu/(nu+t*t))
	}
	if t > 0 {
		return 1 - tail
	}
	return tail
}

// GammaLogPDF returns the log-density of the gamma distribution with shape a
// (and scale 1) at x (scipy.stats.gamma.logpdf(x, a)).
func GammaLogPDF(x, a any) *Tensor {
	xt, at := toTensor("GammaLogPDF", x), toTensor("GammaLogPDF", a)
	return Sub(Sub(xlogy(Sub(at, 1.0), xt), xt), Gammaln(at))
}

// GammaPDF returns the gamma density (scipy.stats.gamma.pdf(x, a)).
func GammaPDF(x, a any) *Tensor { return Exp(GammaLogPDF(x, a)) }

// GammaCDF returns the gamma distribution function, the regularised lower
// incomplete gamma function P(a, x) (scipy.stats.gamma.cdf(x, a)). It is
// differentiable in x.
func GammaCDF(x, a any) *Tensor { return Gammainc(a, x) }

// BetaLogPDF returns the log-density of the beta distribution with
// parameters a and b at x (scipy.stats.beta.logpdf).
func BetaLogPDF(x, a, b any) *Tensor {
	xt, at, bt := toTensor("BetaLogPDF", x), toTensor("BetaLogPDF", a), toTensor("BetaLogPDF", b)
	return Sub(Add(xlogy(Sub(at, 1.0), xt), xlog1py(Sub(bt, 1.0), Neg(xt))), Betaln(at, bt))
}

// BetaPDF returns the beta density (scipy.stats.beta.pdf).
func BetaPDF(x, a, b any) *Tensor { return Exp(BetaLogPDF(x, a, b)) }

// BetaCDF returns the beta distribution function I_x(a, b)
// (scipy.stats.beta.cdf). It is differentiable in x.
func BetaCDF(x, a, b any) *Tensor { return Betainc(a, b, x) }

// Chi2LogPDF returns the log-density of the chi-squared distribution with
// df degrees of freedom at x (scipy.stats.chi2.logpdf).
func Chi2LogPDF(x, df any) *Tensor {
	xt, dt := toTensor("Chi2LogPDF", x), toTensor("Chi2LogPDF", df)
	return Sub(GammaLogPDF(Mul(xt, 0.5), Mul(dt, 0.5)), math.Ln2)
}

// Chi2PDF returns the chi-squared density (scipy.stats.chi2.pdf).
func Chi2PDF(x, df any) *Tensor { return Exp(Chi2LogPDF(x, df)) }

// Chi2CDF returns the chi-squared distribution function P(df/2, x/2)
// (scipy.stats.chi2.cdf). It is differentiable in x.
func Chi2CDF(x, df any) *Tensor {
	return Gammainc(Mul(toTensor("Chi2CDF", df), 0.5), Mul(toTensor("Chi2CDF", x), 0.5))
}

// PoissonPMF returns the Poisson probability mass (scipy.stats.poisson.pmf,
// k treated as a real number).
func PoissonPMF(k, mu any) *Tensor { return Exp(PoissonLogPMF(k, mu)) }

// PoissonCDF returns the Poisson distribution function at k, the
// probability of at most ⌊k⌋ events, Q(⌊k⌋ + 1, mu)
// (scipy.stats.poisson.cdf). It is differentiable in mu (the derivative is
// −pmf(⌊k⌋, mu)); k gets no gradient.
func PoissonCDF(k, mu any) *Tensor {
	kt := StopGradient(toTensor("PoissonCDF", k))
	return Gammaincc(Add(Floor(kt), 1.0), mu)
}

// DirichletLogPDF returns the log-density of the Dirichlet distribution with
// concentrations alpha (…, K) at points x (…, K) of the simplex, reducing
// the last axis (scipy.stats.dirichlet.logpdf). It panics with ErrShape when
// the last axes differ.
func DirichletLogPDF(x, alpha any) *Tensor {
	xt, at := toTensor("DirichletLogPDF", x), toTensor("DirichletLogPDF", alpha)
	if len(xt.shape) == 0 || len(at.shape) == 0 || xt.shape[len(xt.shape)-1] != at.shape[len(at.shape)-1] {
		panic(errorf(ErrShape, "DirichletLogPDF", "x of shape %s and alpha of shape %s: want the same last axis", fmtShape(xt.shape), fmtShape(at.shape)))
	}
	norm := Sub(Gammaln(Sum(at, -1)), Sum(Gammaln(at), -1))
	return Add(Sum(xlogy(Sub(at, 1.0), xt), -1), norm)
}

// DirichletPDF returns the Dirichlet density (scipy.stats.dirichlet.pdf).
func DirichletPDF(x, alpha any) *Tensor { return Exp(DirichletLogPDF(x, alpha)) }

// MVNPDF returns the multivariate normal density at each row of x
// (scipy.stats.multivariate_normal.pdf); see MVNLogPDF.
func MVNPDF(x, mean, cov *Tensor) *Tensor { return Exp(MVNLogPDF(x, mean, cov)) }

// MVNEntropy returns the differential entropy ½·log det(2πe·cov) of the
// multivariate normal distribution (scipy.stats.multivariate_normal.entropy),
// through the Cholesky factor of cov (lower triangle read).
func MVNEntropy(cov *Tensor) *Tensor {
	mustTensor("MVNEntropy", cov)
	if len(cov.shape) != 2 || cov.shape[0] != cov.shape[1] {
		panic(errorf(ErrShape, "MVNEntropy", "covariance of shape %s: want (d,d)", fmtShape(cov.shape)))
	}
	d := float64(cov.shape[0])
	logdet := Mul(Sum(Log(matDiag(Cholesky(cov)))), 2.0)
	return Mul(Add(logdet, d*(1+math.Log(2*math.Pi))), 0.5)
}

func init() {
	// d/dt CDF = density; for loc and scale by the chain rule through
	// t = (x − loc)/scale.
	pdf := func(c *Call) *Tensor { return StudentTPDF(c.Args[0], c.Args[1], c.Args[2], c.Args[3]) }
	primStudentTCDF = &Primitive{
		Name: "StudentTCDF",
		Forward: func(c *Call) *Tensor {
			x, nu, loc, sc := c.Args[0], c.Args[1], c.Args[2], c.Args[3]
			out := broadcastShapes("StudentTCDF", x.shape, nu.shape, loc.shape, sc.shape)
			dst := alloc("StudentTCDF", shapeSize("StudentTCDF", out))
			st := [][]int{broadcastStrides(x.shape, out), broadcastStrides(nu.shape, out), broadcastStrides(loc.shape, out), broadcastStrides(sc.shape, out)}
			l := []int{lastStride(st[0]), lastStride(st[1]), lastStride(st[2]), lastStride(st[3])}
			forEachRow("StudentTCDF", out, st, func(o int, offs []int, n int) {
				for i := 0; i < n; i++ {
					s := sc.data[offs[3]+i*l[3]]
					t := (x.data[offs[0]+i*l[0]] - loc.data[offs[2]+i*l[2]]) / s
					dst[o+i] = studentTCDF(t, nu.data[offs[1]+i*l[1]])
					if !(s > 0) {
						dst[o+i] = math.NaN()
					}
				}
			})
			return newRaw(out, dst)
		},
		VJP: []VJPRule{
			func(g *Tensor, c *Call) *Tensor { return Mul(g, pdf(c)) },
			noShapeDerivative("StudentTCDF", "df"),
			func(g *Tensor, c *Call) *Tensor { return Neg(Mul(g, pdf(c))) },
			func(g *Tensor, c *Call) *Tensor {
				return Neg(Mul(g, Mul(pdf(c), Div(Sub(c.Args[0], c.Args[2]), c.Args[3]))))
			},
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return Mul(t, pdf(c)) },
			noShapeDerivative("StudentTCDF", "df"),
			func(t *Tensor, c *Call) *Tensor { return Neg(Mul(t, pdf(c))) },
			func(t *Tensor, c *Call) *Tensor {
				return Neg(Mul(t, Mul(pdf(c), Div(Sub(c.Args[0], c.Args[2]), c.Args[3]))))
			},
		},
	}
}
