package ad

import (
	"errors"
	"math"
	"sync"
	"testing"
)

// seedTanh is the seed example: tanh written with exp, equal to tanh(x/2).
func seedTanh(x *Tensor) *Tensor {
	y := Exp(Neg(x))
	return Div(Sub(1, y), Add(1, y))
}

func TestSeedExample(t *testing.T) {
	t.Parallel()
	got := Grad(seedTanh)(Scalar(1.0)).Item()
	want := 0.39322386648296376
	if math.Abs(got-want) > 1e-15 {
		t.Fatalf("Grad(tanh)(1) = %.17g, want %.17g", got, want)
	}
}

// tanhDerivPoly returns the coefficients (lowest degree first) of the
// polynomial P_n with d^n/du^n tanh(u) = P_n(tanh(u)), from P_0 = T and
// P_{n+1} = P_n'(T)·(1 − T²).
func tanhDerivPoly(n int) []float64 {
	p := []float64{0, 1}
	for k := 0; k < n; k++ {
		d := make([]float64, len(p)+1)
		for i := 1; i < len(p); i++ {
			c := float64(i) * p[i] // coefficient of T^(i-1) in P'
			d[i-1] += c
			d[i+1] -= c
		}
		p = d
	}
	return p
}

func evalPoly(p []float64, x float64) float64 {
	s := 0.0
	for i := len(p) - 1; i >= 0; i-- {
		s = s*x + p[i]
	}
	return s
}

func TestNestedElementwiseGradTanh(t *testing.T) {
	t.Parallel()
	x := Linspace(-7, 7, 200)
	f := seedTanh
	for order := 1; order <= 6; order++ {
		f = ElementwiseGrad(f)
		got := f(x)
		if !sameShape(got.shape, x.shape) {
			t.Fatalf("order %d: shape %v, want %v", order, got.shape, x.shape)
		}
		p := tanhDerivPoly(order)
		for i, xi := range x.data {
			want := math.Pow(0.5, float64(order)) * evalPoly(p, math.Tanh(xi/2))
			if d := math.Abs(got.data[i] - want); d > 1e-12*math.Max(1, math.Abs(want)) {
				t.Fatalf("order %d at x=%g: got %.17g, want %.17g", order, xi, got.data[i], want)
			}
		}
	}
}

func TestForwardNestedDerivTanh(t *testing.T) {
	t.Parallel()
	x := Linspace(-7, 7, 50)
	f := seedTanh
	for order := 1; order <= 4; order++ {
		if order%2 == 0 {
			f = Deriv(f)
		} else {
			f = ElementwiseGrad(f)
		}
		got := f(x)
		p := tanhDerivPoly(order)
		for i, xi := range x.data {
			want := math.Pow(0.5, float64(order)) * evalPoly(p, math.Tanh(xi/2))
			if d := math.Abs(got.data[i] - want); d > 1e-12*math.Max(1, math.Abs(want)) {
				t.Fatalf("mixed order %d at x=%g: got %.17g, want %.17g", order, xi, got.data[i], want)
			}
		}
	}
}

// TestPerturbationConfusion is Siskind and Pearlmutter's example: d/dx [x ·
// d/dy (x + y)] at x = 1 is 1; confusing the two perturbations gives 2.
func TestPerturbationConfusion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		outer, inn func(func(*Tensor) *Tensor) func(*Tensor) *Tensor
	}{
		{"reverse-over-reverse", Grad, Grad},
		{"forward-over-forward", Deriv, Deriv},
		{"forward-over-reverse", Deriv, Grad},
		{"reverse-over-forward", Grad, Deriv},
	} {
		f := func(x *Tensor) *Tensor {
			inner := tc.inn(func(y *Tensor) *Tensor { return Add(x, y) })
			return Mul(x, inner(Scalar(1)))
		}
		if got := tc.outer(f)(Scalar(1)).Item(); got != 1 {
			t.Errorf("%s: got %g, want 1", tc.name, got)
		}
	}
}

func TestThirdOrder(t *testing.T) {
	t.Parallel()
	// f(x) = x⁴ + sin x: f''' = 24x − cos x.
	f := func(x *Tensor) *Tensor { return Add(Pow(x, 4), Sin(x)) }
	for _, tc := range []struct {
		name string
		d    func(func(*Tensor) *Tensor) func(*Tensor) *Tensor
	}{{"grad", Grad}, {"deriv", Deriv}} {
		got := tc.d(tc.d(tc.d(f)))(Scalar(0.7)).Item()
		want := 24*0.7 - math.Cos(0.7)
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s³: got %.17g, want %.17g", tc.name, got, want)
		}
	}
}

