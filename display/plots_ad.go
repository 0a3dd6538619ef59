package display

import (
	"fmt"
	"image/color"
	"math"
	"reflect"
	"runtime"
	"sort"
	"strings"

	"github.com/gograd/gograd/ad"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// DerivativePoints is the number of points at which Derivatives evaluates
// the function and its derivatives.
const DerivativePoints = 400

// Derivatives plots f and its first k derivatives over [lo, hi], the
// derivatives computed by nesting ad.ElementwiseGrad, so f must act
// elementwise (as ad.Tanh does):
//
//	display.Derivatives(ad.Tanh, -7, 7, 6)
//
// Curves are labelled f, f′, f″, f‴, f (4th), … (with f replaced by the name
// of an ad function such as tanh). It panics with an *Error if f is nil,
// lo ≥ hi or k is not in 0..12; errors raised by f propagate.
func Derivatives(f func(*ad.Tensor) *ad.Tensor, lo, hi float64, k int) *Figure {
	name, x, ys, labels := derivativeCurves("Derivatives", f, lo, hi, k)
	fig := Curves(x, ys, labels).XLabel("x").YLabel("")
	return fig.Title(derivativesTitle(name, k))
}

// DerivativePanels plots f and its first k derivatives like Derivatives,
// but each in a panel of its own with its own y scale, so that low orders
// do not look flat beside high ones (the sixth derivative of tanh spans
// ±50 where tanh itself spans ±1). The panels fill one column for k ≤ 2
// and two columns otherwise, and are titled f, f′, f″, …; the figure is
// titled as Derivatives'. Errors are those of Derivatives.
func DerivativePanels(f func(*ad.Tensor) *ad.Tensor, lo, hi float64, k int) *Figure {
	name, x, ys, labels := derivativeCurves("DerivativePanels", f, lo, hi, k)
	panels := make([]*Figure, len(ys))
	for i, y := range ys {
		p := Line(x, y).XLabel("").YLabel("").Title(labels[i])
		p.plot.Title.TextStyle.Font.Size = vg.Points(11)
		p.plot.Title.Padding = vg.Points(3)
		p.series[0](okabeIto[i%len(okabeIto)])
		panels[i] = p
	}
	cols := 2
	if k <= 2 {
		cols = 1
	}
	return Panels(cols, panels...).Title(derivativesTitle(name, k))
}

// derivativeCurves checks Derivatives' arguments and returns f's name,
// the sample points and the curves of f and its first k derivatives with
// their labels.
func derivativeCurves(fn string, f func(*ad.Tensor) *ad.Tensor, lo, hi float64, k int) (string, *ad.Tensor, []*ad.Tensor, []string) {
	switch {
	case f == nil:
		panic(errorf(fn, "function is nil"))
	case !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0):
		panic(errorf(fn, "range [%g, %g] is empty or not finite: need lo < hi", lo, hi))
	case k < 0 || k > 12:
		panic(errorf(fn, "order k = %d out of range 0..12", k))
	}
	name := funcName(f)
	x := ad.Linspace(lo, hi, DerivativePoints)
	ys := make([]*ad.Tensor, k+1)
	labels := make([]string, k+1)
	g := f
	for i := 0; i <= k; i++ {
		checkInterrupt(fn)
		if i > 0 {
			g = ad.ElementwiseGrad(g)
		}
		ys[i] = g(x)
		if ys[i] == nil || ys[i].Size() != DerivativePoints {
			panic(errorf(fn, "derivative %d of %s is not elementwise: got %v values for %d inputs",
				i, name, sizeOf(ys[i]), DerivativePoints))
		}
		ys[i] = ad.New(ys[i].Data()) // flatten any shape to 1-d
		labels[i] = name + primes(i)
	}
	return name, x, ys, labels
}

