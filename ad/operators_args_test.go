package ad

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

func TestOperatorsArgs(t *testing.T) {
	t.Parallel()
	rng := NewRNG(5)
	a, b := rng.Normal(3), rng.Normal(2, 3)
	// f(a, b) = Σ sin(a)·b² + (Σ a)³: known gradients and Hessians.
	f := func(xs []*Tensor) *Tensor {
		return Add(Sum(Mul(Sin(xs[0]), Square(xs[1]))), Pow(Sum(xs[0]), 3.0))
	}
	close := func(name string, got, want *Tensor) {
		t.Helper()
		if !sameShape(got.Shape(), want.Shape()) {
			t.Fatalf("%s: got shape %v want %v", name, got.Shape(), want.Shape())
		}
		for i, w := range want.Data() {
			if g := got.Data()[i]; math.Abs(g-w) > 1e-12*math.Max(1, math.Abs(w)) {
				t.Errorf("%s: element %d: got %v want %v", name, i, g, w)
			}
		}
	}
	s := Sum(a).At()
	wantA := Add(Mul(Cos(a), Sum(Square(b), 0)), 3*s*s)
	close("GradArg 0", GradArg(f, 0)([]*Tensor{a, b}), wantA)
	close("GradArg 1", GradArg(f, 1)([]*Tensor{a, b}), Mul(Mul(Sin(a), b), 2))
	v, g := ValueAndGradArg(f, 0)([]*Tensor{a, b})
	close("ValueAndGradArg value", v, f([]*Tensor{a, b}))
	close("ValueAndGradArg grad", g, wantA)
	// ∂²f/∂a² = diag(−sin a · Σb²) + 6·Σa.
	h := Add(Mul(Eye(3), Neg(Mul(Sin(a), Sum(Square(b), 0)))), 6*s)
	close("HessianArg 0", HessianArg(f, 0)([]*Tensor{a, b}), h)
	// Jacobian of b ↦ sin(a)·b² is diagonal 2 sin(a) b, shape (2,3,2,3).
	jf := func(xs []*Tensor) *Tensor { return Mul(Sin(xs[0]), Square(xs[1])) }
	j := JacobianArg(jf, 1)([]*Tensor{a, b})
	close("JacobianArg 1", Reshape(j, 6, 6), Mul(Eye(6), Reshape(Mul(Mul(Sin(a), b), 2), 1, 6)))
	close("JacobianArg 0", JacobianArg(jf, 0)([]*Tensor{a, b}), Jacobian(func(x *Tensor) *Tensor { return jf([]*Tensor{x, b}) })(a))
	// Nested: the gradient of a GradArg is a Hessian block.
	mixed := Jacobian(func(y *Tensor) *Tensor { return GradArg(f, 0)([]*Tensor{a, y}) })(b)
	close("mixed second derivative", mixed, Jacobian(func(y *Tensor) *Tensor { return Mul(Cos(a), Sum(Square(y), 0)) })(b))

	// GradAndAux: aux is returned plain, also under an enclosing trace.
	ga := GradAndAux(func(x *Tensor) (*Tensor, *Tensor) { y := Exp(x); return Sum(y), Mul(y, 2) })
	gr, aux := ga(a)
	close("GradAndAux grad", gr, Exp(a))
	close("GradAndAux aux", aux, Mul(Exp(a), 2))
	if aux.b != nil {
		t.Errorf("GradAndAux: aux is still boxed")
	}
	outer := Grad(func(x *Tensor) *Tensor { _, aux := ga(x); return Sum(aux) })(a)
	close("Grad through GradAndAux's aux", outer, Mul(Exp(a), 2))
	if _, aux := GradAndAux(func(x *Tensor) (*Tensor, *Tensor) { return Sum(x), nil })(a); aux != nil {
		t.Errorf("GradAndAux: nil aux became %v", aux)
	}

	// MakeGGNVP: for g = ½Σy² the product is JᵀJv; for a general g,
	// Jᵀ H_g J v with H_g from Hessian.
	x := rng.Normal(3)
	fv := func(x *Tensor) *Tensor { return Mul(Tanh(MatMul(b, x)), Sum(x)) }
	vv := rng.Normal(3)
	jm := Jacobian(fv)(x)
	close("MakeGGNVP default", MakeGGNVP(fv, nil)(x)(vv), MatMul(Transpose(jm), MatMul(jm, vv)))
	gl := func(y *Tensor) *Tensor { return LogSumExp(y) }
	hg := Hessian(gl)(fv(x))
	close("MakeGGNVP LogSumExp", MakeGGNVP(fv, gl)(x)(vv), MatMul(Transpose(jm), MatMul(hg, MatMul(jm, vv))))

	for _, tc := range []struct {
		name string
		f    func()
		want error
	}{
		{"GradArg index", func() { GradArg(f, 2)([]*Tensor{a, b}) }, ErrArgument},
		{"GradArg negative", func() { GradArg(f, -1)([]*Tensor{a, b}) }, ErrArgument},
		{"GradArg non-scalar", func() { GradArg(jf, 0)([]*Tensor{a, b}) }, ErrNonScalar},
		{"GradArg nil", func() { GradArg(nil, 0)([]*Tensor{a}) }, ErrNil},
		{"GradAndAux nil", func() { GradAndAux(nil) }, ErrNil},
		{"MakeGGNVP shape", func() { MakeGGNVP(fv, nil)(x)(Ones(2)) }, ErrShape},
		{"MakeGGNVP non-scalar g", func() { MakeGGNVP(fv, Exp)(x)(vv) }, ErrNonScalar},
	} {
		if err := Catch(tc.f); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v want %v", tc.name, err, tc.want)
		}
	}
}

func ExampleGradArg() {
	f := func(xs []*Tensor) *Tensor { return Sum(Mul(xs[0], Square(xs[1]))) }
	args := []*Tensor{New([]float64{1, 2}), New([]float64{3, 4})}
	fmt.Println(GradArg(f, 0)(args)) // b²
	fmt.Println(GradArg(f, 1)(args)) // 2ab
	// Output:
	// [ 9. 16.]
	// [ 6. 16.]
}
