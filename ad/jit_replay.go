package ad

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	gogemm "github.com/gograd/gograd/ad/internal/gemm"
	"github.com/gograd/gograd/ad/internal/vmath"
)

// jitState is the mutable state of one replay: a tensor and a register per
// buffer, and a Call per operation.
type jitState struct {
	ts   []*Tensor
	regs []float64
	call Call
	args []*Tensor
	hdrs []Tensor // headers of the planned buffers
	// scratch is the temporary buffer of the opInto operations.
	scratch []float64
	// rptrs[r]: the addresses of region r's buffers (runFused); ptrs:
	// scratch for runChain; work: the shared state of the region being
	// run.
	rptrs [][]unsafe.Pointer
	ptrs  []unsafe.Pointer
	work  regionWork
	// rptrs2[r]: the addresses for the second block of a short region
	// shared by the cores: its private buffers (jitRegion.private) in
	// priv, a copy of the arena made for the first such run, whose slot s
	// starts at slotOff[s] as in the arena (arenaLen values).
	rptrs2   [][]unsafe.Pointer
	priv     []float64
	slotOff  []int
	arenaLen int
	// elem: the long elementwise kernel being run (runElem).
	elem elemWork
	// rstats: per region of the program, how its runs went on one core
	// and shared (runFused).
	rstats []regionStats
	// dst[i]: the caller's tensor the replay writes output i into, nil
	// for a new one (takeDst); nil outside a replay with donated tensors.
	dst    []*Tensor
	dstBuf []*Tensor
}

func (p *jitProg) newState() *jitState {
	st := &jitState{ts: make([]*Tensor, p.nbuf), regs: make([]float64, p.nbuf)}
	maxArgs := 0
	for _, op := range p.code {
		maxArgs = max(maxArgs, len(op.args))
	}
	st.args = make([]*Tensor, maxArgs)
	if n := p.scratchLen(); n > 0 {
		st.scratch = alloc(p.op, n)
	}
	// The slots are carved from one allocation (through the allocation
	// guard), each starting on a 64-byte line and one line after a
	// multiple of the previous slot's end, so consecutive slots do not
	// alias each other in the cache.
	slots := make([][]float64, len(p.slotLen))
	st.slotOff = make([]int, len(p.slotLen))
	for i, n := range p.slotLen {
		st.slotOff[i] = st.arenaLen
		st.arenaLen += (n+7)/8*8 + 8
	}
	arena := alloc(p.op, st.arenaLen)
	for i, n := range p.slotLen {
		off := st.slotOff[i]
		slots[i] = arena[off : off+n : off+n]
	}
	st.hdrs = make([]Tensor, p.nbuf)
	for id, s := range p.slotOf {
		if s >= 0 {
			st.hdrs[id] = Tensor{shape: p.shape(int32(id)), data: slots[s]}
			st.ts[id] = &st.hdrs[id]
		}
	}
	for i, id := range p.consts {
		c := p.cvals[i]
		st.ts[id] = c
		if p.scalar[id] {
			st.regs[id] = c.data[0]
		}
	}
	return st
}

// run replays p on the inputs xs (plain, of the traced shapes). It returns
// false, with no result, when a guard fails: the function would have taken
// another path.
//
// The results go into buf when it has room for them (Jit's one result, on
// its caller's stack), else into a new slice. Output i is computed into
// dst[i] when it is a tensor it can take (see takeDst).
func (p *jitProg) run(xs, buf, dst []*Tensor) ([]*Tensor, bool) {
	var st *jitState
	if p.busy.TryLock() {
		defer p.busy.Unlock()
		if p.st == nil {
			p.st = p.newState()
		}
		st = p.st
	} else {
		st = p.newState() // another goroutine is replaying p
	}
	if len(dst) > 0 {
		p.takeDst(st, xs, dst)
	}
	ok := p.exec(st, xs)
	var outs []*Tensor
	if ok {
		if cap(buf) >= len(p.outs) {
			outs = buf[:len(p.outs)]
		} else {
			outs = make([]*Tensor, len(p.outs))
		}
		for i, o := range p.outs {
			if p.outReg[i] {
				if d := st.takenAt(i); d != nil {
					d.data[0] = st.regs[o]
					outs[i] = d
				} else {
					outs[i] = Scalar(st.regs[o])
				}
			} else {
				outs[i] = st.ts[o]
			}
			// Record the results the caller may give back
			// (release.go): those of JitTo and JitSliceTo (dst not
			// nil), which the next call may take, and, once Release
			// has been used, large ones, whose buffers Release
			// recycles. A donated tensor taken is recorded already.
			if p.outSole[i] && st.takenAt(i) == nil && (dst != nil || releaseUsed.Load() && p.outLarge(i)) {
				outs[i].setSole()
			}
		}
		if owned.n.Load() != 0 {
			p.shareViewedInputs(xs, outs)
		}
	}
	st.dst = nil
	// Drop the references to this call's tensors (inputs, results).
	for _, id := range p.clear {
		st.ts[id] = nil
	}
	return outs, ok
}