// derivativesTitle is the title of a figure of name and its first k
// derivatives.
func derivativesTitle(name string, k int) string {
	switch k {
	case 0:
		return name
	case 1:
		return fmt.Sprintf("%s and its derivative", name)
	default:
		return fmt.Sprintf("%s and its first %d derivatives", name, k)
	}
}

func sizeOf(t *ad.Tensor) int {
	if t == nil {
		return 0
	}
	return t.Size()
}

// primes returns the derivative mark of order k: ′, ″, ‴, then " (4th)"
// and so on (the figure font has no superscript parentheses).
func primes(k int) string {
	switch k {
	case 0:
		return ""
	case 1:
		return "′"
	case 2:
		return "″"
	case 3:
		return "‴"
	}
	return fmt.Sprintf(" (%s)", ordinal(k))
}

// ordinal returns 4th, 11th, 12th, 21st, ….
func ordinal(k int) string {
	suffix := "th"
	if k%100 < 11 || k%100 > 13 {
		switch k % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", k, suffix)
}

// funcName names f for labels: the lower-cased name of a function of
// package ad (ad.Tanh → "tanh"), else "f".
func funcName(f func(*ad.Tensor) *ad.Tensor) string {
	rf := runtime.FuncForPC(reflect.ValueOf(f).Pointer())
	if rf == nil {
		return "f"
	}
	const prefix = "github.com/gograd/gograd/ad."
	name, ok := strings.CutPrefix(rf.Name(), prefix)
	if !ok || strings.ContainsAny(name, ".()*") || name == "" {
		return "f"
	}
	return strings.ToLower(name)
}

// SurfaceOptions tunes Surface. Zero values choose the defaults.
type SurfaceOptions struct {
	// Resolution is the number of grid points per side at which f is
	// evaluated (default 80, at most 400).
	Resolution int
	// Levels is the number of contour levels (default 10), placed at
	// quantiles of f over the grid so that steep and flat regions both
	// get lines. A negative Levels draws no contour lines.
	Levels int
	// Arrows is the number of −∇f arrows per side (default 15). A
	// negative Arrows draws none.
	Arrows int
	// Fill draws f as a heat map under the contour lines.
	Fill bool
}

// Contour draws the level sets of f over [xmin, xmax] × [ymin, ymax] with
// arrows of −∇f (the direction of steepest descent, computed with
// ad.Grad), unit length so that direction reads at a glance. f maps a
// 2-vector to a scalar. Add an optimisation path with Figure.Path. See
// Surface for errors.
func Contour(f func(*ad.Tensor) *ad.Tensor, xmin, xmax, ymin, ymax float64) *Figure {
	return Surface(f, xmin, xmax, ymin, ymax, SurfaceOptions{})
}

// Heatmap is Contour over a heat map of f, coloured by rank (dark blue
// lowest, yellow highest; each colour covers an equal share of the area),
// so functions with a large dynamic range, such as Rosenbrock's, still
// show their structure.
func Heatmap(f func(*ad.Tensor) *ad.Tensor, xmin, xmax, ymin, ymax float64) *Figure {
	return Surface(f, xmin, xmax, ymin, ymax, SurfaceOptions{Fill: true})
}

// Surface draws the 2-d function f (a 2-vector to a scalar) over
// [xmin, xmax] × [ymin, ymax] as opts says: contour lines, an optional
// heat map and −∇f arrows. It panics with an *Error if f is nil, a range
// is empty or not finite, opts.Resolution is over 400, or f does not
// return a single value; errors raised by f or its gradient propagate.
func Surface(f func(*ad.Tensor) *ad.Tensor, xmin, xmax, ymin, ymax float64, opts SurfaceOptions) *Figure {
	const fn = "Surface"
	if f == nil {
		panic(errorf(fn, "function is nil"))
	}
	for _, r := range [][2]float64{{xmin, xmax}, {ymin, ymax}} {
		if !(r[0] < r[1]) || math.IsInf(r[0], 0) || math.IsInf(r[1], 0) {
			panic(errorf(fn, "range [%g, %g] is empty or not finite: need min < max", r[0], r[1]))
		}
	}
	res := opts.Resolution
	switch {
	case res == 0:
		res = 80
	case res < 2 || res > 400:
		panic(errorf(fn, "resolution %d out of range 2..400", res))
	}
	value := func(x, y float64) float64 {
		v := f(ad.New([]float64{x, y}, 2))
		if v == nil || v.Size() != 1 {
			panic(errorf(fn, "f must return a single value, got %v values at (%g, %g)", sizeOf(v), x, y))
		}
		return v.Item()
	}
	g := newGrid(xmin, xmax, ymin, ymax, res, res)
	for r := range res {
		checkInterrupt(fn)
		for c := range res {
			g.z[r*res+c] = value(g.X(c), g.Y(r))
		}
	}
	p := newPlot("", "x", "y")
	fig := NewFigure(p)
	lo, hi := g.Min(), g.Max()
	if opts.Fill && lo < hi {
		h := plotter.NewHeatMap(g.ranks(), viridis(256, 1))
		h.Rasterized = true
		p.Add(h)
	}
	if opts.Levels >= 0 && lo < hi {
		n := opts.Levels
		if n == 0 {
			n = 10
		}
		levels := g.quantileLevels(n)
		c := &contourLines{grid: g.upsample(contourRefine), coarse: g, levels: levels, width: vg.Points(1.3)}
		pal := viridis(max(len(levels), 2), 0.85)
		for i := range levels {
			c.colors = append(c.colors, pal[i])
		}
		if opts.Fill {
			for i := range c.colors {
				c.colors[i] = color.NRGBA{0xFF, 0xFF, 0xFF, 0xB0}
			}
			c.width = vg.Points(0.9)
		}
		p.Add(c)
	}
	if opts.Arrows >= 0 {
		n := opts.Arrows
		if n == 0 {
			n = 15
		}
		if n > 100 {
			n = 100
		}
		if n >= 2 {
			p.Add(gradientField(f, xmin, xmax, ymin, ymax, n, opts.Fill))
		}
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xmin, xmax, ymin, ymax
	fig.yFixed = true
	return fig
}

// gradientField evaluates −∇f on an n×n grid inset half a cell from the
// edges.
func gradientField(f func(*ad.Tensor) *ad.Tensor, xmin, xmax, ymin, ymax float64, n int, light bool) *arrows {
	grad := ad.Grad(f)
	dx, dy := (xmax-xmin)/float64(n), (ymax-ymin)/float64(n)
	a := &arrows{color: color.NRGBA{0x30, 0x30, 0x30, 0xB0}, cellW: dx, cellH: dy}
	if light {
		a.color = color.NRGBA{0xFF, 0xFF, 0xFF, 0xD0}
	}
	for r := range n {
		checkInterrupt("Surface")
		for c := range n {
			x, y := xmin+dx/2+float64(c)*dx, ymin+dy/2+float64(r)*dy
			gr := grad(ad.New([]float64{x, y}, 2)).Data()
			if len(gr) != 2 {
				panic(errorf("Surface", "gradient of f has %d values, want 2", len(gr)))
			}
			a.at = append(a.at, plotter.XY{X: x, Y: y})
			a.dir = append(a.dir, plotter.XY{X: -gr[0], Y: -gr[1]})
		}
	}
	return a
}

// arrows draws equal-length arrows pointing along dir at each point of
// at, directions taken in canvas space so they are right whatever the
// aspect ratio. It implements plot.Plotter and plot.DataRanger.
type arrows struct {
	at, dir      []plotter.XY
	cellW, cellH float64 // data size of one cell, for the arrow length
	color        color.Color
}

// Plot implements plot.Plotter.
func (a *arrows) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	if len(a.at) == 0 {
		return
	}
	p0 := a.at[0]
	// Canvas length per data unit on each axis (linear axes).
	sx := float64(trX(p0.X+a.cellW)-trX(p0.X)) / a.cellW
	sy := float64(trY(p0.Y+a.cellH)-trY(p0.Y)) / a.cellH
	length := 0.42 * math.Min(a.cellW*sx, a.cellH*sy)
	c.SetColor(a.color)
	c.SetLineStyle(draw.LineStyle{Color: a.color, Width: vg.Points(0.9)})
	for i, p := range a.at {
		u, v := a.dir[i].X*sx, a.dir[i].Y*sy
		l := math.Hypot(u, v)
		if l == 0 || math.IsNaN(l) || math.IsInf(l, 0) {
			continue
		}
		u, v = u/l, v/l
		cx, cy := float64(trX(p.X)), float64(trY(p.Y))
		tail := vg.Point{X: vg.Length(cx - u*length/2), Y: vg.Length(cy - v*length/2)}
		tip := vg.Point{X: vg.Length(cx + u*length/2), Y: vg.Length(cy + v*length/2)}
		if !c.Contains(tail) || !c.Contains(tip) {
			continue
		}
		head, half := 0.38*length, 0.2*length
		base := vg.Point{X: tip.X - vg.Length(u*head), Y: tip.Y - vg.Length(v*head)}
		var shaft vg.Path
		shaft.Move(tail)
		shaft.Line(base)
		c.Stroke(shaft)
		var tri vg.Path
		tri.Move(tip)
		tri.Line(vg.Point{X: base.X - vg.Length(v*half), Y: base.Y + vg.Length(u*half)})
		tri.Line(vg.Point{X: base.X + vg.Length(v*half), Y: base.Y - vg.Length(u*half)})
		tri.Close()
		c.Fill(tri)
	}
}

// DataRange implements plot.DataRanger.
func (a *arrows) DataRange() (xmin, xmax, ymin, ymax float64) {
	xys := make(plotter.XYs, len(a.at))
	copy(xys, a.at)
	return plotter.XYRange(xys)
}

// grid is a regular grid of f values (plotter.GridXYZ). Row r is y.
type grid struct {
	c, r           int
	x0, y0, dx, dy float64
	z              []float64
}

func newGrid(xmin, xmax, ymin, ymax float64, cols, rows int) *grid {
	return &grid{c: cols, r: rows, x0: xmin, y0: ymin,
		dx: (xmax - xmin) / float64(cols-1), dy: (ymax - ymin) / float64(rows-1),
		z: make([]float64, cols*rows)}
}

func (g *grid) Dims() (c, r int)   { return g.c, g.r }
func (g *grid) Z(c, r int) float64 { return g.z[r*g.c+c] }
func (g *grid) X(c int) float64    { return g.x0 + float64(c)*g.dx }
func (g *grid) Y(r int) float64    { return g.y0 + float64(r)*g.dy }

// contourRefine is the factor by which contour lines refine the grid of
// evaluated values (see grid.upsample).
const contourRefine = 3

// upsample returns the grid with k−1 points interpolated between
// neighbours in each direction by Catmull–Rom cubics (in x, then in y),
// which reproduce quadratics exactly (extended beyond the ends by
// the quadratic through the last three values): marching squares on it follows a
// smooth function's narrow valleys, which the evaluated grid alone
// resolves only as zigzags and dots, at no extra evaluations of the
// function. A NaN spreads to the points it enters.
func (g *grid) upsample(k int) *grid {
	cols, rows := (g.c-1)*k+1, (g.r-1)*k+1
	fine := newGrid(g.X(0), g.X(g.c-1), g.Y(0), g.Y(g.r-1), cols, rows)
	// Interpolate along each row of g, then along each column of that.
	wide := make([]float64, cols*g.r)
	row := make([]float64, g.c)
	for r := range g.r {
		for c := range g.c {
			row[c] = g.Z(c, r)
		}
		catmullRom(row, k, wide[r*cols:(r+1)*cols], 1)
	}
	col := make([]float64, g.r)
	for c := range cols {
		for r := range g.r {
			col[r] = wide[r*cols+c]
		}
		catmullRom(col, k, fine.z[c:], cols)
	}
	return fine
}

// catmullRom writes the (len(v)−1)·k+1 values of the Catmull–Rom spline
// through v, sampled k times per interval, to out[0], out[stride], ….
func catmullRom(v []float64, k int, out []float64, stride int) {
	n := len(v)
	// Beyond the ends, the quadratic through the last three values (the
	// line through two where there are only two).
	at := func(i int) float64 {
		switch {
		case i < 0 && n >= 3:
			return 3*v[0] - 3*v[1] + v[2]
		case i >= n && n >= 3:
			return 3*v[n-1] - 3*v[n-2] + v[n-3]
		case i < 0:
			return 2*v[0] - v[1]
		case i >= n:
			return 2*v[n-1] - v[n-2]
		}
		return v[i]
	}
	for i := 0; i+1 < n; i++ {
		p0, p1, p2, p3 := at(i-1), v[i], v[i+1], at(i+2)
		for j := range k {
			t := float64(j) / float64(k)
			out[(i*k+j)*stride] = p1 + 0.5*t*(p2-p0+t*(2*p0-5*p1+4*p2-p3+t*(3*(p1-p2)+p3-p0)))
		}
	}
	out[(n-1)*k*stride] = v[n-1]
}

// Min returns the least finite value (gonum uses it for the colour range).
func (g *grid) Min() float64 {
	m := math.Inf(1)
	for _, v := range g.z {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			m = math.Min(m, v)
		}
	}
	return m
}

