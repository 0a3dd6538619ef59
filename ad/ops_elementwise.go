package ad

import (
	"math"

	"github.com/gograd/gograd/ad/internal/vmath"
)

// Unary elementwise primitives. Most are declared by their kernel and their
// derivative f'(x) written with ad's ops; the VJP is g·f'(x) and the JVP is
// t·f'(x).

// smooth declares a unary primitive whose VJP and JVP multiply by deriv(c).
func smooth(name string, k func(dst, x []float64), deriv func(c *Call) *Tensor) *Primitive {
	return &Primitive{
		Name:    name,
		Forward: unaryKernel(name, k),
		VJP:     []VJPRule{func(g *Tensor, c *Call) *Tensor { return Mul(g, deriv(c)) }},
		JVP:     []JVPRule{func(t *Tensor, c *Call) *Tensor { return Mul(t, deriv(c)) }},
	}
}

func apply1(p *Primitive, x *Tensor) *Tensor { return p.Apply(nil, mustTensor(p.Name, x)) }

// Neg returns −x elementwise.
func Neg(x *Tensor) *Tensor { return apply1(primNeg, x) }

// Exp returns eˣ elementwise.
func Exp(x *Tensor) *Tensor { return apply1(primExp, x) }

// Log returns the natural logarithm elementwise (NaN for x < 0, −Inf at 0).
func Log(x *Tensor) *Tensor { return apply1(primLog, x) }

// Log1p returns log(1 + x) elementwise, accurate for small x.
func Log1p(x *Tensor) *Tensor { return apply1(primLog1p, x) }

// Expm1 returns eˣ − 1 elementwise, accurate for small x.
func Expm1(x *Tensor) *Tensor { return apply1(primExpm1, x) }

// Sqrt returns the square root elementwise.
func Sqrt(x *Tensor) *Tensor { return apply1(primSqrt, x) }

// Square returns x² elementwise.
func Square(x *Tensor) *Tensor { return apply1(primSquare, x) }

// Abs returns |x| elementwise; its derivative at 0 is taken as 0.
func Abs(x *Tensor) *Tensor { return apply1(primAbs, x) }

// Sin returns the sine elementwise.
func Sin(x *Tensor) *Tensor { return apply1(primSin, x) }

// Cos returns the cosine elementwise.
func Cos(x *Tensor) *Tensor { return apply1(primCos, x) }

// Tan returns the tangent elementwise.
func Tan(x *Tensor) *Tensor { return apply1(primTan, x) }

// Asin returns the arcsine elementwise.
func Asin(x *Tensor) *Tensor { return apply1(primAsin, x) }

// Acos returns the arccosine elementwise.
func Acos(x *Tensor) *Tensor { return apply1(primAcos, x) }

// Atan returns the arctangent elementwise.
func Atan(x *Tensor) *Tensor { return apply1(primAtan, x) }

// Sinh returns the hyperbolic sine elementwise.
func Sinh(x *Tensor) *Tensor { return apply1(primSinh, x) }

// Cosh returns the hyperbolic cosine elementwise.
func Cosh(x *Tensor) *Tensor { return apply1(primCosh, x) }

// Tanh returns the hyperbolic tangent elementwise.
func Tanh(x *Tensor) *Tensor { return apply1(primTanh, x) }

// Sigmoid returns the logistic function 1/(1 + e⁻ˣ) elementwise.
func Sigmoid(x *Tensor) *Tensor { return apply1(primSigmoid, x) }

// Softplus returns log(1 + eˣ) elementwise, computed stably.
func Softplus(x *Tensor) *Tensor { return apply1(primSoftplus, x) }

// Relu returns max(x, 0) elementwise; its derivative at 0 is taken as 0.
func Relu(x *Tensor) *Tensor { return apply1(primRelu, x) }

// sinGrad returns g·cos x, the cotangent of sin's input x.
func sinGrad(g, x *Tensor) *Tensor { return primSinGrad.Apply(nil, g, x) }

// cosGrad returns −g·sin x, the cotangent of cos's input x.
func cosGrad(g, x *Tensor) *Tensor { return primCosGrad.Apply(nil, g, x) }

// tanhGrad returns g·(1 − y²), the cotangent of tanh's input for output y.
func tanhGrad(g, y *Tensor) *Tensor { return primTanhGrad.Apply(nil, g, y) }