// takeDst chooses the tensors of dst that the replay may compute its
// results into (st.dst): dst[i] for output i when output i is a new
// tensor of its own (outSole), first among the outputs holding its
// buffer, and dst[i] is of its shape, the only reference to its buffer
// (own == ownSole: a result of a replay not viewed, captured or traced
// since, not released), not taken for an earlier output and sharing no
// memory with an input (which the replay reads).
func (p *jitProg) takeDst(st *jitState, xs, dst []*Tensor) {
	if cap(st.dstBuf) < len(p.outs) {
		st.dstBuf = make([]*Tensor, len(p.outs))
	}
	st.dst = st.dstBuf[:len(p.outs)]
	clear(st.dst)
outs:
	for i, o := range p.outs {
		if i >= len(dst) {
			break
		}
		d := dst[i]
		if d == nil || d.ownership() != ownSole || !p.outSole[i] || d.b != nil || !sameShape(d.shape, p.shape(o)) {
			continue
		}
		if !p.outReg[i] && p.results[o].idx != i {
			continue
		}
		for k := range i {
			if st.dst[k] == d {
				continue outs
			}
		}
		for _, x := range xs {
			if overlaps(x.data, d.data) {
				continue outs
			}
		}
		st.dst[i] = d
	}
}

// outLarge reports whether output i is computed into a buffer of
// recycleMin values or more, which Release recycles (recycle).
func (p *jitProg) outLarge(i int) bool {
	return !p.outReg[i] && shapeNumel(p.shape(p.outs[i])) >= recycleMin
}

// shareViewedInputs shares each sole input that a result views (a replay
// of a Reshape returns a view of its input): the input's buffer then has
// another reference.
func (p *jitProg) shareViewedInputs(xs, outs []*Tensor) {
	for i, o := range outs {
		if p.outSole[i] {
			continue
		}
		for _, x := range xs {
			if o != x && overlaps(o.data, x.data) {
				share(x)
			}
		}
	}
}

// takenAt returns the tensor taken for output i, or nil.
func (st *jitState) takenAt(i int) *Tensor {
	if i < len(st.dst) {
		return st.dst[i]
	}
	return nil
}

// exec is the replay loop.
func (p *jitProg) exec(st *jitState, xs []*Tensor) bool {
	ts, regs := st.ts, st.regs
	for i, id := range p.inputs {
		ts[id] = xs[i]
		if p.scalar[id] {
			regs[id] = xs[i].data[0]
		}
	}
	for k := range p.code {
		op := &p.code[k]
		if interrupted.Load() {
			panic(errorf(ErrInterrupted, p.op, "interrupted"))
		}
		switch op.kind {
		case opScalarRun:
			runScalars(op.run, regs)
			continue
		case opScalar1:
			regs[op.out] = op.p.scalar1(regs[op.args[0]])
			continue
		case opScalar2:
			regs[op.out] = op.p.scalar2(regs[op.args[0]], regs[op.args[1]])
			continue
		case opGuard:
			if !p.guardHolds(st, op) {
				return false
			}
			continue
		case opFused:
			for k := range op.group {
				if g := &op.group[k]; g.res != nil {
					ts[g.out] = g.res.result(st, p.op)
				}
			}
			p.runFused(st, op)
		case opInto:
			if op.res != nil {
				ts[op.out] = op.res.result(st, p.op)
			}
			runInto(op, ts[op.out].data, ts, st.scratch)
		case opView:
		case opElem:
			if op.res != nil {
				ts[op.out] = op.res.result(st, p.op)
			}
			if op.elem.chain {
				if cap(st.ptrs) < 2*len(op.args) {
					st.ptrs = make([]unsafe.Pointer, 2*len(op.args))
				}
				runChain(op, ts[op.out].data, ts, st.ptrs)
				break
			}
			var in [5][]float64
			for i, a := range op.args {
				if p.reg[a] {
					in[i] = regs[a : a+1]
				} else {
					in[i] = ts[a].data
				}
			}
			runElem(op, ts[op.out].data, &in, &st.elem)
		default:
			args := st.args[:len(op.args)]
			for i, a := range op.args {
				if p.reg[a] {
					args[i] = Scalar(regs[a])
				} else {
					args[i] = ts[a]
				}
			}
			st.call.Args, st.call.Params, st.call.Out = args, op.params, nil
			ts[op.out] = op.p.forward(&st.call)
		}
		// Every operation that made a buffer: its value in a register when
		// it is a scalar (a fused group's results are not), then the
		// buffers whose last use it was go back to the allocator.
		if op.kind != opFused && p.scalar[op.out] {
			regs[op.out] = ts[op.out].data[0]
		}
		for _, f := range op.free {
			recycle(ts[f].data)
			ts[f] = nil
		}
	}
	clear(st.args)
	return true
}

