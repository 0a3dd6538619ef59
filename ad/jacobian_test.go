package ad

import (
	"errors"
	"math"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// The tests here change process-wide settings (GOMAXPROCS, rowsParallelMin,
// the interruption flag), so none of them is parallel.

// withRows runs f with the row loops forced parallel (on at least four
// goroutines) or forced serial, and restores the settings.
func withRows(parallel bool, f func()) {
	old, procs := rowsParallelMin, runtime.GOMAXPROCS(0)
	defer func() { rowsParallelMin = old; runtime.GOMAXPROCS(procs) }()
	if parallel {
		rowsParallelMin = 0
		runtime.GOMAXPROCS(max(4, procs))
	} else {
		rowsParallelMin = time.Duration(math.MaxInt64)
	}
	f()
}

// sameBits fails unless a and b have the same shape and bit-identical data.
func sameBits(t *testing.T, what string, a, b *Tensor) {
	t.Helper()
	if !sameShape(a.shape, b.shape) {
		t.Fatalf("%s: shapes %s and %s", what, fmtShape(a.shape), fmtShape(b.shape))
	}
	for i := range a.data {
		if math.Float64bits(a.data[i]) != math.Float64bits(b.data[i]) {
			t.Fatalf("%s: element %d differs: %v vs %v", what, i, a.data[i], b.data[i])
		}
	}
}

func TestEachRow(t *testing.T) {
	withRows(true, func() {
		for _, n := range []int{0, 1, 2, 3, 7, 100} {
			var calls atomic.Int64
			hit := make([]int32, n)
			par := eachRow("test", n, true, func(i int) {
				calls.Add(1)
				atomic.AddInt32(&hit[i], 1)
			})
			if want := n > 2; par != want { // two rows: row 0, then one left
				t.Errorf("n=%d: parallel = %v, want %v", n, par, want)
			}
			for i, h := range hit {
				if h != 1 {
					t.Errorf("n=%d: row %d ran %d times", n, i, h)
				}
			}
			if calls.Load() != int64(n) {
				t.Errorf("n=%d: %d calls", n, calls.Load())
			}
		}
		if eachRow("test", 10, false, func(int) {}) {
			t.Error("eachRow ran in parallel with parallel unset")
		}
	})
	// Goexit in a worker row ends the caller's goroutine too, after the
	// workers have stopped, like the serial loop would.
	withRows(true, func() {
		done := make(chan bool)
		go func() {
			defer close(done)
			eachRow("test", 50, true, func(i int) {
				if i == 20 {
					runtime.Goexit()
				}
			})
			t.Error("eachRow returned after a row called Goexit")
		}()
		<-done
	})
}

// jacCase is a function with its Jacobian in closed form.
type jacCase struct {
	name  string
	f     func(*Tensor) *Tensor
	x     *Tensor
	shape []int     // the Jacobian's shape
	want  []float64 // its elements
}

func jacobianCases() []jacCase {
	r := NewRNG(11)
	a35 := r.Normal(3, 5)
	x5 := r.Normal(5)
	m23 := r.Normal(2, 3)
	// J of sin on a 2×3 matrix: cos on the diagonal of a (2,3,2,3) tensor.
	sinJ := make([]float64, 36)
	for i := 0; i < 6; i++ {
		sinJ[i*6+i] = math.Cos(m23.data[i])
	}
	// J of x ↦ [Σx, x0·x1] for a scalar-sized vector and a row.
	x2 := New([]float64{0.7, -1.3})
	return []jacCase{
		{"A·x 3×5 (non-square)", func(x *Tensor) *Tensor { return MatMul(a35, x) }, x5, []int{3, 5}, a35.data},
		{"sin on a matrix", Sin, m23, []int{2, 3, 2, 3}, sinJ},
		{"scalar in, vector out", func(x *Tensor) *Tensor { return Mul(x, New([]float64{1, 2, 3})) }, Scalar(0.5), []int{3}, []float64{1, 2, 3}},
		{"scalar in, scalar out", func(x *Tensor) *Tensor { return Mul(x, Mul(x, x)) }, Scalar(2), nil, []float64{12}},
		{"size 1", func(x *Tensor) *Tensor { return Exp(x) }, New([]float64{0.3}), []int{1, 1}, []float64{math.Exp(0.3)}},
		{"vector in, 2 out", func(x *Tensor) *Tensor {
			return Stack([]*Tensor{Sum(x), Mul(Index(x, 0), Index(x, 1))}, 0)
		}, x2, []int{2, 2}, []float64{1, 1, -1.3, 0.7}},
		{"constant output", func(x *Tensor) *Tensor { return Ones(4) }, x2, []int{4, 2}, make([]float64, 8)},
		{"empty input", func(x *Tensor) *Tensor { return Add(Sum(x), Ones(3)) }, Zeros(0), []int{3, 0}, nil},
	}
}

// hessCase is a scalar function with its Hessian in closed form.
type hessCase struct {
	name string
	f    func(*Tensor) *Tensor
	x    *Tensor
	want []float64
}

func hessianCases() []hessCase {
	r := NewRNG(12)
	a := Mul(r.Normal(30, 30), 0.1)
	x := r.Normal(30)
	// W5's function: H = Aᵀ diag(2(1−t²)(1−3t²)) A with t = tanh(A x).
	z := MatMul(a, x)
	n := 30
	w5 := make([]float64, n*n)
	for k := 0; k < n; k++ {
		tk := math.Tanh(z.data[k])
		d := 2 * (1 - tk*tk) * (1 - 3*tk*tk)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				w5[i*n+j] += a.data[k*n+i] * d * a.data[k*n+j]
			}
		}
	}
	a4 := r.Normal(4, 4)
	x4 := r.Normal(4)
	m := r.Normal(2, 3)
	quart := make([]float64, 36) // Σ x⁴ on a matrix: 12x² on the diagonal
	for i := 0; i < 6; i++ {
		quart[i*6+i] = 12 * m.data[i] * m.data[i]
	}
	return []hessCase{
		{"W5 30×30", func(x *Tensor) *Tensor { return Sum(Square(Tanh(MatMul(a, x)))) }, x, w5},
		{"quadratic form", quadForm(a4), x4, wantHessian(a4, x4.data)},
		{"matrix input", func(x *Tensor) *Tensor { return Sum(Pow(x, 4)) }, m, quart},
		{"scalar", func(x *Tensor) *Tensor { return Mul(Sin(x), 2) }, Scalar(0.4), []float64{-2 * math.Sin(0.4)}},
		{"size 1", func(x *Tensor) *Tensor { return Sum(Exp(x)) }, New([]float64{0.2}), []float64{math.Exp(0.2)}},
	}
}

