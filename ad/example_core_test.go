package ad_test

import (
	"fmt"

	"github.com/gograd/gograd/ad"
)

func tanh(x *ad.Tensor) *ad.Tensor {
	y := ad.Exp(ad.Neg(x))
	return ad.Div(ad.Sub(1, y), ad.Add(1, y))
}

func ExampleGrad() {
	fmt.Println(ad.Grad(tanh)(ad.Scalar(1.0)))
	// Output: 0.39322386648296376
}

func ExampleGrad_higherOrder() {
	// d³/dx³ x⁴ = 24x.
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Pow(x, 4) }
	fmt.Println(ad.Grad(ad.Grad(ad.Grad(f)))(ad.Scalar(0.5)))
	// Output: 12.0
}

func ExampleElementwiseGrad() {
	// The derivative of sin at several points at once: cos.
	x := ad.New([]float64{0, 1, 2})
	fmt.Println(ad.ElementwiseGrad(ad.Sin)(x))
	fmt.Println(ad.Cos(x))
	// Output:
	// [ 1.          0.54030231 -0.41614684]
	// [ 1.          0.54030231 -0.41614684]
}

func ExampleValueAndGrad() {
	// Loss of a linear model and its gradient in one pass.
	X := ad.FromRows([][]float64{{1, 2}, {3, 4}, {5, 6}})
	y := ad.New([]float64{1, 0, 1})
	loss := func(w *ad.Tensor) *ad.Tensor {
		r := ad.Sub(ad.MatMul(X, w), y)
		return ad.Mean(ad.Square(r))
	}
	v, g := ad.ValueAndGrad(loss)(ad.New([]float64{0.5, -0.5}))
	fmt.Println(v)
	fmt.Println(g)
	// Output:
	// 1.5833333333333333
	// [-7.         -9.33333333]
}

func ExampleJacobian() {
	// f(x) = x² elementwise has the diagonal Jacobian diag(2x).
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Square(x) }
	fmt.Println(ad.Jacobian(f)(ad.New([]float64{1, 2, 3})))
	// Output:
	// [[2. 0. 0.]
	//  [0. 4. 0.]
	//  [0. 0. 6.]]
}

func ExampleHessian() {
	// f(x, y) = x²y + y³ has Hessian [[2y, 2x], [2x, 6y]].
	f := func(v *ad.Tensor) *ad.Tensor {
		x, y := ad.Index(v, 0), ad.Index(v, 1)
		return ad.Add(ad.Mul(ad.Square(x), y), ad.Pow(y, 3))
	}
	fmt.Println(ad.Hessian(f)(ad.New([]float64{1, 2})))
	// Output:
	// [[ 4.  2.]
	//  [ 2. 12.]]
}

func ExampleHVP() {
	// For f(x) = Σ x³ the Hessian is diag(6x), so H·v = 6x·v.
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Pow(x, 3)) }
	fmt.Println(ad.HVP(f)(ad.New([]float64{1, 2}), ad.New([]float64{1, -1})))
	// Output: [  6. -12.]
}

func ExampleDeriv() {
	// Forward mode: the derivative of a scalar function with a vector output.
	f := func(t *ad.Tensor) *ad.Tensor {
		return ad.Stack([]*ad.Tensor{ad.Cos(t), ad.Sin(t), ad.Mul(t, t)}, 0)
	}
	fmt.Println(ad.Deriv(f)(ad.Scalar(0)))
	// Output: [0. 1. 0.]
}

func ExampleCheckGrads() {
	r := ad.CheckGrads(tanh, ad.Linspace(-2, 2, 5), 2)
	fmt.Println(r.OK, len(r.Results))
	// Output: true 6
}

func ExampleCatch() {
	err := ad.Catch(func() { ad.Add(ad.Zeros(2, 3), ad.Zeros(4)) })
	fmt.Println(err)
	// Output: ad.Add: shapes (2,3) and (4,) do not broadcast
}
