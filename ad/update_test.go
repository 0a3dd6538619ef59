package ad

import (
	"errors"
	"fmt"
	"testing"
)

func TestUpdateValues(t *testing.T) {
	t.Parallel()
	x := New([]float64{0, 1, 2, 3, 4, 5}, 2, 3)
	tests := []struct {
		name string
		got  *Tensor
		want []float64
	}{
		{"AtIndex element Set", x.AtIndex(0, 2).Set(9), []float64{0, 1, 9, 3, 4, 5}},
		{"AtIndex negative Add", x.AtIndex(-1, -1).Add(10), []float64{0, 1, 2, 3, 4, 15}},
		{"AtIndex row Set broadcast", x.AtIndex(1).Set(7), []float64{0, 1, 2, 7, 7, 7}},
		{"AtIndex row Add tensor", x.AtIndex(0).Add(New([]float64{1, 2, 3})), []float64{1, 3, 5, 3, 4, 5}},
		{"AtSlice column Set", x.AtSlice(All, S(1, 2)).Set(-1), []float64{0, -1, 2, 3, -1, 5}},
		{"AtSlice step Mul", x.AtSlice(All, S(0, 3, 2)).Mul(2), []float64{0, 1, 4, 6, 4, 10}},
		{"AtSlice reversed Set", x.AtSlice(Step(-1)).Set(New([]float64{1, 1, 1, 2, 2, 2}, 2, 3)), []float64{2, 2, 2, 1, 1, 1}},
		{"Get", x.AtSlice(S(1, 2), From(1)).Get(), []float64{4, 5}},
	}
	for _, tc := range tests {
		closeSlices(t, tc.name, tc.got.Data(), tc.want, 0)
	}
	closeSlices(t, "x unchanged", x.Data(), []float64{0, 1, 2, 3, 4, 5}, 0)
}

func TestUpdateCheckGrads(t *testing.T) {
	t.Parallel()
	v := randTensor(1, 3)
	x0 := randTensor(2, 2, 3)
	tests := []struct {
		name string
		f    func(*Tensor) *Tensor
		x    *Tensor
	}{
		{"Set wrt x", func(x *Tensor) *Tensor { return Square(x.AtIndex(1).Set(v)) }, randTensor(3, 2, 3)},
		{"Set wrt v", func(v *Tensor) *Tensor { return Mul(x0.AtIndex(0).Set(Square(v)), x0) }, randTensor(4, 3)},
		{"Add wrt both", func(x *Tensor) *Tensor { return Square(x.AtSlice(All, S(0, 2)).Add(Sin(Slice(x, All, S(1, 3))))) }, randTensor(5, 2, 3)},
		{"Mul wrt x", func(x *Tensor) *Tensor { return x.AtIndex(0, 1).Mul(Index(x, 1, 1)) }, randTensor(6, 2, 3)},
		{"loop of updates", func(x *Tensor) *Tensor {
			y := Zeros(4)
			for i := 0; i < 4; i++ {
				y = y.AtIndex(i).Set(Mul(Index(x, i%2), float64(i+1)))
			}
			return Mul(y, y)
		}, randTensor(7, 2)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkGradsExt(t, tc.name, tc.f, tc.x, 2, 1e-6)
		})
	}
	// Known gradient: d/dx sum(x.AtIndex(0).Set(5)) is 0 at the selection, 1 elsewhere.
	g := Grad(func(x *Tensor) *Tensor { return Sum(x.AtIndex(0).Set(5)) })(Ones(3))
	closeSlices(t, "grad Set", g.Data(), []float64{0, 1, 1}, 0)
}

func TestUpdateErrors(t *testing.T) {
	t.Parallel()
	x := Zeros(2, 3)
	tests := []struct {
		name string
		f    func()
		kind error
	}{
		{"index out of range", func() { x.AtIndex(2) }, ErrIndex},
		{"too many indices", func() { x.AtIndex(0, 0, 0) }, ErrIndex},
		{"value shape", func() { x.AtIndex(0).Set(Zeros(2)) }, ErrShape},
		{"value type", func() { x.AtIndex(0).Set("a") }, ErrArgument},
		{"zero step", func() { x.AtSlice(S(0, 2, 0)) }, ErrArgument},
	}
	for _, tc := range tests {
		if err := Catch(tc.f); !errors.Is(err, tc.kind) {
			t.Errorf("%s: got %v want an error wrapping %v", tc.name, err, tc.kind)
		}
	}
}

func ExampleIndexer_Set() {
	x := Zeros(2, 2)
	fmt.Println(x.AtIndex(0, 1).Set(3))
	// The update is differentiable with respect to the new value.
	g := Grad(func(v *Tensor) *Tensor { return Sum(Square(x.AtIndex(1).Set(v))) })(New([]float64{1, 2}))
	fmt.Println(g)
	// Output:
	// [[0. 3.]
	//  [0. 0.]]
	// [2. 4.]
}
