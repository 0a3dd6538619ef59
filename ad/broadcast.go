package ad

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/gograd/gograd/ad/internal/vmath"
)

// Broadcasting follows numpy: shapes are aligned on their trailing
// dimensions; two dimensions are compatible when equal or when one is 1; a
// missing leading dimension counts as 1. The result has, per dimension, the
// larger size.

// broadcastShapes returns the shape the given shapes broadcast to, or panics
// with ErrShape naming op and the shapes.
func broadcastShapes(op string, shapes ...[]int) []int {
	nd := 0
	for _, s := range shapes {
		if len(s) > nd {
			nd = len(s)
		}
	}
	out := make([]int, nd)
	for i := range out {
		out[i] = 1
	}
	for _, s := range shapes {
		off := nd - len(s)
		for i, d := range s {
			o := out[off+i]
			switch {
			case d == o || d == 1:
			case o == 1:
				out[off+i] = d
			default:
				panic(errorf(ErrShape, op, "shapes %s do not broadcast", fmtShapes(shapes)))
			}
		}
	}
	return out
}

func fmtShapes(shapes [][]int) string {
	s := ""
	for i, sh := range shapes {
		if i > 0 {
			if i == len(shapes)-1 {
				s += " and "
			} else {
				s += ", "
			}
		}
		s += fmtShape(sh)
	}
	return s
}

// broadcastsTo reports whether shape s broadcasts to shape t (t unchanged).
func broadcastsTo(s, t []int) bool {
	if len(s) > len(t) {
		return false
	}
	off := len(t) - len(s)
	for i, d := range s {
		if d != 1 && d != t[off+i] {
			return false
		}
	}
	return true
}

// broadcastStrides returns, for each dimension of out, the stride of a
// row-major array of shape in broadcast to out: 0 along broadcast dimensions.
func broadcastStrides(in, out []int) []int {
	st := make([]int, len(out))
	off := len(out) - len(in)
	s := 1
	for i := len(in) - 1; i >= 0; i-- {
		if in[i] != 1 {
			st[off+i] = s
		}
		s *= in[i]
	}
	return st
}

// forEachRow walks an output of shape out row by row (a row is the last
// dimension) and calls fn with the row's offset in the output, the matching
// offsets in each input (given by its broadcast strides) and the row length.
// It checks for interruption every few rows.
func forEachRow(op string, out []int, strides [][]int, fn func(o int, offs []int, n int)) {
	nd := len(out)
	if nd == 0 {
		fn(0, make([]int, len(strides)), 1)
		return
	}
	n := out[nd-1]
	total := 1
	for _, d := range out {
		total *= d
	}
	if total == 0 {
		return
	}
	idx := make([]int, nd-1)
	offs := make([]int, len(strides))
	var sub []int // offsets of a chunk of a long row
	done := 0
	for o := 0; o < total; o += n {
		if n <= interruptStride {
			fn(o, offs, n)
			done += n
			if done >= interruptStride {
				checkInterrupt(op)
				done = 0
			}
		} else {
			// A long row is processed in chunks so that interruption is
			// noticed within one chunk.
			if sub == nil {
				sub = make([]int, len(strides))
			}
			for c := 0; c < n; c += interruptStride {
				checkInterrupt(op)
				for j, st := range strides {
					sub[j] = offs[j] + st[nd-1]*c
				}
				fn(o+c, sub, min(interruptStride, n-c))
			}
		}
		// Advance the odometer over the leading dimensions.
		for k := nd - 2; k >= 0; k-- {
			idx[k]++
			for j, st := range strides {
				offs[j] += st[k]
			}
			if idx[k] < out[k] {
				break
			}
			for j, st := range strides {
				offs[j] -= st[k] * idx[k]
			}
			idx[k] = 0
		}
	}
}

// lastStride returns the stride of the last dimension, 0 or 1.
func lastStride(st []int) int {
	if len(st) == 0 {
		return 0
	}
	return st[len(st)-1]
}

// parallelThreshold is the element count above which elementwise kernels
// split work across goroutines.
const parallelThreshold = 1 << 16

