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

// A training loop gives each step's results back: donated to the next
// call (JitSliceTo), they are overwritten in place, so that a step
// allocates nothing in steady state; released (Release), their buffers go
// back to ad's pools at once. A released or donated tensor is not usable
// any more.
func ExampleJitSliceTo() {
	x := ad.New([]float64{1, 2, 3, 4}, 2, 2)
	y := ad.New([]float64{1, 0}, 2, 1)
	loss := func(ps []*ad.Tensor) *ad.Tensor {
		return ad.Mean(ad.Square(ad.Sub(ad.MatMul(x, ps[0]), y)))
	}
	vg := ad.ValueAndGradSlice(loss)
	step := ad.JitSliceTo(func(ps []*ad.Tensor) []*ad.Tensor {
		v, gs := vg(ps)
		return append([]*ad.Tensor{v}, gs...)
	})
	w := ad.Zeros(2, 1)
	var outs []*ad.Tensor // value, gradient: donated to the next step
	for i := 0; i < 200; i++ {
		outs = step(outs, []*ad.Tensor{w})
		w = ad.Sub(w, ad.Mul(0.05, outs[1]))
	}
	fmt.Printf("loss %.2g\n", outs[0].Item())

	// Without donation: release the results after their last use.
	vgj := ad.JitSlice(func(ps []*ad.Tensor) []*ad.Tensor {
		v, gs := vg(ps)
		return append([]*ad.Tensor{v}, gs...)
	})
	r := vgj([]*ad.Tensor{w})
	ad.Release(r...)
	err := ad.Catch(func() { r[1].Data() })
	fmt.Println(err)
	// Output:
	// loss 0.029
	// ad.Data: the tensor of shape (2,1) was released (Release, or donated to a JitSliceTo or JitTo call that did not return it) and cannot be used any more
}

// A loop that keeps one result alive at a time donates it to the next
// call: from the third call on (the first call's result is the trace's,
// the second's is new), the call computes into the donated tensor and
// returns it, so that nothing is allocated.
func ExampleJitTo() {
	step := ad.JitTo(func(x *ad.Tensor) *ad.Tensor { return ad.Tanh(ad.Mul(x, 2)) })
	x := ad.Linspace(-1, 1, 1000)
	var y, prev *ad.Tensor
	same := 0
	for i := 0; i < 10; i++ {
		prev, y = y, step(y, x)
		if y == prev {
			same++
		}
	}
	fmt.Printf("%.4f, computed into the donated tensor %d times of 10\n", y.At(999), same)
	// Output:
	// 0.9640, computed into the donated tensor 8 times of 10
}
