package ad

import (
	"sync"
	"sync/atomic"
	"unsafe"
	"weak"
)

// Giving buffers back. Nothing tells ad when the caller is done with a
// result, so a loop that makes a large result per step (a jitted
// gradient) allocates a new buffer per step, and the memory only comes
// back with garbage collections. Release is the caller saying so
// (PyTorch's caching allocator learns it from reference counts, JAX from
// donate_argnums and Array.delete): a released tensor's buffer goes back
// to alloc's pools at once, and every later use of the tensor panics with
// ErrReleased.
//
// A buffer may be reused only when nothing else refers to it, and views
// share buffers (Reshape's result, the boxes of a differentiation, the
// constants of a jitted program). So ad records which tensors are the sole
// owners of their buffers: set only where ad has just made the buffer for
// the tensor (a replay's results, see jitProg.run) and cleared (share)
// wherever ad makes a second reference to the tensor or its buffer: a
// primitive whose result overlaps a sole argument (Apply), a traced
// application, which keeps its arguments in a graph or a recording
// (Apply), a box of the tensor (newBox, applyReverse, jitBox), a constant
// of a jitted program (constBuf), a replay's result that views its input
// (jitProg.run). Release recycles the buffer of a sole owner only; any
// other tensor is only marked released, and its buffer is freed by the
// garbage collector once nothing refers to it.
//
// The record is not a field of Tensor: one more word moved the blocks
// eager mode allocates per scalar step into larger size classes (a 0-d
// result 64 -> 80 bytes, a traced node 224 -> 240), which made eager W2
// half as slow at the default GOGC (BENCHMARKS.md, "Release and donation
// taken out again"). It is a side table (owned) from a tensor's address
// to its state, holding only the tensors that can be recycled or donated
// (every result of JitTo and JitSliceTo; once Release has been called in
// the process, the results of recycleMin values or more of Jit and
// JitSlice) and the released tensors that were not sole. Each entry keeps a weak
// pointer to its tensor: a collected tensor's address may be reused by a
// new tensor before the entry is swept, and the weak pointer (nil once its
// tensor is unreachable) tells them apart. Entries of collected tensors
// are swept after each collection (sweepOwned, from spareSweep) and when
// the table has doubled. While the table is empty (owned.n == 0), as it
// is in a program that never jits or releases, every check is one atomic
// load and eager mode pays nothing else. While it holds entries, a
// filter of the addresses it holds (ownFilter, one bit per address hash)
// answers most checks without the table's lock: an eager loop's arguments
// are fresh tensors that were never recorded, whose bits are almost always
// clear (eager W2 with one entry held, BenchmarkW2ScalarLoopTableInUse:
// the table's lookups took 10% of its CPU profile, the filter 2.5%).
//
// A released sole tensor leaves the table: its shape becomes
// releasedShape (recognized by its address, so a check needs no table)
// and its data nil, so that a use missed by a check reads no value of the
// reused buffer. Only sole tensors are changed that way: nothing inside
// ad refers to them, while a shared tensor's header may be read by a
// graph, a program or a view (its released state is an entry).

// Ownership states.
const (
	ownShared   = iota // may share its buffer: never recycled
	ownSole            // the only reference to a buffer ad made for it
	ownReleased        // released: every use panics with ErrReleased
)

// ownEntry is the record of one tensor in owned (a value in the map: an
// entry costs no allocation of its own, only its weak pointer's handle).
type ownEntry struct {
	wp    weak.Pointer[Tensor]
	state uint32
}

// owned is the side table of ownership states, by tensor address.
var owned struct {
	n     atomic.Int32 // len(m), read without mu
	mu    sync.Mutex
	m     map[uintptr]ownEntry
	swept int // len(m) after the last sweep
}

// ownFilter has bit ownBit(t) set for every t in owned.m, and possibly
// for tensors no longer there: bits are set under owned.mu before the
// entry is added and cleared only by a sweep, which builds a new filter
// from the entries left and stores it whole. Nil until the first entry.
var ownFilter atomic.Pointer[ownBits]

