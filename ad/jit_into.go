package ad

import (
	"math"
	"runtime"
	"sync/atomic"
	"unsafe"
	"weak"
)

// Operations a replay runs into a buffer it provides, instead of calling
// the primitive's Forward (which allocates its result, a tensor header and
// the slices its shape checks make): matrix products of two matrices,
// broadcasting binary operations, SumTo, the reductions Sum, Prod, Max
// and Min to one value or along the rows or down the columns of a matrix
// (after merging axes), and LogSumExp to one value or along rows. Each
// calls the very loops Forward calls, with the same arguments in the same
// order, so the results are the same bits (TestJitIntoSameBits); the
// shapes, strides and branches Forward works out at every call are worked
// out once, when the program is built.
//
// The destination is an arena slot planned like an elementwise kernel's
// (jit_passes.go's plan) for an intermediate result, and for a result of
// the jitted function a new buffer (see jitOut): the caller owns its
// results, which later calls never overwrite.

// Kinds of jitInto.
const (
	intoMatMul     = iota // gemmRows into dst
	intoBroadcast         // a binary loop over broadcast rows (binaryRows, binaryBroadcast)
	intoSumTo             // primSumTo's Forward
	intoSumAll            // Sum, Prod, Max or Min to one value: reduceRow
	intoSumShort          // Sum over a matrix with short rows: sumShortRows
	intoReduceRows        // Sum, Prod, Max or Min along the rows of a matrix
	intoReduceCols        // the same down its columns
	intoLSEAll            // LogSumExp to one value
	intoLSERows           // LogSumExp along the rows of a matrix (m rows of n)
)

// jitMaxDims bounds the dimensions of the broadcasts and SumTos run into
// buffers (the row walk keeps its odometer on the stack).
const jitMaxDims = 8

// jitInto is an operation run into a provided buffer, with everything its
// Forward would work out from the shapes.
type jitInto struct {
	kind    uint8
	name    string // the primitive, for errors
	m, k, n int    // intoMatMul's product; a reduction's rows (m) and columns (n)
	ta, tb  bool   // intoMatMul: operands transposed; intoSumShort: ta = down the columns
	reduce  reduceKind
	loop    binaryLoop
	// intoBroadcast: the walk over the result (shape) with the operands'
	// strides sa, sb; intoSumTo: the walk over the argument (shape) with
	// the result's strides sa, or rows set for the row path.
	shape  []int
	sa, sb []int
	rows   bool
	// scratch is the length of the temporary buffer the operation needs
	// (jitState.scratch).
	scratch int
}