// parallelFor calls fn on consecutive blocks [lo, hi) covering [0, n),
// checking for interruption between blocks of interruptStride elements. For
// n above parallelThreshold the blocks are shared among GOMAXPROCS
// goroutines. An interruption panics in the calling goroutine.
func parallelFor(op string, n int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if n <= parallelThreshold || workers < 2 {
		for lo := 0; lo < n; lo += interruptStride {
			checkInterrupt(op)
			fn(lo, min(lo+interruptStride, n))
		}
		return
	}
	// The blocks are claimed one at a time (next), not split in equal
	// shares: on a machine whose other core is busy a worker starts late,
	// and the caller then computes more of the blocks itself instead of
	// waiting for a fixed half.
	var wg sync.WaitGroup
	var stopped atomic.Bool
	var next atomic.Int64
	run := func() {
		for {
			if interrupted.Load() {
				stopped.Store(true)
				return
			}
			lo := int(next.Add(interruptStride)) - interruptStride
			if lo >= n {
				return
			}
			fn(lo, min(lo+interruptStride, n))
		}
	}
	for range min(workers, (n+interruptStride-1)/interruptStride) - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run()
		}()
	}
	run()
	wg.Wait()
	if stopped.Load() {
		// Panic even if the flag was reset meanwhile: the result is
		// incomplete and must not be returned.
		panic(errorf(ErrInterrupted, op, "interrupted"))
	}
}

// unaryKernel returns a Forward function applying k elementwise to the single
// argument; k fills dst from x (equal lengths).
func unaryKernel(op string, k func(dst, x []float64)) func(c *Call) *Tensor {
	return registerElem(op, k, nil, func(c *Call) *Tensor {
		x := c.Args[0]
		out := newResult(op, x.shape, len(x.data))
		dst := out.data
		if len(dst) <= interruptStride {
			checkInterrupt(op)
			k(dst, x.data)
		} else {
			parallelFor(op, len(dst), func(lo, hi int) { k(dst[lo:hi], x.data[lo:hi]) })
		}
		return out
	})
}

// scalarBlock allocates a one-element tensor and its data together.
type scalarBlock struct {
	t Tensor
	v [1]float64
}

// smallBlock allocates a tensor of up to N elements and its data
// together (N a small array type).
type smallBlock[N any] struct {
	t Tensor
	v N
}

// newResult returns a plain tensor of n elements with the given shape
// (shared, not copied) for a result of op, after the allocation guard. Its
// contents are arbitrary (a recycled buffer is not cleared): the caller
// must write every element. A tensor of fewer than recycleMin elements,
// whose buffer would never be recycled, takes a single allocation with
// its data (in blocks of 1, 8, 32 or 127 values: at most 4× the bytes of
// a buffer of its own, 1 KiB).
func newResult(op string, shape []int, n int) *Tensor {
	var t *Tensor
	var d []float64
	switch {
	case n == 1:
		sb := &scalarBlock{}
		t, d = &sb.t, sb.v[:]
	case n <= 0 || n >= recycleMin:
		return newRaw(shape, allocFull(op, n))
	case n <= 8:
		b := &smallBlock[[8]float64]{}
		t, d = &b.t, b.v[:n:n]
	case n <= 32:
		b := &smallBlock[[32]float64]{}
		t, d = &b.t, b.v[:n:n]
	default:
		b := &smallBlock[[recycleMin - 1]float64]{}
		t, d = &b.t, b.v[:n:n]
	}
	t.shape, t.data = shape, d
	return t
}

// binaryLoop computes dst[i] = f(a[i*sa], b[i*sb]) for strides sa, sb in
// {0, 1}. Kernels call it with their operation as a function value for the
// less common ops; the hot ones (Add, Sub, Mul, Div) have hand-written loops.
type binaryLoop func(dst, a, b []float64, sa, sb int)

// binaryKernel returns a Forward function for a broadcasting binary op: same
// shapes and scalar operands take one call of k over the whole (possibly
// parallel) range; other shapes go row by row.
func binaryKernel(op string, k binaryLoop) func(c *Call) *Tensor {
	return registerElem(op, nil, k, func(c *Call) *Tensor {
		a, b := c.Args[0], c.Args[1]
		var out *Tensor
		var sa, sb int
		switch {
		case sameShape(a.shape, b.shape):
			out, sa, sb = newResult(op, a.shape, len(a.data)), 1, 1
		case len(a.data) == 1 && len(a.shape) <= len(b.shape):
			out, sa, sb = newResult(op, b.shape, len(b.data)), 0, 1
		case len(b.data) == 1 && len(b.shape) <= len(a.shape):
			out, sa, sb = newResult(op, a.shape, len(a.data)), 1, 0
		case isRowOf(b.shape, a.shape):
			return binaryRows(op, k, a, b, false)
		case isRowOf(a.shape, b.shape):
			return binaryRows(op, k, b, a, true)
		default:
			return binaryBroadcast(op, k, a, b)
		}
		dst := out.data
		if len(dst) <= interruptStride {
			checkInterrupt(op)
			k(dst, a.data, b.data, sa, sb)
			return out
		}
		parallelFor(op, len(dst), func(lo, hi int) {
			k(dst[lo:hi], a.data[lo*sa:], b.data[lo*sb:], sa, sb)
		})
		return out
	})
}