// Max returns the greatest finite value.
func (g *grid) Max() float64 {
	m := math.Inf(-1)
	for _, v := range g.z {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			m = math.Max(m, v)
		}
	}
	return m
}

// contourLines draws level sets of a grid by marching squares: each cell
// crossed by a level contributes one or two straight segments, joined
// into polylines through the grid edges they share. A closed loop thinner
// than the grid resolves (its area over half its perimeter is under 0.6
// of a cell) is left out: it is sampling noise — a stray dot around one
// grid value, or a jagged sliver along a nearly flat valley floor — not a
// level set the grid can show. (gonum's plotter.Contour joins segments
// with a cycle search that can run for ever on symmetric surfaces such as
// x² + y²; joining by shared edges visits each segment once.) It
// implements plot.Plotter and plot.DataRanger.
type contourLines struct {
	grid   *grid // the refined grid the lines are traced on
	coarse *grid // the evaluated grid, whose cells measure thinness
	levels []float64
	colors []color.Color // one per level
	width  vg.Length
}

// gridEdge names an edge of the grid: the horizontal edge from grid point
// (c, r) to (c+1, r), or the vertical one from (c, r) to (c, r+1).
type gridEdge struct {
	c, r     int
	vertical bool
}

// Plot implements plot.Plotter.
func (cl *contourLines) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	for li, level := range cl.levels {
		var path vg.Path
		for _, line := range cl.lines(level) {
			for i, p := range line {
				q := vg.Point{X: trX(p.X), Y: trY(p.Y)}
				if i == 0 {
					path.Move(q)
				} else {
					path.Line(q)
				}
			}
		}
		if len(path) > 0 {
			c.SetLineStyle(draw.LineStyle{Color: cl.colors[li], Width: cl.width})
			c.Stroke(path)
		}
	}
}