// intoOf returns how to run the instruction in into a provided buffer, or
// nil when Forward must run (another primitive, shapes its Forward treats
// otherwise, 0-d operands, which may live in registers only).
func intoOf(r *jitRec, in *jitInstr) *jitInto {
	if in.alias >= 0 {
		return nil
	}
	out := r.shapeOf(in.out)
	var sb [3][]int
	shapes := sb[:0]
	for _, a := range in.args {
		s := r.shapeOf(a)
		if len(s) == 0 {
			return nil
		}
		shapes = append(shapes, s)
	}
	if shapeNumel(out) == 0 {
		return nil
	}
	switch {
	case in.p == primMatMul:
		p, ok := in.params.(matmulParams)
		if !ok || len(p.batch) != 0 || len(shapes[0]) != 2 || len(shapes[1]) != 2 {
			return nil
		}
		a, b := shapes[0], shapes[1]
		m, k := a[0], a[1]
		if p.ta {
			m, k = k, m
		}
		n := b[1]
		if p.tb {
			n = b[0]
		}
		if k == 0 || !sameShape(out, []int{m, n}) {
			return nil
		}
		return &jitInto{kind: intoMatMul, name: in.p.Name, m: m, k: k, n: n, ta: p.ta, tb: p.tb}
	case in.p == primSumTo:
		x := shapes[0]
		if len(x) > jitMaxDims || !sameShape(broadcastShapes("SumTo", x, out), x) {
			return nil
		}
		if isRowOf(out, x) && shapeNumel(out) <= interruptStride {
			return &jitInto{kind: intoSumTo, name: "SumTo", shape: x, rows: true}
		}
		return &jitInto{kind: intoSumTo, name: "SumTo", shape: x, sa: broadcastStrides(out, x)}
	case in.p == primSum || in.p == primProd || in.p == primMax || in.p == primMin:
		// reduceKernel's paths for one value and for the rows or the
		// columns of a matrix (after merging axes).
		x := shapes[0]
		mask, ok := in.params.([]bool)
		if !ok || len(mask) != len(x) || shapeNumel(x) == 0 {
			return nil // (Forward's errors for empty axes)
		}
		kind := map[*Primitive]reduceKind{primSum: reduceSum, primProd: reduceProd, primMax: reduceMax, primMin: reduceMin}[in.p]
		if shapeNumel(out) == 1 {
			return &jitInto{kind: intoSumAll, name: in.p.Name, reduce: kind}
		}
		dst := rowMajorStrides(out)
		for i, m := range mask {
			if m {
				dst[i] = 0
			}
		}
		cs, _, ds := coalesceAxes(x, rowMajorStrides(x), dst)
		if len(cs) != 2 {
			return nil
		}
		k := &jitInto{name: in.p.Name, reduce: kind, m: cs[0], n: cs[1]}
		switch {
		case kind == reduceSum && cs[1] < shortRow:
			k.kind, k.ta = intoSumShort, ds[0] == 0
		case ds[0] == 1 && ds[1] == 0:
			k.kind = intoReduceRows
		case ds[0] == 0 && ds[1] == 1:
			k.kind = intoReduceCols
		default:
			return nil
		}
		return k
	case in.p == primLogSumExp:
		x := shapes[0]
		mask, ok := in.params.([]bool)
		if !ok || len(mask) != len(x) || shapeNumel(x) == 0 {
			return nil // (Forward's error for an empty reduced axis)
		}
		if shapeNumel(out) == 1 {
			return &jitInto{kind: intoLSEAll, name: "LogSumExp", scratch: shapeNumel(x)}
		}
		dst := rowMajorStrides(out)
		for i, m := range mask {
			if m {
				dst[i] = 0
			}
		}
		cs, _, ds := coalesceAxes(x, rowMajorStrides(x), dst)
		if len(cs) == 2 && ds[0] == 1 && ds[1] == 0 {
			k := &jitInto{kind: intoLSERows, name: "LogSumExp", m: cs[0], n: cs[1]}
			if k.n >= shortRow {
				k.scratch = k.n
			}
			return k
		}
		return nil
	}
	e := elemOf(in.p)
	if e == nil || e.k2 == nil || len(shapes) != 2 || len(out) > jitMaxDims {
		return nil
	}
	a, b := shapes[0], shapes[1]
	if sameShape(a, b) || shapeNumel(a) == 1 || shapeNumel(b) == 1 {
		return nil // binaryKernel's elementwise paths: opElem's
	}
	if !sameShape(broadcastShapes(e.op, a, b), out) {
		return nil
	}
	return &jitInto{kind: intoBroadcast, name: e.op, loop: e.k2, shape: out,
		sa: broadcastStrides(a, out), sb: broadcastStrides(b, out)}
}

