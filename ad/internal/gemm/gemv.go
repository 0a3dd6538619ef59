package gemm

import (
	"runtime"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
)

// Dgemv computes y = alpha·op(A)·x + beta·y for a row-major m×n matrix A
// with the semantics of gonum's blas.Float64Level2 Dgemv; when beta is 0, y
// is overwritten without being read. Invalid arguments panic with gonum's
// messages. Unit strides run in the AVX2 kernels (A·x in an AVX-512 one where
// the CPU and OS support it; on several goroutines for large matrices);
// other strides go to gonum.
func Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	trans := tA == blas.Trans || tA == blas.ConjTrans
	lenX, lenY := n, m
	if trans {
		lenX, lenY = m, n
	}
	if !useAsm || (tA != blas.NoTrans && !trans) || m <= 0 || n <= 0 || lda < n || incX != 1 || incY != 1 ||
		len(a) < (m-1)*lda+n || len(x) < lenX || len(y) < lenY || alpha == 0 {
		impl.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	if m*n >= gemvChunkMin {
		gemvChunked(trans, m, n, alpha, a, lda, x, beta, y)
		return
	}
	if !trans {
		gemvN(0, m, n, alpha, a, lda, x, beta, y)
		return
	}
	gemvT(m, 0, n, alpha, a, lda, x, beta, y)
}

// gemvChunked computes a large Dgemv as gemvChunks blocks of rows of A,
// claimed from a counter by the caller and any pool helper that joins (see
// pool.go): y = A·x writes disjoint parts of y; y = Aᵀ·x sums each block
// into its own vector and adds the vectors in block order, so the result
// depends only on the shape, not on how many goroutines ran or which ran
// what (with GOMAXPROCS 1 the caller runs every block).
func gemvChunked(trans bool, m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
	chunks := min(gemvChunks, (m+3)/4)
	var accs *[]float64
	var acc []float64
	if trans {
		accs = getBuf(chunks * n)
		defer putBuf(accs)
		acc = *accs
		clear(acc)
	}
	j := &gemvJob{chunks: chunks}
	j.do = func(c int) {
		lo, hi := part(m, chunks, c, 4)
		if lo >= hi {
			return
		}
		if trans {
			axpyRows(lo, hi, 0, n, a, lda, x, acc[c*n:(c+1)*n])
		} else {
			gemvN(lo, hi, n, alpha, a, lda, x, beta, y)
		}
	}
	j.js.r = j
	j.js.run(max(0, runtime.GOMAXPROCS(0)-1))
	if !trans {
		return
	}
	for jj := 0; jj < n; jj++ {
		s := acc[jj]
		for c := 1; c < chunks; c++ {
			s += acc[c*n+jj]
		}
		if beta == 0 {
			y[jj] = alpha * s
		} else {
			y[jj] = alpha*s + beta*y[jj]
		}
	}
}

// gemvJob is a chunked Dgemv as a pool job.
type gemvJob struct {
	js     jobState
	next   atomic.Int64
	chunks int
	do     func(c int)
}

func (j *gemvJob) participate() {
	for {
		c := int(j.next.Add(1) - 1)
		if c >= j.chunks {
			return
		}
		j.do(c)
	}
}

// gemvN computes rows lo…hi of y = alpha·A·x + beta·y.
func gemvN(lo, hi, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
	n8 := n &^ 3 // the kernel's part
	var out [4]float64
	i := lo
	if useAVX512 {
		var out8 [8]float64
		for ; i+8 <= hi; i += 8 {
			dot8z(n, &a[i*lda], lda, &x[0], &out8)
			for r, s := range out8 {
				if beta == 0 {
					y[i+r] = alpha * s
				} else {
					y[i+r] = alpha*s + beta*y[i+r]
				}
			}
		}
	}
	for ; i+4 <= hi; i += 4 {
		if n8 > 0 {
			dot4(n8, &a[i*lda], lda, &x[0], &out)
		} else {
			out = [4]float64{}
		}
		for r := 0; r < 4; r++ {
			s := out[r]
			row := a[(i+r)*lda : (i+r)*lda+n]
			for j := n8; j < n; j++ {
				s += row[j] * x[j]
			}
			out[r] = s
		}
		for r := 0; r < 4; r++ {
			if beta == 0 {
				y[i+r] = alpha * out[r]
			} else {
				y[i+r] = alpha*out[r] + beta*y[i+r]
			}
		}
	}
	for ; i < hi; i++ {
		row := a[i*lda : i*lda+n]
		var s0, s1, s2, s3 float64
		j := 0
		for ; j+4 <= n; j += 4 {
			s0 += row[j] * x[j]
			s1 += row[j+1] * x[j+1]
			s2 += row[j+2] * x[j+2]
			s3 += row[j+3] * x[j+3]
		}
		for ; j < n; j++ {
			s0 += row[j] * x[j]
		}
		s := (s0 + s1) + (s2 + s3)
		if beta == 0 {
			y[i] = alpha * s
		} else {
			y[i] = alpha*s + beta*y[i]
		}
	}
}

// gemvT computes entries lo…hi of y = alpha·Aᵀ·x + beta·y.
func gemvT(m, lo, hi int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
	accp := getBuf(hi - lo)
	defer putBuf(accp)
	acc := *accp
	clear(acc)
	axpyRows(0, m, lo, hi, a, lda, x, acc)
	for j := lo; j < hi; j++ {
		if beta == 0 {
			y[j] = alpha * acc[j-lo]
		} else {
			y[j] = alpha*acc[j-lo] + beta*y[j]
		}
	}
}

// axpyRows adds Σ_{i in rlo…rhi} x[i]·A[i, clo…chi] to acc (of length
// chi-clo).
func axpyRows(rlo, rhi, clo, chi int, a []float64, lda int, x []float64, acc []float64) {
	w := chi - clo
	w8 := w &^ 3 // the kernel's part
	var s [4]float64
	i := rlo
	for ; i+4 <= rhi; i += 4 {
		s = [4]float64{x[i], x[i+1], x[i+2], x[i+3]}
		if w8 > 0 {
			axpy4(w8, &a[i*lda+clo], lda, &s, &acc[0])
		}
		if w8 < w {
			r0 := a[i*lda+clo : i*lda+chi]
			r1 := a[(i+1)*lda+clo : (i+1)*lda+chi]
			r2 := a[(i+2)*lda+clo : (i+2)*lda+chi]
			r3 := a[(i+3)*lda+clo : (i+3)*lda+chi]
			for j := w8; j < w; j++ {
				acc[j] += s[0]*r0[j] + s[1]*r1[j] + s[2]*r2[j] + s[3]*r3[j]
			}
		}
	}
	for ; i < rhi; i++ {
		xi := x[i]
		row := a[i*lda+clo : i*lda+chi]
		for j, v := range row {
			acc[j] += xi * v
		}
	}
}
