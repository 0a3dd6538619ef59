package gemm

import "sync/atomic"

// privJob is a parallel product in which nothing packed is shared between
// goroutines (privShared): each goroutine packs what it multiplies into
// its own buffers. In shared (par.go) a packed panel is written by one core
// and read by the other, and rewritten by either in the next panel or
// product; that traffic between the cores' caches made its packing several
// times slower than on one core. Two orientations:
//
//   - by columns (op(A)'s k panels, m×kc, fit in L2): an item is a range of
//     8-column slivers of C over all rows and all k panels; it packs its
//     slivers of each k panel of op(B) itself (nothing else uses them) and
//     reads op(A) in place (its last rows packed when they are not a tile
//     of 6 or 4);
//   - by rows (all of op(B) fits in L2): each goroutine packs the whole of
//     op(B) once, at its first item, and an item is a range of rows of C
//     over all columns and k panels, whose blocks of op(A) it packs.
//
// Items are claimed from one atomic counter, the caller's from the front
// and its helpers' from the back (claim), and have no dependencies on each
// other. Every C element is computed by the
// same kernel calls (same k panels, tiles of 6 rows from row 0, 8-column
// slivers) as in packed: the result is bit-identical to the serial product.
type privJob struct {
	js      jobState
	stop    *atomic.Bool
	stopped atomic.Bool
	// next counts the items claimed from the front (the caller's, low 32
	// bits) and from the back (the helpers', high 32 bits); see claim.
	next atomic.Int64

	A, B        mat
	m, n, k     int
	alpha, beta float64
	c           []float64
	ldc         int
	kstep       int
	byRows      bool
	items       int
	per         int // slivers (by columns) or rows (by rows, a multiple of mr) per item
	n6, mdirect int // by columns: rows in tiles of 6 (the first mr·n6), then of 4 up to mdirect; the rest packed
}

// setTiles sets the row tiles of a product by columns: tiles of 6 from
// row 0, then one tile of 4 when 4 rows remain; with 2 left (W3's m = 128)
// the last 8 rows are two tiles of 4 rather than a 6-row tile computed
// for 2 rows (3% of the multiply-adds, and the edge's packing and merge:
// X·W1 on one goroutine 1010 → 951 µs, 10th percentile of 500 calls
// interleaved with the old tiling; median 1037 → 975), when beta is 0 or 1: the tile
// of 4 stores alpha·acc + beta·c with one rounding for the sum, the packed
// edge tile (merge) with two, which agree only for those betas. The rest
// (1, 3 or 5 rows) is packed into one edge tile, as before.
func (j *privJob) setTiles() {
	m := j.m
	j.n6 = m / mr
	n4 := 0
	switch r := m % mr; {
	case r == 4:
		n4 = 1
	case r == 2 && j.n6 > 0 && (j.beta == 0 || j.beta == 1):
		j.n6, n4 = j.n6-1, 2
	}
	j.mdirect = mr*j.n6 + 4*n4
}

var privJobs jobList[privJob]

// Limits of the private orientations (elements): op(A)'s k panel read in
// place by columns, op(B) packed by each goroutine by rows; both stay in
// L2 (1 MiB on the Zen 4 this was tuned on) beside the kernel's other
// operand. privItemsPerCPU is the number of items per worker, at least
// (the goroutine that finds none left waits for the other's last, half an
// item on average), and privItemMax the most multiply-adds of an item
// (DgemmStop checks between items: about 1 ms).
const (
	privAMax        = 1 << 16
	privBMax        = 1 << 16
	privItemsPerCPU = 8
	privItemMax     = 1 << 25
)

// kStep is the depth of packed's k panels: near-equal, at most kc.
func kStep(k int) int {
	kcn := (k + kc - 1) / kc
	return (k + kcn - 1) / kcn
}

// privPlan reports whether a parallel product of workers goroutines runs
// as a privJob, and in which orientation.
func privPlan(m, n, k, workers int) (ok, byRows bool) {
	ns := (n + nr - 1) / nr
	tiles := (m + mr - 1) / mr
	if m*kStep(k) <= privAMax && ns >= privItemsPerCPU*workers {
		return true, false
	}
	if n*k <= privBMax && tiles >= privItemsPerCPU*workers {
		return true, true
	}
	return false, false
}

