//go:build !openblas || !cgo

package ad

import (
	"errors"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"

	gogemm "github.com/gograd/gograd/ad/internal/gemm"
)

// TestDefaultBLASInstalled: on CPUs with the assembly kernels, blas64 (and
// so MatMul, Conv, Einsum and gonum's LAPACK) runs on gemm, large products
// are left to its goroutines, and products are interruptible in one call.
func TestDefaultBLASInstalled(t *testing.T) {
	impl := blas64.Implementation()
	_, isGo := impl.(goBLAS)
	if gogemm.Accelerated() != isGo {
		t.Fatalf("gemm.Accelerated() = %v but blas64 implementation is %T", gogemm.Accelerated(), impl)
	}
	if !isGo {
		t.Skip("gemm not accelerated here (no AVX2/FMA, or GOGRAD_GEMM=purego): gonum's BLAS is in use")
	}
	if !blasThreaded || blasParallelMin != gogemm.ParallelMin || gemmStop == nil {
		t.Errorf("blasThreaded = %v, blasParallelMin = %d, gemmStop set = %v", blasThreaded, blasParallelMin, gemmStop != nil)
	}
}

// TestDefaultBLASInterrupt: a product that gemm gives up on (the flag was
// raised while it ran) panics with ErrInterrupted rather than returning a
// partial result.
func TestDefaultBLASInterrupt(t *testing.T) {
	if gemmStop == nil {
		t.Skip("no interruptible GEMM in this build")
	}
	saved := gemmStop
	defer func() { gemmStop = saved }()
	// Stand-in for a product interrupted midway: the flag goes up inside
	// the call, after gemmPlain's check on entry.
	gemmStop = func(ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) bool {
		Interrupt()
		return saved(ta, tb, m, n, k, a, lda, b, ldb, c, ldc)
	}
	defer ResetInterrupt()
	const n = 300
	err := Catch(func() {
		matmulKernel("T", []int{n, n}, make([]float64, n*n), []int{n, n}, make([]float64, n*n), nil, false, false)
	})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("error %v, want ErrInterrupted", err)
	}
}
