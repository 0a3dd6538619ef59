package ad

import "testing"

// Benchmarks of the array ops. MatMul reports MB/s as MFLOP/s (SetBytes is
// the flop count of one product).

func benchmarkMatMul(b *testing.B, n int) {
	rng := NewRNG(1)
	x, y := rng.Normal(n, n), rng.Normal(n, n)
	b.SetBytes(int64(2 * n * n * n))
	for b.Loop() {
		MatMul(x, y)
	}
}

func BenchmarkMatMul64(b *testing.B)   { benchmarkMatMul(b, 64) }
func BenchmarkMatMul256(b *testing.B)  { benchmarkMatMul(b, 256) }
func BenchmarkMatMul1024(b *testing.B) { benchmarkMatMul(b, 1024) }

// BenchmarkW7MatMul1000 is workload W7 of shared/bench: a dense 1000×1000
// product, reported in GFLOP/s (2n³ per product).
func BenchmarkW7MatMul1000(b *testing.B) {
	const n = 1000
	rng := NewRNG(7)
	x, y := rng.Normal(n, n), rng.Normal(n, n)
	for b.Loop() {
		MatMul(x, y)
	}
	b.ReportMetric(2*n*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkMatMulBatched multiplies 64 stacked 32×32 pairs.
func BenchmarkMatMulBatched(b *testing.B) {
	rng := NewRNG(1)
	x, y := rng.Normal(64, 32, 32), rng.Normal(64, 32, 32)
	b.SetBytes(int64(2 * 64 * 32 * 32 * 32))
	for b.Loop() {
		MatMul(x, y)
	}
}

// BenchmarkMatMulGrad256 is a value and gradient of sum(A·B) w.r.t. A.
func BenchmarkMatMulGrad256(b *testing.B) {
	rng := NewRNG(1)
	x, y := rng.Normal(256, 256), rng.Normal(256, 256)
	f := func(a *Tensor) *Tensor { return Sum(MatMul(a, y)) }
	vg := ValueAndGrad(f)
	for b.Loop() {
		vg(x)
	}
}

func benchmarkReduce(b *testing.B, f func(*Tensor) *Tensor) {
	x := NewRNG(1).Normal(1000, 1000)
	b.SetBytes(8 * 1000 * 1000)
	for b.Loop() {
		f(x)
	}
}

func BenchmarkSumAll1M(b *testing.B) { benchmarkReduce(b, func(x *Tensor) *Tensor { return Sum(x) }) }
func BenchmarkSumAxis0_1M(b *testing.B) {
	benchmarkReduce(b, func(x *Tensor) *Tensor { return Sum(x, 0) })
}
func BenchmarkSumAxis1_1M(b *testing.B) {
	benchmarkReduce(b, func(x *Tensor) *Tensor { return Sum(x, 1) })
}
func BenchmarkMaxAxis1_1M(b *testing.B) {
	benchmarkReduce(b, func(x *Tensor) *Tensor { return Max(x, 1) })
}
func BenchmarkLogSumExp1M(b *testing.B) {
	benchmarkReduce(b, func(x *Tensor) *Tensor { return LogSumExp(x, 1) })
}
func BenchmarkTranspose1M(b *testing.B) {
	benchmarkReduce(b, func(x *Tensor) *Tensor { return Transpose(x) })
}
func BenchmarkTranspose3D(b *testing.B) {
	x := NewRNG(1).Normal(100, 100, 100)
	b.SetBytes(8 * 1000 * 1000)
	for b.Loop() {
		Transpose(x, 2, 0, 1)
	}
}
func BenchmarkSliceStep1M(b *testing.B) {
	benchmarkReduce(b, func(x *Tensor) *Tensor { return Slice(x, Step(2), Step(-1)) })
}
func BenchmarkTake1M(b *testing.B) {
	idx := NewRNG(2).Perm(1000)
	benchmarkReduce(b, func(x *Tensor) *Tensor { return Take(x, idx, 0) })
}
func BenchmarkSumGrad1M(b *testing.B) {
	benchmarkReduce(b, Grad(func(x *Tensor) *Tensor { return Sum(Max(x, 1)) }))
}
