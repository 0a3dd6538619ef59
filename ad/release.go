package ad

import "sync/atomic"

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
// constants of a jitted program). So a tensor records whether it is the
// sole owner of its buffer (own == ownSole): set only where ad has just
// made the buffer for it (a replay's results, see jitProg.run) and cleared
// (share) wherever ad makes a second reference to the tensor or its
// buffer: a primitive whose result overlaps a sole argument (Apply), a
// traced application, which keeps its arguments in a graph or a recording
// (Apply), a box of the tensor (newBox, applyReverse, jitBox), a constant
// of a jitted program (constBuf). Release recycles the buffer of a sole
// owner only; any other tensor is only marked released, and its buffer is
// freed by the garbage collector once nothing refers to it.

// Ownership states of a Tensor (its own field).
const (
	ownShared   = iota // may share its buffer: never recycled
	ownSole            // the only reference to a buffer ad made for it
	ownReleased        // released: every use panics with ErrReleased
)

// The state is read and changed atomically: goroutines may use one
// tensor at once (the first uses of a sole one then each share it).

// ownership returns t's ownership state.
func (t *Tensor) ownership() uint32 { return atomic.LoadUint32(&t.own) }

// setSole marks t, a tensor no one else refers to, as the sole owner of
// its buffer.
func (t *Tensor) setSole() { atomic.StoreUint32(&t.own, ownSole) }

// share records that another reference to t (or its buffer) exists.
func share(t *Tensor) {
	if t.ownership() == ownSole {
		atomic.CompareAndSwapUint32(&t.own, ownSole, ownShared)
	}
}

// checkLive panics with ErrReleased, naming op, when t was released.
func (t *Tensor) checkLive(op string) {
	if t.ownership() == ownReleased {
		panic(errReleased(op, t))
	}
}

func errReleased(op string, t *Tensor) *Error {
	return errorf(ErrReleased, op, "the tensor of shape %s was released (Release, or donated to a JitSliceTo or JitTo call that did not return it) and cannot be used any more", fmtShape(t.shape))
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
	if t == nil || t.ownership() == ownReleased {
		return
	}
	if t.b != nil {
		panic(errorf(ErrArgument, "Release", "the tensor of shape %s is traced by a running differentiation or Jit, which still needs it; release the results after the differentiated or jitted function returns", fmtShape(t.shape)))
	}
	if atomic.CompareAndSwapUint32(&t.own, ownSole, ownReleased) {
		recycle(t.data)
		t.data = nil // no stale read of a reused buffer
		return
	}
	atomic.CompareAndSwapUint32(&t.own, ownShared, ownReleased)
}

// Release releases each of ts (see (*Tensor).Release): ad.Release(outs...)
// after the last use of a jitted function's results.
func Release(ts ...*Tensor) {
	for _, t := range ts {
		t.Release()
	}
}