// ownBits is a filter of 4096 bits.
type ownBits [64]atomic.Uint64

// ownBit returns t's bit in a filter: Fibonacci hashing of its address.
func ownBit(t *Tensor) uint64 {
	return uint64(uintptr(unsafe.Pointer(t))) * 0x9E3779B97F4A7C15 >> 52
}

// set sets t's bit.
func (f *ownBits) set(t *Tensor) {
	b := ownBit(t)
	f[b>>6].Or(1 << (b & 63))
}

// mayOwn reports whether t may have an entry in owned: false means it has
// none. It takes no lock.
func mayOwn(t *Tensor) bool {
	f := ownFilter.Load()
	if f == nil {
		return owned.n.Load() != 0
	}
	b := ownBit(t)
	return f[b>>6].Load()&(1<<(b&63)) != 0
}

// releaseUsed tells that Release was called in this process: until then
// no one gives results back, and the replays of Jit and JitSlice record
// none (jitProg.run), which costs a weak pointer each.
var releaseUsed atomic.Bool

// noSweep keeps the entries of collected tensors (a test's stale entries).
var noSweep atomic.Bool

// releasedDims backs releasedShape, the shape of a released sole tensor.
var releasedDims [1]int

var releasedShape = releasedDims[:0:0]

// isReleasedSole reports whether t is a released sole tensor (its shape
// is releasedShape).
func isReleasedSole(t *Tensor) bool { return unsafe.SliceData(t.shape) == &releasedDims[0] }

// stateOf returns t's state and whether it has an entry. A stale entry
// (its tensor was collected and t has its address) is removed. Callers
// hold owned.mu.
func stateOf(t *Tensor) (uint32, bool) {
	a := uintptr(unsafe.Pointer(t))
	e, ok := owned.m[a]
	if !ok {
		return ownShared, false
	}
	if e.wp.Value() != t {
		delete(owned.m, a)
		owned.n.Store(int32(len(owned.m)))
		return ownShared, false
	}
	return e.state, true
}

// setState changes the state of t, which has an entry. Callers hold
// owned.mu.
func setState(t *Tensor, st uint32) {
	a := uintptr(unsafe.Pointer(t))
	e := owned.m[a]
	e.state = st
	owned.m[a] = e
}

// dropEntry removes t's entry. Callers hold owned.mu.
func dropEntry(t *Tensor) {
	delete(owned.m, uintptr(unsafe.Pointer(t)))
	owned.n.Store(int32(len(owned.m)))
}

// addEntry records t with state st. Callers hold owned.mu.
func addEntry(t *Tensor, st uint32) {
	if owned.m == nil {
		owned.m = make(map[uintptr]ownEntry)
		startSweep()
	}
	if len(owned.m) >= 2*owned.swept+64 && !noSweep.Load() {
		sweepOwnedLocked()
	}
	if ownFilter.Load() == nil {
		ownFilter.Store(new(ownBits))
	}
	ownFilter.Load().set(t)
	owned.m[uintptr(unsafe.Pointer(t))] = ownEntry{wp: weak.Make(t), state: st}
	owned.n.Store(int32(len(owned.m)))
}

// sweepOwned removes the entries of collected tensors.
func sweepOwned() {
	if owned.n.Load() == 0 || noSweep.Load() {
		return
	}
	owned.mu.Lock()
	sweepOwnedLocked()
	owned.mu.Unlock()
}

func sweepOwnedLocked() {
	for a, e := range owned.m {
		if e.wp.Value() == nil {
			delete(owned.m, a)
		}
	}
	owned.swept = len(owned.m)
	owned.n.Store(int32(len(owned.m)))
	f := new(ownBits)
	for _, e := range owned.m {
		if t := e.wp.Value(); t != nil {
			f.set(t)
		}
	}
	ownFilter.Store(f)
}

