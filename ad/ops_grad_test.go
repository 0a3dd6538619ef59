package ad

import (
	"fmt"
	"testing"
)

// Derivative checks of the array ops (reductions, shape, indexing,
// products) through CheckGrads: first and second order, reverse and forward
// mode, against central differences, over scalar, vector, matrix, 3-d and
// broadcast shapes.

// opsGradCase is one function of one input checked at one point.
type opsGradCase struct {
	name string
	f    func(*Tensor) *Tensor
	x    *Tensor
}

// opsCheckGrads runs CheckGrads at order 2: reverse and forward mode at
// order 1 and the four mixtures at order 2, against central differences.
func opsCheckGrads(t *testing.T, c opsGradCase) {
	t.Helper()
	r := CheckGrads(c.f, c.x, 2)
	if len(r.Results) != 6 {
		t.Errorf("%s: CheckGrads made %d comparisons, want 6", c.name, len(r.Results))
	}
	if !r.OK {
		t.Errorf("%s at shape %s:\n%s", c.name, fmtShape(c.x.shape), r)
	}
}

// opsCube makes an op's second derivative non-trivial: linear ops have zero
// second derivatives, so the checks compose them with x³.
func opsCube(x *Tensor) *Tensor { return Mul(x, Mul(x, x)) }

func TestOpsGrads(t *testing.T) {
	t.Parallel()
	rng := NewRNG(42)
	vec := rng.Normal(5)
	mat := rng.Normal(3, 4)
	cube := rng.Normal(2, 3, 4)
	scalar := Scalar(0.7)
	pos := Add(rng.Uniform(0.5, 2, 3, 4), 0) // away from zero, for Prod
	distinct := New([]float64{0.3, -1.2, 2.5, 0.9, -0.4, 1.7, -2.2, 0.1, 1.1, -0.8, 2.0, -1.5}, 3, 4)
	b43 := rng.Normal(4, 3)
	b2x43 := rng.Normal(2, 4, 3)
	v4 := rng.Normal(4)

	cases := []opsGradCase{
		// Reductions.
		{"Sum/all", func(x *Tensor) *Tensor { return Sum(opsCube(x)) }, mat},
		{"Sum/axis0", func(x *Tensor) *Tensor { return Sum(opsCube(x), 0) }, mat},
		{"Sum/axis-1", func(x *Tensor) *Tensor { return Sum(opsCube(x), -1) }, cube},
		{"Sum/axes0,2", func(x *Tensor) *Tensor { return Sum(opsCube(x), 0, 2) }, cube},
		{"Sum/scalar", func(x *Tensor) *Tensor { return Sum(opsCube(x)) }, scalar},
		{"SumKeepDims/broadcast", func(x *Tensor) *Tensor { return Div(x, SumKeepDims(Square(x), 1)) }, mat},
		{"Mean", func(x *Tensor) *Tensor { return Mean(opsCube(x), 1) }, mat},
		{"MeanKeepDims", func(x *Tensor) *Tensor { return Sub(x, MeanKeepDims(opsCube(x), 0)) }, mat},
		{"Prod/all", func(x *Tensor) *Tensor { return Prod(x) }, pos},
		{"Prod/axis1", func(x *Tensor) *Tensor { return Prod(x, 1) }, pos},
		{"ProdKeepDims", func(x *Tensor) *Tensor { return Mul(x, ProdKeepDims(x, 0)) }, pos},
		{"Max/all", func(x *Tensor) *Tensor { return Max(opsCube(x)) }, distinct},
		{"Max/axis0", func(x *Tensor) *Tensor { return Max(opsCube(x), 0) }, distinct},
		{"Min/axis1", func(x *Tensor) *Tensor { return Min(opsCube(x), 1) }, distinct},
		{"MinKeepDims", func(x *Tensor) *Tensor { return Sub(x, MinKeepDims(opsCube(x), 1)) }, distinct},
		{"Var/ddof0", func(x *Tensor) *Tensor { return Var(x, 0) }, mat},
		{"Var/ddof1/axis1", func(x *Tensor) *Tensor { return Var(x, 1, 1) }, mat},
		{"VarKeepDims", func(x *Tensor) *Tensor { return Mul(x, VarKeepDims(x, 0, 0)) }, mat},
		{"Std/axis0", func(x *Tensor) *Tensor { return Std(x, 1, 0) }, mat},
		{"StdKeepDims", func(x *Tensor) *Tensor { return StdKeepDims(x, 0, 2) }, cube},
		{"LogSumExp/all", func(x *Tensor) *Tensor { return LogSumExp(x) }, mat},
		{"LogSumExp/axis1", func(x *Tensor) *Tensor { return LogSumExp(Mul(x, 3), 1) }, mat},
		{"LogSumExpKeepDims/softmax", func(x *Tensor) *Tensor { return Exp(Sub(x, LogSumExpKeepDims(x, -1))) }, cube},
		{"CumSum/axis0", func(x *Tensor) *Tensor { return CumSum(opsCube(x), 0) }, mat},
		{"CumSum/axis1", func(x *Tensor) *Tensor { return CumSum(opsCube(x), 1) }, cube},
		{"CumSum/vector", func(x *Tensor) *Tensor { return Mul(CumSum(x, 0), x) }, vec},

		{"Max/scalar", func(x *Tensor) *Tensor { return Max(opsCube(x)) }, scalar},
		{"Prod/scalar", func(x *Tensor) *Tensor { return Prod(opsCube(x)) }, scalar},
		{"Mean/scalar", func(x *Tensor) *Tensor { return Mean(opsCube(x)) }, scalar},
		{"LogSumExp/scalar", func(x *Tensor) *Tensor { return LogSumExp(opsCube(x)) }, scalar},
		{"CumSum/scalar", func(x *Tensor) *Tensor { return CumSum(opsCube(x), 0) }, scalar},

		// Shape.
		{"ExpandDims/scalar", func(x *Tensor) *Tensor { return ExpandDims(opsCube(x), 0) }, scalar},
		{"Stack/scalars", func(x *Tensor) *Tensor { return Stack([]*Tensor{x, opsCube(x)}, 0) }, scalar},
		{"Tile/scalar", func(x *Tensor) *Tensor { return Tile(opsCube(x), 3) }, scalar},
		{"Repeat/scalar", func(x *Tensor) *Tensor { return Repeat(opsCube(x), 2, 0) }, scalar},
		{"BroadcastTo/scalar", func(x *Tensor) *Tensor { return BroadcastTo(opsCube(x), 2, 2) }, scalar},
		{"Transpose/vector", func(x *Tensor) *Tensor { return Transpose(opsCube(x)) }, vec},
		{"Reshape", func(x *Tensor) *Tensor { return Reshape(opsCube(x), 2, -1) }, mat},
		{"Reshape/scalar", func(x *Tensor) *Tensor { return Reshape(opsCube(x), 1, 1) }, scalar},
		{"Transpose/matrix", func(x *Tensor) *Tensor { return Mul(Transpose(x), Transpose(opsCube(x))) }, mat},
		{"Transpose/perm", func(x *Tensor) *Tensor { return Transpose(opsCube(x), 2, 0, 1) }, cube},
		{"Transpose/broadcast", func(x *Tensor) *Tensor { return Mul(Transpose(x, 1, 0, 2), Sum(x, 1)) }, cube},
		{"ExpandDims", func(x *Tensor) *Tensor { return Mul(ExpandDims(x, 1), x) }, mat},
		{"Squeeze", func(x *Tensor) *Tensor { return Squeeze(opsCube(Reshape(x, 1, 3, 1, 4))) }, mat},
		{"BroadcastTo", func(x *Tensor) *Tensor { return BroadcastTo(opsCube(x), 2, 3, 5) }, Reshape(vec, 1, 5)},
		{"Concatenate", func(x *Tensor) *Tensor { return Concatenate([]*Tensor{x, opsCube(x), Square(x)}, 1) }, mat},
		{"Concatenate/axis0", func(x *Tensor) *Tensor {
			return Concatenate([]*Tensor{Slice(x, To(1)), opsCube(x)}, 0)
		}, mat},
		{"Stack", func(x *Tensor) *Tensor { return Stack([]*Tensor{x, opsCube(x)}, -1) }, mat},
		{"Split", func(x *Tensor) *Tensor {
			p := Split(x, 2, 1)
			return Mul(p[0], opsCube(p[1]))
		}, mat},
		{"SplitAt", func(x *Tensor) *Tensor {
			p := SplitAt(x, []int{1, 3}, 0)
			return Add(Sum(opsCube(p[1])), Mul(p[0], p[2]))
		}, vec},
		{"Tile", func(x *Tensor) *Tensor { return Tile(opsCube(x), 2, 1, 3) }, mat},
		{"Repeat", func(x *Tensor) *Tensor { return Repeat(opsCube(x), 3, 1) }, mat},
		{"Flip", func(x *Tensor) *Tensor { return Mul(Flip(x, 0), opsCube(x)) }, mat},
		{"Flip/all", func(x *Tensor) *Tensor { return Mul(Flip(x), x) }, cube},
		{"Diag/vector", func(x *Tensor) *Tensor { return Diag(opsCube(x)) }, vec},
		{"Diag/matrix", func(x *Tensor) *Tensor { return Diag(opsCube(x)) }, mat},
		{"Trace", func(x *Tensor) *Tensor { return Trace(opsCube(x)) }, Reshape(Slice(mat, All, To(3)), 3, 3)},
		{"Trace/3d", func(x *Tensor) *Tensor { return Trace(opsCube(x)) }, cube},

		// Indexing.
		{"Slice", func(x *Tensor) *Tensor { return Slice(opsCube(x), S(0, 3, 2), From(1)) }, mat},
		{"Slice/negative", func(x *Tensor) *Tensor { return Mul(Slice(x, Step(-2)), Slice(x, S(-3, 5))) }, vec},
		{"Index", func(x *Tensor) *Tensor { return Mul(Index(x, 1), Index(x, -1, 2)) }, mat},
		{"Take/repeated", func(x *Tensor) *Tensor { return Take(opsCube(x), []int{0, 2, 2, -1}, 1) }, mat},
		{"Take/axis0", func(x *Tensor) *Tensor { return Mul(Take(x, []int{1, 1, 0}, 0), Sum(x)) }, mat},

		// Products.
		{"MatMul/left", func(x *Tensor) *Tensor { return MatMul(opsCube(x), b43) }, mat},
		{"MatMul/right", func(x *Tensor) *Tensor { return MatMul(b43, opsCube(x)) }, mat},
		{"MatMul/self", func(x *Tensor) *Tensor { return MatMul(x, Transpose(opsCube(x))) }, mat},
		{"MatMul/batch-broadcast-left", func(x *Tensor) *Tensor { return MatMul(opsCube(x), b2x43) }, mat},
		{"MatMul/batch-broadcast-both", func(x *Tensor) *Tensor { return MatMul(Sum(x, 0), Transpose(opsCube(x), 0, 2, 1)) }, cube},
		{"MatMul/batched", func(x *Tensor) *Tensor { return MatMul(opsCube(x), Transpose(x, 0, 2, 1)) }, cube},
		{"MatMul/vector-matrix", func(x *Tensor) *Tensor { return MatMul(opsCube(x), b43) }, v4},
		{"MatMul/matrix-vector", func(x *Tensor) *Tensor { return MatMul(opsCube(x), v4) }, mat},
		{"MatMul/vector-vector", func(x *Tensor) *Tensor { return MatMul(x, opsCube(x)) }, vec},
		{"MatMul/batch-vector", func(x *Tensor) *Tensor { return MatMul(opsCube(x), v4) }, cube},
		{"Dot/matrix", func(x *Tensor) *Tensor { return Dot(opsCube(x), b43) }, mat},
		{"Dot/nd", func(x *Tensor) *Tensor { return Dot(opsCube(x), b2x43) }, cube},
		{"Dot/scalar", func(x *Tensor) *Tensor { return Dot(x, opsCube(x)) }, scalar},
		{"Outer", func(x *Tensor) *Tensor { return Outer(x, opsCube(x)) }, vec},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			opsCheckGrads(t, c)
		})
	}
}

