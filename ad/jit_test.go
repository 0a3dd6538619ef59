package ad

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"weak"

	"github.com/gograd/gograd/ad/internal/vmath"
)

// jitCase is a function of several inputs with several outputs, its
// inputs, and the largest difference allowed between eager and replayed
// results (0: bit for bit).
type jitCase struct {
	name string
	f    func([]*Tensor) []*Tensor
	in   func(k int) []*Tensor // inputs of the k-th call (same shapes)
	tol  float64
}

// jitDiff returns the largest elementwise difference between a and b
// relative to max(1, |a|), and an error for different shapes; NaNs must
// match.
func jitDiff(a, b *Tensor) (float64, error) {
	if !sameShape(a.shape, b.shape) {
		return 0, fmt.Errorf("shapes %s and %s", fmtShape(a.shape), fmtShape(b.shape))
	}
	worst := 0.0
	for i := range a.data {
		x, y := a.data[i], b.data[i]
		if math.Float64bits(x) == math.Float64bits(y) {
			continue
		}
		if math.IsNaN(x) && math.IsNaN(y) {
			// A NaN's sign and payload are not kept (Go does not
			// define them): under -race, TestJitDivChains' last
			// element of a 4099-value result was a NaN of another
			// sign or payload (0x7ff8000000000001, math.NaN's,
			// against the processor's default 0xfff8000000000000)
			// in about one run in five; the values before it agreed.
			continue
		}
		if math.IsNaN(x) || math.IsNaN(y) {
			return math.Inf(1), nil
		}
		d := math.Abs(x-y) / math.Max(1, math.Abs(x))
		worst = math.Max(worst, d)
	}
	return worst, nil
}

func jitWorkloads() []jitCase {
	w3, w6 := newW3(), newW6()
	x4, y4, wv4 := newW4()
	r := NewRNG(5)
	a5 := Mul(r.Normal(100, 100), 0.1)
	x5 := r.Normal(100)
	rng := NewRNG(17)
	perturb := func(t *Tensor, k int) *Tensor {
		if k == 0 {
			return t
		}
		return Add(t, Mul(rng.Normal(t.shape...), 0.01))
	}
	one := func(f func(*Tensor) *Tensor) func([]*Tensor) []*Tensor {
		return func(xs []*Tensor) []*Tensor { return []*Tensor{f(xs[0])} }
	}
	w1 := func(xs []*Tensor) []*Tensor {
		f, outs := seedTanh, []*Tensor{}
		for k := 0; k < 6; k++ {
			f = ElementwiseGrad(f)
			outs = append(outs, f(xs[0]))
		}
		return outs
	}
	vg3 := ValueAndGradSlice(w3.loss)
	return []jitCase{
		{"W1", w1, func(k int) []*Tensor { return []*Tensor{Linspace(-7+float64(k), 7, 200)} }, 0},
		{"W1chain", func(xs []*Tensor) []*Tensor { return Derivatives(seedTanh, 6)(xs[0]) },
			func(k int) []*Tensor { return []*Tensor{Linspace(-7, 7-float64(k), 200)} }, 0},
		{"W2", one(Grad(w2Loop)), func(k int) []*Tensor { return []*Tensor{Scalar(0.5 + 0.1*float64(k))} }, 0},
		{"W2forward", one(w2Loop), func(k int) []*Tensor { return []*Tensor{Scalar(0.5 - 0.1*float64(k))} }, 0},
		{"W3", func(xs []*Tensor) []*Tensor { v, g := vg3(xs); return append([]*Tensor{v}, g...) },
			func(k int) []*Tensor {
				ps := make([]*Tensor, len(w3.params))
				for i, p := range w3.params {
					ps[i] = perturb(p, k)
				}
				return ps
			}, 0},
		{"W3forward", func(xs []*Tensor) []*Tensor { return []*Tensor{w3.loss(xs)} },
			func(k int) []*Tensor {
				return []*Tensor{perturb(w3.params[0], k), w3.params[1], w3.params[2], w3.params[3]}
			}, 0},
		{"W4", one(Grad(w4Loss(x4, y4))), func(k int) []*Tensor { return []*Tensor{perturb(wv4, k)} }, 0},
		{"W4forward", one(w4Loss(x4, y4)), func(k int) []*Tensor { return []*Tensor{perturb(wv4, k)} }, 0},
		{"W5", one(Hessian(func(x *Tensor) *Tensor { return Sum(Square(Tanh(MatMul(a5, x)))) })),
			func(k int) []*Tensor { return []*Tensor{perturb(x5, k)} }, 1e-12},
		{"W6", GradSlice(w6.loss), func(k int) []*Tensor { return []*Tensor{perturb(w6.weights[0], k), perturb(w6.weights[1], k)} }, 0},
		{"W6forward", func(xs []*Tensor) []*Tensor { return []*Tensor{w6.loss(xs)} },
			func(k int) []*Tensor { return []*Tensor{perturb(w6.weights[0], k), w6.weights[1]} }, 0},
		{"EW", one(Tanh), func(k int) []*Tensor { return []*Tensor{Linspace(-5, 5+float64(k), 1000000)} }, 0},
	}
}

