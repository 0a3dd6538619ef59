package display

import (
	"fmt"
	"image/color"
	"math"

	"github.com/gograd/gograd/ad"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// lineWidth is the width of data lines in the helpers' figures.
var lineWidth = vg.Points(2)

// Curves plots each tensor of ys against x, with a legend when labels are
// given (labels may be nil; missing labels are "y0", "y1", … when there is
// more than one curve). x and every y must be 1-d of the same length, at
// least 2. It panics with an *Error on bad input.
func Curves(x *ad.Tensor, ys []*ad.Tensor, labels []string) *Figure {
	const fn = "Curves"
	xs := vector(fn, "x", x)
	if len(xs) < 2 {
		panic(errorf(fn, "x has %d values, need at least 2", len(xs)))
	}
	if len(ys) == 0 {
		panic(errorf(fn, "no curves given (ys is empty)"))
	}
	if len(labels) > len(ys) {
		panic(errorf(fn, "%d labels for %d curves", len(labels), len(ys)))
	}
	p := newPlot("", "x", "y")
	fig := NewFigure(p)
	for i, y := range ys {
		yv := vector(fn, fmt.Sprintf("ys[%d]", i), y)
		if len(yv) != len(xs) {
			panic(errorf(fn, "ys[%d] has %d values but x has %d", i, len(yv), len(xs)))
		}
		label := ""
		if i < len(labels) {
			label = labels[i]
		} else if len(ys) > 1 {
			label = fmt.Sprintf("y%d", i)
		}
		fig.addLine(xs, yv, label)
	}
	return fig
}

// Axes returns an empty figure in the package's style (sans-serif text,
// light grid, the default size) with the given title and axis labels, to
// be filled with AddLine, AddScatter, Path or the gonum plot itself.
func Axes(title, xlabel, ylabel string) *Figure {
	return NewFigure(newPlot(title, xlabel, ylabel))
}

// Line plots y against x as one curve; see Curves.
func Line(x, y *ad.Tensor) *Figure {
	return Curves(x, []*ad.Tensor{y}, nil)
}

// Scatter plots the points (x[i], y[i]) as dots. x and y must be 1-d of
// the same, non-zero length. It panics with an *Error on bad input.
func Scatter(x, y *ad.Tensor) *Figure {
	const fn = "Scatter"
	xs, ys := vector(fn, "x", x), vector(fn, "y", y)
	if len(xs) != len(ys) {
		panic(errorf(fn, "x has %d values but y has %d", len(xs), len(ys)))
	}
	if len(xs) == 0 {
		panic(errorf(fn, "no points (x and y are empty)"))
	}
	fig := NewFigure(newPlot("", "x", "y"))
	fig.addScatter(xs, ys, "")
	return fig
}

// Histogram plots the distribution of the values of x (any shape) in the
// given number of equal-width bins; bins ≤ 0 chooses
// ceil(log2(n))+1 bins (Sturges' rule). It panics with an *Error if x is
// nil or empty, or has a non-finite value.
func Histogram(x *ad.Tensor, bins int) *Figure {
	const fn = "Histogram"
	if x == nil {
		panic(errorf(fn, "x is nil"))
	}
	vals := x.Data()
	if len(vals) == 0 {
		panic(errorf(fn, "x is empty"))
	}
	for i, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			panic(errorf(fn, "x has non-finite value %g at flat index %d", v, i))
		}
	}
	if bins <= 0 {
		bins = int(math.Ceil(math.Log2(float64(len(vals))))) + 1
	}
	h, err := plotter.NewHist(plotter.Values(vals), bins)
	if err != nil {
		panic(&Error{Func: fn, Err: err})
	}
	c := okabeIto[0]
	h.FillColor = c
	h.LineStyle.Color = color.White
	h.LineStyle.Width = vg.Points(0.8)
	p := newPlot("", "value", "count")
	p.Add(h)
	_, _, _, ymax := h.DataRange()
	p.Y.Min, p.Y.Max = 0, ymax*1.05
	fig := NewFigure(p)
	fig.yFixed = true
	fig.series = append(fig.series, func(c color.Color) { h.FillColor = c })
	return fig
}

