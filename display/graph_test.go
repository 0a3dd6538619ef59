package display

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/gograd/gograd/ad"
)

// svgNode is a node group of the graph SVG: <g><title/><rect/><text/>…</g>.
type svgNode struct {
	Title string `xml:"title"`
	Rect  struct {
		X float64 `xml:"x,attr"`
		Y float64 `xml:"y,attr"`
		W float64 `xml:"width,attr"`
	} `xml:"rect"`
	Texts []string `xml:"text"`
}

type svgDoc struct {
	XMLName xml.Name  `xml:"svg"`
	Groups  []svgNode `xml:"g"`
	Paths   []struct {
		D string `xml:"d,attr"`
	} `xml:"path"`
}

func parseGraphSVG(t *testing.T, s string) svgDoc {
	t.Helper()
	checkXML(t, s)
	var doc svgDoc
	if err := xml.NewDecoder(bytes.NewBufferString(s)).Decode(&doc); err != nil {
		t.Fatalf("SVG does not decode: %v", err)
	}
	return doc
}

func TestGraphOfTracedFunction(t *testing.T) {
	f := func(x *ad.Tensor) *ad.Tensor {
		return ad.Sum(ad.Mul(ad.Tanh(ad.Add(ad.Mul(x, x), ad.Sin(x))), x))
	}
	x := ad.New([]float64{1, 2, 3}, 3)
	g := Graph(f, x)
	tg := ad.TraceGraph(f, x)
	if g.Len() != len(tg.Nodes) {
		t.Fatalf("got %d nodes, want %d", g.Len(), len(tg.Nodes))
	}
	svg := g.SVG()
	if dir := os.Getenv("GOGRAD_FIGURE_DIR"); dir != "" {
		_ = os.WriteFile(dir+"/graph.svg", []byte(svg), 0o644)
	}
	doc := parseGraphSVG(t, svg)
	if len(doc.Groups) != len(tg.Nodes) {
		t.Fatalf("SVG has %d nodes, want %d", len(doc.Groups), len(tg.Nodes))
	}
	type box struct{ x, y, w float64 }
	boxes := map[int]box{}
	for _, gr := range doc.Groups {
		var id int
		if _, err := fmt.Sscanf(gr.Title, "%%%d", &id); err != nil {
			t.Fatalf("bad title %q", gr.Title)
		}
		boxes[id] = box{gr.Rect.X, gr.Rect.Y, gr.Rect.W}
		n := tg.Nodes[id]
		want := n.Op
		if n.IsInput {
			want = "input"
		}
		if len(gr.Texts) != 2 || gr.Texts[0] != want || gr.Texts[1] != shapeString(n.Shape) {
			t.Errorf("node %d shows %q, want [%s %s]", id, gr.Texts, want, shapeString(n.Shape))
		}
	}
	// Every node lies below its arguments, and nodes in a row do not overlap.
	edges := 0
	for _, n := range tg.Nodes {
		seen := map[int]bool{}
		for _, in := range n.Inputs {
			if !seen[in] {
				edges++
				seen[in] = true
			}
			if boxes[n.ID].y <= boxes[in].y {
				t.Errorf("node %d (y=%g) is not below its argument %d (y=%g)", n.ID, boxes[n.ID].y, in, boxes[in].y)
			}
		}
	}
	for a, ba := range boxes {
		for b, bb := range boxes {
			if a < b && ba.y == bb.y && ba.x < bb.x+bb.w && bb.x < ba.x+ba.w {
				t.Errorf("nodes %d and %d overlap: %v %v", a, b, ba, bb)
			}
		}
	}
	if len(doc.Paths) != edges { // the marker's path is inside <defs>
		t.Errorf("got %d edge paths, want %d", len(doc.Paths), edges)
	}
	b, _ := Render(g)
	if b.Data["image/svg+xml"] != svg || b.Data["text/plain"] != g.String() {
		t.Errorf("bundle does not carry the SVG and listing")
	}
	if !strings.Contains(g.String(), "%0 = input  (3,)") || !strings.Contains(g.String(), "→ output") {
		t.Errorf("listing got:\n%s", g)
	}
}

func TestGraphListing(t *testing.T) {
	g := GraphOf(&ad.Graph{Nodes: []ad.GraphNode{
		{ID: 0, Op: "input", Shape: []int{2}, IsInput: true},
		{ID: 1, Op: "Sub", Shape: []int{2}, Inputs: []int{0, 0}},
		{ID: 2, Op: "Sum", Shape: []int{}, Inputs: []int{1}, IsOutput: true},
	}})
	want := "%0 = input  (2,)\n%1 = Sub(%0, %0)  (2,)\n%2 = Sum(%1)  ()  → output"
	if got := g.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestGraphTooLarge(t *testing.T) {
	nodes := []ad.GraphNode{{ID: 0, Op: "input", Shape: []int{1}, IsInput: true}}
	for i := 1; i <= MaxGraphNodes; i++ {
		nodes = append(nodes, ad.GraphNode{ID: i, Op: "Sin", Shape: []int{1}, Inputs: []int{i - 1}})
	}
	g := GraphOf(&ad.Graph{Nodes: nodes})
	b := g.MIMEBundle()
	if _, ok := b["image/svg+xml"]; ok {
		t.Error("graph over the limit drawn as SVG")
	}
	if !strings.Contains(b["text/html"].(string), "too large to draw") {
		t.Error("no explanation for the undrawn graph")
	}
	checkXML(t, g.SVG())
}

func TestGraphErrors(t *testing.T) {
	for name, call := range map[string]func(){
		"nil f":     func() { Graph(nil, ad.Scalar(1)) },
		"nil x":     func() { Graph(ad.Tanh, nil) },
		"nil graph": func() { GraphOf(nil) },
	} {
		if err := catch(call); err == nil || !strings.HasPrefix(err.Error(), "display.Graph") {
			t.Errorf("%s: got %v, want a display.Graph… error", name, err)
		}
	}
}

// BenchmarkGraphSVG200 lays out and draws a 200-node graph of a loop.
func BenchmarkGraphSVG200(b *testing.B) {
	f := func(x *ad.Tensor) *ad.Tensor {
		y := x
		for range 66 {
			y = ad.Add(ad.Sin(y), ad.Mul(y, x))
		}
		return ad.Sum(y)
	}
	g := Graph(f, ad.New([]float64{0.1, 0.2}, 2))
	for b.Loop() {
		_ = g.SVG()
	}
}

// TestGraphPlacesValuesNearTheirUse checks that exp(x), computed from the
// input but used only at the end, is drawn one layer above its user.
func TestGraphPlacesValuesNearTheirUse(t *testing.T) {
	f := func(x *ad.Tensor) *ad.Tensor {
		return ad.Sum(ad.Div(ad.Sin(ad.Sin(ad.Sin(x))), ad.Exp(x)))
	}
	doc := parseGraphSVG(t, Graph(f, ad.New([]float64{1, 2}, 2)).SVG())
	y := map[string]float64{}
	for _, g := range doc.Groups {
		y[g.Texts[0]] = g.Rect.Y
	}
	layer := gNodeH + gLayerGap
	if got, want := y["Div"]-y["Exp"], layer; got != want {
		t.Errorf("Exp is %g above Div, want one layer (%g)", got, want)
	}
	if y["Exp"] <= y["input"] {
		t.Errorf("Exp (y=%g) not below the input (y=%g)", y["Exp"], y["input"])
	}
}