// lines returns the level set of level as polylines in data coordinates,
// without the loops too thin for the grid to resolve.
func (cl *contourLines) lines(level float64) [][]plotter.XY {
	g := cl.grid
	// The crossing point of the level on each crossed edge, and the
	// segments joining two edges of a cell.
	at := map[gridEdge]plotter.XY{}
	var segs [][2]gridEdge
	for r := 0; r+1 < g.r; r++ {
		for col := 0; col+1 < g.c; col++ {
			// Corners counter-clockwise from bottom-left; edge k runs
			// from corner k to corner k+1.
			z := [4]float64{g.Z(col, r), g.Z(col+1, r), g.Z(col+1, r+1), g.Z(col, r+1)}
			xs := [4]float64{g.X(col), g.X(col + 1), g.X(col + 1), g.X(col)}
			ys := [4]float64{g.Y(r), g.Y(r), g.Y(r + 1), g.Y(r + 1)}
			edges := [4]gridEdge{{col, r, false}, {col + 1, r, true}, {col, r + 1, false}, {col, r, true}}
			idx, bad := 0, false
			for k, v := range z {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					bad = true
				}
				if v >= level {
					idx |= 1 << k
				}
			}
			if bad || idx == 0 || idx == 15 {
				continue
			}
			cross := func(k int) gridEdge {
				e := edges[k]
				if _, ok := at[e]; !ok {
					a, b := k, (k+1)%4
					t := (level - z[a]) / (z[b] - z[a])
					at[e] = plotter.XY{X: xs[a] + t*(xs[b]-xs[a]), Y: ys[a] + t*(ys[b]-ys[a])}
				}
				return e
			}
			var crossed []int
			for k := range 4 {
				if (idx>>k)&1 != (idx>>((k+1)%4))&1 {
					crossed = append(crossed, k)
				}
			}
			if len(crossed) == 2 {
				segs = append(segs, [2]gridEdge{cross(crossed[0]), cross(crossed[1])})
				continue
			}
			// A saddle (all four edges crossed): pair the edges around
			// the corners on the same side as the centre.
			centre := (z[0] + z[1] + z[2] + z[3]) / 4
			if (centre >= level) == (idx&1 != 0) {
				segs = append(segs, [2]gridEdge{cross(0), cross(1)}, [2]gridEdge{cross(2), cross(3)})
			} else {
				segs = append(segs, [2]gridEdge{cross(3), cross(0)}, [2]gridEdge{cross(1), cross(2)})
			}
		}
	}
	// Each edge is shared by at most two segments (the two cells beside
	// it), so following unvisited segments from edge to edge traces each
	// polyline once.
	touching := map[gridEdge][]int{}
	for i, s := range segs {
		touching[s[0]] = append(touching[s[0]], i)
		touching[s[1]] = append(touching[s[1]], i)
	}
	used := make([]bool, len(segs))
	follow := func(e gridEdge) []gridEdge {
		var chain []gridEdge
		for {
			next := -1
			for _, i := range touching[e] {
				if !used[i] {
					next = i
					break
				}
			}
			if next < 0 {
				return chain
			}
			used[next] = true
			if segs[next][0] == e {
				e = segs[next][1]
			} else {
				e = segs[next][0]
			}
			chain = append(chain, e)
		}
	}
	var out [][]plotter.XY
	for i, s := range segs {
		if used[i] {
			continue
		}
		used[i] = true
		fwd, back := follow(s[1]), follow(s[0])
		chain := make([]gridEdge, 0, len(fwd)+len(back)+2)
		for k := len(back) - 1; k >= 0; k-- {
			chain = append(chain, back[k])
		}
		chain = append(chain, s[0], s[1])
		chain = append(chain, fwd...)
		line := make([]plotter.XY, len(chain))
		for k, e := range chain {
			line[k] = at[e]
		}
		if chain[0] == chain[len(chain)-1] && cl.coarse.thinLoop(line) {
			continue
		}
		out = append(out, line)
	}
	return out
}

