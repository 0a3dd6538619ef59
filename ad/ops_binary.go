package ad

import (
	"math"
	"sync/atomic"

	"github.com/gograd/gograd/ad/internal/vmath"
)

// Binary elementwise primitives with numpy broadcasting. Operands are given
// as any: a *Tensor, a Go number (float64, float32, int, int64, int32,
// uint8), which becomes a constant scalar, or a []float64, which becomes a
// constant 1-d tensor.

// toTensor converts a binary op's operand, panicking with ErrArgument for an
// unsupported type and ErrNil for a nil tensor.
func toTensor(op string, v any) *Tensor {
	switch x := v.(type) {
	case *Tensor:
		return mustTensor(op, x)
	case float64:
		return constScalar(x)
	case int:
		return constScalar(float64(x))
	case float32:
		return Scalar(float64(x))
	case int64:
		return Scalar(float64(x))
	case int32:
		return Scalar(float64(x))
	case uint8:
		return Scalar(float64(x))
	case []float64:
		return New(x)
	case nil:
		panic(errorf(ErrNil, op, "nil operand"))
	}
	panic(errorf(ErrArgument, op, "operand of type %T: want *ad.Tensor, a number or []float64", v))
}

// constCache holds recently used number operands as shared scalar tensors
// (tensors are immutable, so sharing is safe): loops such as
// Mul(x, 0.9) then allocate nothing for the constant. It is a direct-mapped
// table of atomic pointers, safe for concurrent use.
var constCache [256]atomic.Pointer[Tensor]

// constScalar returns a scalar tensor holding v, shared with other callers.
// Callers must not modify it.
func constScalar(v float64) *Tensor {
	bits := math.Float64bits(v)
	slot := &constCache[(bits^bits>>31)*0x9e3779b97f4a7c15>>56]
	if t := slot.Load(); t != nil && math.Float64bits(t.data[0]) == bits {
		return t
	}
	t := Scalar(v)
	slot.Store(t)
	return t
}

func apply2(p *Primitive, a, b any) *Tensor {
	return p.Apply(nil, toTensor(p.Name, a), toTensor(p.Name, b))
}

// Add returns a + b elementwise, broadcasting. It panics with ErrShape when
// the shapes do not broadcast.
func Add(a, b any) *Tensor { return apply2(primAdd, a, b) }

// Sub returns a − b elementwise, broadcasting.
func Sub(a, b any) *Tensor { return apply2(primSub, a, b) }

// Mul returns a · b elementwise, broadcasting.
func Mul(a, b any) *Tensor { return apply2(primMul, a, b) }

// Div returns a / b elementwise, broadcasting.
func Div(a, b any) *Tensor { return apply2(primDiv, a, b) }

// Pow returns a raised to b elementwise, broadcasting, like math.Pow. The
// derivative with respect to a is b·a^(b−1), taken as 0 where b = 0 (so
// Pow(x, 0) has derivative 0 at x = 0 and Pow(x, 2) has third derivative 0
// there); the derivative with respect to b uses log(a) and is NaN where
// a < 0 (and taken as 0 where a = 0).
func Pow(a, b any) *Tensor { return apply2(primPow, a, b) }

// Maximum returns the elementwise larger of a and b, broadcasting. Where they
// are equal the gradient is shared equally.
func Maximum(a, b any) *Tensor { return apply2(primMaximum, a, b) }

// Minimum returns the elementwise smaller of a and b, broadcasting. Where
// they are equal the gradient is shared equally.
func Minimum(a, b any) *Tensor { return apply2(primMinimum, a, b) }

// Atan2 returns the elementwise angle atan(y/x) in the quadrant of (x, y),
// like math.Atan2, broadcasting.
func Atan2(y, x any) *Tensor { return apply2(primAtan2, y, x) }

// Hypot returns sqrt(a² + b²) elementwise without undue overflow,
// broadcasting.
func Hypot(a, b any) *Tensor { return apply2(primHypot, a, b) }

// LogAddExp returns log(exp(a) + exp(b)) elementwise, computed stably,
// broadcasting.
func LogAddExp(a, b any) *Tensor { return apply2(primLogAddExp, a, b) }

// Greater returns 1 where a > b and 0 elsewhere, broadcasting. Comparisons
// have no gradient.
func Greater(a, b any) *Tensor { return apply2(primGreater, a, b) }