// sigmoidGrad returns g·y·(1 − y), the cotangent of the sigmoid's input for
// output y.
func sigmoidGrad(g, y *Tensor) *Tensor { return primSigmoidGrad.Apply(nil, g, y) }

// tanhGradLoop is TanhGrad's kernel, g·(1 − y²), with the common
// equal-length case written out (a function value per element is several
// times slower).
func tanhGradLoop(dst, g, y []float64, sg, sy int) {
	if sg == 1 && sy == 1 {
		g, y = g[:len(dst)], y[:len(dst)]
		for i := range dst {
			dst[i] = g[i] * (1 - y[i]*y[i])
		}
		return
	}
	funcLoop(func(g, y float64) float64 { return g * (1 - y*y) })(dst, g, y, sg, sy)
}

// sigmoidGradLoop is SigmoidGrad's kernel, g·y·(1 − y).
func sigmoidGradLoop(dst, g, y []float64, sg, sy int) {
	if sg == 1 && sy == 1 {
		g, y = g[:len(dst)], y[:len(dst)]
		for i := range dst {
			dst[i] = g[i] * y[i] * (1 - y[i])
		}
		return
	}
	funcLoop(func(g, y float64) float64 { return g * y * (1 - y) })(dst, g, y, sg, sy)
}

// oneMinusSquare returns 1 − y².
func oneMinusSquare(y *Tensor) *Tensor { return Sub(1.0, Square(y)) }

// Primitives of this file, assigned in init (their rules call the ops that
// wrap them, which Go would reject as an initialization cycle).
var (
	primNeg         *Primitive
	primExp         *Primitive
	primLog         *Primitive
	primLog1p       *Primitive
	primExpm1       *Primitive
	primSqrt        *Primitive
	primSquare      *Primitive
	primAbs         *Primitive
	primSin         *Primitive
	primCos         *Primitive
	primTan         *Primitive
	primAsin        *Primitive
	primAcos        *Primitive
	primAtan        *Primitive
	primSinh        *Primitive
	primCosh        *Primitive
	primTanh        *Primitive
	primSigmoid     *Primitive
	primSoftplus    *Primitive
	primRelu        *Primitive
	primTanhGrad    *Primitive
	primSinGrad     *Primitive
	primCosGrad     *Primitive
	primSigmoidGrad *Primitive
)