// checkJitCase compares the jitted function with f on several calls with
// the same shapes (the first traces, the others replay), and checks that
// only the first call traced.
func checkJitCase(t *testing.T, c jitCase) {
	t.Helper()
	j := newJitted("JitSlice", c.f)
	for k := 0; k < 3; k++ {
		xs := c.in(k)
		want := c.f(xs)
		got := j.call(xs)
		if len(got) != len(want) {
			t.Fatalf("%s call %d: %d results, want %d", c.name, k, len(got), len(want))
		}
		for i := range want {
			d, err := jitDiff(want[i], got[i])
			if err != nil || d > c.tol {
				t.Fatalf("%s call %d output %d: differs from eager by %g (%v)", c.name, k, i, d, err)
			}
		}
	}
	if n := j.traces.Load(); n != 1 {
		t.Errorf("%s: %d traces for three calls with the same shapes, want 1", c.name, n)
	}
	if n := j.replays.Load(); n != 2 {
		t.Errorf("%s: %d replays, want 2", c.name, n)
	}
}

func TestJitWorkloads(t *testing.T) {
	for _, c := range jitWorkloads() {
		t.Run(c.name, func(t *testing.T) { checkJitCase(t, c) })
	}
}

// TestJitRandomCompositions builds random functions from a pool of
// elementwise, binary, reduction and shape operations, optionally nested in
// Grad/ElementwiseGrad/Hessian, and compares replays with eager results.
func TestJitRandomCompositions(t *testing.T) {
	unary := []func(*Tensor) *Tensor{Sin, Cos, Tanh, Exp, Square, Sigmoid, Neg, Softplus,
		func(x *Tensor) *Tensor { return Mul(x, 0.5) },
		func(x *Tensor) *Tensor { return Add(x, Sum(x)) },
		func(x *Tensor) *Tensor { return Sub(x, Mean(x)) },
		func(x *Tensor) *Tensor { return Reshape(Transpose(Reshape(x, 2, 3)), 6) },
		func(x *Tensor) *Tensor { return Div(x, Add(1.0, Square(x))) },
		func(x *Tensor) *Tensor { return Mul(x, x) },
	}
	rng := NewRNG(11)
	for trial := 0; trial < 60; trial++ {
		depth := 2 + rng.Intn(6)
		ops := make([]func(*Tensor) *Tensor, depth)
		for i := range ops {
			ops[i] = unary[rng.Intn(len(unary))]
		}
		body := func(x *Tensor) *Tensor {
			y := x
			for i, op := range ops {
				y = op(y)
				if i%3 == 2 {
					y = Add(y, Mul(x, 0.25)) // a second use of the input
				}
			}
			return y
		}
		var f func(*Tensor) *Tensor
		switch trial % 5 {
		case 0:
			f = body
		case 1:
			f = Grad(func(x *Tensor) *Tensor { return Sum(body(x)) })
		case 2:
			f = ElementwiseGrad(ElementwiseGrad(body))
		case 3:
			f = Hessian(func(x *Tensor) *Tensor { return Sum(body(x)) })
		case 4:
			f = Deriv(body)
		}
		c := jitCase{
			name: fmt.Sprintf("trial%d", trial),
			f:    func(xs []*Tensor) []*Tensor { return []*Tensor{f(xs[0])} },
			in:   func(k int) []*Tensor { return []*Tensor{Mul(rng.Normal(6), 0.5)} },
			tol:  1e-12,
		}
		checkJitCase(t, c)
	}
}

func TestJitRetracesOnShapeChange(t *testing.T) {
	calls := 0
	f := func(xs []*Tensor) []*Tensor { calls++; return []*Tensor{Sum(Sin(xs[0]))} }
	j := newJitted("Jit", f)
	shapes := [][]int{{3}, {4}, {3}, {2, 2}, {4}, {}}
	for _, s := range shapes {
		x := Ones(s...)
		got := j.call([]*Tensor{x})[0]
		if d, _ := jitDiff(Sum(Sin(x)), got); d != 0 {
			t.Fatalf("shape %v: differs by %g", s, d)
		}
	}
	if calls != 4 || j.traces.Load() != 4 || j.replays.Load() != 2 {
		t.Errorf("f ran %d times, %d traces, %d replays; want 4, 4, 2", calls, j.traces.Load(), j.replays.Load())
	}
	// The cache is bounded: jitMaxKeys shapes are kept.
	for n := 1; n <= 3*jitMaxKeys; n++ {
		j.call([]*Tensor{Ones(n)})
	}
	if len(j.entries) > jitMaxKeys {
		t.Errorf("%d cache entries, want at most %d", len(j.entries), jitMaxKeys)
	}
}

