package gemm

import (
	"sync"
	"sync/atomic"
	"time"
)

// shared computes a product on the calling goroutine and up to workers-1
// pool helpers (see pool.go). The product is cut into panels as in packed
// (chunks of at most chunkBlocks row blocks, nc columns, k panels of
// near-equal depth), and each panel into work items:
//
//   - pack items: one per row block of op(A) and one per group of B slivers,
//     into one of nslots shared panel buffers (so packing of the next panel
//     overlaps the products of this one, and nothing is packed twice);
//   - compute items: one per (row block, sliver group) tile of C, which waits
//     for its panel to be packed and for the previous panel's item on the
//     same tile (C accumulates over the k panels).
//
// The sequence is P(0), P(1), C(0), P(2), C(1), …, C(last), where P(q)
// waits for C(q-nslots) to free its slot. Every C element is computed by
// one kernel call per k panel, with the same panels, row tiles and slivers
// as packed(…, 1): the result does not depend on the number of workers or
// on which goroutine ran what.
func shared(stop *atomic.Bool, A, B mat, m, n, k int, alpha, beta float64, c []float64, ldc int, workers int) bool {
	j := newParJob(stop, A, B, m, n, k, alpha, beta, c, ldc, workers)
	j.js.r = j
	j.js.run(workers - 1)
	// No helper is inside the job any more, and none can enter it (see
	// jobState): its buffers and the job itself can be reused.
	for s := range j.slots {
		if j.slots[s].a != nil {
			putBuf(j.slots[s].a)
		}
		if j.slots[s].b != nil {
			putBuf(j.slots[s].b)
		}
		j.slots[s] = panelSlot{}
	}
	ok := !j.stopped.Load()
	putParJob(j)
	return ok
}

// Jobs are kept between products in a short free list (as the packing
// buffers, see getBuf), with their slices, so that a parallel product
// allocates nothing in steady state: at most maxCachedJobs jobs.
const maxCachedJobs = 4

// jobList is a free list of jobs of one kind.
type jobList[T any] struct {
	mu   sync.Mutex
	free []*T
}

// get returns a job from the list, or a new one.
func (l *jobList[T]) get() *T {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.free)
	if n == 0 {
		return new(T)
	}
	j := l.free[n-1]
	l.free[n-1] = nil
	l.free = l.free[:n-1]
	return j
}

// put keeps j for a later get unless the list is full. j must be closed
// and no helper inside it (see jobState).
func (l *jobList[T]) put(j *T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.free) < maxCachedJobs {
		l.free = append(l.free, j)
	}
}

// parJobs and directJobs hold the jobs of shared and directShared.
var (
	parJobs    jobList[parJob]
	directJobs jobList[directJob]
)

func putParJob(j *parJob) {
	j.stop, j.A, j.B, j.c = nil, mat{}, mat{}, nil // keep no operand alive
	parJobs.put(j)
}

// getParJob returns a closed job (or a new one) with its items, panels and
// counters empty.
func getParJob() *parJob {
	j := parJobs.get()
	j.stopped.Store(false)
	j.next.Store(0)
	j.panels, j.items = j.panels[:0], j.items[:0]
	return j
}

// counters returns s resized to n counters, all zero.
func counters(s []atomic.Int32, n int) []atomic.Int32 {
	if cap(s) < n {
		return make([]atomic.Int32, n)
	}
	s = s[:n]
	for i := range s {
		s[i].Store(0)
	}
	return s
}

const (
	nslots          = 3  // panel buffers
	chunkBlocks     = 10 // row blocks per chunk of rows (A panel ≤ 10·120 rows)
	itemsPerCPU     = 4  // compute items per panel per worker, at least
	tailItemsPerCPU = 16 // compute items of the last panel per worker, at least
)

