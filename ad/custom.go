package ad

// User-defined primitives and gradient checkpointing, usable from notebook
// cells: every function here takes plain Go function values (closures work,
// interpreted ones included), and nothing is generic.

import "sync"

// CustomPrimitive is a differentiable operation defined by user code: a
// forward function on plain tensors plus derivative rules for its
// arguments. Rules written with ad's ops (not by reading Data) give
// derivatives of every order. Create one with NewPrimitive, add forward-mode
// rules with DefJVP, and apply it with Call. A CustomPrimitive must not be
// changed while it is being applied.
type CustomPrimitive struct {
	p *Primitive
}

// NewPrimitive returns a primitive named name that computes forward(args)
// and whose reverse-mode rule for argument i is vjps[i]: given the output
// cotangent g (shaped like the output), the output ans and the arguments, it
// returns the cotangent of argument i (any shape that broadcasts to that
// argument's; it is summed back). A nil or missing rule means a zero
// derivative. forward receives plain tensors — the values without any
// tracing — so it may compute with Data freely. Every call of forward or of
// a rule gets a slice of its own: user code may keep it or change its
// elements without affecting the engine.
//
//	sq := ad.NewPrimitive("square", func(a []*ad.Tensor) *ad.Tensor { return ad.Mul(a[0], a[0]) },
//		func(g, ans *ad.Tensor, a []*ad.Tensor) *ad.Tensor { return ad.Mul(g, ad.Mul(a[0], 2.0)) })
//	sq.DefJVP(0, func(t, ans *ad.Tensor, a []*ad.Tensor) *ad.Tensor { return ad.Mul(t, ad.Mul(a[0], 2.0)) })
//	y := sq.Call(x)
//
// NewPrimitive panics with ErrNil for a nil forward function.
func NewPrimitive(name string, forward func(args []*Tensor) *Tensor, vjps ...func(g, ans *Tensor, args []*Tensor) *Tensor) *CustomPrimitive {
	if forward == nil {
		panic(errorf(ErrNil, "NewPrimitive", "nil forward function for %q", name))
	}
	cp := &CustomPrimitive{p: &Primitive{Name: name}}
	cp.p.Forward = func(c *Call) *Tensor {
		out := forward(argsCopy(c))
		if out == nil {
			panic(errorf(ErrNil, name, "the forward function returned a nil *Tensor"))
		}
		return out
	}
	for i, r := range vjps {
		cp.DefVJP(i, r)
	}
	return cp
}

// DefVJP sets (or, with nil, clears) the reverse-mode rule for argument i
// and returns p, so definitions chain. It panics with ErrArgument for i < 0.
func (p *CustomPrimitive) DefVJP(i int, rule func(g, ans *Tensor, args []*Tensor) *Tensor) *CustomPrimitive {
	r := userRule(p.p.Name, "DefVJP", i, rule)
	for len(p.p.VJP) <= i {
		p.p.VJP = append(p.p.VJP, nil)
	}
	p.p.VJP[i] = VJPRule(r)
	return p
}

// DefJVP sets (or, with nil, clears) the forward-mode rule for argument i:
// given the tangent t of argument i (shaped like it), the output ans and the
// arguments, it returns the output's tangent (any shape that broadcasts to
// the output's). It returns p, so definitions chain, and panics with
// ErrArgument for i < 0.
func (p *CustomPrimitive) DefJVP(i int, rule func(t, ans *Tensor, args []*Tensor) *Tensor) *CustomPrimitive {
	r := userRule(p.p.Name, "DefJVP", i, rule)
	for len(p.p.JVP) <= i {
		p.p.JVP = append(p.p.JVP, nil)
	}
	p.p.JVP[i] = JVPRule(r)
	return p
}

// userRule adapts a user's rule for argument i of the primitive name to the
// engine's form: it gets the output and its own copy of the arguments, and
// a nil result panics with ErrNil. A nil rule gives nil (a zero
// derivative). It panics with ErrArgument for i < 0, naming op.
func userRule(name, op string, i int, rule func(v, ans *Tensor, args []*Tensor) *Tensor) func(*Tensor, *Call) *Tensor {
	if i < 0 {
		panic(errorf(ErrArgument, op, "argument index %d", i))
	}
	if rule == nil {
		return nil
	}
	return func(v *Tensor, c *Call) *Tensor {
		r := rule(v, c.Out, argsCopy(c))
		if r == nil {
			panic(errorf(ErrNil, name, "the %s rule for argument %d returned a nil *Tensor", op[len("Def"):], i))
		}
		return r
	}
}

