package display

import (
	"math"
	"testing"

	"github.com/gograd/gograd/ad"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// autoPosition returns where the automatic legend of fig goes when it is
// drawn at its size.
func autoPosition(fig *Figure) string {
	w, h := fig.lengths()
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pxPerInch))
	return fig.autoLegend(innerCanvas(draw.New(c)), fig.legendLayout())
}

func TestAutoLegendAvoidsData(t *testing.T) {
	x := ad.Linspace(0, 1, 50)
	wave := ad.Linspace(-8, 8, 200)
	// Points in three corners; the legend needs an entry to be drawn.
	dots := Scatter(ad.New([]float64{0, 1, 0, 0.5}, 4), ad.New([]float64{1, 1, 0, 0.5}, 4))
	dots.legend = append(dots.legend, legendEntry{"points", dots.data[0].(*plotter.Scatter)})
	tests := []struct {
		name   string
		fig    *Figure
		lo, hi float64 // the y range
		want   string
	}{
		// A rising line crosses the bottom-left and top-right corners.
		{"rising", Curves(x, []*ad.Tensor{x, ad.Mul(0.9, x)}, []string{"a", "b"}), -0.05, 1.05, "top-left"},
		// A falling line crosses the other two.
		{"falling", Curves(x, []*ad.Tensor{ad.Sub(1, x)}, []string{"a"}), -0.05, 1.05, "top-right"},
		// A wave in the middle leaves the bottom corners free, but a
		// plateau at the top covers the top ones.
		{"plateau", Curves(x, []*ad.Tensor{ad.Sub(1, ad.Mul(0, x)), ad.Add(0.5, ad.Mul(0.1, ad.Sin(ad.Mul(6, x))))}, []string{"one", "wave"}), -0.05, 1.05, "bottom-right"},
		// Waves over the whole width cover every corner: outside.
		{"waves", Curves(wave, []*ad.Tensor{ad.Sin(wave), ad.Cos(wave)}, []string{"sin", "cos"}), -1.1, 1.1, "outside"},
		// Segments count between their points: two lines of two points
		// each cross all four corners.
		{"two points", Curves(ad.New([]float64{0, 1}, 2), []*ad.Tensor{ad.New([]float64{0, 1}, 2), ad.New([]float64{1, 0}, 2)}, []string{"up", "down"}), -0.05, 1.05, "outside"},
		// Dots count, even on the frame of the data area.
		{"scatter", dots, 0, 1, "bottom-right"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fig.YRange(tt.lo, tt.hi)
			if got := autoPosition(tt.fig); got != tt.want {
				t.Errorf("auto legend got %s, want %s", got, tt.want)
			}
			if _, err := tt.fig.PNG(); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestLegendOutsideShrinksAxes(t *testing.T) {
	x := ad.Linspace(-8, 8, 200)
	fig := Curves(x, []*ad.Tensor{ad.Sin(x)}, []string{"a rather long label"}).Size(400, 250)
	inside := Curves(x, []*ad.Tensor{ad.Sin(x)}, []string{"a rather long label"}).Size(400, 250).Legend("top-right")
	dataWidth := func(f *Figure) float64 {
		w, h := f.lengths()
		c := draw.New(vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pxPerInch)))
		inner := innerCanvas(c)
		lg := f.legendLayout()
		if f.legendPos == "auto" && f.autoLegend(inner, lg) == "outside" {
			inner = draw.Crop(inner, 0, -(lg.w + legendGap), 0, 0)
		}
		dc := f.plot.DataCanvas(inner)
		return float64(dc.Max.X - dc.Min.X)
	}
	if got, full := dataWidth(fig), dataWidth(inside); !(got < full-50) {
		t.Errorf("data area with the legend outside is %.0f wide, with it inside %.0f: want it narrower by the legend", got, full)
	}
}

func TestCoincidingCurvesAreDashed(t *testing.T) {
	x := ad.Linspace(-3, 3, 100)
	fig := Curves(x, []*ad.Tensor{ad.Cos(x), ad.Sin(x), ad.Add(ad.Cos(x), 1e-4), ad.Cos(x)}, []string{"cos", "sin", "≈cos", "cos again"})
	var dashed []bool
	for _, p := range fig.data {
		dashed = append(dashed, len(p.(*plotter.Line).Dashes) > 0)
	}
	if want := []bool{false, false, true, true}; !equalBools(dashed, want) {
		t.Fatalf("dashed got %v, want %v", dashed, want)
	}
	third, fourth := fig.data[2].(*plotter.Line), fig.data[3].(*plotter.Line)
	if third.Dashes[1] == fourth.Dashes[1] {
		t.Errorf("the second and third copies share the dash pattern %v", third.Dashes)
	}
	// Curves that differ by more than 0.5% of their range stay solid.
	far := Curves(x, []*ad.Tensor{ad.Cos(x), ad.Add(ad.Cos(x), 0.05)}, nil)
	if d := far.data[1].(*plotter.Line).Dashes; len(d) > 0 {
		t.Errorf("distinct curves dashed: %v", d)
	}
	if !coincide(plotter.XYs{{X: 0, Y: 2}, {X: 1, Y: 2}}, plotter.XYs{{X: 0, Y: 2}, {X: 1, Y: 2}}) {
		t.Error("equal flat curves do not coincide")
	}
	if coincide(plotter.XYs{{X: 0, Y: 2}, {X: 1, Y: 2}}, plotter.XYs{{X: 0, Y: 2}, {X: 1, Y: 2.001}}) {
		t.Error("different flat curves coincide")
	}
	if coincide(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: math.NaN()}}, plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: math.NaN()}}) {
		t.Error("curves with NaN coincide")
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