// runInto runs op, an opInto, into dst, with scratch (at least
// op.into.scratch values, arbitrary contents).
func runInto(op *jitOp, dst []float64, ts []*Tensor, scratch []float64) {
	k := op.into
	switch k.kind {
	case intoMatMul:
		gemmRows(k.name, k.m, k.k, k.n, ts[op.args[0]].data, ts[op.args[1]].data, dst, k.ta, k.tb)
	case intoBroadcast:
		a, b := ts[op.args[0]].data, ts[op.args[1]].data
		la, lb := lastStride(k.sa), lastStride(k.sb)
		jitWalk(k.name, k.shape, k.sa, k.sb, func(o, oa, ob, n int) {
			k.loop(dst[o:o+n], a[oa:], b[ob:], la, lb)
		})
	case intoSumTo:
		x := ts[op.args[0]].data
		clear(dst)
		if k.rows {
			// primSumTo's row path.
			n, done := len(dst), 0
			for o := 0; o < len(x); o += n {
				addRow(dst, x[o:o+n])
				if done += n; done >= interruptStride {
					checkInterrupt("SumTo")
					done = 0
				}
			}
			return
		}
		ls := lastStride(k.sa)
		jitWalk("SumTo", k.shape, k.sa, nil, func(o, od, _, n int) {
			sumRowInto(dst, od, x[o:o+n], ls == 1)
		})
	case intoSumAll:
		dst[0] = reduceRow(k.name, k.reduce, ts[op.args[0]].data, k.reduce.identity())
	case intoSumShort:
		clear(dst)
		sumShortRows(k.name, k.m, k.n, ts[op.args[0]].data, dst, k.ta)
	case intoReduceRows:
		// walkRows's visit of each row, one row per value: the
		// identity combined with the row's reduction.
		x, init, n, done := ts[op.args[0]].data, k.reduce.identity(), k.n, 0
		for r := range k.m {
			if done += n + 1; done >= interruptStride {
				checkInterrupt(k.name)
				done = 0
			}
			dst[r] = combine(k.reduce, init, reduceRow(k.name, k.reduce, x[r*n:(r+1)*n], init))
		}
	case intoReduceCols:
		// Every row combined into dst, in order (elementwise, so the
		// chunks of long rows do not matter).
		x, init, n, done := ts[op.args[0]].data, k.reduce.identity(), k.n, 0
		for i := range dst {
			dst[i] = init
		}
		for r := range k.m {
			if done += n + 1; done >= interruptStride {
				checkInterrupt(k.name)
				done = 0
			}
			combineRows(k.reduce, dst, x[r*n:(r+1)*n])
		}
	case intoLSEAll, intoLSERows:
		lseInto(k, ts[op.args[0]].data, dst, scratch)
	}
}

// lseInto is primLogSumExp's Forward into dst for the two layouts intoOf
// accepts, with reduceKernel's paths for them: the maximum of each row by
// reduceRow, the exponentials of the shifted values (stored in scratch
// when they are summed by reduceRow, summed as they are made when
// sumShortRows would sum them: the same additions in the same order), the
// sum, its logarithm plus the shift.
func lseInto(k *jitInto, x, dst, scratch []float64) {
	const op = "LogSumExp"
	fix := func(v float64) float64 {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return 0
		}
		return v
	}
	if k.kind == intoLSEAll {
		shift := fix(reduceRow(op, reduceMax, x, math.Inf(-1)))
		e := scratch[:len(x)]
		parallelFor(op, len(e), func(lo, hi int) {
			for i, v := range x[lo:hi] {
				e[lo+i] = math.Exp(v - shift)
			}
		})
		dst[0] = reduceRow(op, reduceSum, e, 0)
		dst[0] = math.Log(dst[0]) + shift
		return
	}
	n, done := k.n, 0
	for r := 0; r < k.m; r++ {
		row := x[r*n : (r+1)*n]
		shift := fix(combine(reduceMax, math.Inf(-1), reduceRow(op, reduceMax, row, math.Inf(-1))))
		if n < shortRow {
			sum := 0.0
			for _, v := range row {
				sum += math.Exp(v - shift)
			}
			dst[r] = 0
			dst[r] += sum
		} else {
			e := scratch[:n]
			for i, v := range row {
				e[i] = math.Exp(v - shift)
			}
			dst[r] = combine(reduceSum, 0, reduceRow(op, reduceSum, e, 0))
		}
		dst[r] = math.Log(dst[r]) + shift
		if done += n; done >= interruptStride {
			checkInterrupt(op)
			done = 0
		}
	}
}

