package ad

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

func closeTo(t *testing.T, what string, got *Tensor, wantShape []int, want []float64, tol float64) {
	t.Helper()
	if !sameShape(got.shape, wantShape) {
		t.Fatalf("%s: shape %s, want %s", what, fmtShape(got.shape), fmtShape(wantShape))
	}
	for i, w := range want {
		if math.Abs(got.data[i]-w) > tol*math.Max(1, math.Abs(w)) {
			t.Fatalf("%s: got %v, want %v", what, got.data, want)
		}
	}
}

// quadForm is f(x) = Σ_ij A_ij x_i x_j / 2 + Σ sin(x_i), whose Hessian is
// (A + Aᵀ)/2 − diag(sin x).
func quadForm(a *Tensor) func(*Tensor) *Tensor {
	return func(x *Tensor) *Tensor {
		q := Sum(Mul(MatMul(a, x), x))
		return Add(Mul(q, 0.5), Sum(Sin(x)))
	}
}

func wantHessian(a *Tensor, x []float64) []float64 {
	n := len(x)
	h := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			h[i*n+j] = (a.data[i*n+j] + a.data[j*n+i]) / 2
		}
		h[i*n+i] -= math.Sin(x[i])
	}
	return h
}

func TestJacobians(t *testing.T) {
	t.Parallel()
	// f(x) = [x0·x1, sin x2, x0 + x2²] (shape 3) over a 2×... use x of shape (3,).
	f := func(x *Tensor) *Tensor {
		x0, x1, x2 := Index(x, 0), Index(x, 1), Index(x, 2)
		return Stack([]*Tensor{Mul(x0, x1), Sin(x2), Add(x0, Square(x2))}, 0)
	}
	x := New([]float64{0.5, -1.5, 2})
	want := []float64{
		-1.5, 0.5, 0,
		0, 0, math.Cos(2),
		1, 0, 4,
	}
	closeTo(t, "Jacobian", Jacobian(f)(x), []int{3, 3}, want, 1e-14)
	closeTo(t, "JacobianFwd", JacobianFwd(f)(x), []int{3, 3}, want, 1e-14)

	// Shapes S+X for a matrix input and vector output.
	g := func(m *Tensor) *Tensor { return Sum(Square(m), 1) } // (2,3) -> (2,)
	m := filled(-1, 1, 2, 3)
	jr, jf := Jacobian(g)(m), JacobianFwd(g)(m)
	wantJ := make([]float64, 12)
	for i := 0; i < 2; i++ {
		for k := 0; k < 3; k++ {
			wantJ[i*6+i*3+k] = 2 * m.data[i*3+k]
		}
	}
	closeTo(t, "Jacobian (2,)+(2,3)", jr, []int{2, 2, 3}, wantJ, 1e-14)
	closeTo(t, "JacobianFwd (2,)+(2,3)", jf, []int{2, 2, 3}, wantJ, 1e-14)
}

func TestHessianAndHVP(t *testing.T) {
	t.Parallel()
	a := filled(-1, 1, 4, 4)
	x := filled(-2, 2, 4)
	f := quadForm(a)
	want := wantHessian(a, x.data)
	closeTo(t, "Hessian", Hessian(f)(x), []int{4, 4}, want, 1e-13)

	v := New([]float64{1, -2, 0.5, 3})
	hv := HVP(f)(x, v)
	wantHV := make([]float64, 4)
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			wantHV[i] += want[i*4+j] * v.data[j]
		}
	}
	closeTo(t, "HVP", hv, []int{4}, wantHV, 1e-13)
	// The Hessian of the Hessian's trace is itself differentiable.
	third := Grad(func(x *Tensor) *Tensor { return Trace(Hessian(f)(x)) })(x)
	wantThird := make([]float64, 4)
	for i := range wantThird {
		wantThird[i] = -math.Cos(x.data[i])
	}
	closeTo(t, "Grad of trace of Hessian", third, []int{4}, wantThird, 1e-13)

	if err := Catch(func() { Hessian(Sin)(x) }); !errors.Is(err, ErrNonScalar) {
		t.Errorf("Hessian of a vector function: got %v, want ErrNonScalar", err)
	}
}

