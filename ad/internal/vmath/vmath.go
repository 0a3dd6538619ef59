package vmath

import "math"

// useAVX2 selects the assembly kernels; it is set at init from the CPU's
// features (amd64 only) and cleared by tests to exercise the fallback.
var useAVX2 bool

// useAVX512 selects the AVX-512 forms of the kernels that have one (it
// implies useAVX2); set at init and cleared by tests like useAVX2.
var useAVX512 bool

// Accelerated reports whether the AVX2+FMA kernels are in use.
func Accelerated() bool { return useAVX2 }

func check(op string, dst, x []float64) {
	if len(dst) != len(x) {
		panic("vmath." + op + ": dst and x differ in length")
	}
}

// Exp sets dst[i] = eˣ for x = x[i].
func Exp(dst, x []float64) {
	check("Exp", dst, x)
	if useAVX2 {
		expAsm(dst, x)
		return
	}
	for i, v := range x {
		dst[i] = math.Exp(v)
	}
}

// Log sets dst[i] = log(x[i]), the natural logarithm.
func Log(dst, x []float64) {
	check("Log", dst, x)
	if useAVX2 {
		logAsm(dst, x)
		return
	}
	for i, v := range x {
		dst[i] = math.Log(v)
	}
}

// Log1p sets dst[i] = log(1 + x[i]), accurate for small x[i].
func Log1p(dst, x []float64) {
	check("Log1p", dst, x)
	if useAVX2 {
		log1pAsm(dst, x)
		return
	}
	for i, v := range x {
		dst[i] = math.Log1p(v)
	}
}

// Tanh sets dst[i] = tanh(x[i]).
func Tanh(dst, x []float64) {
	check("Tanh", dst, x)
	if useAVX2 {
		tanhAsm(dst, x)
		return
	}
	for i, v := range x {
		dst[i] = math.Tanh(v)
	}
}

// Sigmoid sets dst[i] = 1/(1 + e⁻ˣ) for x = x[i].
func Sigmoid(dst, x []float64) {
	check("Sigmoid", dst, x)
	if useAVX2 {
		sigmoidAsm(dst, x)
		return
	}
	for i, v := range x {
		dst[i] = SigmoidScalar(v)
	}
}

// Softplus sets dst[i] = log(1 + eˣ) for x = x[i], without overflow.
func Softplus(dst, x []float64) {
	check("Softplus", dst, x)
	if useAVX2 {
		softplusAsm(dst, x)
		return
	}
	for i, v := range x {
		dst[i] = SoftplusScalar(v)
	}
}

// LogAddExp sets dst[i] = log(e^a[i] + e^b[i]) without overflow.
func LogAddExp(dst, a, b []float64) {
	check("LogAddExp", dst, a)
	check("LogAddExp", dst, b)
	if useAVX2 {
		logAddExpAsm(dst, a, b)
		return
	}
	for i := range dst {
		dst[i] = LogAddExpScalar(a[i], b[i])
	}
}

// LogAddExp1 sets dst[i] = log(eᵃ + e^b[i]) for a scalar a, without
// overflow.
func LogAddExp1(dst []float64, a float64, b []float64) {
	check("LogAddExp1", dst, b)
	if useAVX2 {
		logAddExpScalarAsm(dst, a, b)
		return
	}
	for i, v := range b {
		dst[i] = LogAddExpScalar(a, v)
	}
}

// Add sets dst[i] = a[i·sa] + b[i·sb], where a stride is 1 for an operand
// as long as dst and 0 for a one-element operand; bit for bit Go's +.
func Add(dst, a, b []float64, sa, sb int) { arith(opAdd, "Add", dst, a, b, sa, sb) }

// Sub is Add for a − b (Go's -).
func Sub(dst, a, b []float64, sa, sb int) { arith(opSub, "Sub", dst, a, b, sa, sb) }

// Mul is Add for a · b (Go's *).
func Mul(dst, a, b []float64, sa, sb int) { arith(opMul, "Mul", dst, a, b, sa, sb) }

const (
	opAdd = iota
	opSub
	opMul
)

