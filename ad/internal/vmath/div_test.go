package vmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// sameFloat reports whether got is bit for bit want, any NaN matching any
// NaN.
func sameFloat(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Float64bits(got) == math.Float64bits(want)
}

// divOperands returns n values mixing special values (zeros, infinities,
// NaN, subnormals, extremes) with random bit patterns and ordinary numbers.
func divOperands(r *rand.Rand, n int) []float64 {
	special := []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1), math.NaN(),
		math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 0x1p-1022, math.MaxFloat64,
		-math.MaxFloat64, 3, 1e-310, 1e300, -1e-300}
	xs := make([]float64, n)
	for i := range xs {
		switch r.IntN(4) {
		case 0:
			xs[i] = special[r.IntN(len(special))]
		case 1:
			xs[i] = math.Float64frombits(r.Uint64())
		default:
			xs[i] = r.NormFloat64() * 10
		}
	}
	return xs
}

// TestDiv checks Div, DivScalarA, DivScalarB and NegMulDiv bit for bit
// against Go's operators, over special and random operands, at lengths
// 0..17 and 1000 and offsets 0..2 (so the partial final block is
// exercised), with dst aliasing an operand, and checks that nothing past
// dst is written.
func TestDiv(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	const sentinel = 12345.678
	withFallback(t, func(t *testing.T) {
		for _, n := range kernelTestLengths() {
			for off := 0; off < 3; off++ {
				a := divOperands(r, n+off)[off:]
				b := divOperands(r, n+off)[off:]
				q := divOperands(r, n+off)[off:]
				sa, sb := divOperands(r, 1)[0], divOperands(r, 1)[0]
				cases := []struct {
					name string
					f    func(dst []float64)
					want func(i int) float64
				}{
					{"Div", func(d []float64) { Div(d, a, b) }, func(i int) float64 { return a[i] / b[i] }},
					{"DivScalarA", func(d []float64) { DivScalarA(d, sa, b) }, func(i int) float64 { return sa / b[i] }},
					{"DivScalarB", func(d []float64) { DivScalarB(d, a, sb) }, func(i int) float64 { return a[i] / sb }},
					{"NegMulDiv", func(d []float64) { NegMulDiv(d, a, q, b) }, func(i int) float64 { return -a[i] * q[i] / b[i] }},
				}
				for _, c := range cases {
					buf := make([]float64, n+off+4)
					for i := range buf {
						buf[i] = sentinel
					}
					dst := buf[off : off+n]
					c.f(dst)
					for i := range buf {
						if (i < off || i >= off+n) && buf[i] != sentinel {
							t.Fatalf("%s n=%d off=%d: wrote outside dst at %d", c.name, n, off, i)
						}
					}
					for i := range dst {
						if !sameFloat(dst[i], c.want(i)) {
							t.Fatalf("%s n=%d off=%d: element %d: got %v, want %v", c.name, n, off, i, dst[i], c.want(i))
						}
					}
				}
				// In place: dst is a (then b); the results must not change.
				want := make([]float64, n)
				Div(want, a, b)
				for _, which := range []string{"a", "b"} {
					got := append([]float64(nil), a...)
					if which == "a" {
						Div(got, got, b)
					} else {
						got = append([]float64(nil), b...)
						Div(got, a, got)
					}
					for i := range got {
						if !sameFloat(got[i], want[i]) {
							t.Fatalf("Div in place (dst = %s) n=%d: element %d: got %v, want %v", which, n, i, got[i], want[i])
						}
					}
				}
				got := append([]float64(nil), b...)
				NegMulDiv(got, a, q, got)
				for i := range got {
					if w := -a[i] * q[i] / b[i]; !sameFloat(got[i], w) {
						t.Fatalf("NegMulDiv in place n=%d: element %d: got %v, want %v", n, i, got[i], w)
					}
				}
			}
		}
		for _, f := range []func(){
			func() { Div(make([]float64, 2), make([]float64, 2), make([]float64, 3)) },
			func() { Div(make([]float64, 2), make([]float64, 3), make([]float64, 2)) },
			func() { DivScalarA(make([]float64, 2), 1, make([]float64, 3)) },
			func() { DivScalarB(make([]float64, 2), make([]float64, 3), 1) },
			func() { NegMulDiv(make([]float64, 2), make([]float64, 2), make([]float64, 2), make([]float64, 3)) },
			func() { NegMulDiv(make([]float64, 2), make([]float64, 3), make([]float64, 2), make([]float64, 2)) },
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

// TestDivSpecialPairs checks every pair of special operands (and one of
// each scalar form), bit for bit against Go's /.
func TestDivSpecialPairs(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 2, 3, math.Inf(1), math.Inf(-1), math.NaN(),
		math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 0x1p-1022, 0x1p-1023, math.MaxFloat64,
		-math.MaxFloat64, 1e-300, 1e300, 0.1}
	withFallback(t, func(t *testing.T) {
		var a, b []float64
		for _, x := range vals {
			for _, y := range vals {
				a, b = append(a, x), append(b, y)
			}
		}
		got := make([]float64, len(a))
		Div(got, a, b)
		for i := range a {
			if !sameFloat(got[i], a[i]/b[i]) {
				t.Errorf("Div(%v, %v) = %v, want %v", a[i], b[i], got[i], a[i]/b[i])
			}
		}
		NegMulDiv(got, a, b, b)
		for i := range a {
			if w := -a[i] * b[i] / b[i]; !sameFloat(got[i], w) {
				t.Errorf("NegMulDiv(%v, %v, %v) = %v, want %v", a[i], b[i], b[i], got[i], w)
			}
		}
		for _, s := range vals {
			DivScalarA(got, s, b)
			for i := range b {
				if !sameFloat(got[i], s/b[i]) {
					t.Errorf("DivScalarA(%v, %v) = %v, want %v", s, b[i], got[i], s/b[i])
				}
			}
			DivScalarB(got, a, s)
			for i := range a {
				if !sameFloat(got[i], a[i]/s) {
					t.Errorf("DivScalarB(%v, %v) = %v, want %v", a[i], s, got[i], a[i]/s)
				}
			}
		}
	})
}

// TestAddNegMulDiv checks AddNegMulDiv against what it replaces: NegMulDiv
// into a buffer, then Add with x first, bit for bit, NaN payloads and
// signs included (operands mixing specials, random bit patterns, which
// include NaNs with payloads, and ordinary numbers), at lengths 0..17 and
// about 1000, in place too; the fallback against Go's expression (any NaN
// matching any NaN, like TestArith).
func TestAddNegMulDiv(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	withFallback(t, func(t *testing.T) {
		lengths := []int{1000, 1001, 1002, 1003}
		for n := 0; n <= 17; n++ {
			lengths = append(lengths, n)
		}
		for _, n := range lengths {
			for trial := 0; trial < 20; trial++ {
				x, g, q, b := divOperands(r, n), divOperands(r, n), divOperands(r, n), divOperands(r, n)
				if trial%4 == 0 {
					// NaNs of different payloads on both sides of the
					// sum in most lanes: which one is kept shows the
					// operand order of every loop of the kernel.
					for i := range x {
						if i%3 != 2 {
							x[i] = math.Float64frombits(0x7ff8000000000123 + uint64(i))
							g[i] = math.Float64frombits(0xfff8000000004560 + uint64(i))
						}
					}
				}
				got := make([]float64, n+1)
				got[n] = 12345
				AddNegMulDiv(got[:n], x, g, q, b)
				if got[n] != 12345 {
					t.Fatalf("n=%d: wrote past dst", n)
				}
				want := make([]float64, n)
				NegMulDiv(want, g, q, b)
				Add(want, x, want, 1, 1)
				for i := range want {
					ok := math.Float64bits(got[i]) == math.Float64bits(want[i])
					if !useAVX2 {
						ok = sameFloat(got[i], x[i]+-g[i]*q[i]/b[i])
					}
					if !ok {
						t.Fatalf("n=%d [%d]: %x + -%x*%x/%x = %x, want %x", n, i, math.Float64bits(x[i]),
							math.Float64bits(g[i]), math.Float64bits(q[i]), math.Float64bits(b[i]),
							math.Float64bits(got[i]), math.Float64bits(want[i]))
					}
				}
				AddNegMulDiv(x, x, g, q, b) // in place
				for i := range x {
					if math.Float64bits(x[i]) != math.Float64bits(got[i]) && !(!useAVX2 && sameFloat(x[i], got[i])) {
						t.Fatalf("n=%d [%d]: in place %v, want %v", n, i, x[i], got[i])
					}
				}
			}
		}
	})
}

// kernelTestLengths are the lengths the arithmetic kernel tests cover: every
// length of the 4- and 8-lane loops' tails (0..17) and about 1000.
func kernelTestLengths() []int {
	lengths := []int{1000, 1001, 1003}
	for n := 0; n <= 17; n++ {
		lengths = append(lengths, n)
	}
	return lengths
}
