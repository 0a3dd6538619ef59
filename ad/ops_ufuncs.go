package ad

import "math"

// The rest of numpy's real ufuncs that autograd differentiates: logarithms
// and exponentials in other bases, inverse hyperbolic functions, angle
// conversions, sinc, reciprocal, logaddexp2, fmax/fmin, mod and nan_to_num.
// Those that are compositions of other ops are plain functions (their
// derivatives follow); the others are one primitive declaration each.

var (
	primLog2, primLog10, primExp2, primArcsinh, primArccosh, primArctanh *Primitive
	primSinc, primFmax, primFmin, primMod, primNanToNum                  *Primitive
)

// Log2 returns the base-2 logarithm elementwise, like numpy.log2.
func Log2(x *Tensor) *Tensor { return apply1(primLog2, x) }

// Log10 returns the base-10 logarithm elementwise, like numpy.log10.
func Log10(x *Tensor) *Tensor { return apply1(primLog10, x) }

// Exp2 returns 2ˣ elementwise, like numpy.exp2.
func Exp2(x *Tensor) *Tensor { return apply1(primExp2, x) }

// Arcsinh returns the inverse hyperbolic sine elementwise, like
// numpy.arcsinh.
func Arcsinh(x *Tensor) *Tensor { return apply1(primArcsinh, x) }

// Arccosh returns the inverse hyperbolic cosine elementwise (NaN below 1),
// like numpy.arccosh. Its derivative is infinite at 1.
func Arccosh(x *Tensor) *Tensor { return apply1(primArccosh, x) }

// Arctanh returns the inverse hyperbolic tangent elementwise (±Inf at ±1,
// NaN beyond), like numpy.arctanh.
func Arctanh(x *Tensor) *Tensor { return apply1(primArctanh, x) }

// Deg2Rad converts degrees to radians elementwise, like numpy.deg2rad
// (numpy.radians).
func Deg2Rad(x *Tensor) *Tensor { return Mul(mustTensor("Deg2Rad", x), math.Pi/180) }

// Rad2Deg converts radians to degrees elementwise, like numpy.rad2deg
// (numpy.degrees).
func Rad2Deg(x *Tensor) *Tensor { return Mul(mustTensor("Rad2Deg", x), 180/math.Pi) }

// Sinc returns the normalised sinc function sin(πx)/(πx) elementwise, 1 at
// 0, like numpy.sinc. Unlike autograd's rule (NaN at 0), its derivatives of
// every order are finite everywhere: 0 at 0 for the first, −π²/3 for the
// second.
func Sinc(x *Tensor) *Tensor { return primSinc.Apply(0, mustTensor("Sinc", x)) }

// Reciprocal returns 1/x elementwise, like numpy.reciprocal for floats.
func Reciprocal(x *Tensor) *Tensor { return Div(1.0, mustTensor("Reciprocal", x)) }

// LogAddExp2 returns log₂(2ᵃ + 2ᵇ) elementwise, computed stably,
// broadcasting, like numpy.logaddexp2.
func LogAddExp2(a, b any) *Tensor {
	x, y := toTensor("LogAddExp2", a), toTensor("LogAddExp2", b)
	return Div(LogAddExp(Mul(x, math.Ln2), Mul(y, math.Ln2)), math.Ln2)
}

// Fmax returns the elementwise larger of a and b, broadcasting, like
// numpy.fmax: where one of them is NaN the other is returned (Maximum
// propagates NaN instead). Ties share the gradient equally.
func Fmax(a, b any) *Tensor { return apply2(primFmax, a, b) }

// Fmin returns the elementwise smaller of a and b, ignoring NaN like
// numpy.fmin. Ties share the gradient equally.
func Fmin(a, b any) *Tensor { return apply2(primFmin, a, b) }

// Mod returns the remainder of a/b with the sign of b, broadcasting, like
// numpy.mod (numpy.remainder, Python's %): a − floor(a/b)·b, computed as
// numpy does. Its derivative is 1 in a and −floor(a/b) in b, as autograd's;
// it jumps where a/b is an integer.
func Mod(a, b any) *Tensor { return apply2(primMod, a, b) }

