package ad

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

// newSoftplusPrim defines softplus as a user primitive with rules written in
// ad ops: d/dx log(1+eˣ) = sigmoid(x).
func newSoftplusPrim() *CustomPrimitive {
	return NewPrimitive("mysoftplus",
		func(a []*Tensor) *Tensor { return Log1p(Exp(a[0])) },
		func(g, ans *Tensor, a []*Tensor) *Tensor { return Mul(g, Sigmoid(a[0])) },
	).DefJVP(0, func(t, ans *Tensor, a []*Tensor) *Tensor { return Mul(t, Sigmoid(a[0])) })
}

func TestCustomPrimitive(t *testing.T) {
	t.Parallel()
	sp := newSoftplusPrim()
	checkGradsExt(t, "custom softplus", func(x *Tensor) *Tensor { return sp.Call(x) }, randTensor(1, 2, 3), 2, 1e-6)
	// Two arguments, the second with a rule, the first with none (zero).
	scale := NewPrimitive("scale", func(a []*Tensor) *Tensor { return Mul(a[0], a[1]) }, nil,
		func(g, ans *Tensor, a []*Tensor) *Tensor { return Mul(g, a[0]) })
	g := Grad(func(x *Tensor) *Tensor { return Sum(scale.Call(x, x)) })(New([]float64{2, 3}))
	closeSlices(t, "rule only for argument 1", g.Data(), []float64{2, 3}, 0)
	// A straight-through estimator: Round forward, identity backward.
	ste := NewPrimitive("ste", func(a []*Tensor) *Tensor { return Round(a[0]) },
		func(g, ans *Tensor, a []*Tensor) *Tensor { return g })
	g = Grad(func(x *Tensor) *Tensor { return Sum(Mul(ste.Call(x), x)) })(New([]float64{0.4, 1.6}))
	closeSlices(t, "straight-through", g.Data(), []float64{0.4, 3.6}, 1e-15)
	if ste.Name() != "ste" {
		t.Errorf("Name: got %q want %q", ste.Name(), "ste")
	}
}

func TestCustomPrimitiveErrors(t *testing.T) {
	t.Parallel()
	bad := NewPrimitive("bad", func(a []*Tensor) *Tensor { return a[0] },
		func(g, ans *Tensor, a []*Tensor) *Tensor { return nil })
	nilOut := NewPrimitive("nilout", func(a []*Tensor) *Tensor { return nil })
	tests := []struct {
		name string
		f    func()
		kind error
	}{
		{"nil forward", func() { NewPrimitive("x", nil) }, ErrNil},
		{"nil result", func() { nilOut.Call(Ones(1)) }, ErrNil},
		{"nil rule result", func() { Grad(func(x *Tensor) *Tensor { return Sum(bad.Call(x)) })(Ones(2)) }, ErrNil},
		{"nil argument", func() { bad.Call(nil) }, ErrNil},
		{"negative index", func() { bad.DefJVP(-1, nil) }, ErrArgument},
	}
	for _, tc := range tests {
		if err := Catch(tc.f); !errors.Is(err, tc.kind) {
			t.Errorf("%s: got %v want an error wrapping %v", tc.name, err, tc.kind)
		}
	}
}

func TestCheckpointRecomputesInBackward(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	f := func(x *Tensor) *Tensor {
		calls.Add(1)
		for i := 0; i < 3; i++ {
			x = Tanh(Mul(x, 1.5))
		}
		return x
	}
	cf := Checkpoint(f)
	x := randTensor(2, 4)
	closeSlices(t, "Checkpoint value", cf(x).Data(), f(x).Data(), 0)
	calls.Store(0)
	g := Grad(func(x *Tensor) *Tensor { return Sum(Square(cf(x))) })(x)
	if n := calls.Load(); n != 2 {
		t.Errorf("f ran %d times for one gradient, want 2 (forward, then recomputed in the backward pass)", n)
	}
	want := Grad(func(x *Tensor) *Tensor { return Sum(Square(f(x))) })(x)
	closeSlices(t, "Checkpoint gradient", g.Data(), want.Data(), 1e-14)
	checkGradsExt(t, "Checkpoint", cf, x, 2, 1e-6)
	if err := Catch(func() { Checkpoint(nil) }); !errors.Is(err, ErrNil) {
		t.Errorf("Checkpoint(nil): got %v want ErrNil", err)
	}
}

func ExampleNewPrimitive() {
	// log(1+eˣ) with a hand-written derivative.
	softplus := NewPrimitive("softplus",
		func(a []*Tensor) *Tensor { return Log1p(Exp(a[0])) },
		func(g, ans *Tensor, a []*Tensor) *Tensor { return Mul(g, Sigmoid(a[0])) })
	fmt.Println(Grad(func(x *Tensor) *Tensor { return softplus.Call(x) })(Scalar(0)))
	// Output: 0.5
}

