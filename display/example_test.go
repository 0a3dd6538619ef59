package display_test

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/gograd/gograd/ad"
	"github.com/gograd/gograd/display"
)

// printSink prints what is displayed: the MIME types and the text/plain.
type printSink struct{}

func (printSink) Display(b display.Bundle) {
	fmt.Printf("display %s: %v\n", mimes(b), b.Data["text/plain"])
}

func (printSink) Update(b display.Bundle) {
	fmt.Printf("update %s: %v\n", mimes(b), b.Data["text/plain"])
}

func (printSink) Clear(wait bool) { fmt.Println("clear, wait =", wait) }

func mimes(b display.Bundle) string {
	var ms []string
	for m := range b.Data {
		ms = append(ms, m)
	}
	sort.Strings(ms)
	return strings.Join(ms, " ")
}

func ExampleShow() {
	display.SetSink(printSink{})
	defer display.SetSink(nil)

	display.Show(ad.New([]float64{1, 2, 3, 4}, 2, 2))
	display.HTML("<b>bold</b>")
	display.Markdown("*emphasis*")
	display.ClearOutput(true)
	// Output:
	// display text/html text/latex text/plain: [[1. 2.]
	//  [3. 4.]]
	// display text/html text/plain: <HTML>
	// display text/markdown text/plain: *emphasis*
	// clear, wait = true
}

func ExampleRender() {
	b, _ := display.Render(ad.New([]float64{0.5, 1}, 2))
	fmt.Println(b.Data["text/latex"])
	b, _ = display.Render("a string")
	fmt.Println(b.Data["text/plain"])
	_, ok := display.Render(nil)
	fmt.Println(ok)
	// Output:
	// $\begin{bmatrix}0.5 & 1\end{bmatrix}$
	// "a string"
	// false
}

func ExampleHandle() {
	display.SetSink(printSink{})
	defer display.SetSink(nil)

	h := display.NewHandle()
	h.Show("step 1")
	h.Update("step 2")
	// Output:
	// display text/plain: "step 1"
	// update text/plain: "step 2"
}

func ExampleDerivatives() {
	fig := display.Derivatives(ad.Tanh, -7, 7, 6)
	fmt.Println(fig)
	b := fig.Bundle()
	fmt.Println(mimes(b), b.Metadata["image/png"])
	// Output:
	// <Figure 640×400: tanh and its first 6 derivatives>
	// image/png image/svg+xml text/plain map[height:400 width:640]
}

func ExampleCurves() {
	x := ad.Linspace(-3, 3, 100)
	fig := display.Curves(x, []*ad.Tensor{ad.Tanh(x), ad.Sigmoid(x)}, []string{"tanh", "sigmoid"}).
		Title("Activations").XLabel("input").YLabel("output").Size(480, 300)
	fmt.Println(fig, fig.Width(), fig.Height())
	// Output: <Figure 480×300: Activations> 480 300
}

func ExampleContour() {
	// f(x, y) = x² + 3y², with a few gradient-descent steps drawn on it.
	f := func(p *ad.Tensor) *ad.Tensor {
		return ad.Sum(ad.Mul(ad.New([]float64{1, 3}, 2), ad.Mul(p, p)))
	}
	path := ad.New([]float64{1.5, 1, 1.2, 0.4, 0.96, 0.16}, 3, 2)
	fig := display.Contour(f, -2, 2, -1.5, 1.5).Path(path).Title("descent")
	fmt.Println(fig)
	// Output: <Figure 640×400: descent>
}

func ExampleGraph() {
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Sin(ad.Mul(x, x))) }
	g := display.Graph(f, ad.New([]float64{1, 2}, 2))
	fmt.Println(g.Len() > 0, strings.HasPrefix(g.SVG(), "<svg"))
	fmt.Println(strings.Split(g.String(), "\n")[1])
	// Output:
	// true true
	// %1 = Mul(%0, %0)  (2,)
}

func ExampleGradCheckBundle() {
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Tanh(x)) }
	r := ad.CheckGrads(f, ad.New([]float64{0.1, 0.2}, 2), 1)
	b := display.GradCheckBundle(r)
	fmt.Println(r.OK, strings.Contains(b.Data["text/html"].(string), "Gradient check passed"))
	// Output: true true
}

func ExampleNewRich() {
	// Cell code running in yaegi hands a value of a cell-declared type to
	// the setters of the interfaces it implements.
	r := display.NewRich(42).SetHTML(html("<b>42</b>"))
	b, _ := display.Render(r)
	fmt.Println(b.Data["text/html"], b.Data["text/plain"])
	// Output: <b>42</b> 42
}

type html string

func (h html) HTML() string { return string(h) }

func ExampleInteract() {
	// The tangent line of sin at a: moving the slider re-runs the function
	// and replaces the figure. (Without a kernel, widgets stay local.)
	tangent := func(a float64) *display.Figure {
		x := ad.Linspace(-3, 3, 61)
		slope := math.Cos(a)
		line := ad.Add(ad.Mul(ad.Sub(x, a), slope), math.Sin(a))
		return display.Curves(x, []*ad.Tensor{ad.Sin(x), line}, []string{"sin x", "tangent at a"})
	}
	box := display.NewInteractive(tangent, display.FloatSlider("a", -3, 3, 0.1, 0.5))
	fmt.Println(box)
	// Output: Interact(FloatSlider(value=0.5, description="a"))
}

func ExampleWidget_Observe() {
	s := display.IntSlider("n", 0, 10, 1, 3)
	s.Observe(func(c display.Change) { fmt.Println(c.Name, c.Old, "->", c.New) })
	s.SetValue(7)
	fmt.Println(s.Int())
	// Output:
	// value 3 -> 7
	// 7
}
