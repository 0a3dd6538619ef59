package display

import (
	"errors"
	"math"
	"testing"

	"github.com/gograd/gograd/ad"
)

// rosenbrock is (1−x)² + 100(y−x²)², minimum 0 at (1, 1).
func rosenbrock(p *ad.Tensor) *ad.Tensor {
	x, y := ad.Index(p, 0), ad.Index(p, 1)
	return ad.Add(ad.Pow(ad.Sub(1, x), 2), ad.Mul(100, ad.Pow(ad.Sub(y, ad.Mul(x, x)), 2)))
}

// descentPath runs gradient descent on f from start.
func descentPath(f func(*ad.Tensor) *ad.Tensor, start []float64, lr float64, steps int) *ad.Tensor {
	g := ad.Grad(f)
	p := ad.New(start, 2)
	pts := append([]float64(nil), start...)
	for range steps {
		p = ad.Sub(p, ad.Mul(lr, g(p)))
		pts = append(pts, p.Data()...)
	}
	return ad.New(pts, steps+1, 2)
}

func TestSurfaceFigures(t *testing.T) {
	path := descentPath(rosenbrock, []float64{-1.2, 1}, 0.001, 2000)
	tests := []struct {
		name string
		fig  *Figure
	}{
		{"contour", Contour(rosenbrock, -2, 2, -1, 3).Path(path).Title("Rosenbrock: gradient descent")},
		{"heatmap", Heatmap(rosenbrock, -2, 2, -1, 3).Path(path)},
		{"plain", Surface(rosenbrock, -2, 2, -1, 3, SurfaceOptions{Resolution: 20, Levels: 4, Arrows: -1})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.fig.Bundle()
			raw := decodeBundlePNG(t, b)
			saveFigure(t, "surface_"+tt.name, raw)
			checkXML(t, b.Data["image/svg+xml"].(string))
		})
	}
}

// TestSymmetricBowlRenders guards against a hang: gonum's contour tracer
// (no longer used) ran for ever on this symmetric surface.
func TestSymmetricBowlRenders(t *testing.T) {
	bowl := func(p *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(p, p)) }
	for _, res := range []int{5, 80, 81} {
		fig := Surface(bowl, -1, 1, -1, 1, SurfaceOptions{Resolution: res, Arrows: -1}).Size(200, 150)
		if _, err := fig.PNG(); err != nil {
			t.Errorf("resolution %d: %v", res, err)
		}
	}
}

func TestSurfaceArrowsPointDownhill(t *testing.T) {
	// f = x² + y²: −∇f points at the origin from everywhere.
	bowl := func(p *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(p, p)) }
	a := gradientField(bowl, -1, 1, -1, 1, 4, false)
	if len(a.at) != 16 {
		t.Fatalf("got %d arrows, want 16", len(a.at))
	}
	for i, p := range a.at {
		d := a.dir[i]
		if math.Abs(d.X+2*p.X) > 1e-12 || math.Abs(d.Y+2*p.Y) > 1e-12 {
			t.Errorf("arrow at %v points %v, want %v", p, d, [2]float64{-2 * p.X, -2 * p.Y})
		}
	}
}