// thinLoop reports whether the closed polyline, measured in grid cells,
// encloses less than 0.6 cell of area per cell of its half perimeter: too
// thin for the grid to resolve.
func (g *grid) thinLoop(loop []plotter.XY) bool {
	var area2, perim float64
	for i := 1; i < len(loop); i++ {
		ax, ay := loop[i-1].X/g.dx, loop[i-1].Y/g.dy
		bx, by := loop[i].X/g.dx, loop[i].Y/g.dy
		area2 += ax*by - bx*ay
		perim += math.Hypot(bx-ax, by-ay)
	}
	return math.Abs(area2)/2 < 0.6*perim/2
}

// DataRange implements plot.DataRanger.
func (cl *contourLines) DataRange() (xmin, xmax, ymin, ymax float64) {
	g := cl.grid
	return g.X(0), g.X(g.c - 1), g.Y(0), g.Y(g.r - 1)
}

// ranks returns the grid of the empirical quantiles of g's values, in
// [0, 1]; NaNs stay NaN.
func (g *grid) ranks() *grid {
	idx := make([]int, 0, len(g.z))
	for i, v := range g.z {
		if !math.IsNaN(v) {
			idx = append(idx, i)
		}
	}
	sort.Slice(idx, func(a, b int) bool { return g.z[idx[a]] < g.z[idx[b]] })
	r := *g
	r.z = make([]float64, len(g.z))
	for i := range r.z {
		r.z[i] = math.NaN()
	}
	for k, i := range idx {
		r.z[i] = float64(k) / float64(max(len(idx)-1, 1))
	}
	return &r
}