// argsCopy returns a copy of c.Args for user code. The engine recycles the
// Call given to Forward (and shares a node's Call among all its rules), so
// user functions, which may keep or modify their argument slice, never see
// the engine's own.
func argsCopy(c *Call) []*Tensor { return append([]*Tensor(nil), c.Args...) }

// Name returns the primitive's name.
func (p *CustomPrimitive) Name() string { return p.p.Name }

// Call applies the primitive to args, tracing it in every running
// differentiation. It panics with ErrNil for a nil argument.
func (p *CustomPrimitive) Call(args ...*Tensor) *Tensor {
	for i, a := range args {
		if a == nil {
			panic(errorf(ErrNil, p.p.Name, "argument %d is a nil *Tensor", i))
		}
	}
	return p.p.Apply(nil, args...)
}

// Checkpoint returns a function computing f that stores none of f's
// intermediate values for reverse mode: the backward pass runs f again to
// rebuild them (trading compute for memory, as in jax.checkpoint). The
// result differentiates like f in both modes and to any order. f must be a
// pure function of its argument: a differentiated value it captures from
// outside (the weights of a network, say) would get no gradient through
// the checkpoint, so that case panics with ErrNotInput — pass such values
// as arguments with CheckpointSlice.
//
// Checkpoint panics with ErrNil for a nil f.
func Checkpoint(f func(*Tensor) *Tensor) func(*Tensor) *Tensor {
	if f == nil {
		panic(errorf(ErrNil, "Checkpoint", "nil function"))
	}
	g := CheckpointSlice(func(xs []*Tensor) *Tensor { return f(xs[0]) })
	return func(x *Tensor) *Tensor { return g([]*Tensor{mustTensor("Checkpoint", x)}) }
}

// CheckpointSlice is Checkpoint for a function of several tensors: every
// value f depends on that may be differentiated must be one of its
// arguments. In reverse mode the backward pass runs f once more to get the
// gradients of all arguments; in forward mode each differentiated argument
// costs one more run of f.
//
// CheckpointSlice panics with ErrNil for a nil f.
func CheckpointSlice(f func([]*Tensor) *Tensor) func([]*Tensor) *Tensor {
	if f == nil {
		panic(errorf(ErrNil, "Checkpoint", "nil function"))
	}
	// The pullback of one application serves the rules of all its
	// arguments: the backward pass asks for them one after another with the
	// same cotangent, so the last result is kept (its Call belongs to a
	// graph node, never recycled while referenced).
	var mu sync.Mutex
	var lastCall *Call
	var lastG *Tensor
	var lastGs []*Tensor
	p := &Primitive{
		Name: "Checkpoint",
		Forward: func(c *Call) *Tensor {
			out := f(argsCopy(c))
			if out == nil {
				panic(errorf(ErrNil, "Checkpoint", "the function returned a nil *Tensor"))
			}
			if out.b != nil {
				panic(errorf(ErrNotInput, "Checkpoint", "the function depends on a differentiated value it captures instead of taking it as an argument; its gradient would be lost (pass it to CheckpointSlice)"))
			}
			return out
		},
		VJPAt: func(i int, g *Tensor, c *Call) *Tensor {
			mu.Lock()
			if c == lastCall && g == lastG {
				gs := lastGs
				mu.Unlock()
				return gs[i]
			}
			mu.Unlock()
			// Not under the lock: f may itself use this checkpoint.
			_, pullback := makeVJPSlice("Checkpoint", f, c.Args)
			gs := pullback(g)
			if len(c.Args) > 1 { // nothing to share with one argument
				mu.Lock()
				lastCall, lastG, lastGs = c, g, gs
				mu.Unlock()
			}
			return gs[i]
		},
		JVPAt: func(i int, t *Tensor, c *Call) *Tensor {
			fi := func(xi *Tensor) *Tensor {
				args := argsCopy(c)
				args[i] = xi
				return f(args)
			}
			_, tan := makeJVP("Checkpoint", fi, c.Args[i], t)
			return tan
		},
	}
	return func(xs []*Tensor) *Tensor {
		for i, x := range xs {
			if x == nil {
				panic(errorf(ErrNil, "Checkpoint", "argument %d is a nil *Tensor", i))
			}
		}
		return p.Apply(nil, xs...)
	}
}