// jitWalk walks a row-major array of the given shape row by row (a row is
// the last dimension) as forEachRow does — the same rows in the same
// order, long rows in the same chunks, the same checks for interruption —
// calling fn with the row's offset and the matching offsets by the
// strides sa and sb (nil: always 0). It keeps its odometer on the stack:
// len(shape) ≤ jitMaxDims.
func jitWalk(op string, shape, sa, sb []int, fn func(o, oa, ob, n int)) {
	nd := len(shape)
	n := shape[nd-1]
	total := shapeNumel(shape)
	if total == 0 {
		return
	}
	stride := func(st []int, k int) int {
		if st == nil {
			return 0
		}
		return st[k]
	}
	var idx [jitMaxDims]int
	oa, ob, done := 0, 0, 0
	for o := 0; o < total; o += n {
		if n <= interruptStride {
			fn(o, oa, ob, n)
			done += n
			if done >= interruptStride {
				checkInterrupt(op)
				done = 0
			}
		} else {
			for c := 0; c < n; c += interruptStride {
				checkInterrupt(op)
				fn(o+c, oa+stride(sa, nd-1)*c, ob+stride(sb, nd-1)*c, min(interruptStride, n-c))
			}
		}
		for k := nd - 2; k >= 0; k-- {
			idx[k]++
			oa += stride(sa, k)
			ob += stride(sb, k)
			if idx[k] < shape[k] {
				break
			}
			oa -= stride(sa, k) * idx[k]
			ob -= stride(sb, k) * idx[k]
			idx[k] = 0
		}
	}
}

// jitOut describes a result of the function computed into a provided
// buffer (opElem, opInto): each replay gives the caller a new tensor,
// which later calls never overwrite, in a buffer of its own.
//
// A small result (at most jitPooledMax values) takes its buffer from
// alloc, as an eager result does: makeBuf's buffers come back through the
// garbage collector once dropped (memory.go), so W1's six 200-value
// derivatives cost no new buffers in steady state. A larger one takes a
// buffer a released result gave back (release.go), or one of its own
// spares (below), or gets a new buffer, not zeroed (makeNoZero: every
// kernel run into a buffer writes all of it), which the collector frees
// once the caller drops it.
//
// Spares: at most jitBackMax of a result's buffers at a time carry a
// finalizer (backFin), which the collector runs once nothing refers to
// any part of the buffer any more; it keeps the buffer as one of the
// result's spares, which the next replay takes instead of a new buffer.
// A spare is held through a weak pointer only: the collection after the
// one that handed it back frees it unless a replay took it first, so a
// program that is not being called keeps nothing (as the pools' spares,
// memory.go's dropSpares). A dropped large result otherwise costs the
// collector's pacing a new buffer per call, and collections come every
// two or three calls (EW's 8 MB result beside its 8 MB input: a
// collection every 2.1 calls, each costing the call that waits for it
// 0.1-0.3 ms, and, when the heap goal moves, 2 000 page faults, 1.8 ms,
// for memory the runtime had returned to the system; BENCHMARKS.md,
// "ewtail"). With two spares, a collection every 4 calls, and a dropped
// EW replay's mean call 0.45-0.50 instead of 0.59-0.74 ms. Only results
// of jitBackMin values or more come back so. The memory is bounded, and
// it is the price: besides the results the caller holds, up to
// jitBackMax spares per such result, from one collection to the next
// (EW's benchmark process peaked at 71-74 instead of 63 MB resident).
// Handing every dropped buffer back that way instead (a pool per length,
// memory.go's gcReturn) tripled the peak resident growth of 100 jitted
// W3 gradients (45-57 instead of 15-20 MB; BENCHMARKS.md), and a pool of
// the program's own whose buffers came back for as long as the program
// was used grew the heap without bound (54 → 409 MB over 8000 W3
// gradients); spares held strongly for the program's life would keep
// two buffers of every large result of every jitted function a notebook
// still refers to (160 MB for a function of 10⁷ values).
type jitOut struct {
	n     int
	shape []int
	idx   int // the first output holding it, -1 for none (soleOuts)

	spares [jitBackMax]atomic.Pointer[weak.Pointer[float64]] // first elements
	armed  atomic.Int32                                      // buffers carrying backFin
	fin    func(*float64)                                    // backFin, for results of jitBackMin values or more (newJitOut)
}

