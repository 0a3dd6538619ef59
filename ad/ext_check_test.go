package ad

import (
	"math"
	"testing"
)

// Gradient checking for the extension ops: first and second derivatives in
// reverse and forward mode (and both mixes) against Richardson-extrapolated
// central differences along random directions.

// randTensor returns a seeded standard normal tensor of the given shape.
func randTensor(seed uint64, shape ...int) *Tensor {
	return newRaw(append([]int{}, shape...), kernelRand(seed, sizeOf(shape)))
}

// inner returns Σ a·b as a scalar tensor.
func inner(a, b *Tensor) *Tensor { return Sum(Mul(a, b)) }

// fdDeriv returns d/dε f(x + εv) at ε = 0 by Richardson-extrapolated
// central differences.
func fdDeriv(f func(*Tensor) *Tensor, x, v *Tensor, h float64) float64 {
	d := func(h float64) float64 {
		return (f(Add(x, Mul(v, h))).Item() - f(Sub(x, Mul(v, h))).Item()) / (2 * h)
	}
	return (4*d(h/2) - d(h)) / 3
}

// checkGradsExt checks f (any output shape) at x to the given order (1 or 2)
// in reverse, forward and mixed modes. tol is relative to max(1, |value|).
func checkGradsExt(t *testing.T, name string, f func(*Tensor) *Tensor, x *Tensor, order int, tol float64) {
	t.Helper()
	y := f(x)
	r := randTensor(99, y.shape...)
	F := func(x *Tensor) *Tensor { return inner(f(x), r) } // scalar projection
	v := randTensor(101, x.shape...)
	u := randTensor(103, x.shape...)
	h := 1e-3 * math.Max(1, maxAbs(x.data))
	cmp := func(what string, got, want float64) {
		t.Helper()
		if math.IsNaN(got) || math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: %s: got %.12g want %.12g (finite differences)", name, what, got, want)
		}
	}
	// The package's own checker must agree too.
	if rep := CheckGradsWith(f, x, CheckOptions{Order: order, Tol: 10 * tol, Eps: 1e-5}); !rep.OK {
		t.Errorf("%s: CheckGrads failed:\n%v", name, rep)
	}
	want1 := fdDeriv(F, x, v, h)
	cmp("reverse", inner(Grad(F)(x), v).Item(), want1)
	_, jv := JVP(F)(x, v)
	cmp("forward", jv.Item(), want1)
	if order < 2 {
		return
	}
	h1 := func(x *Tensor) *Tensor { return inner(Grad(F)(x), v) }
	h2 := func(x *Tensor) *Tensor { _, tt := JVP(F)(x, v); return tt }
	want2 := fdDeriv(h1, x, u, h)
	cmp("reverse-over-reverse", inner(Grad(h1)(x), u).Item(), want2)
	_, t1 := JVP(h1)(x, u)
	cmp("forward-over-reverse", t1.Item(), want2)
	cmp("reverse-over-forward", inner(Grad(h2)(x), u).Item(), want2)
	_, t2 := JVP(h2)(x, u)
	cmp("forward-over-forward", t2.Item(), want2)
}

func maxAbs(d []float64) float64 {
	var m float64
	for _, v := range d {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// spd returns a symmetric positive-definite tensor of shape (..., n, n).
func spd(seed uint64, shape ...int) *Tensor {
	batch := sizeOf(shape[:len(shape)-2])
	n := shape[len(shape)-1]
	return newRaw(append([]int{}, shape...), spdBatch(seed, batch, n))
}

// symIn symmetrises its input: the tested functions of symmetric-matrix ops
// are f(sym(x)), so finite differences see a function of all entries.
func symIn(f func(*Tensor) *Tensor) func(*Tensor) *Tensor {
	return func(x *Tensor) *Tensor { return f(symmetrize(x)) }
}

// wellConditioned returns a random (..., n, n) matrix with a dominant
// diagonal.
func wellConditioned(seed uint64, shape ...int) *Tensor {
	x := randTensor(seed, shape...)
	n := shape[len(shape)-1]
	return Add(x, Mul(Eye(n), float64(n)+2))
}