// GreaterEqual returns 1 where a ≥ b and 0 elsewhere, broadcasting.
func GreaterEqual(a, b any) *Tensor { return apply2(primGreaterEqual, a, b) }

// Less returns 1 where a < b and 0 elsewhere, broadcasting.
func Less(a, b any) *Tensor { return apply2(primLess, a, b) }

// LessEqual returns 1 where a ≤ b and 0 elsewhere, broadcasting.
func LessEqual(a, b any) *Tensor { return apply2(primLessEqual, a, b) }

// Equal returns 1 where a = b and 0 elsewhere, broadcasting.
func Equal(a, b any) *Tensor { return apply2(primEqual, a, b) }

// NotEqual returns 1 where a ≠ b and 0 elsewhere, broadcasting.
func NotEqual(a, b any) *Tensor { return apply2(primNotEqual, a, b) }

// Where returns a where cond is non-zero and b elsewhere, broadcasting all
// three. cond gets no gradient.
func Where(cond, a, b any) *Tensor {
	return primWhere.Apply(nil, toTensor("Where", cond), toTensor("Where", a), toTensor("Where", b))
}

// Clip returns x limited to [lo, hi] elementwise. The gradient is passed
// where the result differs from both limits, like autograd. It panics with
// ErrArgument when lo > hi.
func Clip(x *Tensor, lo, hi float64) *Tensor {
	mustTensor("Clip", x)
	if lo > hi {
		panic(errorf(ErrArgument, "Clip", "lower limit %g above upper limit %g", lo, hi))
	}
	return primClip.Apply([2]float64{lo, hi}, x)
}

// vecArith tells whether addLoop, subLoop and mulLoop take vmath's AVX2
// kernels (one IEEE operation per lane, bit for bit Go's operators): for
// operands of strides 1 and 1, 0 and 1, or 1 and 0, and at least vecMin
// values. Beside doing four values per instruction, they make the speed
// independent of where the linker puts these functions: the Go loops
// ran 30–40% slower when placed at an address ≡ 32 (mod 64) (ad's
// BENCHMARKS.md, Jit first call and scalar replay).
func vecArith(dst []float64, sa, sb int) bool {
	return len(dst) >= vecMin && sa|sb == 1 && vmath.Accelerated()
}

// vecMin is the shortest result vecArith sends to vmath.
const vecMin = 8

// vecOperand returns the part of an operand of stride s that a kernel of n
// results reads.
func vecOperand(x []float64, s, n int) []float64 {
	if s == 0 {
		return x[:1]
	}
	return x[:n]
}

func addLoop(dst, a, b []float64, sa, sb int) {
	if vecArith(dst, sa, sb) {
		vmath.Add(dst, vecOperand(a, sa, len(dst)), vecOperand(b, sb, len(dst)), sa, sb)
		return
	}
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:len(dst)], b[:len(dst)]
		for i := range dst {
			dst[i] = a[i] + b[i]
		}
	case sa == 0 && sb == 1:
		x, b := a[0], b[:len(dst)]
		for i := range dst {
			dst[i] = x + b[i]
		}
	case sa == 1 && sb == 0:
		y, a := b[0], a[:len(dst)]
		for i := range dst {
			dst[i] = a[i] + y
		}
	default:
		funcLoop(func(x, y float64) float64 { return x + y })(dst, a, b, sa, sb)
	}
}

func subLoop(dst, a, b []float64, sa, sb int) {
	if vecArith(dst, sa, sb) {
		vmath.Sub(dst, vecOperand(a, sa, len(dst)), vecOperand(b, sb, len(dst)), sa, sb)
		return
	}
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:len(dst)], b[:len(dst)]
		for i := range dst {
			dst[i] = a[i] - b[i]
		}
	case sa == 0 && sb == 1:
		x, b := a[0], b[:len(dst)]
		for i := range dst {
			dst[i] = x - b[i]
		}
	case sa == 1 && sb == 0:
		y, a := b[0], a[:len(dst)]
		for i := range dst {
			dst[i] = a[i] - y
		}
	default:
		funcLoop(func(x, y float64) float64 { return x - y })(dst, a, b, sa, sb)
	}
}

