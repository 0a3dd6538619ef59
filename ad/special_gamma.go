package ad

// scipy.special's gamma and beta families: Gamma, Rgamma, Gammasgn, Beta,
// Betaln, Multigammaln, the regularised incomplete Gamma and Beta functions
// (Gammainc, Gammaincc, Betainc), and the inverse error functions. As in
// autograd, the incomplete functions are differentiable in x only; a
// derivative with respect to their shape parameters panics rather than
// return a wrong zero.

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

var (
	primGamma, primRgamma, primGammasgn, primErfinv, primErfcinv *Primitive
	primGammainc, primGammaincc, primBetainc                     *Primitive
)

// Gamma returns Γ(x) elementwise, like scipy.special.gamma (±Inf at 0, NaN
// at the negative integers). Its derivative is Γ(x)ψ(x).
func Gamma(x *Tensor) *Tensor { return apply1(primGamma, x) }

// Rgamma returns 1/Γ(x) elementwise, 0 at 0 and at the negative integers,
// like scipy.special.rgamma. Its derivative is −ψ(x)/Γ(x), NaN at those
// points.
func Rgamma(x *Tensor) *Tensor { return apply1(primRgamma, x) }

// Gammasgn returns the sign of Γ(x) elementwise (±1, and NaN at 0 and the
// negative integers), like scipy.special.gammasgn. It has no derivative.
func Gammasgn(x *Tensor) *Tensor { return apply1(primGammasgn, x) }

// Betaln returns log|B(a, b)| = log|Γ(a)Γ(b)/Γ(a+b)| elementwise,
// broadcasting, like scipy.special.betaln.
func Betaln(a, b any) *Tensor {
	x, y := toTensor("Betaln", a), toTensor("Betaln", b)
	return Sub(Add(Gammaln(x), Gammaln(y)), Gammaln(Add(x, y)))
}

// Beta returns B(a, b) = Γ(a)Γ(b)/Γ(a+b) elementwise, broadcasting, like
// scipy.special.beta, computed through Betaln so that large arguments do not
// overflow.
func Beta(a, b any) *Tensor {
	x, y := toTensor("Beta", a), toTensor("Beta", b)
	sign := Mul(Mul(Gammasgn(x), Gammasgn(y)), Gammasgn(Add(x, y)))
	return Mul(sign, Exp(Betaln(x, y)))
}

// Multigammaln returns the log of the multivariate gamma function of
// dimension d, log Γ_d(a) = d(d−1)/4·log π + Σⱼ log Γ(a − j/2) for j = 0 …
// d−1, elementwise, like scipy.special.multigammaln. It panics with
// ErrArgument for d < 1.
func Multigammaln(a *Tensor, d int) *Tensor {
	mustTensor("Multigammaln", a)
	if d < 1 {
		panic(errorf(ErrArgument, "Multigammaln", "dimension d = %d: want d ≥ 1", d))
	}
	out := Full(float64(d*(d-1))/4*math.Log(math.Pi), a.shape...)
	for j := 0; j < d; j++ {
		out = Add(out, Gammaln(Sub(a, float64(j)/2)))
	}
	return out
}

// Gammainc returns the regularised lower incomplete gamma function
// P(a, x) = γ(a, x)/Γ(a) elementwise, broadcasting, like
// scipy.special.gammainc (a > 0, x ≥ 0). Its derivative in x is the gamma
// density x^(a−1)e^(−x)/Γ(a); differentiating with respect to a panics with
// ErrArgument (autograd has no rule either).
func Gammainc(a, x any) *Tensor { return apply2(primGammainc, a, x) }

// Gammaincc returns the regularised upper incomplete gamma function
// Q(a, x) = 1 − P(a, x) elementwise, like scipy.special.gammaincc,
// accurate where P is close to 1. Derivatives as for Gammainc, negated.
func Gammaincc(a, x any) *Tensor { return apply2(primGammaincc, a, x) }

// Betainc returns the regularised incomplete beta function I_x(a, b)
// elementwise, broadcasting, like scipy.special.betainc(a, b, x) (a, b > 0,
// 0 ≤ x ≤ 1). Its derivative in x is the beta density; differentiating with
// respect to a or b panics with ErrArgument (autograd has no rule either).
func Betainc(a, b, x any) *Tensor {
	return primBetainc.Apply(nil, toTensor("Betainc", a), toTensor("Betainc", b), toTensor("Betainc", x))
}

// Erfinv returns the inverse error function elementwise (±Inf at ±1, NaN
// beyond), like scipy.special.erfinv.
func Erfinv(x *Tensor) *Tensor { return apply1(primErfinv, x) }

