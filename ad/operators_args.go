package ad

// Operators on functions of several arguments and with auxiliary outputs:
// autograd's argnum, grad_and_aux and make_ggnvp.

// argFunc returns f as a function of its argument i alone, the others fixed
// at xs. It panics with ErrArgument when i is out of range.
func argFunc(op string, f func([]*Tensor) *Tensor, xs []*Tensor, i int) func(*Tensor) *Tensor {
	if f == nil {
		panic(errorf(ErrNil, op, "nil function"))
	}
	if i < 0 || i >= len(xs) {
		panic(errorf(ErrArgument, op, "argument index %d out of range for %d arguments", i, len(xs)))
	}
	for _, x := range xs {
		mustTensor(op, x)
	}
	return func(x *Tensor) *Tensor {
		args := append([]*Tensor(nil), xs...)
		args[i] = x
		return f(args)
	}
}

// GradArg returns the function computing the gradient of a scalar function
// of several tensors with respect to argument argnum only, the others held
// constant, like autograd's grad(f, argnum). It panics like Grad, and with
// ErrArgument for argnum out of range.
func GradArg(f func([]*Tensor) *Tensor, argnum int) func([]*Tensor) *Tensor {
	return func(xs []*Tensor) *Tensor {
		h := argFunc("GradArg", f, xs, argnum)
		_, g := valueAndGrad("GradArg", h, xs[argnum])
		return g
	}
}

// ValueAndGradArg is GradArg that also returns f(xs).
func ValueAndGradArg(f func([]*Tensor) *Tensor, argnum int) func([]*Tensor) (*Tensor, *Tensor) {
	return func(xs []*Tensor) (*Tensor, *Tensor) {
		h := argFunc("ValueAndGradArg", f, xs, argnum)
		return valueAndGrad("ValueAndGradArg", h, xs[argnum])
	}
}

// JacobianArg returns the function computing the Jacobian of f with respect
// to argument argnum, of shape (output shape)+(argument's shape), like
// autograd's jacobian(f, argnum). It panics like Jacobian.
func JacobianArg(f func([]*Tensor) *Tensor, argnum int) func([]*Tensor) *Tensor {
	return func(xs []*Tensor) *Tensor {
		h := argFunc("JacobianArg", f, xs, argnum)
		return jacobianRev("JacobianArg", h, xs[argnum])
	}
}

// HessianArg returns the function computing the Hessian of a scalar f with
// respect to argument argnum, like autograd's hessian(f, argnum). It panics
// like Hessian.
func HessianArg(f func([]*Tensor) *Tensor, argnum int) func([]*Tensor) *Tensor {
	return func(xs []*Tensor) *Tensor {
		h := argFunc("HessianArg", f, xs, argnum)
		return Hessian(h)(xs[argnum])
	}
}

// GradAndAux returns the function computing the gradient of the first
// output of f, a scalar, together with its second, auxiliary, output (any
// value computed on the way that is not differentiated: a prediction, a
// count), like autograd's grad_and_aux. The auxiliary output is returned as
// a value of the caller's level (nil stays nil). It panics like Grad.
func GradAndAux(f func(*Tensor) (*Tensor, *Tensor)) func(*Tensor) (grad, aux *Tensor) {
	if f == nil {
		panic(errorf(ErrNil, "GradAndAux", "nil function"))
	}
	return func(x *Tensor) (*Tensor, *Tensor) {
		var aux *Tensor
		h := func(x *Tensor) *Tensor {
			y, a := f(x)
			aux = a
			return y
		}
		_, g := valueAndGrad("GradAndAux", h, x)
		return g, unboxFinished(aux)
	}
}

// unboxFinished strips the boxes of differentiations that have returned,
// leaving those of enclosing ones.
func unboxFinished(t *Tensor) *Tensor {
	for t != nil && t.b != nil && traceOf(t).done.Load() {
		t = t.b.value
	}
	return t
}

// MakeGGNVP returns, for f and a scalar loss g of f's output, the function
// that maps x to the generalised Gauss–Newton product v ↦ J_f(x)ᵀ H_g(f(x))
// J_f(x) v, like autograd's make_ggnvp: a positive semi-definite curvature
// product when g is convex. g nil means g(y) = ½ Σ y², so the product is
// JᵀJ v. The product function may be called for many v; it panics with
// ErrShape for a v not shaped like x, and like Grad when g does not return
// a scalar.
func MakeGGNVP(f, g func(*Tensor) *Tensor) func(x *Tensor) func(v *Tensor) *Tensor {
	if f == nil {
		panic(errorf(ErrNil, "MakeGGNVP", "nil function"))
	}
	if g == nil {
		g = func(y *Tensor) *Tensor { return Mul(Sum(Square(y)), 0.5) }
	}
	return func(x *Tensor) func(v *Tensor) *Tensor {
		fx, pb := makeVJP("MakeGGNVP", f, x)
		hvp := HVP(g)
		return func(v *Tensor) *Tensor {
			mustTensor("MakeGGNVP", v)
			if !sameShape(v.shape, x.shape) {
				panic(errorf(ErrShape, "MakeGGNVP", "vector of shape %s for an input of shape %s", fmtShape(v.shape), fmtShape(x.shape)))
			}
			_, jv := makeJVP("MakeGGNVP", f, x, v)
			return pb(hvp(fx, jv))
		}
	}
}