func ExampleCheckpoint() {
	f := Checkpoint(func(x *Tensor) *Tensor { return Sin(Sin(x)) })
	fmt.Printf("%.6f\n", Grad(f)(Scalar(1)).Item())
	// Output: 0.360039
}

func TestCheckpointSlice(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	// One RNN-like step h' = tanh(W h + b), checkpointed with its weights
	// as arguments.
	step := func(a []*Tensor) *Tensor {
		calls.Add(1)
		return Tanh(Add(MatMul(a[0], a[1]), a[2]))
	}
	cstep := CheckpointSlice(step)
	w := Mul(randTensor(70, 3, 3), 0.5)
	b := randTensor(71, 3)
	h0 := randTensor(72, 3)
	loss := func(f func([]*Tensor) *Tensor) func([]*Tensor) *Tensor {
		return func(p []*Tensor) *Tensor {
			h := p[2]
			for i := 0; i < 4; i++ {
				h = f([]*Tensor{p[0], h, p[1]})
			}
			return Sum(Square(h))
		}
	}
	calls.Store(0)
	got := GradSlice(loss(cstep))([]*Tensor{w, b, h0})
	if n := calls.Load(); n != 8 {
		t.Errorf("step ran %d times for one gradient of 4 steps, want 8 (each once forward, once backward)", n)
	}
	want := GradSlice(loss(step))([]*Tensor{w, b, h0})
	for i := range want {
		closeSlices(t, "CheckpointSlice gradient", got[i].Data(), want[i].Data(), 1e-13)
	}
	// Second order and forward mode, one argument at a time.
	checkGradsExt(t, "CheckpointSlice wrt W", func(w *Tensor) *Tensor { return loss(cstep)([]*Tensor{w, b, h0}) }, w, 2, 1e-6)
	checkGradsExt(t, "CheckpointSlice wrt h0", func(h *Tensor) *Tensor { return loss(cstep)([]*Tensor{w, b, h}) }, h0, 2, 1e-6)
	// A captured differentiated value is an error, not a silently lost gradient.
	err := Catch(func() {
		Grad(func(w *Tensor) *Tensor {
			f := Checkpoint(func(h *Tensor) *Tensor { return Tanh(MatMul(w, h)) })
			return Sum(f(h0))
		})(w)
	})
	if !errors.Is(err, ErrNotInput) {
		t.Errorf("Checkpoint capturing a differentiated value: got %v want ErrNotInput", err)
	}
}

// TestCustomPrimitiveArgsAreCopies checks that user functions get argument
// slices of their own: the engine recycles the Call given to Forward and
// shares a node's Call among the rules of all arguments, so a forward that
// keeps its slice, or a rule that overwrites an element, must not see or
// disturb the engine's.
func TestCustomPrimitiveArgsAreCopies(t *testing.T) {
	t.Parallel()
	x, y := New([]float64{1, 2}), New([]float64{3, 4})

	var kept []*Tensor
	keep := NewPrimitive("keep", func(a []*Tensor) *Tensor {
		kept = a
		return Add(a[0], a[1])
	})
	keep.Call(x, y)
	Add(Ones(2), Ones(2)) // reuses the recycled Call, if any
	if len(kept) != 2 || kept[0] != x || kept[1] != y {
		t.Fatalf("forward's kept arguments: got %v want [x y]", kept)
	}

	// The rule for argument 0 clobbers its slice; the rule for argument 1
	// must still see a[0] == x. d/dy Σ x·y = x.
	mul := NewPrimitive("mul", func(a []*Tensor) *Tensor { return Mul(a[0], a[1]) },
		func(g, ans *Tensor, a []*Tensor) *Tensor {
			r := Mul(g, a[1])
			a[0], a[1] = nil, nil
			return r
		},
		func(g, ans *Tensor, a []*Tensor) *Tensor { return Mul(g, a[0]) })
	gs := GradSlice(func(v []*Tensor) *Tensor { return Sum(mul.Call(v[0], v[1])) })([]*Tensor{x, y})
	closeSlices(t, "d/dx", gs[0].Data(), y.Data(), 0)
	closeSlices(t, "d/dy", gs[1].Data(), x.Data(), 0)

	// The same for Checkpoint's function.
	var keptCk []*Tensor
	ck := CheckpointSlice(func(a []*Tensor) *Tensor { keptCk = a; return Sum(Mul(a[0], a[1])) })
	ck([]*Tensor{x, y})
	Add(Ones(2), Ones(2))
	if len(keptCk) != 2 || keptCk[0] != x || keptCk[1] != y {
		t.Fatalf("checkpointed function's kept arguments: got %v want [x y]", keptCk)
	}
}