// TestJitGuards: control flow on a traced value never replays a wrong path.
func TestJitGuards(t *testing.T) {
	branch := func(x *Tensor) *Tensor {
		if Sum(x).Item() > 0 {
			return Exp(x)
		}
		return Neg(Sin(x))
	}
	loop := func(x *Tensor) *Tensor { // a loop bound from data
		n := int(math.Abs(x.At(0)))
		for i := 0; i < n; i++ {
			x = Add(Sin(x), 1.0)
		}
		return x
	}
	printing := func(x *Tensor) *Tensor {
		_ = x.String()
		_ = x.Data()
		return Mul(x, 2.0)
	}
	gradBranch := Grad(func(x *Tensor) *Tensor { return Sum(branch(x)) })
	for _, c := range []struct {
		name   string
		f      func(*Tensor) *Tensor
		inputs []*Tensor
	}{
		{"branch", branch, []*Tensor{New([]float64{1, 2}), New([]float64{3, 4}), New([]float64{-1, -2}), New([]float64{1, 2}), New([]float64{-5, 1})}},
		{"loop", loop, []*Tensor{New([]float64{2, 0}), New([]float64{3, 0}), New([]float64{2, 0}), New([]float64{2.5, 1})}},
		{"printing", printing, []*Tensor{New([]float64{1}), New([]float64{1}), New([]float64{2})}},
		{"grad", gradBranch, []*Tensor{New([]float64{1, 2}), New([]float64{-1, -2}), New([]float64{1, 2})}},
	} {
		jf := Jit(c.f)
		for k, x := range c.inputs {
			want, got := c.f(x), jf(x)
			if d, err := jitDiff(want, got); err != nil || d != 0 {
				t.Errorf("%s input %d: jitted differs from eager by %g (%v)", c.name, k, d, err)
			}
		}
	}
	// A guard that fails on every call re-traces up to jitMaxTraces times,
	// then calls f itself: still correct.
	j := newJitted("Jit", func(xs []*Tensor) []*Tensor { return []*Tensor{Scalar(xs[0].Item() * 2)} })
	for k := 0; k < 2*jitMaxTraces; k++ {
		got := j.call([]*Tensor{Scalar(float64(k))})[0]
		if got.Item() != float64(2*k) {
			t.Fatalf("call %d: got %v, want %d", k, got, 2*k)
		}
	}
	if n := j.traces.Load(); n != jitMaxTraces+1 {
		t.Errorf("%d traces, want %d", n, jitMaxTraces+1)
	}
}

func TestJitRefusals(t *testing.T) {
	rng := NewRNG(1)
	err := Catch(func() { Jit(func(x *Tensor) *Tensor { return Add(x, rng.Normal(x.shape...)) })(Ones(3)) })
	if !errors.Is(err, ErrJit) || !strings.Contains(err.Error(), "RNG.Normal") {
		t.Errorf("random draw: got %v, want ErrJit naming RNG.Normal", err)
	}
	// A value traced by an outer differentiation captured by the jitted
	// function's closure.
	err = Catch(func() {
		Grad(func(y *Tensor) *Tensor {
			return Jit(func(x *Tensor) *Tensor { return Mul(x, y) })(Scalar(2))
		})(Scalar(3))
	})
	if !errors.Is(err, ErrJit) || !strings.Contains(err.Error(), "argument") {
		t.Errorf("captured outer tracer: got %v, want ErrJit", err)
	}
	// A traced value leaking out of the jitted function.
	var leaked *Tensor
	jf := Jit(func(x *Tensor) *Tensor { leaked = Sin(x); return Cos(x) })
	jf(Ones(2))
	if err := Catch(func() { Exp(leaked) }); !errors.Is(err, ErrNotInput) || !strings.Contains(err.Error(), "Jit") {
		t.Errorf("leaked tracer: got %v, want ErrNotInput naming Jit", err)
	}
	if err := Catch(func() { Jit(func(x *Tensor) *Tensor { return nil })(Ones(2)) }); !errors.Is(err, ErrNil) {
		t.Errorf("nil result: got %v, want ErrNil", err)
	}
	if err := Catch(func() { Jit(nil) }); !errors.Is(err, ErrNil) {
		t.Errorf("nil function: got %v, want ErrNil", err)
	}
}