type parPanel struct {
	ic0, ic1 int  // rows of C
	jc, ncb  int  // columns
	pc, kcb  int  // depth
	pi       int  // index of the k panel within its (rows, columns) group
	tile0    int  // index of the group's first tile in parJob.tileDone
	nb, nsg  int  // row blocks, sliver groups
	ns, sgw  int  // slivers, slivers per group
	privA    bool // one sliver group: each compute item packs its own block of A
	nbg, bgw int  // groups of slivers packed by one item, slivers per group
	split    int  // compute items per tile (more than 1 in the job's last panel only)
}

// computeItems is the number of compute items of the panel.
func (p *parPanel) computeItems() int32 { return int32(p.nb * p.nsg * p.split) }

type parItem struct {
	kind uint8 // 0 pack A block, 1 pack B group, 2 compute
	q    int32 // panel
	b, g int32 // row block, sliver group
	sub  uint8 // part of the tile (compute items of a split panel)
}

type panelSlot struct{ a, b *[]float64 }

type parJob struct {
	js      jobState
	stop    *atomic.Bool
	stopped atomic.Bool
	next    atomic.Int64

	A, B        mat
	alpha, beta float64
	c           []float64
	ldc         int
	rowBlock    int
	kstep       int

	panels   []parPanel
	items    []parItem
	slots    [nslots]panelSlot
	packDone []atomic.Int32 // per panel: pack items finished
	compDone []atomic.Int32 // per panel: compute items finished
	tileDone []atomic.Int32 // per tile of a (rows, columns) group: k panels done
}

func newParJob(stop *atomic.Bool, A, B mat, m, n, k int, alpha, beta float64, c []float64, ldc int, workers int) *parJob {
	j := getParJob()
	j.stop, j.A, j.B, j.alpha, j.beta, j.c, j.ldc = stop, A, B, alpha, beta, c, ldc
	// Row blocks as in packed: near-equal, ≤ mc, whole micro-tiles.
	j.rowBlock = blockRows(m)
	kcn := (k + kc - 1) / kc
	kstep := (k + kcn - 1) / kcn
	j.kstep = kstep
	chunk := chunkBlocks * j.rowBlock
	tiles := 0
	maxRows, maxCols := 0, 0
	sharedA := false // some panel packs A in pack items
	for ic0 := 0; ic0 < m; ic0 += chunk {
		ic1 := min(m, ic0+chunk)
		nb := (ic1 - ic0 + j.rowBlock - 1) / j.rowBlock
		for jc := 0; jc < n; jc += nc {
			ncb := min(nc, n-jc)
			ns := (ncb + nr - 1) / nr
			nsg := min(ns, max(1, (itemsPerCPU*workers+nb-1)/nb))
			sgw := (ns + nsg - 1) / nsg
			nsg = (ns + sgw - 1) / sgw
			bgw := max(4, (ns+itemsPerCPU*workers-1)/(itemsPerCPU*workers))
			nbg := (ns + bgw - 1) / bgw
			if nsg > 1 {
				sharedA = true
				maxRows = max(maxRows, (ic1-ic0+mr-1)/mr*mr)
			}
			maxCols = max(maxCols, ns*nr)
			pi := 0
			for pc := 0; pc < k; pc += kstep {
				j.panels = append(j.panels, parPanel{ic0, ic1, jc, ncb, pc, min(kstep, k-pc), pi, tiles, nb, nsg, ns, sgw, nsg == 1, nbg, bgw, 1})
				pi++
			}
			tiles += nb * nsg
		}
	}
	np := len(j.panels)
	// The last panel's tiles are cut finer: the job ends when its last
	// item does, and a goroutine that finds nothing left to claim waits
	// for the other's item (on average half an item: 5–10% of the product
	// at n = 256…1000 with items of a whole tile).
	last := &j.panels[np-1]
	last.split = min(255, last.sgw, max(1, (tailItemsPerCPU*workers+last.nb*last.nsg-1)/(last.nb*last.nsg)))
	j.packDone = counters(j.packDone, np)
	j.compDone = counters(j.compDone, np)
	j.tileDone = counters(j.tileDone, tiles)
	for s := range j.slots {
		if s < np {
			j.slots[s].b = getBuf(maxCols * kstep)
			if sharedA {
				j.slots[s].a = getBuf(maxRows * kstep)
			}
		}
	}
	for t := 0; t <= np; t++ {
		if t < np {
			p := &j.panels[t]
			for b := 0; b < p.nb && !p.privA; b++ {
				j.items = append(j.items, parItem{kind: 0, q: int32(t), b: int32(b)})
			}
			for g := 0; g < p.nbg; g++ {
				j.items = append(j.items, parItem{kind: 1, q: int32(t), g: int32(g)})
			}
		}
		if t > 0 {
			p := &j.panels[t-1]
			for b := 0; b < p.nb; b++ {
				for g := 0; g < p.nsg; g++ {
					for h := 0; h < p.split; h++ {
						j.items = append(j.items, parItem{kind: 2, q: int32(t - 1), b: int32(b), g: int32(g), sub: uint8(h)})
					}
				}
			}
		}
	}
	return j
}