func TestGradSliceAndMap(t *testing.T) {
	t.Parallel()
	w, b := New([]float64{1, 2, 3}), Scalar(0.5)
	unused := New([]float64{7, 8})
	loss := func(ps []*Tensor) *Tensor { return Add(Sum(Square(ps[0])), Mul(ps[1], 3)) }
	v, gs := ValueAndGradSlice(loss)([]*Tensor{w, b})
	if v.Item() != 15.5 {
		t.Errorf("value %g, want 15.5", v.Item())
	}
	closeTo(t, "dw", gs[0], []int{3}, []float64{2, 4, 6}, 0)
	closeTo(t, "db", gs[1], []int{}, []float64{3}, 0)

	gm := GradMap(func(p map[string]*Tensor) *Tensor {
		return Add(Sum(Mul(p["w"], p["w"])), Mul(p["b"], 3))
	})(map[string]*Tensor{"w": w, "b": b, "unused": unused})
	closeTo(t, "map w", gm["w"], []int{3}, []float64{2, 4, 6}, 0)
	closeTo(t, "map b", gm["b"], []int{}, []float64{3}, 0)
	closeTo(t, "map unused", gm["unused"], []int{2}, []float64{0, 0}, 0)
	if len(gm) != 3 {
		t.Errorf("got %d gradients, want 3", len(gm))
	}
	if err := Catch(func() { GradSlice(loss)([]*Tensor{w, nil}) }); !errors.Is(err, ErrNil) {
		t.Errorf("nil input: got %v, want ErrNil", err)
	}
}

func TestVJPPullbackReusable(t *testing.T) {
	t.Parallel()
	x := New([]float64{0.1, 0.2, 0.3})
	y, pb := VJP(Sin)(x)
	closeTo(t, "value", y, []int{3}, []float64{math.Sin(0.1), math.Sin(0.2), math.Sin(0.3)}, 0)
	for k := 1; k <= 3; k++ {
		g := pb(Full(float64(k), 3))
		closeTo(t, fmt.Sprintf("pullback %d", k), g, []int{3}, []float64{float64(k) * math.Cos(0.1), float64(k) * math.Cos(0.2), float64(k) * math.Cos(0.3)}, 1e-15)
	}
	y2, tan := JVP(Exp)(x, New([]float64{1, 0, 2}))
	closeTo(t, "JVP value", y2, []int{3}, []float64{math.Exp(0.1), math.Exp(0.2), math.Exp(0.3)}, 0)
	closeTo(t, "JVP tangent", tan, []int{3}, []float64{math.Exp(0.1), 0, 2 * math.Exp(0.3)}, 1e-15)
	if err := Catch(func() { JVP(Exp)(x, Ones(2)) }); !errors.Is(err, ErrShape) {
		t.Errorf("JVP tangent shape: got %v, want ErrShape", err)
	}
}

func TestStopGradient(t *testing.T) {
	t.Parallel()
	// d/dx [x · stop(x)] = stop(x) = x, not 2x.
	for _, d := range []func(func(*Tensor) *Tensor) func(*Tensor) *Tensor{Grad, Deriv} {
		got := d(func(x *Tensor) *Tensor { return Mul(x, StopGradient(x)) })(Scalar(3)).Item()
		if got != 3 {
			t.Errorf("got %g, want 3", got)
		}
	}
	// Comparisons and Floor are constants.
	got := Grad(func(x *Tensor) *Tensor { return Add(Mul(Floor(x), x), Greater(x, 0.0)) })(Scalar(2.5)).Item()
	if got != 2 {
		t.Errorf("gradient through Floor: got %g, want 2", got)
	}
}

func TestTraceGraph(t *testing.T) {
	t.Parallel()
	g := TraceGraph(func(x *Tensor) *Tensor {
		_ = Cos(x) // unused: not in the graph
		return Mul(Sin(x), x)
	}, New([]float64{1, 2}))
	var ops []string
	for i, n := range g.Nodes {
		if n.ID != i {
			t.Fatalf("node %d has ID %d", i, n.ID)
		}
		for _, in := range n.Inputs {
			if in >= n.ID {
				t.Fatalf("node %d (%s) has input %d after it", n.ID, n.Op, in)
			}
		}
		ops = append(ops, n.Op)
	}
	if got := strings.Join(ops, " "); got != "input Sin Mul" {
		t.Fatalf("ops %q, want %q", got, "input Sin Mul")
	}
	if !g.Nodes[0].IsInput || !g.Nodes[2].IsOutput || fmt.Sprint(g.Nodes[2].Inputs) != "[1 0]" {
		t.Errorf("graph %+v", g.Nodes)
	}
	if !sameShape(g.Nodes[2].Shape, []int{2}) {
		t.Errorf("output shape %v, want [2]", g.Nodes[2].Shape)
	}
	c := TraceGraph(func(*Tensor) *Tensor { return Scalar(1) }, Scalar(0))
	if len(c.Nodes) != 2 || c.Nodes[1].Op != "constant" {
		t.Errorf("constant output graph %+v", c.Nodes)
	}
}

