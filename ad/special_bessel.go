package ad

// scipy.special's Bessel functions of real argument: J and Y of integer
// order (Go's math package computes them), and the modified functions I of
// real order with their exponentially scaled form Ive. Each family is one
// primitive with the order as its parameter, whose derivative is the
// recurrence f′_v = (f_{v−1} ∓ f_{v+1})/2 in the same family, so every
// order of derivative works.

import "math"

var primBesselJ, primBesselY, primBesselI *Primitive

// besselIParams are the order and whether the result is scaled by e^(−|x|).
type besselIParams struct {
	v      float64
	scaled bool
}

// J0 returns the Bessel function of the first kind of order 0 elementwise,
// like scipy.special.j0.
func J0(x *Tensor) *Tensor { return Jn(0, x) }

// J1 returns the Bessel function of the first kind of order 1 elementwise.
func J1(x *Tensor) *Tensor { return Jn(1, x) }

// Jn returns the Bessel function of the first kind of integer order n
// elementwise, like scipy.special.jn (n may be negative).
func Jn(n int, x *Tensor) *Tensor { return primBesselJ.Apply(n, mustTensor("Jn", x)) }

// Y0 returns the Bessel function of the second kind of order 0 elementwise
// (−Inf at 0, NaN for x < 0), like scipy.special.y0.
func Y0(x *Tensor) *Tensor { return Yn(0, x) }

// Y1 returns the Bessel function of the second kind of order 1 elementwise.
func Y1(x *Tensor) *Tensor { return Yn(1, x) }

// Yn returns the Bessel function of the second kind of integer order n
// elementwise, like scipy.special.yn.
func Yn(n int, x *Tensor) *Tensor { return primBesselY.Apply(n, mustTensor("Yn", x)) }

// I0 returns the modified Bessel function of the first kind of order 0
// elementwise, like scipy.special.i0.
func I0(x *Tensor) *Tensor { return Iv(0, x) }

// I1 returns the modified Bessel function of the first kind of order 1
// elementwise, like scipy.special.i1.
func I1(x *Tensor) *Tensor { return Iv(1, x) }

// Iv returns the modified Bessel function of the first kind of real order v
// elementwise, like scipy.special.iv: NaN for x < 0 unless v is an integer.
// It overflows to +Inf beyond x ≈ 713; use Ive there.
func Iv(v float64, x *Tensor) *Tensor {
	return primBesselI.Apply(besselIParams{v: v}, mustTensor("Iv", x))
}

// Ive returns Iv(v, x)·e^(−|x|) elementwise, like scipy.special.ive: finite
// for every x. Its derivative at 0 is the mean of its one-sided ones.
func Ive(v float64, x *Tensor) *Tensor {
	return primBesselI.Apply(besselIParams{v: v, scaled: true}, mustTensor("Ive", x))
}

func init() {
	primBesselJ = &Primitive{
		Name: "Jn",
		Forward: func(c *Call) *Tensor {
			n := c.Params.(int)
			return unaryKernel("Jn", mathKernel(func(x float64) float64 { return math.Jn(n, x) }))(c)
		},
	}
	besselJDeriv := func(c *Call) *Tensor {
		n := c.Params.(int)
		return Mul(Sub(primBesselJ.Apply(n-1, c.Args[0]), primBesselJ.Apply(n+1, c.Args[0])), 0.5)
	}
	primBesselJ.VJP = []VJPRule{func(g *Tensor, c *Call) *Tensor { return Mul(g, besselJDeriv(c)) }}
	primBesselJ.JVP = []JVPRule{func(t *Tensor, c *Call) *Tensor { return Mul(t, besselJDeriv(c)) }}

	primBesselY = &Primitive{
		Name: "Yn",
		Forward: func(c *Call) *Tensor {
			n := c.Params.(int)
			return unaryKernel("Yn", mathKernel(func(x float64) float64 { return math.Yn(n, x) }))(c)
		},
	}
	besselYDeriv := func(c *Call) *Tensor {
		n := c.Params.(int)
		return Mul(Sub(primBesselY.Apply(n-1, c.Args[0]), primBesselY.Apply(n+1, c.Args[0])), 0.5)
	}
	primBesselY.VJP = []VJPRule{func(g *Tensor, c *Call) *Tensor { return Mul(g, besselYDeriv(c)) }}
	primBesselY.JVP = []JVPRule{func(t *Tensor, c *Call) *Tensor { return Mul(t, besselYDeriv(c)) }}

	primBesselI = &Primitive{
		Name: "Iv",
		Forward: func(c *Call) *Tensor {
			p := c.Params.(besselIParams)
			return unaryKernel("Iv", mathKernel(func(x float64) float64 {
				if p.scaled {
					return besselIve(p.v, x)
				}
				return besselIv(p.v, x)
			}))(c)
		},
	}
	// I′_v = (I_{v−1} + I_{v+1})/2; for Ive = I_v e^(−|x|) the product rule
	// adds −sign(x)·Ive.
	besselIDeriv := func(c *Call) *Tensor {
		p := c.Params.(besselIParams)
		x := c.Args[0]
		lo := primBesselI.Apply(besselIParams{v: p.v - 1, scaled: p.scaled}, x)
		hi := primBesselI.Apply(besselIParams{v: p.v + 1, scaled: p.scaled}, x)
		d := Mul(Add(lo, hi), 0.5)
		if p.scaled {
			d = Sub(d, Mul(Sign(x), c.Out))
		}
		return d
	}
	primBesselI.VJP = []VJPRule{func(g *Tensor, c *Call) *Tensor { return Mul(g, besselIDeriv(c)) }}
	primBesselI.JVP = []JVPRule{func(t *Tensor, c *Call) *Tensor { return Mul(t, besselIDeriv(c)) }}
}

