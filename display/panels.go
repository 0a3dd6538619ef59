package display

import (
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// panelHeight is the default height in CSS pixels of one row of a panel
// grid.
const panelHeight = 200

// Panels arranges figures in a grid of cols columns, filled row by row,
// each panel with its own axes and scales, as one figure:
//
//	display.Panels(2, display.Line(x, y), display.Line(x, dy)).Title("y and y′")
//
// Its size defaults to 640 pixels wide and 200 per row; Title sets a title
// above the grid, Size changes the size, and the other setters have no
// effect on a panel figure (set them on the panels). It panics with an
// *Error if no figure is given, one is nil or a panel grid, or cols < 1.
func Panels(cols int, figs ...*Figure) *Figure {
	const fn = "Panels"
	if len(figs) == 0 {
		panic(errorf(fn, "no figures given"))
	}
	if cols < 1 {
		panic(errorf(fn, "cols = %d, need at least 1", cols))
	}
	for i, f := range figs {
		switch {
		case f == nil:
			panic(errorf(fn, "figure %d is nil", i))
		case len(f.panels) > 0:
			panic(errorf(fn, "figure %d is itself a panel grid", i))
		}
	}
	cols = min(cols, len(figs))
	rows := (len(figs) + cols - 1) / cols
	fig := NewFigure(newPlot("", "", ""))
	fig.panels = append([]*Figure(nil), figs...)
	fig.cols = cols
	fig.height = min(panelHeight*rows+40, MaxFigureSide)
	return fig
}

// drawPanels draws the figure's title, then each panel in its cell of the
// grid.
func (f *Figure) drawPanels(inner draw.Canvas) {
	if t := f.plot.Title; t.Text != "" {
		sty := t.TextStyle
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		inner.FillText(sty, vg.Point{X: (inner.Min.X + inner.Max.X) / 2, Y: inner.Max.Y}, t.Text)
		inner.Max.Y -= sty.Height(t.Text) + t.Padding
	}
	rows := (len(f.panels) + f.cols - 1) / f.cols
	tiles := draw.Tiles{Rows: rows, Cols: f.cols, PadX: vg.Points(10), PadY: vg.Points(6)}
	for i, p := range f.panels {
		p.drawContent(tiles.At(inner, i%f.cols, i/f.cols))
	}
}
