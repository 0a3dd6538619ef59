package ad

// The differential operators, all built on makeVJP (reverse mode) and
// makeJVP (forward mode).

// makeVJP runs f on x under a fresh reverse-mode trace and returns f's value
// (unboxed from that trace) and its pullback, which maps an output cotangent
// to the cotangent of x. When the output does not depend on x the pullback
// returns zeros shaped like x (see the package documentation).
func makeVJP(op string, f func(*Tensor) *Tensor, x *Tensor) (*Tensor, func(*Tensor) *Tensor) {
	out, pullback, _, _ := makeVJPGraph(op, f, x)
	return out, pullback
}

// makeVJPGraph is makeVJP that also returns the root of the traced graph
// (nil when the output does not depend on x) and x's start node, for
// callers that inspect the graph.
func makeVJPGraph(op string, f func(*Tensor) *Tensor, x *Tensor) (*Tensor, func(*Tensor) *Tensor, *node, *node) {
	if f == nil {
		panic(errorf(ErrNil, op, "nil function"))
	}
	mustTensor(op, x)
	tr := newTrace(reverseMode)
	start := tr.newNode()
	y := callTraced(tr, func() *Tensor { return f(newBox(x, tr, start, nil)) })
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
	return out, pullback, root, start
}

// callTraced runs f and then marks tr finished, also when f panics, so that
// no box of tr can be computed with afterwards.
func callTraced(tr *trace, f func() *Tensor) *Tensor {
	defer tr.finish()
	return f()
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
	y := callTraced(tr, func() *Tensor { return f(newBox(x, tr, nil, v)) })
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
	return stopDiff(x)
}

// makeVJPSlice is makeVJP for a function of several tensors, all traced by
// one reverse-mode trace. The pullback returns one cotangent per input.
func makeVJPSlice(op string, f func([]*Tensor) *Tensor, xs []*Tensor) (*Tensor, func(*Tensor) []*Tensor) {
	if f == nil {
		panic(errorf(ErrNil, op, "nil function"))
	}
	tr := newTrace(reverseMode)
	starts := make([]*node, len(xs))
	boxed := make([]*Tensor, len(xs))
	for i, x := range xs {
		if x == nil {
			panic(errorf(ErrNil, op, "input %d is a nil *Tensor", i))
		}
		starts[i] = tr.newNode()
		boxed[i] = newBox(x, tr, starts[i], nil)
	}
	y := callTraced(tr, func() *Tensor { return f(boxed) })
	out, root := endTrace(op, y, tr)
	pullback := func(g *Tensor) []*Tensor {
		checkCotangent(op, g, out)
		var leaves map[*node]*Tensor
		if root != nil {
			leaves = backward(root, g)
		}
		gs := make([]*Tensor, len(xs))
		for i, x := range xs {
			if gs[i] = leaves[starts[i]]; gs[i] == nil {
				gs[i] = Zeros(x.shape...)
			}
		}
		return gs
	}
	return out, pullback
}

// GradSlice returns the function computing the gradients of a scalar
// function of several tensors, one per input, in one reverse pass. It panics
// like Grad; an input the output does not depend on gets a zero gradient.
func GradSlice(f func([]*Tensor) *Tensor) func([]*Tensor) []*Tensor {
	return func(xs []*Tensor) []*Tensor {
		_, gs := valueAndGradSlice("GradSlice", f, xs)
		return gs
	}
}

// ValueAndGradSlice is like GradSlice but also returns f(xs).
func ValueAndGradSlice(f func([]*Tensor) *Tensor) func([]*Tensor) (*Tensor, []*Tensor) {
	return func(xs []*Tensor) (*Tensor, []*Tensor) { return valueAndGradSlice("ValueAndGradSlice", f, xs) }
}

func valueAndGradSlice(op string, f func([]*Tensor) *Tensor, xs []*Tensor) (*Tensor, []*Tensor) {
	out, pb := makeVJPSlice(op, f, xs)
	if len(out.data) != 1 {
		panic(errorf(ErrNonScalar, op, "the function's output has shape %s; gradients need a scalar output", fmtShape(out.shape)))
	}
	return out, pb(Ones(out.shape...))
}

// GradMap returns the function computing the gradient of a scalar function
// of a named set of parameters (a model's weights, say), keyed like the
// input. It panics like Grad.
func GradMap(f func(map[string]*Tensor) *Tensor) func(map[string]*Tensor) map[string]*Tensor {
	return func(params map[string]*Tensor) map[string]*Tensor {
		_, g := valueAndGradMap("GradMap", f, params)
		return g
	}
}

// ValueAndGradMap is like GradMap but also returns f(params).
func ValueAndGradMap(f func(map[string]*Tensor) *Tensor) func(map[string]*Tensor) (*Tensor, map[string]*Tensor) {
	return func(params map[string]*Tensor) (*Tensor, map[string]*Tensor) {
		return valueAndGradMap("ValueAndGradMap", f, params)
	}
}

func valueAndGradMap(op string, f func(map[string]*Tensor) *Tensor, params map[string]*Tensor) (*Tensor, map[string]*Tensor) {
	if f == nil {
		panic(errorf(ErrNil, op, "nil function"))
	}
	keys := make([]string, 0, len(params))
	xs := make([]*Tensor, 0, len(params))
	for k, v := range params {
		if v == nil {
			panic(errorf(ErrNil, op, "parameter %q is a nil *Tensor", k))
		}
		keys = append(keys, k)
		xs = append(xs, v)
	}
	g := func(xs []*Tensor) *Tensor {
		m := make(map[string]*Tensor, len(keys))
		for i, k := range keys {
			m[k] = xs[i]
		}
		return f(m)
	}
	out, gs := valueAndGradSlice(op, g, xs)
	res := make(map[string]*Tensor, len(keys))
	for i, k := range keys {
		res[k] = gs[i]
	}
	return out, res
}

// Derivatives returns the function computing f and its first n elementwise
// derivatives, [f(x), f'(x), …, f⁽ⁿ⁾(x)], by n nested ElementwiseGrads in a
// single evaluation: the lower orders are the intermediate values of the
// highest one, so the whole list costs about as much as f⁽ⁿ⁾ alone (computing
// each order separately costs about 1.5 times more for typical f). Like
// ElementwiseGrad, each result is the vector-Jacobian product with ones, the
// elementwise derivative for an f acting elementwise. It panics with
// ErrArgument for n < 0.
func Derivatives(f func(*Tensor) *Tensor, n int) func(*Tensor) []*Tensor {
	if f == nil {
		panic(errorf(ErrNil, "Derivatives", "nil function"))
	}
	if n < 0 {
		panic(errorf(ErrArgument, "Derivatives", "negative order %d", n))
	}
	return func(x *Tensor) []*Tensor {
		mustTensor("Derivatives", x)
		outs := make([]*Tensor, n+1)
		// Traces started from here on belong to this call; values are
		// recorded without their boxes but keep those of enclosing
		// differentiations, so that Derivatives itself is differentiable.
		first := traceCounter.Load() + 1
		g := f
		for k := 0; k <= n; k++ {
			if k > 0 {
				g = ElementwiseGrad(g)
			}
			inner, k := g, k
			// Record the value of order k (without the boxes of the outer
			// differentiations) when it is computed.
			g = func(x *Tensor) *Tensor {
				y := inner(x)
				v := y
				for v != nil && v.b != nil && v.b.tr.id >= first {
					v = v.b.value
				}
				outs[k] = v
				return y
			}
		}
		g(x)
		return outs
	}
}
