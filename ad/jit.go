package ad

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Jit: trace once, replay fast.
//
// Jit runs the function once under a jit trace, the lowest trace of all:
// its input is boxed by that trace, so every primitive application that
// depends on it, also those made by Grad, Hessian, ElementwiseGrad and the
// backward pass inside the function (which see jit-boxed values as an outer
// differentiation's and so use only primitives), ends in applyJit, which
// computes the value exactly as the eager path does and records the
// application as an instruction over numbered buffers. Values that do not
// depend on the input are constants. The recording is turned into a
// program by small passes (jit_passes.go) and replayed by one loop
// (jit_replay.go).

// jitMode is the mode of a jit trace (after reverseMode and forwardMode).
const jitMode = forwardMode + 1

// jitInstr is one recorded instruction: p applied to the buffers args with
// params, giving buffer out. A guard (p == nil) checks that buffer out
// still holds the values read while tracing.
type jitInstr struct {
	p      *Primitive
	params any
	args   []int32
	out    int32
	// alias is the index of the argument whose memory out shares (a view:
	// Reshape), -1 for none.
	alias int32
	guard *jitGuard
}

// jitGuard records values of a traced buffer that the function converted
// to Go numbers while it was traced (Item, At, Data, String): a replay is
// valid only while they are the same.
type jitGuard struct {
	op   string // the accessor, for messages
	off  int
	vals []float64
}

// Buffer kinds.
const (
	bufInput = iota // the function's input number inp
	bufConst        // a constant (a value not depending on any input)
	bufValue        // the output of an instruction
)

// jitBuf describes one numbered buffer of a recording. It holds no
// pointers, so the long list of them costs the garbage collector nothing.
type jitBuf struct {
	shape int32 // index in jitRec.shapes
	kind  uint8
	num   int32 // bufInput: the input's number; bufConst: index in jitRec.cvals
}

// jitRec is the recording of one trace.
type jitRec struct {
	mu     sync.Mutex
	tr     *trace
	bufs   []jitBuf
	shapes [][]int   // the buffers' shapes, each once (mostly); 0 is the 0-d shape
	cvals  []*Tensor // the constants
	// The instructions, in chunks (a long recording is never copied
	// while it grows): the full chunks, then code.
	chunks [][]jitInstr
	code   []jitInstr
	consts map[*Tensor]int32
	scalar map[uint64]int32 // 0-d constants by value bits
	impure string           // the random draw that makes the trace unusable
	// slabs (see jitBox and ids)
	boxSlab []jitBoxed
	idSlab  []int32
}

// jitBoxed is a tensor boxed by a jit trace, allocated with the number of
// its buffer and, for a 0-d value computed on the scalar path, the value
// itself: one allocation (a slab entry) per recorded instruction.
type jitBoxed struct {
	bt  boxedTensor
	id  int32
	val scalarBlock
}

// jitID returns the buffer number of b, a box of a jit trace (jitBox made
// every such box, inside a jitBoxed).
func jitID(b *box) int32 {
	const off = unsafe.Offsetof(jitBoxed{}.bt) + unsafe.Offsetof(boxedTensor{}.b)
	return (*jitBoxed)(unsafe.Add(unsafe.Pointer(b), -int(off))).id
}

// nextBox returns the next free entry of the box slab (one allocation per
// jitSlab entries). Callers hold r.mu.
func (r *jitRec) nextBox() *jitBoxed {
	if len(r.boxSlab) == 0 {
		r.boxSlab = make([]jitBoxed, jitSlab)
	}
	jb := &r.boxSlab[0]
	r.boxSlab = r.boxSlab[1:]
	return jb
}

// jitBox returns a tensor boxing the plain value v at jit trace tr as
// buffer id, in the slab entry jb (nil: the next one). Callers hold r.mu.
func (r *jitRec) jitBox(jb *jitBoxed, v *Tensor, id int32) *Tensor {
	if jb == nil {
		jb = r.nextBox()
	}
	jb.id = id
	share(v)
	bt := &jb.bt
	bt.t = Tensor{shape: v.shape, data: v.data, b: &bt.b}
	bt.b = box{value: v, tr: r.tr}
	return &bt.t
}