// guardHolds compares the buffer a guard watches with the values read
// while tracing, bit for bit.
func (p *jitProg) guardHolds(st *jitState, op *jitOp) bool {
	g := op.guard
	if p.scalar[op.out] {
		return math.Float64bits(st.regs[op.out]) == math.Float64bits(g.vals[0])
	}
	d := st.ts[op.out].data[g.off:]
	for i, v := range g.vals {
		if math.Float64bits(d[i]) != math.Float64bits(v) {
			return false
		}
	}
	return true
}

// runFused runs a region (see jitRegion), whose results of the function
// exec has allocated: the addresses of its buffers are looked up once, then its
// operations run block by block, on the cores that are free when the
// region has work enough for two (blocks claimed one at a time).
func (p *jitProg) runFused(st *jitState, op *jitOp) {
	r := op.region
	ts, regs := st.ts, st.regs
	// The addresses are kept with the replay state: only those of the
	// buffers that are new at each replay (r.dyn) are looked up again
	// (W1's region has 4 226 entries, 35 of them new each time).
	if st.rptrs == nil {
		st.rptrs = make([][]unsafe.Pointer, p.nregions)
	}
	ptrs := st.rptrs[r.id]
	if ptrs == nil {
		ptrs = make([]unsafe.Pointer, len(r.bufs))
		for i, id := range r.bufs {
			if id < 0 {
				ptrs[i] = nil // a DivGradBRecipSum's missing q
			} else if p.reg[id] {
				ptrs[i] = unsafe.Pointer(&regs[id])
			} else {
				ptrs[i] = unsafe.Pointer(unsafe.SliceData(ts[id].data))
			}
		}
		st.rptrs[r.id] = ptrs
	} else {
		for _, i := range r.dyn {
			ptrs[i] = unsafe.Pointer(unsafe.SliceData(ts[r.bufs[i]].data))
		}
	}
	w := &st.work
	w.r, w.ptrs = r, ptrs
	w.next.Store(0)
	w.stopped.Store(false)
	w.chunkLen, w.strip = r.chunk, r.strip
	workers := min(runtime.GOMAXPROCS(0), (r.n+r.chunk-1)/r.chunk)
	var rs *regionStats
	var t0 time.Time
	if r.par && workers > 1 {
		if st.rstats == nil {
			st.rstats = make([]regionStats, p.nregions)
		}
		rs = &st.rstats[r.id]
		if !rs.pickPar(r.n < fuseMin) {
			workers = 1
		}
		t0 = time.Now()
	}
	if !r.par || workers < 2 {
		workers = 1
		if r.n < fuseMin {
			// One core: the blocks made for two would only
			// repeat the work per operation.
			w.chunkLen, w.strip = r.n, r.n
		}
	}
	switch {
	case workers > 1 && r.n < fuseMin:
		w.ptrs2 = p.secondPtrs(st, r, ptrs)
		// A short region (W1's: two blocks of some 100 values, ~35 µs
		// each on one core) is a job of ad/internal/gemm's helpers, as
		// runElem's long kernels are: a helper that has just run one
		// polls for the next, so it joins within a microsecond, and the
		// caller never waits for one that has not joined (it takes the
		// blocks itself). A parked region worker took 10–110 µs to
		// start, and the caller waited for it even when it found no
		// block left. The second block computes the region's private
		// buffers in st.priv (secondPtrs, jitRegion.private).
		w.share.Run(w, workers-1)
	case workers > 1:
		w.wg.Add(workers - 1)
		for range workers - 1 {
			shareRegion(w)
		}
		w.work(false)
		w.wg.Wait()
	default:
		w.work(false)
	}
	if rs != nil {
		rs.note(workers > 1, time.Since(t0))
	}
	w.r, w.ptrs = nil, nil
	for _, i := range r.dyn {
		ptrs[i] = nil // this replay's tensors
	}
	if w.ptrs2 != nil {
		for _, i := range r.dyn {
			w.ptrs2[i] = nil
		}
		w.ptrs2 = nil
	}
	if w.stopped.Load() {
		panic(errorf(ErrInterrupted, p.op, "interrupted"))
	}
}

