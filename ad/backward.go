package ad

import (
	"sync"
	"unsafe"
)

// backward runs the reverse pass of one trace from root, whose cotangent is
// g, and returns the cotangents accumulated at the start nodes (nodes with no
// primitive) reachable from root.
//
// The pass is iterative, so graph depth is limited by memory only. The
// nodes of a trace are numbered in creation order and a node is always
// created after the nodes of its arguments, so visiting the numbers from
// root's down to 1 is a topological order (every node after all nodes that
// use it): no sort, no recursion, no map. Each visited node with a cotangent
// passes it through the VJP rule of every parent edge; each rule's output is
// summed back to its argument's shape with unbroadcast and accumulated at
// the parent. Cotangents are dropped as soon as they have been propagated.
// The cancellation flag is checked once per node.
//
// Cotangent buffers the pass allocates (rule results of built-in
// primitives on plain values, and sums) are counted per buffer (bwBufs):
// a rule that passes its cotangent on unchanged or reshaped (Add, Sub's
// first argument, Reshape) shares the buffer with the parent's slot. A
// parent reached by many edges (a weight used at every step of a loop)
// accumulates in place when its buffer is held by its slot alone; when it
// is shared, a fresh contribution is added into instead. A buffer no slot
// holds any more is recycled (see recycle) unless it escaped: returned as
// a gradient, passed to a rule that may keep it, or partly viewed. Boxed
// cotangents (higher-order derivatives) always go through Add so that they
// stay traced.
//
// Scalar graphs take a shortcut: a plain 0-d cotangent is kept as a bare
// float64, and a node whose primitive has a scalar rule (scalarVJP) and
// whose arguments are plain 0-d values passes it on without building any
// tensor. The scalar rules compute exactly what the tensor rules compute on
// 0-d arguments (the same operations in the same order), and scalar
// accumulation is the same a+b, so the result is bit for bit the general
// pass's.
func backward(root *node, g *Tensor) map[*node]*Tensor {
	n := root.seq + 1
	slots := make([]bwSlot, n)
	slots[root.seq] = bwSlot{n: root}
	slots[root.seq].set(g)
	var bufs bwBufs
	leaves := map[*node]*Tensor{}
	for s := root.seq; s > 0; s-- {
		sl := &slots[s]
		if sl.st == stNone {
			continue
		}
		nd := sl.n
		if nd.prim == nil {
			leaves[nd] = sl.tensor(&bufs)
			bufs.keep(sl.own) // handed to the caller
			*sl = bwSlot{}
			continue
		}
		checkInterrupt("backward pass")
		if sl.st == stScalar && nd.prim.scalarVJP != nil && scalarArgs(&nd.call) {
			gv := sl.v
			*sl = bwSlot{}
			a, y := nd.call.Args[0].data[0], nd.call.Out.data[0]
			b := a
			if len(nd.call.Args) > 1 {
				b = nd.call.Args[1].data[0]
			}
			for i, pn := range nd.parents {
				if pn != nil {
					slots[pn.seq].addScalar(pn, nd.prim.scalarVJP(i, gv, a, b, y), &bufs)
				}
			}
			continue
		}
		gn, own := sl.g, sl.own
		var lazy []int
		if sl.lazy != 0 {
			lazy = bufs.shapes[sl.lazy-1]
		}
		if sl.st == stScalar {
			gn = Scalar(sl.v)
		}
		*sl = bwSlot{}
		// Recycling is only safe when no rule application is traced (a
		// traced one would keep its arguments in an outer graph) and the
		// primitive's rules are known to return only new tensors or views
		// of g, the arguments and the result (recyclablePrim).
		reuse := gn.b == nil && plainCall(&nd.call) && recyclablePrim(nd.prim)
		if lazy != nil && !(reuse && lazyRule(nd.prim, gn)) {
			full := broadcastTo(gn, lazy)
			bufs.release(own, reuse)
			gn, own, lazy = full, 0, nil
			if reuse {
				own = bufs.adopt(full.data)
			}
		}
		if !reuse {
			bufs.keep(own) // a rule may keep g
		}
		if nd.prim == primSum && reuse && lazy == nil && nd.parents[0] != nil && len(gn.data) < len(nd.call.Args[0].data) {
			// Sum's rule broadcasts g back to the argument's shape: pass
			// g on as it is, broadcast lazily (see lazyRule).
			pn := nd.parents[0]
			slots[pn.seq].addLazy(pn, gn, nd.call.Args[0].shape, false, own, &bufs)
			bufs.release(own, reuse)
			continue
		}
		for i, pn := range nd.parents {
			if pn == nil {
				continue
			}
			ge0 := nd.prim.vjp(i)(gn, &nd.call)
			arg := nd.call.Args[i].shape
			if lazy != nil && !sameShape(ge0.shape, arg) {
				// gn stands for its broadcast to lazy (the output's
				// shape), and so does ge0 for the argument's cotangent.
				if ge0.b == nil && sameShape(arg, lazy) && broadcastsTo(ge0.shape, arg) {
					fresh, share := classify(ge0, gn, own, &nd.call, &bufs, 1)
					slots[pn.seq].addLazy(pn, ge0, arg, fresh, share, &bufs)
					continue
				}
				ge0 = broadcastTo(ge0, lazy)
			}
			ge := unbroadcast(ge0, arg)
			if reuse && ge0 != ge && ge0.b == nil && !aliases(ge0.data, gn, &nd.call) {
				recycle(ge0.data) // summed into ge by unbroadcast and dropped
			}
			var fresh bool
			var share int32
			if reuse {
				fresh, share = classify(ge, gn, own, &nd.call, &bufs, recycleMin)
			}
			if share == 0 && own != 0 && overlaps(ge.data, gn.data) {
				bufs.keep(own) // part of g lives on in a view
			}
			slots[pn.seq].add(pn, ge, fresh, share, &bufs)
		}
		bufs.release(own, reuse)
	}
	return leaves
}

