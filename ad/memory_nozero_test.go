package ad

import (
	"math"
	"runtime"
	"sync/atomic"
	"testing"
	"unsafe"
)

// TestMakeNoZero checks the mirror of strings.Builder on this Go release
// (a failure means the layout changed: allocFull then zeroes again, which
// is correct but slow, and makeNoZero should be revisited) and the buffers
// it gives.
func TestMakeNoZero(t *testing.T) {
	if !noZeroOK {
		t.Fatal("strings.Builder's layout is not the one makeNoZero mirrors")
	}
	for _, n := range []int{1, 7, noZeroMin, noZeroMin + 3} {
		d := makeNoZero(n)
		if len(d) != n || cap(d) < n {
			t.Fatalf("n = %d: len %d cap %d", n, len(d), cap(d))
		}
		if uintptr(unsafe.Pointer(&d[0]))%8 != 0 {
			t.Fatalf("n = %d: buffer not aligned to 8 bytes", n)
		}
		for i := range d {
			d[i] = float64(i)
		}
		if d[n-1] != float64(n-1) {
			t.Fatalf("n = %d: last element %v", n, d[n-1])
		}
	}
	if d := allocFull("test", noZeroMin); len(d) != noZeroMin {
		t.Fatalf("allocFull: len %d", len(d))
	}
}

// TestNoZeroResultsOverwritten fills dropped buffers with NaN, so that a
// result allocated without zeroing on top of them and not fully written
// would show it.
func TestNoZeroResultsOverwritten(t *testing.T) {
	n := noZeroMin + 5
	x := Linspace(-3, 3, n)
	for round := range 3 {
		for range 4 {
			d := makeNoZero(n)
			for i := range d {
				d[i] = math.NaN()
			}
		}
		runtime.GC()
		cases := []struct {
			name string
			f    func(*Tensor) *Tensor
			want func(float64) float64
		}{
			{"Neg", Neg, func(v float64) float64 { return -v }},
			{"Tanh", Tanh, math.Tanh},
			{"Mul", func(x *Tensor) *Tensor { return Mul(x, 2.0) }, func(v float64) float64 { return 2 * v }},
		}
		for _, c := range cases {
			got := c.f(x).Data()
			for i, v := range x.Data() {
				if w := c.want(v); math.IsNaN(got[i]) || math.Abs(got[i]-w) > 1e-15 {
					t.Fatalf("round %d %s: element %d of %d is %v, want %v", round, c.name, i, n, got[i], w)
				}
			}
		}
	}
}

// TestParallelForBlocks checks that parallelFor's blocks cover [0, n)
// exactly once, each within one interruptStride, for lengths around the
// threshold and the block size.
func TestParallelForBlocks(t *testing.T) {
	for _, n := range []int{0, 1, parallelThreshold, parallelThreshold + 1, 3*interruptStride + 17, 1000000} {
		hits := make([]atomic.Int32, n)
		parallelFor("test", n, func(lo, hi int) {
			if lo >= hi || hi-lo > interruptStride || lo%interruptStride != 0 {
				t.Errorf("n = %d: block [%d, %d)", n, lo, hi)
			}
			for i := lo; i < hi; i++ {
				hits[i].Add(1)
			}
		})
		for i := range hits {
			if h := hits[i].Load(); h != 1 {
				t.Fatalf("n = %d: element %d computed %d times", n, i, h)
			}
		}
	}
}
