package ad

// The differential operators, all built on makeVJP (reverse mode) and
// makeJVP (forward mode).

// makeVJP runs f on x under a fresh reverse-mode trace and returns f's value
// (unboxed from that trace) and its pullback, which maps an output cotangent
// to the cotangent of x. When the output does not depend on x the pullback
// returns zeros shaped like x (see the package documentation).
func makeVJP(op string, f func(*Tensor) *Tensor, x *Tensor) (*Tensor, func(*Tensor) *Tensor) {
	if f == nil {
		panic(errorf(ErrNil, op, "nil function"))
	}
	mustTensor(op, x)
	tr := newTrace(reverseMode)
	start := &node{}
	y := f(newBox(x, tr, start, nil))
	out, root := endTrace(op, y, tr)
	pullback := func(g *Tensor) *Tensor {
		checkCotangent(op, g, out)
		if root == nil {
			return Zeros(x.shape...)
		}
		if gx := backward(root, g)[start]; gx != nil {
			return gx
		}
		return Zeros(x.shape...)
	}
	return out, pullback
}

// endTrace checks the output of a function traced at tr and returns its
// value below tr and its graph node (nil when the output is not boxed at tr,
// that is, does not depend on the input).
func endTrace(op string, y *Tensor, tr *trace) (*Tensor, *node) {
	if y == nil {
		panic(errorf(ErrNil, op, "the function returned a nil *Tensor"))
	}
	if t := traceOf(y); t != nil && t.id > tr.id {
		panic(errorf(ErrNotInput, op, "the function returned a value traced by a differentiation that has already finished (a tensor leaked out of an inner Grad, for example through a variable captured by a closure)"))
	}
	if traceOf(y) == tr {
		return y.b.value, y.b.node
	}
	return y, nil
}

func checkCotangent(op string, g, out *Tensor) {
	mustTensor(op, g)
	if !sameShape(g.shape, out.shape) {
		panic(errorf(ErrShape, op, "cotangent of shape %s for an output of shape %s", fmtShape(g.shape), fmtShape(out.shape)))
	}
}

// makeJVP runs f on x under a fresh forward-mode trace with tangent v and
// returns f's value and its tangent (zeros when the output does not depend
// on x).
func makeJVP(op string, f func(*Tensor) *Tensor, x, v *Tensor) (*Tensor, *Tensor) {
	if f == nil {
		panic(errorf(ErrNil, op, "nil function"))
	}
	mustTensor(op, x)
	mustTensor(op, v)
	if !sameShape(x.shape, v.shape) {
		panic(errorf(ErrShape, op, "tangent of shape %s for an input of shape %s", fmtShape(v.shape), fmtShape(x.shape)))
	}
	tr := newTrace(forwardMode)
	y := f(newBox(x, tr, nil, v))
	if y == nil {
		panic(errorf(ErrNil, op, "the function returned a nil *Tensor"))
	}
	if t := traceOf(y); t != nil && t.id > tr.id {
		panic(errorf(ErrNotInput, op, "the function returned a value traced by a differentiation that has already finished"))
	}
	if traceOf(y) == tr {
		return y.b.value, y.b.tangent
	}
	return y, Zeros(y.shape...)
}

// Grad returns the function computing the gradient of f, which must return
// a scalar (a tensor of size 1), by reverse mode. The gradient has x's shape.
// When f's output does not depend on x the gradient is zero (no panic).
//
// The returned function panics with ErrNonScalar when f's output has more
// than one element, and with the errors of f itself.
func Grad(f func(*Tensor) *Tensor) func(*Tensor) *Tensor {
	return func(x *Tensor) *Tensor {
		_, g := valueAndGrad("Grad", f, x)
		return g
	}
}

// ValueAndGrad is like Grad but also returns f(x).
func ValueAndGrad(f func(*Tensor) *Tensor) func(*Tensor) (*Tensor, *Tensor) {
	return func(x *Tensor) (*Tensor, *Tensor) { return valueAndGrad("ValueAndGrad", f, x) }
}

func valueAndGrad(op string, f func(*Tensor) *Tensor, x *Tensor) (*Tensor, *Tensor) {
	out, pb := makeVJP(op, f, x)
	if len(out.data) != 1 {
		panic(errorf(ErrNonScalar, op, "the function's output has shape %s; Grad needs a scalar output (use ElementwiseGrad, VJP or Jacobian for arrays)", fmtShape(out.shape)))
	}
	return out, pb(Ones(out.shape...))
}

// ElementwiseGrad returns the function computing the vector-Jacobian
// product of f with a cotangent of ones, like autograd's elementwise_grad.
// For an f that acts elementwise this is the derivative of each output
// element with respect to its input element; in general it is the gradient
// of the sum of f's outputs. The result has x's shape.
func ElementwiseGrad(f func(*Tensor) *Tensor) func(*Tensor) *Tensor {
	return func(x *Tensor) *Tensor {
		out, pb := makeVJP("ElementwiseGrad", f, x)
		return pb(Ones(out.shape...))
	}
}

// VJP returns a function that evaluates f at x and returns its value and
// the pullback, which maps a cotangent shaped like the value to the
// corresponding cotangent of x. The pullback may be called any number of
// times, also from several goroutines. It panics with ErrShape for a
// cotangent of the wrong shape.
func VJP(f func(*Tensor) *Tensor) func(*Tensor) (*Tensor, func(*Tensor) *Tensor) {
	return func(x *Tensor) (*Tensor, func(*Tensor) *Tensor) { return makeVJP("VJP", f, x) }
}

// JVP returns a function that evaluates f at x and returns its value and the
// Jacobian-vector product along the tangent v, by forward mode. v must have
// x's shape; the tangent has the output's shape.
func JVP(f func(*Tensor) *Tensor) func(x, v *Tensor) (*Tensor, *Tensor) {
	return func(x, v *Tensor) (*Tensor, *Tensor) { return makeJVP("JVP", f, x, v) }
}

// Deriv returns the forward-mode derivative of f: the tangent of f(x) along
// a tangent of ones. For a scalar x that is df/dx (of any output shape); for
// an f acting elementwise on an array x it is the elementwise derivative.
func Deriv(f func(*Tensor) *Tensor) func(*Tensor) *Tensor {
	return func(x *Tensor) *Tensor {
		mustTensor("Deriv", x)
		_, t := makeJVP("Deriv", f, x, Ones(x.shape...))
		return t
	}
}

// StopGradient returns x's value as a constant: no differentiation, inner or
// outer, sees a dependence of the result on x.
func StopGradient(x *Tensor) *Tensor {
	mustTensor("StopGradient", x)
	return plain(x)
}