// Erfcinv returns the inverse of Erfc elementwise, for 0 ≤ x ≤ 2, like
// scipy.special.erfcinv.
func Erfcinv(x *Tensor) *Tensor { return apply1(primErfcinv, x) }

// gammaDensity returns x^(a−1)e^(−x)/Γ(a), computed in logarithms where
// x > 0 (no overflow for large a) and as a power at x = 0; the unused
// branch is fed a harmless x so that its derivatives stay finite.
func gammaDensity(a, x *Tensor) *Tensor {
	pos := Greater(x, 0.0)
	xs := Where(pos, x, 1.0)
	logForm := Exp(Sub(Sub(Mul(Sub(a, 1.0), Log(xs)), xs), Gammaln(a)))
	x0 := Where(pos, 0.0, x)
	powForm := Mul(Pow(x0, Sub(a, 1.0)), Rgamma(a))
	return Where(pos, logForm, powForm)
}

// betaDensity returns x^(a−1)(1−x)^(b−1)/B(a, b), in logarithms inside
// (0, 1) and as powers at the ends.
func betaDensity(a, b, x *Tensor) *Tensor {
	in := Mul(Greater(x, 0.0), Less(x, 1.0))
	xs := Where(in, x, 0.5)
	logForm := Exp(Sub(Add(Mul(Sub(a, 1.0), Log(xs)), Mul(Sub(b, 1.0), Log1p(Neg(xs)))), Betaln(a, b)))
	xe := Where(in, 0.0, x)
	powForm := Div(Mul(Pow(xe, Sub(a, 1.0)), Pow(Sub(1.0, xe), Sub(b, 1.0))), Beta(a, b))
	return Where(in, logForm, powForm)
}

// noShapeDerivative is the rule for a parameter ad cannot differentiate.
func noShapeDerivative(op, arg string) func(*Tensor, *Call) *Tensor {
	return func(*Tensor, *Call) *Tensor {
		panic(errorf(ErrArgument, op, "the derivative with respect to %s is not implemented (only with respect to x); pass %s as a constant", arg, arg))
	}
}

func init() {
	primGamma = smooth("Gamma", mathKernel(math.Gamma), func(c *Call) *Tensor { return Mul(c.Out, Digamma(c.Args[0])) })
	primRgamma = smooth("Rgamma", mathKernel(rgamma), func(c *Call) *Tensor { return Neg(Mul(Digamma(c.Args[0]), c.Out)) })
	primGammasgn = nonDiff("Gammasgn", unaryKernel("Gammasgn", mathKernel(gammasgn)))
	rootPiHalf := math.Sqrt(math.Pi) / 2
	primErfinv = smooth("Erfinv", mathKernel(erfinv), func(c *Call) *Tensor { return Mul(Exp(Square(c.Out)), rootPiHalf) })
	primErfcinv = smooth("Erfcinv", mathKernel(erfcinv), func(c *Call) *Tensor { return Mul(Exp(Square(c.Out)), -rootPiHalf) })
	primGammainc = &Primitive{
		Name:    "Gammainc",
		Forward: binaryKernel("Gammainc", funcLoop(gammaincP)),
		VJP: []VJPRule{noShapeDerivative("Gammainc", "a"),
			func(g *Tensor, c *Call) *Tensor { return Mul(g, gammaDensity(c.Args[0], c.Args[1])) }},
		JVP: []JVPRule{noShapeDerivative("Gammainc", "a"),
			func(t *Tensor, c *Call) *Tensor { return Mul(t, gammaDensity(c.Args[0], c.Args[1])) }},
	}
	primGammaincc = &Primitive{
		Name:    "Gammaincc",
		Forward: binaryKernel("Gammaincc", funcLoop(gammaincQ)),
		VJP: []VJPRule{noShapeDerivative("Gammaincc", "a"),
			func(g *Tensor, c *Call) *Tensor { return Neg(Mul(g, gammaDensity(c.Args[0], c.Args[1]))) }},
		JVP: []JVPRule{noShapeDerivative("Gammaincc", "a"),
			func(t *Tensor, c *Call) *Tensor { return Neg(Mul(t, gammaDensity(c.Args[0], c.Args[1]))) }},
	}
	primBetainc = &Primitive{
		Name:    "Betainc",
		Forward: betaincForward,
		VJP: []VJPRule{noShapeDerivative("Betainc", "a"), noShapeDerivative("Betainc", "b"),
			func(g *Tensor, c *Call) *Tensor { return Mul(g, betaDensity(c.Args[0], c.Args[1], c.Args[2])) }},
		JVP: []JVPRule{noShapeDerivative("Betainc", "a"), noShapeDerivative("Betainc", "b"),
			func(t *Tensor, c *Call) *Tensor { return Mul(t, betaDensity(c.Args[0], c.Args[1], c.Args[2])) }},
	}
}

