package ad

// Graph is the computation graph of one function evaluation, as recorded by
// TraceGraph: the primitive applications that depend on the input, in an
// order where every node comes after its inputs.
type Graph struct {
	Nodes []GraphNode
}

// GraphNode is one vertex of a Graph. Op is the primitive's name ("Mul"), or
// "input" for the traced input, or "constant" for an output that does not
// depend on the input. Inputs lists the IDs of the nodes of its traced
// arguments, in argument order (constants are not recorded). ID is the index
// of the node in Graph.Nodes.
type GraphNode struct {
	ID       int
	Op       string
	Shape    []int
	Inputs   []int
	IsInput  bool
	IsOutput bool
}

// TraceGraph runs f on x under a reverse-mode trace and returns the graph of
// the primitives applied that lie on a path from x to f's output. Operations
// whose result does not influence the output, and operations on constants
// only, are not part of the graph. It panics like Grad (but accepts any
// output shape).
func TraceGraph(f func(*Tensor) *Tensor, x *Tensor) *Graph {
	if f == nil {
		panic(errorf(ErrNil, "TraceGraph", "nil function"))
	}
	mustTensor("TraceGraph", x)
	tr := newTrace(reverseMode)
	start := tr.newNode()
	y := callTraced(tr, func() *Tensor { return f(newBox(x, tr, start, nil)) })
	out, root := endTrace("TraceGraph", y, tr)
	g := &Graph{}
	if root == nil {
		g.Nodes = []GraphNode{
			{ID: 0, Op: "input", Shape: x.Shape(), IsInput: true},
			{ID: 1, Op: "constant", Shape: out.Shape(), IsOutput: true},
		}
		return g
	}
	order := topoOrder(root) // root first, inputs last
	ids := make(map[*node]int, len(order))
	for k := len(order) - 1; k >= 0; k-- {
		n := order[k]
		id := len(g.Nodes)
		ids[n] = id
		gn := GraphNode{ID: id, IsInput: n == start, IsOutput: n == root}
		if n.prim == nil {
			gn.Op, gn.Shape = "input", x.Shape()
		} else {
			gn.Op, gn.Shape = n.prim.Name, n.call.Out.Shape()
			for _, pn := range n.parents {
				if pn != nil {
					gn.Inputs = append(gn.Inputs, ids[pn])
				}
			}
		}
		g.Nodes = append(g.Nodes, gn)
	}
	return g
}

// topoOrder returns the nodes reachable from root with every node before
// its parents (root first), by the same iterative child-count walk as the
// backward pass.
func topoOrder(root *node) []*node {
	counts := map[*node]int{root: 0}
	stack := []*node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, pn := range n.parents {
			if pn == nil {
				continue
			}
			if _, seen := counts[pn]; !seen {
				stack = append(stack, pn)
			}
			counts[pn]++
		}
	}
	order := make([]*node, 0, len(counts))
	ready := []*node{root}
	for len(ready) > 0 {
		n := ready[len(ready)-1]
		ready = ready[:len(ready)-1]
		order = append(order, n)
		for _, pn := range n.parents {
			if pn == nil {
				continue
			}
			counts[pn]--
			if counts[pn] == 0 {
				ready = append(ready, pn)
			}
		}
	}
	return order
}
