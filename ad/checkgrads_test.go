package ad

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

// filled returns a tensor of the given shape with values spread over
// [lo, hi] in a fixed, non-monotone order (so no two neighbours are equal
// and broadcast operands do not tie).
func filled(lo, hi float64, shape ...int) *Tensor {
	n := shapeSize("test", shape)
	d := make([]float64, n)
	for i := range d {
		frac := math.Mod(float64(i)*0.618033988749895+0.37, 1)
		d[i] = lo + (hi-lo)*frac
	}
	return newRaw(shape, d)
}

var testShapes = [][]int{{}, {4}, {2, 3}}

func TestCheckGradsUnary(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		f      func(*Tensor) *Tensor
		lo, hi float64
	}{
		{"Neg", Neg, -2, 2},
		{"Exp", Exp, -2, 2},
		{"Log", Log, 0.5, 3},
		{"Log1p", Log1p, -0.5, 2},
		{"Expm1", Expm1, -2, 2},
		{"Sqrt", Sqrt, 0.5, 3},
		{"Square", Square, -2, 2},
		{"Abs", Abs, 0.2, 2},
		{"AbsNeg", Abs, -2, -0.2},
		{"Sin", Sin, -3, 3},
		{"Cos", Cos, -3, 3},
		{"Tan", Tan, -1.2, 1.2},
		{"Asin", Asin, -0.8, 0.8},
		{"Acos", Acos, -0.8, 0.8},
		{"Atan", Atan, -3, 3},
		{"Sinh", Sinh, -2, 2},
		{"Cosh", Cosh, -2, 2},
		{"Tanh", Tanh, -2, 2},
		{"Sigmoid", Sigmoid, -4, 4},
		{"Softplus", Softplus, -4, 4},
		{"Relu", Relu, 0.2, 2},
		{"ReluNeg", Relu, -2, -0.2},
		{"Clip", func(x *Tensor) *Tensor { return Clip(x, -1.05, 1.05) }, -2, 2},
		{"SeedTanh", seedTanh, -3, 3},
	}
	for _, tc := range cases {
		for _, shape := range testShapes {
			t.Run(fmt.Sprintf("%s%v", tc.name, shape), func(t *testing.T) {
				t.Parallel()
				r := CheckGrads(tc.f, filled(tc.lo, tc.hi, shape...), 2)
				if !r.OK {
					t.Errorf("%s", r)
				}
				if len(r.Results) != 6 {
					t.Errorf("got %d checks, want 6 (2 at order 1, 4 at order 2)", len(r.Results))
				}
			})
		}
	}
}

func TestCheckGradsBinary(t *testing.T) {
	t.Parallel()
	shapePairs := [][2][]int{
		{{}, {}},
		{{4}, {4}},
		{{2, 3}, {2, 3}},
		{{2, 3}, {3}},
		{{2, 1}, {1, 3}},
		{{2, 3}, {}},
		{{}, {3}},
	}
	cases := []struct {
		name           string
		f              func(a, b any) *Tensor
		alo, ahi       float64
		blo, bhi       float64
		skipDiscontinu bool
	}{
		{"Add", Add, -2, 2, -2, 2, false},
		{"Sub", Sub, -2, 2, -2, 2, false},
		{"Mul", Mul, -2, 2, -2, 2, false},
		{"Div", Div, -2, 2, 0.5, 2, false},
		{"Pow", Pow, 0.5, 2, -1.5, 2.5, false},
		{"Maximum", Maximum, -2, 2, -1.9, 2.1, false},
		{"Minimum", Minimum, -2, 2, -1.9, 2.1, false},
		{"Atan2", Atan2, -2, 2, 0.3, 2, false},
		{"Hypot", Hypot, 0.3, 2, -2, -0.3, false},
		{"LogAddExp", LogAddExp, -3, 3, -2, 2, false},
	}
	for _, tc := range cases {
		for _, sp := range shapePairs {
			t.Run(fmt.Sprintf("%s%v%v", tc.name, sp[0], sp[1]), func(t *testing.T) {
				t.Parallel()
				a, b := filled(tc.alo, tc.ahi, sp[0]...), filled(tc.blo, tc.bhi, sp[1]...)
				f := func(xs []*Tensor) *Tensor { return tc.f(xs[0], xs[1]) }
				r := CheckGradsSlice(f, []*Tensor{a, b}, CheckOptions{Order: 2})
				if !r.OK {
					t.Errorf("%s", r)
				}
			})
		}
	}
}

func TestCheckGradsWhere(t *testing.T) {
	t.Parallel()
	cond := New([]float64{1, 0, 1}, 3)
	f := func(xs []*Tensor) *Tensor { return Mul(Where(cond, xs[0], xs[1]), xs[0]) }
	r := CheckGradsSlice(f, []*Tensor{filled(-1, 1, 2, 3), filled(-1, 1, 2, 1)}, CheckOptions{Order: 2})
	if !r.OK {
		t.Errorf("%s", r)
	}
}

func TestCheckGradsDetectsWrongRule(t *testing.T) {
	t.Parallel()
	bad := &Primitive{
		Name:    "BadSin",
		Forward: primSin.Forward,
		VJP:     []VJPRule{func(g *Tensor, c *Call) *Tensor { return Mul(g, Sin(c.Args[0])) }},
		JVP:     []JVPRule{func(t *Tensor, c *Call) *Tensor { return Mul(t, Cos(c.Args[0])) }},
	}
	r := CheckGrads(func(x *Tensor) *Tensor { return bad.Apply(nil, x) }, filled(-1, 1, 3), 1)
	if r.OK {
		t.Fatalf("a wrong VJP rule passed the check:\n%s", r)
	}
	failed := r.Failed()
	if len(failed) != 1 || failed[0].Mode != "rev" {
		t.Errorf("failed checks %+v, want exactly the rev one", failed)
	}
	err := r.Err()
	if !errors.Is(err, ErrGradCheck) || !strings.Contains(err.Error(), "order 1 rev") {
		t.Errorf("Err() = %v, want an ErrGradCheck naming order 1 rev", err)
	}
	if s := r.String(); !strings.Contains(s, "FAIL") || !strings.Contains(s, "1 of 2 checks FAILED") {
		t.Errorf("String() does not show the failure:\n%s", s)
	}
}