// isRowOf reports whether a tensor of shape row broadcasts against one of
// shape full by repeating a row: row is (n), (1, n), (1, 1, n)… with n > 1
// the last dimension of full, and has no more dimensions than full. The
// result then has full's shape.
func isRowOf(row, full []int) bool {
	nr, nf := len(row), len(full)
	if !rowPaths || nr == 0 || nr > nf || row[nr-1] != full[nf-1] || row[nr-1] <= 1 {
		return false
	}
	for _, d := range row[:nr-1] {
		if d != 1 {
			return false
		}
	}
	return true
}

// rowPaths enables the row fast paths (binaryRows, SumTo's); tests turn it
// off to compare them with the general paths.
var rowPaths = true

// binaryRows is binaryKernel for a full operand and a row operand that
// repeats along its leading dimensions (isRowOf): one call of k per row, as
// binaryBroadcast makes, without its odometer. swapped says that the row
// is the first operand. Rows longer than interruptStride take the general
// path, which cuts them into chunks.
func binaryRows(op string, k binaryLoop, full, row *Tensor, swapped bool) *Tensor {
	n := len(row.data)
	if n > interruptStride {
		if swapped {
			return binaryBroadcast(op, k, row, full)
		}
		return binaryBroadcast(op, k, full, row)
	}
	out := newResult(op, full.shape, len(full.data))
	dst, fd, rd := out.data, full.data, row.data
	done := 0
	for o := 0; o < len(dst); o += n {
		if swapped {
			k(dst[o:o+n], rd, fd[o:o+n], 1, 1)
		} else {
			k(dst[o:o+n], fd[o:o+n], rd, 1, 1)
		}
		if done += n; done >= interruptStride {
			checkInterrupt(op)
			done = 0
		}
	}
	return out
}

// binaryBroadcast is the general broadcasting path of binaryKernel, row by
// row over the output's last dimension.
func binaryBroadcast(op string, k binaryLoop, a, b *Tensor) *Tensor {
	out := broadcastShapes(op, a.shape, b.shape)
	dst := alloc(op, shapeSize(op, out))
	sa, sb := broadcastStrides(a.shape, out), broadcastStrides(b.shape, out)
	la, lb := lastStride(sa), lastStride(sb)
	forEachRow(op, out, [][]int{sa, sb}, func(o int, offs []int, n int) {
		k(dst[o:o+n], a.data[offs[0]:], b.data[offs[1]:], la, lb)
	})
	return newRaw(out, dst)
}

// funcLoop makes a binaryLoop from a scalar function.
func funcLoop(f func(x, y float64) float64) binaryLoop {
	return func(dst, a, b []float64, sa, sb int) {
		switch {
		case sa == 1 && sb == 1:
			b = b[:len(dst)]
			a = a[:len(dst)]
			for i := range dst {
				dst[i] = f(a[i], b[i])
			}
		case sa == 0 && sb == 1:
			x := a[0]
			b = b[:len(dst)]
			for i := range dst {
				dst[i] = f(x, b[i])
			}
		case sa == 1 && sb == 0:
			y := b[0]
			a = a[:len(dst)]
			for i := range dst {
				dst[i] = f(a[i], y)
			}
		default:
			v := f(a[0], b[0])
			for i := range dst {
				dst[i] = v
			}
		}
	}
}

// broadcastTo is the differentiable numpy.broadcast_to: it repeats x along
// broadcast dimensions to the given shape. Its adjoint is sumTo.
func broadcastTo(x *Tensor, shape []int) *Tensor {
	if sameShape(x.shape, shape) {
		return x
	}
	return primBroadcastTo.Apply(append([]int{}, shape...), x)
}