// jitSlab is the number of boxes or argument lists allocated at once
// while recording.
const jitSlab = 256

// ids returns a slice of n buffer numbers from a slab. Callers hold r.mu.
func (r *jitRec) ids(n int) []int32 {
	if len(r.idSlab) < n {
		r.idSlab = make([]int32, max(n, 4*jitSlab))
	}
	s := r.idSlab[:n:n]
	r.idSlab = r.idSlab[n:]
	return s
}

// grow returns s with room for one more element: it doubles the capacity
// when s is full (append grows long slices by a quarter only, which for
// the recording's long lists costs several copies of them).
func grow[T any](s []T) []T {
	if len(s) < cap(s) {
		return s
	}
	t := make([]T, len(s), max(2*cap(s), jitSlab))
	copy(t, s)
	return t
}

// shapeIndex returns the index of shape in r.shapes, adding it when it is
// not among the last few added (a shape seen earlier may be added again:
// the index only has to name an equal shape). Callers hold r.mu.
func (r *jitRec) shapeIndex(shape []int) int32 {
	if len(shape) == 0 {
		return 0
	}
	for i := len(r.shapes) - 1; i >= max(1, len(r.shapes)-8); i-- {
		if sameShape(r.shapes[i], shape) {
			return int32(i)
		}
	}
	r.shapes = append(r.shapes, shape)
	return int32(len(r.shapes) - 1)
}

// shapeOf returns the shape of buffer id.
func (r *jitRec) shapeOf(id int32) []int { return r.shapes[r.bufs[id].shape] }

// newBuf adds a buffer of the given kind and shape and returns its
// number. Callers hold r.mu.
func (r *jitRec) newBuf(kind uint8, shape []int, num int32) int32 {
	r.bufs = append(grow(r.bufs), jitBuf{shape: r.shapeIndex(shape), kind: kind, num: num})
	return int32(len(r.bufs) - 1)
}

// addInstr appends in to the recording. Callers hold r.mu.
func (r *jitRec) addInstr(in jitInstr) {
	if len(r.code) == cap(r.code) {
		n := jitSlab
		if cap(r.code) > 0 {
			r.chunks = append(r.chunks, r.code)
			n = min(2*cap(r.code), jitChunk)
		}
		r.code = make([]jitInstr, 0, n)
	}
	r.code = append(r.code, in)
}

// jitChunk is the largest number of instructions of a chunk.
const jitChunk = 4096

// eachInstr calls f with every recorded instruction, in order.
func (r *jitRec) eachInstr(f func(in *jitInstr)) {
	for _, c := range r.chunks {
		for i := range c {
			f(&c[i])
		}
	}
	for i := range r.code {
		f(&r.code[i])
	}
}

// numInstr returns the number of recorded instructions.
func (r *jitRec) numInstr() int {
	n := len(r.code)
	for _, c := range r.chunks {
		n += len(c)
	}
	return n
}

// constBuf returns the buffer of the plain constant c. Callers hold r.mu.
func (r *jitRec) constBuf(c *Tensor) int32 {
	share(c) // the program keeps it
	if len(c.shape) == 0 {
		// 0-d constants (Go numbers given to ops, new tensors each
		// time) are merged by value.
		bits := math.Float64bits(c.data[0])
		if id, ok := r.scalar[bits]; ok {
			return id
		}
		id := r.newConst(c)
		r.scalar[bits] = id
		return id
	}
	if id, ok := r.consts[c]; ok {
		return id
	}
	id := r.newConst(c)
	r.consts[c] = id
	return id
}

func (r *jitRec) newConst(c *Tensor) int32 {
	r.cvals = append(r.cvals, c)
	return r.newBuf(bufConst, c.shape, int32(len(r.cvals)-1))
}

