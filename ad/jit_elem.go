package ad

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	gogemm "github.com/gograd/gograd/ad/internal/gemm"
	"github.com/gograd/gograd/ad/internal/vmath"
)

// Elementwise kernels for Jit. unaryKernel and binaryKernel register the
// Forward functions they make (by the address of the closure, which is
// unique to each) with their loops, so that a replay can run the very same
// loop on a buffer it planned instead of calling Forward, which allocates
// its result: the arithmetic is the primitive's, only the destination
// differs. Forward functions written otherwise are called as they are.

// elemKernel is the loop of an elementwise primitive: k1 for a unary one,
// k2 for a binary one (broadcasting a one-element operand), k3, k4 and k5
// for one of three, four or five same-shaped operands.
type elemKernel struct {
	op string
	k1 func(dst, x []float64)
	k2 binaryLoop
	k3 func(dst, a, b, c []float64)
	k4 func(dst, a, b, c, d []float64)
	k5 func(dst, a, b, c, d, e []float64)
	// chain: DivGradBRecipSum (jit_recip.go), any number of same-shaped
	// operands, run by runChain.
	chain bool
	// heavy: a kernel named in heavyElem (set when registered, so that a
	// replay looks up nothing).
	heavy bool
}

var elemKernels sync.Map // closure address (uintptr) → *elemKernel

// funcAddr returns the address of the closure f refers to.
func funcAddr(f func(c *Call) *Tensor) uintptr {
	return *(*uintptr)(unsafe.Pointer(&f))
}

// registerElem records fwd as the Forward function of an elementwise
// primitive with loop k1 or k2, and returns it.
func registerElem(op string, k1 func(dst, x []float64), k2 binaryLoop, fwd func(c *Call) *Tensor) func(c *Call) *Tensor {
	elemKernels.Store(funcAddr(fwd), &elemKernel{op: op, k1: k1, k2: k2, heavy: (k1 != nil || k2 != nil) && heavyElem[op]})
	return fwd
}

func init() {
	// DivGradB's Forward on three same-shaped operands is this loop
	// (divGradBForward).
	elemKernels.Store(funcAddr(divGradBForward), &elemKernel{op: "DivGradB", k3: vmath.NegMulDiv})
}

// elemOf returns the elementwise kernel of p, or nil.
func elemOf(p *Primitive) *elemKernel {
	if p.Forward == nil {
		return nil
	}
	if e, ok := elemKernels.Load(funcAddr(p.Forward)); ok {
		return e.(*elemKernel)
	}
	return nil
}

// elemStrides tells whether p's Forward on arguments of the given shapes
// takes the single-loop path of its kernel (the one a replay can run on a
// planned buffer), and with which operand strides (binary kernels: 1 for a
// full operand, 0 for a one-element operand broadcast, as binaryKernel
// decides).
func elemStrides(e *elemKernel, shapes [][]int) (sa, sb int, ok bool) {
	switch {
	case e.k1 != nil && len(shapes) == 1:
		return 1, 1, true
	case e.k2 != nil && len(shapes) == 2:
		a, b := shapes[0], shapes[1]
		na, nb := shapeNumel(a), shapeNumel(b)
		switch {
		case sameShape(a, b):
			return 1, 1, true
		case na == 1 && len(a) <= len(b):
			return 0, 1, true
		case nb == 1 && len(b) <= len(a):
			return 1, 0, true
		}
	case e.k3 != nil && len(shapes) == 3, e.k4 != nil && len(shapes) == 4, e.k5 != nil && len(shapes) == 5,
		e.chain && len(shapes) >= 5:
		for _, s := range shapes[1:] {
			if !sameShape(s, shapes[0]) {
				return 0, 0, false
			}
		}
		return 1, 1, true
	}
	return 0, 0, false
}

// runElem runs the kernel into dst on the operands in, in chunks of interruptStride values
// for long buffers as the primitive's Forward does (parallelFor), shared
// with ad/internal/gemm's helpers through w instead of goroutines started
// for the call.
func runElem(op *jitOp, dst []float64, in *[5][]float64, w *elemWork) {
	n := len(dst)
	chunk := interruptStride
	if n >= heavyParMin && n <= parallelThreshold && op.elem.heavy && runtime.GOMAXPROCS(0) > 1 {
		// A transcendental kernel: shared in short chunks from a shorter
		// length on (see heavyElem).
		chunk = heavyChunk
	} else if n <= interruptStride {
		// (elemChunk's switch, written out: the call cost W1's
		// thousands of short kernels a few percent.)
		switch e := op.elem; {
		case e.k1 != nil:
			e.k1(dst, in[0])
		case e.k2 != nil:
			e.k2(dst, in[0], in[1], op.sa, op.sb)
		case e.k3 != nil:
			e.k3(dst, in[0], in[1], in[2])
		case e.k4 != nil:
			e.k4(dst, in[0], in[1], in[2], in[3])
		default:
			e.k5(dst, in[0], in[1], in[2], in[3], in[4])
		}
		return
	}
	workers := min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk)
	if (n <= parallelThreshold && chunk == interruptStride) || workers < 2 {
		for lo := 0; lo < n; lo += interruptStride {
			checkInterrupt(op.elem.op)
			elemChunk(op, dst, in, lo, min(lo+interruptStride, n))
		}
		return
	}
	w.op, w.dst, w.in, w.chunk = op, dst, *in, chunk
	w.next.Store(0)
	w.stopped.Store(false)
	w.share.Run(w, workers-1)
	w.op, w.dst, w.in = nil, nil, [5][]float64{}
	if w.stopped.Load() {
		// Panic even if the flag was reset meanwhile: the result is
		// incomplete and must not be returned.
		panic(errorf(ErrInterrupted, op.elem.op, "interrupted"))
	}
}