func mulLoop(dst, a, b []float64, sa, sb int) {
	if vecArith(dst, sa, sb) {
		vmath.Mul(dst, vecOperand(a, sa, len(dst)), vecOperand(b, sb, len(dst)), sa, sb)
		return
	}
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:len(dst)], b[:len(dst)]
		for i := range dst {
			dst[i] = a[i] * b[i]
		}
	case sa == 0 && sb == 1:
		x, b := a[0], b[:len(dst)]
		for i := range dst {
			dst[i] = x * b[i]
		}
	case sa == 1 && sb == 0:
		y, a := b[0], a[:len(dst)]
		for i := range dst {
			dst[i] = a[i] * y
		}
	default:
		funcLoop(func(x, y float64) float64 { return x * y })(dst, a, b, sa, sb)
	}
}

// divLoop divides by vmath (VDIVPD, bit for bit Go's /).
func divLoop(dst, a, b []float64, sa, sb int) {
	switch {
	case sa == 1 && sb == 1:
		vmath.Div(dst, a[:len(dst)], b[:len(dst)])
	case sa == 0 && sb == 1:
		vmath.DivScalarA(dst, a[0], b[:len(dst)])
	case sa == 1 && sb == 0:
		vmath.DivScalarB(dst, a[:len(dst)], b[0])
	default:
		funcLoop(func(x, y float64) float64 { return x / y })(dst, a, b, sa, sb)
	}
}

