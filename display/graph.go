package display

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strings"

	"github.com/gograd/gograd/ad"
)

// MaxGraphNodes bounds the computation graphs drawn as SVG; larger graphs
// are shown as their text listing only.
const MaxGraphNodes = 400

// gnode is one node of a computation graph to draw.
type gnode struct {
	id      int
	op      string
	shape   []int
	inputs  []int // ids of argument nodes, in argument order
	isInput bool
	isOut   bool
}

// graphText lists the graph like a jaxpr, one node a line in
// topological order: "%3 = mul(%1, %2)  (3,)".
func graphText(nodes []gnode) string {
	var b strings.Builder
	for _, n := range nodes {
		args := make([]string, len(n.inputs))
		for i, in := range n.inputs {
			args[i] = fmt.Sprintf("%%%d", in)
		}
		switch {
		case n.isInput:
			fmt.Fprintf(&b, "%%%d = input", n.id)
		case len(args) == 0:
			fmt.Fprintf(&b, "%%%d = %s", n.id, n.op)
		default:
			fmt.Fprintf(&b, "%%%d = %s(%s)", n.id, n.op, strings.Join(args, ", "))
		}
		fmt.Fprintf(&b, "  %s", shapeString(n.shape))
		if n.isOut {
			b.WriteString("  → output")
		}
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Layout constants, in SVG user units (CSS pixels).
const (
	gNodeH    = 40.0 // node height
	gLayerGap = 46.0 // vertical space between layers
	gNodeGap  = 22.0 // least horizontal space between nodes
	gMargin   = 16.0
	gCharW    = 7.4 // approximate width of a 12px monospace character
)

// lnode is a node placed by the layout: a real node or a dummy that
// carries an edge across a layer.
// The first len(nodes) lnodes are the real nodes, in order.
type lnode struct {
	layer int
	order float64 // position within the layer, while ordering
	x, w  float64
	up    []int // lnode indices in the layer above connected to this one
	down  []int
}

// graphSVG draws the graph top to bottom: inputs on the first layer, each
// node below its deepest argument and just above its first user, edges routed through dummy
// nodes so they do not cross nodes, layers ordered by the barycentre
// heuristic. nodes must be in topological order (arguments first).
func graphSVG(nodes []gnode) string {
	index := make(map[int]int, len(nodes))
	for i, n := range nodes {
		index[n.id] = i
	}
	// Layers by longest path.
	layerOf := make([]int, len(nodes))
	for i, n := range nodes {
		for _, in := range n.inputs {
			if j, ok := index[in]; ok && j < i {
				layerOf[i] = max(layerOf[i], layerOf[j]+1)
			}
		}
	}
	// Then pull each node down to just above its first user, so a value
	// computed early but used late (exp(x) in f(x)/exp(x)) sits next to
	// its use and the long edge comes from the input instead.
	users := make([][]int, len(nodes))
	for i, n := range nodes {
		for _, in := range n.inputs {
			if j, ok := index[in]; ok && j < i {
				users[j] = append(users[j], i)
			}
		}
	}
	for i := len(nodes) - 1; i >= 0; i-- { // users are final before i
		if nodes[i].isInput || len(users[i]) == 0 {
			continue
		}
		first := layerOf[users[i][0]]
		for _, u := range users[i][1:] {
			first = min(first, layerOf[u])
		}
		layerOf[i] = max(layerOf[i], first-1)
	}
	// Layout nodes, with dummies on long edges. edges hold the lnode
	// chain of each drawn edge, from argument down to user.
	ln := make([]lnode, len(nodes))
	for i, n := range nodes {
		ln[i] = lnode{layer: layerOf[i], w: nodeWidth(n)}
	}
	// port is the edge's slot among its target's distinct arguments, so
	// that the arguments of sub(a, b) arrive left to right in order.
	type edge struct {
		chain       []int
		port, ports int
	}
	var edges []edge
	for i, n := range nodes {
		var args []int
		seen := map[int]bool{}
		for _, in := range n.inputs {
			j, ok := index[in]
			if !ok || j >= i || seen[j] {
				continue // unknown or repeated argument (x*x): one edge
			}
			seen[j] = true
			args = append(args, j)
		}
		for port, j := range args {
			chain := []int{j}
			for l := layerOf[j] + 1; l < layerOf[i]; l++ {
				ln = append(ln, lnode{layer: l})
				chain = append(chain, len(ln)-1)
			}
			chain = append(chain, i)
			for k := 1; k < len(chain); k++ {
				a, b := chain[k-1], chain[k]
				ln[a].down = append(ln[a].down, b)
				ln[b].up = append(ln[b].up, a)
			}
			edges = append(edges, edge{chain, port, len(args)})
		}
	}
	nLayers := 0
	for _, n := range ln {
		nLayers = max(nLayers, n.layer+1)
	}
	layers := make([][]int, nLayers)
	for i, n := range ln {
		layers[n.layer] = append(layers[n.layer], i)
	}
	for _, l := range layers {
		for k, i := range l {
			ln[i].order = float64(k)
		}
	}
	// Barycentre ordering sweeps, down then up.
	bary := func(l []int, nbrs func(int) []int) {
		for _, i := range l {
			ns := nbrs(i)
			if len(ns) == 0 {
				continue
			}
			s := 0.0
			for _, j := range ns {
				s += ln[j].order
			}
			ln[i].order = s / float64(len(ns))
		}
		sort.SliceStable(l, func(a, b int) bool { return ln[l[a]].order < ln[l[b]].order })
		for k, i := range l {
			ln[i].order = float64(k)
		}
	}
	for range 6 {
		for _, l := range layers[1:] {
			bary(l, func(i int) []int { return ln[i].up })
		}
		for k := nLayers - 2; k >= 0; k-- {
			bary(layers[k], func(i int) []int { return ln[i].down })
		}
	}
	// Horizontal positions: pack each layer, then pull nodes towards
	// their neighbours' mean while keeping order and spacing.
	for _, l := range layers {
		x := 0.0
		for _, i := range l {
			ln[i].x = x + ln[i].w/2
			x += ln[i].w + gNodeGap
		}
	}
	place := func(l []int, nbrs func(int) []int) {
		want := make([]float64, len(l))
		for k, i := range l {
			want[k] = ln[i].x
			if ns := nbrs(i); len(ns) > 0 {
				s := 0.0
				for _, j := range ns {
					s += ln[j].x
				}
				want[k] = s / float64(len(ns))
			}
		}
		// Left-to-right then right-to-left passes enforce spacing around
		// the wanted positions.
		for k := range l {
			ln[l[k]].x = want[k]
			if k > 0 {
				prev := ln[l[k-1]]
				ln[l[k]].x = math.Max(ln[l[k]].x, prev.x+prev.w/2+gNodeGap+ln[l[k]].w/2)
			}
		}
		for k := len(l) - 2; k >= 0; k-- {
			next := ln[l[k+1]]
			lim := next.x - next.w/2 - gNodeGap - ln[l[k]].w/2
			ln[l[k]].x = math.Min(ln[l[k]].x, lim)
		}
	}
	for range 8 {
		for _, l := range layers[1:] {
			place(l, func(i int) []int { return ln[i].up })
		}
		for k := nLayers - 2; k >= 0; k-- {
			place(layers[k], func(i int) []int { return ln[i].down })
		}
	}
	minX, maxX := math.Inf(1), math.Inf(-1)
	for _, n := range ln {
		minX, maxX = math.Min(minX, n.x-n.w/2), math.Max(maxX, n.x+n.w/2)
	}
	width := maxX - minX + 2*gMargin
	height := float64(nLayers)*gNodeH + float64(nLayers-1)*gLayerGap + 2*gMargin
	px := func(i int) float64 { return ln[i].x - minX + gMargin }
	py := func(i int) float64 { return gMargin + float64(ln[i].layer)*(gNodeH+gLayerGap) } // top of the node row

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace">`,
		width, height, width, height)
	b.WriteString(`<defs><marker id="gograd-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">` +
		`<path d="M0,0 L10,5 L0,10 z" fill="#777"/></marker></defs>`)
	fmt.Fprintf(&b, `<rect width="%.0f" height="%.0f" fill="white"/>`, width, height)
	// Edges first, under the nodes: a smooth curve through the chain.
	for _, e := range edges {
		pts := make([][2]float64, len(e.chain))
		for k, i := range e.chain {
			switch k {
			case 0:
				pts[k] = [2]float64{px(i), py(i) + gNodeH}
			case len(e.chain) - 1:
				spread := math.Min(ln[i].w/float64(e.ports+1), 18)
				pts[k] = [2]float64{px(i) + (float64(e.port)-float64(e.ports-1)/2)*spread, py(i)}
			default: // a dummy: the edge crosses this node row here
				pts[k] = [2]float64{px(i), py(i) + gNodeH/2}
			}
		}
		// Cubic segments with vertical tangents at every point.
		fmt.Fprintf(&b, `<path d="M%.1f,%.1f`, pts[0][0], pts[0][1])
		for k := 1; k < len(pts); k++ {
			a, c := pts[k-1], pts[k]
			my := (a[1] + c[1]) / 2
			fmt.Fprintf(&b, ` C%.1f,%.1f %.1f,%.1f %.1f,%.1f`, a[0], my, c[0], my, c[0], c[1])
		}
		b.WriteString(`" fill="none" stroke="#777" stroke-width="1.3" marker-end="url(#gograd-arrow)"/>`)
	}
	for i := range nodes {
		n := nodes[i]
		x, y, w := px(i)-ln[i].w/2, py(i), ln[i].w
		fill, stroke := "#EAF3FB", "#0072B2"
		switch {
		case n.isInput:
			fill, stroke = "#E5F5EF", "#009E73"
		case n.isOut:
			fill, stroke = "#FBEEE5", "#D55E00"
		}
		fmt.Fprintf(&b, `<g><title>%s</title>`, html.EscapeString(nodeTitle(n)))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="7" fill="%s" stroke="%s" stroke-width="1.5"/>`,
			x, y, w, gNodeH, fill, stroke)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="13" font-weight="bold" fill="#222">%s</text>`,
			px(i), y+17, html.EscapeString(nodeLabel(n)))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="11" fill="#666">%s</text>`,
			px(i), y+32, html.EscapeString(shapeString(n.shape)))
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func nodeLabel(n gnode) string {
	if n.isInput {
		return "input"
	}
	return n.op
}

func nodeTitle(n gnode) string {
	return fmt.Sprintf("%%%d %s %s", n.id, nodeLabel(n), shapeString(n.shape))
}

func nodeWidth(n gnode) float64 {
	chars := max(len([]rune(nodeLabel(n))), len(shapeString(n.shape)))
	return math.Max(64, float64(chars)*gCharW+22)
}

// ComputationGraph is a picture of the computation a function performs
// on its input: nodes are primitive applications (with their result
// shapes), edges the data flow from arguments to users, the input at the
// top (green) and the output at the bottom (orange). It renders as SVG,
// with a text listing as text/plain.
type ComputationGraph struct {
	nodes []gnode
}

// Graph traces f at x with ad.TraceGraph and returns its computation
// graph: only the operations on a path from x to the output appear.
// Errors raised by f propagate. It panics with an *Error if f or x is nil.
//
//	display.Graph(func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Tanh(ad.Mul(x, x))) }, x)
func Graph(f func(*ad.Tensor) *ad.Tensor, x *ad.Tensor) *ComputationGraph {
	switch {
	case f == nil:
		panic(errorf("Graph", "function is nil"))
	case x == nil:
		panic(errorf("Graph", "input tensor is nil"))
	}
	return GraphOf(ad.TraceGraph(f, x))
}

// GraphOf returns the picture of a graph traced by ad.TraceGraph. Nodes
// must come after their inputs (as TraceGraph orders them); an input
// reference to an unknown or later node is not drawn. It panics with an
// *Error if g is nil.
func GraphOf(g *ad.Graph) *ComputationGraph {
	if g == nil {
		panic(errorf("GraphOf", "graph is nil"))
	}
	nodes := make([]gnode, len(g.Nodes))
	for i, n := range g.Nodes {
		nodes[i] = gnode{id: n.ID, op: n.Op, shape: n.Shape, inputs: n.Inputs, isInput: n.IsInput, isOut: n.IsOutput}
	}
	return &ComputationGraph{nodes: nodes}
}

// Len returns the number of nodes.
func (g *ComputationGraph) Len() int { return len(g.nodes) }

// String lists the graph one node a line, like a jaxpr:
// "%2 = Mul(%0, %1)  (3,)".
func (g *ComputationGraph) String() string { return graphText(g.nodes) }

// SVG draws the graph as a layered SVG diagram. A graph of more than
// MaxGraphNodes nodes is not drawn: the SVG says so instead.
func (g *ComputationGraph) SVG() string {
	if len(g.nodes) > MaxGraphNodes {
		return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="480" height="40"><text x="8" y="24" font-family="sans-serif" font-size="13">`+
			`Graph of %d nodes: too large to draw (at most %d).</text></svg>`, len(g.nodes), MaxGraphNodes)
	}
	return graphSVG(g.nodes)
}

// MIMEBundle implements MIMEBundler: image/svg+xml and the text listing,
// or, for a graph too large to draw, the listing as HTML and text.
func (g *ComputationGraph) MIMEBundle() map[string]any {
	text := g.String()
	if len(g.nodes) > MaxGraphNodes {
		return map[string]any{
			"text/plain": text,
			"text/html": fmt.Sprintf(`<p>Graph of %d nodes: too large to draw (at most %d); its listing:</p><pre>%s</pre>`,
				len(g.nodes), MaxGraphNodes, html.EscapeString(text)),
		}
	}
	return map[string]any{"image/svg+xml": g.SVG(), "text/plain": text}
}

// Show displays the graph.
func (g *ComputationGraph) Show() { Show(g) }
