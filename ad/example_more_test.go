package ad_test

import (
	"fmt"

	"github.com/gograd/gograd/ad"
)

// Tensors print like numpy's print(x).
func ExampleTensor_String() {
	fmt.Println(ad.Arange(0, 6, 1).String())
	fmt.Println(ad.Reshape(ad.Div(ad.Arange(1, 7, 1), 3), 2, 3))
	fmt.Println(ad.Mul(ad.Ones(3), 1e-5))
	fmt.Println(ad.Scalar(0.1))
	// Output:
	// [0. 1. 2. 3. 4. 5.]
	// [[0.33333333 0.66666667 1.        ]
	//  [1.33333333 1.66666667 2.        ]]
	// [1.e-05 1.e-05 1.e-05]
	// 0.1
}

// VJP returns the value and a pullback that can be called with several
// cotangents.
func ExampleVJP() {
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Mul(x, x) }
	y, pullback := ad.VJP(f)(ad.New([]float64{1, 2, 3}))
	fmt.Println(y)
	fmt.Println(pullback(ad.Ones(3)))
	fmt.Println(pullback(ad.New([]float64{1, 0, 0})))
	// Output:
	// [1. 4. 9.]
	// [2. 4. 6.]
	// [2. 0. 0.]
}

// JVP pushes a tangent forward: the directional derivative.
func ExampleJVP() {
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Sin(x) }
	y, t := ad.JVP(f)(ad.New([]float64{0, 1}), ad.New([]float64{1, 2}))
	fmt.Println(y)
	fmt.Println(t)
	// Output:
	// [0.         0.84147098]
	// [1.         1.08060461]
}

// GradMap differentiates with respect to a named parameter set.
func ExampleGradMap() {
	loss := func(p map[string]*ad.Tensor) *ad.Tensor {
		return ad.Sum(ad.Square(ad.Sub(ad.Mul(p["w"], 2), p["b"])))
	}
	g := ad.GradMap(loss)(map[string]*ad.Tensor{"w": ad.Scalar(1), "b": ad.Scalar(0.5)})
	fmt.Println(g["w"], g["b"])
	// Output:
	// 6.0 -3.0
}

// Solve's gradient flows to both the matrix and the right-hand side.
func ExampleSolve() {
	a := ad.FromRows([][]float64{{3, 1}, {1, 2}})
	b := ad.New([]float64{9, 8})
	fmt.Println(ad.Solve(a, b))
	db := ad.Grad(func(b *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Solve(a, b)) })(b)
	fmt.Println(db)
	// Output:
	// [2. 3.]
	// [0.2 0.4]
}

// Where selects elementwise; the condition gets no gradient.
func ExampleWhere() {
	x := ad.New([]float64{-2, -1, 0, 1, 2})
	relu := func(x *ad.Tensor) *ad.Tensor { return ad.Where(ad.Greater(x, 0), x, 0) }
	fmt.Println(relu(x))
	fmt.Println(ad.ElementwiseGrad(relu)(x))
	// Output:
	// [0. 0. 0. 1. 2.]
	// [0. 0. 0. 1. 1.]
}

// AtSlice builds an updated copy; the original is unchanged.
func ExampleTensor_AtSlice() {
	x := ad.Zeros(2, 4)
	y := x.AtSlice(ad.All, ad.S(1, 3)).Set(1)
	fmt.Println(y)
	fmt.Println(x)
	// Output:
	// [[0. 1. 1. 0.]
	//  [0. 1. 1. 0.]]
	// [[0. 0. 0. 0.]
	//  [0. 0. 0. 0.]]
}