// secondPtrs returns the addresses for the second block of the short
// region r (see jitRegion.private): ptrs' own, but for r's private
// buffers, which are in st.priv.
func (p *jitProg) secondPtrs(st *jitState, r *jitRegion, ptrs []unsafe.Pointer) []unsafe.Pointer {
	if st.rptrs2 == nil {
		st.rptrs2 = make([][]unsafe.Pointer, p.nregions)
	}
	t := st.rptrs2[r.id]
	if t == nil {
		if st.priv == nil {
			st.priv = alloc(p.op, st.arenaLen)
		}
		t = slices.Clone(ptrs)
		for _, i := range r.private {
			t[i] = unsafe.Pointer(&st.priv[st.slotOff[p.slotOf[r.bufs[i]]]])
		}
		st.rptrs2[r.id] = t
	}
	for _, i := range r.dyn {
		t[i] = ptrs[i]
	}
	return t
}

// regionStats chooses between running a region on one core and sharing
// it among the cores, by the mean time each way took on this program's
// recent replays: sharing pays only when another core is free at once (a
// worker that starts late, or on a core busy with another process, makes
// the replay slower than one core alone; measured on W1 with one other
// process running: 169-187 against 139-155 us). The way not chosen is
// tried again every regionExplore runs, so a change of load is noticed.
type regionStats struct {
	solo, par float64 // mean run time in ns (exponentially weighted), 0 for not yet known
	runs      int     // runs since the other way was last tried
	burst     int     // further runs shared to try sharing again
	backoff   int     // tries of sharing lost in a row (short regions)
}

// regionExplore: runs between two tries of the way not chosen.
//
// A short region (pickPar's short) is shared for regionParBurst runs in a
// row when sharing is tried again: the first finds gemm's helper parked
// (it polls only 200 µs after a job) and joining late, the next ones find
// it polling, which is what sharing costs once chosen (W1 on an idle
// machine: 39–40 µs shared, 69 µs on one core). While other processes
// take the second core those tries lose, and a helper preempted inside
// its block makes the caller wait for it: each try lost doubles the runs
// to the next, up to regionExplore << regionBackoffMax (~70 ms of W1's
// replays), and sharing chosen again resets them.
const (
	regionExplore    = 32
	regionParBurst   = 4
	regionBackoffMax = 5
)

// pickPar tells whether the next run should share the region.
func (s *regionStats) pickPar(short bool) bool {
	switch {
	case s.par == 0:
		return true
	case s.solo == 0:
		return false
	case s.burst > 0:
		s.burst--
		return true
	}
	par := s.par <= s.solo
	if par {
		s.backoff = 0
	}
	if s.runs++; s.runs >= regionExplore<<s.backoff {
		s.runs = 0
		if !par && short {
			s.burst = regionParBurst - 1
			s.backoff = min(s.backoff+1, regionBackoffMax)
		}
		return !par
	}
	return par
}

// note records a run's time d, shared or not.
func (s *regionStats) note(shared bool, d time.Duration) {
	m := &s.solo
	if shared {
		m = &s.par
	}
	if *m == 0 {
		*m = float64(d)
	} else {
		*m += (float64(d) - *m) / 4
	}
}

// regionWork is the state of a region being run, shared by the cores
// running it: the caller and region workers (shareRegion).
type regionWork struct {
	r    *jitRegion
	ptrs []unsafe.Pointer
	// ptrs2: the addresses for the blocks after the first, when they
	// differ (secondPtrs), else nil.
	ptrs2 []unsafe.Pointer
	// chunkLen and strip: r's chunk and strip for this run.
	chunkLen, strip int
	next            atomic.Int64 // the first value of the next chunk
	stopped         atomic.Bool  // interrupted
	wg              sync.WaitGroup
	share           gogemm.Shared // a short region's job for gemm's helpers
}

