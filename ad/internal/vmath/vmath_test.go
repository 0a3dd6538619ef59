package vmath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// maxULP is the accuracy bound of doc.go, in units in the last place of the
// reference result.
const maxULP = 2

type unaryFunc struct {
	name string
	vec  func(dst, x []float64)
	ref  func(float64) float64
}

// unaries lists the functions with their references. The math package's
// functions are the references, except that Exp and Log are compared with
// the pure-Go fdlibm versions of ref_test.go, for the kernels, because the
// math package's amd64 assembly Exp and Log err near overflow and for
// subnormals. The fallback path is compared with math.* itself.
func unaries() []unaryFunc {
	exp, log := refExp, refLog
	if !useAVX2 {
		exp, log = math.Exp, math.Log
	}
	return []unaryFunc{
		{"Exp", Exp, exp},
		{"Log", Log, log},
		{"Log1p", Log1p, math.Log1p},
		{"Tanh", Tanh, math.Tanh},
		{"Sigmoid", Sigmoid, SigmoidScalar},
		{"Softplus", Softplus, SoftplusScalar},
	}
}

// ulps returns the distance between a and b in units in the last place: 0
// for two NaNs or identical values (so ±0 differ), +Inf when exactly one is
// NaN or when they differ and one is infinite.
func ulps(a, b float64) float64 {
	switch {
	case math.IsNaN(a) || math.IsNaN(b):
		if math.IsNaN(a) && math.IsNaN(b) {
			return 0
		}
		return math.Inf(1)
	case math.Float64bits(a) == math.Float64bits(b):
		return 0
	case math.IsInf(a, 0) || math.IsInf(b, 0):
		return math.Inf(1)
	}
	// Map to a monotone integer line: negative values below positive ones,
	// with −0 and +0 one step apart.
	ord := func(v float64) int64 {
		u := int64(math.Float64bits(v))
		if u < 0 {
			return math.MinInt64 - u - 1
		}
		return u
	}
	d := ord(a) - ord(b)
	if d < 0 {
		d = -d
	}
	return float64(d)
}

// lseULPs is the error of got = LogAddExp(a, b) against want in the unit
// of doc.go's bound: ulps of the result, or, when that is smaller, ulps of
// the larger term of the sum max(a, b) + log1p(e^−|a−b|), whose rounding
// any evaluation of that form carries into a result that cancels.
func lseULPs(got, want, a, b float64) float64 {
	d := ulps(got, want)
	if d == 0 || math.IsInf(d, 0) {
		return d
	}
	scale := max(math.Abs(max(a, b)), math.Log1p(math.Exp(-math.Abs(a-b))))
	ulp := math.Nextafter(scale, math.Inf(1)) - scale
	return min(d, math.Abs(got-want)/ulp)
}

// withFallback runs f with each path the CPU supports: the AVX-512 forms
// of the kernels that have one, the AVX2 kernels alone, and the pure-Go
// fallback.
func withFallback(t *testing.T, f func(t *testing.T)) {
	saved, saved512 := useAVX2, useAVX512
	defer func() { useAVX2, useAVX512 = saved, saved512 }()
	if saved512 {
		t.Run("avx512", f)
	} else {
		t.Log("AVX-512 not available: its kernels are not tested")
	}
	if saved {
		useAVX512 = false
		t.Run("avx2", f)
	} else {
		t.Log("AVX2+FMA not available: only the fallback is tested")
	}
	useAVX2, useAVX512 = false, false
	t.Run("fallback", f)
}