// halfIntBits is 2^(bits in int/2 − 1): three such dimensions overflow int
// on 32- and 64-bit machines alike.
const halfIntBits = 1 << (strconv.IntSize/2 - 1)

func TestMemoryGuard(t *testing.T) {
	t.Parallel()
	for _, f := range []func(){
		func() { Zeros(200000, 200000) },
		func() { Ones(math.MaxInt / 2) },
		func() { Full(1, halfIntBits, halfIntBits, halfIntBits) }, // the size overflows int
		func() { Add(Zeros(1<<15, 1), Zeros(1, 1<<20)) },
	} {
		err := Catch(f)
		if !errors.Is(err, ErrMemory) {
			t.Fatalf("got %v, want ErrMemory", err)
		}
		if !strings.Contains(err.Error(), "ad.") {
			t.Errorf("message %q does not name the op", err)
		}
	}
	err := Catch(func() { Zeros(200000, 200000) })
	if !strings.Contains(err.Error(), "ad.Full: result needs 298.0 GiB") || !strings.Contains(err.Error(), "available") {
		t.Errorf("message %q should state bytes needed and available", err)
	}
	if err := Catch(func() { Zeros(-1) }); !errors.Is(err, ErrShape) {
		t.Errorf("negative dimension: got %v, want ErrShape", err)
	}
}

// interruptAndWait raises the interrupt, waits for the computation that
// reports its error on done, lowers the flag, and fails unless the
// computation stopped with ErrInterrupted within a liveness bound.
func interruptAndWait(t *testing.T, done <-chan error) {
	t.Helper()
	start := time.Now()
	Interrupt()
	err := <-done
	elapsed := time.Since(start)
	ResetInterrupt()
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("got %v, want ErrInterrupted", err)
	}
	if elapsed > 5*time.Second { // a liveness bound, generous for loaded machines
		t.Errorf("stopping took %v", elapsed)
	}
}

func TestInterrupt(t *testing.T) {
	// Not parallel: the flag is process-wide.
	Interrupt()
	err := Catch(func() { Exp(Zeros(100000)) })
	errBack := Catch(func() { Grad(func(x *Tensor) *Tensor { return Sum(Sin(x)) })(Zeros(3)) })
	ResetInterrupt()
	if !errors.Is(err, ErrInterrupted) || !errors.Is(errBack, ErrInterrupted) {
		t.Fatalf("got %v and %v, want ErrInterrupted", err, errBack)
	}
	// A long computation stops soon after Interrupt.
	done := make(chan error, 1)
	go func() {
		done <- Catch(func() {
			x := Linspace(0, 1, 1<<20)
			for {
				x = Sin(x)
			}
		})
	}()
	time.Sleep(20 * time.Millisecond)
	interruptAndWait(t, done)
	if got := Exp(Scalar(0)).Item(); got != 1 {
		t.Errorf("after ResetInterrupt: Exp(0) = %g", got)
	}
}

