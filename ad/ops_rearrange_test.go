package ad

import (
	"errors"
	"math"
	"testing"
)

// TestRearrangeCheckGrads checks first and second derivatives in both modes
// of numpy's rearranging functions, with repeated indices where they can
// occur; the functions are made non-linear (opsCube) so that second
// derivatives are not trivially zero.
func TestRearrangeCheckGrads(t *testing.T) {
	t.Parallel()
	rng := NewRNG(61)
	mat := rng.Normal(3, 4)
	cube := rng.Normal(2, 3, 4)
	vec := rng.Normal(5)
	v3 := rng.Normal(2, 3)
	w3 := rng.Normal(3)
	cases := []struct {
		name string
		f    func(*Tensor) *Tensor
		x    *Tensor
	}{
		{"Roll axis", func(x *Tensor) *Tensor { return Mul(Roll(opsCube(x), 2, 1), x) }, mat},
		{"Roll negative, flattened", func(x *Tensor) *Tensor { return Mul(Roll(opsCube(x), -5), x) }, mat},
		{"Rot90 k=1", func(x *Tensor) *Tensor { return Rot90(opsCube(x), 1) }, mat},
		{"Rot90 k=3 axes 1,2", func(x *Tensor) *Tensor { return Rot90(opsCube(x), 3, 1, 2) }, cube},
		{"Rot90 k=-2", func(x *Tensor) *Tensor { return Rot90(opsCube(x), -2) }, mat},
		{"Triu k=1", func(x *Tensor) *Tensor { return Triu(opsCube(x), 1) }, mat},
		{"Tril k=-1 batch", func(x *Tensor) *Tensor { return Tril(opsCube(x), -1) }, cube},
		{"Diagonal offset 1 axes 2,0", func(x *Tensor) *Tensor { return Diagonal(opsCube(x), 1, 2, 0) }, cube},
		{"DiagK matrix k=-1", func(x *Tensor) *Tensor { return DiagK(opsCube(x), -1) }, mat},
		{"DiagK vector k=2", func(x *Tensor) *Tensor { return DiagK(opsCube(x), 2) }, vec},
		{"MakeDiagonal batch", func(x *Tensor) *Tensor { return MakeDiagonal(opsCube(x)) }, mat},
		{"TraceOffset 1", func(x *Tensor) *Tensor { return TraceOffset(opsCube(x), 1) }, cube},
		{"TraceOffset -2", func(x *Tensor) *Tensor { return TraceOffset(opsCube(x), -2) }, mat},
		{"Diff n=2 axis 1", func(x *Tensor) *Tensor { return Diff(opsCube(x), 2, 1) }, mat},
		{"Diff n=1 axis 0", func(x *Tensor) *Tensor { return Diff(opsCube(x), 1, 0) }, cube},
		{"Gradient axis -1", func(x *Tensor) *Tensor { return Gradient(opsCube(x), 0.5, -1) }, mat},
		{"Gradient two samples", func(x *Tensor) *Tensor { return Gradient(opsCube(x), 1, 0) }, rng.Normal(2, 3)},
		{"Pad each axis", func(x *Tensor) *Tensor { return Pad(opsCube(x), [][2]int{{1, 0}, {2, 3}}, 1.5) }, mat},
		{"Pad one pair", func(x *Tensor) *Tensor { return Pad(opsCube(x), [][2]int{{1, 1}}, 0) }, cube},
		{"Select", func(x *Tensor) *Tensor {
			return Select([]*Tensor{Greater(x, 0.5), Less(x, -0.5)}, []*Tensor{opsCube(x), Sin(x)}, Square(x))
		}, mat},
		{"Cross 3 wrt a, broadcast", func(x *Tensor) *Tensor { return Cross(opsCube(x), w3) }, v3},
		{"Cross 3 wrt b", func(x *Tensor) *Tensor { return Cross(v3, opsCube(x)) }, w3},
		{"Cross 2", func(x *Tensor) *Tensor { return Cross(opsCube(x), []float64{0.3, -1.2}) }, rng.Normal(4, 2)},
		{"Sort axis 1", func(x *Tensor) *Tensor { return Mul(Sort(opsCube(x), 1), Arange(0, 4, 1)) }, mat},
		{"Sort axis 0", func(x *Tensor) *Tensor { return Sort(opsCube(x), 0) }, cube},
		{"Partition", func(x *Tensor) *Tensor { return Mul(Partition(opsCube(x), 2, -1), Arange(1, 5, 1)) }, mat},
		{"IndexArrays repeated", func(x *Tensor) *Tensor { return IndexArrays(opsCube(x), []int{0, 2, 0, -1}, []int{1, 3, 1, 0}) }, mat},
		{"IndexArrays one axis of three", func(x *Tensor) *Tensor { return IndexArrays(opsCube(x), []int{1, 1, 0}) }, cube},
		{"LinspaceT wrt start", func(x *Tensor) *Tensor { return LinspaceT(opsCube(x), 2.0, 5) }, Scalar(0.7)},
		{"LinspaceT wrt both, vector endpoints", func(x *Tensor) *Tensor { return LinspaceT(Sin(x), opsCube(x), 4) }, rng.Normal(3)},
		{"ArangeT wrt start and step", func(x *Tensor) *Tensor { return ArangeT(opsCube(x), 3.0, Exp(x)) }, Scalar(-0.2)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := CheckGrads(tc.f, tc.x, 2)
			if !r.OK || len(r.Results) != 6 {
				t.Errorf("%s", r)
			}
		})
	}
}