// logAddExpLoop is LogAddExp's kernel: log(eˣ + eʸ) by vmath, whose
// LogAddExpScalar also serves single elements.
func logAddExpLoop(dst, a, b []float64, sa, sb int) {
	switch {
	case sa == 1 && sb == 1:
		vmath.LogAddExp(dst, a[:len(dst)], b[:len(dst)])
	case sa == 0 && sb == 1:
		vmath.LogAddExp1(dst, a[0], b[:len(dst)])
	case sa == 1 && sb == 0:
		vmath.LogAddExp1(dst, b[0], a[:len(dst)])
	default:
		funcLoop(vmath.LogAddExpScalar)(dst, a, b, sa, sb)
	}
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// shareEq returns the share of the gradient of a Maximum or Minimum that goes
// to argument x: 1 where x alone attains the result, 1/2 at ties, 0 elsewhere
// (autograd's balanced_eq).
func shareEq(x, other, out *Tensor) *Tensor {
	ex := Equal(x, out)
	return Div(ex, Add(ex, Equal(other, out)))
}

// Primitives of this file, assigned in init (their rules call the ops that
// wrap them, which Go would reject as an initialization cycle).
var (
	primAdd       *Primitive
	primSub       *Primitive
	primMul       *Primitive
	primDiv       *Primitive
	primDivGradB  *Primitive
	primPow       *Primitive
	primMaximum   *Primitive
	primMinimum   *Primitive
	primAtan2     *Primitive
	primHypot     *Primitive
	primLogAddExp *Primitive
	primWhere     *Primitive
	primClip      *Primitive
)

func init() {
	primAdd = &Primitive{
		Name:      "Add",
		Forward:   binaryKernel("Add", addLoop),
		scalar2:   func(a, b float64) float64 { return a + b },
		scalarVJP: func(i int, g, a, b, y float64) float64 { return g },
		VJP: []VJPRule{
			func(g *Tensor, c *Call) *Tensor { return g },
			func(g *Tensor, c *Call) *Tensor { return g },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return t },
			func(t *Tensor, c *Call) *Tensor { return t },
		},
	}
	primSub = &Primitive{
		Name:    "Sub",
		Forward: binaryKernel("Sub", subLoop),
		scalar2: func(a, b float64) float64 { return a - b },
		scalarVJP: func(i int, g, a, b, y float64) float64 {
			if i == 0 {
				return g
			}
			return -g
		},
		VJP: []VJPRule{
			func(g *Tensor, c *Call) *Tensor { return g },
			func(g *Tensor, c *Call) *Tensor { return Neg(g) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return t },
			func(t *Tensor, c *Call) *Tensor { return Neg(t) },
		},
	}
	primMul = &Primitive{
		Name:    "Mul",
		Forward: binaryKernel("Mul", mulLoop),
		scalar2: func(a, b float64) float64 { return a * b },
		scalarVJP: func(i int, g, a, b, y float64) float64 {
			if i == 0 {
				return g * b
			}
			return g * a
		},
		VJP: []VJPRule{
			func(g *Tensor, c *Call) *Tensor { return Mul(g, c.Args[1]) },
			func(g *Tensor, c *Call) *Tensor { return Mul(g, c.Args[0]) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return Mul(t, c.Args[1]) },
			func(t *Tensor, c *Call) *Tensor { return Mul(t, c.Args[0]) },
		},
	}
	primDiv = &Primitive{
		Name:    "Div",
		Forward: binaryKernel("Div", divLoop),
		scalar2: func(a, b float64) float64 { return a / b },
		scalarVJP: func(i int, g, a, b, y float64) float64 {
			if i == 0 {
				return g / b
			}
			return -g * y / b // divGradB(g, y, b)
		},
		VJP: []VJPRule{
			func(g *Tensor, c *Call) *Tensor { return Div(g, c.Args[1]) },
			func(g *Tensor, c *Call) *Tensor { return divGradB(g, c.Out, c.Args[1]) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return Div(t, c.Args[1]) },
			func(t *Tensor, c *Call) *Tensor { return divGradB(t, c.Out, c.Args[1]) },
		},
	}
	// DivGradB(g, q, b) = −g·q/b is the rule of Div for its divisor (q the
	// quotient), fused into one pass. It is linear in g and in q, and
	// ∂/∂b = g·q/b² = DivGradB(·, DivGradB(g, q, b), b), so its own rules are
	// single applications of itself.
	primDivGradB = &Primitive{
		Name:    "DivGradB",
		Forward: divGradBForward,
		VJP: []VJPRule{
			func(h *Tensor, c *Call) *Tensor { return divGradB(h, c.Args[1], c.Args[2]) },
			func(h *Tensor, c *Call) *Tensor { return divGradB(h, c.Args[0], c.Args[2]) },
			func(h *Tensor, c *Call) *Tensor { return divGradB(h, c.Out, c.Args[2]) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return divGradB(t, c.Args[1], c.Args[2]) },
			func(t *Tensor, c *Call) *Tensor { return divGradB(t, c.Args[0], c.Args[2]) },
			func(t *Tensor, c *Call) *Tensor { return divGradB(t, c.Out, c.Args[2]) },
		},
	}
	primPow = &Primitive{
		Name:    "Pow",
		Forward: binaryKernel("Pow", funcLoop(math.Pow)),
		VJP: []VJPRule{
			func(g *Tensor, c *Call) *Tensor { return Mul(g, powDA(c)) },
			func(g *Tensor, c *Call) *Tensor { return Mul(g, powDB(c)) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return Mul(t, powDA(c)) },
			func(t *Tensor, c *Call) *Tensor { return Mul(t, powDB(c)) },
		},
	}
	primMaximum = &Primitive{
		Name:    "Maximum",
		Forward: binaryKernel("Maximum", funcLoop(maxNaN)),
		VJP: []VJPRule{
			func(g *Tensor, c *Call) *Tensor { return Mul(g, shareEq(c.Args[0], c.Args[1], c.Out)) },
			func(g *Tensor, c *Call) *Tensor { return Mul(g, shareEq(c.Args[1], c.Args[0], c.Out)) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return Mul(t, shareEq(c.Args[0], c.Args[1], c.Out)) },
			func(t *Tensor, c *Call) *Tensor { return Mul(t, shareEq(c.Args[1], c.Args[0], c.Out)) },
		},
	}
	primMinimum = &Primitive{
		Name:    "Minimum",
		Forward: binaryKernel("Minimum", funcLoop(minNaN)),
		VJP:     primMaximum.VJP,
		JVP:     primMaximum.JVP,
	}
	primAtan2 = &Primitive{
		Name:    "Atan2",
		Forward: binaryKernel("Atan2", funcLoop(math.Atan2)),
		VJP: []VJPRule{
			func(g *Tensor, c *Call) *Tensor { return Div(Mul(g, c.Args[1]), sumSquares(c)) },
			func(g *Tensor, c *Call) *Tensor { return Neg(Div(Mul(g, c.Args[0]), sumSquares(c))) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return Div(Mul(t, c.Args[1]), sumSquares(c)) },
			func(t *Tensor, c *Call) *Tensor { return Neg(Div(Mul(t, c.Args[0]), sumSquares(c))) },
		},
	}
	primHypot = &Primitive{
		Name:    "Hypot",
		Forward: binaryKernel("Hypot", funcLoop(math.Hypot)),
		VJP: []VJPRule{
			func(g *Tensor, c *Call) *Tensor { return Mul(g, Div(c.Args[0], c.Out)) },
			func(g *Tensor, c *Call) *Tensor { return Mul(g, Div(c.Args[1], c.Out)) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return Mul(t, Div(c.Args[0], c.Out)) },
			func(t *Tensor, c *Call) *Tensor { return Mul(t, Div(c.Args[1], c.Out)) },
		},
	}
	primLogAddExp = &Primitive{
		Name:    "LogAddExp",
		Forward: binaryKernel("LogAddExp", logAddExpLoop),
		VJP: []VJPRule{
			func(g *Tensor, c *Call) *Tensor { return logAddExpGrad(g, c.Args[0], c.Out) },
			func(g *Tensor, c *Call) *Tensor { return logAddExpGrad(g, c.Args[1], c.Out) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return logAddExpGrad(t, c.Args[0], c.Out) },
			func(t *Tensor, c *Call) *Tensor { return logAddExpGrad(t, c.Args[1], c.Out) },
		},
	}
	// LogAddExpGrad(g, x, y) = g·e^(x−y) is the rule of LogAddExp (y its
	// output) fused into one pass. It is linear in g, and its derivative in
	// x is itself (in y, minus itself), so its own rules are short.
	primLogAddExpGrad = &Primitive{
		Name:    "LogAddExpGrad",
		Forward: logAddExpGradForward,
		VJP: []VJPRule{
			func(h *Tensor, c *Call) *Tensor { return logAddExpGrad(h, c.Args[1], c.Args[2]) },
			func(h *Tensor, c *Call) *Tensor { return Mul(h, c.Out) },
			func(h *Tensor, c *Call) *Tensor { return Neg(Mul(h, c.Out)) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return logAddExpGrad(t, c.Args[1], c.Args[2]) },
			func(t *Tensor, c *Call) *Tensor { return Mul(t, c.Out) },
			func(t *Tensor, c *Call) *Tensor { return Neg(Mul(t, c.Out)) },
		},
	}
	primWhere = &Primitive{
		Name:    "Where",
		Forward: whereForward,
		VJP: []VJPRule{
			nil,
			func(g *Tensor, c *Call) *Tensor { return Where(c.Args[0], g, 0.0) },
			func(g *Tensor, c *Call) *Tensor { return Where(c.Args[0], 0.0, g) },
		},
		JVP: []JVPRule{
			nil,
			func(t *Tensor, c *Call) *Tensor { return Where(c.Args[0], t, 0.0) },
			func(t *Tensor, c *Call) *Tensor { return Where(c.Args[0], 0.0, t) },
		},
	}
	primClip = &Primitive{
		Name: "Clip",
		Forward: func(c *Call) *Tensor {
			lim := c.Params.([2]float64)
			return unaryKernel("Clip", func(dst, x []float64) {
				for i, v := range x {
					dst[i] = math.Min(math.Max(v, lim[0]), lim[1])
				}
			})(c)
		},
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return Mul(g, clipMask(c)) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return Mul(t, clipMask(c)) }},
	}
}