func init() {
	primNeg = &Primitive{
		Name:    "Neg",
		scalar1: func(x float64) float64 { return -x },
		Forward: unaryKernel("Neg", vmath.Neg), // Go's -v, four at a time
		VJP:     []VJPRule{func(g *Tensor, c *Call) *Tensor { return Neg(g) }},
		JVP:     []JVPRule{func(t *Tensor, c *Call) *Tensor { return Neg(t) }},
	}
	primExp = smooth("Exp", vmath.Exp, func(c *Call) *Tensor { return c.Out })
	primLog = &Primitive{
		Name:    "Log",
		Forward: unaryKernel("Log", vmath.Log),
		VJP:     []VJPRule{func(g *Tensor, c *Call) *Tensor { return Div(g, c.Args[0]) }},
		JVP:     []JVPRule{func(t *Tensor, c *Call) *Tensor { return Div(t, c.Args[0]) }},
	}
	primLog1p = &Primitive{
		Name:    "Log1p",
		Forward: unaryKernel("Log1p", vmath.Log1p),
		VJP:     []VJPRule{func(g *Tensor, c *Call) *Tensor { return Div(g, Add(c.Args[0], 1.0)) }},
		JVP:     []JVPRule{func(t *Tensor, c *Call) *Tensor { return Div(t, Add(c.Args[0], 1.0)) }},
	}
	primExpm1 = smooth("Expm1", func(dst, x []float64) {
		for i, v := range x {
			dst[i] = math.Expm1(v)
		}
	}, func(c *Call) *Tensor { return Add(c.Out, 1.0) })
	primSqrt = &Primitive{
		Name: "Sqrt",
		Forward: unaryKernel("Sqrt", func(dst, x []float64) {
			for i, v := range x {
				dst[i] = math.Sqrt(v)
			}
		}),
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return Div(Mul(g, 0.5), c.Out) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return Div(Mul(t, 0.5), c.Out) }},
	}
	primSquare = smooth("Square", func(dst, x []float64) {
		for i, v := range x {
			dst[i] = v * v
		}
	}, func(c *Call) *Tensor { return Mul(c.Args[0], 2.0) })
	primAbs = smooth("Abs", func(dst, x []float64) {
		for i, v := range x {
			dst[i] = math.Abs(v)
		}
	}, func(c *Call) *Tensor { return Sign(c.Args[0]) })
	primSin = &Primitive{
		Name:      "Sin",
		scalar1:   math.Sin,
		scalarVJP: func(i int, g, x, _, y float64) float64 { return g * math.Cos(x) },
		Forward: unaryKernel("Sin", func(dst, x []float64) {
			for i, v := range x {
				dst[i] = math.Sin(v)
			}
		}),
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return sinGrad(g, c.Args[0]) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return sinGrad(t, c.Args[0]) }},
	}
	primCos = &Primitive{
		Name:      "Cos",
		scalar1:   math.Cos,
		scalarVJP: func(i int, g, x, _, y float64) float64 { return -g * math.Sin(x) },
		Forward: unaryKernel("Cos", func(dst, x []float64) {
			for i, v := range x {
				dst[i] = math.Cos(v)
			}
		}),
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return cosGrad(g, c.Args[0]) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return cosGrad(t, c.Args[0]) }},
	}
	// SinGrad(g, x) = g·cos x and CosGrad(g, x) = −g·sin x are the
	// first-order rules of Sin and Cos fused into one pass each. Each is
	// linear in g, and the derivative of one in x is the other:
	// ∂/∂x SinGrad(g, x) = CosGrad(g, x), ∂/∂x CosGrad(g, x) = −SinGrad(g, x).
	primSinGrad = &Primitive{
		Name:    "SinGrad",
		Forward: binaryKernel("SinGrad", funcLoop(func(g, x float64) float64 { return g * math.Cos(x) })),
		scalar2: func(g, x float64) float64 { return g * math.Cos(x) },
		scalarVJP: func(i int, h, g, x, y float64) float64 {
			if i == 0 {
				return h * math.Cos(x) // sinGrad(h, x)
			}
			return -(h * g) * math.Sin(x) // cosGrad(h·g, x)
		},
		VJP: []VJPRule{
			func(h *Tensor, c *Call) *Tensor { return sinGrad(h, c.Args[1]) },
			func(h *Tensor, c *Call) *Tensor { return cosGrad(Mul(h, c.Args[0]), c.Args[1]) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return sinGrad(t, c.Args[1]) },
			func(t *Tensor, c *Call) *Tensor { return cosGrad(Mul(t, c.Args[0]), c.Args[1]) },
		},
	}
	primCosGrad = &Primitive{
		Name:    "CosGrad",
		Forward: binaryKernel("CosGrad", funcLoop(func(g, x float64) float64 { return -g * math.Sin(x) })),
		scalar2: func(g, x float64) float64 { return -g * math.Sin(x) },
		scalarVJP: func(i int, h, g, x, y float64) float64 {
			if i == 0 {
				return -h * math.Sin(x) // cosGrad(h, x)
			}
			return -(h * g) * math.Cos(x) // sinGrad(−h·g, x)
		},
		VJP: []VJPRule{
			func(h *Tensor, c *Call) *Tensor { return cosGrad(h, c.Args[1]) },
			func(h *Tensor, c *Call) *Tensor { return sinGrad(Neg(Mul(h, c.Args[0])), c.Args[1]) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return cosGrad(t, c.Args[1]) },
			func(t *Tensor, c *Call) *Tensor { return sinGrad(Neg(Mul(t, c.Args[0])), c.Args[1]) },
		},
	}
	primTan = smooth("Tan", func(dst, x []float64) {
		for i, v := range x {
			dst[i] = math.Tan(v)
		}
	}, func(c *Call) *Tensor { return Add(Square(c.Out), 1.0) })
	primAsin = smooth("Asin", func(dst, x []float64) {
		for i, v := range x {
			dst[i] = math.Asin(v)
		}
	}, func(c *Call) *Tensor { return Div(1.0, Sqrt(oneMinusSquare(c.Args[0]))) })
	primAcos = smooth("Acos", func(dst, x []float64) {
		for i, v := range x {
			dst[i] = math.Acos(v)
		}
	}, func(c *Call) *Tensor { return Div(-1.0, Sqrt(oneMinusSquare(c.Args[0]))) })
	primAtan = smooth("Atan", func(dst, x []float64) {
		for i, v := range x {
			dst[i] = math.Atan(v)
		}
	}, func(c *Call) *Tensor { return Div(1.0, Add(Square(c.Args[0]), 1.0)) })
	primSinh = smooth("Sinh", func(dst, x []float64) {
		for i, v := range x {
			dst[i] = math.Sinh(v)
		}
	}, func(c *Call) *Tensor { return Cosh(c.Args[0]) })
	primCosh = smooth("Cosh", func(dst, x []float64) {
		for i, v := range x {
			dst[i] = math.Cosh(v)
		}
	}, func(c *Call) *Tensor { return Sinh(c.Args[0]) })
	primTanh = &Primitive{
		Name:      "Tanh",
		scalar1:   math.Tanh,
		scalarVJP: func(i int, g, x, _, y float64) float64 { return g * (1 - y*y) },
		Forward:   unaryKernel("Tanh", vmath.Tanh),
		VJP:       []VJPRule{func(g *Tensor, c *Call) *Tensor { return tanhGrad(g, c.Out) }},
		JVP:       []JVPRule{func(t *Tensor, c *Call) *Tensor { return tanhGrad(t, c.Out) }},
	}
	primSigmoid = &Primitive{
		Name:    "Sigmoid",
		Forward: unaryKernel("Sigmoid", vmath.Sigmoid),
		VJP:     []VJPRule{func(g *Tensor, c *Call) *Tensor { return sigmoidGrad(g, c.Out) }},
		JVP:     []JVPRule{func(t *Tensor, c *Call) *Tensor { return sigmoidGrad(t, c.Out) }},
	}
	// Fused derivative kernels: the first-order rules of Tanh and Sigmoid in
	// one pass over the data instead of three. Their own rules (for higher
	// orders) are ordinary compositions.
	primTanhGrad = &Primitive{
		Name:    "TanhGrad",
		Forward: binaryKernel("TanhGrad", tanhGradLoop),
		scalar2: func(g, y float64) float64 { return g * (1 - y*y) },
		scalarVJP: func(i int, h, g, y, _ float64) float64 {
			if i == 0 {
				return h * (1 - y*y) // tanhGrad(h, y)
			}
			return h * (g * y * -2) // h·((g·y)·−2)
		},
		VJP: []VJPRule{
			func(h *Tensor, c *Call) *Tensor { return tanhGrad(h, c.Args[1]) },
			func(h *Tensor, c *Call) *Tensor { return Mul(h, Mul(Mul(c.Args[0], c.Args[1]), -2.0)) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return tanhGrad(t, c.Args[1]) },
			func(t *Tensor, c *Call) *Tensor { return Mul(t, Mul(Mul(c.Args[0], c.Args[1]), -2.0)) },
		},
	}
	primSigmoidGrad = &Primitive{
		Name:    "SigmoidGrad",
		Forward: binaryKernel("SigmoidGrad", sigmoidGradLoop),
		VJP: []VJPRule{
			func(h *Tensor, c *Call) *Tensor { return sigmoidGrad(h, c.Args[1]) },
			func(h *Tensor, c *Call) *Tensor { return Mul(h, Mul(c.Args[0], Sub(1.0, Mul(c.Args[1], 2.0)))) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return sigmoidGrad(t, c.Args[1]) },
			func(t *Tensor, c *Call) *Tensor { return Mul(t, Mul(c.Args[0], Sub(1.0, Mul(c.Args[1], 2.0)))) },
		},
	}
	primSoftplus = smooth("Softplus", vmath.Softplus, func(c *Call) *Tensor { return Sigmoid(c.Args[0]) })
	primRelu = smooth("Relu", func(dst, x []float64) {
		for i, v := range x {
			if v > 0 {
				dst[i] = v
			} else if v != v {
				dst[i] = v
			} else {
				dst[i] = 0
			}
		}
	}, func(c *Call) *Tensor { return Greater(c.Args[0], 0.0) })
}
