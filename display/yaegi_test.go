package display_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/gograd/gograd/display"
	"github.com/gograd/gograd/kernel/symbols"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// sink records what the interpreted cells display.
type sink struct {
	mu      sync.Mutex
	shown   []display.Bundle
	updated []display.Bundle
	clears  int
}

func (s *sink) Display(b display.Bundle) { s.mu.Lock(); s.shown = append(s.shown, b); s.mu.Unlock() }
func (s *sink) Update(b display.Bundle)  { s.mu.Lock(); s.updated = append(s.updated, b); s.mu.Unlock() }
func (s *sink) Clear(bool)               { s.mu.Lock(); s.clears++; s.mu.Unlock() }

func newInterp(t *testing.T) *interp.Interpreter {
	t.Helper()
	i := interp.New(interp.Options{})
	if err := i.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if err := i.Use(symbols.Symbols); err != nil {
		t.Fatal(err)
	}
	_, err := i.Eval(`import (
	"image"
	"image/color"
	"github.com/gograd/gograd/ad"
	"github.com/gograd/gograd/display"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)`)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

// TestAPIFromYaegi evaluates cells that call every public helper through
// the interpreter the kernel uses, and checks what reached the sink.
func TestAPIFromYaegi(t *testing.T) {
	i := newInterp(t)
	s := &sink{}
	display.SetSink(s)
	t.Cleanup(func() { display.SetSink(nil) })

	cells := []struct {
		code  string
		shown int      // outputs the cell adds
		mimes []string // types the last of them must have
	}{
		{`display.HTML("<b>hi</b>")`, 1, []string{"text/html"}},
		{`display.Markdown("# title")`, 1, []string{"text/markdown"}},
		{`display.LaTeX("$x^2$")`, 1, []string{"text/latex"}},
		{`display.SVG("<svg xmlns=\"http://www.w3.org/2000/svg\"/>")`, 1, []string{"image/svg+xml"}},
		{`display.JSON(map[string]any{"a": 1})`, 1, []string{"application/json"}},
		{`display.Show(ad.New([]float64{1, 2, 3, 4}, 2, 2))`, 1, []string{"text/html", "text/latex"}},
		{`display.Image(image.NewRGBA(image.Rect(0, 0, 4, 3)))`, 1, []string{"image/png"}},
		{`p := plot.New(); l, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}}); p.Add(l); display.Plot(p)`, 1, []string{"image/png", "image/svg+xml"}},
		{`x := ad.Linspace(-3, 3, 50); display.Curves(x, []*ad.Tensor{ad.Tanh(x), ad.Sin(x)}, []string{"tanh", "sin"}).Title("t").XLabel("x").YLabel("y").Size(300, 200).Legend("top-left").Palette(color.Black).Show()`, 1, []string{"image/png"}},
		{`display.Derivatives(ad.Tanh, -4, 4, 3).Size(200, 120).Show()`, 1, []string{"image/png"}},
		{`display.Derivatives(func(x *ad.Tensor) *ad.Tensor { return ad.Mul(x, ad.Sin(x)) }, -4, 4, 2).Size(200, 120).Show()`, 1, []string{"image/png"}},
		{`display.Scatter(x, ad.Cos(x)).AddLine(x, ad.Sin(x), "sin").AddScatter(x, ad.Neg(x), "").Show()`, 1, []string{"image/png"}},
		{`display.Histogram(ad.Sin(x), 0).Size(200, 120).Show()`, 1, []string{"image/png"}},
		{`display.LossCurve([]float64{4, 2, 1, 0.5}).LogY().Show()`, 1, []string{"image/png"}},
		{`f := func(p *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(p, p)) }
display.Contour(f, -1, 1, -1, 1).Path(ad.New([]float64{0.8, 0.8, 0.4, 0.4, 0, 0}, 3, 2)).Size(200, 120).Show()`, 1, []string{"image/png"}},
		{`display.Heatmap(f, -1, 1, -1, 1).Size(200, 120).Show()`, 1, []string{"image/png"}},
		{`display.Surface(f, -1, 1, -1, 1, display.SurfaceOptions{Resolution: 10, Arrows: -1, Fill: true}).Show()`, 1, []string{"image/png"}},
		{`display.Graph(f, ad.New([]float64{1, 2}, 2)).Show()`, 1, []string{"image/svg+xml"}},
		{`display.Show(ad.CheckGrads(f, ad.New([]float64{1, 2}, 2), 1))`, 1, []string{"text/html"}},
		{`h := display.NewHandle(); h.Show("a"); h.Update("b"); display.UpdateID(h.ID(), "c")`, 1, []string{"text/plain"}},
		{`bar := display.Progress(3).Describe("loop"); for k := 0; k < 3; k++ { bar.Increment() }; bar.Finish()`, 1, []string{"text/html"}},
		{`curve := display.LiveLoss().Title("fit"); for k := 1; k <= 50; k++ { curve.Add(1 / float64(k)) }; curve.Finish()`, 1, []string{"image/png"}},
		{`display.Axes("t", "x", "y").AddLine(x, ad.Exp(x), "exp").LogY().Size(200, 120).Show()`, 1, []string{"image/png"}},
		{`display.ClearOutput(true)`, 0, nil},
		{`display.Show(display.NewFigure(p).Size(200, 100))`, 1, []string{"image/png"}},
	}
	for _, c := range cells {
		before := len(s.shown)
		if _, err := i.Eval(c.code); err != nil {
			t.Errorf("cell %q: %v", c.code, err)
			continue
		}
		if got := len(s.shown) - before; got != c.shown {
			t.Errorf("cell %q displayed %d outputs, want %d", c.code, got, c.shown)
			continue
		}
		if c.shown == 0 {
			continue
		}
		last := s.shown[len(s.shown)-1]
		for _, m := range append(c.mimes, "text/plain") {
			if _, ok := last.Data[m]; !ok {
				t.Errorf("cell %q: output lacks %s (has %v)", c.code, m, keys(last.Data))
			}
		}
	}
	if s.clears != 1 {
		t.Errorf("got %d clears, want 1", s.clears)
	}
	if len(s.updated) < 3 {
		t.Errorf("got %d updates, want at least 3 (handle ×2, progress final)", len(s.updated))
	}
}

// TestRendererInterfacesFromYaegi checks that types declared by cell code
// can opt in to rich display. yaegi hides an interpreted type's methods
// from compiled code when the value travels as any, so the value is
// handed to Rich's setters, whose interface-typed parameters make yaegi
// wrap it (this is what the kernel session does for a cell's last value).
func TestRendererInterfacesFromYaegi(t *testing.T) {
	i := newInterp(t)
	_, err := i.Eval(`
type Card struct{ Name string }

func (c Card) HTML() string     { return "<div>" + c.Name + "</div>" }
func (c Card) Markdown() string { return "**" + c.Name + "**" }
func (c Card) String() string   { return "Card " + c.Name }

type Chart struct{}

func (*Chart) SVG() string                  { return "<svg/>" }
func (*Chart) MIMEBundle() map[string]any { return map[string]any{"text/html": "<p>chart</p>"} }
`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		expr string
		want map[string]string
	}{
		{`display.NewRich(Card{"ace"}).SetHTML(Card{"ace"}).SetMarkdown(Card{"ace"}).SetText(Card{"ace"})`,
			map[string]string{"text/html": "<div>ace</div>", "text/markdown": "**ace**", "text/plain": "Card ace"}},
		{`c := &Chart{}; display.NewRich(c).SetSVG(c)`, map[string]string{"image/svg+xml": "<svg/>", "text/plain": "&{}"}},
		{`display.NewRich(c).SetBundle(c)`, map[string]string{"text/html": "<p>chart</p>", "text/plain": "&{}"}},
		{`display.NewRich(ad.Scalar(2))`, map[string]string{"text/plain": "2.0"}},
	}
	for _, tt := range tests {
		v, err := i.Eval(tt.expr)
		if err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		b, ok := display.Render(v.Interface())
		if !ok {
			t.Fatalf("%s: no bundle", tt.expr)
		}
		if len(b.Data) != len(tt.want) {
			t.Errorf("%s: got types %s, want %d", tt.expr, keys(b.Data), len(tt.want))
		}
		for m, want := range tt.want {
			if got := b.Data[m]; got != want {
				t.Errorf("%s: %s got %v, want %q", tt.expr, m, got, want)
			}
		}
	}
	// A setter that does not fit the type is a compile error, which is how
	// the session tells which interfaces a type implements.
	if _, err := i.Eval(`display.NewRich(c).SetHTML(c)`); err == nil {
		t.Error("SetHTML accepted a type without an HTML method")
	}
}

func keys(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return strings.Join(ks, ", ")
}