func TestLongLoop(t *testing.T) {
	t.Parallel()
	// x ← sin(x)·0.9 + 0.1·cos(x) repeated; derivative by the chain rule in
	// plain float64.
	const steps = 10000
	f := func(x *Tensor) *Tensor {
		for i := 0; i < steps; i++ {
			x = Add(Mul(Sin(x), 0.9), Mul(0.1, Cos(x)))
		}
		return x
	}
	x, d := 0.5, 1.0
	for i := 0; i < steps; i++ {
		d *= 0.9*math.Cos(x) - 0.1*math.Sin(x)
		x = math.Sin(x)*0.9 + 0.1*math.Cos(x)
	}
	v, g := ValueAndGrad(f)(Scalar(0.5))
	if v.Item() != x {
		t.Errorf("value %.17g, want %.17g", v.Item(), x)
	}
	if math.Abs(g.Item()-d) > 1e-12*math.Abs(d)+1e-300 {
		t.Errorf("gradient %.17g, want %.17g", g.Item(), d)
	}
}

func TestDeepGraph(t *testing.T) {
	t.Parallel()
	n := 100000
	if testing.Short() {
		n = 20000
	}
	f := func(x *Tensor) *Tensor {
		for i := 0; i < n; i++ {
			x = Add(x, 1e-3)
		}
		return Mul(x, x)
	}
	got := Grad(f)(Scalar(2)).Item()
	want := 2 * (2 + float64(n)*1e-3)
	if math.Abs(got-want) > 1e-9*want {
		t.Fatalf("gradient through %d ops: got %g, want %g", n, got, want)
	}
}

func TestRecursionAndClosures(t *testing.T) {
	t.Parallel()
	// power(x, n) by recursion: d/dx x^n = n x^(n-1).
	var power func(x *Tensor, n int) *Tensor
	power = func(x *Tensor, n int) *Tensor {
		if n == 0 {
			return Scalar(1)
		}
		if n%2 == 0 {
			h := power(x, n/2)
			return Mul(h, h)
		}
		return Mul(x, power(x, n-1))
	}
	got := Grad(func(x *Tensor) *Tensor { return power(x, 7) })(Scalar(1.5)).Item()
	if want := 7 * math.Pow(1.5, 6); math.Abs(got-want) > 1e-12*want {
		t.Errorf("recursive power: got %g, want %g", got, want)
	}
	// A closure capturing the outer variable.
	scale := func(a *Tensor) func(*Tensor) *Tensor {
		return func(y *Tensor) *Tensor { return Mul(Square(a), y) }
	}
	h := func(a *Tensor) *Tensor { return Grad(scale(a))(Scalar(3)) } // = a²
	if got := Grad(h)(Scalar(2.5)).Item(); math.Abs(got-5) > 1e-15 {
		t.Errorf("grad of closure's grad: got %g, want 5", got)
	}
}