// participate claims items in sequence until none are left or the product
// was stopped.
func (j *parJob) participate() {
	var scratch *[]float64 // a private block of A (privA panels)
	defer func() {
		if scratch != nil {
			putBuf(scratch)
		}
	}()
	for {
		i := int(j.next.Add(1) - 1)
		if i >= len(j.items) || j.stopped.Load() {
			return
		}
		if !j.do(j.items[i], &scratch) {
			j.stopped.Store(true)
			return
		}
	}
}

// wait spins until *v reaches want; false if the job stopped meanwhile.
func (j *parJob) wait(v *atomic.Int32, want int32) bool {
	var w waiter
	for v.Load() < want {
		if j.stopped.Load() {
			return false
		}
		w.pause()
	}
	return true
}

func (j *parJob) do(it parItem, scratch **[]float64) bool {
	q := int(it.q)
	p := &j.panels[q]
	slot := j.slots[q%nslots]
	bp := *slot.b
	var ap []float64
	if !p.privA {
		ap = *slot.a
	}
	switch it.kind {
	case 0, 1:
		if q >= nslots {
			prev := &j.panels[q-nslots]
			if !j.wait(&j.compDone[q-nslots], prev.computeItems()) {
				return false
			}
		}
		if it.kind == 0 {
			r0 := p.ic0 + int(it.b)*j.rowBlock
			r1 := min(p.ic1, r0+j.rowBlock)
			for r := r0; r < r1; r += mr {
				packA1(ap[(r-p.ic0)*p.kcb:], j.A, r, min(mr, r1-r), p.pc, p.kcb)
			}
		} else {
			s0 := int(it.g) * p.bgw
			s1 := min(p.ns, s0+p.bgw)
			packBs(bp, j.B, p.pc, p.kcb, p.jc, p.ncb, s0, s1)
		}
		j.packDone[q].Add(1)
		return true
	}
	if j.stop != nil && j.stop.Load() {
		return false
	}
	packs := p.nb + p.nbg
	if p.privA {
		packs = p.nbg
	}
	if !j.wait(&j.packDone[q], int32(packs)) {
		return false
	}
	tile := &j.tileDone[p.tile0+int(it.b)*p.nsg+int(it.g)]
	if !j.wait(tile, int32(p.pi)) {
		return false
	}
	bet, load := j.beta, j.beta != 0
	if p.pi > 0 {
		bet, load = 1, true
	}
	r0 := int(it.b) * j.rowBlock
	mcb := min(j.rowBlock, p.ic1-p.ic0-r0)
	s0 := int(it.g) * p.sgw
	s1 := min(p.ns, s0+p.sgw)
	if p.split > 1 {
		lo, hi := part(s1-s0, p.split, int(it.sub), 1)
		s0, s1 = s0+lo, s0+hi
	}
	var ab []float64
	if !p.privA {
		ab = ap[r0*p.kcb:]
	} else {
		if *scratch == nil {
			*scratch = getBuf(j.rowBlock * j.kstep)
		}
		ab = **scratch
		for r := 0; r < mcb; r += mr {
			packA1(ab[r*p.kcb:], j.A, p.ic0+r0+r, min(mr, mcb-r), p.pc, p.kcb)
		}
	}
	macro(ab, bp, mcb, p.ncb, p.kcb, s0, s1, j.c[(p.ic0+r0)*j.ldc+p.jc:], j.ldc, j.alpha, bet, load)
	if p.split == 1 {
		// (Nothing waits for the tiles of a split panel: it is the last.)
		tile.Store(int32(p.pi + 1))
	}
	j.compDone[q].Add(1)
	return true
}

