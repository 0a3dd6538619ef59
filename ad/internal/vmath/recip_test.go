package vmath

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// recipOf returns RecipHi(b) and RecipLo(b, hi).
func recipOf(b []float64) (hi, lo []float64) {
	hi, lo = make([]float64, len(b)), make([]float64, len(b))
	RecipHi(hi, b)
	RecipLo(lo, b, hi)
	return hi, lo
}

// same reports whether got is bit for bit want, NaN payloads included; in
// the pure-Go form any NaN matches any NaN: Go's compiler may commute the
// operands of + and ·, and did so differently in two loops under -race.
func same(got, want float64) bool {
	if !useAVX2 {
		return sameFloat(got, want)
	}
	return math.Float64bits(got) == math.Float64bits(want)
}

// checkRecipKernels runs the three reciprocal kernels on a (the numerator,
// or g), q, b and x, and compares them (same) with Div, NegMulDiv and
// AddNegMulDiv in the same mode, and the first with Go's a/b (any NaN for
// any NaN).
func checkRecipKernels(t *testing.T, what string, x, a, q, b []float64) {
	t.Helper()
	n := len(b)
	hi, lo := recipOf(b)
	got, want := make([]float64, n), make([]float64, n)
	report := func(kernel string, i int) {
		t.Helper()
		t.Fatalf("%s: %s [%d]: a=%x (%v) q=%x b=%x (%v) x=%x: got %x (%v), want %x (%v)", what, kernel, i,
			math.Float64bits(a[i]), a[i], math.Float64bits(q[i]), math.Float64bits(b[i]), b[i],
			math.Float64bits(x[i]), math.Float64bits(got[i]), got[i], math.Float64bits(want[i]), want[i])
	}
	DivRecip(got, a, b, hi, lo)
	Div(want, a, b)
	for i := range got {
		if !same(got[i], want[i]) || !sameFloat(got[i], a[i]/b[i]) {
			report("DivRecip", i)
		}
	}
	NegMulDivRecip(got, a, q, b, hi, lo)
	NegMulDiv(want, a, q, b)
	for i := range got {
		if !same(got[i], want[i]) {
			report("NegMulDivRecip", i)
		}
	}
	AddNegMulDivRecip(got, x, a, q, b, hi, lo)
	AddNegMulDiv(want, x, a, q, b)
	for i := range got {
		if !same(got[i], want[i]) {
			report("AddNegMulDivRecip", i)
		}
	}
}

// wideOperands returns n numbers with random signs, significands and
// exponents over [−lim, lim) (2⁻²⁵⁰…2²⁵¹ is the kernels' fast range), a
// few in eight hundred replaced by special values.
func wideOperands(r *rand.Rand, n, lim int) []float64 {
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
		math.Float64frombits(0x7ff0000000000abc), math.Float64frombits(0xfff8000000012345),
		math.SmallestNonzeroFloat64, 1e-310, -0x1p-1022, math.MaxFloat64, 0x1p-250, 0x1p251, -0x1p250}
	xs := make([]float64, n)
	for i := range xs {
		if r.IntN(800) == 0 {
			xs[i] = special[r.IntN(len(special))]
			continue
		}
		e := r.IntN(2*lim) - lim
		xs[i] = math.Ldexp(1+float64(r.Uint64()>>11)*0x1p-53, e)
		if r.IntN(2) == 0 {
			xs[i] = -xs[i]
		}
	}
	return xs
}

