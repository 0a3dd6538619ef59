//go:build openblas

package ad

// Opt-in OpenBLAS backend. Building with `-tags openblas` (cgo, a C
// compiler and libopenblas-dev, or any CBLAS under that name, required)
// routes the matrix products that ad sends through gonum's blas64 (GEMM and
// GEMV) to OpenBLAS; every other BLAS routine stays gonum's pure-Go one. The
// default build is pure Go and needs no C toolchain.
//
//	go test -tags openblas ./ad/
//	go build -tags openblas ./kernel/cmd/gograd

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>
void openblas_set_num_threads(int);
*/
import "C"

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// openBLAS is gonum's implementation with Dgemm and Dgemv replaced by
// OpenBLAS's.
type openBLAS struct {
	gonum.Implementation
}

// init installs the backend. OpenBLAS runs single-threaded: ad already
// shares large products among GOMAXPROCS goroutines, and two thread pools
// competing for the same cores are slower than one.
func init() {
	C.openblas_set_num_threads(1)
	blas64.Use(openBLAS{})
}

func cblasTrans(t blas.Transpose) C.enum_CBLAS_TRANSPOSE {
	if t == blas.NoTrans {
		return C.CblasNoTrans
	}
	return C.CblasTrans
}

// Dgemm computes C = alpha·op(A)·op(B) + beta·C in row-major order.
func (impl openBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 || k == 0 || len(a) == 0 || len(b) == 0 || len(c) == 0 {
		// Degenerate sizes: gonum checks and handles them (beta scaling).
		impl.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	C.cblas_dgemm(C.CblasRowMajor, cblasTrans(tA), cblasTrans(tB), C.blasint(m), C.blasint(n), C.blasint(k),
		C.double(alpha), (*C.double)(&a[0]), C.blasint(lda), (*C.double)(&b[0]), C.blasint(ldb),
		C.double(beta), (*C.double)(&c[0]), C.blasint(ldc))
}

// Dgemv computes y = alpha·op(A)·x + beta·y in row-major order.
func (impl openBLAS) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if m == 0 || n == 0 || len(a) == 0 || len(x) == 0 || len(y) == 0 || incX <= 0 || incY <= 0 {
		impl.Implementation.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	C.cblas_dgemv(C.CblasRowMajor, cblasTrans(tA), C.blasint(m), C.blasint(n), C.double(alpha),
		(*C.double)(&a[0]), C.blasint(lda), (*C.double)(&x[0]), C.blasint(incX),
		C.double(beta), (*C.double)(&y[0]), C.blasint(incY))
}
