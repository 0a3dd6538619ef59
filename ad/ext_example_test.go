package ad

import "fmt"

func ExampleTensorDot() {
	a := New([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	b := New([]float64{1, 0, 0, 1, 1, 1}, 3, 2)
	fmt.Println(TensorDot(a, b, 1)) // the matrix product
	fmt.Println(TensorDot(a, a, 2)) // the sum of squares
	// Output:
	// [[ 4.  5.]
	//  [10. 11.]]
	// 91.0
}

func ExampleKron() {
	fmt.Println(Kron(Eye(2), New([]float64{1, 2}, 1, 2)))
	// Output:
	// [[1. 2. 0. 0.]
	//  [0. 0. 1. 2.]]
}

func ExampleConvolve() {
	a := New([]float64{1, 2, 3})
	v := New([]float64{0, 1, 0.5})
	for _, mode := range []string{"full", "same", "valid"} {
		fmt.Println(mode, Convolve(a, v, mode))
	}
	// Output:
	// full [0.  1.  2.5 4.  1.5]
	// same [1.  2.5 4. ]
	// valid [2.5]
}

func ExampleNormP() {
	x := New([]float64{3, -4, 0, 0}, 2, 2)
	fmt.Println(NormP(x, 2, 1)) // row norms
	// Unlike sqrt(sum(x²)), the gradient at zero is defined: it is 0.
	fmt.Println(Grad(Norm)(Zeros(2)))
	// Output:
	// [5. 0.]
	// [0. 0.]
}

func ExampleEigh() {
	w, v := Eigh(New([]float64{2, 1, 1, 2}, 2, 2))
	fmt.Println(w)
	// The derivative of the largest eigenvalue is v vᵀ for its eigenvector v
	// when both triangles are read (EighSym); Eigh reads the lower one, so
	// its gradient folds the upper entries onto it.
	a := New([]float64{2, 1, 1, 2}, 2, 2)
	fmt.Println(Grad(func(a *Tensor) *Tensor { w, _ := EighSym(a); return Index(w, 1) })(a))
	fmt.Println(Grad(func(a *Tensor) *Tensor { w, _ := Eigh(a); return Index(w, 1) })(a))
	fmt.Printf("%.4f\n", Abs(Slice(v, All, S(1, 2))).Data()) // its eigenvector, up to sign
	// Output:
	// [1. 3.]
	// [[0.5 0.5]
	//  [0.5 0.5]]
	// [[0.5 0. ]
	//  [1.  0.5]]
	// [0.7071 0.7071]
}

func ExampleMaxPool2D() {
	x := New([]float64{1, 5, 2, 0, 3, 4, 7, 1, 0, 0, 9, 8, 2, 6, 1, 3}, 1, 1, 4, 4)
	fmt.Println(Reshape(MaxPool2D(x, 2, 2), 2, 2))
	// Output:
	// [[5. 7.]
	//  [6. 9.]]
}
