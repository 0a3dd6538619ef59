package vmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAVX512MatchesAVX2 checks that the AVX-512 forms of the kernels give
// bit for bit the results of the AVX2 ones: they perform the same
// arithmetic (VSCALEFPD rounds once, as the AVX2 two-factor scaling does),
// so any difference is a defect even within the ulp bounds. Random bit
// patterns, special values and the dense ranges of the sweeps, at a length
// with a partial final block.
func TestAVX512MatchesAVX2(t *testing.T) {
	if !useAVX512 {
		t.Skip("AVX-512 not available")
	}
	defer func() { useAVX512 = true }()
	r := rand.New(rand.NewPCG(13, 14))
	n := 1<<18 + 5
	if raceEnabled {
		n = 1<<14 + 5
	}
	xs := randomBits(r, n, 0)
	xs = append(xs, sweep(-750, 750, n)...)
	xs = append(xs, sweep(-2, 2, n)...)
	xs = append(xs, 0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64,
		-math.SmallestNonzeroFloat64, 0x1p-1022, -1, 1e-300, 709.782712893384, -745.1332191019412, 0.625)
	ys := append(xs[1:], xs[0])
	got512, got2 := make([]float64, len(xs)), make([]float64, len(xs))
	run := func(name string, f func(dst []float64)) {
		useAVX512 = true
		f(got512)
		useAVX512 = false
		f(got2)
		for i := range got512 {
			if math.Float64bits(got512[i]) != math.Float64bits(got2[i]) && !(math.IsNaN(got512[i]) && math.IsNaN(got2[i])) {
				t.Fatalf("%s: element %d (x = %v, y = %v): AVX-512 %v, AVX2 %v", name, i, xs[i], ys[i], got512[i], got2[i])
			}
		}
	}
	for _, u := range unaries() {
		run(u.name, func(dst []float64) { u.vec(dst, xs) })
	}
	run("LogAddExp", func(dst []float64) { LogAddExp(dst, xs, ys) })
	run("LogAddExp1", func(dst []float64) { LogAddExp1(dst, 0, xs) })
	run("Div", func(dst []float64) { Div(dst, xs, ys) })
	run("NegMulDiv", func(dst []float64) { NegMulDiv(dst, xs, ys, xs) })
	zs := append(xs[2:], xs[:2]...)
	run("NegMulDiv3", func(dst []float64) { NegMulDiv(dst, xs, ys, zs) })
	run("AddNegMulDiv", func(dst []float64) { AddNegMulDiv(dst, zs, xs, ys, ys) })
	run("AddNegMulDiv4", func(dst []float64) { AddNegMulDiv(dst, ys, zs, xs, ys) })
}