// applyJit applies p at the jit trace top: it computes the value from the
// plain values exactly as Apply does on plain arguments and records the
// application.
func (p *Primitive) applyJit(top *trace, params any, args []*Tensor) *Tensor {
	r := top.rec
	var vb [3]*Tensor
	vals := vb[:0]
	for i, a := range args {
		if a.b != nil && a.b.tr != top {
			panic(errorf(ErrJit, p.Name, "argument %d is a value traced by a differentiation outside the jitted function (captured by a closure?); pass it to the jitted function as an argument instead", i))
		}
		vals = append(vals, unboxAt(a, top))
	}
	// The scalar path of applyScalar, computing into the slab entry.
	var v float64
	scalar := false
	switch len(vals) {
	case 1:
		if p.scalar1 != nil && len(vals[0].shape) == 0 {
			v, scalar = p.scalar1(vals[0].data[0]), true
		}
	case 2:
		if p.scalar2 != nil && len(vals[0].shape) == 0 && len(vals[1].shape) == 0 {
			v, scalar = p.scalar2(vals[0].data[0], vals[1].data[0]), true
		}
	}
	var out *Tensor
	if !scalar {
		cb := callPool.Get().(*callBuf)
		cb.call.Params = params
		cb.call.Args = append(cb.args[:0], vals...)
		out = p.forward(&cb.call)
		*cb = callBuf{}
		callPool.Put(cb)
	}
	alias := int32(-1)
	r.mu.Lock()
	jb := r.nextBox()
	if scalar {
		sb := &jb.val
		sb.v[0] = v
		sb.t.shape, sb.t.data = []int{}, sb.v[:]
		out = &sb.t
	}
	ids := r.ids(len(args))
	for i, a := range args {
		if a.b != nil {
			ids[i] = jitID(a.b)
		} else {
			ids[i] = r.constBuf(a)
		}
		if !scalar && alias < 0 && len(out.data) > 0 && overlaps(out.data, vals[i].data) {
			alias = int32(i)
		}
	}
	id := r.newBuf(bufValue, out.shape, 0)
	r.addInstr(jitInstr{p: p, params: params, args: ids, out: id, alias: alias})
	b := r.jitBox(jb, out, id)
	r.mu.Unlock()
	return b
}

// noteRead is called by the accessors that turn a tensor's numbers into Go
// values. When t is traced by a running jit trace, the values read become
// a guard of the program being recorded.
func noteRead(t *Tensor, op string, off, n int) {
	for v := t; v.b != nil; v = v.b.value {
		tr := v.b.tr
		if tr.mode != jitMode {
			continue
		}
		if tr.done.Load() {
			return
		}
		r := tr.rec
		g := &jitGuard{op: op, off: off, vals: append([]float64(nil), v.data[off:off+n]...)}
		r.mu.Lock()
		r.addInstr(jitInstr{out: jitID(v.b), alias: -1, guard: g})
		r.mu.Unlock()
		return
	}
}

// stopDiff returns x without the boxes of differentiations: its value as a
// constant for them, still traced by a running Jit (StopGradient inside a
// jitted function stays a function of the input).
func stopDiff(x *Tensor) *Tensor {
	for v := x; v.b != nil; v = v.b.value {
		if v.b.tr.mode == jitMode && !v.b.tr.done.Load() {
			return v
		}
	}
	if x.b == nil {
		return x
	}
	return newRaw(x.shape, x.data)
}

// jitTracing counts the jit traces running, so that sources of randomness
// can tell them (noteImpure) without cost otherwise.
var (
	jitTracing atomic.Int32
	jitActive  struct {
		sync.Mutex
		recs map[*jitRec]bool
	}
)

// noteImpure marks every running jit trace as drawing random numbers with
// op: a replay would repeat the same draws, so the trace is refused.
func noteImpure(op string) {
	if jitTracing.Load() == 0 {
		return
	}
	jitActive.Lock()
	for r := range jitActive.recs {
		r.mu.Lock()
		if r.impure == "" {
			r.impure = op
		}
		r.mu.Unlock()
	}
	jitActive.Unlock()
}