func arith(op int, name string, dst, a, b []float64, sa, sb int) {
	checkStride(name, dst, a, sa)
	checkStride(name, dst, b, sb)
	if useAVX2 {
		arithAsm(op, dst, a, b, sa, sb)
		return
	}
	for i := range dst {
		x, y := a[i*sa], b[i*sb]
		switch op {
		case opAdd:
			dst[i] = x + y
		case opSub:
			dst[i] = x - y
		default:
			dst[i] = x * y
		}
	}
}

// checkStride checks an operand of stride s: as long as dst (s = 1) or of
// one element (s = 0).
func checkStride(op string, dst, x []float64, s int) {
	switch {
	case s == 1 && len(x) == len(dst):
	case s == 0 && len(x) >= 1:
	default:
		panic("vmath." + op + ": an operand's length does not match its stride")
	}
}

// Div sets dst[i] = a[i] / b[i]. The quotients are IEEE divisions, bit
// for bit those of Go's / operator.
func Div(dst, a, b []float64) {
	check("Div", dst, a)
	check("Div", dst, b)
	if useAVX2 {
		divAsm(dst, a, b)
		return
	}
	for i := range dst {
		dst[i] = a[i] / b[i]
	}
}

// DivScalarA sets dst[i] = a / b[i] for a scalar a, bit for bit as Go's /.
func DivScalarA(dst []float64, a float64, b []float64) {
	check("DivScalarA", dst, b)
	if useAVX2 {
		divScalarAAsm(dst, a, b)
		return
	}
	for i, v := range b {
		dst[i] = a / v
	}
}

// DivScalarB sets dst[i] = a[i] / b for a scalar b, bit for bit as Go's /
// (a true division, not a multiplication by 1/b).
func DivScalarB(dst, a []float64, b float64) {
	check("DivScalarB", dst, a)
	if useAVX2 {
		divScalarBAsm(dst, a, b)
		return
	}
	for i, v := range a {
		dst[i] = v / b
	}
}

// Neg sets dst[i] = −x[i], the sign bit flipped as Go's unary minus
// flips it (also for zeros and NaNs), four elements to a step.
func Neg(dst, x []float64) {
	check("Neg", dst, x)
	if useAVX2 {
		negAsm(dst, x)
		return
	}
	for i, v := range x {
		dst[i] = -v
	}
}

// NegMulDiv sets dst[i] = −g[i]·q[i]/b[i], evaluated as Go evaluates
// -g[i] * q[i] / b[i] (a rounded product, then a rounded quotient), so bit
// for bit equal to it. It is the kernel of ad's DivGradB.
func NegMulDiv(dst, g, q, b []float64) {
	check("NegMulDiv", dst, g)
	check("NegMulDiv", dst, q)
	check("NegMulDiv", dst, b)
	if useAVX2 {
		negMulDivAsm(dst, g, q, b)
		return
	}
	for i := range dst {
		dst[i] = -g[i] * q[i] / b[i]
	}
}

// AddNegMulDiv sets dst[i] = x[i] + −g[i]·q[i]/b[i], evaluated as Go
// evaluates x[i] + -g[i]*q[i]/b[i], so bit for bit NegMulDiv followed by
// Add (x first) through a buffer, in one pass: the sum of a cotangent
// and DivGradB's (ad's Jit fuses the two).
func AddNegMulDiv(dst, x, g, q, b []float64) {
	check("AddNegMulDiv", dst, x)
	check("AddNegMulDiv", dst, g)
	check("AddNegMulDiv", dst, q)
	check("AddNegMulDiv", dst, b)
	if useAVX2 {
		addNegMulDivAsm(dst, x, g, q, b)
		return
	}
	for i := range dst {
		dst[i] = x[i] + -g[i]*q[i]/b[i]
	}
}

// SigmoidScalar returns 1/(1 + e⁻ˣ), the reference of Sigmoid.
func SigmoidScalar(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// SoftplusScalar returns log(1 + eˣ), the reference of Softplus.
func SoftplusScalar(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// LogAddExpScalar returns log(eᵃ + eᵇ), the reference of LogAddExp.
func LogAddExpScalar(a, b float64) float64 {
	switch {
	case a == b: // also equal infinities
		return a + math.Ln2
	case a != a || b != b:
		return a + b
	}
	m := math.Max(a, b)
	if math.IsInf(m, 0) {
		return m
	}
	return m + math.Log1p(math.Exp(-math.Abs(a-b)))
}
