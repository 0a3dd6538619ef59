package vmath

import "math"

// Division by a reciprocal computed once, with the bits of IEEE division.
//
// Where many quotients share one divisor b (ad's Jit: the derivatives of
// a quotient divide again and again by the same denominator), RecipHi and
// RecipLo compute, once per element of b,
//
//	hi = RN(1/b)                 (an IEEE division)
//	e  = 1 − b·hi                (one FMA; exact)
//	lo = RN(e·hi)
//
// and DivRecip, NegMulDivRecip and AddNegMulDivRecip then compute each
// quotient x = a/b without a division (Markstein's correction):
//
//	t  = RN(a·lo)
//	q0 = RN(a·hi + t)            (one FMA)
//	r  = a − q0·b                (one FMA; exact)
//	q  = RN(q0 + r·hi)           (one FMA)
//
// q is RN(a/b), the bits of the division, when b and q0 are in the safe
// range below; a block of lanes (8, or 4 without AVX-512) with any lane
// outside it is divided by VDIVPD instead, so every result is bit for bit
// that of Div, NegMulDiv and AddNegMulDiv (NaN payloads included, which
// only the division path sees; the pure-Go forms divide with the same
// expressions as theirs, but Go's compiler may commute an operation's
// operands differently in two loops, so there only "a NaN" is promised).
//
// The safe range: b finite and normal with |b| in [2⁻²⁵⁰, 2²⁵¹) (an
// exponent field in [773, 1273]) and a significand below 2 − 2⁻⁴⁰ (its 52
// fraction bits below 0xFFFFFFFFFF000: the top 2¹² of each binade are
// excluded, a generous margin over the 4 the proof needs); RecipHi marks a
// divisor outside it by a NaN hi, which makes q0 NaN. And q0 with |q0| in
// [2⁻²⁵⁰, 2²⁵¹): the kernels check q0 (one range test on its bits, which
// also catches that NaN), since with b in range it bounds a: |a| in
// [2⁻⁵⁰¹, 2⁵⁰²], so a is finite, normal and nonzero. Zeros must be excluded
// (the sign of a zero quotient could come out wrong), and so are
// infinities, NaNs and subnormals, which all give a q0 outside the range.
//
// Why q = RN(x), x = a/b. Let b = β·2^eb, β in [1, 2), u = ulp(x), and
// write η = b·hi − 1 = −e.
//
//  1. e is exact and small: hi = RN(1/b) is within ½ulp(1/b) = 2^(−eb−54)
//     of 1/b (for β > 1; β = 1 makes everything exact), so
//     |η| = b·|hi − 1/b| ≤ β·2⁻⁵⁴, and 1 − b·hi is a multiple of
//     ulp(b)·ulp(hi) below 2⁻⁵³ in magnitude, hence representable.
//  2. hi + lo = (1/b)(1 + δ) with |δ| ≤ 2⁻¹⁰⁵ (1/b = hi/(1−e) =
//     hi(1 + e + e²/(1−e)), and lo's rounding error is below |e·hi|·2⁻⁵³),
//     and t's rounding adds at most |x|·2⁻¹⁰⁶, so q0 is RN of a value within
//     |x|·2⁻¹⁰⁴ ≤ u·2⁻⁵¹ of x: |x − q0| ≤ u(½ + 2⁻⁵¹) (also where q0 rounds
//     to the next binade).
//  3. r = a − q0·b is exact: q0 is within one ulp of a/b, so r is a
//     multiple of ulp(q0)·ulp(b) smaller than 2⁵³ of them (the classic
//     remainder property; the exponent ranges keep it far above the
//     subnormals).
//  4. q0 + r·hi = q0 + (x − q0)·b·hi = x + (x − q0)·η, so before its one
//     rounding the last FMA is within u(½ + 2⁻⁵¹)·β·2⁻⁵⁴ of x.
//  5. x is never a rounding boundary, and is at least u·2⁻⁵³/β from each:
//     a boundary m near x is an odd multiple of u/2 with 54 significant
//     bits, so b·m ≠ a (the product of b's odd significand with m's needs
//     more than 53 bits), and a − b·m is a multiple of ulp(b)·u/2 =
//     2^(eb−53)·u (a's own ulp is a multiple of it, as a ≥ b·2^ex), so
//     |x − m| = |a − b·m|/b ≥ 2^(eb−53)·u/(β·2^eb) = u·2⁻⁵³/β.
//  6. So RN(q0 + r·hi) = RN(x) when (½ + 2⁻⁵¹)·β·2⁻⁵⁴ < 2⁻⁵³/β, that is
//     β²(1 + 2⁻⁵⁰) < 4: every β except the last ~2⁻⁵⁰ below 2, which the
//     excluded sliver covers.
//
// The ranges keep every intermediate normal and finite: |x| in
// [2⁻⁵⁰², 2⁵⁰²], lo either 0 or at least 2⁻³⁵⁶ in magnitude, t at least
// 2⁻⁸⁵⁸, r's granularity at least 2⁻⁶⁰⁴. The tests check the kernels bit for
// bit against the division over millions of random pairs and constructed
// pairs next to rounding boundaries, and fail when the correction or a
// range test is dropped. (Dropping the sliver does not make them fail: no
// pair found rounds wrongly there, even at the closest distance to a
// boundary; the exclusion is what the proof needs, and costs nothing.)