// record runs f on the inputs xs under a new jit trace and returns its
// outputs (plain values) and the recording, with the buffers of the
// outputs.
func record(op string, f func([]*Tensor) []*Tensor, xs []*Tensor) ([]*Tensor, *jitRec, []int32) {
	tr := newTrace(jitMode)
	r := &jitRec{tr: tr, consts: map[*Tensor]int32{}, scalar: map[uint64]int32{},
		bufs: make([]jitBuf, 0, jitSlab), shapes: [][]int{{}}}
	tr.rec = r
	boxed := make([]*Tensor, len(xs))
	for i, x := range xs {
		id := r.newBuf(bufInput, x.shape, int32(i))
		boxed[i] = r.jitBox(nil, x, id)
	}
	jitActive.Lock()
	if jitActive.recs == nil {
		jitActive.recs = map[*jitRec]bool{}
	}
	jitActive.recs[r] = true
	jitActive.Unlock()
	jitTracing.Add(1)
	var ys []*Tensor
	func() {
		defer func() {
			tr.finish()
			jitTracing.Add(-1)
			jitActive.Lock()
			delete(jitActive.recs, r)
			jitActive.Unlock()
		}()
		ys = f(boxed)
	}()
	if r.impure != "" {
		panic(errorf(ErrJit, op, "the function draws random numbers (%s) while it is traced; a replay would repeat the same numbers. Draw them outside and pass them in as an input, or do not Jit this function", r.impure))
	}
	outs := make([]*Tensor, len(ys))
	ids := make([]int32, len(ys))
	for i, y := range ys {
		if y == nil {
			panic(errorf(ErrNil, op, "the function returned a nil *Tensor (output %d)", i))
		}
		switch {
		case y.b == nil:
			outs[i], ids[i] = y, r.constBuf(y)
		case y.b.tr == tr:
			outs[i], ids[i] = y.b.value, jitID(y.b)
			if len(y.shape) == 0 {
				// Not the value in the slab entry, which would keep
				// the slab, and through its boxes the recording, alive.
				outs[i] = Scalar(y.data[0])
			}
		case y.b.tr.id > tr.id:
			panic(errorf(ErrNotInput, op, "the function returned a value traced by a differentiation that has already finished (a tensor leaked out of an inner Grad, for example through a variable captured by a closure)"))
		default:
			panic(errorf(ErrJit, op, "the function returned a value traced by a differentiation outside the jitted function (captured by a closure?); pass it to the jitted function as an argument instead"))
		}
	}
	return outs, r, ids
}

// Cache bounds of a jitted function.
const (
	jitMaxKeys     = 8  // input shapes remembered
	jitMaxVariants = 4  // programs per shapes (differing in their guards)
	jitMaxTraces   = 16 // traces per shapes before falling back to calling f
)

// jitted is the state of one function returned by Jit or JitSlice.
type jitted struct {
	op string
	f  func([]*Tensor) []*Tensor
	mu sync.Mutex
	// entries by input shapes, most recently used last.
	entries []*jitEntry
	traces  atomic.Int64 // statistics for tests and JitStats
	replays atomic.Int64
}

// jitEntry holds the programs traced for one set of input shapes.
type jitEntry struct {
	shapes   [][]int // the input shapes (copies)
	progs    []*jitProg
	traces   int
	fallback bool // too many re-traces: call f eagerly
}

// matches reports whether xs have the entry's shapes.
func (e *jitEntry) matches(xs []*Tensor) bool {
	if len(xs) != len(e.shapes) {
		return false
	}
	for i, x := range xs {
		if !sameShape(x.shape, e.shapes[i]) {
			return false
		}
	}
	return true
}

func newJitted(op string, f func([]*Tensor) []*Tensor) *jitted {
	return &jitted{op: op, f: f}
}

// call runs the jitted function on xs: a replay of a program traced for
// xs's shapes whose guards hold, or a new trace.
func (j *jitted) call(xs []*Tensor) []*Tensor { return j.callBuf(xs, nil, nil) }