// logAddExpGrad returns g·e^(x−y) elementwise, broadcasting: the cotangent
// (or tangent) of LogAddExp's argument x for output y and cotangent g.
func logAddExpGrad(g, x, y *Tensor) *Tensor { return primLogAddExpGrad.Apply(nil, g, x, y) }

var primLogAddExpGrad *Primitive // assigned in init with the others

func logAddExpGradForward(c *Call) *Tensor {
	const op = "LogAddExpGrad"
	g, x, y := c.Args[0], c.Args[1], c.Args[2]
	// Same shapes, or a one-element g (the backward pass gives Mean's
	// cotangent unbroadcast): the same arithmetic per element.
	scalarG := len(g.data) == 1 && len(g.shape) <= len(x.shape)
	if (scalarG || sameShape(g.shape, x.shape)) && sameShape(x.shape, y.shape) {
		out := newResult(op, x.shape, len(x.data))
		k := func(lo, hi int) {
			dst := out.data[lo:hi]
			subLoop(dst, x.data[lo:hi], y.data[lo:hi], 1, 1)
			vmath.Exp(dst, dst)
			if scalarG {
				mulLoop(dst, dst, g.data, 1, 0)
			} else {
				mulLoop(dst, dst, g.data[lo:hi], 1, 1)
			}
		}
		if len(out.data) <= interruptStride {
			checkInterrupt(op)
			k(0, len(out.data))
		} else {
			parallelFor(op, len(out.data), k)
		}
		return out
	}
	out := broadcastShapes(op, g.shape, x.shape, y.shape)
	dst := alloc(op, shapeSize(op, out))
	sg, sx, sy := broadcastStrides(g.shape, out), broadcastStrides(x.shape, out), broadcastStrides(y.shape, out)
	lg, lx, ly := lastStride(sg), lastStride(sx), lastStride(sy)
	forEachRow(op, out, [][]int{sg, sx, sy}, func(o int, offs []int, n int) {
		for i := 0; i < n; i++ {
			dst[o+i] = g.data[offs[0]+i*lg] * math.Exp(x.data[offs[1]+i*lx]-y.data[offs[2]+i*ly])
		}
	})
	return newRaw(out, dst)
}

