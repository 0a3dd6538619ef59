package gemm

import "sync/atomic"

// homeJob is a parallel product of many rows (W7's n = 512, 1000 and 2000)
// in which every goroutine keeps to its own rows of C (homeShared). The
// product is packed's sequence of phases (kc×nc panels of op(B), columns
// outer, depth inner), each a pass over the row blocks of op(A). Each
// goroutine packs every panel of op(B) itself, into its own buffer, and
// has a home range of row blocks (the w-th of workers near-equal ranges;
// the caller is worker 0, helpers 1, 2, … in the order they join): in
// every phase it first claims its home blocks in order, then those of the
// others from the far end, so that a block of C is updated by the same
// core in every phase (and, the caller's rows being the first, in every
// product) unless a core fell behind.
// The last phase's blocks are cut into homeTail parts by slivers, so that
// the goroutines finish close together.
//
// Why: the two vCPUs of the Zen 4 VM this was tuned on sit, from one
// minute to the next, on one L3 (a cache line goes from one to the other
// and back in 85–105 ns) or on two (450–600 ns): the host moves them. On
// two, shared's items (a panel of op(B) packed half by each core, a block
// of C updated in each k panel by whichever core claimed it first, and in
// the next product by either) ran at 91–94 GFLOP/s at n = 1000 against
// 104–108 on one L3, whatever the addresses of the operands and buffers;
// each core's own rows of C and own op(B) run at 99–104 on two L3s and
// 106 on one (n = 2000: 104–108 on either, shared 100–101 and 107–109).
//
// A block waits for the previous phase's update of its rows of C (done);
// every block of a phase is claimed before a goroutine goes on to the
// next, so what a block waits for is always running. Blocks are whole
// row tiles of 6 from row 0 (their heights differ from packed's, so that
// every worker has as many), and every C element is computed by the same
// kernel calls as in packed (same panels, row tiles and slivers): the
// result is bit-identical to the serial product whoever ran what.
type homeJob struct {
	js      jobState
	stop    *atomic.Bool
	stopped atomic.Bool
	ids     atomic.Int32 // workers that joined

	A, B        mat
	m, n, k     int
	alpha, beta float64
	c           []float64
	ldc         int
	kstep       int
	rowBlock    int // rows of the tallest block
	tiles       int // row tiles (of mr rows, the last possibly fewer)
	nb          int // row blocks
	kpanels     int // k panels per column panel
	phases      int
	workers     int

	claimed []atomic.Bool  // per phase, block and part (parts only in the last phase)
	done    []atomic.Int32 // per block: phases whose update of its rows is finished
}

// homeTail is the number of parts, by slivers, of each block in the last
// phase.
const homeTail = 4

var homeJobs jobList[homeJob]

var _ callerRunner = (*homeJob)(nil) // the caller is worker 0

// homePlan reports whether a parallel product of workers goroutines runs
// as a homeJob: when op(A) has at least homeRows rows per worker, so that
// packing all of op(B) on every worker rather than once adds at most about
// 2% to the product (a packed element of op(B) costs about as much as five
// multiply-adds in the kernel, and serves m/workers of them per worker).
// At n = 512 it measured 104–108 GFLOP/s against shared's 103–105 with
// both vCPUs on one L3, 93 against 78–80 on two.
func homePlan(m, workers int) bool { return m >= homeRows*workers }

const homeRows = 256

// homeShared computes a product on the caller and up to workers-1 pool
// helpers as a homeJob; false if it was stopped.
func homeShared(stop *atomic.Bool, A, B mat, m, n, k int, alpha, beta float64, c []float64, ldc int, workers int) bool {
	j := homeJobs.get()
	j.stopped.Store(false)
	j.ids.Store(0)
	j.stop, j.A, j.B, j.m, j.n, j.k = stop, A, B, m, n, k
	j.alpha, j.beta, j.c, j.ldc = alpha, beta, c, ldc
	// Blocks of near-equal numbers of row tiles, at most blockRows(m)
	// rows, as many for each worker: the home ranges are then equal.
	j.kstep = kStep(k)
	rb := blockRows(m)
	j.nb = ((m+rb-1)/rb + workers - 1) / workers * workers
	j.tiles = (m + mr - 1) / mr
	j.rowBlock = (j.tiles + j.nb - 1) / j.nb * mr
	j.kpanels = (k + j.kstep - 1) / j.kstep
	j.phases = (n + nc - 1) / nc * j.kpanels
	j.workers = workers
	items := (j.phases-1)*j.nb + j.nb*homeTail
	if cap(j.claimed) < items {
		j.claimed = make([]atomic.Bool, items)
	}
	j.claimed = j.claimed[:items]
	for i := range j.claimed {
		j.claimed[i].Store(false)
	}
	j.done = counters(j.done, j.nb)
	j.js.r = j
	j.js.run(workers - 1)
	ok := !j.stopped.Load()
	j.stop, j.A, j.B, j.c = nil, mat{}, mat{}, nil // keep no operand alive
	homeJobs.put(j)
	return ok
}