// callBuf is call with a replay's results in buf when it has room, and
// computed into dst's tensors when it can take them (see jitProg.run).
func (j *jitted) callBuf(xs, buf, dst []*Tensor) []*Tensor {
	for i, x := range xs {
		if x == nil {
			panic(errorf(ErrNil, j.op, "input %d is a nil *Tensor", i))
		}
		x.checkLive(j.op)
		if x.b != nil {
			// Traced by a differentiation (or an enclosing Jit): run f
			// itself, so that the outer trace sees every operation.
			return j.checkOuts(j.f(slices.Clone(xs)), len(xs))
		}
	}
	j.mu.Lock()
	e := j.lookup(xs)
	// A copy of the programs (on the stack: a replay allocates nothing
	// here), replayed outside the lock.
	var pb [jitMaxVariants]*jitProg
	progs := append(pb[:0], e.progs...)
	fallback := e.fallback
	j.mu.Unlock()
	if fallback {
		return j.checkOuts(j.f(slices.Clone(xs)), len(xs))
	}
	for _, p := range progs {
		if outs, ok := p.run(xs, buf, dst); ok {
			j.replays.Add(1)
			return outs
		}
	}
	// (f gets a copy of xs, which may then stay on the caller's stack.)
	outs, rec, ids := record(j.op, j.f, slices.Clone(xs))
	prog := build(rec, ids)
	prog.op = j.op
	j.traces.Add(1)
	j.mu.Lock()
	e.traces++
	if e.traces > jitMaxTraces {
		e.fallback, e.progs = true, nil
	} else {
		e.progs = append(e.progs, prog)
		if len(e.progs) > jitMaxVariants {
			e.progs = e.progs[1:]
		}
	}
	j.mu.Unlock()
	return outs
}

// lookup returns the entry for xs's shapes, made most recently used (a
// new one, evicting the least recently used beyond jitMaxKeys, when
// missing). Callers hold j.mu.
func (j *jitted) lookup(xs []*Tensor) *jitEntry {
	for i, e := range j.entries {
		if e.matches(xs) {
			copy(j.entries[i:], j.entries[i+1:])
			j.entries[len(j.entries)-1] = e
			return e
		}
	}
	e := &jitEntry{shapes: make([][]int, len(xs))}
	for i, x := range xs {
		e.shapes[i] = slices.Clone(x.shape)
	}
	if len(j.entries) >= jitMaxKeys {
		j.entries = append(j.entries[:0], j.entries[1:]...)
	}
	j.entries = append(j.entries, e)
	return e
}

func (j *jitted) checkOuts(ys []*Tensor, _ int) []*Tensor {
	for i, y := range ys {
		if y == nil {
			panic(errorf(ErrNil, j.op, "the function returned a nil *Tensor (output %d)", i))
		}
	}
	return ys
}

// Jit returns a function computing f that traces f on its first call for
// each input shape and replays the recorded program on later calls,
// without running f again. See the package documentation ("Jit") for what
// is traced, what re-traces and what is refused.
func Jit(f func(*Tensor) *Tensor) func(*Tensor) *Tensor {
	if f == nil {
		panic(errorf(ErrNil, "Jit", "nil function"))
	}
	j := newJitted("Jit", func(xs []*Tensor) []*Tensor { return []*Tensor{f(xs[0])} })
	return func(x *Tensor) *Tensor {
		var in, out [1]*Tensor
		in[0] = x
		return j.callBuf(in[:], out[:0], nil)[0]
	}
}