// divGradB returns −g·q/b elementwise, broadcasting.
func divGradB(g, q, b *Tensor) *Tensor { return primDivGradB.Apply(nil, g, q, b) }

func divGradBForward(c *Call) *Tensor {
	g, q, b := c.Args[0], c.Args[1], c.Args[2]
	if sameShape(g.shape, q.shape) && sameShape(q.shape, b.shape) {
		out := newResult("DivGradB", g.shape, len(g.data))
		k := func(lo, hi int) {
			vmath.NegMulDiv(out.data[lo:hi], g.data[lo:hi], q.data[lo:hi], b.data[lo:hi])
		}
		if len(out.data) <= interruptStride {
			checkInterrupt("DivGradB")
			k(0, len(out.data))
		} else {
			parallelFor("DivGradB", len(out.data), k)
		}
		return out
	}
	out := broadcastShapes("DivGradB", g.shape, q.shape, b.shape)
	dst := alloc("DivGradB", shapeSize("DivGradB", out))
	sg, sq, sb := broadcastStrides(g.shape, out), broadcastStrides(q.shape, out), broadcastStrides(b.shape, out)
	lg, lq, lb := lastStride(sg), lastStride(sq), lastStride(sb)
	forEachRow("DivGradB", out, [][]int{sg, sq, sb}, func(o int, offs []int, n int) {
		for i := 0; i < n; i++ {
			dst[o+i] = -g.data[offs[0]+i*lg] * q.data[offs[1]+i*lq] / b.data[offs[2]+i*lb]
		}
	})
	return newRaw(out, dst)
}

// powDA is ∂(a^b)/∂a = b·a^(b−1), with the exponent guarded like
// autograd's a ** where(b, b−1, 1): where b = 0 the derivative is 0·a¹ = 0,
// not 0·a⁻¹ = NaN at a = 0, so x⁰ and every derivative of x² beyond the
// second are 0 at 0.
func powDA(c *Call) *Tensor {
	b := c.Args[1]
	return Mul(b, Pow(c.Args[0], Where(b, Sub(b, 1), 1.0)))
}

// powDB is ∂(a^b)/∂b = log(a)·a^b, with log(0) taken as 0 (autograd's
// replace_zero), so that 0^b has a finite derivative in b.
func powDB(c *Call) *Tensor {
	a := c.Args[0]
	return Mul(Log(Where(Equal(a, 0.0), 1.0, a)), c.Out)
}

func sumSquares(c *Call) *Tensor {
	return Add(Square(c.Args[0]), Square(c.Args[1]))
}

func clipMask(c *Call) *Tensor {
	lim := c.Params.([2]float64)
	return Mul(NotEqual(c.Out, lim[0]), NotEqual(c.Out, lim[1]))
}

// maxNaN and minNaN propagate NaN like numpy.maximum and numpy.minimum.
func maxNaN(x, y float64) float64 {
	if x != x || x >= y {
		return x
	}
	return y
}

func minNaN(x, y float64) float64 {
	if x != x || x <= y {
		return x
	}
	return y
}

func whereForward(c *Call) *Tensor {
	cond, a, b := c.Args[0], c.Args[1], c.Args[2]
	out := broadcastShapes("Where", cond.shape, a.shape, b.shape)
	dst := alloc("Where", shapeSize("Where", out))
	sc, sa, sb := broadcastStrides(cond.shape, out), broadcastStrides(a.shape, out), broadcastStrides(b.shape, out)
	lc, la, lb := lastStride(sc), lastStride(sa), lastStride(sb)
	forEachRow("Where", out, [][]int{sc, sa, sb}, func(o int, offs []int, n int) {
		for i := 0; i < n; i++ {
			if cond.data[offs[0]+i*lc] != 0 {
				dst[o+i] = a.data[offs[1]+i*la]
			} else {
				dst[o+i] = b.data[offs[2]+i*lb]
			}
		}
	})
	return newRaw(out, dst)
}