// Remainder is Mod, numpy's other name for it.
func Remainder(a, b any) *Tensor { return apply2(primMod, a, b) }

// NanToNum replaces NaN by 0, +Inf by the largest float64 and −Inf by the
// most negative, like numpy.nan_to_num with its defaults. The gradient
// passes where x is finite and is 0 elsewhere.
func NanToNum(x *Tensor) *Tensor { return apply1(primNanToNum, x) }

// mathKernel returns an elementwise kernel applying f.
func mathKernel(f func(float64) float64) func(dst, x []float64) {
	return func(dst, x []float64) {
		for i, v := range x {
			dst[i] = f(v)
		}
	}
}

// modNumpy is numpy's floor remainder: the result has the sign of b.
func modNumpy(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	r := math.Mod(a, b)
	if r != 0 {
		if (r < 0) != (b < 0) {
			r += b
		}
	} else {
		r = math.Copysign(0, b)
	}
	return r
}

// fmaxNaN and fminNaN ignore a NaN operand, like numpy.fmax and fmin.
func fmaxNaN(x, y float64) float64 {
	if y != y || x >= y {
		return x
	}
	return y
}

func fminNaN(x, y float64) float64 {
	if y != y || x <= y {
		return x
	}
	return y
}

// sincDeriv returns the n-th derivative of sin(πx)/(πx): by its Taylor
// series for |x| < 1 (no cancellation near 0), by Leibniz's rule on
// sin(πx)·(πx)⁻¹ elsewhere.
func sincDeriv(n int, x float64) float64 {
	if math.IsInf(x, 0) {
		return 0
	}
	if math.Abs(x) < 1 {
		// sinc x = Σⱼ (−1)ʲ (πx)²ʲ/(2j+1)!; differentiate term by term.
		var sum float64
		coef := 1.0 // (−1)ʲ π²ʲ/(2j+1)!
		for j := 0; j < 60; j++ {
			if j > 0 {
				coef *= -math.Pi * math.Pi / float64((2*j)*(2*j+1))
			}
			p := 2 * j
			if p < n {
				continue
			}
			fall := 1.0 // p!/(p−n)!
			for k := 0; k < n; k++ {
				fall *= float64(p - k)
			}
			term := coef * fall * math.Pow(x, float64(p-n))
			sum += term
			if p > n+4 && math.Abs(term) < 1e-18*math.Abs(sum) {
				break
			}
		}
		return sum
	}
	// dⁿ/dxⁿ [sin(πx)·x⁻¹]/π = Σₖ C(n,k) πᵏ sin(πx + kπ/2) · (−1)ⁿ⁻ᵏ (n−k)! x⁻⁽ⁿ⁻ᵏ⁺¹⁾ / π.
	s, c := math.Sincos(math.Pi * x)
	var sum float64
	binom := 1.0
	for k := 0; k <= n; k++ {
		if k > 0 {
			binom = binom * float64(n-k+1) / float64(k)
		}
		var sk float64 // sin(πx + kπ/2)
		switch k % 4 {
		case 0:
			sk = s
		case 1:
			sk = c
		case 2:
			sk = -s
		case 3:
			sk = -c
		}
		m := n - k
		fact := 1.0
		for i := 2; i <= m; i++ {
			fact *= float64(i)
		}
		sign := 1.0
		if m%2 == 1 {
			sign = -1
		}
		sum += binom * math.Pow(math.Pi, float64(k)) * sk * sign * fact / math.Pow(x, float64(m+1))
	}
	return sum / math.Pi
}