// classify tells whether the plain rule result ge of a node whose
// cotangent is gn (buffer own) is fresh (this pass holds the only
// reference: at least minLen elements, not sharing memory with gn, the
// call's arguments or result), or all of gn's own buffer (g itself or a
// reshaped view: share is own), or neither (only read).
func classify(ge, gn *Tensor, own int32, c *Call, bs *bwBufs, minLen int) (fresh bool, share int32) {
	if ge.b != nil {
		return false, 0
	}
	if own != 0 && bs.whole(own, ge.data) {
		return false, own
	}
	return len(ge.data) >= minLen && !aliases(ge.data, gn, c), 0
}

// lazyRule reports whether the VJP rules of p may be given, instead of a
// cotangent g broadcast to the output's shape, g itself (Sum's rule
// broadcasts its cotangent, and the elementwise rules below keep the
// broadcast): each of these rules computes every element of its result
// from the matching elements of its operands with the same arithmetic
// whatever the operands' shapes, so its result on g broadcasts to its
// result on the broadcast g, bit for bit. LogAddExp's fused rule has that
// property for a one-element g only.
func lazyRule(p *Primitive, g *Tensor) bool {
	switch p {
	case primAdd, primSub, primMul, primNeg, primTanh, primSigmoid, primExp, primSquare:
		return true
	case primLogAddExp:
		return len(g.data) == 1
	}
	return false
}

// Cotangent states of a backward slot.
const (
	stNone   = iota // no cotangent yet
	stTensor        // g (with own, the buffer it shares, when allocated by this pass)
	stScalar        // v, a plain 0-d cotangent
)

// bwSlot is the cotangent accumulated so far at one node of a backward
// pass.
type bwSlot struct {
	g    *Tensor
	n    *node
	v    float64
	own  int32 // 1 + index in bwBufs.b of g's buffer when this pass allocated it, 0 otherwise
	lazy int32 // when non-zero, the cotangent is g broadcast to bwBufs.shapes[lazy-1]
	st   uint8
}

// bwBufs counts, for each cotangent buffer the backward pass allocated, the
// slots that hold it (all of it: the tensor itself or a reshaped view).
// A buffer held by one slot only may be added into; a buffer no slot holds
// any more is recycled, unless it was kept: handed to the caller as a
// gradient, given to a rule that may keep it (user primitives, traced
// applications), or partly viewed by a rule's result.
type bwBufs struct {
	b      []bwBuf
	shapes [][]int // shapes of lazily broadcast cotangents (bwSlot.lazy)
}

