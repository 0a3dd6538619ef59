package ad

// Forward kernels of the linear-algebra primitives on raw row-major data.
//
// Every kernel works on a batch of matrices stored back to back: a tensor of
// shape (..., m, n) is batch = prod(...) matrices of m×n values. Kernels never
// modify their inputs, and report data-dependent failures (a singular or
// non-positive-definite matrix) as errors so the primitive can name itself.

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// errSingular and errNotPD are the data-dependent failures of the kernels.
// Primitives wrap them with their own name.
var (
	errSingular = errors.New("matrix is singular to working precision")
	errNotPD    = errors.New("matrix is not positive definite")
	errNoConv   = errors.New("the decomposition did not converge")
	// errInterrupted stops a batch between two matrices after Interrupt.
	errInterrupted = errors.New("interrupted")
)

// singularRcond is the reciprocal condition number below which a matrix is
// reported as singular rather than solved into meaningless values.
const singularRcond = 1e-15

// general wraps an m×n row-major block as a blas64.General.
func general(d []float64, m, n int) blas64.General {
	return blas64.General{Rows: m, Cols: n, Stride: max(n, 1), Data: d}
}

// kCholesky returns the lower Cholesky factors of batch n×n matrices. Only
// the lower triangles of the inputs are read.
func kCholesky(a []float64, batch, n int) ([]float64, error) {
	out := make([]float64, len(a))
	copy(out, a)
	for b := 0; b < batch; b++ {
		if Interrupted() {
			return nil, errInterrupted
		}
		blk := out[b*n*n : (b+1)*n*n]
		_, ok := lapack64.Potrf(blas64.Symmetric{Uplo: blas.Lower, N: n, Stride: max(n, 1), Data: blk})
		if !ok {
			return nil, errNotPD
		}
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				blk[i*n+j] = 0
			}
		}
	}
	return out, nil
}

// kSolveTriangular solves op(A) X = B for batch triangular n×n matrices A and
// n×k right-hand sides B, where op(A) is A or Aᵀ. Only the triangle named by
// lower is read. A zero (or vanishing) diagonal entry is an error.
func kSolveTriangular(a, b []float64, batch, n, k int, lower, trans bool) ([]float64, error) {
	out := make([]float64, len(b))
	copy(out, b)
	uplo, tr := blas.Upper, blas.NoTrans
	if lower {
		uplo = blas.Lower
	}
	if trans {
		tr = blas.Trans
	}
	for bi := 0; bi < batch; bi++ {
		if Interrupted() {
			return nil, errInterrupted
		}
		ab := a[bi*n*n : (bi+1)*n*n]
		var dmax, dmin float64 = 0, math.Inf(1)
		for i := 0; i < n; i++ {
			d := math.Abs(ab[i*n+i])
			dmax, dmin = math.Max(dmax, d), math.Min(dmin, d)
		}
		if n > 0 && (dmin == 0 || dmin <= singularRcond*dmax || math.IsNaN(dmin)) {
			return nil, errSingular
		}
		t := blas64.Triangular{Uplo: uplo, Diag: blas.NonUnit, N: n, Stride: max(n, 1), Data: ab}
		trsmColumns(tr, t, out[bi*n*k:(bi+1)*n*k], n, k)
	}
	return out, nil
}

// trsmColumns solves op(T) X = B in place for an n×k row-major B. The
// columns of B are independent systems, so large solves are split into
// column blocks solved on all cores.
func trsmColumns(tr blas.Transpose, t blas64.Triangular, b []float64, n, k int) {
	workers := min(runtime.GOMAXPROCS(0), k/64)
	if workers <= 1 || n*n*k < 1<<21 {
		blas64.Trsm(blas.Left, tr, 1, t, general(b, n, k))
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*k/workers, (w+1)*k/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			sub := blas64.General{Rows: n, Cols: hi - lo, Stride: k, Data: b[lo:]}
			blas64.Trsm(blas.Left, tr, 1, t, sub)
		}()
	}
	wg.Wait()
}

// luFactor factors one n×n matrix in place and reports whether it is
// numerically nonsingular (its reciprocal 1-norm condition estimate is above
// singularRcond).
func luFactor(blk []float64, n int, ipiv []int) bool {
	g := general(blk, n, n)
	anorm := lapack64.Lange(lapack.MaxColumnSum, g, make([]float64, n))
	if !lapack64.Getrf(g, ipiv) {
		return false
	}
	if n == 0 {
		return true
	}
	rcond := lapack64.Gecon(lapack.MaxColumnSum, g, anorm, make([]float64, 4*n), make([]int, n))
	return rcond > singularRcond && !math.IsNaN(rcond)
}

// kSolve solves A X = B for batch n×n matrices A and n×k right-hand sides B.
func kSolve(a, b []float64, batch, n, k int) ([]float64, error) {
	out := make([]float64, len(b))
	copy(out, b)
	lu := make([]float64, n*n)
	ipiv := make([]int, n)
	for bi := 0; bi < batch; bi++ {
		if Interrupted() {
			return nil, errInterrupted
		}
		copy(lu, a[bi*n*n:(bi+1)*n*n])
		if !luFactor(lu, n, ipiv) {
			return nil, errSingular
		}
		lapack64.Getrs(blas.NoTrans, general(lu, n, n), general(out[bi*n*k:(bi+1)*n*k], n, k), ipiv)
	}
	return out, nil
}