func TestQuantileLevels(t *testing.T) {
	g := newGrid(0, 1, 0, 1, 10, 10)
	for i := range g.z {
		g.z[i] = float64(i) // 0..99
	}
	got := g.quantileLevels(4)
	want := []float64{19.5, 39.5, 59.5, 79.5}
	if !equalFloats(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for i := range g.z {
		g.z[i] = 5
	}
	if got := g.quantileLevels(4); len(got) != 0 {
		t.Errorf("constant grid: got %v, want no levels", got)
	}
}

func equalFloats(a, b []float64) bool {
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

func BenchmarkContourRosenbrock(b *testing.B) {
	for b.Loop() {
		Contour(rosenbrock, -2, 2, -1, 3)
	}
}

func BenchmarkContourRosenbrockRender(b *testing.B) {
	fig := Contour(rosenbrock, -2, 2, -1, 3)
	for b.Loop() {
		fig.Bundle()
	}
}

func BenchmarkDerivativesTanh6(b *testing.B) {
	for b.Loop() {
		Derivatives(ad.Tanh, -7, 7, 6)
	}
}

func BenchmarkCurvesRender(b *testing.B) {
	x := ad.Linspace(-7, 7, 400)
	fig := Curves(x, []*ad.Tensor{ad.Tanh(x), ad.Sin(x)}, []string{"tanh", "sin"})
	for b.Loop() {
		fig.Bundle()
	}
}

func TestSurfaceStopsOnInterrupt(t *testing.T) {
	calls := 0
	f := func(p *ad.Tensor) *ad.Tensor {
		calls++
		if calls == 10 {
			ad.Interrupt()
		}
		return ad.Sum(ad.Mul(p, p))
	}
	defer ad.ResetInterrupt()
	err := catch(func() { Contour(f, -1, 1, -1, 1) })
	if !errors.Is(err, ad.ErrInterrupted) {
		t.Fatalf("got %v, want an error wrapping ad.ErrInterrupted", err)
	}
	if calls > 80 {
		t.Errorf("f called %d times after the interrupt, want the rest of one row at most", calls)
	}
}

func TestUpsampleReproducesQuadratics(t *testing.T) {
	q := func(x, y float64) float64 { return x*x + 3*x*y - y*y + 2*x - 1 }
	g := newGrid(-1, 2, -2, 1, 7, 5)
	for r := range g.r {
		for c := range g.c {
			g.z[r*g.c+c] = q(g.X(c), g.Y(r))
		}
	}
	fine := g.upsample(3)
	if fine.c != 19 || fine.r != 13 {
		t.Fatalf("fine grid %d×%d, want 19×13", fine.c, fine.r)
	}
	for r := range fine.r {
		for c := range fine.c {
			if got, want := fine.Z(c, r), q(fine.X(c), fine.Y(r)); math.Abs(got-want) > 1e-12 {
				t.Fatalf("at (%g, %g) got %g, want %g", fine.X(c), fine.Y(r), got, want)
			}
		}
	}
}

func TestContourDropsUnresolvedLoops(t *testing.T) {
	// One grid value sticks up: its level set at 0.5 is a dot the grid
	// cannot resolve, and is left out.
	spike := newGrid(0, 10, 0, 10, 11, 11)
	spike.z[5*11+5] = 1
	cl := &contourLines{grid: spike.upsample(contourRefine), coarse: spike}
	if got := cl.lines(0.5); len(got) != 0 {
		t.Errorf("spike: got %d lines, want none", len(got))
	}
	// A bowl's level sets are circles several cells wide: kept, closed.
	bowl := newGrid(-1, 1, -1, 1, 21, 21)
	for r := range bowl.r {
		for c := range bowl.c {
			bowl.z[r*21+c] = bowl.X(c)*bowl.X(c) + bowl.Y(r)*bowl.Y(r)
		}
	}
	cl = &contourLines{grid: bowl.upsample(contourRefine), coarse: bowl}
	got := cl.lines(0.25)
	if len(got) != 1 {
		t.Fatalf("bowl: got %d lines, want 1", len(got))
	}
	loop := got[0]
	if loop[0] != loop[len(loop)-1] {
		t.Errorf("bowl: the level set is not closed")
	}
	for _, p := range loop {
		if r := math.Hypot(p.X, p.Y); math.Abs(r-0.5) > 2e-3 {
			t.Fatalf("bowl: point %v at radius %g, want 0.5", p, r)
		}
	}
	// A plane's level set runs from border to border, open.
	plane := newGrid(0, 1, 0, 1, 5, 5)
	for r := range plane.r {
		for c := range plane.c {
			plane.z[r*5+c] = plane.X(c)
		}
	}
	cl = &contourLines{grid: plane.upsample(contourRefine), coarse: plane}
	if got := cl.lines(0.4); len(got) != 1 || got[0][0] == got[0][len(got[0])-1] {
		t.Errorf("plane: got %v, want one open line", got)
	}
}
