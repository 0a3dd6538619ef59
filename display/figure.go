package display

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Default figure size in CSS pixels. PNGs are rendered at twice this many
// device pixels (see Figure).
const (
	DefaultWidth  = 640
	DefaultHeight = 400
)

// MaxFigureSide bounds a figure's width and height in CSS pixels.
const MaxFigureSide = 8192

// pxPerInch is the CSS pixel density; a point is 1/72 inch.
const pxPerInch = 96

// pngScale is the PNG resolution factor: a W×H figure is rendered to a
// 2W×2H PNG, shown at W×H through the bundle's metadata.
const pngScale = 2

// Figure is a gonum plot with a display size and the series that the
// plotting helpers styled, so that their palette can be changed. Its
// setters return the figure, so calls chain:
//
//	display.Curves(x, ys, nil).Title("Activations").Size(800, 450)
//
// A figure renders as PNG (at 2× resolution, with width and height
// metadata so it shows at its intended size) and SVG, both in one bundle.
type Figure struct {
	plot          *plot.Plot
	width, height int
	series        []func(color.Color) // recolours series i
	legend        []legendEntry
	legendPos     string         // "auto", "outside", "top-right", …, "none"
	yFixed        bool           // the y range was set: no margin added
	data          []plot.Plotter // series added by the helpers, in order
	avoid         []plotter.XYer // data the automatic legend must not cover
	panels        []*Figure      // a grid of figures (Panels) instead of plot
	cols          int            // columns of the panel grid
}

// legendEntry is one line of the figure's own legend, drawn over the data
// on a translucent backdrop (gonum's legend has none).
type legendEntry struct {
	label string
	thumb plot.Thumbnailer
}

// NewFigure wraps p in a figure of the default size. It panics with an
// *Error if p is nil.
func NewFigure(p *plot.Plot) *Figure {
	if p == nil {
		panic(errorf("NewFigure", "plot is nil"))
	}
	return &Figure{plot: p, width: DefaultWidth, height: DefaultHeight, legendPos: "auto"}
}

// Plot returns the underlying gonum plot, for any customisation the
// setters do not cover.
func (f *Figure) Plot() *plot.Plot { return f.plot }

// Size sets the display size in CSS pixels. It panics with an *Error if
// either side is not in 1..MaxFigureSide.
func (f *Figure) Size(width, height int) *Figure {
	if width < 1 || height < 1 || width > MaxFigureSide || height > MaxFigureSide {
		panic(errorf("Figure.Size", "size %d×%d out of range: each side must be in 1..%d pixels", width, height, MaxFigureSide))
	}
	f.width, f.height = width, height
	return f
}

// Width returns the display width in CSS pixels.
func (f *Figure) Width() int { return f.width }

// Height returns the display height in CSS pixels.
func (f *Figure) Height() int { return f.height }

// Title sets the figure's title; an empty title removes it.
func (f *Figure) Title(title string) *Figure { f.plot.Title.Text = title; return f }

// XLabel sets the x-axis label.
func (f *Figure) XLabel(label string) *Figure { f.plot.X.Label.Text = label; return f }

// YLabel sets the y-axis label.
func (f *Figure) YLabel(label string) *Figure { f.plot.Y.Label.Text = label; return f }

// XRange fixes the x-axis range. It panics with an *Error unless min < max.
func (f *Figure) XRange(min, max float64) *Figure {
	if !(min < max) {
		panic(errorf("Figure.XRange", "min %g must be less than max %g", min, max))
	}
	f.plot.X.Min, f.plot.X.Max = min, max
	return f
}

// YRange fixes the y-axis range. It panics with an *Error unless min < max.
func (f *Figure) YRange(min, max float64) *Figure {
	if !(min < max) {
		panic(errorf("Figure.YRange", "min %g must be less than max %g", min, max))
	}
	f.plot.Y.Min, f.plot.Y.Max = min, max
	f.yFixed = true
	return f
}

// LogY switches the y axis to a logarithmic scale. All plotted y values
// must then be positive.
func (f *Figure) LogY() *Figure {
	f.plot.Y.Scale = plot.LogScale{}
	f.plot.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	return f
}

// Legend places the legend of the series drawn by this package's helpers:
// "auto" (the default: the first of the top-right, top-left, bottom-right
// and bottom-left corners of the data area where it covers no data, else
// "outside"), "outside" (to the right of the axes, which shrink to make
// room), one of those four corners, or "none" to hide it. It panics with an
// *Error for any other position. Entries added to the gonum plot's own
// Legend are drawn by gonum as usual.
func (f *Figure) Legend(position string) *Figure {
	switch position {
	case "auto", "outside", "top-right", "top-left", "bottom-right", "bottom-left", "none":
		f.legendPos = position
	default:
		panic(errorf("Figure.Legend", "unknown position %q (want auto, outside, top-right, top-left, bottom-right, bottom-left or none)", position))
	}
	return f
}