func TestConcurrentNestedGrads(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			x0 := 0.1 * float64(w+1)
			d2 := Grad(Grad(func(x *Tensor) *Tensor { return Mul(Sin(x), x) }))
			for i := 0; i < 50; i++ {
				got := d2(Scalar(x0)).Item()
				want := 2*math.Cos(x0) - x0*math.Sin(x0)
				if math.Abs(got-want) > 1e-13 {
					errs <- "goroutine mismatch"
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

func TestOutputIndependentOfInput(t *testing.T) {
	t.Parallel()
	x := New([]float64{1, 2, 3})
	g := Grad(func(*Tensor) *Tensor { return Scalar(4) })(x)
	if !sameShape(g.shape, x.shape) || g.data[0] != 0 || g.data[2] != 0 {
		t.Errorf("got %v of shape %v, want zeros of shape (3,)", g.data, g.shape)
	}
	_, tan := JVP(func(*Tensor) *Tensor { return Ones(2, 2) })(x, x)
	if !sameShape(tan.shape, []int{2, 2}) || tan.data[3] != 0 {
		t.Errorf("JVP of constant: got %v, want zeros (2,2)", tan)
	}
}

func TestGradErrors(t *testing.T) {
	t.Parallel()
	var leaked *Tensor
	cases := []struct {
		name string
		f    func()
		kind error
	}{
		{"non-scalar", func() { Grad(Sin)(New([]float64{1, 2})) }, ErrNonScalar},
		{"nil input", func() { Grad(Sin)(nil) }, ErrNil},
		{"nil function", func() { Grad(nil)(Scalar(1)) }, ErrNil},
		{"shape", func() { Add(New([]float64{1, 2}), New([]float64{1, 2, 3})) }, ErrShape},
		{"operand type", func() { Add("x", 1) }, ErrArgument},
		{"leaked tracer", func() {
			Grad(func(x *Tensor) *Tensor {
				Grad(func(y *Tensor) *Tensor { leaked = y; return y })(x)
				return Mul(x, leaked)
			})(Scalar(1))
		}, ErrNotInput},
		{"leaked tracer reused", func() {
			Grad(func(y *Tensor) *Tensor { leaked = y; return Sin(y) })(Scalar(1))
			Grad(func(x *Tensor) *Tensor { return Mul(x, leaked) })(Scalar(2))
		}, ErrNotInput},
		{"pullback shape", func() {
			_, pb := VJP(Sin)(New([]float64{1, 2}))
			pb(Scalar(1))
		}, ErrShape},
	}
	for _, tc := range cases {
		err := Catch(tc.f)
		if !errors.Is(err, tc.kind) {
			t.Errorf("%s: got error %v, want kind %v", tc.name, err, tc.kind)
		}
	}
}

func TestBroadcastGradients(t *testing.T) {
	t.Parallel()
	a := New([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	b := New([]float64{10, 20, 30}, 3)
	// d/db sum(a*b) = column sums of a.
	sumAll := func(x *Tensor) *Tensor { return sumTo(x, []int{}) }
	g := Grad(func(b *Tensor) *Tensor { return sumAll(Mul(a, b)) })(b)
	want := []float64{5, 7, 9}
	for i := range want {
		if g.data[i] != want[i] {
			t.Fatalf("grad %v, want %v", g.data, want)
		}
	}
	col := New([]float64{1, 2}, 2, 1)
	g2 := Grad(func(c *Tensor) *Tensor { return sumAll(Mul(c, b)) })(col)
	if !sameShape(g2.shape, []int{2, 1}) || g2.data[0] != 60 || g2.data[1] != 60 {
		t.Fatalf("grad %v shape %v, want [60 60] (2,1)", g2.data, g2.shape)
	}
	_, tan := JVP(func(c *Tensor) *Tensor { return Add(c, b) })(col, Ones(2, 1))
	if !sameShape(tan.shape, []int{2, 3}) {
		t.Fatalf("JVP tangent shape %v, want (2,3)", tan.shape)
	}
}

func TestDerivativesChain(t *testing.T) {
	t.Parallel()
	x := Linspace(-7, 7, 200)
	ds := Derivatives(seedTanh, 6)(x)
	if len(ds) != 7 {
		t.Fatalf("got %d arrays, want 7", len(ds))
	}
	for order, d := range ds {
		if d.IsBoxed() || !sameShape(d.shape, x.shape) { // no enclosing differentiation here
			t.Fatalf("order %d: boxed=%v shape %v", order, d.IsBoxed(), d.shape)
		}
		p := tanhDerivPoly(order)
		for i, xi := range x.data {
			want := math.Pow(0.5, float64(order)) * evalPoly(p, math.Tanh(xi/2))
			if math.Abs(d.data[i]-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Fatalf("order %d at x=%g: got %.17g, want %.17g", order, xi, d.data[i], want)
			}
		}
	}
	// Derivatives is itself differentiable: d/dx of the second derivative of
	// sin is the third, −cos.
	g := ElementwiseGrad(func(x *Tensor) *Tensor { return Derivatives(Sin, 2)(x)[2] })(x)
	for i, xi := range x.data {
		if want := -math.Cos(xi); math.Abs(g.data[i]-want) > 1e-14 {
			t.Fatalf("d/dx of Derivatives(Sin, 2)[2] at %g: got %g, want %g", xi, g.data[i], want)
		}
	}
	if err := Catch(func() { Derivatives(Sin, -1) }); !errors.Is(err, ErrArgument) {
		t.Errorf("negative order: got %v, want ErrArgument", err)
	}
}

func TestConcurrentPullback(t *testing.T) {
	t.Parallel()
	x := filled(-1, 1, 50)
	// A loop so that the backward pass accumulates many contributions.
	f := func(x *Tensor) *Tensor {
		y := x
		for i := 0; i < 20; i++ {
			y = Add(Mul(Sin(y), x), 0.1)
		}
		return y
	}
	_, pb := VJP(f)(x)
	want := pb(Ones(50))
	var wg sync.WaitGroup
	bad := make(chan int, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				got := pb(Ones(50))
				for k := range got.data {
					if got.data[k] != want.data[k] {
						bad <- k
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(bad)
	for k := range bad {
		t.Fatalf("concurrent pullback differs at element %d", k)
	}
}