// Participate runs chunks of the region until none is left (the caller
// and gemm's helpers, through share).
func (w *regionWork) Participate() { w.work(false) }

// Region workers. A shared region of long vectors is offered to a worker
// goroutine that waits, parked, for the next one (regionIdle), and a new
// worker starts only when none is waiting, so a replay in steady state
// starts no goroutine. A short region (n < fuseMin) goes to
// ad/internal/gemm's helpers instead (runFused), which poll for 200 µs
// after each job: that cost W1 22% more CPU for the same wall time when
// its replays were many short regions each (BENCHMARKS.md), but W1's
// replay is one region now, whose blocks take ~35 µs: only a helper
// already polling starts in time. A worker that has waited
// regionWorkerIdle exits.
var regionIdle = make(chan *regionWork) // unbuffered: a send reaches a waiting worker or fails

const regionWorkerIdle = 500 * time.Millisecond

// shareRegion hands w to a waiting worker, or to a new one; the worker
// calls w.work(true).
func shareRegion(w *regionWork) {
	select {
	case regionIdle <- w:
	default:
		go regionWorker(w)
	}
}

// regionWorker runs w, then the regions it is handed, until it has waited
// regionWorkerIdle for one.
func regionWorker(w *regionWork) {
	t := time.NewTimer(regionWorkerIdle)
	defer t.Stop()
	for {
		w.work(true)
		t.Reset(regionWorkerIdle)
		select {
		case w = <-regionIdle:
		case <-t.C:
			return
		}
	}
}

// work runs chunks of the region until none is left (done: called by a
// region worker, for runFused, which waits for it).
func (w *regionWork) work(done bool) {
	if done {
		defer w.wg.Done()
	}
	r := w.r
	for {
		lo := int(w.next.Add(int64(w.chunkLen))) - w.chunkLen
		if lo >= r.n {
			return
		}
		if !w.chunk(lo, min(lo+w.chunkLen, r.n)) {
			w.stopped.Store(true)
			return
		}
	}
}