// Palette recolours the figure's series with colors, in order and cycling
// when there are more series than colors. It panics with an *Error if no
// color is given. Figures built from a bare *plot.Plot have no series the
// helper knows of and are unchanged.
func (f *Figure) Palette(colors ...color.Color) *Figure {
	if len(colors) == 0 {
		panic(errorf("Figure.Palette", "no colors given"))
	}
	for i, set := range f.series {
		set(colors[i%len(colors)])
	}
	return f
}

// PNG renders the figure as PNG at twice its size in pixels.
func (f *Figure) PNG() (data []byte, err error) {
	defer recoverRender("PNG", &err)
	w, h := f.lengths()
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngScale*pxPerInch))
	f.draw(draw.New(c))
	var buf bytes.Buffer
	// BestSpeed: figures are mostly flat colour, so the files stay small
	// and encoding takes a fraction of the default level's time.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, c.Image()); err != nil {
		return nil, fmt.Errorf("encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// SVG renders the figure as an SVG document of its size.
func (f *Figure) SVG() (svg string, err error) {
	defer recoverRender("SVG", &err)
	w, h := f.lengths()
	c := vgsvg.New(w, h)
	f.draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("encoding SVG: %w", err)
	}
	return buf.String(), nil
}

// Bundle renders the figure to a bundle with image/png (metadata: width
// and height in CSS pixels), image/svg+xml and a text/plain placeholder.
// A figure that fails to render (for example a log axis over non-positive
// data) gives a text/plain bundle naming the error.
func (f *Figure) Bundle() Bundle {
	data, err := f.PNG()
	if err != nil {
		return textBundle(fmt.Sprintf("<Figure: %v>", err))
	}
	svg, err := f.SVG()
	if err != nil {
		return textBundle(fmt.Sprintf("<Figure: %v>", err))
	}
	b, err := pngBundle(data, pngScale)
	if err != nil {
		return textBundle(fmt.Sprintf("<Figure: %v>", err))
	}
	b.Data["image/svg+xml"] = svg
	b.Data["text/plain"] = f.String()
	b.Metadata["image/png"] = map[string]any{"width": f.width, "height": f.height}
	return b
}

// String describes the figure, e.g. "<Figure 640×400: tanh>".
func (f *Figure) String() string {
	if f.plot.Title.Text != "" {
		return fmt.Sprintf("<Figure %d×%d: %s>", f.width, f.height, f.plot.Title.Text)
	}
	return fmt.Sprintf("<Figure %d×%d>", f.width, f.height)
}

// Show displays the figure.
func (f *Figure) Show() { Publish(f.Bundle()) }

// figurePad is the margin around a figure's contents.
var figurePad = vg.Points(8)

// draw draws the plot with a margin on a white background, then the
// legend; a panel figure draws its title and its panels instead.
func (f *Figure) draw(c draw.Canvas) {
	bg := f.plot.BackgroundColor
	if bg == nil {
		bg = color.White
	}
	c.SetColor(bg)
	c.Fill(c.Rectangle.Path())
	if len(f.panels) > 0 {
		f.drawPanels(innerCanvas(c))
		return
	}
	f.drawContent(innerCanvas(c))
}

// drawContent draws the plot and its legend in inner.
func (f *Figure) drawContent(inner draw.Canvas) {
	// A 5% margin above and below the data on a linear y axis, so curves
	// do not run along the frame and extreme ticks such as ±1 are shown.
	if _, linear := f.plot.Y.Scale.(plot.LinearScale); linear && !f.yFixed && f.plot.Y.Max > f.plot.Y.Min {
		lo, hi := f.plot.Y.Min, f.plot.Y.Max
		pad := 0.05 * (hi - lo)
		f.plot.Y.Min, f.plot.Y.Max = lo-pad, hi+pad
		defer func() { f.plot.Y.Min, f.plot.Y.Max = lo, hi }()
	}
	if len(f.legend) == 0 || f.legendPos == "none" {
		f.plot.Draw(inner)
		return
	}
	lg := f.legendLayout()
	pos := f.legendPos
	if pos == "auto" {
		pos = f.autoLegend(inner, lg)
	}
	area := inner
	if pos == "outside" {
		area = draw.Crop(inner, 0, -(lg.w + legendGap), 0, 0)
	}
	f.plot.Draw(area)
	dc := f.plot.DataCanvas(area)
	var at vg.Point // the box's bottom-left corner
	if pos == "outside" {
		at = vg.Point{X: area.Max.X + legendGap, Y: dc.Max.Y - lg.h}
	} else {
		at = legendCorner(dc, pos, lg)
	}
	f.drawLegend(dc, at, lg)
}