// TestJitUnderDifferentiation: a jitted function given traced inputs runs
// the function itself, so outer derivatives are right.
func TestJitUnderDifferentiation(t *testing.T) {
	f := func(x *Tensor) *Tensor { return Sum(Mul(Sin(x), Exp(x))) }
	jf := Jit(f)
	x := New([]float64{0.1, 0.7, -2})
	jf(x) // traced and cached
	want, got := Grad(f)(x), Grad(jf)(x)
	if d, err := jitDiff(want, got); err != nil || d != 0 {
		t.Errorf("Grad of a jitted function differs by %g (%v)", d, err)
	}
	h, hj := Hessian(f)(x), Jit(Hessian(jf))(x)
	if d, err := jitDiff(h, hj); err != nil || d > 1e-12 {
		t.Errorf("jitted Hessian of a jitted function differs by %g (%v)", d, err)
	}
}

func TestJitInterrupt(t *testing.T) {
	// Not parallel: the flag is process-wide.
	long := func(x *Tensor) *Tensor {
		for i := 0; i < 200; i++ {
			x = Sin(Add(x, 1.0))
		}
		return x
	}
	// W1's derivatives on 200 values: one short region, whose two blocks
	// the cores share while that is the faster way (runFused).
	derivs := func(x *Tensor) *Tensor { return Derivatives(seedTanh, 6)(x)[5] }
	for _, c := range []struct {
		name string
		f    func(*Tensor) *Tensor
		x    *Tensor
	}{
		{"long vectors", long, Linspace(0, 1, 1<<16)},
		{"a short region", derivs, Linspace(-7, 7, 200)},
	} {
		jf := Jit(c.f)
		jf(c.x) // trace
		done := make(chan error, 1)
		go func() {
			done <- Catch(func() {
				for {
					jf(c.x)
				}
			})
		}()
		time.Sleep(20 * time.Millisecond)
		interruptAndWait(t, done)
		// The jitted function still works afterwards.
		if d, err := jitDiff(c.f(c.x), jf(c.x)); err != nil || d != 0 {
			t.Errorf("%s: after an interrupt: differs by %g (%v)", c.name, d, err)
		}
	}
}