// quantileLevels returns up to n distinct contour levels at evenly spaced
// quantiles strictly inside (0, 1) of the finite grid values. Each level
// lies midway between two neighbouring distinct values, never on a grid
// value, so no contour runs along grid points.
func (g *grid) quantileLevels(n int) []float64 {
	vals := make([]float64, 0, len(g.z))
	for _, v := range g.z {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			vals = append(vals, v)
		}
	}
	sort.Float64s(vals)
	var levels []float64
	for i := 1; i <= n && len(vals) > 0; i++ {
		k := int(float64(i) / float64(n+1) * float64(len(vals)-1))
		next := sort.SearchFloat64s(vals, math.Nextafter(vals[k], math.Inf(1)))
		if next >= len(vals) {
			continue // no greater value: no level here
		}
		v := vals[k] + (vals[next]-vals[k])/2
		if len(levels) == 0 || v > levels[len(levels)-1] {
			levels = append(levels, v)
		}
	}
	return levels
}

// viridisKeys are ten colours of matplotlib's viridis colour map, which
// is perceptually uniform and readable in grey and by colour-blind
// readers.
var viridisKeys = []color.RGBA{
	{0x44, 0x01, 0x54, 0xFF}, {0x48, 0x28, 0x78, 0xFF}, {0x3E, 0x4A, 0x89, 0xFF}, {0x31, 0x68, 0x8E, 0xFF},
	{0x26, 0x82, 0x8E, 0xFF}, {0x1F, 0x9E, 0x89, 0xFF}, {0x35, 0xB7, 0x79, 0xFF}, {0x6D, 0xCD, 0x59, 0xFF},
	{0xB4, 0xDE, 0x2C, 0xFF}, {0xFD, 0xE7, 0x25, 0xFF},
}

// viridisPalette is a palette.Palette.
type viridisPalette []color.Color

func (p viridisPalette) Colors() []color.Color { return p }

// viridis returns n colours interpolated along viridis from its start to
// the fraction end of its length (end < 1 drops the palest yellows, for
// lines on white).
func viridis(n int, end float64) viridisPalette {
	p := make(viridisPalette, n)
	for i := range p {
		t := end * float64(i) / float64(n-1) * float64(len(viridisKeys)-1)
		k := min(int(t), len(viridisKeys)-2)
		f := t - float64(k)
		a, b := viridisKeys[k], viridisKeys[k+1]
		mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-f) + float64(y)*f)) }
		p[i] = color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xFF}
	}
	return p
}

// checkInterrupt stops a long helper when the kernel has interrupted the
// cell (ad.Interrupt): it panics with an *Error wrapping
// ad.ErrInterrupted.
func checkInterrupt(fn string) {
	if ad.Interrupted() {
		panic(&Error{Func: fn, Msg: "interrupted", Err: ad.ErrInterrupted})
	}
}