// ownership returns t's ownership state.
func (t *Tensor) ownership() uint32 {
	if isReleasedSole(t) {
		return ownReleased
	}
	if owned.n.Load() == 0 || !mayOwn(t) {
		return ownShared
	}
	owned.mu.Lock()
	defer owned.mu.Unlock()
	st, _ := stateOf(t)
	return st
}

// setSole records t, a tensor ad has just made and no one else refers
// to, as the sole owner of its buffer.
func (t *Tensor) setSole() {
	owned.mu.Lock()
	if _, ok := stateOf(t); ok {
		setState(t, ownSole)
	} else {
		addEntry(t, ownSole)
	}
	owned.mu.Unlock()
}

// share records that another reference to t (or its buffer) exists.
func share(t *Tensor) {
	if owned.n.Load() != 0 && mayOwn(t) {
		shareSlow(t)
	}
}

func shareSlow(t *Tensor) {
	owned.mu.Lock()
	if st, _ := stateOf(t); st == ownSole {
		dropEntry(t) // shared for good: no entry needed
	}
	owned.mu.Unlock()
}

// checkArgs panics with ErrReleased, naming op, when one of args was
// released, and reports whether any of them is sole. Apply calls it when
// the table is not empty.
func checkArgs(op string, args []*Tensor) (sole bool) {
	maybe := false
	for _, a := range args {
		maybe = maybe || mayOwn(a)
	}
	if !maybe {
		return false
	}
	owned.mu.Lock()
	defer owned.mu.Unlock()
	for _, a := range args {
		switch st, _ := stateOf(a); st {
		case ownReleased:
			panic(errReleased(op, a))
		case ownSole:
			sole = true
		}
	}
	return sole
}

// checkLive panics with ErrReleased, naming op, when t was released.
func (t *Tensor) checkLive(op string) {
	if isReleasedSole(t) || owned.n.Load() != 0 && t.ownership() == ownReleased {
		panic(errReleased(op, t))
	}
}

func errReleased(op string, t *Tensor) *Error {
	what := "the tensor" // a released sole tensor's shape is gone
	if !isReleasedSole(t) {
		what = "the tensor of shape " + fmtShape(t.shape)
	}
	return errorf(ErrReleased, op, "%s was released (Release, or donated to a JitSliceTo or JitTo call that did not return it) and cannot be used any more", what)
}

// Release tells ad that t will not be used again. When t is the only
// reference to its buffer (a result of a jitted function that has not been
// viewed, captured or traced since), the buffer goes back to ad's pools at
// once, for the next result of its length; otherwise it is freed by the
// garbage collector as usual. Either way every later use of t — as an
// argument, through an accessor, printing — panics with an *Error wrapping
// ErrReleased; tensors that view t's values (a Reshape of it, a constant a
// jitted function captured) are not affected. Releasing a nil or an
// already released tensor does nothing. Release panics with ErrArgument
// for a value traced by a running differentiation or Jit, which the trace
// still needs.
func (t *Tensor) Release() {
	if t == nil || isReleasedSole(t) {
		return
	}
	if !releaseUsed.Load() {
		releaseUsed.Store(true)
	}
	if t.b != nil {
		panic(errorf(ErrArgument, "Release", "the tensor of shape %s is traced by a running differentiation or Jit, which still needs it; release the results after the differentiated or jitted function returns", fmtShape(t.shape)))
	}
	owned.mu.Lock()
	switch st, ok := stateOf(t); {
	case !ok:
		addEntry(t, ownReleased)
	case st == ownSole:
		dropEntry(t)
		d := t.data
		// No stale read of the reused buffer: a use the checks miss
		// finds no values.
		t.shape, t.data = releasedShape, nil
		owned.mu.Unlock()
		recycle(d)
		return
	default:
		setState(t, ownReleased)
	}
	owned.mu.Unlock()
}

// Release releases each of ts (see (*Tensor).Release): ad.Release(outs...)
// after the last use of a jitted function's results.
func Release(ts ...*Tensor) {
	for _, t := range ts {
		t.Release()
	}
}