// erfcinv inverts erfc to full relative precision also for tiny y, through
// gonum's NormalQuantile (Wichura's AS 241) of y/2; Go's math.Erfcinv
// computes Erfinv(1 − y), which loses the digits of a small y.
func erfcinv(y float64) float64 {
	switch {
	case y != y || y < 0 || y > 2:
		return math.NaN()
	case y > 1:
		return -erfcinv(2 - y) // 2 − y is exact here
	}
	return -mathext.NormalQuantile(y/2) / math.Sqrt2
}

// erfinv is math.Erfinv near 0 and erfcinv(1 − |x|) towards ±1, where
// 1 − |x| is exact.
func erfinv(x float64) float64 {
	if math.Abs(x) < 0.5 || x != x {
		return math.Erfinv(x)
	}
	if x > 1 || x < -1 {
		return math.NaN()
	}
	return math.Copysign(erfcinv(1-math.Abs(x)), x)
}

// rgamma is 1/Γ(x), 0 at the poles of Γ.
func rgamma(x float64) float64 {
	if x <= 0 && x == math.Floor(x) {
		return 0
	}
	if x > 171.7 { // Γ overflows; 1/Γ underflows to 0 smoothly
		lg, _ := math.Lgamma(x)
		return math.Exp(-lg)
	}
	return 1 / math.Gamma(x)
}

// gammasgn is the sign of Γ(x): 1 for x > 0, alternating between the
// negative integers, NaN at the poles.
func gammasgn(x float64) float64 {
	switch {
	case x != x:
		return x
	case x > 0:
		return 1
	case x == math.Floor(x):
		return math.NaN()
	}
	if int64(math.Floor(x))%2 == 0 {
		return 1
	}
	return -1
}

// gammaincP and gammaincQ are scipy's gammainc and gammaincc on gonum's
// kernels, NaN outside the domain (a > 0, x ≥ 0) as in scipy.
func gammaincP(a, x float64) float64 {
	if !(a > 0) || !(x >= 0) {
		return math.NaN()
	}
	if math.IsInf(x, 1) {
		return 1
	}
	return mathext.GammaIncReg(a, x)
}

func gammaincQ(a, x float64) float64 {
	if !(a > 0) || !(x >= 0) {
		return math.NaN()
	}
	if math.IsInf(x, 1) {
		return 0
	}
	return mathext.GammaIncRegComp(a, x)
}

func betaincKernel(a, b, x float64) float64 {
	if !(a > 0) || !(b > 0) || !(x >= 0 && x <= 1) {
		return math.NaN()
	}
	return mathext.RegIncBeta(a, b, x)
}

func betaincForward(c *Call) *Tensor {
	a, b, x := c.Args[0], c.Args[1], c.Args[2]
	out := broadcastShapes("Betainc", a.shape, b.shape, x.shape)
	dst := alloc("Betainc", shapeSize("Betainc", out))
	sa, sb, sx := broadcastStrides(a.shape, out), broadcastStrides(b.shape, out), broadcastStrides(x.shape, out)
	la, lb, lx := lastStride(sa), lastStride(sb), lastStride(sx)
	forEachRow("Betainc", out, [][]int{sa, sb, sx}, func(o int, offs []int, n int) {
		for i := 0; i < n; i++ {
			dst[o+i] = betaincKernel(a.data[offs[0]+i*la], b.data[offs[1]+i*lb], x.data[offs[2]+i*lx])
		}
	})
	return newRaw(out, dst)
}

// LogSumExpB returns log Σ b·eˣ over the given axes (all when none are
// given), like scipy.special.logsumexp(x, axis, b=b): weights b broadcast
// against x, and the sum must be positive (a negative one gives NaN, a zero
// one −Inf). It is computed stably, shifted by the maximum of x, and is
// differentiable in x and in b. It panics like Sum and with ErrShape when b
// does not broadcast to x.
func LogSumExpB(x *Tensor, b any, axes ...int) *Tensor {
	mustTensor("LogSumExp", x)
	w := toTensor("LogSumExp", b)
	if s := broadcastShapes("LogSumExp", x.shape, w.shape); !sameShape(s, x.shape) {
		panic(errorf(ErrShape, "LogSumExp", "weights of shape %s do not broadcast to x's shape %s", fmtShape(w.shape), fmtShape(x.shape)))
	}
	m := MaxKeepDims(StopGradient(x), axes...)
	m = Where(Equal(Abs(m), math.Inf(1)), 0.0, m) // all −Inf (or an Inf): no shift
	s := SumKeepDims(Mul(w, Exp(Sub(x, m))), axes...)
	out := Add(Log(s), m)
	return Reshape(out, droppedShape(x.shape, axisMask("LogSumExp", axes, len(x.shape)))...)
}
