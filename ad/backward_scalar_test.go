package ad

import (
	"fmt"
	"math"
	"testing"
)

// TestScalarBackward checks that the backward pass's scalar shortcut
// (bare float64 cotangents and Primitive.scalarVJP on 0-d values) gives bit
// for bit the derivatives of the general tensor path, which the same
// functions take on 1-element arrays, for first to third order (higher
// orders run the general path inside and the shortcut in the outermost
// pass), with values including zeros, infinities and NaN.
func TestScalarBackward(t *testing.T) {
	t.Parallel()
	vec := New([]float64{0.5, -2, 3})
	fs := []struct {
		name string
		f    func(x *Tensor) *Tensor
	}{
		{"w2-loop", func(x *Tensor) *Tensor {
			for i := 0; i < 5; i++ {
				x = Add(Mul(Sin(x), 0.9), Mul(0.1, Cos(x)))
			}
			return x
		}},
		{"add-sub", func(x *Tensor) *Tensor { return Sub(Add(x, Mul(x, x)), Sub(3.0, x)) }},
		{"sub-self", func(x *Tensor) *Tensor { return Sub(Mul(x, 2.0), x) }},
		{"div", func(x *Tensor) *Tensor { return Add(Div(x, Add(Mul(x, x), 1.0)), Div(2.0, Add(x, 0.5))) }},
		{"div-self", func(x *Tensor) *Tensor { return Div(Sin(x), x) }},
		{"tanh", func(x *Tensor) *Tensor { return Tanh(Mul(Tanh(x), Cos(x))) }},
		{"sin-cos-product", func(x *Tensor) *Tensor { return Mul(Sin(x), Cos(Mul(x, 3.0))) }},
		{"fan-out", func(x *Tensor) *Tensor {
			y := Sin(x)
			return Add(Add(Mul(y, y), Mul(y, x)), Sub(y, Tanh(y)))
		}},
		{"mixed-with-vector", func(x *Tensor) *Tensor {
			return Add(Sum(Mul(Sin(x), vec)), Tanh(x))
		}},
		{"mixed-exp", func(x *Tensor) *Tensor { return Mul(Exp(Sin(x)), Cos(x)) }},
	}
	vals := []float64{0.5, 0, math.Copysign(0, -1), -1.25, 3, 1e-300, -7e12, math.Inf(1), math.NaN()}
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
	}
	for _, tc := range fs {
		scalar, array := tc.f, tc.f
		for order := 1; order <= 3; order++ {
			scalar, array = Grad(scalar), ElementwiseGrad(array)
			for _, v := range vals {
				t.Run(fmt.Sprintf("%s/order%d/%g", tc.name, order, v), func(t *testing.T) {
					got := scalar(Scalar(v))
					want := array(New([]float64{v}))
					if got.NDim() != 0 || got.IsBoxed() {
						t.Fatalf("got shape %v (boxed %v), want a plain scalar", got.Shape(), got.IsBoxed())
					}
					if !same(got.Item(), want.Item()) {
						t.Errorf("got %v, want %v (general path)", got.Item(), want.Item())
					}
				})
			}
		}
	}
}

// TestScalarBackwardConsumers checks the slot states of the backward pass
// through a scalar graph whose input also feeds tensor operations: scalar
// and tensor cotangents of one node must be summed, and GradSlice must give
// each scalar input its own gradient.
func TestScalarBackwardConsumers(t *testing.T) {
	t.Parallel()
	f := func(xs []*Tensor) *Tensor {
		a, b := xs[0], xs[1]
		v := Mul(a, New([]float64{1, 2, 3}))
		return Add(Mul(Sum(v), b), Mul(Sin(a), Cos(b)))
	}
	a, b := 0.7, -1.3
	gs := GradSlice(f)([]*Tensor{Scalar(a), Scalar(b)})
	wantA := 6*b + math.Cos(a)*math.Cos(b)
	wantB := 6*a - math.Sin(a)*math.Sin(b)
	if math.Abs(gs[0].Item()-wantA) > 1e-14 || math.Abs(gs[1].Item()-wantB) > 1e-14 {
		t.Errorf("got %v, %v; want %v, %v", gs[0].Item(), gs[1].Item(), wantA, wantB)
	}
}

// TestScalarTraceConcurrent applies scalar operations to values of one
// trace from several goroutines at once, so that they share the trace's
// node slabs (run it with -race).
func TestScalarTraceConcurrent(t *testing.T) {
	t.Parallel()
	const workers, steps = 4, 300
	chain := func(x *Tensor, k int) *Tensor {
		for i := 0; i < steps; i++ {
			x = Add(Mul(Sin(x), 0.9), Mul(0.01*float64(k+1), Cos(x)))
		}
		return x
	}
	f := func(x *Tensor) *Tensor {
		outs := make([]*Tensor, workers)
		done := make(chan struct{})
		for k := range outs {
			go func() {
				defer func() { done <- struct{}{} }()
				outs[k] = chain(x, k)
			}()
		}
		for range outs {
			<-done
		}
		sum := outs[0]
		for _, o := range outs[1:] {
			sum = Add(sum, o)
		}
		return sum
	}
	seq := func(x *Tensor) *Tensor {
		sum := chain(x, 0)
		for k := 1; k < workers; k++ {
			sum = Add(sum, chain(x, k))
		}
		return sum
	}
	for _, v := range []float64{0.5, -1.5, 2} {
		got, want := Grad(f)(Scalar(v)).Item(), Grad(seq)(Scalar(v)).Item()
		if math.Abs(got-want) > 1e-12*(1+math.Abs(want)) {
			t.Errorf("at %g: concurrent trace gives %v, sequential %v", v, got, want)
		}
	}
}
