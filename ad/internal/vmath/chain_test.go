package vmath

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// TestAddNegMulDivRecipChain compares the chain with the kernels it stands
// for, one call per step (NegMulDivRecip for a chain without x, then
// AddNegMulDivRecip), and so with the division kernels, bit for bit: wide
// random operands with special values, every tail length, chains of one to
// seven steps (one of them a term added as it is), with and without x,
// over sub-ranges [start, end) of the buffers, and dst aliasing x.
func TestAddNegMulDivRecipChain(t *testing.T) {
	withFallback(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(47, 48))
		for _, n := range kernelTestLengths() {
			for pairs := 1; pairs <= 7; pairs += 3 {
				for _, withX := range []bool{true, false} {
					x, b := wideOperands(r, n, 8), wideOperands(r, n, 8)
					if n > 3 {
						b[1] = 0 // a divisor outside the fast range
					}
					hi, lo := recipOf(b)
					gq := make([][]float64, 2*pairs)
					for i := range gq {
						gq[i] = wideOperands(r, n, 8)
					}
					if pairs > 1 {
						gq[3] = nil // a term added as it is
					}
					// The steps one at a time, with the division kernels.
					want := make([]float64, n)
					k := 0
					if withX {
						copy(want, x)
					} else {
						NegMulDiv(want, gq[0], gq[1], b)
						k = 2
					}
					for ; k < len(gq); k += 2 {
						if gq[k+1] == nil {
							Add(want, want, gq[k], 1, 1)
							continue
						}
						AddNegMulDiv(want, want, gq[k], gq[k+1], b)
					}
					// And with the reciprocal kernels.
					want2 := make([]float64, n)
					k = 0
					if withX {
						copy(want2, x)
					} else {
						NegMulDivRecip(want2, gq[0], gq[1], b, hi, lo)
						k = 2
					}
					for ; k < len(gq); k += 2 {
						if gq[k+1] == nil {
							Add(want2, want2, gq[k], 1, 1)
							continue
						}
						AddNegMulDivRecip(want2, want2, gq[k], gq[k+1], b, hi, lo)
					}
					xs := x
					if !withX {
						xs = nil
					}
					got := make([]float64, n+2)
					for i := range got {
						got[i] = 7
					}
					AddNegMulDivRecipChain(got[1:n+1], xs, gq, b, hi, lo)
					if got[0] != 7 || got[n+1] != 7 {
						t.Fatalf("n=%d: wrote outside dst", n)
					}
					for i := range want {
						if !same(got[i+1], want[i]) || !same(want2[i], want[i]) {
							t.Fatalf("n=%d pairs=%d x=%v [%d]: chain %v, steps %v, reciprocal steps %v", n, pairs, withX, i, got[i+1], want[i], want2[i])
						}
					}
					// A sub-range, from base addresses.
					if n >= 3 {
						ps := make([]unsafe.Pointer, len(gq))
						for i := range gq {
							if gq[i] != nil {
								ps[i] = unsafe.Pointer(&gq[i][0])
							}
						}
						sub := make([]float64, n)
						var xp unsafe.Pointer
						if withX {
							xp = unsafe.Pointer(&x[0])
						}
						lo2, hi2 := 1, n-1
						AddNegMulDivRecipChainAt(unsafe.Pointer(&sub[0]), xp, ps, unsafe.Pointer(&b[0]),
							unsafe.Pointer(&hi[0]), unsafe.Pointer(&lo[0]), lo2, hi2)
						for i := range sub {
							if i >= lo2 && i < hi2 && !same(sub[i], want[i]) || (i < lo2 || i >= hi2) && sub[i] != 0 {
								t.Fatalf("n=%d pairs=%d x=%v sub-range [%d]: got %v, want %v", n, pairs, withX, i, sub[i], want[i])
							}
						}
					}
					// dst aliasing x.
					if withX {
						c := append([]float64(nil), x...)
						AddNegMulDivRecipChain(c, c, gq, b, hi, lo)
						for i := range c {
							if !same(c[i], want[i]) {
								t.Fatalf("n=%d, dst aliasing x [%d]: got %v, want %v", n, i, c[i], want[i])
							}
						}
					}
				}
			}
		}
	})
}