type bwBuf struct {
	data []float64
	refs int32
	kept bool
}

// adopt registers d, a fresh buffer held by one slot, and returns its
// handle.
func (bs *bwBufs) adopt(d []float64) int32 {
	bs.b = append(bs.b, bwBuf{data: d, refs: 1})
	return int32(len(bs.b))
}

// whole reports whether d is all of buffer h.
func (bs *bwBufs) whole(h int32, d []float64) bool {
	b := bs.b[h-1].data
	return len(d) == len(b) && len(d) > 0 && &d[0] == &b[0]
}

// exclusive reports whether buffer h (non-zero) is held by one slot only
// and may be written.
func (bs *bwBufs) exclusive(h int32) bool {
	b := &bs.b[h-1]
	return b.refs == 1 && !b.kept
}

func (bs *bwBufs) keep(h int32) {
	if h != 0 {
		bs.b[h-1].kept = true
	}
}

func (bs *bwBufs) hold(h int32) { bs.b[h-1].refs++ }

// release drops one slot's hold on buffer h (0: none) and recycles the
// buffer when it was the last and recycling is allowed.
func (bs *bwBufs) release(h int32, allow bool) {
	if h == 0 {
		return
	}
	b := &bs.b[h-1]
	if b.refs--; b.refs == 0 && !b.kept && allow {
		recycle(b.data)
		b.data = nil
	}
}

// set stores the first cotangent g.
func (sl *bwSlot) set(g *Tensor) {
	if g.b == nil && len(g.shape) == 0 {
		sl.v, sl.st = g.data[0], stScalar
		return
	}
	sl.g, sl.st = g, stTensor
}

// tensor returns the cotangent as a tensor.
func (sl *bwSlot) tensor(bs *bwBufs) *Tensor {
	if sl.st == stScalar {
		return Scalar(sl.v)
	}
	if sl.lazy != 0 {
		return broadcastTo(sl.g, bs.shapes[sl.lazy-1])
	}
	return sl.g
}

// addLazy accumulates the cotangent g broadcast to shape, with fresh and
// share as for add.
func (sl *bwSlot) addLazy(nd *node, g *Tensor, shape []int, fresh bool, share int32, bs *bwBufs) {
	if sl.st == stNone {
		bs.shapes = append(bs.shapes, shape)
		sl.n, sl.g, sl.st, sl.lazy = nd, g, stTensor, int32(len(bs.shapes))
		sl.take(g.data, fresh, share, bs)
		return
	}
	full := broadcastTo(g, shape)
	sl.add(nd, full, len(full.data) >= recycleMin, 0, bs)
}

// take records the slot's hold on the buffer data of its new cotangent:
// a fresh buffer becomes the pass's to recycle, a shared one (share
// non-zero) gains this slot as a holder.
func (sl *bwSlot) take(data []float64, fresh bool, share int32, bs *bwBufs) {
	switch {
	case fresh:
		sl.own = bs.adopt(data)
	case share != 0:
		bs.hold(share)
		sl.own = share
	}
}

// add accumulates the cotangent ge of node nd. fresh says that this pass
// holds the only reference to ge, so that it may be added into or
// recycled; share (non-zero) that ge is all of buffer share, which the
// slot then holds too.
func (sl *bwSlot) add(nd *node, ge *Tensor, fresh bool, share int32, bs *bwBufs) {
	if sl.lazy != 0 {
		// Materialize a lazily broadcast cotangent first.
		full := sl.tensor(bs)
		bs.release(sl.own, true)
		sl.g, sl.lazy, sl.own = full, 0, bs.adopt(full.data)
	}
	switch {
	case sl.st == stNone:
		sl.n = nd
		sl.set(ge)
		if sl.st == stTensor {
			sl.take(ge.data, fresh, share, bs)
		}
	case sl.st == stScalar && ge.b == nil && len(ge.shape) == 0:
		sl.v += ge.data[0]
	case sl.own != 0 && bs.exclusive(sl.own) && ge.b == nil && sameShape(sl.g.shape, ge.shape):
		addInto(sl.g.data, ge.data)
		if fresh {
			recycle(ge.data)
		}
	case fresh && sl.st == stTensor && sl.g.b == nil && sameShape(sl.g.shape, ge.shape):
		// The slot's buffer is shared (or not ours): add it into ge,
		// which becomes the slot's. (Addition commutes exactly.)
		addInto(ge.data, sl.g.data)
		bs.release(sl.own, true)
		sl.g, sl.own = ge, bs.adopt(ge.data)
	default:
		sum := Add(sl.tensor(bs), ge)
		if sum.b == nil {
			bs.release(sl.own, true)
			if fresh {
				recycle(ge.data)
			}
			sl.g, sl.st, sl.own = sum, stTensor, bs.adopt(sum.data)
		} else {
			// A traced sum keeps its arguments in the outer graph.
			bs.keep(sl.own)
			sl.g, sl.st, sl.own = sum, stTensor, 0
		}
	}
}

