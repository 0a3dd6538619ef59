package ad

import "testing"

// Benchmarks of the extension ops (issue 6). testdata/bench_ext_torch.py
// times the same workloads with PyTorch for the ratios.

// BenchmarkCholeskySolve500Grad is value and gradient of
// sum(solve(L, b)) with L = cholesky(A), A 500×500 SPD, b 500×1,
// with respect to A.
func BenchmarkCholeskySolve500Grad(b *testing.B) {
	a := spd(1, 500, 500)
	rhs := randTensor(2, 500, 1)
	f := func(a *Tensor) *Tensor {
		l := Cholesky(a)
		return Sum(SolveTriangular(l, rhs, true))
	}
	vg := ValueAndGrad(f)
	ct := startCPU(b)
	for i := 0; i < b.N; i++ {
		vg(a)
	}
	ct.stop()
}

// BenchmarkCholeskySolve500Fwd is the forward pass of the same function.
func BenchmarkCholeskySolve500Fwd(b *testing.B) {
	a := spd(1, 500, 500)
	rhs := randTensor(2, 500, 1)
	ct := startCPU(b)
	for i := 0; i < b.N; i++ {
		Sum(SolveTriangular(Cholesky(a), rhs, true))
	}
	ct.stop()
}

// conv benchmark data: x 64×16×32×32, w 16×16×3×3, padding 1.
func convBenchData() (*Tensor, *Tensor) {
	return randTensor(3, 64, 16, 32, 32), Mul(randTensor(4, 16, 16, 3, 3), 0.1)
}

// BenchmarkConv2D3x3Fwd is a 3×3 convolution (16→16 channels, padding 1)
// over a batch of 64 images of 16×32×32.
func BenchmarkConv2D3x3Fwd(b *testing.B) {
	x, w := convBenchData()
	ct := startCPU(b)
	for i := 0; i < b.N; i++ {
		Conv2D(x, w, 1, 1)
	}
	ct.stop()
}

// BenchmarkConv2D3x3FwdBwd is the same convolution forward and backward: the
// gradient of sum(conv²)/2 with respect to both input and filters.
func BenchmarkConv2D3x3FwdBwd(b *testing.B) {
	x, w := convBenchData()
	f := func(p []*Tensor) *Tensor { return Mul(Sum(Square(Conv2D(p[0], p[1], 1, 1))), 0.5) }
	vg := ValueAndGradSlice(f)
	ct := startCPU(b)
	for i := 0; i < b.N; i++ {
		vg([]*Tensor{x, w})
	}
	ct.stop()
}

func einsumBenchData() (*Tensor, *Tensor) {
	return randTensor(5, 32, 64, 64), randTensor(6, 32, 64, 64)
}

// BenchmarkEinsumBatchedMatMul is Einsum("bij,bjk->bik") on 32 products of
// 64×64 matrices; compare with BenchmarkMatMulBatchedEinsumData.
func BenchmarkEinsumBatchedMatMul(b *testing.B) {
	x, y := einsumBenchData()
	ct := startCPU(b)
	for i := 0; i < b.N; i++ {
		Einsum("bij,bjk->bik", x, y)
	}
	ct.stop()
}

// BenchmarkMatMulBatchedEinsumData is MatMul on the same operands as
// BenchmarkEinsumBatchedMatMul.
func BenchmarkMatMulBatchedEinsumData(b *testing.B) {
	x, y := einsumBenchData()
	ct := startCPU(b)
	for i := 0; i < b.N; i++ {
		MatMul(x, y)
	}
	ct.stop()
}

// BenchmarkEinsumTransposedOperand is Einsum("bji,bjk->bik"), which needs a
// transpose before the product.
func BenchmarkEinsumTransposedOperand(b *testing.B) {
	x, y := einsumBenchData()
	ct := startCPU(b)
	for i := 0; i < b.N; i++ {
		Einsum("bji,bjk->bik", x, y)
	}
	ct.stop()
}