func TestCustomPrimitiveHigherOrder(t *testing.T) {
	t.Parallel()
	// A user primitive for x³ with its rules written in ad's ops: any order works.
	var cube *Primitive
	cube = &Primitive{
		Name: "Cube",
		Forward: func(c *Call) *Tensor {
			x := c.Args[0]
			d := make([]float64, len(x.Data()))
			for i, v := range x.Data() {
				d[i] = v * v * v
			}
			return New(d, x.Shape()...)
		},
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor { return Mul(g, Mul(3.0, Square(c.Args[0]))) }},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor { return Mul(t, Mul(3.0, Square(c.Args[0]))) }},
	}
	f := func(x *Tensor) *Tensor { return cube.Apply(nil, x) }
	if got := Grad(Grad(Grad(f)))(Scalar(1.3)).Item(); math.Abs(got-6) > 1e-12 {
		t.Errorf("third derivative of x³: got %g, want 6", got)
	}
	AssertGrads(t, f, filled(-2, 2, 2, 2), 3)
}

func TestCheckGradsFusedDerivatives(t *testing.T) {
	t.Parallel()
	// The fused first-order rules must be differentiable again: third order
	// of Tanh, Sigmoid, Sin and Cos in both modes.
	for _, f := range []func(*Tensor) *Tensor{Tanh, Sigmoid, Sin, Cos} {
		r := CheckGrads(f, filled(-2, 2, 2, 3), 3)
		if !r.OK {
			t.Errorf("%s", r)
		}
	}
	for _, p := range []*Primitive{primTanhGrad, primSigmoidGrad, primSinGrad, primCosGrad} {
		r := CheckGradsSlice(func(xs []*Tensor) *Tensor { return p.Apply(nil, xs[0], xs[1]) },
			[]*Tensor{filled(-1, 1, 2, 3), filled(-0.9, 0.9, 3)}, CheckOptions{Order: 2})
		if !r.OK {
			t.Errorf("%s: %s", p.Name, r)
		}
	}
}

func TestCheckGradsDivGradB(t *testing.T) {
	t.Parallel()
	f := func(xs []*Tensor) *Tensor { return divGradB(xs[0], xs[1], xs[2]) }
	for _, shapes := range [][3][]int{{{2, 3}, {2, 3}, {2, 3}}, {{2, 3}, {3}, {2, 1}}, {{}, {4}, {}}} {
		xs := []*Tensor{filled(-1, 1, shapes[0]...), filled(-2, 2, shapes[1]...), filled(0.5, 2, shapes[2]...)}
		if r := CheckGradsSlice(f, xs, CheckOptions{Order: 2}); !r.OK {
			t.Errorf("shapes %v: %s", shapes, r)
		}
	}
}

func TestCheckGradsRecurrentAccumulation(t *testing.T) {
	t.Parallel()
	// A weight used at every step accumulates its gradient in place in the
	// backward pass; first and second order must still match.
	xs := filled(-1, 1, 12, 3, 2)
	f := func(ps []*Tensor) *Tensor {
		w, b := ps[0], ps[1]
		h := Zeros(3, 2)
		for step := 0; step < 12; step++ {
			h = Tanh(Add(Add(MatMul(h, w), Index(xs, step)), b))
		}
		return Sum(Square(h))
	}
	r := CheckGradsSlice(f, []*Tensor{filled(-0.8, 0.8, 2, 2), filled(-0.5, 0.5, 2)}, CheckOptions{Order: 2})
	if !r.OK {
		t.Errorf("%s", r)
	}
}

func TestCheckGradsInternalLinear(t *testing.T) {
	t.Parallel()
	// The linear primitives behind broadcasting and the Jacobians, each
	// composed with a nonlinearity so that second derivatives are not zero.
	cases := []struct {
		name string
		f    func(*Tensor) *Tensor
		x    *Tensor
	}{
		{"broadcastTo", func(x *Tensor) *Tensor { return Square(broadcastTo(x, []int{2, 2, 3})) }, filled(-1, 1, 2, 1, 3)},
		{"sumTo", func(x *Tensor) *Tensor { return Square(sumTo(x, []int{2, 1})) }, filled(-1, 1, 3, 2, 4)},
		{"sumToScalar", func(x *Tensor) *Tensor { return Square(sumTo(x, []int{})) }, filled(-1, 1, 2, 3)},
		{"stackParts", func(x *Tensor) *Tensor {
			return Square(stackParts([]*Tensor{Sin(x), Square(x)}, []int{2, 2, 3}))
		}, filled(-1, 1, 2, 3)},
		{"transposeFlat", func(x *Tensor) *Tensor {
			return Mul(transposeFlat(x, 2, 3, []int{3, 2}), Sin(transposeFlat(x, 2, 3, []int{3, 2})))
		}, filled(-1, 1, 2, 3)},
	}
	for _, tc := range cases {
		if r := CheckGrads(tc.f, tc.x, 2); !r.OK {
			t.Errorf("%s: %s", tc.name, r)
		}
	}
}