// sumTo sums x over the dimensions along which shape was broadcast to reach
// x's shape (leading extra dimensions, and dimensions of size 1 in shape).
// Its adjoint is broadcastTo.
func sumTo(x *Tensor, shape []int) *Tensor {
	if sameShape(x.shape, shape) {
		return x
	}
	return primSumTo.Apply(append([]int{}, shape...), x)
}

// unbroadcast sums the cotangent g back to the shape of an argument that was
// broadcast to g's shape. The backward pass applies it to the output of
// every VJP rule, so each binary rule's gradient is summed back in this one
// place.
func unbroadcast(g *Tensor, shape []int) *Tensor { return sumTo(g, shape) }

var primBroadcastTo, primSumTo *Primitive

func init() {
	primBroadcastTo = &Primitive{
		Name: "BroadcastTo",
		Forward: func(c *Call) *Tensor {
			x, shape := c.Args[0], c.Params.([]int)
			out := broadcastShapes("BroadcastTo", x.shape, shape)
			if !sameShape(out, shape) {
				panic(errorf(ErrShape, "BroadcastTo", "cannot broadcast shape %s to %s", fmtShape(x.shape), fmtShape(shape)))
			}
			dst := alloc("BroadcastTo", shapeSize("BroadcastTo", shape))
			st := broadcastStrides(x.shape, shape)
			ls := lastStride(st)
			forEachRow("BroadcastTo", shape, [][]int{st}, func(o int, offs []int, n int) {
				if ls == 1 {
					copy(dst[o:o+n], x.data[offs[0]:offs[0]+n])
					return
				}
				v := x.data[offs[0]]
				for i := o; i < o+n; i++ {
					dst[i] = v
				}
			})
			return newRaw(shape, dst)
		},
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return sumTo(g, c.Args[0].shape) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return broadcastTo(t, c.Out.shape) }},
	}

	primSumTo = &Primitive{
		Name: "SumTo",
		Forward: func(c *Call) *Tensor {
			x, shape := c.Args[0], c.Params.([]int)
			full := broadcastShapes("SumTo", x.shape, shape)
			if !sameShape(full, x.shape) {
				panic(errorf(ErrShape, "SumTo", "cannot sum shape %s to %s", fmtShape(x.shape), fmtShape(shape)))
			}
			dst := alloc("SumTo", shapeSize("SumTo", shape))
			if isRowOf(shape, x.shape) && len(dst) <= interruptStride {
				// Sum of the rows of x: the additions of the general path
				// below, in its order, without its odometer.
				n, done := len(dst), 0
				for o := 0; o < len(x.data); o += n {
					addRow(dst, x.data[o:o+n])
					if done += n; done >= interruptStride {
						checkInterrupt("SumTo")
						done = 0
					}
				}
				return newRaw(shape, dst)
			}
			st := broadcastStrides(shape, x.shape)
			ls := lastStride(st)
			// Walk x row by row; st maps x's positions into dst.
			forEachRow("SumTo", x.shape, [][]int{st}, func(o int, offs []int, n int) {
				sumRowInto(dst, offs[0], x.data[o:o+n], ls == 1)
			})
			return newRaw(shape, dst)
		},
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return broadcastTo(g, c.Args[0].shape) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return sumTo(t, c.Out.shape) }},
	}
}

// addRow sets dst[i] += src[i] for i < len(dst) (src at least as long):
// four at a time in vmath.Add from addRowVec values on, the same additions
// (W3's bias gradient, 128 rows of 256: 20 → 4 µs on the Zen 4).
func addRow(dst, src []float64) {
	src = src[:len(dst)]
	if len(dst) >= addRowVec && vmath.Accelerated() {
		vmath.Add(dst, dst, src, 1, 1)
		return
	}
	for i, v := range src {
		dst[i] += v
	}
}

// addRowVec is the length from which addRow calls vmath.Add.
const addRowVec = 16

// sumRowInto adds a row src of SumTo's operand into dst at od: element by
// element when the row lies along dst (its last stride there is 1, along),
// else as one sum into dst[od] (the row is summed over).
func sumRowInto(dst []float64, od int, src []float64, along bool) {
	if along {
		addRow(dst[od:od+len(src)], src)
		return
	}
	s := 0.0
	for _, v := range src {
		s += v
	}
	dst[od] += s
}