// LossCurve plots a training loss against the step number (1, 2, …),
// with a logarithmic y axis when every loss is positive and they span more
// than two decades. It panics with an *Error if losses is empty.
func LossCurve(losses []float64) *Figure {
	const fn = "LossCurve"
	if len(losses) == 0 {
		panic(errorf(fn, "no losses given"))
	}
	xs := make([]float64, len(losses))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, l := range losses {
		xs[i] = float64(i + 1)
		if !math.IsNaN(l) {
			lo, hi = math.Min(lo, l), math.Max(hi, l)
		}
	}
	fig := NewFigure(newPlot("Training loss", "step", "loss"))
	if len(losses) == 1 {
		fig.addScatter(xs, losses, "")
	} else {
		fig.addLine(xs, losses, "")
	}
	if lo > 0 && hi/lo > 100 && !math.IsInf(hi, 0) {
		fig.LogY()
	}
	return fig
}

// maxPathMarkers is the longest path drawn with a marker at every point.
const maxPathMarkers = 60

// Path draws an optimisation path on the figure: points is an (n, 2)
// tensor of (x, y) positions in order, drawn as a line (through a marker
// at each point when there are at most 60), with the start as a hollow
// circle and the end as a filled one. It
// panics with an *Error unless points has shape (n, 2) with n ≥ 1.
func (f *Figure) Path(points *ad.Tensor) *Figure {
	const fn = "Figure.Path"
	if points == nil {
		panic(errorf(fn, "points is nil"))
	}
	shape := points.Shape()
	if len(shape) != 2 || shape[1] != 2 || shape[0] < 1 {
		panic(errorf(fn, "points has shape %s, want (n, 2) with n ≥ 1", shapeString(shape)))
	}
	d := points.Data()
	xys := make(plotter.XYs, shape[0])
	for i := range xys {
		xys[i] = plotter.XY{X: d[2*i], Y: d[2*i+1]}
	}
	pathColor := color.RGBA{0xD5, 0x5E, 0x00, 0xFF}
	if len(xys) > 1 {
		l, err := plotter.NewLine(xys)
		if err != nil {
			panic(&Error{Func: fn, Err: err})
		}
		l.Color, l.Width = pathColor, vg.Points(1.8)
		f.plot.Add(l)
		if len(xys) <= maxPathMarkers {
			s, _ := plotter.NewScatter(xys)
			s.GlyphStyle = draw.GlyphStyle{Color: pathColor, Radius: vg.Points(1.8), Shape: draw.CircleGlyph{}}
			f.plot.Add(s)
		}
	}
	f.avoid = append(f.avoid, xys)
	start, _ := plotter.NewScatter(xys[:1])
	start.GlyphStyle = draw.GlyphStyle{Color: pathColor, Radius: vg.Points(4.5), Shape: draw.RingGlyph{}}
	end, _ := plotter.NewScatter(xys[len(xys)-1:])
	end.GlyphStyle = draw.GlyphStyle{Color: pathColor, Radius: vg.Points(4.5), Shape: draw.CircleGlyph{}}
	f.plot.Add(start, end)
	f.legend = append(f.legend, legendEntry{"path", start})
	return f
}

// AddLine adds y against x as a curve in the next palette colour, with a
// legend entry when label is not empty, and returns the figure. x and y
// must be 1-d of the same length, at least 2. It panics with an *Error on
// bad input.
func (f *Figure) AddLine(x, y *ad.Tensor, label string) *Figure {
	const fn = "Figure.AddLine"
	xs, ys := vector(fn, "x", x), vector(fn, "y", y)
	if len(xs) != len(ys) || len(xs) < 2 {
		panic(errorf(fn, "x has %d values and y %d; need the same number, at least 2", len(xs), len(ys)))
	}
	f.addLine(xs, ys, label)
	return f
}

// AddScatter adds the points (x[i], y[i]) as dots in the next palette
// colour, with a legend entry when label is not empty, and returns the
// figure. x and y must be 1-d of the same, non-zero length. It panics
// with an *Error on bad input.
func (f *Figure) AddScatter(x, y *ad.Tensor, label string) *Figure {
	const fn = "Figure.AddScatter"
	xs, ys := vector(fn, "x", x), vector(fn, "y", y)
	if len(xs) != len(ys) || len(xs) == 0 {
		panic(errorf(fn, "x has %d values and y %d; need the same number, at least 1", len(xs), len(ys)))
	}
	f.addScatter(xs, ys, label)
	return f
}