// TestOpsGradTies checks that Max and Min share the gradient equally among
// tied entries, as autograd does.
func TestOpsGradTies(t *testing.T) {
	t.Parallel()
	x := New([]float64{1, 3, 3, 2, 0, 0}, 2, 3)
	cases := []struct {
		name string
		f    func(*Tensor) *Tensor
		want []float64
	}{
		{"Max/all", func(x *Tensor) *Tensor { return Max(x) }, []float64{0, 0.5, 0.5, 0, 0, 0}},
		{"Max/axis1", func(x *Tensor) *Tensor { return Sum(Max(x, 1)) }, []float64{0, 0.5, 0.5, 1, 0, 0}},
		{"Min/axis1", func(x *Tensor) *Tensor { return Sum(Min(x, 1)) }, []float64{1, 0, 0, 0, 0.5, 0.5}},
		{"Min/axis0", func(x *Tensor) *Tensor { return Sum(Min(x, 0)) }, []float64{1, 0, 0, 0, 1, 1}},
	}
	for _, c := range cases {
		got := Grad(c.f)(x).Data()
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: gradient %v, want %v", c.name, got, c.want)
		}
	}
}

// TestOpsGradsOrder3 checks third derivatives (all eight mixtures of modes)
// of ops whose rules call other primitives: the rules of their rules must
// be right too.
func TestOpsGradsOrder3(t *testing.T) {
	t.Parallel()
	rng := NewRNG(3)
	mat := rng.Normal(3, 4)
	b43 := rng.Normal(4, 3)
	pos := rng.Uniform(0.5, 2, 3, 4)
	cases := []opsGradCase{
		{"MatMul", func(x *Tensor) *Tensor { return MatMul(Mul(x, x), MatMul(b43, x)) }, mat},
		{"MatMul/vector", func(x *Tensor) *Tensor { return MatMul(opsCube(x), Index(x, 0)) }, mat},
		{"Prod", func(x *Tensor) *Tensor { return Prod(x, 1) }, pos},
		{"LogSumExp", func(x *Tensor) *Tensor { return LogSumExp(x, 0) }, mat},
		{"Var", func(x *Tensor) *Tensor { return Var(opsCube(x), 1, 1) }, mat},
		{"Max", func(x *Tensor) *Tensor { return Max(opsCube(x), 0) }, mat},
		{"CumSum/Take/Slice", func(x *Tensor) *Tensor {
			return Mul(CumSum(Take(x, []int{2, 0, 2}, 1), 1), Slice(opsCube(x), All, S(0, 3)))
		}, mat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := CheckGradsWith(c.f, c.x, CheckOptions{Order: 3, Eps: 1e-4, Tol: 1e-5})
			if len(r.Results) != 14 {
				t.Errorf("%s: CheckGrads made %d comparisons, want 14", c.name, len(r.Results))
			}
			if !r.OK {
				t.Errorf("%s at shape %s:\n%s", c.name, fmtShape(c.x.shape), r)
			}
		})
	}
}
