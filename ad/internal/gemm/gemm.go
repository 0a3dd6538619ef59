package gemm

import (
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// useAsm selects the assembly kernels; false sends every call to gonum.
// GOGRAD_GEMM=purego in the environment forces the fallback.
var useAsm = asmSupported() && os.Getenv("GOGRAD_GEMM") != "purego"

// useAVX512 selects the AVX-512 kernel for y = A·x (dot8z: eight rows per
// call) when useAsm is set; dot4 (AVX2) runs otherwise. Aᵀ·x stays on axpy4:
// an AVX-512 eight-row axpy8z measured no faster at 10000×100.
var useAVX512 = useAsm && avx512Supported()

// Accelerated reports whether Dgemm and Dgemv use this package's kernels
// (rather than passing every call to gonum).
func Accelerated() bool { return useAsm }

// Register block of the micro-kernel and cache blocking (see doc.go).
const (
	mr = 6    // rows of C per micro-tile
	nr = 8    // columns of C per micro-tile (two YMM registers)
	kc = 256  // depth of a packed panel: a 6×kc sliver of A and a kc×8 sliver of B stay in L1
	mc = 120  // rows of the packed A block (mc×kc, 240 KiB in L2)
	nc = 4080 // columns of the packed B panel (kc×nc, 8 MiB in L3)
)

// ParallelMin is the number of multiply-adds (m·n·k) from which Dgemm
// splits a product across GOMAXPROCS goroutines; below it a product runs
// on the calling goroutine only. Splitting costs a goroutine hand-off and
// the scheduler's spinning (about 20 µs of CPU) and, when the other core is
// busy, waiting for it. Measured GOMAXPROCS 2 vs 1 (wall, CPU), the
// machine half busy with other work: 100³ +26%, +55%; 150³ +19%, +42%;
// 170³ +13%, +33%; 200³ -16%, +12%; 250³ -24%, +18%. Hence about 6·10⁶
// (was 2¹⁹, when 100³ and 150³ were split).
const ParallelMin = 6 << 20

// warmMin is the number of multiply-adds from which a serial product wakes
// a parked pool helper (warm in pool.go): W3's 128×256×10 products are
// above, W6's (16×64×64 and smaller) below.
const warmMin = 1 << 18

// smallMax bounds the operands (elements of A plus B) of products that run
// unpacked, straight from the caller's memory (they fit in L2: 512 KiB of
// the 1 MiB), and directMax their multiply-adds (about 0.1 ms: direct does
// not check for interruption). In place, 64×64×64 costs half the CPU time
// of packing (10.5 vs 19.5 µs); raising smallMax from 2¹⁵ to 2¹⁶ measured
// W3's 128×256·256×10 26.6→20.4 µs, its Hᵀ·G 256×128·128×10 32.5→20.8 µs,
// 150³ -5%, 200×200·200×100 -8%.
const (
	smallMax  = 1 << 16
	directMax = 1 << 22
)

// directParMin is the number of multiply-adds from which a direct product
// (below ParallelMin) is shared between the caller and the pool's helpers
// (directShared), in items of 8-column slivers, directItemsPerCPU per
// worker (and of row tiles when there are fewer slivers than items). The
// caller never waits for a helper to arrive, so a product whose helper is
// parked (~90 µs to wake) costs about what it does serially. It was 2²⁰
// with slivers only (n ≥ 16); from 2¹⁸ and with row tiles, W3's three
// products of 128·256·10 multiply-adds (H·W2, dZ·W2ᵀ, Hᵀ·dZ, 17–20 µs each
// on one core), whose helper is polling after the shared Tanh, are shared
// too: W3 through Jit 1.384 → 1.365 ms mean, p10 1.225 → 1.206 ms (3035
// calls interleaved in one process, load 2.6, 2026-12-07 23:13).
const (
	directParMin      = 1 << 18
	directItemsPerCPU = 4
)

// gemvChunkMin is the number of matrix elements from which Dgemv splits
// the matrix into gemvChunks blocks of rows shared with the pool's helpers
// (gemvChunked). A matrix-vector product is bound by the bandwidth of
// wherever the matrix is, and each core adds its own.
const (
	gemvChunkMin = 1 << 18
	gemvChunks   = 16
)

var impl gonum.Implementation

// mat is an operand: element (i, j) of op(M) is d[i*ld+j], or d[j*ld+i]
// when t (transposed).
type mat struct {
	d  []float64
	ld int
	t  bool
}

// Dgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices with
// the semantics of gonum's blas.Float64Level3 Dgemm: op(A) is m×k, op(B)
// is k×n, C is m×n; when beta is 0, C is overwritten without being read.
// Invalid arguments panic with gonum's messages.
func Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	DgemmStop(nil, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// DgemmStop is Dgemm that gives up when *stop becomes true, checking it
// between blocks of at most about 10⁸ multiply-adds (a few milliseconds).
// It reports whether the product completed; when it returns false, C holds
// partial results. A nil stop is never raised.
func DgemmStop(stop *atomic.Bool, tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) bool {
	if !useAsm || !gemmArgsOK(tA, tB, m, n, k, a, lda, b, ldb, c, ldc) || alpha == 0 {
		impl.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return true
	}
	A := mat{a, lda, tA != blas.NoTrans}
	B := mat{b, ldb, tB != blas.NoTrans}
	size := m * n * k
	workers := 1
	if size >= ParallelMin {
		workers = max(1, min(runtime.GOMAXPROCS(0), size/(ParallelMin/2)))
	}
	if workers == 1 {
		procs := runtime.GOMAXPROCS(0)
		share := directShouldShare()
		if size >= directParMin && procs > 1 && isDirect(m, n, k) && share {
			directShared(A, B, m, n, k, alpha, beta, c, ldc, min(procs, size/(directParMin/2)))
			return true
		}
		if size >= warmMin && procs > 1 && pool.live.Load() > 0 && share {
			warm()
		}
		return serial(stop, A, B, m, n, k, alpha, beta, c, ldc)
	}
	if ok, byRows := privPlan(m, n, k, workers); ok {
		return privShared(stop, A, B, m, n, k, alpha, beta, c, ldc, workers, byRows)
	}
	if homePlan(m, workers) {
		return homeShared(stop, A, B, m, n, k, alpha, beta, c, ldc, workers)
	}
	return shared(stop, A, B, m, n, k, alpha, beta, c, ldc, workers)
}

// serial computes a product on the calling goroutine: in place (direct)
// when the operands fit in L2 and the product is short enough to need no
// interruption check, packed otherwise.
func serial(stop *atomic.Bool, A, B mat, m, n, k int, alpha, beta float64, c []float64, ldc int) bool {
	if isDirect(m, n, k) {
		direct(A, B, m, n, k, alpha, beta, c, ldc)
		return true
	}
	return packed(stop, A, B, m, n, k, alpha, beta, c, ldc)
}

// isDirect reports whether a product runs in place (direct): its operands
// fit in L2 and it is short enough to need no interruption check.
func isDirect(m, n, k int) bool { return m*n*k < directMax && m*k+k*n <= smallMax }

// gemmArgsOK reports whether the arguments are valid and describe a
// non-empty product (k > 0); anything else goes to gonum, which panics or
// handles the degenerate case.
func gemmArgsOK(tA, tB blas.Transpose, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) bool {
	if (tA != blas.NoTrans && tA != blas.Trans && tA != blas.ConjTrans) ||
		(tB != blas.NoTrans && tB != blas.Trans && tB != blas.ConjTrans) {
		return false
	}
	rowsA, colsA := m, k
	if tA != blas.NoTrans {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if tB != blas.NoTrans {
		rowsB, colsB = n, k
	}
	return m > 0 && n > 0 && k > 0 &&
		lda >= max(1, colsA) && ldb >= max(1, colsB) && ldc >= max(1, n) &&
		len(a) >= (rowsA-1)*lda+colsA && len(b) >= (rowsB-1)*ldb+colsB && len(c) >= (m-1)*ldc+n
}

// Packing buffers are kept between calls in a short free list (a
// sync.Pool would drop them at every garbage collection, and the traced
// computations that call products collect often): at most maxCached
// buffers, the largest a kc×nc panel (8 MiB).
const maxCached = 8

var bufs struct {
	sync.Mutex
	free []*[]float64
}

func getBuf(n int) *[]float64 {
	bufs.Lock()
	for i := len(bufs.free) - 1; i >= 0; i-- {
		if p := bufs.free[i]; cap(*p) >= n {
			bufs.free = append(bufs.free[:i], bufs.free[i+1:]...)
			bufs.Unlock()
			*p = (*p)[:n]
			return p
		}
	}
	bufs.Unlock()
	s := make([]float64, n, max(n, 1<<12))
	return &s
}

func putBuf(p *[]float64) {
	bufs.Lock()
	defer bufs.Unlock()
	if len(bufs.free) < maxCached {
		bufs.free = append(bufs.free, p)
		return
	}
	// Full: keep the larger buffers.
	for i, q := range bufs.free {
		if cap(*q) < cap(*p) {
			bufs.free[i] = p
			return
		}
	}
}

// packA1 packs rows i0…i0+h (h ≤ mr) and columns p0…p0+kcb of op(A) into
// dst[p*mr+ii], padding rows h…mr with zeros. The full-height cases copy
// whole 6-element groups (no call to memmove per group).
func packA1(dst []float64, A mat, i0, h, p0, kcb int) {
	dst = dst[:mr*kcb]
	switch {
	case A.t && h == mr:
		// Six columns of each row of the stored A: vector copies.
		o := p0*A.ld + i0
		_ = A.d[o+(kcb-1)*A.ld+mr-1]
		packN6(kcb, &A.d[o], A.ld, &dst[0])
	case h == mr:
		// Six rows of A: 4×4 transposes in assembly, then the last k mod 4
		// columns here.
		o := i0*A.ld + p0
		_ = A.d[o+(mr-1)*A.ld+kcb-1]
		k4 := kcb &^ 3
		if k4 > 0 {
			packT6(k4, &A.d[o], A.ld, &dst[0])
		}
		for p := k4; p < kcb; p++ {
			d := (*[mr]float64)(dst[p*mr:])
			for ii := range d {
				d[ii] = A.d[o+ii*A.ld+p]
			}
		}
	default:
		clear(dst)
		for ii := 0; ii < h; ii++ {
			for p := 0; p < kcb; p++ {
				if A.t {
					dst[p*mr+ii] = A.d[(p0+p)*A.ld+i0+ii]
				} else {
					dst[p*mr+ii] = A.d[(i0+ii)*A.ld+p0+p]
				}
			}
		}
	}
}

// packB1 packs rows p0…p0+kcb and columns j0…j0+w (w ≤ nr) of op(B) into
// dst[p*nr+jj], padding columns w…nr with zeros.
func packB1(dst []float64, B mat, p0, kcb, j0, w int) {
	dst = dst[:nr*kcb]
	switch {
	case !B.t && w == nr:
		// Eight columns of each row of B: vector copies.
		o := p0*B.ld + j0
		_ = B.d[o+(kcb-1)*B.ld+nr-1]
		packN8(kcb, &B.d[o], B.ld, &dst[0])
	case w == nr:
		// Eight rows of a transposed B, as for A in packA1.
		o := j0*B.ld + p0
		_ = B.d[o+(nr-1)*B.ld+kcb-1]
		k4 := kcb &^ 3
		if k4 > 0 {
			packT8(k4, &B.d[o], B.ld, &dst[0])
		}
		for p := k4; p < kcb; p++ {
			d := (*[nr]float64)(dst[p*nr:])
			for jj := range d {
				d[jj] = B.d[o+jj*B.ld+p]
			}
		}
	default:
		clear(dst)
		for jj := 0; jj < w; jj++ {
			for p := 0; p < kcb; p++ {
				if B.t {
					dst[p*nr+jj] = B.d[(j0+jj)*B.ld+p0+p]
				} else {
					dst[p*nr+jj] = B.d[(p0+p)*B.ld+j0+jj]
				}
			}
		}
	}
}

// packGroup is the number of adjacent full slivers of a row-major B that
// packBs copies row by row (packN8w): reading 32 contiguous values per row
// rather than 8 halved the cost of packing B with a leading dimension of
// 512 (0.38 → 0.20 ns per element, source in L3; 0.23 → 0.19 at 520).
const packGroup = 4

// packBs packs slivers s0…s1 of the kcb×ncb panel of op(B) whose corner is
// (p0, j0) into bp, sliver s at bp[s*nr*kcb:] (as packB1 does for each).
func packBs(bp []float64, B mat, p0, kcb, j0, ncb, s0, s1 int) {
	s := s0
	if !B.t {
		for full := min(s1, ncb/nr); s+1 < full; {
			w := min(packGroup, full-s)
			o := p0*B.ld + j0 + s*nr
			_ = B.d[o+(kcb-1)*B.ld+w*nr-1]
			_ = bp[(s+w)*nr*kcb-1]
			packN8w(kcb, w, &B.d[o], B.ld, &bp[s*nr*kcb], nr*kcb)
			s += w
		}
	}
	for ; s < s1; s++ {
		packB1(bp[s*nr*kcb:], B, p0, kcb, j0+s*nr, min(nr, ncb-s*nr))
	}
}

// merge stores an h×w corner of a micro-tile computed into tmp:
// c = alpha·tmp + beta·c, or alpha·tmp without reading c unless load.
func merge(tmp *[mr * nr]float64, h, w int, c []float64, ldc int, alpha, beta float64, load bool) {
	for i := 0; i < h; i++ {
		row := c[i*ldc : i*ldc+w]
		t := tmp[i*nr : i*nr+w]
		if load {
			for j := range row {
				row[j] = alpha*t[j] + beta*row[j]
			}
		} else {
			for j := range row {
				row[j] = alpha * t[j]
			}
		}
	}
}

// direct computes a small product from the operands in place: full 6×8
// tiles read A with its own strides and B (when not transposed) row by row;
// only the edge rows of A, the edge columns of B, and a transposed B are
// packed.
func direct(A, B mat, m, n, k int, alpha, beta float64, c []float64, ldc int) {
	var d directPlan
	d.init(A, B, m, n, k, alpha, beta, c, ldc)
	d.block(0, (n+nr-1)/nr, 0, m)
	d.release()
}

// directPlan is a direct product with its packed parts ready: block
// computes any range of its 8-column slivers of C in any range of its row
// tiles, so that several goroutines can share one product (directShared);
// each C element is computed by the same kernel call whatever the ranges.
type directPlan struct {
	A, B        mat
	m, n, k     int
	alpha, beta float64
	c           []float64
	ldc         int
	nfull       int // columns read in place from B (when not transposed)
	n6, mdirect int // rows in tiles of 6 (the first mr·n6), then of 4 up to mdirect
	bp, ap      *[]float64
}

func (d *directPlan) init(A, B mat, m, n, k int, alpha, beta float64, c []float64, ldc int) {
	*d = directPlan{A: A, B: B, m: m, n: n, k: k, alpha: alpha, beta: beta, c: c, ldc: ldc}
	d.nfull = n - n%nr
	// Rows up to mdirect are read in place, in n6 tiles of 6 rows and then
	// n4 of 4 (one when 4 or 5 rows remain, two instead of 6+2); the last
	// 1–3 rows are packed.
	n6, n4 := m/mr, 0
	switch r := m % mr; {
	case r >= 4:
		n4 = 1
	case r == 2 && n6 > 0:
		n6, n4 = n6-1, 2
	}
	d.n6, d.mdirect = n6, mr*n6+4*n4
	if B.t || d.nfull < n {
		d.bp = getBuf(((n + nr - 1) / nr) * nr * k)
		for j := 0; j < n; j += nr {
			if B.t || j >= d.nfull {
				packB1((*d.bp)[j*k:], B, 0, k, j, min(nr, n-j))
			}
		}
	}
	if d.mdirect < m {
		d.ap = getBuf(mr * k)
		packA1(*d.ap, A, d.mdirect, m-d.mdirect, 0, k)
	}
}

func (d *directPlan) release() {
	if d.bp != nil {
		putBuf(d.bp)
	}
	if d.ap != nil {
		putBuf(d.ap)
	}
}

// tiles is the number of row tiles of the plan: n6 of 6 rows, then tiles
// of 4 up to mdirect, then the packed edge rows (one tile), if any.
func (d *directPlan) tiles() int {
	t := d.n6 + (d.mdirect-mr*d.n6)/4
	if d.mdirect < d.m {
		t++
	}
	return t
}

// tileRows returns the rows of tiles t0…t1.
func (d *directPlan) tileRows(t0, t1 int) (i0, i1 int) {
	row := func(t int) int {
		if t <= d.n6 {
			return mr * t
		}
		return min(d.m, mr*d.n6+4*(t-d.n6))
	}
	return row(t0), row(t1)
}

// block computes the slivers s0…s1 of C in rows i0…i1, which begin and
// end at tiles (tileRows).
func (d *directPlan) block(s0, s1, i0, i1 int) {
	A, B, m, n, k := d.A, d.B, d.m, d.n, d.k
	c, ldc, alpha, beta := d.c, d.ldc, d.alpha, d.beta
	load := beta != 0
	var tmp [mr * nr]float64
	aks, ars := 1, A.ld
	if A.t {
		aks, ars = A.ld, 1
	}
	for j := s0 * nr; j < min(n, s1*nr); j += nr {
		w := min(nr, n-j)
		var bptr *float64
		bks := nr
		if B.t || j >= d.nfull {
			bptr = &(*d.bp)[j*k]
		} else {
			bptr, bks = &B.d[j], B.ld
		}
		for i := i0; i < i1; {
			if i >= d.mdirect {
				kern6x8(k, &(*d.ap)[0], mr, 1, bptr, bks, &tmp[0], nr, 1, 0, false)
				merge(&tmp, m-i, w, c[i*ldc+j:], ldc, alpha, beta, load)
				break
			}
			var ai *float64
			if A.t {
				ai = &A.d[i]
			} else {
				ai = &A.d[i*A.ld]
			}
			// Direct calls, not through a func value: an indirect call
			// would lose the kernels' noescape and move tmp to the heap.
			h := mr
			if i >= mr*d.n6 {
				h = 4
			}
			if w == nr {
				if h == mr {
					kern6x8(k, ai, aks, ars, bptr, bks, &c[i*ldc+j], ldc, alpha, beta, load)
				} else {
					kern4x8(k, ai, aks, ars, bptr, bks, &c[i*ldc+j], ldc, alpha, beta, load)
				}
			} else {
				if h == mr {
					kern6x8(k, ai, aks, ars, bptr, bks, &tmp[0], nr, 1, 0, false)
				} else {
					kern4x8(k, ai, aks, ars, bptr, bks, &tmp[0], nr, 1, 0, false)
				}
				merge(&tmp, h, w, c[i*ldc+j:], ldc, alpha, beta, load)
			}
			i += h
		}
	}
}

// macro multiplies a packed mcb×kcb block of A by slivers s0…s1 of a packed
// kcb×ncb panel of B into C (c starts at the block's corner).
func macro(ap, bp []float64, mcb, ncb, kcb, s0, s1 int, c []float64, ldc int, alpha, beta float64, load bool) {
	var tmp [mr * nr]float64
	for s := s0; s < s1; s++ {
		j := s * nr
		w := min(nr, ncb-j)
		b := &bp[s*nr*kcb]
		for r := 0; r < mcb; r += mr {
			h := min(mr, mcb-r)
			a := &ap[r*kcb]
			if h == mr && w == nr {
				kern6x8(kcb, a, mr, 1, b, nr, &c[r*ldc+j], ldc, alpha, beta, load)
				continue
			}
			if h == 4 && w == nr {
				kern4x8(kcb, a, mr, 1, b, nr, &c[r*ldc+j], ldc, alpha, beta, load)
				continue
			}
			kern6x8(kcb, a, mr, 1, b, nr, &tmp[0], nr, 1, 0, false)
			merge(&tmp, h, w, c[r*ldc+j:], ldc, alpha, beta, load)
		}
	}
}

// part returns the w-th of parts near-equal ranges of [0, n), with
// boundaries at multiples of unit.
func part(n, parts, w, unit int) (lo, hi int) {
	units := (n + unit - 1) / unit
	lo = min(n, units*w/parts*unit)
	hi = min(n, units*(w+1)/parts*unit)
	return lo, hi
}

// blockRows is the height of packed's blocks of op(A): near-equal, in
// whole micro-tiles, at most mc rows, or 2·mc when that still makes at
// least bigBlocks blocks (every B sliver loaded into L1 then serves twice
// as many tiles; with fewer blocks the parallel product's goroutines
// would wait for each other between k panels).
func blockRows(m int) int {
	h := mc
	if m >= bigBlocks*2*mc {
		h = 2 * mc
	}
	n := (m + h - 1) / h
	return ((m+n-1)/n + mr - 1) / mr * mr
}

const bigBlocks = 8

// packed is the cache-blocked product on the calling goroutine: for each
// kc×nc panel of op(B), packed into 8-column slivers, mc×kc blocks of op(A)
// are packed into 6-row slivers and multiplied by the whole panel.
// shared (par.go) computes exactly the same kernel calls on several
// goroutines.
func packed(stop *atomic.Bool, A, B mat, m, n, k int, alpha, beta float64, c []float64, ldc int) bool {
	// Panels of near-equal depth (k = 784 gives 4×196, not 3×256 + 16: a
	// thin last panel would cost a pass over C for little work).
	kcn := (k + kc - 1) / kc
	kstep := (k + kcn - 1) / kcn
	// Blocks of near-equal height, in whole micro-tiles.
	mstep := blockRows(m)
	app := getBuf(mstep * kstep)
	defer putBuf(app)
	ap := *app
	for jc := 0; jc < n; jc += nc {
		ncb := min(nc, n-jc)
		ns := (ncb + nr - 1) / nr
		for pc := 0; pc < k; pc += kstep {
			kcb := min(kstep, k-pc)
			bet, load := beta, beta != 0
			if pc > 0 {
				bet, load = 1, true
			}
			bpp := getBuf(ns * nr * kcb)
			bp := *bpp
			packBs(bp, B, pc, kcb, jc, ncb, 0, ns)
			for ic := 0; ic < m; ic += mstep {
				if stop != nil && stop.Load() {
					putBuf(bpp)
					return false
				}
				mcb := min(mstep, m-ic)
				for r := 0; r < mcb; r += mr {
					packA1(ap[r*kcb:], A, ic+r, min(mr, mcb-r), pc, kcb)
				}
				macro(ap, bp, mcb, ncb, kcb, 0, ns, c[ic*ldc+jc:], ldc, alpha, bet, load)
			}
			putBuf(bpp)
		}
	}
	return true
}