// TestDivRecipRandom compares the reciprocal kernels with the division
// kernels over millions of random pairs: exponents within the fast range
// and beyond it, random bit patterns, and divisors whose significands lie
// next to 2 (the excluded sliver and just below it).
func TestDivRecipRandom(t *testing.T) {
	n := 1 << 20
	if raceEnabled {
		n = 1 << 14
	}
	withFallback(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(41, 42))
		for trial, lim := range []int{260, 260, 40, 1100} {
			a, b, q, x := wideOperands(r, n, lim), wideOperands(r, n, lim), wideOperands(r, n, 3), wideOperands(r, n, 30)
			if trial == 1 {
				// Divisors with the top fraction bits all ones: the
				// sliver (the last 2¹² significands of a binade) and the
				// 2¹³ below it.
				for i := range b {
					f := uint64(1<<52-1) - uint64(r.IntN(3<<12))
					b[i] = math.Float64frombits(math.Float64bits(b[i])&^(1<<52-1) | f)
				}
			}
			checkRecipKernels(t, "random", x, a, q, b)
		}
		a, b := randomBits(r, n, 0), randomBits(r, n, 0)
		checkRecipKernels(t, "random bits", randomBits(r, n, 0), a, randomBits(r, n, 0), b)
	})
}

// nearMidpoints returns pairs a, b whose quotient lies one unit of a −
// b·m's granularity from a rounding boundary m of the result (the closest
// a quotient can come to one): b's significand B odd, m's M odd with 54
// bits, and A·2ˢ = B·M ± 1 (s = 53 or 54) with A of 53 bits, so that
// a/b = (M ± 1/B)·2⁻ˢ up to a power of two; divisors drawn next to 2 (in
// and below the sliver) half of the time.
func nearMidpoints(r *rand.Rand, n int) (as, bs []float64) {
	one := big.NewInt(1)
	for len(as) < n {
		B := uint64(1<<52 | r.Uint64()>>12 | 1)
		if r.IntN(2) == 0 {
			B = 1<<53 - 1 - 2*uint64(r.IntN(1<<13))
		}
		sign := int64(1 - 2*r.IntN(2))
		bb := new(big.Int).SetUint64(B)
		for _, s := range []uint{53, 54} {
			// M ≡ −sign·B⁻¹ (mod 2ˢ), so B·M + sign ≡ 0.
			mod := new(big.Int).Lsh(one, s)
			m := new(big.Int).ModInverse(bb, mod)
			m.Mul(m, big.NewInt(-sign))
			m.Mod(m, mod)
			if s == 53 {
				m.Add(m, mod)
			}
			if m.BitLen() != 54 {
				continue
			}
			p := new(big.Int).Mul(bb, m)
			p.Add(p, big.NewInt(sign))
			A := new(big.Int).Rsh(p, s)
			if A.BitLen() != 53 {
				continue
			}
			a := math.Ldexp(float64(A.Uint64()), r.IntN(400)-200)
			b := math.Ldexp(float64(B), r.IntN(400)-200)
			if r.IntN(2) == 0 {
				a = -a
			}
			if r.IntN(2) == 0 {
				b = -b
			}
			as, bs = append(as, a), append(bs, b)
			break
		}
	}
	return as[:n], bs[:n]
}

// TestDivRecipMidpoints checks the quotients that lie as close to a
// rounding boundary as quotients can, where a result one step short of the
// correction (q0) or a divisor in the sliver would round the wrong way.
func TestDivRecipMidpoints(t *testing.T) {
	n := 1 << 18
	if raceEnabled {
		n = 1 << 12
	}
	withFallback(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(43, 44))
		a, b := nearMidpoints(r, n)
		// Without the correction step, q0 = RN(x + ε) rounds some of these
		// the wrong way (0.6% of them).
		wrong := 0
		for i := range a {
			hi := 1 / b[i]
			lo := math.FMA(-b[i], hi, 1) * hi
			if q0 := math.FMA(a[i], hi, a[i]*lo); q0 != a[i]/b[i] {
				wrong++
			}
		}
		if wrong < n/1000 {
			t.Fatalf("only %d of %d constructed pairs defeat the uncorrected quotient: the construction is wrong", wrong, n)
		}
		checkRecipKernels(t, "near midpoints", wideOperands(r, n, 10), a, wideOperands(r, n, 3), b)
		// The same quotients through NegMulDiv: g = a, q = 1.
		ones := make([]float64, n)
		for i := range ones {
			ones[i] = 1
		}
		checkRecipKernels(t, "near midpoints, q = 1", wideOperands(r, n, 10), a, ones, b)
	})
}