// chunk runs the region's operations on the values [lo, hi), strip by
// strip; it returns false when interrupted.
func (w *regionWork) chunk(lo, hi int) bool {
	r, ptrs := w.r, w.ptrs
	if lo > 0 && w.ptrs2 != nil {
		ptrs = w.ptrs2
	}
	for s := lo; s < hi; s += w.strip {
		m := min(s+w.strip, hi) - s
		for k := range r.ops {
			if k&255 == 0 && interrupted.Load() {
				return false
			}
			o := &r.ops[k]
			dst := unsafe.Slice((*float64)(unsafe.Add(ptrs[o.out], 8*s)), m)
			switch o.kind {
			case ropAddNegMulDiv:
				vmath.AddNegMulDiv(dst, operand(ptrs[o.a], 1, s, m), operand(ptrs[o.b], 1, s, m),
					operand(ptrs[o.c], 1, s, m), operand(ptrs[o.d], 1, s, m))
			case ropAdd:
				vmath.Add(dst, operand(ptrs[o.a], o.sa, s, m), operand(ptrs[o.b], o.sb, s, m), int(o.sa), int(o.sb))
			case ropSub:
				vmath.Sub(dst, operand(ptrs[o.a], o.sa, s, m), operand(ptrs[o.b], o.sb, s, m), int(o.sa), int(o.sb))
			case ropMul:
				vmath.Mul(dst, operand(ptrs[o.a], o.sa, s, m), operand(ptrs[o.b], o.sb, s, m), int(o.sa), int(o.sb))
			case ropNegMulDiv:
				vmath.NegMulDiv(dst, operand(ptrs[o.a], 1, s, m), operand(ptrs[o.b], 1, s, m), operand(ptrs[o.c], 1, s, m))
			case ropNeg:
				vmath.Neg(dst, operand(ptrs[o.a], 1, s, m))
			case ropAddNegMulDivRecip:
				vmath.AddNegMulDivRecip(dst, operand(ptrs[o.a], 1, s, m), operand(ptrs[o.b], 1, s, m),
					operand(ptrs[o.c], 1, s, m), operand(ptrs[o.d], 1, s, m), operand(ptrs[o.h], 1, s, m),
					operand(ptrs[o.l], 1, s, m))
			case ropNegMulDivRecip:
				vmath.NegMulDivRecip(dst, operand(ptrs[o.a], 1, s, m), operand(ptrs[o.b], 1, s, m),
					operand(ptrs[o.c], 1, s, m), operand(ptrs[o.d], 1, s, m), operand(ptrs[o.h], 1, s, m))
			case ropDivRecip:
				vmath.DivRecip(dst, operand(ptrs[o.a], 1, s, m), operand(ptrs[o.b], 1, s, m),
					operand(ptrs[o.c], 1, s, m), operand(ptrs[o.d], 1, s, m))
			case ropNMDRMulti:
				vmath.NegMulDivRecipMultiAt(ptrs[o.c:o.c+3*o.d], ptrs[o.b], ptrs[o.h], ptrs[o.l], s, s+m)
			case ropChain:
				var x unsafe.Pointer
				if o.a >= 0 {
					x = ptrs[o.a]
				}
				vmath.AddNegMulDivRecipChainAt(ptrs[o.out], x, ptrs[o.c:o.c+2*o.d], ptrs[o.b], ptrs[o.h], ptrs[o.l], s, s+m)
			case ropDiv:
				switch a, b := operand(ptrs[o.a], o.sa, s, m), operand(ptrs[o.b], o.sb, s, m); {
				case o.sa == 1 && o.sb == 1:
					vmath.Div(dst, a, b)
				case o.sa == 0:
					vmath.DivScalarA(dst, a[0], b)
				default:
					vmath.DivScalarB(dst, a, b[0])
				}
			default:
				switch o.nargs {
				case 1:
					o.e.k1(dst, operand(ptrs[o.a], 1, s, m))
				case 2:
					o.e.k2(dst, operand(ptrs[o.a], o.sa, s, m), operand(ptrs[o.b], o.sb, s, m), int(o.sa), int(o.sb))
				case 3:
					o.e.k3(dst, operand(ptrs[o.a], 1, s, m), operand(ptrs[o.b], 1, s, m), operand(ptrs[o.c], 1, s, m))
				case 4:
					o.e.k4(dst, operand(ptrs[o.a], 1, s, m), operand(ptrs[o.b], 1, s, m), operand(ptrs[o.c], 1, s, m),
						operand(ptrs[o.d], 1, s, m))
				default:
					o.e.k5(dst, operand(ptrs[o.a], 1, s, m), operand(ptrs[o.b], 1, s, m), operand(ptrs[o.c], 1, s, m),
						operand(ptrs[o.d], 1, s, m), operand(ptrs[o.h], 1, s, m))
				}
			}
		}
	}
	return true
}

// operand returns the values [s, s+m) of the buffer at p, or its one
// value for stride 0.
func operand(p unsafe.Pointer, stride uint8, s, m int) []float64 {
	if stride == 0 {
		return unsafe.Slice((*float64)(p), 1)
	}
	return unsafe.Slice((*float64)(unsafe.Add(p, 8*s)), m)
}

// runScalars runs a run of scalar operations on the registers. The three
// most frequent operations are tested for first, with conditional
// branches: the same loop as a switch (a jump table) ran W2's replay in
// 44-46 or 66-71 µs depending on where the linker placed it (32 bytes
// apart); this form ran in 42-51 µs at both places (BENCHMARKS.md). For
// a unary operation b is 0, a valid register whose value is not used.
func runScalars(run []jitSop, regs []float64) {
	for i := range run {
		s := &run[i]
		x, y := regs[s.a], regs[s.b]
		var v float64
		if c := s.code; c == sopMul {
			v = x * y
		} else if c == sopAdd {
			v = x + y
		} else if c == sopSinCos {
			v, regs[s.b] = math.Sincos(x)
		} else {
			v = runScalar(s, x, y)
		}
		regs[s.out] = v
	}
}

// runScalar computes the less common scalar operations.
func runScalar(s *jitSop, x, y float64) float64 {
	switch s.code {
	case sopSub:
		return x - y
	case sopDiv:
		return x / y
	case sopNeg:
		return -x
	case sopSin:
		return math.Sin(x)
	case sopCos:
		return math.Cos(x)
	case sopCall1:
		return s.f1(x)
	}
	return s.f2(x, y)
}
