package ad

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
func backward(root *node, g *Tensor) map[*node]*Tensor {
	n := root.seq + 1
	grads := make([]*Tensor, n)
	nodes := make([]*node, n)
	owned := make([]bool, n) // grads[s] was allocated by this pass
	grads[root.seq], nodes[root.seq] = g, root
	leaves := map[*node]*Tensor{}
	for s := root.seq; s > 0; s-- {
		gn := grads[s]
		if gn == nil {
			continue
		}
		nd := nodes[s]
		grads[s], nodes[s], owned[s] = nil, nil, false
		if nd.prim == nil {
			leaves[nd] = gn
			continue
		}
		checkInterrupt("backward pass")
		for _, e := range nd.parents {
			ge := nd.prim.vjp(e.arg)(gn, &nd.call)
			ge = unbroadcast(ge, nd.call.Args[e.arg].shape)
			ps := e.n.seq
			switch acc := grads[ps]; {
			case acc == nil:
				grads[ps], nodes[ps] = ge, e.n
			case owned[ps] && ge.b == nil && sameShape(acc.shape, ge.shape):
				addInto(acc.data, ge.data)
			default:
				grads[ps] = Add(acc, ge)
				owned[ps] = grads[ps].b == nil
			}
		}
	}
	return leaves
}

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