// participateCaller is the caller's share: worker 0's home blocks first.
func (j *homeJob) participateCaller() { j.work(0) }

// participate is a helper's share: workers 1, 2, … in the order they
// join (a helper may join before the caller starts, so joining order
// alone would not keep the caller on its rows).
func (j *homeJob) participate() { j.work(j.helperIndex()) }

// helperIndex numbers the helpers that join: 1, 2, …, workers-1, 1, …
func (j *homeJob) helperIndex() int {
	if j.workers < 2 {
		return 0
	}
	return 1 + int(j.ids.Add(1)-1)%(j.workers-1)
}

// work runs the phases in order as worker w, claiming in each the blocks
// (or parts) not yet claimed, home blocks first.
func (j *homeJob) work(w int) {
	var bb, ab *[]float64 // this goroutine's panel of op(B) and block of op(A)
	defer func() {
		if bb != nil {
			putBuf(bb)
		}
		if ab != nil {
			putBuf(ab)
		}
	}()
	lo, hi := part(j.nb, j.workers, w, 1)
	for ph := 0; ph < j.phases; ph++ {
		jc := ph / j.kpanels * nc
		pc := ph % j.kpanels * j.kstep
		ncb, kcb := min(nc, j.n-jc), min(j.kstep, j.k-pc)
		ns := (ncb + nr - 1) / nr
		parts := 1
		if ph == j.phases-1 {
			parts = min(homeTail, ns)
		}
		packedB := false
		aBlock := -1 // block of op(A) packed in ab for this phase
		for o := 0; o < j.nb; o++ {
			b, rev := j.homeOrder(o, lo, hi)
			for qi := 0; qi < parts; qi++ {
				q := qi
				if rev {
					q = parts - 1 - qi
				}
				if j.stopped.Load() {
					return
				}
				if !j.claimed[j.flag(ph, b, q)].CompareAndSwap(false, true) {
					continue
				}
				if !packedB {
					if bb == nil {
						bb = getBuf((min(nc, j.n) + nr - 1) / nr * nr * j.kstep)
						ab = getBuf(j.rowBlock * j.kstep)
					}
					packBs(*bb, j.B, pc, kcb, jc, ncb, 0, ns)
					packedB = true
				}
				if !j.block(ph, b, q, parts, jc, pc, ncb, kcb, ns, *bb, *ab, aBlock == b) {
					j.stopped.Store(true)
					return
				}
				aBlock = b
			}
		}
	}
}

// homeOrder is the o-th block a worker tries in a phase: its home blocks
// lo…hi-1 in order, then the other blocks from the last down (rev: their
// parts from the last, too).
func (j *homeJob) homeOrder(o, lo, hi int) (b int, rev bool) {
	if o < hi-lo {
		return lo + o, false
	}
	o -= hi - lo
	// Others' blocks, highest first, skipping the home range.
	b = j.nb - 1 - o
	if b < hi {
		b -= hi - lo
	}
	return b, true
}

// flag is the index in claimed of part q of block b in phase ph: one flag
// per block in the phases before the last, homeTail in the last.
func (j *homeJob) flag(ph, b, q int) int {
	if ph < j.phases-1 {
		return ph*j.nb + b
	}
	return ph*j.nb + b*homeTail + q
}

// block computes part q of parts of block b in phase ph; false if the
// product was stopped. It waits for the previous phase's update of the
// block's rows. packedA says ab already holds the block's rows of op(A)
// for this phase.
func (j *homeJob) block(ph, b, q, parts, jc, pc, ncb, kcb, ns int, bp, ab []float64, packedA bool) bool {
	if j.stop != nil && j.stop.Load() {
		return false
	}
	if !j.waitDone(b, ph) {
		return false
	}
	t0, t1 := part(j.tiles, j.nb, b, 1)
	if t0 == t1 { // (more blocks than tiles: only with tiny m)
		j.done[b].Store(int32(ph + 1))
		return true
	}
	r0 := t0 * mr
	mcb := min(t1*mr, j.m) - r0
	if !packedA {
		for r := 0; r < mcb; r += mr {
			packA1(ab[r*kcb:], j.A, r0+r, min(mr, mcb-r), pc, kcb)
		}
	}
	bet, load := j.beta, j.beta != 0
	if pc > 0 {
		bet, load = 1, true
	}
	s0, s1 := part(ns, parts, q, 1)
	macro(ab, bp, mcb, ncb, kcb, s0, s1, j.c[r0*j.ldc+jc:], j.ldc, j.alpha, bet, load)
	if parts == 1 {
		// (Nothing waits for the last phase.)
		j.done[b].Store(int32(ph + 1))
	}
	return true
}

// waitDone spins until block b's rows have the updates of phases before
// ph; false if the job stopped meanwhile.
func (j *homeJob) waitDone(b, ph int) bool {
	var w waiter
	for j.done[b].Load() < int32(ph) {
		if j.stopped.Load() {
			return false
		}
		w.pause()
	}
	return true
}