// The safe range of recipOK, on the bits of |x|: the exponent field in
// [recipExpLo, recipExpHi].
const (
	recipExpLo   = 1023 - 250
	recipExpHi   = 1023 + 250
	recipLoBits  = uint64(recipExpLo) << 52
	recipWidth   = uint64(recipExpHi-recipExpLo+1) << 52
	recipSliver  = 1<<52 - 1<<12 // fraction bits from which a divisor is refused
	recipAbsMask = 1<<63 - 1
)

// recipOK tells whether x is in the safe range of q0 or of a divisor.
func recipOK(x float64) bool {
	return math.Float64bits(x)&recipAbsMask-recipLoBits < recipWidth
}

// recipDivisorOK tells whether b is a divisor the kernels may use hi and
// lo of: in the safe range and below the sliver of its binade.
func recipDivisorOK(b float64) bool {
	return recipOK(b) && math.Float64bits(b)&(1<<52-1) < recipSliver
}

// RecipPays reports whether DivRecip and its kin are faster than the
// division kernels here: with AVX-512, whose kernels divide half of the
// blocks by VDIVPD and correct the other half, both at once (see
// recip_amd64.s). The AVX2 forms, correction only, were slower than
// division on Zen 4 (155 against 126 ns for 400 values): loads bound them.
func RecipPays() bool { return useAVX512 }

// RecipHi sets hi[i] = 1/b[i], an IEEE division, or NaN where b[i] is
// outside the safe range of the division kernels (see above).
func RecipHi(hi, b []float64) {
	check("RecipHi", hi, b)
	if useAVX512 {
		recipHiAsm(hi, b)
		return
	}
	DivScalarA(hi, 1, b)
	for i, v := range b {
		if !recipDivisorOK(v) {
			hi[i] = math.NaN()
		}
	}
}

// RecipLo sets lo[i] = (1 − b[i]·hi[i])·hi[i], the FMA exact, the product
// rounded, for hi = RecipHi(b): hi + lo is 1/b to about 2⁻¹⁰⁵ (NaN where
// hi is).
func RecipLo(lo, b, hi []float64) {
	check("RecipLo", lo, b)
	check("RecipLo", lo, hi)
	if useAVX512 {
		recipLoAsm(lo, b, hi)
		return
	}
	for i, v := range b {
		lo[i] = float64(math.FMA(-v, hi[i], 1) * hi[i])
	}
}

// divRecip returns a/b from hi = RecipHi(b) and lo = RecipLo(b, hi) by
// the reciprocal, and true, where b and q0 are in the safe range; else
// false (the caller divides, with the expression of the division kernel it
// stands for, so that even NaN signs match in every build).
func divRecip(a, b, hi, lo float64) (float64, bool) {
	t := float64(a * lo)
	q0 := math.FMA(a, hi, t)
	if !recipOK(q0) {
		return 0, false
	}
	r := math.FMA(-q0, b, a)
	return math.FMA(r, hi, q0), true
}

// DivRecip sets dst[i] = a[i]/b[i], bit for bit as Div, from hi =
// RecipHi(b) and lo = RecipLo(b, hi) (with other hi and lo the results are
// undefined).
func DivRecip(dst, a, b, hi, lo []float64) {
	checkRecip("DivRecip", dst, a, b, hi, lo)
	if useAVX2 {
		divRecipAsm(dst, a, b, hi, lo)
		return
	}
	for i := range dst {
		if v, ok := divRecip(a[i], b[i], hi[i], lo[i]); ok {
			dst[i] = v
		} else {
			dst[i] = a[i] / b[i]
		}
	}
}

// NegMulDivRecip sets dst[i] = −g[i]·q[i]/b[i], bit for bit as NegMulDiv,
// from hi = RecipHi(b) and lo = RecipLo(b, hi).
func NegMulDivRecip(dst, g, q, b, hi, lo []float64) {
	checkRecip("NegMulDivRecip", dst, g, b, hi, lo)
	check("NegMulDivRecip", dst, q)
	if useAVX2 {
		negMulDivRecipAsm(dst, g, q, b, hi, lo)
		return
	}
	for i := range dst {
		if v, ok := divRecip(float64(-g[i]*q[i]), b[i], hi[i], lo[i]); ok {
			dst[i] = v
		} else {
			dst[i] = -g[i] * q[i] / b[i]
		}
	}
}

// AddNegMulDivRecip sets dst[i] = x[i] + −g[i]·q[i]/b[i], bit for bit as
// AddNegMulDiv, from hi = RecipHi(b) and lo = RecipLo(b, hi).
func AddNegMulDivRecip(dst, x, g, q, b, hi, lo []float64) {
	checkRecip("AddNegMulDivRecip", dst, g, b, hi, lo)
	check("AddNegMulDivRecip", dst, q)
	check("AddNegMulDivRecip", dst, x)
	if useAVX2 {
		addNegMulDivRecipAsm(dst, x, g, q, b, hi, lo)
		return
	}
	for i := range dst {
		if v, ok := divRecip(float64(-g[i]*q[i]), b[i], hi[i], lo[i]); ok {
			dst[i] = x[i] + v
		} else {
			dst[i] = x[i] + -g[i]*q[i]/b[i]
		}
	}
}

func checkRecip(op string, dst, a, b, hi, lo []float64) {
	check(op, dst, a)
	check(op, dst, b)
	check(op, dst, hi)
	check(op, dst, lo)
}
