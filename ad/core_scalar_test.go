package ad

import (
	"math"
	"testing"
)

// TestScalarFastPath checks that the scalar fast paths of primitives
// (Primitive.scalar1/scalar2, taken for 0-d arguments) give bit for bit what
// their Forward kernels give for the same values in 1-element arrays, and
// that derivatives through them are unchanged.
func TestScalarFastPath(t *testing.T) {
	t.Parallel()
	vals := []float64{0, -0.0, 0.5, -1.25, 3, 1e-300, -7e12, math.Inf(1), math.NaN()}
	unary := map[string]func(*Tensor) *Tensor{"Sin": Sin, "Cos": Cos, "Tanh": Tanh}
	binary := map[string]func(a, b any) *Tensor{
		"Add": Add, "Sub": Sub, "Mul": Mul, "Div": Div,
		"SinGrad": func(a, b any) *Tensor { return sinGrad(toTensor("", a), toTensor("", b)) },
		"CosGrad": func(a, b any) *Tensor { return cosGrad(toTensor("", a), toTensor("", b)) },
		"TanhGrad": func(a, b any) *Tensor {
			return tanhGrad(toTensor("", a), toTensor("", b))
		},
	}
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
	}
	for name, f := range unary {
		for _, v := range vals {
			got, want := f(Scalar(v)), f(New([]float64{v}))
			if len(got.Shape()) != 0 || !same(got.Item(), want.data[0]) {
				t.Errorf("%s(%g): got %v (shape %v), want %v", name, v, got.Item(), got.Shape(), want.data[0])
			}
		}
	}
	for name, f := range binary {
		for _, a := range vals {
			for _, b := range vals {
				got, want := f(Scalar(a), Scalar(b)), f(New([]float64{a}), New([]float64{b}))
				if len(got.Shape()) != 0 || !same(got.Item(), want.data[0]) {
					t.Errorf("%s(%g, %g): got %v (shape %v), want %v", name, a, b, got.Item(), got.Shape(), want.data[0])
				}
			}
		}
	}
	// Second derivative of sin(x)·cos(x) = sin(2x)/2 is −2 sin(2x).
	x := 0.3
	d2 := Grad(Grad(func(x *Tensor) *Tensor { return Mul(Sin(x), Cos(x)) }))(Scalar(x)).Item()
	if want := -2 * math.Sin(2*x); math.Abs(d2-want) > 1e-14 {
		t.Errorf("second derivative of sin·cos at %g: got %v, want %v", x, d2, want)
	}
}