// TestJacobianParallelSameAsSerial checks the Jacobians and Hessians
// computed with the rows on several goroutines against the closed forms and,
// bit for bit, against the serial computation.
func TestJacobianParallelSameAsSerial(t *testing.T) {
	for _, c := range jacobianCases() {
		var ser, par *Tensor
		withRows(false, func() { ser = Jacobian(c.f)(c.x) })
		withRows(true, func() { par = Jacobian(c.f)(c.x) })
		closeTo(t, "Jacobian "+c.name, par, c.shape, c.want, 1e-14)
		sameBits(t, "Jacobian "+c.name, par, ser)
		if len(c.x.data) > 0 {
			closeTo(t, "JacobianFwd "+c.name, JacobianFwd(c.f)(c.x), c.shape, c.want, 1e-14)
		}
	}
	for _, c := range hessianCases() {
		var ser, par *Tensor
		withRows(false, func() { ser = Hessian(c.f)(c.x) })
		withRows(true, func() { par = Hessian(c.f)(c.x) })
		shape := append(append([]int{}, c.x.shape...), c.x.shape...)
		closeTo(t, "Hessian "+c.name, par, shape, c.want, 1e-12)
		sameBits(t, "Hessian "+c.name, par, ser)
	}
}

// TestJacobianParallelNested checks that nested uses (which run their rows
// in order) give the same numbers with and without parallel rows.
func TestJacobianParallelNested(t *testing.T) {
	r := NewRNG(13)
	const n = 40
	a := Mul(r.Normal(n, n), 0.3)
	x := r.Normal(n)
	f := func(x *Tensor) *Tensor { return Sum(Square(Tanh(MatMul(a, x)))) }
	w := r.Normal(n)
	cases := []struct {
		name string
		run  func() *Tensor
	}{
		{"Grad of the trace of Hessian", func() *Tensor {
			return Grad(func(x *Tensor) *Tensor { return Trace(Hessian(f)(x)) })(x)
		}},
		{"Grad of the sum of Hessian (Σx⁴)", func() *Tensor {
			return Grad(func(x *Tensor) *Tensor { return Sum(Hessian(func(x *Tensor) *Tensor { return Sum(Pow(x, 4)) })(x)) })(x)
		}},
		{"Jacobian of Jacobian", func() *Tensor {
			return Jacobian(Jacobian(func(x *Tensor) *Tensor { return Tanh(MatMul(a, x)) }))(x)
		}},
		{"Hessian via JacobianFwd of Grad", func() *Tensor { return JacobianFwd(Grad(f))(x) }},
		{"Grad through a captured outer value", func() *Tensor {
			// The inner Jacobian's graph holds w boxed by the outer Grad.
			return Grad(func(w *Tensor) *Tensor {
				return Sum(Jacobian(func(x *Tensor) *Tensor { return Mul(Sin(x), w) })(x))
			})(w)
		}},
		{"Grad through a custom rule capturing an outer value", func() *Tensor {
			// The inner graph is plain, but the rule reaches the outer
			// trace: the rows come back boxed and are redone in order.
			return Grad(func(w *Tensor) *Tensor {
				scale := NewPrimitive("scale", func(a []*Tensor) *Tensor { return Mul(a[0], StopGradient(w)) },
					func(g, _ *Tensor, _ []*Tensor) *Tensor { return Mul(g, w) })
				return Sum(Jacobian(func(x *Tensor) *Tensor { return scale.Call(Sin(x)) })(x))
			})(w)
		}},
		{"JVP of Hessian", func() *Tensor {
			_, t := JVP(Hessian(f))(x, w)
			return t
		}},
	}
	for _, c := range cases {
		var ser, par *Tensor
		withRows(false, func() { ser = c.run() })
		withRows(true, func() { par = c.run() })
		sameBits(t, c.name, par, ser)
	}
	// Closed forms: ∇ Σ_ij H_ij of Σx⁴ is 24x; ∇_w Σ J of x ↦ sin(x)·w is cos x.
	withRows(true, func() {
		closeTo(t, "Grad of the sum of Hessian", cases[1].run(), []int{n}, Mul(x, 24).data, 1e-13)
		cosx := Cos(x).data
		closeTo(t, "captured outer value", cases[4].run(), []int{n}, cosx, 1e-14)
		closeTo(t, "custom rule", cases[5].run(), []int{n}, cosx, 1e-14)
	})
}