// A chain of 32 steps on W1's 200 values, against the same steps one
// AddNegMulDivRecip at a time.
func benchChain(b *testing.B, chain bool) {
	const n, k = 200, 32
	r := rand.New(rand.NewPCG(9, 10))
	x, y := aligned(randomUniform(r, n, -10, 10)), aligned(randomUniform(r, n, 1, 2))
	gq := make([][]float64, 2*k)
	for i := range gq {
		gq[i] = aligned(randomUniform(r, n, -1, 1))
	}
	hi, lo := aligned(make([]float64, n)), aligned(make([]float64, n))
	RecipHi(hi, y)
	RecipLo(lo, y, hi)
	dst := aligned(make([]float64, n))
	b.SetBytes(8 * n * k)
	for b.Loop() {
		if chain {
			AddNegMulDivRecipChain(dst, x, gq, y, hi, lo)
			continue
		}
		AddNegMulDivRecip(dst, x, gq[0], gq[1], y, hi, lo)
		for j := 2; j < len(gq); j += 2 {
			AddNegMulDivRecip(dst, dst, gq[j], gq[j+1], y, hi, lo)
		}
	}
}

func BenchmarkAddNegMulDivRecipChain32(b *testing.B) { benchChain(b, true) }
func BenchmarkAddNegMulDivRecipSteps32(b *testing.B) { benchChain(b, false) }

// TestNegMulDivRecipMulti compares NegMulDivRecipMulti with one
// NegMulDivRecip per quotient (and NegMulDiv), bit for bit: wide random
// operands with special values, every tail length, one to five quotients,
// some reading an earlier one's result, and a sub-range of the buffers.
func TestNegMulDivRecipMulti(t *testing.T) {
	withFallback(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(49, 50))
		for _, n := range kernelTestLengths() {
			for k := 1; k <= 5; k += 2 {
				b := wideOperands(r, n, 8)
				if n > 3 {
					b[2] = math.Inf(1) // a divisor outside the fast range
				}
				hi, lo := recipOf(b)
				g, q, dst, want := make([][]float64, k), make([][]float64, k), make([][]float64, k), make([][]float64, k)
				for j := range k {
					g[j], q[j], dst[j], want[j] = wideOperands(r, n, 8), wideOperands(r, n, 8), make([]float64, n), make([]float64, n)
				}
				if k > 1 {
					g[k-1], q[1] = dst[0], dst[0] // read an earlier result
				}
				for j := range k {
					gj, qj := g[j], q[j]
					if k > 1 && j == k-1 {
						gj = want[0]
					}
					if k > 1 && j == 1 {
						qj = want[0]
					}
					NegMulDiv(want[j], gj, qj, b)
				}
				NegMulDivRecipMulti(dst, g, q, b, hi, lo)
				for j := range k {
					for i := range dst[j] {
						if !same(dst[j][i], want[j][i]) {
							t.Fatalf("n=%d k=%d quotient %d [%d]: got %v, want %v", n, k, j, i, dst[j][i], want[j][i])
						}
					}
				}
				if n >= 3 && k == 1 {
					sub := make([]float64, n)
					NegMulDivRecipMultiAt([]unsafe.Pointer{unsafe.Pointer(&sub[0]), unsafe.Pointer(&g[0][0]), unsafe.Pointer(&q[0][0])},
						unsafe.Pointer(&b[0]), unsafe.Pointer(&hi[0]), unsafe.Pointer(&lo[0]), 1, n-1)
					for i := range sub {
						if i >= 1 && i < n-1 && !same(sub[i], want[0][i]) || (i < 1 || i >= n-1) && sub[i] != 0 {
							t.Fatalf("n=%d sub-range [%d]: got %v, want %v", n, i, sub[i], want[0][i])
						}
					}
				}
			}
		}
	})
}
