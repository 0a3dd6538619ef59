package ad

// backward runs the reverse pass of one trace from root, whose cotangent is
// g, and returns the cotangents accumulated at the start nodes (nodes with no
// primitive) reachable from root.
//
// The pass is iterative, so graph depth is limited by memory only: a first
// walk counts, for every reachable node, how many edges lead into it from
// reachable children; then nodes are processed from a stack of ready nodes
// (all children done), each passing its cotangent through the VJP rule of
// every parent edge. Each rule output is summed back to its argument's shape
// with unbroadcast. The cancellation flag is checked once per node.
func backward(root *node, g *Tensor) map[*node]*Tensor {
	index := map[*node]int{root: 0}
	order := []*node{root}
	counts := []int{0}
	stack := []*node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, e := range n.parents {
			j, seen := index[e.n]
			if !seen {
				j = len(order)
				index[e.n] = j
				order = append(order, e.n)
				counts = append(counts, 0)
				stack = append(stack, e.n)
			}
			counts[j]++
		}
	}

	grads := make([]*Tensor, len(order))
	grads[0] = g
	leaves := map[*node]*Tensor{}
	ready := []int{0}
	for len(ready) > 0 {
		i := ready[len(ready)-1]
		ready = ready[:len(ready)-1]
		n := order[i]
		gn := grads[i]
		grads[i] = nil // free the cotangent as soon as it is propagated
		if n.prim == nil {
			if gn != nil {
				leaves[n] = gn
			}
			continue
		}
		checkInterrupt("backward pass")
		for _, e := range n.parents {
			j := index[e.n]
			if gn != nil {
				ge := n.prim.vjp(e.arg)(gn, n.call)
				ge = unbroadcast(ge, n.call.Args[e.arg].shape)
				if grads[j] == nil {
					grads[j] = ge
				} else {
					grads[j] = Add(grads[j], ge)
				}
			}
			counts[j]--
			if counts[j] == 0 {
				ready = append(ready, j)
			}
		}
	}
	return leaves
}