// TestJacobianParallelErrors checks that a panic in a pullback surfaces on
// the caller as the same typed error the serial loop gives: the one of the
// lowest failing row.
func TestJacobianParallelErrors(t *testing.T) {
	bad := NewPrimitive("bad", func(a []*Tensor) *Tensor { return Mul(a[0], 1.0) },
		func(g, _ *Tensor, _ []*Tensor) *Tensor {
			d := g.Data()
			if d[7] != 0 { // row 7: a shape error, after row 31's has been raised
				time.Sleep(5 * time.Millisecond)
				return MatMul(Ones(2, 3), Ones(2, 3))
			}
			if d[31] != 0 { // row 31: a different error
				panic(errorf(ErrArgument, "bad", "row 31"))
			}
			return g
		})
	f := func(x *Tensor) *Tensor { return bad.Call(Sin(x)) }
	x := Linspace(0, 1, 64)
	var ser, par error
	withRows(false, func() { ser = Catch(func() { Jacobian(f)(x) }) })
	for range 5 { // any interleaving must give row 7's error
		withRows(true, func() { par = Catch(func() { Jacobian(f)(x) }) })
		if !errors.Is(par, ErrShape) || par.Error() != ser.Error() {
			t.Fatalf("parallel rows: got %v, want %v", par, ser)
		}
	}
	if !errors.Is(ser, ErrShape) {
		t.Fatalf("serial rows: got %v, want ErrShape", ser)
	}
	// A non-ad panic is raised again as it is.
	boom := NewPrimitive("boom", func(a []*Tensor) *Tensor { return Mul(a[0], 1.0) },
		func(g, _ *Tensor, _ []*Tensor) *Tensor {
			if g.Data()[40] != 0 {
				panic("boom at 40")
			}
			return g
		})
	withRows(true, func() {
		defer func() {
			if r := recover(); r != "boom at 40" {
				t.Errorf("got panic %v, want %q", r, "boom at 40")
			}
		}()
		Jacobian(func(x *Tensor) *Tensor { return boom.Call(Sin(x)) })(x)
	})
	// Errors of f itself and of non-scalar Hessians are unchanged.
	withRows(true, func() {
		if err := Catch(func() { Jacobian(func(x *Tensor) *Tensor { return MatMul(x, Ones(5, 5)) })(Ones(3, 4)) }); !errors.Is(err, ErrShape) {
			t.Errorf("f's own error: got %v, want ErrShape", err)
		}
		if err := Catch(func() { Hessian(Sin)(x) }); !errors.Is(err, ErrNonScalar) {
			t.Errorf("Hessian of a vector function: got %v, want ErrNonScalar", err)
		}
	})
}

