package vmath

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// Kernel benchmarks over 10000 elements (W4's vector length), with the
// math package's loop alongside (Ref); ns/op divided by 10000 is ns per
// element.

const benchN = 10000

func benchData(lo, hi float64) []float64 {
	r := rand.New(rand.NewPCG(7, 8))
	return randomUniform(r, benchN, lo, hi)
}

func benchVec(b *testing.B, f func(dst, x []float64), x []float64) {
	dst := make([]float64, len(x))
	b.SetBytes(8 * int64(len(x)))
	for b.Loop() {
		f(dst, x)
	}
}

func benchRef(b *testing.B, f func(float64) float64, x []float64) {
	dst := make([]float64, len(x))
	b.SetBytes(8 * int64(len(x)))
	for b.Loop() {
		for i, v := range x {
			dst[i] = f(v)
		}
	}
}

func BenchmarkExp(b *testing.B)         { benchVec(b, Exp, benchData(-10, 10)) }
func BenchmarkExpRef(b *testing.B)      { benchRef(b, math.Exp, benchData(-10, 10)) }
func BenchmarkLog(b *testing.B)         { benchVec(b, Log, benchData(0, 100)) }
func BenchmarkLogRef(b *testing.B)      { benchRef(b, math.Log, benchData(0, 100)) }
func BenchmarkLog1p(b *testing.B)       { benchVec(b, Log1p, benchData(0, 1)) }
func BenchmarkLog1pRef(b *testing.B)    { benchRef(b, math.Log1p, benchData(0, 1)) }
func BenchmarkTanh(b *testing.B)        { benchVec(b, Tanh, benchData(-5, 5)) }
func BenchmarkTanhRef(b *testing.B)     { benchRef(b, math.Tanh, benchData(-5, 5)) }
func BenchmarkSigmoid(b *testing.B)     { benchVec(b, Sigmoid, benchData(-10, 10)) }
func BenchmarkSigmoidRef(b *testing.B)  { benchRef(b, SigmoidScalar, benchData(-10, 10)) }
func BenchmarkSoftplus(b *testing.B)    { benchVec(b, Softplus, benchData(-10, 10)) }
func BenchmarkSoftplusRef(b *testing.B) { benchRef(b, SoftplusScalar, benchData(-10, 10)) }

func BenchmarkLogAddExp1(b *testing.B) {
	benchVec(b, func(dst, x []float64) { LogAddExp1(dst, 0, x) }, benchData(-10, 10))
}

func BenchmarkLogAddExp1Ref(b *testing.B) {
	benchRef(b, func(v float64) float64 { return LogAddExpScalar(0, v) }, benchData(-10, 10))
}

func BenchmarkDiv(b *testing.B) {
	y := benchData(1, 2)
	benchVec(b, func(dst, x []float64) { Div(dst, x, y) }, benchData(-10, 10))
}

func BenchmarkDivRef(b *testing.B) {
	x, y, dst := benchData(-10, 10), benchData(1, 2), make([]float64, benchN)
	b.SetBytes(8 * benchN)
	for b.Loop() {
		for i := range dst {
			dst[i] = x[i] / y[i]
		}
	}
}

func BenchmarkNegMulDiv(b *testing.B) {
	q, y := benchData(-1, 1), benchData(1, 2)
	benchVec(b, func(dst, x []float64) { NegMulDiv(dst, x, q, y) }, benchData(-10, 10))
}

// BenchmarkTanhSorted is Tanh over sorted values (as EW's linspace): whole
// blocks take one branch.
func BenchmarkTanhSorted(b *testing.B) { benchVec(b, Tanh, sweep(-5, 5, benchN)) }

// The reciprocal forms against the division ones, at W1's length (200, in
// the cache) and benchN: AddNegMulDiv is W1's most frequent kernel.
func benchANMD(b *testing.B, n int, recip bool) {
	r := rand.New(rand.NewPCG(7, 8))
	x, g, q, y := aligned(randomUniform(r, n, -10, 10)), aligned(randomUniform(r, n, -10, 10)),
		aligned(randomUniform(r, n, -1, 1)), aligned(randomUniform(r, n, 1, 2))
	hi, lo := aligned(make([]float64, n)), aligned(make([]float64, n))
	RecipHi(hi, y)
	RecipLo(lo, y, hi)
	dst := aligned(make([]float64, n))
	b.SetBytes(8 * int64(n))
	for b.Loop() {
		if recip {
			AddNegMulDivRecip(dst, x, g, q, y, hi, lo)
		} else {
			AddNegMulDiv(dst, x, g, q, y)
		}
	}
}

func BenchmarkAddNegMulDiv200(b *testing.B)      { benchANMD(b, 200, false) }
func BenchmarkAddNegMulDivRecip200(b *testing.B) { benchANMD(b, 200, true) }
func BenchmarkAddNegMulDivN(b *testing.B)        { benchANMD(b, benchN, false) }
func BenchmarkAddNegMulDivRecipN(b *testing.B)   { benchANMD(b, benchN, true) }

// aligned returns a copy of x starting on a 64-byte boundary (as ad's Jit
// places its buffers).
func aligned(x []float64) []float64 {
	buf := make([]float64, len(x)+8)
	off := int(uintptr(unsafe.Pointer(&buf[0]))%64) / 8
	if off != 0 {
		off = 8 - off
	}
	s := buf[off : off+len(x) : off+len(x)]
	copy(s, x)
	return s
}