func TestJitConcurrentCalls(t *testing.T) {
	f := Grad(func(x *Tensor) *Tensor { return Sum(Tanh(Mul(x, x))) })
	jf := Jit(f)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for k := 0; k < 50; k++ {
				x := Linspace(float64(g), float64(g+k), 300)
				if d, err := jitDiff(f(x), jf(x)); err != nil || d != 0 {
					errs <- fmt.Errorf("goroutine %d call %d: differs by %g (%v)", g, k, d, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestJitResultsIndependent: results of one replay are not overwritten by
// the next (buffers are reused only for intermediate values).
func TestJitResultsIndependent(t *testing.T) {
	jf := Jit(func(x *Tensor) *Tensor { return Exp(Mul(Sin(x), 2.0)) })
	a := Linspace(0, 1, 1000)
	b := Linspace(1, 2, 1000)
	jf(b) // traces (its result is an eager one)
	ra := jf(a)
	ra2 := jf(a)
	keep := ra.Data()
	jf(b)
	jf(b)
	if d, _ := jitDiff(New(keep), New(ra.data)); d != 0 {
		t.Errorf("an earlier result changed after later replays")
	}
	if d, _ := jitDiff(ra, ra2); d != 0 {
		t.Errorf("replays differ")
	}
}

func TestJitSliceOutputsNotDependingOnInput(t *testing.T) {
	c := Ones(3)
	jf := JitSlice(func(xs []*Tensor) []*Tensor { return []*Tensor{c, xs[0], Add(xs[0], c)} })
	for k := 0; k < 2; k++ {
		x := Full(float64(k), 3)
		out := jf([]*Tensor{x})
		if out[0] != c || out[1] != x || out[2].At(0) != float64(k)+1 {
			t.Errorf("call %d: got %v", k, out)
		}
	}
}

// TestJitTrigIdentities checks the identities reuseTrig relies on, bit for
// bit, on scalars and on tensors: SinGrad(g, x) = Mul(g, Cos(x)) and
// CosGrad(g, x) = Mul(Neg(g), Sin(x)).
func TestJitTrigIdentities(t *testing.T) {
	rng := NewRNG(21)
	vals := append([]float64{0, math.Copysign(0, -1), 1e-300, -1e300, math.Inf(1), math.NaN(), math.Pi, 1e22},
		Mul(rng.Normal(2000), 10).data...)
	gs := append([]float64{1, -1, 0, math.Copysign(0, -1), math.Inf(-1), 3e-310, 7}, Mul(rng.Normal(2000), 3).data...)
	bits := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }
	for _, x := range vals {
		for _, g := range gs[:9] {
			if a, b := primSinGrad.scalar2(g, x), primMul.scalar2(g, primCos.scalar1(x)); !bits(a, b) {
				t.Fatalf("SinGrad(%g, %g) = %g, Mul(g, Cos x) = %g", g, x, a, b)
			}
			if a, b := primCosGrad.scalar2(g, x), primMul.scalar2(primNeg.scalar1(g), primSin.scalar1(x)); !bits(a, b) {
				t.Fatalf("CosGrad(%g, %g) = %g, Mul(Neg g, Sin x) = %g", g, x, a, b)
			}
		}
	}
	n := min(len(vals), len(gs))
	x, g := New(vals[:n]), New(gs[:n])
	if d, _ := jitDiff(sinGrad(g, x), Mul(g, Cos(x))); d != 0 || math.IsNaN(d) {
		t.Errorf("SinGrad on tensors differs from Mul(g, Cos x)")
	}
	a, b := cosGrad(g, x), Mul(Neg(g), Sin(x))
	for i := range a.data {
		if !bits(a.data[i], b.data[i]) {
			t.Fatalf("CosGrad on tensors differs at %d: %g vs %g", i, a.data[i], b.data[i])
		}
	}
	c, e := sinGrad(g, x), Mul(g, Cos(x))
	for i := range c.data {
		if !bits(c.data[i], e.data[i]) {
			t.Fatalf("SinGrad on tensors differs at %d: %g vs %g", i, c.data[i], e.data[i])
		}
	}
}

// TestJitValueDependentOps: operations whose derivative or result depends
// on where values lie (Max's gradient, Sort, ArangeT's length) and
// StopGradient give the eager results on every replay.
func TestJitValueDependentOps(t *testing.T) {
	inputs := []*Tensor{New([]float64{1, 5, 2}), New([]float64{7, 0, 2}), New([]float64{1, 1, 9}), New([]float64{3, 3, 3}), New([]float64{7, 0, 2})}
	for _, c := range []struct {
		name string
		f    func(*Tensor) *Tensor
	}{
		{"GradMax", Grad(func(x *Tensor) *Tensor { return Max(x) })},
		{"GradMin", Grad(func(x *Tensor) *Tensor { return Mul(Min(x), Sum(x)) })},
		{"DerivMax", func(x *Tensor) *Tensor { return Deriv(func(y *Tensor) *Tensor { return Max(Mul(y, x)) })(Scalar(1)) }},
		{"Sort", func(x *Tensor) *Tensor { return Sort(x, 0) }},
		{"GradSort", Grad(func(x *Tensor) *Tensor { return Sum(Mul(Sort(x, 0), Arange(1, 4, 1))) })},
		{"ArangeT", func(x *Tensor) *Tensor { return Sum(ArangeT(0.0, Index(x, 0), 1.0)) }},
		{"StopGradient", Grad(func(x *Tensor) *Tensor { return Sum(Mul(x, StopGradient(Exp(x)))) })},
		{"StopGradientValue", func(x *Tensor) *Tensor { return Add(StopGradient(x), 1.0) }},
	} {
		jf := Jit(c.f)
		for k, x := range inputs {
			want, got := c.f(x), jf(x)
			if d, err := jitDiff(want, got); err != nil || d != 0 {
				t.Errorf("%s input %d: jitted %v, eager %v", c.name, k, got, want)
			}
		}
	}
}

// TestJitErrorsWhileTracing: an error while tracing propagates like the
// eager one and leaves nothing cached; later calls trace again.
func TestJitErrorsWhileTracing(t *testing.T) {
	jf := Jit(func(x *Tensor) *Tensor { return MatMul(x, Ones(3, 2)) })
	if err := Catch(func() { jf(Ones(2, 4)) }); !errors.Is(err, ErrShape) {
		t.Fatalf("got %v, want ErrShape", err)
	}
	if err := Catch(func() { jf(Ones(2, 4)) }); !errors.Is(err, ErrShape) {
		t.Fatalf("second call: got %v, want ErrShape", err)
	}
	if got := jf(Ones(2, 3)); got.At(1, 1) != 3 {
		t.Errorf("got %v", got)
	}
	// An interrupt while tracing stops it; the next call traces again.
	Interrupt()
	err := Catch(func() { Jit(Sin)(Ones(3)) })
	ResetInterrupt()
	if !errors.Is(err, ErrInterrupted) {
		t.Errorf("got %v, want ErrInterrupted", err)
	}
}

// TestJitCustomPrimitive: a user primitive is recorded as one instruction
// whose forward function runs again at each replay; its rules are traced.
func TestJitCustomPrimitive(t *testing.T) {
	calls := 0
	cube := NewPrimitive("cube", func(a []*Tensor) *Tensor {
		calls++
		d := a[0].Data()
		for i, v := range d {
			d[i] = v * v * v
		}
		return New(d, a[0].Shape()...)
	}, func(g, ans *Tensor, a []*Tensor) *Tensor { return Mul(g, Mul(Square(a[0]), 3.0)) })
	f := Grad(func(x *Tensor) *Tensor { return Sum(Sin(cube.Call(x))) })
	jf := Jit(f)
	for k, x := range []*Tensor{New([]float64{1, 2}), New([]float64{-1, 0.5}), New([]float64{3, 3})} {
		want, got := f(x), jf(x)
		if d, err := jitDiff(want, got); err != nil || d != 0 {
			t.Errorf("input %d: jitted %v, eager %v", k, got, want)
		}
	}
	if calls != 6 { // three eager, one trace, two replays
		t.Errorf("forward ran %d times, want 6", calls)
	}
}

// TestJitFusedChains: long elementwise chains (fused strip by strip),
// with scalar operands, several lengths and a value used across the chain,
// give the eager results bit for bit.
func TestJitFusedChains(t *testing.T) {
	for _, n := range []int{fuseMin, fuseMin + 3, 100003, 1 << 17} {
		f := func(xs []*Tensor) []*Tensor {
			x := xs[0]
			a := Tanh(Mul(x, 0.5))
			b := Add(Exp(Neg(a)), x)
			c := Div(Sub(1.0, b), Add(1.0, Square(a)))
			g := Grad(func(y *Tensor) *Tensor { return Sum(Mul(Sigmoid(y), c)) })(x)
			return []*Tensor{Mul(g, Sin(c)), c}
		}
		checkJitCase(t, jitCase{
			name: fmt.Sprintf("n=%d", n),
			f:    f,
			in:   func(k int) []*Tensor { return []*Tensor{Linspace(-3-float64(k), 4, n)} },
		})
		_, rec, ids := record("JitSlice", f, []*Tensor{Ones(n)})
		fused := 0
		for _, op := range build(rec, ids).code {
			if op.kind == opFused {
				fused += len(op.group)
			}
		}
		if fused < 4 {
			t.Errorf("n=%d: %d operations fused, want at least 4", n, fused)
		}
	}
}

// TestJitScalarMerges: the merged scalar operations of a replay
// (appendScalar) give the eager results bit for bit: math.Sincos is
// math.Sin and math.Cos, and programs with the merged pattern, also in
// the cases it must not merge (Sin and Cos of different values or far
// apart), replay as eager on special values.
func TestJitScalarMerges(t *testing.T) {
	rng := NewRNG(23)
	vals := []float64{0, math.Copysign(0, -1), 5e-324, -1e-300, 1e-8, 0.5, -0.5, math.Pi / 4, 3 * math.Pi / 4, math.Pi,
		-7, 1e6, 1 << 29, -(1 << 29) - 3, 1e22, -1e300, math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	vals = append(vals, Mul(rng.Normal(5000), 1e3).data...)
	vals = append(vals, Mul(rng.Normal(1000), 1e12).data...)
	bits := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }
	for _, x := range vals {
		s, c := math.Sincos(x)
		if !bits(s, math.Sin(x)) || !bits(c, math.Cos(x)) {
			t.Fatalf("math.Sincos(%g) = %g, %g; math.Sin, math.Cos give %g, %g", x, s, c, math.Sin(x), math.Cos(x))
		}
	}
	fs := map[string]func(*Tensor) *Tensor{
		"sin then cos": func(x *Tensor) *Tensor { return Add(Mul(Sin(x), 0.9), Mul(0.1, Cos(x))) },
		"cos then sin": func(x *Tensor) *Tensor { return Sub(Cos(x), Mul(Sin(x), x)) },
		"far apart": func(x *Tensor) *Tensor {
			s, y := Sin(x), x
			for i := 0; i < 12; i++ {
				y = Add(Mul(y, 0.5), 1)
			}
			return Add(s, Cos(x))
		},
		"different values": func(x *Tensor) *Tensor { return Mul(Sin(x), Cos(Add(x, 1e-3))) },
		"neg then mul":     func(x *Tensor) *Tensor { e := Exp(x); return Mul(Neg(x), e) },
		"neg read twice":   func(x *Tensor) *Tensor { n := Neg(x); return Add(Mul(n, Tanh(x)), n) },
		"neg squared":      func(x *Tensor) *Tensor { n := Neg(Sin(x)); return Mul(n, n) },
		"neg is a result":  func(x *Tensor) *Tensor { return Neg(x) },
		"grad of trig":     Grad(func(x *Tensor) *Tensor { return Mul(Cos(Sin(x)), Sin(Cos(x))) }),
		"second derivative": Grad(Grad(func(x *Tensor) *Tensor {
			return Add(Sin(Mul(x, x)), Cos(x))
		})),
	}
	merged := map[string]uint8{"sin then cos": sopSinCos, "cos then sin": sopSinCos, "grad of trig": sopSinCos}
	for name, f := range fs {
		j := newJitted("Jit", func(xs []*Tensor) []*Tensor { return []*Tensor{f(xs[0])} })
		for _, x := range vals[:200] {
			want, got := f(Scalar(x)), j.call([]*Tensor{Scalar(x)})[0]
			if !bits(want.data[0], got.data[0]) && !(math.IsNaN(want.data[0]) && math.IsNaN(got.data[0])) {
				t.Fatalf("%s at %g: jitted %g, eager %g", name, x, got.data[0], want.data[0])
			}
		}
		if code, ok := merged[name]; ok {
			n := 0
			for _, op := range j.entries[0].progs[0].code {
				for _, s := range op.run {
					if s.code == code {
						n++
					}
				}
			}
			if n == 0 {
				t.Errorf("%s: no merged operation %d in the program", name, code)
			}
		}
	}
}

// TestJitRegions: programs whose elementwise operations run as regions
// (fused, block by block, on two cores when there is work enough), with
// results handed to the caller inside a region and read by later
// operations, one-element operands, special values (NaN, ±Inf, ±0) and
// lengths around the vector width, the strip and the block split, give
// the eager results bit for bit; regions are really formed and split.
func TestJitRegions(t *testing.T) {
	specials := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 5e-324, -1e300, 700, -700}
	input := func(n, k int) *Tensor {
		x := Linspace(-7+0.5*float64(k), 7, n)
		for i := range x.data {
			if i%13 == 5 {
				x.data[i] = specials[(i/13+k)%len(specials)]
			}
		}
		return x
	}
	chain := func(xs []*Tensor) []*Tensor { return Derivatives(seedTanh, 6)(xs[0]) }
	mixed := func(xs []*Tensor) []*Tensor {
		x := xs[0]
		a := Div(Sub(1.0, x), Add(Square(x), 2.0))
		b := Neg(Mul(a, x)) // a result, read again below
		c := b
		for i := 0; i < 40; i++ {
			c = Add(Mul(c, 0.5), Div(a, Add(1.0, Exp(Neg(Square(c))))))
		}
		d := Sub(Div(2.0, Add(c, 3.0)), Div(Sub(c, x), 3.0)) // one-element operands
		return []*Tensor{b, Tanh(c), Mul(d, Sum(x))}
	}
	// One core runs a region in one block, two share its blocks.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		for _, n := range []int{1, 7, 8, 9, 17, 200, 1001, fuseMin + 3, 2*interruptStride + 5} {
			for name, f := range map[string]func([]*Tensor) []*Tensor{"chain": chain, "mixed": mixed} {
				if name == "chain" && n > fuseMin+3 {
					continue // eager is slow there
				}
				checkJitCase(t, jitCase{
					name: fmt.Sprintf("%s n=%d GOMAXPROCS=%d", name, n, procs),
					f:    f,
					in:   func(k int) []*Tensor { return []*Tensor{input(n, k)} },
				})
			}
		}
	}
	// Results of one replay stay as they are after the next ones.
	j := JitSlice(chain)
	x0, x1 := input(200, 0), input(200, 1)
	first := j([]*Tensor{x0})
	first = j([]*Tensor{x0})
	j([]*Tensor{x1})
	j([]*Tensor{x1})
	for i, want := range chain([]*Tensor{x0}) {
		if d, err := jitDiff(want, first[i]); err != nil || d != 0 {
			t.Errorf("output %d of an earlier replay changed by later replays: %g (%v)", i, d, err)
		}
	}
	_, rec, ids := record("JitSlice", chain, []*Tensor{input(200, 0)})
	p := build(rec, ids)
	regions, par, fresh, pairs, recipPairs, multi, private := 0, false, 0, 0, 0, 0, 0
	for _, op := range p.code {
		if op.kind == opFused {
			regions++
			for _, o := range op.region.ops {
				switch o.kind {
				case ropAddNegMulDiv:
					pairs++
				case ropAddNegMulDivRecip, ropChain:
					pairs++
					recipPairs++
				case ropNMDRMulti:
					multi++
				}
			}
			par = par || op.region.par && op.region.chunk < op.region.n
			private += len(op.region.private)
			for _, g := range op.group {
				if g.res != nil {
					fresh++
				}
			}
		}
	}
	if regions == 0 || !par || private == 0 || fresh == 0 || vmath.Accelerated() && pairs == 0 || vmath.RecipPays() && (recipPairs == 0 || multi == 0) {
		t.Errorf("W1's program: %d regions, split across cores %v (%d buffers of the second block's own), %d results allocated in regions, %d DivGradB+Add pairs (%d by a reciprocal, or their chains), %d runs of DivGradBRecips as one operation",
			regions, par, private, fresh, pairs, recipPairs, multi)
	}
	// Replays that share the region (its second block in buffers of its
	// own), whether a helper joins or the caller runs both blocks, and
	// replays on one core, one after the other on one state, give eager's
	// results.
	runtime.GOMAXPROCS(2)
	for k := range 12 {
		x := []*Tensor{input(200, k)}
		st := p.st
		if st != nil {
			for i := range st.rstats {
				st.rstats[i] = regionStats{solo: 1, par: 1e9} // one core
				if k%3 != 0 {
					st.rstats[i] = regionStats{solo: 1e9, par: 1} // shared
				}
			}
		}
		got, ok := p.run(x, nil, nil)
		if !ok {
			t.Fatalf("replay %d: a guard failed", k)
		}
		for i, want := range chain(x) {
			if d, err := jitDiff(want, got[i]); err != nil || d != 0 {
				t.Errorf("replay %d (shared %v), output %d: differs from eager by %g (%v)", k, k%3 != 0, i, d, err)
			}
		}
	}
}