// runChain runs a DivGradBRecipSum (jit_recip.go) outside a region:
// into dst, on the buffers of args, in chunks of interruptStride values
// on one core; ptrs is scratch for the terms' addresses.
func runChain(op *jitOp, dst []float64, ts []*Tensor, ptrs []unsafe.Pointer) {
	x, gq, b, hi, lo := chainTerms(op.args, op.params.(divChainParams))
	addr := func(id int32) unsafe.Pointer {
		if id < 0 {
			return nil
		}
		return unsafe.Pointer(unsafe.SliceData(ts[id].data))
	}
	ps := ptrs[:0]
	for _, a := range gq {
		ps = append(ps, addr(a))
	}
	for s := 0; s < len(dst); s += interruptStride {
		checkInterrupt(op.elem.op)
		vmath.AddNegMulDivRecipChainAt(unsafe.Pointer(unsafe.SliceData(dst)), addr(x), ps, addr(b), addr(hi), addr(lo),
			s, min(s+interruptStride, len(dst)))
	}
	clear(ps)
}

// elemChunk runs the kernel on the values [lo, hi) of dst.
func elemChunk(op *jitOp, dst []float64, in *[5][]float64, lo, hi int) {
	e := op.elem
	switch sa, sb := op.sa, op.sb; {
	case e.k1 != nil:
		e.k1(dst[lo:hi], in[0][lo:hi])
	case e.k2 != nil:
		e.k2(dst[lo:hi], in[0][lo*sa:], in[1][lo*sb:], sa, sb)
	case e.k3 != nil:
		e.k3(dst[lo:hi], in[0][lo:hi], in[1][lo:hi], in[2][lo:hi])
	case e.k4 != nil:
		e.k4(dst[lo:hi], in[0][lo:hi], in[1][lo:hi], in[2][lo:hi], in[3][lo:hi])
	default:
		e.k5(dst[lo:hi], in[0][lo:hi], in[1][lo:hi], in[2][lo:hi], in[3][lo:hi], in[4][lo:hi])
	}
}

// heavyElem names the kernels that cost a few nanoseconds per value
// (vmath's transcendental functions), and TanhGrad: from heavyParMin values up to
// parallelThreshold a replay shares them with the pool's helpers in
// chunks of heavyChunk values, where cheap kernels (bound by memory, a
// fraction of a nanosecond per value) stay on one core; longer ones are
// shared in chunks of interruptStride like any other. W3's Tanh of
// 128×256 values follows the parallel product X·W1, whose helper is still
// polling: 85–135 µs → 55–65 µs per replay on the Zen 3 (BENCHMARKS.md,
// 2026-12-07 22:00). TanhGrad, g·(1 − y²), is bound by the bandwidth of
// the cache its operands are in (0.43 ns per value on one core, vectorised
// or not), and each core adds its own: W3's 128×256 in its backward pass,
// whose y the shared Tanh left half in each core's L2, 18–22 → 13.5 µs on the
// Zen 4 (2026-12-07 23:14, BENCHMARKS.md). Each value is computed
// independently: the split does not change the results.
var heavyElem = map[string]bool{"Tanh": true, "Sigmoid": true, "Exp": true, "Log": true, "Log1p": true, "TanhGrad": true}

const (
	heavyParMin = 1 << 13
	heavyChunk  = 1 << 11
)

// elemWork is a long elementwise kernel being run by runElem, whose
// chunks the caller and the helpers claim one at a time (as parallelFor's
// goroutines do). A replay's state has one.
type elemWork struct {
	op      *jitOp
	dst     []float64
	in      [5][]float64 // the operands
	next    atomic.Int64 // the first value of the next chunk
	stopped atomic.Bool  // interrupted
	chunk   int          // values per chunk
	share   gogemm.Shared
}

// Participate runs chunks until none is left or the interrupt flag is
// raised.
func (w *elemWork) Participate() {
	n := len(w.dst)
	for {
		if interrupted.Load() {
			w.stopped.Store(true)
			return
		}
		lo := int(w.next.Add(int64(w.chunk))) - w.chunk
		if lo >= n {
			return
		}
		elemChunk(w.op, w.dst, &w.in, lo, min(lo+w.chunk, n))
	}
}