func TestConstructorsAndAccessors(t *testing.T) {
	t.Parallel()
	closeTo(t, "Eye", Eye(2), []int{2, 2}, []float64{1, 0, 0, 1}, 0)
	closeTo(t, "Arange", Arange(0, 1, 0.25), []int{4}, []float64{0, 0.25, 0.5, 0.75}, 0)
	closeTo(t, "Arange down", Arange(3, 0, -1), []int{3}, []float64{3, 2, 1}, 0)
	closeTo(t, "Linspace", Linspace(0, 1, 3), []int{3}, []float64{0, 0.5, 1}, 0)
	closeTo(t, "FromRows", FromRows([][]float64{{1, 2}, {3, 4}, {5, 6}}), []int{3, 2}, []float64{1, 2, 3, 4, 5, 6}, 0)
	closeTo(t, "Full", Full(7, 2), []int{2}, []float64{7, 7}, 0)
	x := New([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	if x.At(1, 2) != 6 || x.At(-1, 0) != 4 || x.NDim() != 2 || x.Size() != 6 {
		t.Errorf("accessors wrong on %v", x)
	}
	d := x.Data()
	d[0] = 100
	if x.At(0, 0) != 1 {
		t.Error("Data() does not copy")
	}
	for _, tc := range []struct {
		f    func()
		kind error
		msg  string
	}{
		{func() { New([]float64{1, 2, 3}, 2, 2) }, ErrShape, "ad.New: 3 values do not fill shape (2,2)"},
		{func() { x.At(2, 0) }, ErrIndex, "ad.At: index 2 out of range for axis 0 of size 2"},
		{func() { x.At(0) }, ErrShape, "ad.At: 1 indices for a tensor of shape (2,3)"},
		{func() { x.Item() }, ErrShape, "ad.Item: tensor of shape (2,3) has 6 elements, want 1"},
		{func() { FromRows([][]float64{{1}, {2, 3}}) }, ErrShape, "ad.FromRows: row 1 has 2 values, row 0 has 1"},
		{func() { Arange(0, 1, 0) }, ErrShape, "ad.Arange: invalid range start=0 stop=1 step=0"},
		{func() { Add(Zeros(2, 3), Zeros(4)) }, ErrShape, "ad.Add: shapes (2,3) and (4,) do not broadcast"},
		{func() { Clip(x, 1, 0) }, ErrArgument, "ad.Clip: lower limit 1 above upper limit 0"},
		{func() { Mul(x, "2") }, ErrArgument, "ad.Mul: operand of type string: want *ad.Tensor, a number or []float64"},
		{func() { Mul(x, (*Tensor)(nil)) }, ErrNil, "ad.Mul: nil *Tensor argument"},
	} {
		err := Catch(tc.f)
		if !errors.Is(err, tc.kind) || err.Error() != tc.msg {
			t.Errorf("got %v, want %q (%v)", err, tc.msg, tc.kind)
		}
	}
}

func TestCatchPassesForeignPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if r := recover(); r != "boom" {
			t.Errorf("recovered %v, want boom", r)
		}
	}()
	_ = Catch(func() { panic("boom") })
	t.Error("Catch swallowed a foreign panic")
}

func TestBroadcastKernels(t *testing.T) {
	t.Parallel()
	a := New([]float64{1, 2, 3, 4, 5, 6}, 2, 1, 3)
	b := New([]float64{10, 20}, 2, 1)
	// (2,1,3) + (2,1) -> (2,2,3)
	got := Add(a, b)
	want := []float64{11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26}
	closeTo(t, "Add broadcast", got, []int{2, 2, 3}, want, 0)
	closeTo(t, "Sub scalar", Sub(10, New([]float64{1, 2})), []int{2}, []float64{9, 8}, 0)
	closeTo(t, "Mul slice", Mul(int64(2), []float64{1, 2}), []int{2}, []float64{2, 4}, 0)
	closeTo(t, "Add float32", Add(float32(0.5), int32(1)), []int{}, []float64{1.5}, 0)
	closeTo(t, "Where", Where(New([]float64{1, 0}), 5, New([]float64{1, 2, 3, 4}, 2, 2)), []int{2, 2}, []float64{5, 2, 5, 4}, 0)
	big := Linspace(0, 1, 200001)
	s := Mul(big, 2.0)
	if s.data[200000] != 2 || s.data[100000] != 1 {
		t.Errorf("parallel kernel wrong: %g %g", s.data[100000], s.data[200000])
	}
	closeTo(t, "LogAddExp large", LogAddExp(1000, 1000), []int{}, []float64{1000 + math.Ln2}, 1e-15)
	closeTo(t, "Maximum NaN", Maximum(math.NaN(), 1), []int{}, []float64{math.NaN()}, 0)
}

func TestBroadcastLongRows(t *testing.T) {
	t.Parallel()
	// Rows longer than the interruption stride are processed in chunks; the
	// result must not depend on it.
	n := interruptStride*2 + 5
	a := Linspace(0, 1, 2*n)
	a2 := newRaw([]int{2, n}, a.data)
	b := newRaw([]int{1, n}, Linspace(1, 2, n).data)
	got := Add(a2, b)
	for _, i := range []int{0, interruptStride - 1, interruptStride, n - 1, n, n + interruptStride + 3, 2*n - 1} {
		want := a.data[i] + b.data[i%n]
		if got.data[i] != want {
			t.Fatalf("element %d: got %g, want %g", i, got.data[i], want)
		}
	}
	s := sumTo(got, []int{1, n})
	if want := got.data[7] + got.data[n+7]; s.data[7] != want {
		t.Errorf("sumTo: got %g, want %g", s.data[7], want)
	}
	bt := broadcastTo(b, []int{3, n})
	if bt.data[2*n+interruptStride+1] != b.data[interruptStride+1] {
		t.Errorf("broadcastTo long row wrong")
	}
}
