package ad

import (
	"math"
	"strings"
	"testing"

	"github.com/gograd/gograd/ad/internal/vmath"
)

// The elementwise ops backed by vmath, on tensors long enough to be split
// across goroutines (and of odd length), against the math package element
// by element.
func TestVmathOpsLarge(t *testing.T) {
	const n = parallelThreshold + 4097
	x := Linspace(-30, 30, n)
	pos := Linspace(1e-3, 50, n)
	cases := []struct {
		name string
		f    func(*Tensor) *Tensor
		ref  func(float64) float64
		in   *Tensor
	}{
		{"Exp", Exp, math.Exp, x},
		{"Log", Log, math.Log, pos},
		{"Log1p", Log1p, math.Log1p, pos},
		{"Tanh", Tanh, math.Tanh, x},
		{"Sigmoid", Sigmoid, vmath.SigmoidScalar, x},
		{"Softplus", Softplus, vmath.SoftplusScalar, x},
		{"LogAddExp(0.5, x)", func(x *Tensor) *Tensor { return LogAddExp(0.5, x) },
			func(v float64) float64 { return vmath.LogAddExpScalar(0.5, v) }, x},
		{"LogAddExp(x, 2x)", func(x *Tensor) *Tensor { return LogAddExp(x, Mul(x, 2.0)) },
			func(v float64) float64 { return vmath.LogAddExpScalar(v, 2*v) }, x},
	}
	for _, tc := range cases {
		got := tc.f(tc.in).Data()
		for i, v := range tc.in.Data() {
			want := tc.ref(v)
			scale := math.Abs(want)
			if strings.HasPrefix(tc.name, "LogAddExp") {
				// max(a, b) + log1p(e^−|a−b|) may cancel: the bound is
				// relative to the terms (vmath's doc).
				scale = max(scale, 2*math.Abs(v)+1)
			}
			if d := math.Abs(got[i] - want); d > 4e-16*scale {
				t.Fatalf("%s(%v) = %v, want %v", tc.name, v, got[i], want)
			}
		}
	}
}

// LogAddExp's fused gradient rule: d/dx log(eᵃ + eˣ) = sigmoid(x − a), on
// a long vector (the parallel path of LogAddExpGrad) and with broadcasting.
func TestLogAddExpGradFused(t *testing.T) {
	const n = parallelThreshold + 3
	x := Linspace(-40, 40, n)
	g := Grad(func(x *Tensor) *Tensor { return Sum(LogAddExp(0.25, x)) })(x).Data()
	for i, v := range x.Data() {
		// e^(x − out) carries the rounding of x − out, relative ≤ |x|·2⁻⁵².
		want := vmath.SigmoidScalar(v - 0.25)
		if d := math.Abs(g[i] - want); d > 4e-16*(2+math.Abs(v))*want {
			t.Fatalf("grad at %v = %v, want %v", v, g[i], want)
		}
	}
	// Broadcast operand: the gradient for a row vector sums over rows.
	a := New([]float64{-1, 0, 2}, 3)
	b := New([]float64{0.5, 1, -3, 4, 0, 0}, 2, 3)
	ga := Grad(func(a *Tensor) *Tensor { return Sum(LogAddExp(a, b)) })(a).Data()
	bd := b.Data()
	for j, av := range a.Data() {
		want := vmath.SigmoidScalar(av-bd[j]) + vmath.SigmoidScalar(av-bd[3+j])
		if math.Abs(ga[j]-want) > 1e-15 {
			t.Fatalf("broadcast grad %d = %v, want %v", j, ga[j], want)
		}
	}
}