// addScalar accumulates the plain 0-d cotangent v of node nd.
func (sl *bwSlot) addScalar(nd *node, v float64, bs *bwBufs) {
	switch sl.st {
	case stNone:
		sl.n, sl.v, sl.st = nd, v, stScalar
	case stScalar:
		sl.v += v
	default:
		sl.add(nd, Scalar(v), false, 0, bs)
	}
}

// scalarArgs reports whether c's arguments and result are plain 0-d
// tensors, so that a scalar rule applies.
func scalarArgs(c *Call) bool {
	for _, a := range c.Args {
		if a.b != nil || len(a.shape) != 0 {
			return false
		}
	}
	return c.Out.b == nil && len(c.Out.shape) == 0
}

// plainCall reports whether c's arguments and result are all plain.
func plainCall(c *Call) bool {
	for _, a := range c.Args {
		if a.b != nil {
			return false
		}
	}
	return c.Out.b == nil
}

// aliases reports whether d shares memory with g, an argument or the
// result of c.
func aliases(d []float64, g *Tensor, c *Call) bool {
	if overlaps(d, g.data) || overlaps(d, c.Out.data) {
		return true
	}
	for _, a := range c.Args {
		if overlaps(d, a.data) {
			return true
		}
	}
	return false
}

// overlaps reports whether the backing memory of a and b (up to their
// capacities) overlaps.
func overlaps(a, b []float64) bool {
	if cap(a) == 0 || cap(b) == 0 {
		return false
	}
	a0, b0 := uintptr(unsafe.Pointer(unsafe.SliceData(a))), uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return a0 < b0+uintptr(cap(b))*8 && b0 < a0+uintptr(cap(a))*8
}

// recyclablePrim reports whether p is one of the primitives whose VJP rules
// have been checked to return, on plain arguments, only newly allocated
// tensors or views of g, c.Args and c.Out, and to keep no reference to g:
// the backward pass may then recycle the buffers of their cotangents.
// User-defined primitives are never recycled through.
func recyclablePrim(p *Primitive) bool {
	recyclableOnce.Do(func() {
		for _, q := range []*Primitive{
			primAdd, primSub, primMul, primDiv, primDivGradB, primNeg, primExp,
			primLog, primSquare, primSqrt, primSin, primCos, primSinGrad,
			primCosGrad, primTanh, primTanhGrad, primSigmoid, primSigmoidGrad,
			primMatMul, primSum, primSumTo, primBroadcastTo, primReshape,
			primLogSumExp, primLogAddExp, primLogAddExpGrad,
		} {
			recyclablePrims[q] = true
		}
	})
	return recyclablePrims[p]
}

var (
	recyclableOnce  sync.Once
	recyclablePrims = map[*Primitive]bool{}
)

// addInto adds src to dst elementwise (equal lengths), in parallel for long
// slices.
func addInto(dst, src []float64) {
	if len(dst) <= interruptStride {
		src = src[:len(dst)]
		for i := range dst {
			dst[i] += src[i]
		}
		return
	}
	parallelFor("backward pass", len(dst), func(lo, hi int) {
		d, s := dst[lo:hi], src[lo:hi]
		for i := range d {
			d[i] += s[i]
		}
	})
}