// checkUnary compares u over xs against its reference and returns the
// largest ulp error.
func checkUnary(t *testing.T, u unaryFunc, xs []float64) float64 {
	t.Helper()
	got := make([]float64, len(xs))
	u.vec(got, xs)
	worst, bad := 0.0, 0
	for i, x := range xs {
		want := u.ref(x)
		d := ulps(got[i], want)
		if d > worst {
			worst = d
		}
		if d > maxULP {
			if bad < 10 {
				t.Errorf("%s(%v) = %v, want %v (%v ulp)", u.name, x, got[i], want, d)
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d values beyond %d ulp", u.name, bad, len(xs), maxULP)
	}
	return worst
}

func TestSpecialValues(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	minSub := math.SmallestNonzeroFloat64
	minNorm := 0x1p-1022
	special := []float64{
		0, math.Copysign(0, -1), 1, -1, inf, -inf, nan, minSub, -minSub, minNorm, -minNorm,
		minNorm - minSub, 0x1p-1050, math.MaxFloat64, -math.MaxFloat64,
		709.782712893384, 709.7827128933841, 709.79, 710, -745.1332191019411, -745.1332191019412,
		-745.14, -746, -740, -708.4, -708.3964185322641, 1e-300, -1e-300, 1e-20, -1e-20, 0.625,
		-0.625, math.Nextafter(0.625, 0), 22, 44, 44.02, 88.03, 354, 355, 36, 37, 0.5, 2,
		-0.9999999999999999, -1.0000000000000002, 1e16, 1e300, 9007199254740993, math.Sqrt2,
		math.Sqrt2 / 2, math.E, math.Ln2, -math.Ln2, 0.34657359027997264, -0.34657359027997264,
	}
	withFallback(t, func(t *testing.T) {
		for _, u := range unaries() {
			// Exact agreement (0 ulp) is required at the special values
			// proper: NaN, infinities, zeros and the saturation limits.
			got := make([]float64, len(special))
			u.vec(got, special)
			for i, x := range special {
				want := u.ref(x)
				exact := math.IsNaN(x) || math.IsInf(x, 0) || x == 0 || math.IsInf(want, 0) ||
					want == 0 || math.Abs(want) == 1 || math.IsNaN(want)
				d := ulps(got[i], want)
				if exact && d != 0 || d > maxULP {
					t.Errorf("%s(%v) = %v, want %v", u.name, x, got[i], want)
				}
			}
		}
	})
}

// sweep returns n points evenly spaced over [lo, hi].
func sweep(lo, hi float64, n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	return xs
}

// randomBits returns n doubles with uniformly random bit patterns among the
// non-NaN ones (so every binade is covered), with the given sign: +1, −1,
// or 0 for both.
func randomBits(r *rand.Rand, n int, sign int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		for {
			v := math.Float64frombits(r.Uint64())
			if math.IsNaN(v) {
				continue
			}
			if sign > 0 {
				v = math.Abs(v)
			} else if sign < 0 {
				v = -math.Abs(v)
			}
			xs[i] = v
			break
		}
	}
	return xs
}

func randomUniform(r *rand.Rand, n int, lo, hi float64) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = lo + (hi-lo)*r.Float64()
	}
	return xs
}

// sweepsFor returns the dense sweeps and random inputs each function is
// checked on (about 3 million points each).
func sweepsFor(name string, r *rand.Rand) map[string][]float64 {
	n := 1 << 20
	if raceEnabled {
		n = 1 << 16
	}
	s := map[string][]float64{}
	switch name {
	case "Exp":
		s["dense [-745.2, 709.8]"] = sweep(-745.2, 709.8, n)
		s["dense [-2, 2]"] = sweep(-2, 2, n)
		s["random [-1e-8, 1e-8]"] = randomUniform(r, n/4, -1e-8, 1e-8)
		s["random subnormal results"] = randomUniform(r, n/4, -745.2, -708)
		s["random bits"] = randomBits(r, n/4, 0)
	case "Log":
		s["random bits"] = randomBits(r, n, 1)
		s["dense [0.5, 2]"] = sweep(0.5, 2, n)
		s["dense [1e-3, 1e3]"] = sweep(1e-3, 1e3, n)
		s["random subnormal"] = randomUniform(r, n/4, 0, 0x1p-1022)
	case "Log1p":
		s["dense [-1, 1]"] = sweep(-1, 1, n)
		s["random [-1e-8, 1e-8]"] = randomUniform(r, n/4, -1e-8, 1e-8)
		s["random bits"] = randomBits(r, n, 1)
		s["dense [1, 1e6]"] = sweep(1, 1e6, n/4)
	case "Tanh":
		s["dense [-20, 20]"] = sweep(-20, 20, n)
		s["dense [-1, 1]"] = sweep(-1, 1, n)
		s["random [-0.7, 0.7]"] = randomUniform(r, n/4, -0.7, 0.7)
		s["random bits"] = randomBits(r, n/4, 0)
	case "Sigmoid", "Softplus":
		s["dense [-750, 750]"] = sweep(-750, 750, n)
		s["dense [-40, 40]"] = sweep(-40, 40, n)
		s["random bits"] = randomBits(r, n/4, 0)
	}
	return s
}

