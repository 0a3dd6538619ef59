package display

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/gograd/gograd/ad"
	"gonum.org/v1/plot/plotter"
)

// lines returns the data of the figure's line plotters, in order.
func lines(f *Figure) []plotter.XYs {
	var out []plotter.XYs
	for _, p := range f.data {
		if l, ok := p.(*plotter.Line); ok {
			out = append(out, l.XYs)
		}
	}
	return out
}

func TestDerivativesOfTanh(t *testing.T) {
	fig := Derivatives(ad.Tanh, -3, 3, 3)
	if got, want := fig.plot.Title.Text, "tanh and its first 3 derivatives"; got != want {
		t.Errorf("title got %q, want %q", got, want)
	}
	var labels []string
	for _, e := range fig.legend {
		labels = append(labels, e.label)
	}
	if got, want := strings.Join(labels, ","), "tanh,tanh′,tanh″,tanh‴"; got != want {
		t.Errorf("labels got %s, want %s", got, want)
	}
	ls := lines(fig)
	if len(ls) != 4 {
		t.Fatalf("got %d lines, want 4", len(ls))
	}
	exact := []func(float64) float64{
		math.Tanh,
		func(x float64) float64 { t := math.Tanh(x); return 1 - t*t },
		func(x float64) float64 { t := math.Tanh(x); return -2 * t * (1 - t*t) },
		func(x float64) float64 { t := math.Tanh(x); return (1 - t*t) * (6*t*t - 2) },
	}
	for k, xys := range ls {
		if len(xys) != DerivativePoints {
			t.Fatalf("line %d has %d points, want %d", k, len(xys), DerivativePoints)
		}
		for _, i := range []int{0, 57, 200, 399} {
			p := xys[i]
			if want := exact[k](p.X); math.Abs(p.Y-want) > 1e-9 {
				t.Errorf("derivative %d at x=%g got %g, want %g", k, p.X, p.Y, want)
			}
		}
	}
}

func TestDerivativeLabels(t *testing.T) {
	tests := map[int]string{0: "", 1: "′", 3: "‴", 4: " (4th)", 11: " (11th)", 12: " (12th)"}
	for k, want := range tests {
		if got := primes(k); got != want {
			t.Errorf("primes(%d) got %q, want %q", k, got, want)
		}
	}
	if got := ordinal(22); got != "22nd" {
		t.Errorf("ordinal(22) got %q", got)
	}
	closure := func(x *ad.Tensor) *ad.Tensor { return ad.Sin(x) }
	if got := funcName(closure); got != "f" {
		t.Errorf("funcName(closure) got %q, want f", got)
	}
}

