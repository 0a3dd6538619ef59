package session

import (
	"strings"
	"testing"
)

// TestGonumPackagesInCells imports each gonum and gonum/plot package a
// cell can use (issue 14: the packages users import in gonum's and peer
// kernels' examples) and uses it; each cell prints a result computed with
// the package, checked against the value worked out by hand.
func TestGonumPackagesInCells(t *testing.T) {
	s := newSession(t)
	cases := []struct {
		name, code string
		want       string // the cell's standard output
		value      string // a MIME type the cell's value must have
	}{
		{name: "diff/fd", code: `import "gonum.org/v1/gonum/diff/fd"
fmt.Printf("%.6f\n", fd.Derivative(math.Sin, 0, nil))
g := make([]float64, 2)
fd.Gradient(g, func(x []float64) float64 { return x[0]*x[0] + 3*x[1] }, []float64{2, 5}, nil)
fmt.Printf("%.4f %.4f\n", g[0], g[1])`, want: "1.000000\n4.0000 3.0000\n"},
		{name: "integrate/quad", code: `import "gonum.org/v1/gonum/integrate/quad"
fmt.Printf("%.8f\n", quad.Fixed(func(x float64) float64 { return x * x }, 0, 3, 10, nil, 0))
fmt.Printf("%.6f\n", quad.Fixed(math.Exp, 0, 1, 20, quad.Legendre{}, 0))`, want: "9.00000000\n1.718282\n"},
		{name: "integrate", code: `import "gonum.org/v1/gonum/integrate"
fmt.Println(integrate.Trapezoidal([]float64{0, 1, 2}, []float64{0, 1, 2}))`, want: "2\n"},
		{name: "optimize", code: `import "gonum.org/v1/gonum/optimize"
p := optimize.Problem{
	Func: func(x []float64) float64 { return (x[0]-1)*(x[0]-1) + 10*(x[1]+2)*(x[1]+2) },
	Grad: func(g, x []float64) { g[0] = 2 * (x[0] - 1); g[1] = 20 * (x[1] + 2) },
}
res, err := optimize.Minimize(p, []float64{0, 0}, nil, &optimize.BFGS{})
fmt.Println(err, res.Status)
fmt.Printf("%.4f %.4f\n", res.X[0], res.X[1])`, want: "<nil> GradientThreshold\n1.0000 -2.0000\n"},
		{name: "stat/distuv", code: `import "gonum.org/v1/gonum/stat/distuv"
n := distuv.Normal{Mu: 0, Sigma: 1}
fmt.Printf("%.4f %.4f %.4f\n", n.CDF(1.96), n.Prob(0), n.Quantile(0.5))
u := distuv.Uniform{Min: 2, Max: 4}
fmt.Println(u.Mean())`, want: "0.9750 0.3989 0.0000\n3\n"},
		{name: "interp", code: `import "gonum.org/v1/gonum/interp"
var pl interp.PiecewiseLinear
fmt.Println(pl.Fit([]float64{0, 1, 2}, []float64{0, 10, 0}), pl.Predict(0.5), pl.Predict(1.5))`, want: "<nil> 5 5\n"},
		{name: "mat, floats, stat", code: `import (
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)
a := mat.NewDense(2, 2, []float64{2, 0, 0, 3})
fmt.Println(mat.Det(a), floats.Sum([]float64{1, 2, 3}), stat.Mean([]float64{1, 2, 3}, nil))`, want: "6 6 2\n"},
		{name: "plotutil figure", code: `import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
)
fig := plot.New()
fig.Title.Text = "squares"
pts := make(plotter.XYs, 5)
for i := range pts {
	pts[i].X, pts[i].Y = float64(i), float64(i*i)
}
fmt.Println(plotutil.AddLinePoints(fig, "x²", pts), plotutil.Color(1) != nil)
fig`, want: "<nil> true\n", value: "image/png"},
		{name: "palette and moreland", code: `import (
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/brewer"
	"gonum.org/v1/plot/palette/moreland"
)
var cm palette.ColorMap = moreland.SmoothBlueRed()
cm.SetMin(0)
cm.SetMax(1)
_, err := cm.At(0.5)
fmt.Println(err, len(palette.Heat(4, 1).Colors()))
b, err := brewer.GetPalette(brewer.TypeSequential, "Blues", 5)
fmt.Println(err, len(b.Colors()))`, want: "<nil> 4\n<nil> 5\n"},
		{name: "vgimg, vgsvg, vgpdf, vgeps, text, font", code: `import (
	"bytes"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgeps"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)
fig2 := plot.New()
var sizes []string
for _, c := range []vg.CanvasWriterTo{vgimg.PngCanvas{Canvas: vgimg.New(2*vg.Inch, 2*vg.Inch)}, vgsvg.New(2*vg.Inch, 2*vg.Inch), vgpdf.New(2*vg.Inch, 2*vg.Inch), vgeps.New(2*vg.Inch, 2*vg.Inch)} {
	fig2.Draw(draw.New(c))
	var buf bytes.Buffer
	_, err := c.WriteTo(&buf)
	sizes = append(sizes, fmt.Sprint(err == nil && buf.Len() > 100))
}
fmt.Println(sizes)
var h text.Handler = text.Plain{Fonts: font.DefaultCache}
fmt.Println(h != nil, font.Length(72) == vg.Inch)`, want: "[true true true true]\ntrue true\n"},
	}
	for _, tc := range cases {
		r, res := run(t, s, tc.code)
		if res.Err != nil {
			t.Errorf("%s: %v\n%s", tc.name, res.Err, strings.Join(res.Err.Traceback, "\n"))
			continue
		}
		if got := r.stdout(); got != tc.want {
			t.Errorf("%s: printed %q, want %q", tc.name, got, tc.want)
		}
		if tc.value != "" {
			if res.Value == nil || res.Value.Data[tc.value] == nil {
				t.Errorf("%s: the cell's value has no %s", tc.name, tc.value)
			}
		}
	}
}