func TestSweeps(t *testing.T) {
	if testing.Short() {
		t.Skip("millions of points")
	}
	withFallback(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		for _, u := range unaries() {
			worst := 0.0
			for name, xs := range sweepsFor(u.name, r) {
				t.Run(u.name+"/"+name, func(t *testing.T) {
					worst = max(worst, checkUnary(t, u, xs))
				})
			}
			t.Logf("%s: max error %v ulp", u.name, worst)
		}
	})
}

func TestLogAddExp(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 2, 1e-300, 30, -30, 37, 40, 709, 710, -746, 1e308,
		-1e308, inf, -inf, nan, 0.5, 1e-17}
	r := rand.New(rand.NewPCG(3, 4))
	withFallback(t, func(t *testing.T) {
		var a, b []float64
		for _, x := range vals {
			for _, y := range vals {
				a, b = append(a, x), append(b, y)
			}
		}
		scale := []float64{1, 10, 100, 1000}
		pairs := 1 << 20
		if raceEnabled {
			pairs = 1 << 16
		}
		for i := 0; i < pairs; i++ {
			s := scale[i%len(scale)]
			a, b = append(a, s*r.NormFloat64()), append(b, s*r.NormFloat64())
		}
		for i := 0; i < pairs/4; i++ {
			x := r.NormFloat64() * 100
			a, b = append(a, x), append(b, x+r.NormFloat64()*1e-10)
		}
		got := make([]float64, len(a))
		LogAddExp(got, a, b)
		worst, bad := 0.0, 0
		for i := range a {
			want := LogAddExpScalar(a[i], b[i])
			d := lseULPs(got[i], want, a[i], b[i])
			worst = max(worst, d)
			special := math.IsNaN(want) || math.IsInf(want, 0) || want == 0
			if special && d != 0 || d > maxULP {
				if bad < 10 {
					t.Errorf("LogAddExp(%v, %v) = %v, want %v", a[i], b[i], got[i], want)
				}
				bad++
			}
		}
		t.Logf("LogAddExp: max error %v ulp over %d pairs", worst, len(a))
		// The scalar-operand form, with the scalar on either side.
		for _, x := range vals {
			LogAddExp1(got[:len(b)], x, b)
			for i, y := range b {
				if want := LogAddExpScalar(x, y); lseULPs(got[i], want, x, y) > maxULP ||
					(math.IsNaN(want) || math.IsInf(want, 0)) && ulps(got[i], want) != 0 {
					t.Fatalf("LogAddExp1(%v, %v) = %v, want %v", x, y, got[i], want)
				}
			}
		}
	})
}

