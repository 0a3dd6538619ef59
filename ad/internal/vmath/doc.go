// Package vmath computes elementwise transcendental functions over
// []float64: Exp, Log, Log1p, Tanh, Sigmoid, Softplus and LogAddExp, for
// ad's elementwise kernels, elementwise division (Div, DivScalarA,
// DivScalarB, NegMulDiv, and AddNegMulDiv, a sum with NegMulDiv's result
// in one pass), whose results are bit for bit those of Go's /
// (VDIVPD is IEEE division) but four to a step, and likewise Add, Sub and
// Mul (Go's +, −, ·), which take operand strides: 1 for an operand as long
// as dst, 0 for a one-element operand applied to every element, and Neg
// (Go's unary −, a flip of the sign bit). DivRecip, NegMulDivRecip and
// AddNegMulDivRecip give the bits of Div, NegMulDiv and AddNegMulDiv from
// a reciprocal of the divisor computed once (RecipHi, RecipLo) and an
// exact correction (recip.go: the method and its proof), for divisions
// that share a divisor; RecipPays tells whether they are the faster way.
//
// # Contract
//
// Each function fills dst from its operands, element by element. dst and
// the operands must have equal lengths (the function panics otherwise;
// Add, Sub and Mul: as their strides say);
// dst may be the same slice as an operand (exact aliasing), but must not
// partly overlap one. Any length is accepted, including 0. The functions
// allocate nothing and are safe for concurrent use on disjoint dst.
//
// On amd64 CPUs with AVX2 and FMA (detected at init; see Accelerated) the
// functions run assembly kernels that process four elements per step, with
// masked loads and stores for a final partial block. Where the CPU also has
// AVX-512 (F and DQ), the transcendental functions (and NegMulDiv and
// AddNegMulDiv) run AVX-512 forms of the
// same algorithms, eight elements per step (with masked final blocks): their
// dependency chains are long (a division after the exponential, or inside
// the logarithm), and with half the instructions per element twice as many
// elements are in flight. The AVX-512 Tanh computes only the branch a block
// of eight needs when all its lanes need the same one (|x| ≥ 0.625 or not),
// with the same operations per lane. Tanh's exponential (of 2|x|, for
// |x| ≥ 0.625) is its own, shorter than Exp's: 2^(j/16) from a table of
// sixteen entries, each a double and its rounding error, times a
// polynomial of degree 6 on |r| ≤ ln2/32, and the power of two added to
// the exponent; AVX2 gathers the entries, AVX-512 permutes them out of
// registers (testdata/tanhfit.py). Its error does not show in the
// result's: against tanh computed in 40 digits at 200 000 random points of
// [0.62, 1.3], where the exponential's error is least damped, the kernels
// were at most 1.32 ulp off, math.Tanh 1.35, and Exp's algorithm in its
// place 1.35 (TestTanhTrueError checks 1.5 ulp on every path).
// The AVX-512 exponential applies 2^k by VSCALEFPD, which rounds once as
// the two-factor scaling of the AVX2 form does. Elsewhere they call
// the math package element by element (SigmoidScalar, SoftplusScalar and
// LogAddExpScalar for the composite functions), so the fallback has the
// math package's accuracy and special cases.
//
// # Accuracy
//
// Against the references below the kernels are within 2 ulp everywhere
// (measured by the tests over dense sweeps and random inputs, about 3
// million points a function, and by fuzzing). Measured maximum errors:
//
//	Exp       1 ulp   (vs the fdlibm algorithm of math/exp.go)
//	Log       1 ulp   (vs the fdlibm algorithm of math/log.go)
//	Log1p     1 ulp   (vs math.Log1p)
//	Tanh      2 ulp   (vs math.Tanh)
//	Sigmoid   2 ulp   (vs SigmoidScalar)
//	Softplus  2 ulp   (vs SoftplusScalar)
//	LogAddExp 2 ulp   (vs LogAddExpScalar; see below)
//
// Exp and Log are compared with the pure-Go fdlibm algorithms rather than
// math.Exp and math.Log because on amd64 those are assembly versions with
// two defects the kernels do not share: math.Exp returns +Inf for x in
// (709.43, 709.78], whose results are finite, and math.Log is wrong for
// subnormal x (math.Log(5e-324) is −709.09; the kernel gives −744.44).
//
// LogAddExp is computed as max(a, b) + log1p(e^−|a−b|), like its reference;
// where the two terms cancel (a and b both near −0.35…−1) the error bound is
// 2 ulp of the larger term rather than of the result.
//
// # Special values
//
// Special values are exact and as in the math package: NaN gives NaN;
// Exp(+Inf) = +Inf, Exp(−Inf) = 0, and Exp overflows to +Inf above
// 709.782712893384 and underflows gradually through the subnormals to 0
// below −745.1332191019412; Log(0) = −Inf, Log(x < 0) = NaN, Log(+Inf) =
// +Inf, subnormal x handled; Log1p(±0) = ±0, Log1p(−1) = −Inf,
// Log1p(x < −1) = NaN, Log1p(+Inf) = +Inf; Tanh(±0) = ±0, Tanh(±Inf) = ±1
// and Tanh is exactly ±1 for |x| > 19.1; Sigmoid(+Inf) = 1, Sigmoid(−Inf) =
// 0, with subnormal results for x below −708; Softplus(x) = x for large x,
// e^x (down to 0) for very negative x, Softplus(+Inf) = +Inf,
// Softplus(−Inf) = 0; LogAddExp(a, a) = a + ln2 (so equal infinities give
// that infinity), LogAddExp(+Inf, b) = +Inf for b not NaN, LogAddExp(−Inf,
// b) = b, and a NaN operand gives NaN (like numpy.logaddexp).
package vmath
