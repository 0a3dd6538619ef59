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
// Threads: OpenBLAS runs each GEMM of more than 2^18 multiply-adds on its
// own pool (as many threads as cores; OPENBLAS_NUM_THREADS changes it), so
// blasThreaded and blasParallelMin leave those to it and spread only
// batches of smaller products (which OpenBLAS runs single-threaded) over
// goroutines: the cores are never oversubscribed. A BLAS call cannot be
// interrupted, so gemmStop cuts a product into calls of at most
// openBLASBlock multiply-adds and checks the flag between them
// (TestOpenBLASInterruptLatency).

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>
*/
import "C"

import (
	"fmt"
	"strings"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// openBLAS is gonum's BLAS with Dgemm and Dgemv replaced by OpenBLAS's.
type openBLAS struct{ gonum.Implementation }

func init() {
	blas64.Use(openBLAS{})
	blasThreaded = true
	blasParallelMin = openBLASParallelMin
	gemmStop = openBLASGemmStop
}

// openBLASParallelMin is the number of multiply-adds from which OpenBLAS
// 0.3.21 runs a GEMM on several threads (more than SMP_THRESHOLD_MIN ×
// GEMM_MULTITHREAD_THRESHOLD = 65536 × 4 in interface/gemm.c).
const openBLASParallelMin = 1<<18 + 1

// openBLASBlock is the largest number of multiply-adds of one OpenBLAS call
// in openBLASGemmStop: about 1.5 ms on two Zen 4 cores at 90 GFLOP/s, 3 ms on
// one, 10 ms at 27 GFLOP/s. Smaller blocks cost more: every call repacks B
// (measured on 1000×1000: 85 GFLOP/s in calls of 64 rows, i.e. 2^26, 94 in
// calls of 128, 101 in one call).
const openBLASBlock = 1 << 27

// openBLASGemmStop computes c = op(a)·op(b) (row-major, c with stride ldc)
// in OpenBLAS calls of at most openBLASBlock multiply-adds (whole rows of c,
// at least one), checking the interruption flag before each; it reports
// whether the product completed. The calls go through blas64 (normally
// openBLAS) so that tests can count them.
func openBLASGemmStop(ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) bool {
	tA, tB := blas.NoTrans, blas.NoTrans
	if ta {
		tA = blas.Trans
	}
	if tb {
		tB = blas.Trans
	}
	rows := max(1, openBLASBlock/max(1, k*n))
	for r := 0; r < m; r += rows {
		if interrupted.Load() {
			return false
		}
		h := min(rows, m-r)
		aOff := r * lda // rows r…r+h of op(a) are rows of a, or columns when ta
		if ta {
			aOff = r
		}
		blas64.Implementation().Dgemm(tA, tB, h, n, k, 1, a[aOff:], lda, b, ldb, 0, c[r*ldc:], ldc)
	}
	return true
}

// String describes the library for `gograd version`, for example
// "OpenBLAS 0.3.21 (core SkylakeX, 2 threads)".
func (openBLAS) String() string {
	version := "OpenBLAS"
	if f := strings.Fields(C.GoString(C.openblas_get_config())); len(f) >= 2 && f[0] == "OpenBLAS" {
		version += " " + f[1]
	}
	threads := int(C.openblas_get_num_threads())
	unit := "threads"
	if threads == 1 {
		unit = "thread"
	}
	return fmt.Sprintf("%s (core %s, %d %s)", version, strings.TrimSpace(C.GoString(C.openblas_get_corename())), threads, unit)
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