// innerCanvas is the part of a figure's canvas inside its margin.
func innerCanvas(c draw.Canvas) draw.Canvas {
	return draw.Crop(c, figurePad, -figurePad, figurePad*0.75, -figurePad)
}

// legendGap separates an outside legend from the axes; legendInset keeps a
// legend inside the data area off its frame.
var legendGap, legendInset = vg.Points(10), vg.Points(6)

// legendBox is the measured layout of a legend.
type legendBox struct {
	sty         text.Style
	w, h, rowH  vg.Length
	thumbW, gap vg.Length
	pad         vg.Length
}

// legendLayout measures the legend's box.
func (f *Figure) legendLayout() legendBox {
	sty := f.plot.Legend.TextStyle
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	lg := legendBox{sty: sty, thumbW: vg.Points(22), gap: vg.Points(6), pad: vg.Points(6)}
	lg.rowH = vg.Length(sty.FontExtents().Height) * 1.25
	var textW vg.Length
	for _, e := range f.legend {
		textW = max(textW, sty.Width(e.label))
	}
	lg.w = lg.pad + lg.thumbW + lg.gap + textW + lg.pad
	lg.h = lg.pad + lg.rowH*vg.Length(len(f.legend)) + lg.pad
	return lg
}

// legendCorner returns the bottom-left corner of a legend box placed in
// one corner of the data area dc.
func legendCorner(dc draw.Canvas, pos string, lg legendBox) vg.Point {
	var p vg.Point
	switch pos {
	case "top-left", "bottom-left":
		p.X = dc.Min.X + legendInset
	default:
		p.X = dc.Max.X - legendInset - lg.w
	}
	switch pos {
	case "bottom-left", "bottom-right":
		p.Y = dc.Min.Y + legendInset
	default:
		p.Y = dc.Max.Y - legendInset - lg.h
	}
	return p
}

// autoLegend returns the first corner of the data area (top-right,
// top-left, bottom-right, bottom-left) where the legend box covers none of
// the figure's curves, points and paths, or "outside" when every corner
// would (or when the data area is too small to hold the box). Curves are
// sampled along each segment every few points, so a line crossing a
// corner counts even where no data point lies in it.
func (f *Figure) autoLegend(inner draw.Canvas, lg legendBox) string {
	dc := f.plot.DataCanvas(inner)
	if lg.w+2*legendInset > dc.Max.X-dc.Min.X || lg.h+2*legendInset > dc.Max.Y-dc.Min.Y {
		return "outside"
	}
	trX, trY := f.plot.Transforms(&dc)
	// The box grows by the inset when tested, so that points and curves
	// along the frame beside it, whose glyphs or strokes reach under it,
	// count.
	margin := legendInset
	for _, pos := range []string{"top-right", "top-left", "bottom-right", "bottom-left"} {
		at := legendCorner(dc, pos, lg)
		box := vg.Rectangle{
			Min: vg.Point{X: at.X - margin, Y: at.Y - margin},
			Max: vg.Point{X: at.X + lg.w + margin, Y: at.Y + lg.h + margin},
		}
		if !coversData(box, f.avoid, trX, trY) {
			return pos
		}
	}
	return "outside"
}

// coversData reports whether any point of the series, or any point along
// the segments joining consecutive points of a curve, falls in box.
func coversData(box vg.Rectangle, series []plotter.XYer, trX, trY func(float64) vg.Length) bool {
	in := func(p vg.Point) bool {
		return p.X >= box.Min.X && p.X <= box.Max.X && p.Y >= box.Min.Y && p.Y <= box.Max.Y
	}
	step := vg.Points(2)
	for _, s := range series {
		_, curve := s.(*plotter.Line)
		var prev vg.Point
		for i := range s.Len() {
			x, y := s.XY(i)
			p := vg.Point{X: trX(x), Y: trY(y)}
			if in(p) {
				return true
			}
			if curve && i > 0 {
				d := p.Sub(prev)
				n := int(math.Hypot(float64(d.X), float64(d.Y)) / float64(step))
				for k := 1; k < n; k++ {
					t := vg.Length(k) / vg.Length(n)
					if in(vg.Point{X: prev.X + t*d.X, Y: prev.Y + t*d.Y}) {
						return true
					}
				}
			}
			prev = p
		}
	}
	return false
}