// TestRearrangeValues compares with numpy's results.
func TestRearrangeValues(t *testing.T) {
	t.Parallel()
	m := New([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	nan := math.NaN()
	cases := []struct {
		name  string
		got   *Tensor
		shape []int
		want  []float64
	}{
		{"roll(m, 1, axis=1)", Roll(m, 1, 1), []int{2, 3}, []float64{3, 1, 2, 6, 4, 5}},
		{"roll(m, -2)", Roll(m, -2), []int{2, 3}, []float64{3, 4, 5, 6, 1, 2}},
		{"roll(m, 7, axis=0)", Roll(m, 7, 0), []int{2, 3}, []float64{4, 5, 6, 1, 2, 3}},
		{"rot90(m)", Rot90(m, 1), []int{3, 2}, []float64{3, 6, 2, 5, 1, 4}},
		{"rot90(m, 2)", Rot90(m, 2), []int{2, 3}, []float64{6, 5, 4, 3, 2, 1}},
		{"rot90(m, 3)", Rot90(m, 3), []int{3, 2}, []float64{4, 1, 5, 2, 6, 3}},
		{"rot90(m, 1, (1, 0))", Rot90(m, 1, 1, 0), []int{3, 2}, []float64{4, 1, 5, 2, 6, 3}},
		{"triu(m)", Triu(m, 0), []int{2, 3}, []float64{1, 2, 3, 0, 5, 6}},
		{"triu(m, 1)", Triu(m, 1), []int{2, 3}, []float64{0, 2, 3, 0, 0, 6}},
		{"tril(m, -1)", Tril(m, -1), []int{2, 3}, []float64{0, 0, 0, 4, 0, 0}},
		{"tril keeps inf", Tril(New([]float64{1, math.Inf(1), 2, 3}, 2, 2), 0), []int{2, 2}, []float64{1, 0, 2, 3}},
		{"diag(m, 1)", DiagK(m, 1), []int{2}, []float64{2, 6}},
		{"diag(m, -1)", DiagK(m, -1), []int{1}, []float64{4}},
		{"diag([1,2], -1)", DiagK(New([]float64{1, 2}), -1), []int{3, 3}, []float64{0, 0, 0, 1, 0, 0, 0, 2, 0}},
		{"diagonal(arange(8).reshape(2,2,2), 0, 0, 1)", Diagonal(Reshape(Arange(0, 8, 1), 2, 2, 2), 0, 0, 1), []int{2, 2}, []float64{0, 6, 1, 7}},
		{"make_diagonal", MakeDiagonal(New([]float64{1, 2, 3, 4}, 2, 2)), []int{2, 2, 2}, []float64{1, 0, 0, 2, 3, 0, 0, 4}},
		{"trace(m, 1)", TraceOffset(m, 1), []int{}, []float64{8}},
		{"trace(m, -1)", TraceOffset(m, -1), []int{}, []float64{4}},
		{"trace(m, 5)", TraceOffset(m, 5), []int{}, []float64{0}},
		{"diff([1,4,9,16])", Diff(New([]float64{1, 4, 9, 16}), 1, 0), []int{3}, []float64{3, 5, 7}},
		{"diff(., 2)", Diff(New([]float64{1, 4, 9, 16}), 2, -1), []int{2}, []float64{2, 2}},
		{"diff(., 9)", Diff(New([]float64{1, 4, 9, 16}), 9, -1), []int{0}, []float64{}},
		{"gradient([1,2,4,7,11])", Gradient(New([]float64{1, 2, 4, 7, 11}), 1, 0), []int{5}, []float64{1, 1.5, 2.5, 3.5, 4}},
		{"gradient(., 2)", Gradient(New([]float64{1, 2, 4, 7, 11}), 2, 0), []int{5}, []float64{0.5, 0.75, 1.25, 1.75, 2}},
		{"pad(m, ((1,0),(0,1)), constant_values=9)", Pad(m, [][2]int{{1, 0}, {0, 1}}, 9), []int{3, 4}, []float64{9, 9, 9, 9, 1, 2, 3, 9, 4, 5, 6, 9}},
		{"select", Select([]*Tensor{Less(m, 3), Greater(m, 4)}, []*Tensor{m, Mul(m, 10)}, -1), []int{2, 3}, []float64{1, 2, -1, -1, 50, 60}},
		{"cross 3", Cross(New([]float64{1, 2, 3}), New([]float64{4, 5, 6})), []int{3}, []float64{-3, 6, -3}},
		{"cross 2", Cross(New([]float64{1, 2}), New([]float64{4, 5})), []int{}, []float64{-3}},
		{"sort axis 1", Sort(New([]float64{3, 1, 2, nan, -1, 0}, 2, 3), 1), []int{2, 3}, []float64{1, 2, 3, -1, 0, nan}},
		{"sort axis 0", Sort(New([]float64{3, 1, 2, 0, -1, 5}, 2, 3), 0), []int{2, 3}, []float64{0, -1, 2, 3, 1, 5}},
		{"argsort", ArgSort(New([]float64{3, 1, 2, 1}), 0), []int{4}, []float64{1, 3, 2, 0}},
		{"partition kth element", Index(Partition(New([]float64{5, 1, 4, 2, 3}), 2, 0), 2), []int{}, []float64{3}},
		{"m[[0,1,1],[2,0,2]]", IndexArrays(m, []int{0, 1, 1}, []int{2, 0, 2}), []int{3}, []float64{3, 4, 6}},
		{"m[[1,-2]]", IndexArrays(m, []int{1, -2}), []int{2, 3}, []float64{4, 5, 6, 1, 2, 3}},
		{"gradient of m[[0,0],[1,1]]", Grad(func(x *Tensor) *Tensor { return Sum(IndexArrays(x, []int{0, 0}, []int{1, 1})) })(m), []int{2, 3}, []float64{0, 2, 0, 0, 0, 0}},
		{"linspace(1, 2, 5)", LinspaceT(1.0, Scalar(2), 5), []int{5}, []float64{1, 1.25, 1.5, 1.75, 2}},
		{"linspace of vectors", LinspaceT(New([]float64{0, 1}), 2.0, 3), []int{3, 2}, []float64{0, 1, 1, 1.5, 2, 2}},
		{"d linspace(a, b, 5)/da", Grad(func(a *Tensor) *Tensor { return Sum(Mul(LinspaceT(a, 3.0, 5), Arange(0, 5, 1))) })(Scalar(1)), []int{}, []float64{0*1 + 1*0.75 + 2*0.5 + 3*0.25}},
		{"arange(0.5, 3, 0.75)", ArangeT(Scalar(0.5), 3, 0.75), []int{4}, []float64{0.5, 1.25, 2, 2.75}},
	}
	for _, tc := range cases {
		if !sameShape(tc.got.Shape(), tc.shape) {
			t.Errorf("%s: got shape %v want %v", tc.name, tc.got.Shape(), tc.shape)
			continue
		}
		for i, w := range tc.want {
			g := tc.got.Data()[i]
			if !(g == w || (g != g && w != w) || math.Abs(g-w) <= 1e-14*math.Max(1, math.Abs(w))) {
				t.Errorf("%s: element %d: got %v want %v", tc.name, i, g, w)
			}
		}
	}
}

func TestRearrangeErrors(t *testing.T) {
	t.Parallel()
	m := Ones(2, 3)
	cases := []struct {
		name string
		f    func()
		want error
	}{
		{"Roll two axes", func() { Roll(m, 1, 0, 1) }, ErrArgument},
		{"Roll bad axis", func() { Roll(m, 1, 2) }, ErrAxis},
		{"Rot90 vector", func() { Rot90(Ones(3), 1) }, ErrShape},
		{"Rot90 same axes", func() { Rot90(m, 1, 1, 1) }, ErrAxis},
		{"Triu vector", func() { Triu(Ones(3), 0) }, ErrShape},
		{"DiagK cube", func() { DiagK(Ones(2, 2, 2), 0) }, ErrShape},
		{"Diff negative", func() { Diff(m, -1, 0) }, ErrArgument},
		{"Gradient one sample", func() { Gradient(Ones(1, 3), 1, 0) }, ErrShape},
		{"Gradient zero spacing", func() { Gradient(m, 0, 0) }, ErrArgument},
		{"Pad negative", func() { Pad(m, [][2]int{{-1, 0}}, 0) }, ErrArgument},
		{"Pad three pairs", func() { Pad(m, [][2]int{{1, 0}, {1, 0}, {1, 0}}, 0) }, ErrArgument},
		{"Select lengths", func() { Select([]*Tensor{m}, nil, 0) }, ErrArgument},
		{"Cross lengths", func() { Cross(Ones(3), Ones(2)) }, ErrShape},
		{"Cross 4", func() { Cross(Ones(4), Ones(4)) }, ErrShape},
		{"Sort scalar", func() { Sort(Scalar(1), 0) }, ErrShape},
		{"Partition kth", func() { Partition(m, 3, 1) }, ErrIndex},
		{"IndexArrays out of range", func() { IndexArrays(m, []int{2}) }, ErrIndex},
		{"IndexArrays lengths", func() { IndexArrays(m, []int{0, 1}, []int{0}) }, ErrShape},
		{"IndexArrays too many", func() { IndexArrays(m, []int{0}, []int{0}, []int{0}) }, ErrIndex},
		{"ArangeT vector", func() { ArangeT(Ones(2), 3, 1) }, ErrShape},
		{"LinspaceT negative", func() { LinspaceT(0, 1, -1) }, ErrShape},
	}
	for _, tc := range cases {
		err := Catch(tc.f)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v want %v", tc.name, err, tc.want)
		}
	}
}