// TestDivRecipSpecial checks every pair of special operands: zeros of both
// signs, subnormals, infinities, NaNs with payloads, the edges of the fast
// range, powers of two, divisors with all-ones significands and next to
// them, at lengths that exercise the partial final blocks.
func TestDivRecipSpecial(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 2, 0.5, 3, 0.1, -7.25,
		math.Inf(1), math.Inf(-1), math.NaN(), math.Float64frombits(0x7ff0000000000001),
		math.Float64frombits(0xfff8000000abcdef), math.Float64frombits(0x7ff4000000000123),
		math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 1e-310, 0x1p-1022, -0x1p-1023,
		math.MaxFloat64, -math.MaxFloat64, 1e-300, 1e300,
		0x1p-250, -0x1p-250, math.Nextafter(0x1p-250, 0), math.Nextafter(0x1p-250, 1),
		0x1p250, 0x1p251, -0x1p251, math.Nextafter(0x1p251, 0), math.Nextafter(0x1p250, 1e300),
		0x1p-251, 0x1p252, 0x1p100, 0x1p-100,
		math.Float64frombits(0x3fffffffffffffff), // 2 − 2⁻⁵²
		math.Float64frombits(0x3ffffffffffff000), // the first of the sliver
		math.Float64frombits(0x3fffffffffffefff), // the last before it
		math.Float64frombits(0xc00fffffffffffff),
		math.Float64frombits(0x4ff0000000000000 - 1), // the largest divisor below 2²⁵⁶
		3 * 0x1p-250, 1.5 * 0x1p250}
	withFallback(t, func(t *testing.T) {
		var a, b, q, x []float64
		for i, u := range vals {
			for j, v := range vals {
				a, b = append(a, u), append(b, v)
				q, x = append(q, vals[(i+j)%len(vals)]), append(x, vals[(i*7+j)%len(vals)])
			}
		}
		for _, n := range []int{len(a), len(a) - 1, len(a) - 2, len(a) - 3, len(a) - 5, len(a) - 7} {
			checkRecipKernels(t, "special", x[:n], a[:n], q[:n], b[:n])
		}
		// The sliver is refused by RecipHi, the value below it is not.
		hi, _ := recipOf([]float64{math.Float64frombits(0x3ffffffffffff000), math.Float64frombits(0x3fffffffffffefff),
			0x1p251, 1.5 * 0x1p250, 0x1p-250, math.Nextafter(0x1p-250, 0), 0, 1e-310})
		wantNaN := []bool{true, false, true, false, false, true, true, true}
		for i, w := range wantNaN {
			if math.IsNaN(hi[i]) != w {
				t.Errorf("RecipHi [%d] = %v, want NaN: %v", i, hi[i], w)
			}
		}
	})
}

