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
func backward(root *node, g *Tensor) map[*node]*Tensor {
	n := root.seq + 1
	grads := make([]*Tensor, n)
	nodes := make([]*node, n)
	grads[root.seq], nodes[root.seq] = g, root
	leaves := map[*node]*Tensor{}
	for s := root.seq; s > 0; s-- {
		gn := grads[s]
		if gn == nil {
			continue
		}
		nd := nodes[s]
		grads[s], nodes[s] = nil, nil
		if nd.prim == nil {
			leaves[nd] = gn
			continue
		}
		checkInterrupt("backward pass")
		for _, e := range nd.parents {
			ge := nd.prim.vjp(e.arg)(gn, &nd.call)
			ge = unbroadcast(ge, nd.call.Args[e.arg].shape)
			ps := e.n.seq
			if grads[ps] == nil {
				grads[ps], nodes[ps] = ge, e.n
			} else {
				grads[ps] = Add(grads[ps], ge)
			}
		}
	}
	return leaves
}