// newJitOut returns the jitOut of a result of the given shape.
func newJitOut(shape []int) *jitOut {
	q := &jitOut{n: shapeNumel(shape), shape: shape}
	if q.n >= jitBackMin {
		q.fin = q.backFin // (one method value per result, not per buffer)
	}
	return q
}

// jitBackMax is how many buffers of one result come back through the
// collector at a time.
const jitBackMax = 2

// jitBackMin is the least length, in values, of a result whose buffers
// come back as spares: above gcReturnMax (4 MiB). W3's 1.6 MB gradient
// also came back (a third fewer bytes allocated per replay), but its
// replays were no faster (median call 1.18-1.21 ms against 1.19-1.36
// without, 4 rounds alternated) and 100 of them grew the resident set
// more (peak 11.9 against 11.1 MB, medians; 7-8 against 4-5 MB kept at
// the end).
const jitBackMin = gcReturnMax + 1

// backFin is the finalizer of q's buffers that come back: it keeps the
// buffer starting at p as a spare, weakly, when a slot is free (either
// way the next collection frees it unless a replay took it).
func (q *jitOut) backFin(p *float64) {
	w := weak.Make(p)
	for i := range q.spares {
		if q.spares[i].CompareAndSwap(nil, &w) {
			break
		}
	}
	q.armed.Add(-1)
}

// comeBack sets backFin on d, a buffer q's get has just made or taken
// from its spares (so one without a finalizer, starting its allocation),
// when fewer than jitBackMax buffers carry it. A buffer from alloc's
// pools never gets it: it may carry gcReturn's finalizer already.
func (q *jitOut) comeBack(d []float64) {
	for {
		a := q.armed.Load()
		if a >= jitBackMax {
			return
		}
		if q.armed.CompareAndSwap(a, a+1) {
			break
		}
	}
	runtime.SetFinalizer(&d[0], q.fin)
}

// jitPooledMax is the largest result, in values (64 KiB), whose buffer
// comes from alloc's pools.
const jitPooledMax = 1 << 13

// get returns a new result tensor for the caller, with arbitrary contents,
// through the allocation guard.
func (q *jitOut) get(op string) *Tensor {
	if q.n <= jitPooledMax {
		return newResult(op, q.shape, q.n)
	}
	// A released result's buffer (release.go). Not looked for before
	// any Release: a Get from a pool emptied by a collection allocates
	// its per-core slots again (one allocation per collection, W3 9 ->
	// 10 per replay).
	if releaseUsed.Load() {
		if d := reuseBuf(q.n); d != nil {
			return &Tensor{shape: q.shape, data: d}
		}
	}
	back := q.n >= jitBackMin
	if back {
		for i := range q.spares {
			e := q.spares[i].Swap(nil)
			if e == nil {
				continue
			}
			if v := e.Value(); v != nil { // (nil: a collection freed it)
				d := unsafe.Slice(v, q.n)
				q.comeBack(d)
				return &Tensor{shape: q.shape, data: d}
			}
		}
	}
	checkAlloc(op, q.n)
	d := makeNoZero(q.n) // every kernel writes all of it
	if d == nil {
		d = make([]float64, q.n)
	}
	if back {
		q.comeBack(d)
	}
	return &Tensor{shape: q.shape, data: d}
}

// result returns the tensor a replay computes result q into: the
// caller's tensor donated for it (jitProg.takeDst), or a new one.
func (q *jitOut) result(st *jitState, op string) *Tensor {
	if q.idx >= 0 && st.dst != nil {
		if t := st.dst[q.idx]; t != nil {
			return t
		}
	}
	return q.get(op)
}

// scratchLen returns the length of the scratch buffer p's operations need.
func (p *jitProg) scratchLen() int {
	n := 0
	for i := range p.code {
		if k := p.code[i].into; k != nil {
			n = max(n, k.scratch)
		}
	}
	return n
}