// addLine adds one styled line with the next palette colour. A line that
// coincides with one added before it (a derivative computed two ways, a
// fit over its data) is dashed, so that the earlier line shows through
// its gaps instead of being hidden under it.
func (f *Figure) addLine(xs, ys []float64, label string) {
	xys := make(plotter.XYs, len(xs))
	for i := range xs {
		xys[i] = plotter.XY{X: xs[i], Y: ys[i]}
	}
	l, err := plotter.NewLine(finiteOnly(xys))
	if err != nil {
		panic(&Error{Func: "Curves", Err: err})
	}
	l.Color = okabeIto[len(f.series)%len(okabeIto)]
	l.Width = lineWidth
	covered := 0
	for _, d := range f.data {
		if prev, ok := d.(*plotter.Line); ok && coincide(prev.XYs, l.XYs) {
			covered++
		}
	}
	if covered > 0 {
		// Longer gaps for each further coinciding line, so that three
		// equal curves still show three colours.
		gap := vg.Points(3 + 3*float64(covered))
		l.Dashes = []vg.Length{vg.Points(7), gap}
		l.DashOffs = vg.Points(7) * vg.Length(covered-1)
	}
	f.plot.Add(l)
	f.data = append(f.data, l)
	f.avoid = append(f.avoid, l)
	if label != "" {
		f.legend = append(f.legend, legendEntry{label, l})
	}
	f.series = append(f.series, func(c color.Color) { l.Color = c })
}

// addScatter adds one styled set of dots with the next palette colour.
func (f *Figure) addScatter(xs, ys []float64, label string) {
	xys := make(plotter.XYs, len(xs))
	for i := range xs {
		xys[i] = plotter.XY{X: xs[i], Y: ys[i]}
	}
	s, err := plotter.NewScatter(finiteOnly(xys))
	if err != nil {
		panic(&Error{Func: "Scatter", Err: err})
	}
	c := okabeIto[len(f.series)%len(okabeIto)]
	s.GlyphStyle = draw.GlyphStyle{Color: withAlpha(c, 0xC0), Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
	f.plot.Add(s)
	f.data = append(f.data, s)
	f.avoid = append(f.avoid, s)
	if label != "" {
		f.legend = append(f.legend, legendEntry{label, s})
	}
	f.series = append(f.series, func(c color.Color) { s.GlyphStyle.Color = withAlpha(c, 0xC0) })
}

// coincide reports whether two curves sampled at the same x values would
// be drawn on top of each other: every y differs by at most 0.5% of the
// larger of the two curves' y ranges (and by at most 1e-12 when both are
// flat).
func coincide(a, b plotter.XYs) bool {
	if len(a) != len(b) || len(a) < 2 {
		return false
	}
	span := func(s plotter.XYs) float64 {
		lo, hi := s[0].Y, s[0].Y
		for _, p := range s {
			lo, hi = math.Min(lo, p.Y), math.Max(hi, p.Y)
		}
		return hi - lo
	}
	tol := math.Max(0.005*math.Max(span(a), span(b)), 1e-12)
	for i := range a {
		if a[i].X != b[i].X || !(math.Abs(a[i].Y-b[i].Y) <= tol) {
			return false
		}
	}
	return true
}

// finiteOnly drops points with a NaN or infinite coordinate, which
// gonum's plotters reject; it returns at least one point so an all-NaN
// series still has an (invisible) extent.
func finiteOnly(xys plotter.XYs) plotter.XYs {
	out := xys[:0:0]
	for _, p := range xys {
		if !math.IsNaN(p.X) && !math.IsNaN(p.Y) && !math.IsInf(p.X, 0) && !math.IsInf(p.Y, 0) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		out = append(out, plotter.XY{})
	}
	return out
}

// vector returns the values of a 1-d tensor, panicking with an *Error
// naming the argument otherwise.
func vector(fn, name string, t *ad.Tensor) []float64 {
	if t == nil {
		panic(errorf(fn, "%s is nil", name))
	}
	if t.NDim() != 1 {
		panic(errorf(fn, "%s has shape %s, want a 1-d tensor", name, shapeString(t.Shape())))
	}
	return t.Data()
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	// Premultiplied: scale the channels by a/255.
	s := uint32(a)
	return color.RGBA{uint8((r >> 8) * s / 255), uint8((g >> 8) * s / 255), uint8((b >> 8) * s / 255), a}
}