// TestLengths checks every kernel at lengths 0..17 and at odd offsets, so
// that the remainder handling (masked loads and stores) is exercised, that
// elements past the end are not written, and that dst may alias x.
func TestLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const sentinel = 12345.678
	withFallback(t, func(t *testing.T) {
		for _, u := range unaries() {
			for n := 0; n <= 17; n++ {
				for off := 0; off < 3; off++ {
					x := randomUniform(r, n+off+4, -3, 3)
					if u.name == "Log" {
						for i := range x {
							x[i] = math.Abs(x[i])
						}
					}
					xs := x[off : off+n]
					buf := make([]float64, n+off+4)
					for i := range buf {
						buf[i] = sentinel
					}
					dst := buf[off : off+n]
					u.vec(dst, xs)
					for i := range buf {
						if (i < off || i >= off+n) && buf[i] != sentinel {
							t.Fatalf("%s n=%d off=%d: wrote outside dst at %d", u.name, n, off, i)
						}
					}
					for i, v := range xs {
						if d := ulps(dst[i], u.ref(v)); d > maxULP {
							t.Fatalf("%s n=%d off=%d: element %d: %v, want %v", u.name, n, off, i, dst[i], u.ref(v))
						}
					}
					// In place.
					alias := append([]float64(nil), xs...)
					u.vec(alias, alias)
					for i := range alias {
						if math.Float64bits(alias[i]) != math.Float64bits(dst[i]) {
							t.Fatalf("%s n=%d: in-place result differs at %d", u.name, n, i)
						}
					}
				}
			}
			// Length mismatch panics.
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: no panic on length mismatch", u.name)
					}
				}()
				u.vec(make([]float64, 2), make([]float64, 3))
			}()
		}
		for n := 0; n <= 17; n++ {
			a, b := randomUniform(r, n, -50, 50), randomUniform(r, n, -50, 50)
			buf := make([]float64, n+1)
			buf[n] = sentinel
			LogAddExp(buf[:n], a, b)
			LogAddExp1(buf[:n:n], 0.5, b)
			if buf[n] != sentinel {
				t.Fatalf("LogAddExp n=%d wrote past the end", n)
			}
			for i := range b {
				if d := lseULPs(buf[i], LogAddExpScalar(0.5, b[i]), 0.5, b[i]); d > maxULP {
					t.Fatalf("LogAddExp1 n=%d element %d: %v ulp", n, i, d)
				}
			}
		}
	})
}

func FuzzKernels(f *testing.F) {
	for _, v := range []float64{0, 1, -1, 0.625, 709.78, -745.13, 1e-310, math.Inf(1), math.NaN()} {
		f.Add(v, v/3)
	}
	f.Fuzz(func(t *testing.T, x, y float64) {
		xs := []float64{x, y, -x, x * y, x, y, x - y, 0.5 * x, x}
		got := make([]float64, len(xs))
		for _, u := range unaries() {
			u.vec(got, xs)
			for i, v := range xs {
				want := u.ref(v)
				d := ulps(got[i], want)
				special := math.IsNaN(want) || math.IsInf(want, 0) || want == 0
				if special && d != 0 || d > maxULP {
					t.Fatalf("%s(%v) = %v, want %v (%v ulp)", u.name, v, got[i], want, d)
				}
			}
		}
		b := append(xs[1:], x)
		LogAddExp(got, xs, b)
		for i := range xs {
			want := LogAddExpScalar(xs[i], b[i])
			if d := lseULPs(got[i], want, xs[i], b[i]); d > maxULP || (math.IsNaN(want) || math.IsInf(want, 0)) && d != 0 {
				t.Fatalf("LogAddExp(%v, %v) = %v, want %v", xs[i], b[i], got[i], want)
			}
		}
	})
}

func Example() {
	x := []float64{-1, 0, 1}
	y := make([]float64, len(x))
	Tanh(y, x)
	fmt.Printf("%.6f\n", y)
	// Output: [-0.761594 0.000000 0.761594]
}

// TestNoAllocs checks doc.go's claim that the functions allocate nothing
// (the scalar operand of LogAddExp1 included).
func TestNoAllocs(t *testing.T) {
	x := []float64{0.5, -1, 2, 3, 0.25, 7, -3}
	dst := make([]float64, len(x))
	withFallback(t, func(t *testing.T) {
		for _, u := range unaries() {
			if n := testing.AllocsPerRun(10, func() { u.vec(dst, x) }); n != 0 {
				t.Errorf("%s: %v allocations", u.name, n)
			}
		}
		if n := testing.AllocsPerRun(10, func() { LogAddExp(dst, x, x) }); n != 0 {
			t.Errorf("LogAddExp: %v allocations", n)
		}
		if n := testing.AllocsPerRun(10, func() { LogAddExp1(dst, 0.5, x) }); n != 0 {
			t.Errorf("LogAddExp1: %v allocations", n)
		}
	})
}