// TestHessianParallelInterrupt interrupts a long parallel Hessian: it stops
// soon with ErrInterrupted and leaves no goroutine behind.
func TestHessianParallelInterrupt(t *testing.T) {
	base := runtime.NumGoroutine()
	r := NewRNG(14)
	a := Mul(r.Normal(400, 400), 0.05)
	x := r.Normal(400)
	f := func(x *Tensor) *Tensor {
		y := x
		for range 20 {
			y = Tanh(MatMul(a, y))
		}
		return Sum(Square(y))
	}
	withRows(true, func() {
		var rows atomic.Int64
		g := func(x *Tensor) *Tensor {
			return Grad(f)(x)
		}
		done := make(chan error, 1)
		started := make(chan bool)
		go func() {
			done <- Catch(func() {
				// A Jacobian whose rows signal progress: rows run on
				// several goroutines before the interrupt arrives.
				tick := NewPrimitive("tick", func(a []*Tensor) *Tensor { return Mul(a[0], 1.0) },
					func(gr, _ *Tensor, _ []*Tensor) *Tensor {
						if rows.Add(1) == 4 {
							close(started)
						}
						return gr
					})
				Jacobian(func(x *Tensor) *Tensor { return tick.Call(g(x)) })(x)
			})
		}()
		select {
		case <-started:
		case err := <-done:
			t.Fatalf("the Hessian ended before the interrupt: %v", err)
		}
		interruptAndWait(t, done)
		if n := rows.Load(); n >= 400 {
			t.Errorf("all %d rows ran despite the interrupt", n)
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines left running (%d before):\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
	// The same for a Hessian pulled back in batches.
	b := Mul(r.Normal(600, 600), 0.04)
	y := r.Normal(600)
	deep := func(x *Tensor) *Tensor {
		for range 20 {
			x = Tanh(MatMul(b, x))
		}
		return Sum(Square(x))
	}
	withRows(true, func() {
		done := make(chan error, 1)
		go func() { done <- Catch(func() { Hessian(deep)(y) }) }()
		time.Sleep(30 * time.Millisecond)
		Interrupt()
		err := <-done
		ResetInterrupt()
		if !errors.Is(err, ErrInterrupted) {
			t.Fatalf("batched: got %v, want ErrInterrupted", err)
		}
	})
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		buf := make([]byte, 1<<16)
		t.Errorf("batched: %d goroutines left running (%d before):\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
	// Afterwards the same Hessian works.
	withRows(true, func() {
		h := Hessian(func(x *Tensor) *Tensor { return Sum(Pow(x, 3)) })(New([]float64{1, 2}))
		closeTo(t, "Hessian after interrupt", h, []int{2, 2}, []float64{6, 0, 0, 12}, 1e-14)
	})
}

// batchCases are functions whose Jacobian (or Hessian, hess set) graphs
// only hold primitives with batched rules, one case at least per rule.
func batchCases() []struct {
	name string
	f    func(*Tensor) *Tensor
	x    *Tensor
	hess bool
} {
	r := NewRNG(15)
	a := Mul(r.Normal(7, 5), 0.3)
	b := r.Normal(4, 2)
	c14 := r.Normal(1, 4)
	return []struct {
		name string
		f    func(*Tensor) *Tensor
		x    *Tensor
		hess bool
	}{
		{"W5-like, non-square", func(x *Tensor) *Tensor { return Sum(Square(Tanh(MatMul(a, x)))) }, r.Normal(5), true},
		{"Aᵀ·x", func(x *Tensor) *Tensor { return Sigmoid(MatMul(Transpose(a), x)) }, r.Normal(7), false},
		{"matrix·matrix", func(x *Tensor) *Tensor { return Tanh(MatMul(x, b)) }, r.Normal(3, 4), false},
		{"matrix·matrix Hessian", func(x *Tensor) *Tensor { return Sum(Sin(MatMul(x, b))) }, r.Normal(3, 4), true},
		{"row vector·matrix", func(x *Tensor) *Tensor { return Exp(MatMul(Reshape(x, 1, 4), b)) }, r.Normal(4), false},
		{"row vector Hessian", func(x *Tensor) *Tensor {
			return Sum(Cos(MatMul(Reshape(x, 1, 4), b)))
		}, r.Normal(4), true},
		{"transpose and broadcasting", func(x *Tensor) *Tensor {
			return Sub(Mul(Transpose(Sin(x)), c14), Neg(Log(Add(Square(x), 1.0))))
		}, r.Normal(4, 4), false},
		{"broadcast column Hessian (SumTo)", func(x *Tensor) *Tensor {
			return Sum(Square(Mul(Reshape(x, 3, 1), c14)))
		}, r.Normal(3), true},
		{"broadcast vector Hessian (SumTo over a leading axis)", func(x *Tensor) *Tensor {
			return Sum(Square(Mul(x, Reshape(b, 2, 4))))
		}, r.Normal(4), true},
		{"3-d transpose", func(x *Tensor) *Tensor {
			return Mul(Transpose(Exp(Reshape(x, 2, 3, 4)), 1, 2, 0), Reshape(Linspace(1, 2, 4), 4, 1))
		}, r.Normal(24), false},
		{"BroadcastTo", func(x *Tensor) *Tensor { return Mul(BroadcastTo(Reshape(x, 3, 1), 3, 4), c14) }, r.Normal(3), false},
		{"Sqrt, Log1p, Tanh Hessian", func(x *Tensor) *Tensor {
			return Sum(Mul(Sqrt(Add(Square(x), 1.0)), Log1p(Square(Tanh(x)))))
		}, r.Normal(2, 3), true},
		{"Div", func(x *Tensor) *Tensor { return Sum(Div(Sin(x), Add(Square(x), 2.0))) }, r.Normal(5), true},
		{"Sum over an axis", func(x *Tensor) *Tensor { return Exp(Sum(Mul(x, Reshape(b, 4, 2)), 1)) }, r.Normal(4, 2), false},
		{"Sum Hessian", func(x *Tensor) *Tensor {
			return Add(Sum(Square(Sum(Mul(x, Reshape(b, 4, 2)), 1))), Square(Sum(Sin(x))))
		}, r.Normal(4, 2), true},
		{"sizes above one block", func(x *Tensor) *Tensor { return Tanh(Mul(x, 3.0)) }, r.Normal(batchRowsMax*2 + 3), false},
		{"output size 2", func(x *Tensor) *Tensor { return Mul(x, New([]float64{2, 3})) }, Scalar(1.5), false},
	}
}

// TestJacobianBatched checks that the graphs meant for batched pullbacks
// take that path, and that it agrees with the row-by-row pullbacks.
func TestJacobianBatched(t *testing.T) {
	for _, c := range batchCases() {
		f := c.f
		if c.hess {
			f = func(x *Tensor) *Tensor {
				_, g := valueAndGrad("test", c.f, x)
				return g
			}
		}
		out, _, root, start := makeVJPGraph("test", f, c.x)
		if jacobianBatched("test", out, root, start, c.x) == nil {
			t.Errorf("%s: not batched", c.name)
		}
		for _, parallel := range []bool{false, true} {
			var rows, batched *Tensor
			jac := Jacobian(c.f)
			if c.hess {
				jac = Hessian(c.f)
			}
			withRows(parallel, func() {
				jacobianBatch = false
				defer func() { jacobianBatch = true }()
				rows = jac(c.x)
			})
			withRows(parallel, func() { batched = jac(c.x) })
			closeTo(t, c.name, batched, rows.shape, rows.data, 1e-13)
		}
	}
	// Graphs with other primitives go row by row.
	x := New([]float64{0.5, -1.5, 2})
	for name, f := range map[string]func(*Tensor) *Tensor{
		"Index":     func(x *Tensor) *Tensor { return Stack([]*Tensor{Index(x, 0), Sin(Index(x, 2))}, 0) },
		"Max(axis)": func(x *Tensor) *Tensor { return Max(Mul(Reshape(x, 3, 1), Ones(1, 2)), 0) },
		"Pow":       func(x *Tensor) *Tensor { return Pow(x, 3.0) },
	} {
		out, _, root, start := makeVJPGraph("test", f, x)
		if jacobianBatched("test", out, root, start, x) != nil {
			t.Errorf("%s: batched", name)
		}
	}
}

// TestJacobianFwdBatched checks the batched forward-mode Jacobian against
// the tangent-by-tangent one on the batchable graphs, and that it is used.
func TestJacobianFwdBatched(t *testing.T) {
	for _, c := range batchCases() {
		f := c.f
		if c.hess {
			f = Grad(c.f)
		}
		if len(c.x.data) >= 2 && jacobianFwdBatched("test", f, c.x) == nil {
			t.Errorf("%s: not batched", c.name)
		}
		for _, parallel := range []bool{false, true} {
			var cols, batched *Tensor
			withRows(parallel, func() {
				jacobianBatch = false
				defer func() { jacobianBatch = true }()
				cols = JacobianFwd(f)(c.x)
			})
			withRows(parallel, func() { batched = JacobianFwd(f)(c.x) })
			closeTo(t, "JacobianFwd "+c.name, batched, cols.shape, cols.data, 1e-13)
			var rev *Tensor
			withRows(parallel, func() { rev = Jacobian(f)(c.x) })
			closeTo(t, "JacobianFwd vs Jacobian "+c.name, batched, rev.shape, rev.data, 1e-13)
		}
	}
	// Graphs with other primitives, and nested uses, go tangent by tangent.
	x := New([]float64{0.5, -1.5, 2})
	if jacobianFwdBatched("test", func(x *Tensor) *Tensor { return Pow(x, 3.0) }, x) != nil {
		t.Error("Pow: batched")
	}
	var inner *Tensor
	Grad(func(x *Tensor) *Tensor {
		inner = jacobianFwdBatched("test", Sin, x)
		return Sum(x)
	})(x)
	if inner != nil {
		t.Error("nested: batched")
	}
	// Forward over reverse inside Grad stays correct: ∇ tr H of Σx⁴ is 24x.
	withRows(true, func() {
		g := Grad(func(x *Tensor) *Tensor {
			return Trace(JacobianFwd(Grad(func(x *Tensor) *Tensor { return Sum(Pow(x, 4)) }))(x))
		})(x)
		closeTo(t, "Grad of trace of JacobianFwd(Grad)", g, []int{3}, Mul(x, 24).data, 1e-13)
	})
}