// kInv returns the inverses of batch n×n matrices.
func kInv(a []float64, batch, n int) ([]float64, error) {
	out := make([]float64, len(a))
	copy(out, a)
	ipiv := make([]int, n)
	work := make([]float64, max(4*n, 1))
	for bi := 0; bi < batch; bi++ {
		if Interrupted() {
			return nil, errInterrupted
		}
		blk := out[bi*n*n : (bi+1)*n*n]
		if !luFactor(blk, n, ipiv) {
			return nil, errSingular
		}
		if n > 0 && !lapack64.Getri(general(blk, n, n), ipiv, work, len(work)) {
			return nil, errSingular
		}
	}
	return out, nil
}

// kSlogDet returns the sign and the natural log of the absolute value of the
// determinants of batch n×n matrices. A singular matrix has sign 0 and log
// -Inf, like numpy.linalg.slogdet.
func kSlogDet(a []float64, batch, n int) (sign, logabs []float64) {
	sign = make([]float64, batch)
	logabs = make([]float64, batch)
	lu := make([]float64, n*n)
	ipiv := make([]int, n)
	for bi := 0; bi < batch; bi++ {
		checkInterrupt("SlogDet")
		copy(lu, a[bi*n*n:(bi+1)*n*n])
		lapack64.Getrf(general(lu, n, n), ipiv)
		s, l := 1.0, 0.0
		for i := 0; i < n; i++ {
			d := lu[i*n+i]
			if ipiv[i] != i {
				s = -s
			}
			if d < 0 {
				s = -s
			}
			l += math.Log(math.Abs(d))
		}
		if math.IsInf(l, -1) {
			s = 0
		}
		sign[bi], logabs[bi] = s, l
	}
	return sign, logabs
}

// kDet returns the determinants of batch n×n matrices.
func kDet(a []float64, batch, n int) []float64 {
	out := make([]float64, batch)
	lu := make([]float64, n*n)
	ipiv := make([]int, n)
	for bi := 0; bi < batch; bi++ {
		checkInterrupt("Det")
		copy(lu, a[bi*n*n:(bi+1)*n*n])
		lapack64.Getrf(general(lu, n, n), ipiv)
		d := 1.0
		for i := 0; i < n; i++ {
			d *= lu[i*n+i]
			if ipiv[i] != i {
				d = -d
			}
		}
		out[bi] = d
	}
	return out
}

// kEigh returns the eigenvalues in ascending order (batch×n) and the
// eigenvectors as columns (batch×n×n) of batch symmetric n×n matrices. Only
// the lower triangles are read.
func kEigh(a []float64, batch, n int) (w, v []float64, err error) {
	v = make([]float64, len(a))
	copy(v, a)
	w = make([]float64, batch*n)
	work := []float64{0}
	if n > 0 {
		lapack64.Syev(lapack.EVCompute, blas64.Symmetric{Uplo: blas.Lower, N: n, Stride: n, Data: v[:n*n]}, w[:n], work, -1)
	}
	work = make([]float64, max(int(work[0]), 3*n))
	for bi := 0; bi < batch && n > 0; bi++ {
		if Interrupted() {
			return nil, nil, errInterrupted
		}
		blk := v[bi*n*n : (bi+1)*n*n]
		sym := blas64.Symmetric{Uplo: blas.Lower, N: n, Stride: n, Data: blk}
		if !lapack64.Syev(lapack.EVCompute, sym, w[bi*n:(bi+1)*n], work, len(work)) {
			return nil, nil, errNoConv
		}
	}
	return w, v, nil
}

// kSVD returns the thin singular value decomposition A = U diag(S) Vᵀ of
// batch m×n matrices: U is batch×m×k, S is batch×k in decreasing order and Vt
// is batch×k×n, with k = min(m, n).
func kSVD(a []float64, batch, m, n int) (u, s, vt []float64, err error) {
	k := min(m, n)
	u = make([]float64, batch*m*k)
	s = make([]float64, batch*k)
	vt = make([]float64, batch*k*n)
	if k == 0 {
		return u, s, vt, nil
	}
	blk := make([]float64, m*n)
	work := []float64{0}
	copy(blk, a[:m*n])
	lapack64.Gesvd(lapack.SVDStore, lapack.SVDStore, general(blk, m, n), general(u[:m*k], m, k), general(vt[:k*n], k, n), s[:k], work, -1)
	work = make([]float64, max(int(work[0]), 5*k+max(m, n)))
	for bi := 0; bi < batch; bi++ {
		if Interrupted() {
			return nil, nil, nil, errInterrupted
		}
		copy(blk, a[bi*m*n:(bi+1)*m*n])
		ok := lapack64.Gesvd(lapack.SVDStore, lapack.SVDStore, general(blk, m, n),
			general(u[bi*m*k:(bi+1)*m*k], m, k), general(vt[bi*k*n:(bi+1)*k*n], k, n),
			s[bi*k:(bi+1)*k], work, len(work))
		if !ok {
			return nil, nil, nil, errNoConv
		}
	}
	return u, s, vt, nil
}

// matrixBatch splits a shape (..., m, n) into the batch size and the matrix
// dimensions. It returns an error for tensors of fewer than two dimensions.
func matrixBatch(shape []int) (batch, m, n int, err error) {
	if len(shape) < 2 {
		return 0, 0, 0, fmt.Errorf("want a matrix or a batch of matrices, got shape %v", shape)
	}
	batch = 1
	for _, d := range shape[:len(shape)-2] {
		batch *= d
	}
	return batch, shape[len(shape)-2], shape[len(shape)-1], nil
}