// JitTo is Jit with the caller's tensor donated for the result: y =
// g(dst, x) computes f(x), into dst's buffer when it can, and so
// allocates nothing in steady state (y = g(y, x) in a loop). dst is
// given up by the call, like a buffer donated to a jax.jit function
// (donate_argnums): the result is either dst itself, overwritten with the
// new values (when dst is a result of an earlier call of a jitted
// function of that shape, not viewed, captured, traced or released since,
// and not sharing memory with x), or a new tensor, and then dst is
// released (see Release: using it afterwards panics with ErrReleased). A
// nil dst is allowed (the first call of a loop). When the call panics
// (an interrupt, a bad input), dst is released too: a replay stopped
// midway may have written part of a result into it. Any other variable
// holding dst sees the new values: keep a copy (ad.Add(y, 0), or
// y.Data()) of a result that must outlive the next call.
func JitTo(f func(*Tensor) *Tensor) func(dst, x *Tensor) *Tensor {
	if f == nil {
		panic(errorf(ErrNil, "JitTo", "nil function"))
	}
	j := newJitted("JitTo", func(xs []*Tensor) []*Tensor { return []*Tensor{f(xs[0])} })
	return func(dst, x *Tensor) *Tensor {
		var in, out, d [1]*Tensor
		in[0], d[0] = x, dst
		checkDonated(j.op, d[:])
		done := false
		defer releaseOnPanic(&done, d[:])
		out[0] = j.callBuf(in[:], out[:0], d[:])[0]
		done = true
		releaseDonated(d[:], out[:])
		return out[0]
	}
}

// JitSliceTo is JitSlice with the caller's tensors donated for the
// results, as JitTo: outs = g(outs, xs) computes f(xs) with result i
// written into outs[i] when it can take it, allocating nothing in steady
// state; the returned slice is dst's when it has room. Every tensor of dst
// that is not returned is released.
func JitSliceTo(f func([]*Tensor) []*Tensor) func(dst, xs []*Tensor) []*Tensor {
	if f == nil {
		panic(errorf(ErrNil, "JitSliceTo", "nil function"))
	}
	j := newJitted("JitSliceTo", f)
	return func(dst, xs []*Tensor) []*Tensor {
		checkDonated(j.op, dst)
		// The results go into dst's slice, which still holds the
		// donated tensors while the call runs: a copy of them on the
		// stack (for the few results of a gradient) tells which to
		// release.
		var db [8]*Tensor
		donated := append(db[:0], dst...)
		done := false
		defer releaseOnPanic(&done, donated)
		outs := j.callBuf(xs, dst[:0], donated)
		done = true
		releaseDonated(donated, outs)
		return outs
	}
}

// releaseOnPanic releases the donated tensors when the call did not
// return (done is false): an interrupt, or any panic, may have stopped a
// replay after it wrote part of a result into them, and a caller who
// goes on with them must get ErrReleased, never those values.
func releaseOnPanic(done *bool, donated []*Tensor) {
	if !*done {
		Release(donated...)
	}
}

// checkDonated panics when a donated tensor is traced (a trace still
// needs it); released ones are accepted (and stay released).
func checkDonated(op string, dst []*Tensor) {
	for i, d := range dst {
		if d != nil && d.b != nil {
			panic(errorf(ErrArgument, op, "donated tensor %d is traced by a running differentiation or Jit, which still needs it", i))
		}
	}
}

// releaseDonated releases the tensors of dst that are not among outs.
func releaseDonated(dst, outs []*Tensor) {
	for _, d := range dst {
		if d != nil && !slices.Contains(outs, d) {
			d.Release()
		}
	}
}

// JitSlice is Jit for a function of several tensors with several results
// (a value and its gradients, say). The number of inputs is part of the
// shapes a program is traced for.
func JitSlice(f func([]*Tensor) []*Tensor) func([]*Tensor) []*Tensor {
	if f == nil {
		panic(errorf(ErrNil, "JitSlice", "nil function"))
	}
	j := newJitted("JitSlice", f)
	return func(xs []*Tensor) []*Tensor { return j.call(xs) }
}

// String describes a recording for debugging.
func (r *jitRec) String() string {
	var b strings.Builder
	r.eachInstr(func(in *jitInstr) {
		if in.guard != nil {
			fmt.Fprintf(&b, "guard b%d (%s)\n", in.out, in.guard.op)
			return
		}
		fmt.Fprintf(&b, "b%d = %s%v\n", in.out, in.p.Name, in.args)
	})
	return b.String()
}