// privShared computes a product on the caller and up to workers-1 pool
// helpers as a privJob; false if it was stopped.
func privShared(stop *atomic.Bool, A, B mat, m, n, k int, alpha, beta float64, c []float64, ldc int, workers int, byRows bool) bool {
	j := privJobs.get()
	j.stopped.Store(false)
	j.next.Store(0)
	j.stop, j.A, j.B, j.m, j.n, j.k = stop, A, B, m, n, k
	j.alpha, j.beta, j.c, j.ldc = alpha, beta, c, ldc
	j.kstep, j.byRows = kStep(k), byRows
	j.setTiles()
	if byRows {
		tiles := (m + mr - 1) / mr
		per := max(1, min(tiles/(privItemsPerCPU*workers), privItemMax/(mr*n*k)))
		j.per = per * mr
		j.items = (tiles + per - 1) / per
	} else {
		ns := (n + nr - 1) / nr
		j.per = max(1, min(ns/(privItemsPerCPU*workers), privItemMax/(nr*m*k)))
		j.items = (ns + j.per - 1) / j.per
	}
	j.js.r = j
	j.js.run(workers - 1)
	ok := !j.stopped.Load()
	j.stop, j.A, j.B, j.c = nil, mat{}, mat{}, nil // keep no operand alive
	privJobs.put(j)
	return ok
}

// participate is a helper's share of the product (items from the back).
func (j *privJob) participate() { j.work(false) }

// participateCaller is the caller's share (items from the front).
func (j *privJob) participateCaller() { j.work(true) }

// claim returns the next item from the front (the caller) or from the
// back (its helpers), or -1 when none is left. The first items claims,
// in the order of the counter's updates, are the valid ones: front claims
// get 0, 1, …, back claims items-1, items-2, …, and they meet once every
// item is taken. So each core keeps to its end of C (the caller its first
// rows or columns, the helper its last) from one product to the next,
// whichever got ahead: on the VM of BENCHMARKS.md, whose two vCPUs the
// host moves between one L3 and two, a line of C written by one core in
// one call and by the other in the next costs a transfer between the
// L3s (W3's Xᵀ·G alone 713–750 µs on two L3s against 533–583 on one
// with items claimed in one order by both).
func (j *privJob) claim(front bool) int {
	if front {
		v := j.next.Add(1)
		f, b := int(v&(1<<32-1)), int(v>>32)
		if f+b > j.items {
			return -1
		}
		return f - 1
	}
	v := j.next.Add(1 << 32)
	f, b := int(v&(1<<32-1)), int(v>>32)
	if f+b > j.items {
		return -1
	}
	return j.items - b
}

// work claims items (from the front for the caller) until none are left
// or the product stopped. The goroutine's packed op(B) (all of it by rows,
// an item's slivers by columns) and its packed edge rows of op(A) are its
// own.
func (j *privJob) work(front bool) {
	var bb, ab, eb *[]float64 // packed op(B), block of op(A), edge rows of op(A)
	defer func() {
		for _, p := range [...]*[]float64{bb, ab, eb} {
			if p != nil {
				putBuf(p)
			}
		}
	}()
	ns := (j.n + nr - 1) / nr
	for {
		i := j.claim(front)
		if i < 0 || j.stopped.Load() {
			return
		}
		if j.stop != nil && j.stop.Load() {
			j.stopped.Store(true)
			return
		}
		if eb == nil && !j.byRows && j.mdirect < j.m {
			eb = getBuf(mr * j.kstep)
		}
		if j.byRows {
			if bb == nil {
				// All of op(B), panel after panel: panel pc's sliver s
				// at pc·ns·nr + s·nr·kcb.
				bb = getBuf(j.k * ns * nr)
				for pc := 0; pc < j.k; pc += j.kstep {
					kcb := min(j.kstep, j.k-pc)
					packBs((*bb)[pc*ns*nr:], j.B, pc, kcb, 0, j.n, 0, ns)
				}
			}
			if ab == nil {
				ab = getBuf(min(j.per, mc) * j.kstep)
			}
			r0 := i * j.per
			j.rows(*bb, ns, r0, min(j.m, r0+j.per), *ab)
			continue
		}
		if bb == nil {
			bb = getBuf(j.kstep * j.per * nr)
		}
		j0 := i * j.per * nr
		j.cols(*bb, j0, min(j.n, j0+j.per*nr), eb)
	}
}

