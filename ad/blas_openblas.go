//go:build openblas && cgo

package ad

// Opt-in OpenBLAS backend for the matrix products. Build with
//
//	go build -tags openblas ./...
//
// on a system with OpenBLAS's development files (Debian: apt-get install
// libopenblas-dev). Every GEMM and GEMV that ad, its linear algebra and
// gonum's LAPACK make through blas64 then runs in OpenBLAS (multi-threaded,
// with vendor-tuned kernels); the other BLAS routines stay gonum's. The
// default build is pure Go and needs no C toolchain.
//
// OpenBLAS picks its CPU kernels when the library is loaded, before any Go
// code runs; on CPUs it does not recognise (some virtual machines) it falls
// back to a slow generic core (Prescott), which OPENBLAS_CORETYPE=SkylakeX
// (CPUs with AVX-512) or Haswell (AVX2) in the environment overrides. The
// gograd executable does that itself (kernel/cmd/gograd/blas.go); for
// `go test -tags openblas ./ad` benchmarks set the variable by hand, and
// check the core with OPENBLAS_VERBOSE=2.
//
// Threads: OpenBLAS runs each large GEMM on its own pool (as many threads
// as cores, OPENBLAS_NUM_THREADS to change), so blasThreaded turns off ad's
// own goroutine splitting of products. A BLAS call cannot be interrupted,
// but ad cuts large products into calls of at most gemmBlock multiply-adds
// (a millisecond or two in OpenBLAS) and checks the flag between them, so
// Interrupt stays prompt (TestOpenBLASInterruptLatency).

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>
*/
import "C"

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// openBLAS is gonum's BLAS with Dgemm and Dgemv replaced by OpenBLAS's.
type openBLAS struct{ gonum.Implementation }

func init() {
	blas64.Use(openBLAS{})
	blasThreaded = true
}

func cblasTrans(t blas.Transpose) C.enum_CBLAS_TRANSPOSE {
	if t == blas.NoTrans {
		return C.CblasNoTrans
	}
	return C.CblasTrans
}

// Dgemm computes C = alpha·op(A)·op(B) + beta·C (row-major) in OpenBLAS.
// Degenerate sizes, and arguments gonum would reject, go to gonum, which
// handles and reports them the same way as in the pure-Go build. With
// alpha = 0 only C is scaled: the BLAS specifies that A and B are not read
// then, but OpenBLAS 0.3.21 (and gonum 0.17) read them, so a NaN or Inf in
// them would leak into C.
func (o openBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	rowsA, colsA := m, k
	if tA != blas.NoTrans {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if tB != blas.NoTrans {
		rowsB, colsB = n, k
	}
	if m <= 0 || n <= 0 || k <= 0 ||
		lda < max(1, colsA) || ldb < max(1, colsB) || ldc < max(1, n) ||
		len(a) < (rowsA-1)*lda+colsA || len(b) < (rowsB-1)*ldb+colsB || len(c) < (m-1)*ldc+n {
		o.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if alpha == 0 {
		for i := range m {
			row := c[i*ldc : i*ldc+n]
			switch beta {
			case 0:
				clear(row)
			case 1:
			default:
				for j := range row {
					row[j] *= beta
				}
			}
		}
		return
	}
	C.cblas_dgemm(C.CblasRowMajor, cblasTrans(tA), cblasTrans(tB), C.blasint(m), C.blasint(n), C.blasint(k),
		C.double(alpha), (*C.double)(&a[0]), C.blasint(lda), (*C.double)(&b[0]), C.blasint(ldb),
		C.double(beta), (*C.double)(&c[0]), C.blasint(ldc))
}

// Dgemv computes y = alpha·op(A)·x + beta·y (row-major) in OpenBLAS, with the
// same fallback as Dgemm.
func (o openBLAS) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	lenX, lenY := n, m
	if tA != blas.NoTrans {
		lenX, lenY = m, n
	}
	if m <= 0 || n <= 0 || lda < max(1, n) || incX <= 0 || incY <= 0 ||
		len(a) < (m-1)*lda+n || len(x) < 1+(lenX-1)*incX || len(y) < 1+(lenY-1)*incY {
		o.Implementation.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	C.cblas_dgemv(C.CblasRowMajor, cblasTrans(tA), C.blasint(m), C.blasint(n),
		C.double(alpha), (*C.double)(&a[0]), C.blasint(lda), (*C.double)(&x[0]), C.blasint(incX),
		C.double(beta), (*C.double)(&y[0]), C.blasint(incY))
}