// TestRegionStatsPick follows regionStats' choice between one core and
// sharing: each way once, then the faster, the other tried again every
// regionExplore runs; a short region is shared regionParBurst runs in a
// row when tried again, and each try lost doubles the runs to the next.
func TestRegionStatsPick(t *testing.T) {
	for _, short := range []bool{false, true} {
		var s regionStats
		var got []bool
		pick := func(soloNs, parNs float64) {
			p := s.pickPar(short)
			got = append(got, p)
			if p {
				s.note(true, time.Duration(parNs))
			} else {
				s.note(false, time.Duration(soloNs))
			}
		}
		const n = 2 + 8*regionExplore
		for range n {
			pick(50, 100) // one core faster
		}
		want := []bool{true, false} // each way once
		for every := regionExplore; len(want) < n; {
			for k := 1; k < every; k++ {
				want = append(want, false)
			}
			want = append(want, true)
			if short {
				for k := 1; k < regionParBurst; k++ {
					want = append(want, true)
				}
				every = min(2*every, regionExplore<<regionBackoffMax)
			}
		}
		if want = want[:n]; !slices.Equal(got, want) {
			t.Errorf("short %v, one core faster: shared %v, want %v", short, got, want)
		}
		// Sharing becomes faster: it is chosen at its next try (at most
		// regionExplore << regionBackoffMax runs later), and then one
		// core is tried once every regionExplore runs.
		got = got[:0]
		const m = regionExplore<<regionBackoffMax + 4*regionExplore
		for range m {
			pick(100, 10)
		}
		solo := 0
		for _, p := range got[m-regionExplore:] {
			if !p {
				solo++
			}
		}
		if solo != 1 {
			t.Errorf("short %v, sharing faster: %d of the last %d runs on one core, want 1", short, solo, regionExplore)
		}
	}
}

