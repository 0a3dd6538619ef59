package vmath

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestArith checks Add, Sub and Mul bit for bit against Go's operators
// (any NaN matching any NaN), for the three stride pairs, at lengths 0..17
// and about 1000, with dst aliasing an operand, and checks that nothing
// past dst is written.
func TestArith(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	const sentinel = 12345.678
	ops := []struct {
		name string
		f    func(dst, a, b []float64, sa, sb int)
		op   func(x, y float64) float64
	}{
		{"Add", Add, func(x, y float64) float64 { return x + y }},
		{"Sub", Sub, func(x, y float64) float64 { return x - y }},
		{"Mul", Mul, func(x, y float64) float64 { return x * y }},
	}
	withFallback(t, func(t *testing.T) {
		lengths := kernelTestLengths()
		for _, o := range ops {
			for _, n := range lengths {
				for _, st := range [][2]int{{1, 1}, {0, 1}, {1, 0}} {
					sa, sb := st[0], st[1]
					a := divOperands(r, n*sa+1-sa) // n values, or one
					b := divOperands(r, n*sb+1-sb)
					buf := make([]float64, n+1)
					buf[n] = sentinel
					dst := buf[:n]
					o.f(dst, a, b, sa, sb)
					for i := range dst {
						if want := o.op(a[i*sa], b[i*sb]); !sameFloat(dst[i], want) {
							t.Fatalf("%s n=%d strides %d,%d [%d]: %v op %v = %v, want %v", o.name, n, sa, sb, i, a[i*sa], b[i*sb], dst[i], want)
						}
					}
					if buf[n] != sentinel {
						t.Fatalf("%s n=%d: wrote past dst", o.name, n)
					}
					if sa == 1 && n > 0 { // dst aliasing a
						want := make([]float64, n)
						for i := range want {
							want[i] = o.op(a[i], b[i*sb])
						}
						o.f(a[:n], a[:n], b, 1, sb)
						for i := range want {
							if !sameFloat(a[i], want[i]) {
								t.Fatalf("%s n=%d in place [%d]: %v, want %v", o.name, n, i, a[i], want[i])
							}
						}
					}
				}
			}
		}
	})
}

// TestNeg checks Neg bit for bit against Go's unary minus, NaNs included
// (their sign bit flips), at lengths 0..17 and about 1000, in place too,
// and that nothing past dst is written.
func TestNeg(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	const sentinel = 12345.678
	withFallback(t, func(t *testing.T) {
		for _, n := range kernelTestLengths() {
			x := randomBits(r, n, 0)
			specials := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), -math.NaN(), 5e-324}
			copy(x, specials)
			buf := make([]float64, n+1)
			buf[n] = sentinel
			dst := buf[:n]
			Neg(dst, x)
			for i := range dst {
				if math.Float64bits(dst[i]) != math.Float64bits(-x[i]) {
					t.Fatalf("n=%d [%d]: Neg(%x) = %x, want %x", n, i, math.Float64bits(x[i]), math.Float64bits(dst[i]), math.Float64bits(-x[i]))
				}
			}
			if buf[n] != sentinel {
				t.Fatalf("n=%d: wrote past dst", n)
			}
			want := slices.Clone(dst)
			Neg(dst, dst) // back to x, in place
			for i := range dst {
				if math.Float64bits(dst[i]) != math.Float64bits(-want[i]) {
					t.Fatalf("n=%d [%d]: in place: %v", n, i, dst[i])
				}
			}
		}
	})
}
