package ad

import (
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Raw kernel for the matrix product: a batch of GEMMs (GEMVs for vectors)
// through blas64: ad/internal/gemm's kernels in the default build (see
// blas_default.go), OpenBLAS in the opt-in build, gonum on other CPUs.

// gemmBlock is about the number of multiply-adds one BLAS call performs
// between two checks for interruption: about 10 ms of work at gonum's speed.
// Products are split by rows of the result into calls of this size (at
// least one row, and whole blocks of 64 rows when more than 64 fit).
const gemmBlock = 1 << 26

// matmulKernel multiplies stacks of matrices with numpy's matmul semantics
// for operands of at least two dimensions: the result is op(a)·op(b), where
// op transposes the last two axes of a when ta is set (and of b when tb is
// set); op(a) has shape (..., m, k), op(b) has shape (..., k, n), the batch
// dimensions broadcast, and the result has shape outBatch + (m, n). The
// transposes are GEMM flags: nothing is copied. Shapes are assumed to agree.
func matmulKernel(op string, aShape []int, a []float64, bShape []int, b []float64, outBatch []int, ta, tb bool) []float64 {
	na, nb := len(aShape), len(bShape)
	m, k := aShape[na-2], aShape[na-1]
	if ta {
		m, k = k, m
	}
	n := bShape[nb-1]
	if tb {
		n = bShape[nb-2]
	}
	batch := sizeOf(outBatch)
	if m == 0 || n == 0 || k == 0 || batch == 0 {
		return alloc(op, batch*m*n)
	}
	// Every product below overwrites its block of out without reading it
	// (beta = 0), so a recycled buffer need not be cleared.
	out := allocFull(op, batch*m*n)
	aBatch, bBatch := aShape[:na-2], bShape[:nb-2]
	if !ta && sizeOf(bBatch) == 1 && sameShape(padShape(aBatch, len(outBatch)), outBatch) {
		// b is one matrix shared by every batch: fold the batch into the rows.
		gemmRows(op, batch*m, k, n, a, b, out, false, tb)
		return out
	}
	if batch == 1 {
		// One product (every batch dimension is 1): no offsets to compute.
		gemmRows(op, m, k, n, a, b, out, ta, tb)
		return out
	}
	aOffs := batchOffsets(aBatch, outBatch, m*k)
	bOffs := batchOffsets(bBatch, outBatch, k*n)
	if size := m * k * n; batch > 1 && m > 1 && n > 1 && size >= batchParallelMin && size <= gemmBlock && (!blasThreaded || size < blasParallelMin) {
		// Independent products, each small enough for one uninterrupted
		// GEMM: spread the batch over the cores. Workers poll the flag (a
		// panic in them would kill the process) and this goroutine reports it.
		// (out is cleared: products skipped by an interruption whose flag
		// was reset before the check below leave zeros, not old contents.)
		clear(out)
		parallelImages(batch, func(_, lo, hi int) {
			for i := lo; i < hi && !Interrupted(); i++ {
				gemm(m, k, n, a[aOffs[i]:aOffs[i]+m*k], b[bOffs[i]:bOffs[i]+k*n], out[i*m*n:(i+1)*m*n], ta, tb)
			}
		})
		checkInterrupt(op)
		return out
	}
	for i := 0; i < batch; i++ {
		gemmRows(op, m, k, n, a[aOffs[i]:aOffs[i]+m*k], b[bOffs[i]:bOffs[i]+k*n], out[i*m*n:(i+1)*m*n], ta, tb)
	}
	return out
}

// gemmRows computes c = op(a)·op(b) into the row-major m×n matrix c, where
// op(a) is m×k (a stored k×m when ta) and op(b) is k×n (b stored n×k when
// tb). It works in blocks of rows of c so that interruption is noticed
// within about 10 ms.
func gemmRows(op string, m, k, n int, a, b, c []float64, ta, tb bool) {
	rows := max(1, gemmBlock/(k*n))
	if rows > 64 {
		rows -= rows % 64 // whole blocks of gonum's 64-row tiles
	}
	gemmBlocks(op, m, k, n, a, b, c, ta, tb, rows)
}

// gemvMinSize is the number of matrix elements from which a matrix-vector
// product goes to GEMV rather than GEMM: gonum's GEMM with a single column
// is an order of magnitude slower than GEMV on large matrices, and on small
// ones the two cost about the same (GEMM is kept there so that results of
// small products do not change with this optimisation).
const gemvMinSize = 1 << 10

// gemmBlocks is gemmRows with an explicit number of rows per block.
// Large matrix-vector products (n or m equal to 1) go to GEMV.
func gemmBlocks(op string, m, k, n int, a, b, c []float64, ta, tb bool, rows int) {
	if (m == 1 || n == 1) && m*k*n < gemvMinSize {
		gemmPlain(op, m, k, n, a, b, c, ta, tb, rows)
		return
	}
	if m == 1 && n > 1 {
		// c = a·op(b) = op(b)ᵀ·a, with a a k-vector whichever way it is
		// stored; outputs lo…hi use columns lo…hi of op(b).
		x := blas64.Vector{N: k, Inc: 1, Data: a}
		gemvSplit(op, n, k, rows, func(lo, hi int) {
			bm, t := blas64.General{Rows: k, Cols: hi - lo, Stride: n, Data: b[lo:]}, blas.Trans
			if tb {
				bm, t = blas64.General{Rows: hi - lo, Cols: k, Stride: k, Data: b[lo*k : hi*k]}, blas.NoTrans
			}
			blas64.Gemv(t, 1, bm, x, 0, blas64.Vector{N: hi - lo, Inc: 1, Data: c[lo:hi]})
		})
		return
	}
	if n == 1 {
		// c = op(a)·b, with b a k-vector whichever way it is stored;
		// outputs lo…hi use rows lo…hi of op(a).
		x := blas64.Vector{N: k, Inc: 1, Data: b}
		gemvSplit(op, m, k, rows, func(lo, hi int) {
			am, t := blas64.General{Rows: hi - lo, Cols: k, Stride: k, Data: a[lo*k : hi*k]}, blas.NoTrans
			if ta {
				am, t = blas64.General{Rows: k, Cols: hi - lo, Stride: m, Data: a[lo:]}, blas.Trans
			}
			blas64.Gemv(t, 1, am, x, 0, blas64.Vector{N: hi - lo, Inc: 1, Data: c[lo:hi]})
		})
		return
	}
	gemmPlain(op, m, k, n, a, b, c, ta, tb, rows)
}

// gemvParallelMin is the number of multiply-adds from which a matrix-vector
// product is shared among the cores (gonum's GEMV runs on one).
const gemvParallelMin = 1 << 16

// blasThreaded is set by builds whose BLAS runs its own threads (OpenBLAS,
// and ad/internal/gemm in the default build on AVX2 CPUs); gemvSplit then
// leaves the parallelism to it, as goroutines on top would oversubscribe the
// cores.
var blasThreaded = false

// blasParallelMin is, when blasThreaded, the number of multiply-adds from
// which the BLAS shares one product among the cores (0: all of them);
// batches of smaller products are still spread over the cores here.
var blasParallelMin = 0

// gemmStop, when set (the default build on AVX2 CPUs and the OpenBLAS
// build), computes
// c = op(a)·op(b) for row-major operands in one interruptible call: it
// checks the interruption flag every few milliseconds and reports whether
// the product completed. Without it products are cut into blocks of rows.
var gemmStop func(ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) bool

// gemvSplit computes outputs [0, outLen) of a matrix-vector product whose
// outputs each cost k multiply-adds, by calling fn on disjoint ranges: at
// most maxChunk outputs (and about gemmBlock multiply-adds) per call, so
// that interruption is checked often, and on GOMAXPROCS goroutines at once
// for large products. Interruption is checked in the calling goroutine only.
func gemvSplit(op string, outLen, k, maxChunk int, fn func(lo, hi int)) {
	workers := 1
	if outLen*k >= gemvParallelMin && !blasThreaded {
		workers = max(1, min(runtime.GOMAXPROCS(0), outLen))
	}
	chunk := max(1, min(maxChunk, gemmBlock/max(k, 1), (outLen+workers-1)/workers))
	for lo := 0; lo < outLen; lo += chunk * workers {
		checkInterrupt(op)
		var wg sync.WaitGroup
		for w := 1; w < workers; w++ {
			s, e := lo+w*chunk, min(lo+(w+1)*chunk, outLen)
			if s < e {
				wg.Add(1)
				go func() {
					defer wg.Done()
					fn(s, e)
				}()
			}
		}
		fn(lo, min(lo+chunk, outLen))
		wg.Wait()
	}
}

// batchParallelMin is the number of multiply-adds per matrix from which the
// products of a batch run on several goroutines (gonum's GEMM runs small
// matrices on one core).
const batchParallelMin = 1 << 14

// gemm computes c = op(a)·op(b) for row-major operands in one GEMM call,
// with the shapes of gemmRows. It does not check for interruption.
func gemm(m, k, n int, a, b, c []float64, ta, tb bool) {
	am, tA := blas64.General{Rows: m, Cols: k, Stride: k, Data: a}, blas.NoTrans
	if ta {
		am, tA = blas64.General{Rows: k, Cols: m, Stride: m, Data: a}, blas.Trans
	}
	bm, tB := blas64.General{Rows: k, Cols: n, Stride: n, Data: b}, blas.NoTrans
	if tb {
		bm, tB = blas64.General{Rows: n, Cols: k, Stride: k, Data: b}, blas.Trans
	}
	blas64.Gemm(tA, tB, 1, am, bm, 0, blas64.General{Rows: m, Cols: n, Stride: n, Data: c})
}

// gemmPlain is gemmBlocks through GEMM only.
func gemmPlain(op string, m, k, n int, a, b, c []float64, ta, tb bool, rows int) {
	if gemmStop != nil {
		checkInterrupt(op)
		lda, ldb := k, n
		if ta {
			lda = m
		}
		if tb {
			ldb = k
		}
		if !gemmStop(ta, tb, m, n, k, a, lda, b, ldb, c, n) {
			panic(errorf(ErrInterrupted, op, "interrupted"))
		}
		return
	}
	bm := blas64.General{Rows: k, Cols: n, Stride: n, Data: b}
	tB := blas.NoTrans
	if tb {
		bm = blas64.General{Rows: n, Cols: k, Stride: k, Data: b}
		tB = blas.Trans
	}
	for r := 0; r < m; r += rows {
		checkInterrupt(op)
		h := min(rows, m-r)
		am := blas64.General{Rows: h, Cols: k, Stride: k, Data: a[r*k : (r+h)*k]}
		tA := blas.NoTrans
		if ta {
			// Rows r…r+h of op(a) are columns r…r+h of the stored k×m matrix.
			am = blas64.General{Rows: k, Cols: h, Stride: m, Data: a[r:]}
			tA = blas.Trans
		}
		cm := blas64.General{Rows: h, Cols: n, Stride: n, Data: c[r*n : (r+h)*n]}
		blas64.Gemm(tA, tB, 1, am, bm, 0, cm)
	}
}

// padShape returns shape with leading ones so that it has nd dimensions.
func padShape(shape []int, nd int) []int {
	out := make([]int, nd)
	for i := range out {
		out[i] = 1
	}
	copy(out[nd-len(shape):], shape)
	return out
}

// batchOffsets returns, for every matrix of a batch of shape outBatch, the
// offset of the operand matrix (of matSize elements, operand batch shape
// batch, broadcast to outBatch) it reads.
func batchOffsets(batch, outBatch []int, matSize int) []int {
	st := rowMajorStrides(padShape(batch, len(outBatch)))
	p := padShape(batch, len(outBatch))
	offs := make([]int, sizeOf(outBatch))
	idx := make([]int, len(outBatch))
	for i := range offs {
		o := 0
		for d, j := range idx {
			if p[d] != 1 {
				o += j * st[d]
			}
		}
		offs[i] = o * matSize
		for d := len(idx) - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < outBatch[d] {
				break
			}
			idx[d] = 0
		}
	}
	return offs
}
