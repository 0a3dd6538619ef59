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
// A parent reached by many edges (a weight used at every step of a loop)
// accumulates in place: the sum created by the first accumulation belongs to
// this pass alone (no one else holds it until the parent is visited, after
// all its children), so later plain, same-shaped contributions are added
// into it without a new allocation. Boxed cotangents (higher-order
// derivatives) always go through Add so that they stay traced.
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
	leaves := map[*node]*Tensor{}
	for s := root.seq; s > 0; s-- {
		sl := &slots[s]
		if sl.st == stNone {
			continue
		}
		nd := sl.n
		if nd.prim == nil {
			leaves[nd] = sl.tensor()
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
					slots[pn.seq].addScalar(pn, nd.prim.scalarVJP(i, gv, a, b, y))
				}
			}
			continue
		}
		gn, owned := sl.tensor(), sl.st == stOwned
		*sl = bwSlot{}
		// Recycling is only safe when no rule application is traced (a
		// traced one would keep its arguments in an outer graph) and the
		// primitive's rules are known to return only new tensors or views
		// of g, the arguments and the result (recyclablePrim).
		reuse := gn.b == nil && plainCall(&nd.call) && recyclablePrim(nd.prim)
		gnKept := false
		for i, pn := range nd.parents {
			if pn == nil {
				continue
			}
			ge0 := nd.prim.vjp(i)(gn, &nd.call)
			ge := unbroadcast(ge0, nd.call.Args[i].shape)
			fresh := reuse && ge.b == nil && len(ge.data) >= recycleMin && !aliases(ge.data, gn, &nd.call)
			if reuse && ge0 != ge && ge0.b == nil && !aliases(ge0.data, gn, &nd.call) {
				recycle(ge0.data) // summed into ge by unbroadcast and dropped
			}
			if !fresh && overlaps(ge.data, gn.data) {
				gnKept = true
			}
			if slots[pn.seq].add(pn, ge, fresh) && fresh {
				recycle(ge.data)
			}
		}
		if reuse && owned && !gnKept {
			recycle(gn.data)
		}
	}
	return leaves
}

// Cotangent states of a backward slot.
const (
	stNone   = iota // no cotangent yet
	stTensor        // g, shared with others (a rule's result)
	stOwned         // g, allocated by this pass: may be added into
	stScalar        // v, a plain 0-d cotangent
)

// bwSlot is the cotangent accumulated so far at one node of a backward
// pass.
type bwSlot struct {
	g  *Tensor
	n  *node
	v  float64
	st uint8
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
func (sl *bwSlot) tensor() *Tensor {
	if sl.st == stScalar {
		return Scalar(sl.v)
	}
	return sl.g
}

// add accumulates the cotangent ge of node nd; fresh says that this pass
// holds the only reference to ge, so that it may be added into. It reports
// whether ge was added into the slot's own buffer (and is no longer used).
func (sl *bwSlot) add(nd *node, ge *Tensor, fresh bool) bool {
	switch {
	case sl.st == stNone:
		sl.n = nd
		sl.set(ge)
		if fresh && sl.st == stTensor {
			sl.st = stOwned
		}
	case sl.st == stScalar && ge.b == nil && len(ge.shape) == 0:
		sl.v += ge.data[0]
	case sl.st == stOwned && ge.b == nil && sameShape(sl.g.shape, ge.shape):
		addInto(sl.g.data, ge.data)
		return true
	default:
		sum := Add(sl.tensor(), ge)
		sl.g, sl.st = sum, stTensor
		if sum.b == nil {
			sl.st = stOwned
		}
	}
	return false
}

// addScalar accumulates the plain 0-d cotangent v of node nd.
func (sl *bwSlot) addScalar(nd *node, v float64) {
	switch sl.st {
	case stNone:
		sl.n, sl.v, sl.st = nd, v, stScalar
	case stScalar:
		sl.v += v
	default:
		sl.add(nd, Scalar(v), false)
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
			primLogSumExp,
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