// rows computes rows r0…r1 of C (r0 a multiple of mr) over all columns and
// k panels from bp, all of op(B) packed (panel pc at pc·ns·nr), in blocks
// of at most mc rows whose op(A) it packs into ab (mc×kstep) first, as
// packed does.
func (j *privJob) rows(bp []float64, ns, r0, r1 int, ab []float64) {
	for b0 := r0; b0 < r1; b0 += mc {
		mcb := min(mc, r1-b0)
		for pc := 0; pc < j.k; pc += j.kstep {
			kcb := min(j.kstep, j.k-pc)
			bet, load := j.beta, j.beta != 0
			if pc > 0 {
				bet, load = 1, true
			}
			for r := 0; r < mcb; r += mr {
				packA1(ab[r*kcb:], j.A, b0+r, min(mr, mcb-r), pc, kcb)
			}
			macro(ab, bp[pc*ns*nr:], mcb, j.n, kcb, 0, ns, j.c[b0*j.ldc:], j.ldc, j.alpha, bet, load)
		}
	}
}

// cols computes columns j0…j1 (j0 a multiple of nr) of C over all rows
// and k panels: it packs each k panel's slivers of op(B) into bp and reads
// op(A) in place, except its last rows when they are not a tile of 6 or
// 4, packed into eb. Tiles of 6 rows from row 0, as in packed.
func (j *privJob) cols(bp []float64, j0, j1 int, eb *[]float64) {
	A, m, k := j.A, j.m, j.k
	c, ldc, alpha := j.c, j.ldc, j.alpha
	var tmp [mr * nr]float64
	aks, ars := 1, A.ld
	if A.t {
		aks, ars = A.ld, 1
	}
	ncb := j1 - j0
	nsl := (ncb + nr - 1) / nr
	for pc := 0; pc < k; pc += j.kstep {
		kcb := min(j.kstep, k-pc)
		bet, load := j.beta, j.beta != 0
		if pc > 0 {
			bet, load = 1, true
		}
		b := bp
		packBs(b, j.B, pc, kcb, j0, ncb, 0, nsl)
		edge := j.mdirect // first row of the packed edge tile, if any
		if eb != nil {
			packA1(*eb, A, edge, m-edge, pc, kcb)
		}
		for s := 0; s < nsl; s++ {
			jj := j0 + s*nr
			w := min(nr, j1-jj)
			bs := &b[s*nr*kcb]
			h := 0
			for r := 0; r < m; r += h {
				h = m - r // the packed edge tile
				switch {
				case r < mr*j.n6:
					h = mr
				case r < edge:
					h = 4
				}
				cc := c[r*ldc+jj:]
				if r >= edge {
					kern6x8(kcb, &(*eb)[0], mr, 1, bs, nr, &tmp[0], nr, 1, 0, false)
					merge(&tmp, h, w, cc, ldc, alpha, bet, load)
					continue
				}
				var a *float64
				if A.t {
					a = &A.d[pc*A.ld+r]
				} else {
					a = &A.d[r*A.ld+pc]
				}
				switch {
				case w == nr && h == mr:
					kern6x8(kcb, a, aks, ars, bs, nr, &cc[0], ldc, alpha, bet, load)
				case w == nr:
					kern4x8(kcb, a, aks, ars, bs, nr, &cc[0], ldc, alpha, bet, load)
				default:
					if h == mr {
						kern6x8(kcb, a, aks, ars, bs, nr, &tmp[0], nr, 1, 0, false)
					} else {
						kern4x8(kcb, a, aks, ars, bs, nr, &tmp[0], nr, 1, 0, false)
					}
					merge(&tmp, h, w, cc, ldc, alpha, bet, load)
				}
			}
		}
	}
}