// derivTower declares a primitive computing the n-th derivative of a smooth
// function (n in c.Params), whose own derivative is the primitive at n+1:
// every order works without writing each rule.
func derivTower(name string, f func(n int, x float64) float64) *Primitive {
	p := &Primitive{Name: name}
	p.Forward = func(c *Call) *Tensor {
		n := c.Params.(int)
		return unaryKernel(name, func(dst, x []float64) {
			for i, v := range x {
				dst[i] = f(n, v)
			}
		})(c)
	}
	next := func(c *Call) *Tensor { return p.Apply(c.Params.(int)+1, c.Args[0]) }
	p.VJP = []VJPRule{func(g *Tensor, c *Call) *Tensor { return Mul(g, next(c)) }}
	p.JVP = []JVPRule{func(t *Tensor, c *Call) *Tensor { return Mul(t, next(c)) }}
	return p
}

func init() {
	primLog2 = smooth("Log2", mathKernel(math.Log2), func(c *Call) *Tensor { return Div(1/math.Ln2, c.Args[0]) })
	primLog10 = smooth("Log10", mathKernel(math.Log10), func(c *Call) *Tensor { return Div(1/math.Ln10, c.Args[0]) })
	primExp2 = smooth("Exp2", mathKernel(math.Exp2), func(c *Call) *Tensor { return Mul(c.Out, math.Ln2) })
	primArcsinh = smooth("Arcsinh", mathKernel(math.Asinh), func(c *Call) *Tensor { return Div(1.0, Sqrt(Add(Square(c.Args[0]), 1.0))) })
	primArccosh = smooth("Arccosh", mathKernel(math.Acosh), func(c *Call) *Tensor { return Div(1.0, Sqrt(Sub(Square(c.Args[0]), 1.0))) })
	primArctanh = smooth("Arctanh", mathKernel(math.Atanh), func(c *Call) *Tensor { return Div(1.0, oneMinusSquare(c.Args[0])) })
	primSinc = derivTower("Sinc", sincDeriv)
	// Fmax and Fmin share the gradient like Maximum: to the argument equal
	// to the result, halved at ties (a NaN argument gets none).
	share := []VJPRule{
		func(g *Tensor, c *Call) *Tensor { return Mul(g, shareEq(c.Args[0], c.Args[1], c.Out)) },
		func(g *Tensor, c *Call) *Tensor { return Mul(g, shareEq(c.Args[1], c.Args[0], c.Out)) },
	}
	shareT := []JVPRule{
		func(t *Tensor, c *Call) *Tensor { return Mul(t, shareEq(c.Args[0], c.Args[1], c.Out)) },
		func(t *Tensor, c *Call) *Tensor { return Mul(t, shareEq(c.Args[1], c.Args[0], c.Out)) },
	}
	primFmax = &Primitive{Name: "Fmax", Forward: binaryKernel("Fmax", funcLoop(fmaxNaN)), VJP: share, JVP: shareT}
	primFmin = &Primitive{Name: "Fmin", Forward: binaryKernel("Fmin", funcLoop(fminNaN)), VJP: share, JVP: shareT}
	primMod = &Primitive{
		Name:    "Mod",
		Forward: binaryKernel("Mod", funcLoop(modNumpy)),
		VJP: []VJPRule{
			func(g *Tensor, c *Call) *Tensor { return g },
			func(g *Tensor, c *Call) *Tensor { return Mul(g, Neg(Floor(Div(c.Args[0], c.Args[1])))) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return t },
			func(t *Tensor, c *Call) *Tensor { return Mul(t, Neg(Floor(Div(c.Args[0], c.Args[1])))) },
		},
	}
	// The gradient passes where the result equals x, that is where x is
	// finite (NaN ≠ 0, ±Inf ≠ ±MaxFloat64).
	primNanToNum = &Primitive{
		Name: "NanToNum",
		Forward: unaryKernel("NanToNum", mathKernel(func(v float64) float64 {
			switch {
			case v != v:
				return 0
			case math.IsInf(v, 1):
				return math.MaxFloat64
			case math.IsInf(v, -1):
				return -math.MaxFloat64
			}
			return v
		})),
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return Mul(g, Equal(c.Out, c.Args[0])) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return Mul(t, Equal(c.Out, c.Args[0])) }},
	}
}