// drawLegend draws the legend box with its bottom-left corner at at, on a
// translucent white backdrop.
func (f *Figure) drawLegend(dc draw.Canvas, at vg.Point, lg legendBox) {
	box := vg.Rectangle{Min: at, Max: vg.Point{X: at.X + lg.w, Y: at.Y + lg.h}}
	dc.SetColor(color.NRGBA{0xFF, 0xFF, 0xFF, 0xD8})
	dc.Fill(box.Path())
	dc.SetLineStyle(draw.LineStyle{Color: color.Gray{0xCC}, Width: vg.Points(0.6)})
	dc.Stroke(box.Path())
	for i, e := range f.legend {
		top := box.Max.Y - lg.pad - lg.rowH*vg.Length(i)
		icon := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: at.X + lg.pad, Y: top - lg.rowH},
			Max: vg.Point{X: at.X + lg.pad + lg.thumbW, Y: top},
		}}
		e.thumb.Thumbnail(&icon)
		dc.FillText(lg.sty, vg.Point{X: at.X + lg.pad + lg.thumbW + lg.gap, Y: top - lg.rowH/2}, e.label)
	}
}

func (f *Figure) lengths() (w, h vg.Length) {
	return vg.Length(f.width) * vg.Inch / pxPerInch, vg.Length(f.height) * vg.Inch / pxPerInch
}

func recoverRender(what string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("rendering %s: %v", what, r)
	}
}

// Okabe–Ito colours: distinguishable with the common colour-vision
// deficiencies. Ordered for line plots on white (yellow last).
var okabeIto = []color.Color{
	color.RGBA{0x00, 0x72, 0xB2, 0xFF}, // blue
	color.RGBA{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	color.RGBA{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	color.RGBA{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	color.RGBA{0xE6, 0x9F, 0x00, 0xFF}, // orange
	color.RGBA{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	color.RGBA{0x00, 0x00, 0x00, 0xFF}, // black
	color.RGBA{0xF0, 0xE4, 0x42, 0xFF}, // yellow
}

// OkabeIto returns the default palette: the eight Okabe–Ito colours,
// which stay distinguishable with the common colour-vision deficiencies,
// ordered for lines on a white background.
func OkabeIto() []color.Color { return append([]color.Color(nil), okabeIto...) }

// sansFont is the typeface of figures built by this package.
var sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

var (
	gridColor = color.Gray{0xE4}
	textColor = color.Gray{0x30}
)

// newPlot returns a plot in the package's house style: sans-serif text,
// light grid, title and axis labels set.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sansFont, 14)
	p.Title.TextStyle.Color = textColor
	p.Title.Padding = vg.Points(8)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(sansFont, 12)
		ax.Label.TextStyle.Color = textColor
		ax.Tick.Label.Font = font.From(sansFont, 10)
		ax.Tick.Label.Color = textColor
		ax.LineStyle.Color = color.Gray{0x80}
		ax.Tick.LineStyle.Color = color.Gray{0x80}
		ax.Padding = vg.Points(4)
	}
	p.X.Tick.Marker = niceTicks{}
	p.Y.Tick.Marker = niceTicks{}
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Legend.TextStyle.Font = font.From(sansFont, 11)
	p.Legend.TextStyle.Color = textColor
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = gridColor, gridColor
	g.Vertical.Width, g.Horizontal.Width = vg.Points(0.6), vg.Points(0.6)
	p.Add(g)
	return p
}

// niceTicks places about six major ticks at 1, 2 or 5 times a power of
// ten, with a minor tick between each pair.
type niceTicks struct{}

// Ticks implements plot.Ticker.
func (niceTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) || math.IsInf(max-min, 0) {
		return plot.DefaultTicks{}.Ticks(min, max)
	}
	step := niceStep((max - min) / 6)
	first := math.Ceil(min/step) * step
	prec := max0(-int(math.Floor(math.Log10(step))))
	var ticks []plot.Tick
	for i := 0; ; i++ {
		v := first + float64(i)*step
		if v > max+step*1e-9 {
			break
		}
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', prec, 64)})
		if minor := v + step/2; minor <= max {
			ticks = append(ticks, plot.Tick{Value: minor})
		}
	}
	if minor := first - step/2; minor >= min {
		ticks = append(ticks, plot.Tick{Value: minor})
	}
	return ticks
}

// niceStep returns the number of the form 1, 2 or 5 times a power of ten
// nearest to x (in ratio).
func niceStep(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	best := p
	for _, m := range []float64{2, 5, 10} {
		if math.Abs(math.Log(m*p/x)) < math.Abs(math.Log(best/x)) {
			best = m * p
		}
	}
	return best
}

func max0(n int) int {
	if n < 0 {
		return 0
	}
	return n
}