// besselIv is I_v(x).
func besselIv(v, x float64) float64 {
	s := besselIve(v, x)
	if s == 0 || math.IsInf(s, 0) || s != s {
		if s == 0 && math.Abs(x) > 700 {
			return math.Inf(1)
		}
		return s
	}
	return s * math.Exp(math.Abs(x))
}

// besselIve is I_v(x)·e^(−|x|). For x < 0 it is defined for integer v only
// (I_n(−x) = (−1)ⁿ I_n(x)). For v > −1 it sums the power series
// Σₖ (x/2)^(2k+v)/(k! Γ(k+v+1)), whose terms are all positive, in
// logarithms (no overflow); for large x it uses the asymptotic expansion;
// for v ≤ −1 it sums the series directly (x ≤ 30) or uses I_{−v} ≈ I_v,
// exact to e^(−2x), beyond.
func besselIve(v, x float64) float64 {
	switch {
	case x != x || v != v:
		return math.NaN()
	case x < 0:
		if v != math.Floor(v) {
			return math.NaN()
		}
		r := besselIve(v, -x)
		if math.Mod(math.Abs(v), 2) == 1 {
			r = -r
		}
		return r
	case math.IsInf(x, 1):
		return 0
	case x == 0:
		switch {
		case v == 0:
			return 1
		case v > 0 || v == math.Floor(v):
			return 0
		}
		return math.Inf(1)
	}
	if v == math.Floor(v) && v < 0 {
		v = -v // I_{−n} = I_n
	}
	if v <= -1 {
		if x > 30 {
			return besselIve(-v, x)
		}
		// Direct series; 1/Γ(k+v+1) is 0 at its poles.
		var sum float64
		h := x / 2
		for k := 0; k < 500; k++ {
			term := math.Pow(h, float64(2*k)+v) * rgamma(float64(k)+v+1) / math.Gamma(float64(k+1))
			sum += term
			if k > int(x)+5 && math.Abs(term) < 1e-17*math.Abs(sum) {
				break
			}
		}
		return sum * math.Exp(-x)
	}
	if x > 1000 && x > 10*v*v {
		// Iv(x)e^(−x) ≈ (2πx)^(−1/2) Σₖ (−1)ᵏ aₖ(v)/xᵏ, aₖ = Πⱼ(4v²−(2j−1)²)/(k! 8ᵏ).
		mu := 4 * v * v
		sum, term := 1.0, 1.0
		for k := 1; k < 30; k++ {
			odd := float64(2*k - 1)
			term *= -(mu - odd*odd) / (float64(k) * 8 * x)
			sum += term
			if math.Abs(term) < 1e-17 {
				break
			}
		}
		return sum / math.Sqrt(2*math.Pi*x)
	}
	// Positive series in logarithms, shifted by x (the e^(−x) scale).
	lh := math.Log(x / 2)
	var sum float64
	for k := 0; ; k++ {
		lg1, _ := math.Lgamma(float64(k + 1))
		lg2, _ := math.Lgamma(float64(k) + v + 1)
		term := math.Exp((float64(2*k)+v)*lh - lg1 - lg2 - x)
		sum += term
		if (float64(k) > x/2 && term <= 1e-17*sum) || k > 1e7 {
			break
		}
	}
	return sum
}