// directJob shares a direct product (directPlan) between the caller and
// the pool's helpers: its 8-column slivers are cut into about
// directItemsPerCPU items per worker, claimed in order, and when there are
// fewer slivers than that (W3's n = 10), its row tiles too; the result is
// the serial direct product's whoever computes which block.
type directJob struct {
	js    jobState
	d     directPlan
	next  atomic.Int64
	items int
	per   int // slivers per item
	sgs   int // sliver groups (of per slivers)
	rgs   int // row groups (ranges of near-equal numbers of row tiles)
}

func (j *directJob) participate() {
	ns := (j.d.n + nr - 1) / nr
	tiles := j.d.tiles()
	for {
		i := int(j.next.Add(1) - 1)
		if i >= j.items {
			return
		}
		g, r := i%j.sgs, i/j.sgs
		t0, t1 := part(tiles, j.rgs, r, 1)
		i0, i1 := j.d.tileRows(t0, t1)
		j.d.block(g*j.per, min(ns, (g+1)*j.per), i0, i1)
	}
}

// directShared computes a direct product on the caller and up to workers-1
// helpers (see directParMin).
func directShared(A, B mat, m, n, k int, alpha, beta float64, c []float64, ldc int, workers int) {
	j := getDirectJob()
	j.d.init(A, B, m, n, k, alpha, beta, c, ldc)
	ns := (n + nr - 1) / nr
	want := directItemsPerCPU * workers
	j.per = max(1, ns/want)
	j.sgs = (ns + j.per - 1) / j.per
	j.rgs = max(1, min(j.d.tiles(), (want+j.sgs-1)/j.sgs))
	j.items = j.sgs * j.rgs
	j.js.r = j
	if j.js.runWait(workers-1) > directLate {
		// A helper lost its core inside an item: the other core is busy.
		// Run direct products serially (and wake no helper) for a while.
		directBackoff.Store(time.Now().Add(directBackoffFor).UnixNano())
	}
	j.d.release()
	j.d = directPlan{} // keep no operand alive
	directJobs.put(j)
}

// getDirectJob returns a closed job (or a new one) with next at 0.
func getDirectJob() *directJob {
	j := directJobs.get()
	j.next.Store(0)
	return j
}

// directLate is how long a caller that ran out of items may wait for a
// helper's item before directShared backs off (an item takes ~10 µs at
// n = 128, but a 100 µs threshold also fired on a quiet machine).
const directLate = time.Millisecond

// directBackoff is the time (Unix nanoseconds) until which direct products
// run serially (directShouldShare), set when a shared one had to wait for
// a late helper.
var directBackoff atomic.Int64

// directBackoffFor is how long direct products stay serial after a late
// helper. With the other core busy with other processes, shared 128³
// products took 145–180 µs per call on average against 80–160 µs serially
// (5 interleaved rounds, CPUs 11–15% idle; medians within 20%): now and
// then the helper is descheduled inside an item and the caller waits for
// it (p90 0.11 ms, p99 0.35 ms, max 4 ms). A back-off after waits of 100 µs
// kept that mean at 90–140 µs but also made a quiet machine's products
// mostly serial (mean 33–55 GFLOP/s against 47–65 with 1 ms, 5 rounds).
const directBackoffFor = 50 * time.Millisecond

// directShouldShare reports whether a direct product may be shared now.
func directShouldShare() bool {
	b := directBackoff.Load()
	return b == 0 || time.Now().UnixNano() >= b
}