// Every kernel named in heavyElem is registered with heavy set (the map
// must be filled before the primitives register), and no other kernel is.
func TestJitHeavyKernelsMarked(t *testing.T) {
	got := map[string]bool{}
	elemKernels.Range(func(_, v any) bool {
		if e := v.(*elemKernel); e.heavy {
			got[e.op] = true
		}
		return true
	})
	for op := range heavyElem {
		if !got[op] {
			t.Errorf("%s is in heavyElem but its kernel is not marked heavy", op)
		}
	}
	for op := range got {
		if !heavyElem[op] {
			t.Errorf("%s is marked heavy but not in heavyElem", op)
		}
	}
}

// TestJitKeepsNoCallData: once a replay has returned, the jitted function
// refers to none of that call's inputs and results (its state keeps
// buffer addresses between calls only for its own planned buffers), so a
// caller that drops them gets their memory back at the next collection.
// One case per way a replay runs its work: a fused region, a long
// elementwise kernel shared by the cores, a result above 4 MiB (spares),
// a product.
func TestJitKeepsNoCallData(t *testing.T) {
	cases := []struct {
		name string
		n    int
		f    func(x *Tensor) *Tensor
	}{
		{"fused region", 100000, func(x *Tensor) *Tensor { return Tanh(Add(Mul(x, 2), Sin(x))) }},
		{"long elementwise", 300000, Tanh},
		{"result above 4 MiB", 600000, Tanh},
		{"product", 256 * 256, func(x *Tensor) *Tensor {
			a := Reshape(x, 256, 256)
			return Sum(Tanh(MatMul(a, a)))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := Jit(c.f)
			var in, out []weak.Pointer[float64]
			for range 3 { // the first call traces
				x := Linspace(-1, 1, c.n)
				y := f(x)
				in = append(in, weak.Make(&x.data[0]))
				out = append(out, weak.Make(&y.data[0]))
			}
			for range 3 {
				runtime.GC()
			}
			for i := range in {
				if in[i].Value() != nil {
					t.Errorf("call %d: the input's buffer is still referred to", i)
				}
				if out[i].Value() != nil {
					t.Errorf("call %d: the result's buffer is still referred to", i)
				}
			}
			runtime.KeepAlive(f)
		})
	}
}
