package display

import (
	"errors"
	"math"
	"testing"

	"github.com/gograd/gograd/ad"
	"gonum.org/v1/plot/plotter"
)

func TestPanels(t *testing.T) {
	x := ad.Linspace(0, 1, 10)
	a, b, c := Line(x, x), Line(x, ad.Mul(x, x)), Scatter(x, x)
	fig := Panels(2, a, b, c).Title("three")
	if got, want := fig.Height(), 2*panelHeight+40; got != want {
		t.Errorf("height got %d, want %d", got, want)
	}
	if fig.cols != 2 || len(fig.panels) != 3 {
		t.Errorf("got %d columns and %d panels, want 2 and 3", fig.cols, len(fig.panels))
	}
	if one := Panels(5, a); one.cols != 1 || one.Height() != panelHeight+40 {
		t.Errorf("one panel: %d columns, height %d", one.cols, one.Height())
	}
	b2 := fig.Bundle()
	raw := decodeBundlePNG(t, b2)
	saveFigure(t, "panels", raw)
	checkXML(t, b2.Data["image/svg+xml"].(string))

	tests := []struct {
		name string
		call func()
		want string
	}{
		{"none", func() { Panels(1) }, "display.Panels: no figures given"},
		{"cols", func() { Panels(0, a) }, "display.Panels: cols = 0, need at least 1"},
		{"nil", func() { Panels(1, a, nil) }, "display.Panels: figure 1 is nil"},
		{"nested", func() { Panels(1, fig) }, "display.Panels: figure 0 is itself a panel grid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				err, _ := recover().(error)
				var de *Error
				if !errors.As(err, &de) || err.Error() != tt.want {
					t.Errorf("got %v, want %q", err, tt.want)
				}
			}()
			tt.call()
		})
	}
}

func TestDerivativePanels(t *testing.T) {
	fig := DerivativePanels(ad.Tanh, -3, 3, 6)
	if got, want := fig.plot.Title.Text, "tanh and its first 6 derivatives"; got != want {
		t.Errorf("title got %q, want %q", got, want)
	}
	if len(fig.panels) != 7 || fig.cols != 2 {
		t.Fatalf("got %d panels in %d columns, want 7 in 2", len(fig.panels), fig.cols)
	}
	ref := lines(Derivatives(ad.Tanh, -3, 3, 6))
	for i, p := range fig.panels {
		got := p.data[0].(*plotter.Line).XYs
		for _, k := range []int{0, 123, 399} {
			if got[k] != ref[i][k] {
				t.Errorf("panel %d point %d got %v, want %v", i, k, got[k], ref[i][k])
			}
		}
		if want := "tanh" + primes(i); p.plot.Title.Text != want {
			t.Errorf("panel %d title got %q, want %q", i, p.plot.Title.Text, want)
		}
	}
	// Each panel has its own y range: the sixth derivative spans far more
	// than tanh.
	span := func(xys plotter.XYs) float64 {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, p := range xys {
			lo, hi = math.Min(lo, p.Y), math.Max(hi, p.Y)
		}
		return hi - lo
	}
	if s0, s6 := span(ref[0]), span(ref[6]); !(s6 > 10*s0) {
		t.Errorf("spans %g and %g: the test function no longer shows the point", s0, s6)
	}
	if _, err := fig.PNG(); err != nil {
		t.Fatal(err)
	}
	if small := DerivativePanels(ad.Tanh, -3, 3, 2); small.cols != 1 {
		t.Errorf("k = 2 got %d columns, want 1", small.cols)
	}
}