// TestDivRecipLengths checks lengths 0..17 and about 1000 at offsets 0..2,
// nothing written past dst, and dst aliasing each operand.
func TestDivRecipLengths(t *testing.T) {
	const sentinel = 12345.678
	withFallback(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(45, 46))
		for _, n := range kernelTestLengths() {
			for off := 0; off < 3; off++ {
				x, a, q, b := wideOperands(r, n+off, 8)[off:], wideOperands(r, n+off, 8)[off:],
					wideOperands(r, n+off, 8)[off:], wideOperands(r, n+off, 8)[off:]
				hi, lo := recipOf(b)
				want := make([]float64, n)
				AddNegMulDiv(want, x, a, q, b)
				buf := make([]float64, n+off+9)
				for i := range buf {
					buf[i] = sentinel
				}
				dst := buf[off : off+n]
				AddNegMulDivRecip(dst, x, a, q, b, hi, lo)
				for i := range buf {
					if (i < off || i >= off+n) && buf[i] != sentinel {
						t.Fatalf("n=%d off=%d: wrote outside dst at %d", n, off, i)
					}
				}
				for i := range dst {
					if !same(dst[i], want[i]) {
						t.Fatalf("n=%d off=%d [%d]: got %v, want %v", n, off, i, dst[i], want[i])
					}
				}
				for k, op := range [][]float64{x, a, q, b, hi, lo} {
					c := append([]float64(nil), op...)
					ops := [][]float64{x, a, q, b, hi, lo}
					ops[k] = c
					AddNegMulDivRecip(c, ops[0], ops[1], ops[2], ops[3], ops[4], ops[5])
					for i := range c {
						if !same(c[i], want[i]) {
							t.Fatalf("n=%d, dst aliasing operand %d [%d]: got %v, want %v", n, k, i, c[i], want[i])
						}
					}
				}
				Div(want, a, b)
				DivRecip(dst, a, b, hi, lo)
				NegMulDiv(want, a, q, b)
				NegMulDivRecip(dst, a, q, b, hi, lo)
				for i := range dst {
					if !same(dst[i], want[i]) {
						t.Fatalf("NegMulDivRecip n=%d off=%d [%d]: got %v, want %v", n, off, i, dst[i], want[i])
					}
				}
			}
		}
		for _, f := range []func(){
			func() {
				DivRecip(make([]float64, 2), make([]float64, 2), make([]float64, 2), make([]float64, 2), make([]float64, 3))
			},
			func() { RecipHi(make([]float64, 2), make([]float64, 3)) },
			func() {
				NegMulDivRecip(make([]float64, 2), make([]float64, 2), make([]float64, 1), make([]float64, 2),
					make([]float64, 2), make([]float64, 2))
			},
			func() {
				AddNegMulDivRecip(make([]float64, 2), make([]float64, 3), make([]float64, 2), make([]float64, 2),
					make([]float64, 2), make([]float64, 2), make([]float64, 2))
			},
		} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("no panic on length mismatch")
					}
				}()
				f()
			}()
		}
	})
}

// TestRecipHiLo checks RecipHi and RecipLo against their definitions
// (1/b or NaN by recipDivisorOK; (1 − b·hi)·hi with one FMA), bit for bit,
// over random bit patterns, the fast range, the divisors next to the
// sliver's edge and special values, at every tail length.
func TestRecipHiLo(t *testing.T) {
	r := rand.New(rand.NewPCG(47, 48))
	b := append(randomBits(r, 3000, 0), wideOperands(r, 3000, 260)...)
	for k := 0; k < 64; k++ {
		f := uint64(1<<52-1<<12-32) + uint64(k)
		b = append(b, math.Float64frombits(0x3ff0000000000000|f), math.Float64frombits(0xc4f0000000000000|f))
	}
	b = append(b, 0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 5e-324, 0x1p-250,
		math.Nextafter(0x1p-250, 0), 0x1p251, math.Nextafter(0x1p251, 0), 1.5*0x1p250, -0x1p250)
	withFallback(t, func(t *testing.T) {
		for _, n := range append(kernelTestLengths(), len(b)) {
			n = min(n, len(b))
			hi, lo := make([]float64, n+1), make([]float64, n+1)
			hi[n], lo[n] = 7, 7
			RecipHi(hi[:n], b[:n])
			RecipLo(lo[:n], b[:n], hi[:n])
			if hi[n] != 7 || lo[n] != 7 {
				t.Fatalf("n=%d: wrote past dst", n)
			}
			for i, v := range b[:n] {
				wantHi := 1 / v
				if !recipDivisorOK(v) {
					wantHi = math.NaN()
				}
				wantLo := float64(math.FMA(-v, wantHi, 1) * wantHi)
				if !sameFloat(hi[i], wantHi) || !sameFloat(lo[i], wantLo) {
					t.Fatalf("n=%d b=%x: hi %x lo %x, want %x %x", n, math.Float64bits(v), math.Float64bits(hi[i]),
						math.Float64bits(lo[i]), math.Float64bits(wantHi), math.Float64bits(wantLo))
				}
			}
		}
	})
}
