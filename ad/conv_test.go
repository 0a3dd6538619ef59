package ad

import (
	"errors"
	"fmt"
	"testing"
)

func TestConvCheckGrads(t *testing.T) {
	t.Parallel()
	w := randTensor(1, 2, 2, 3, 3)
	x := randTensor(2, 2, 2, 5, 5)
	tests := []struct {
		name string
		f    func(*Tensor) *Tensor
		x    *Tensor
	}{
		{"Conv2D wrt x", func(x *Tensor) *Tensor { return Conv2D(x, w, 1, 1) }, randTensor(3, 2, 2, 5, 5)},
		{"Conv2D wrt w stride 2", func(w *Tensor) *Tensor { return Conv2D(x, w, 2, 0) }, randTensor(4, 3, 2, 2, 2)},
		{"Conv2D bilinear x*x", func(x *Tensor) *Tensor { return Conv2D(x, Reshape(Slice(x, To(1), To(1)), 1, 1, 4, 4), 1, 2) }, randTensor(5, 1, 1, 4, 4)},
		{"Convolve full 1-d", func(a *Tensor) *Tensor { return Convolve(a, New([]float64{1, -2, 0.5}), "full") }, randTensor(6, 5)},
		{"Convolve same 2-d squared", func(a *Tensor) *Tensor { return Convolve(a, Square(a), "same") }, randTensor(7, 3, 2)},
		{"Correlate full wrt a", func(a *Tensor) *Tensor { return Correlate(Square(a), New([]float64{1, -2, 0.5}), "full") }, randTensor(16, 5)},
		{"Correlate same 2-d wrt v", func(v *Tensor) *Tensor { return Correlate(randTensor(17, 4, 3), Square(v), "same") }, randTensor(18, 2, 2)},
		{"Convolve valid wrt kernel", func(v *Tensor) *Tensor { return Convolve(randTensor(8, 5, 4), v, "valid") }, randTensor(9, 2, 3)},
		{"MaxPool2D", func(x *Tensor) *Tensor { return MaxPool2D(x, 2, 2) }, randTensor(10, 2, 1, 4, 4)},
		{"AvgPool2D overlapping", func(x *Tensor) *Tensor { return AvgPool2D(x, 2, 1) }, randTensor(11, 1, 2, 3, 3)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkGradsExt(t, tc.name, tc.f, tc.x, 2, 1e-6)
		})
	}
}

func TestConvKnownValues(t *testing.T) {
	t.Parallel()
	x := New([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3)
	// A 2×2 box filter sums each window; with padding 1 the corners see one pixel.
	got := Conv2D(x, Ones(1, 1, 2, 2), 1, 0)
	closeSlices(t, "Conv2D box", got.Data(), []float64{12, 16, 24, 28}, 0)
	got = Conv2D(x, Ones(1, 1, 2, 2), 2, 1)
	closeSlices(t, "Conv2D stride 2 pad 1", got.Data(), []float64{1, 5, 11, 28}, 0)
	closeSlices(t, "MaxPool2D", MaxPool2D(x, 2, 1).Data(), []float64{5, 6, 8, 9}, 0)
	closeSlices(t, "AvgPool2D", AvgPool2D(x, 2, 1).Data(), []float64{3, 4, 6, 7}, 0)
	closeSlices(t, "Convolve", Convolve(New([]float64{1, 2, 3}), New([]float64{0, 1, 0.5}), "same").Data(), []float64{1, 2.5, 4}, 0)
	// numpy.correlate([1,2,3], [0,1,0.5], mode) for the three modes.
	closeSlices(t, "Correlate full", Correlate(New([]float64{1, 2, 3}), New([]float64{0, 1, 0.5}), "full").Data(), []float64{0.5, 2, 3.5, 3, 0}, 0)
	closeSlices(t, "Correlate same", Correlate(New([]float64{1, 2, 3}), New([]float64{0, 1, 0.5}), "same").Data(), []float64{2, 3.5, 3}, 0)
	closeSlices(t, "Correlate valid", Correlate(New([]float64{1, 2, 3}), New([]float64{0, 1, 0.5}), "valid").Data(), []float64{3.5}, 0)
	// Max-pool ties share the gradient.
	g := Grad(func(x *Tensor) *Tensor { return Sum(MaxPool2D(x, 2, 2)) })(Ones(1, 1, 2, 2))
	closeSlices(t, "MaxPool2D tie gradient", g.Data(), []float64{0.25, 0.25, 0.25, 0.25}, 0)
}

func TestConvErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    func()
		kind error
	}{
		{"channels", func() { Conv2D(Zeros(1, 2, 4, 4), Zeros(1, 3, 3, 3), 1, 0) }, ErrShape},
		{"3-d input", func() { Conv2D(Zeros(2, 4, 4), Zeros(1, 2, 3, 3), 1, 0) }, ErrShape},
		{"stride 0", func() { Conv2D(Zeros(1, 1, 4, 4), Zeros(1, 1, 3, 3), 0, 0) }, ErrArgument},
		{"mode", func() { Convolve(Zeros(3), Zeros(2), "circular") }, ErrArgument},
		{"ndim", func() { Convolve(Zeros(3), Zeros(2, 2), "full") }, ErrShape},
		{"pool window", func() { MaxPool2D(Zeros(1, 1, 2, 2), 3, 1) }, ErrShape},
		{"pool 2-d", func() { AvgPool2D(Zeros(2, 2), 1, 1) }, ErrShape},
	}
	for _, tc := range tests {
		if err := Catch(tc.f); !errors.Is(err, tc.kind) {
			t.Errorf("%s: got %v want an error wrapping %v", tc.name, err, tc.kind)
		}
	}
}

func TestConvInterrupt(t *testing.T) {
	// Not parallel: Interrupt is process-wide.
	x, w, a, v := Ones(4, 2, 8, 8), Ones(3, 2, 3, 3), Ones(300), Ones(30)
	Interrupt()
	defer ResetInterrupt()
	for name, f := range map[string]func(){
		"Conv2D":   func() { Conv2D(x, w, 1, 1) },
		"Convolve": func() { Convolve(a, v, "full") },
	} {
		if err := Catch(f); !errors.Is(err, ErrInterrupted) {
			t.Errorf("%s after Interrupt: got %v want ErrInterrupted", name, err)
		}
	}
}

func ExampleConv2D() {
	// A 3×3 image convolved with a 2×2 filter that takes horizontal differences.
	x := New([]float64{1, 2, 4, 1, 2, 4, 1, 2, 4}, 1, 1, 3, 3)
	w := New([]float64{-1, 1, -1, 1}, 1, 1, 2, 2)
	fmt.Println(Reshape(Conv2D(x, w, 1, 0), 2, 2))
	// Output:
	// [[2. 4.]
	//  [2. 4.]]
}
