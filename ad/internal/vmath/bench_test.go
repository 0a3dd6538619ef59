package vmath

import (
	"math"
	"math/rand/v2"
	"testing"
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
