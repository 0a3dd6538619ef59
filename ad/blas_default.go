//go:build !openblas || !cgo

package ad

// Default BLAS: gonum's pure-Go implementation with Dgemm and Dgemv replaced
// by ad/internal/gemm's (AVX2/FMA kernels in Go assembly, packed and
// cache-blocked, parallel for large products). Every GEMM and GEMV that ad,
// its linear algebra and gonum's LAPACK make through blas64 runs there. On
// CPUs without AVX2 and FMA (and with GOGRAD_GEMM=purego, or the purego
// build tag) gemm passes every call to gonum, and nothing is installed.

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"

	gogemm "github.com/gograd/gograd/ad/internal/gemm"
)

// goBLAS is gonum's BLAS with gemm's Dgemm and Dgemv.
type goBLAS struct{ gonum.Implementation }

func init() {
	if !gogemm.Accelerated() {
		return
	}
	blas64.Use(goBLAS{})
	// gemm shares large products among the cores itself; matmulKernel
	// still spreads batches of products below that size over them.
	blasThreaded = true
	blasParallelMin = gogemm.ParallelMin
	gemmStop = func(tA, tB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) bool {
		return gogemm.DgemmStop(&interrupted, trans(tA), trans(tB), m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
	}
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// Dgemm computes C = alpha·op(A)·op(B) + beta·C (row-major) in gemm.
func (goBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	gogemm.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dgemv computes y = alpha·op(A)·x + beta·y (row-major) in gemm.
func (goBLAS) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	gogemm.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
}

// String describes the kernels for `gograd version`.
func (goBLAS) String() string {
	return "gograd's AVX2/FMA kernels (ad/internal/gemm), gonum for the rest"
}