func TestPlotHelperErrors(t *testing.T) {
	x := ad.Linspace(0, 1, 5)
	tests := []struct {
		name string
		call func()
		want string
	}{
		{"Curves nil x", func() { Curves(nil, []*ad.Tensor{x}, nil) }, "display.Curves: x is nil"},
		{"Curves 2-d", func() { Curves(ad.New(make([]float64, 4), 2, 2), []*ad.Tensor{x}, nil) },
			"display.Curves: x has shape (2, 2), want a 1-d tensor"},
		{"Curves length", func() { Curves(x, []*ad.Tensor{ad.Linspace(0, 1, 4)}, nil) },
			"display.Curves: ys[0] has 4 values but x has 5"},
		{"Curves no ys", func() { Curves(x, nil, nil) }, "display.Curves: no curves given"},
		{"Curves labels", func() { Curves(x, []*ad.Tensor{x}, []string{"a", "b"}) }, "display.Curves: 2 labels for 1 curves"},
		{"Scatter length", func() { Scatter(x, ad.Linspace(0, 1, 3)) }, "display.Scatter: x has 5 values but y has 3"},
		{"Histogram NaN", func() { Histogram(ad.New([]float64{1, math.NaN()}), 3) }, "display.Histogram: x has non-finite value NaN at flat index 1"},
		{"LossCurve empty", func() { LossCurve(nil) }, "display.LossCurve: no losses given"},
		{"Path shape", func() { Line(x, x).Path(x) }, "display.Figure.Path: points has shape (5,), want (n, 2)"},
		{"Size", func() { Line(x, x).Size(0, 10) }, "display.Figure.Size: size 0×10 out of range"},
		{"XRange", func() { Line(x, x).XRange(1, 1) }, "display.Figure.XRange: min 1 must be less than max 1"},
		{"Legend", func() { Line(x, x).Legend("middle") }, `display.Figure.Legend: unknown position "middle"`},
		{"Palette", func() { Line(x, x).Palette() }, "display.Figure.Palette: no colors given"},
		{"Derivatives range", func() { Derivatives(ad.Tanh, 1, -1, 2) }, "display.Derivatives: range [1, -1] is empty"},
		{"Derivatives k", func() { Derivatives(ad.Tanh, -1, 1, -1) }, "display.Derivatives: order k = -1 out of range"},
		{"Derivatives nil", func() { Derivatives(nil, -1, 1, 1) }, "display.Derivatives: function is nil"},
		{"Surface range", func() { Contour(ad.Tanh, 0, 1, 2, 2) }, "display.Surface: range [2, 2] is empty"},
		{"Surface resolution", func() {
			Surface(ad.Tanh, 0, 1, 0, 1, SurfaceOptions{Resolution: 1000})
		}, "display.Surface: resolution 1000 out of range 2..400"},
		{"Surface not scalar", func() { Contour(ad.Tanh, 0, 1, 0, 1) }, "display.Surface: f must return a single value, got 2 values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := catch(tt.call)
			var de *Error
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a *display.Error", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("got %q, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestLossCurveLogScale(t *testing.T) {
	steep := LossCurve([]float64{1000, 100, 10, 1, 0.1})
	flat := LossCurve([]float64{3, 2, 1.5})
	if _, ok := steep.plot.Y.Scale.(interface{ Normalize(a, b, x float64) float64 }); !ok {
		t.Fatal("no scale")
	}
	if steep.plot.Y.Scale == flat.plot.Y.Scale {
		t.Errorf("a loss spanning 4 decades has the same y scale as one spanning 0.3")
	}
	if _, err := steep.PNG(); err != nil {
		t.Errorf("log-scale loss curve does not render: %v", err)
	}
}

func TestAddSeries(t *testing.T) {
	x := ad.Linspace(0, 1, 4)
	empty := Axes("T", "a", "b")
	if empty.plot.Title.Text != "T" || empty.plot.X.Label.Text != "a" || empty.plot.Y.Label.Text != "b" || len(empty.data) != 0 {
		t.Errorf("Axes built %v", empty)
	}
	if _, err := empty.AddLine(x, x, "x").PNG(); err != nil {
		t.Errorf("filled Axes does not render: %v", err)
	}
	fig := Scatter(x, x).AddLine(x, ad.Mul(2, x), "fit").AddScatter(x, ad.Neg(x), "")
	if len(fig.data) != 3 || len(fig.legend) != 1 || fig.legend[0].label != "fit" {
		t.Fatalf("got %d series and legend %v, want 3 and [fit]", len(fig.data), fig.legend)
	}
	if l, ok := fig.data[1].(*plotter.Line); !ok || l.XYs[3].Y != 2 || l.Color != okabeIto[1] {
		t.Errorf("added line wrong: %#v", fig.data[1])
	}
	for name, call := range map[string]func(){
		"AddLine":    func() { fig.AddLine(x, ad.Linspace(0, 1, 3), "") },
		"AddScatter": func() { fig.AddScatter(nil, x, "") },
	} {
		if err := catch(call); err == nil || !strings.HasPrefix(err.Error(), "display.Figure."+name) {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func TestPaletteRecolours(t *testing.T) {
	x := ad.Linspace(0, 1, 3)
	fig := Curves(x, []*ad.Tensor{x, x, x}, nil)
	red := okabeIto[1]
	fig.Palette(red)
	for i, p := range fig.data {
		if l, ok := p.(*plotter.Line); ok && l.Color != red {
			t.Errorf("plotter %d has colour %v, want %v", i, l.Color, red)
		}
	}
}
