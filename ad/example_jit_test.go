package ad_test

import (
	"fmt"

	"github.com/gograd/gograd/ad"
)

// Jit traces the gradient of a loop once and replays it on later calls
// with the same input shape, without running the Go loop again.
func ExampleJit() {
	loop := func(x *ad.Tensor) *ad.Tensor {
		for i := 0; i < 10; i++ {
			x = ad.Add(ad.Mul(ad.Sin(x), 0.9), ad.Mul(0.1, ad.Cos(x)))
		}
		return x
	}
	g := ad.Jit(ad.Grad(loop))
	fmt.Printf("%.6g\n", g(ad.Scalar(0.5)).Item()) // traced
	fmt.Printf("%.6g\n", g(ad.Scalar(0.5)).Item()) // replayed
	fmt.Println(g(ad.Scalar(0.5)).Item() == ad.Grad(loop)(ad.Scalar(0.5)).Item())
	// Output:
	// 0.035931
	// 0.035931
	// true
}

// JitSlice jits a function of several tensors with several results: here
// a loss and its gradients.
func ExampleJitSlice() {
	x := ad.New([]float64{1, 2, 3, 4}, 2, 2)
	loss := func(ps []*ad.Tensor) *ad.Tensor {
		return ad.Sum(ad.Square(ad.Add(ad.MatMul(x, ps[0]), ps[1])))
	}
	vg := ad.ValueAndGradSlice(loss)
	step := ad.JitSlice(func(ps []*ad.Tensor) []*ad.Tensor {
		v, gs := vg(ps)
		return append([]*ad.Tensor{v}, gs...)
	})
	out := step([]*ad.Tensor{ad.Ones(2, 1), ad.Zeros(1)})
	fmt.Println(out[0], out[1], out[2])
	// Output:
	// 58.0 [[48.]
	//  [68.]] [20.]
}
