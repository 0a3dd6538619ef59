package ad

// The tracing core: primitives, traces, boxes and the one apply function.
//
// # Writing a primitive (for contributors to package ad)
//
// Every differentiable operation is one *Primitive value, declared once at
// package level and assigned in an init function (its rules call the op that
// wraps it, which Go rejects as an initialization cycle in a plain var
// initializer), and every public op is a thin function that checks its
// arguments and calls Apply:
//
//	var primExp *Primitive
//
//	func init() {
//		primExp = &Primitive{
//			Name:    "Exp",
//			Forward: unaryKernel("Exp", func(dst, x []float64) { for i, v := range x { dst[i] = math.Exp(v) } }),
//			VJP:     []VJPRule{func(g *Tensor, c *Call) *Tensor { return Mul(g, c.Out) }},
//			JVP:     []JVPRule{func(t *Tensor, c *Call) *Tensor { return Mul(t, c.Out) }},
//		}
//	}
//
//	// Exp returns eˣ elementwise.
//	func Exp(x *Tensor) *Tensor { return primExp.Apply(nil, mustTensor("Exp", x)) }
//
// Helpers for kernels: unaryKernel (elementwise, parallel, interruptible),
// binaryKernel with a binaryLoop (broadcasting with same-shape and scalar
// fast paths), funcLoop, parallelFor, forEachRow with broadcastStrides,
// alloc (allocation guard), checkInterrupt, errorf/fmtShape (errors), and the
// differentiable internal ops broadcastTo(x, shape) and sumTo(x, shape)
// (use them for BroadcastTo and for reductions' rules).
//
// The contract:
//
//   - Forward computes the result from plain (never boxed) tensors in
//     c.Args, with c.Params holding any non-tensor parameters (axes, a
//     shape, …; use a small struct or a basic value). It must not modify
//     its arguments and must not keep c or c.Args after returning (Calls
//     are recycled). It returns a new plain tensor (allocate with
//     alloc(op, n) or newResult so huge results are refused, and call
//     checkInterrupt in long loops, or use unaryKernel/parallelFor which do
//     both), and panics with errorf(ErrShape, "Op", "…") on bad shapes,
//     naming the shapes with fmtShape. Forward is only ever called with
//     plain arguments, so it can read t.data and t.shape directly.
//   - VJP[i] maps the output cotangent g (shape of c.Out) to the cotangent of
//     argument i. It may return any shape that broadcasts to the argument's
//     shape: the backward pass sums it back with unbroadcast, so binary rules
//     need not do it themselves. JVP[i] maps the tangent t of argument i
//     (shape of c.Args[i]) to the output tangent; a result that broadcasts to
//     c.Out's shape is accepted and broadcast. Both receive c.Args and c.Out
//     as values of the trace below (possibly boxed by outer
//     differentiations), so rules MUST be written with ad's own ops (Mul,
//     Cos, Sum, …), never by reading .data: that is what makes higher-order
//     derivatives work.
//   - A nil rule (or a rule slice shorter than the argument list) means the
//     derivative w.r.t. that argument is zero; a primitive with no rules at
//     all is non-differentiable (its results are constants: Sign, Floor,
//     comparisons, ArgMax). Declare those with nonDiff so they are listed
//     together.
//   - Variadic primitives (Concatenate, Stack) set VJPAt/JVPAt, which take
//     the argument index, instead of the slices.
//   - Rules for linear primitives are themselves linear primitives (the VJP
//     of BroadcastTo is SumTo and vice versa), so any order works.
//
// The Call passed to rules is shared by all rules of one application and
// must be treated as read-only.

import (
	"sync"
	"sync/atomic"
)

// Primitive is one differentiable operation: a forward kernel on plain
// tensors plus a derivative rule per argument for reverse mode (VJP) and
// forward mode (JVP). See Apply. Users may declare their own primitives to
// give a function a custom derivative.
type Primitive struct {
	// Name is used in error messages and graphs ("Exp").
	Name string
	// Forward computes the result from plain tensors c.Args and c.Params.
	// It must not keep c (or c.Args) after returning.
	Forward func(c *Call) *Tensor
	// VJP[i] is the vector-Jacobian product rule for argument i; nil or
	// missing means zero.
	VJP []VJPRule
	// JVP[i] is the Jacobian-vector product rule for argument i; nil or
	// missing means zero.
	JVP []JVPRule
	// VJPAt and JVPAt, when set, replace VJP and JVP for primitives with a
	// variable number of arguments. They receive the argument index.
	VJPAt func(i int, g *Tensor, c *Call) *Tensor
	JVPAt func(i int, t *Tensor, c *Call) *Tensor

	// scalar1 and scalar2, when set, compute a unary or binary primitive
	// on 0-d arguments directly, without the Call and kernel set-up of
	// Forward; they must compute exactly what Forward computes. A loop of
	// scalar operations spends most of its time in that set-up otherwise.
	scalar1 func(x float64) float64
	scalar2 func(a, b float64) float64
	// scalarVJP, when set, is the VJP rule for argument i on plain 0-d
	// values, used by the backward pass of scalar graphs: g the cotangent,
	// a and b the arguments (b = a for a unary primitive), y the result. It
	// must compute exactly what VJP[i] computes for such arguments.
	scalarVJP func(i int, g, a, b, y float64) float64
}

// applyScalar computes p on plain 0-d arguments through its scalar fast
// path, or returns nil when p has none for these arguments.
func (p *Primitive) applyScalar(args []*Tensor) *Tensor {
	switch len(args) {
	case 1:
		if p.scalar1 != nil && len(args[0].shape) == 0 {
			return Scalar(p.scalar1(args[0].data[0]))
		}
	case 2:
		if p.scalar2 != nil && len(args[0].shape) == 0 && len(args[1].shape) == 0 {
			return Scalar(p.scalar2(args[0].data[0], args[1].data[0]))
		}
	}
	return nil
}

// Call is one application of a primitive, as seen by its rules: the
// arguments and the result at the level of the trace being differentiated
// (they may still be boxed by outer differentiations), and the parameters.
type Call struct {
	Args   []*Tensor
	Params any
	Out    *Tensor
}

// VJPRule maps the cotangent g of a primitive's output to the cotangent of
// one argument.
type VJPRule func(g *Tensor, c *Call) *Tensor

// JVPRule maps the tangent t of one argument to the tangent of the output.
type JVPRule func(t *Tensor, c *Call) *Tensor

func (p *Primitive) vjp(i int) func(g *Tensor, c *Call) *Tensor {
	if p.VJPAt != nil {
		return func(g *Tensor, c *Call) *Tensor { return p.VJPAt(i, g, c) }
	}
	if i < len(p.VJP) && p.VJP[i] != nil {
		return p.VJP[i]
	}
	return nil
}

func (p *Primitive) hasVJP(i int) bool {
	return p.VJPAt != nil || (i < len(p.VJP) && p.VJP[i] != nil)
}

func (p *Primitive) jvp(i int) func(t *Tensor, c *Call) *Tensor {
	if p.JVPAt != nil {
		return func(t *Tensor, c *Call) *Tensor { return p.JVPAt(i, t, c) }
	}
	if i < len(p.JVP) && p.JVP[i] != nil {
		return p.JVP[i]
	}
	return nil
}

// nonDiff declares a primitive without derivative: its results are
// constants to every differentiation, which cuts the gradient path.
func nonDiff(name string, forward func(c *Call) *Tensor) *Primitive {
	return &Primitive{Name: name, Forward: forward}
}

// Trace modes.
const (
	reverseMode = iota
	forwardMode
)

// trace identifies one differentiation. Ids increase, so an inner (later
// started) differentiation always has a higher id than the outer ones whose
// boxes it may see.
type trace struct {
	id   uint64
	mode int
	seq  atomic.Uint64 // numbers the nodes of a reverse-mode trace
	done atomic.Bool   // set when the differentiated function has returned
	rec  *jitRec       // the recording of a jit trace (jitMode)
}

// finish marks tr as ended: from now on its boxes may only be read, and
// applying a primitive to one is reported as a leaked tracer.
func (tr *trace) finish() { tr.done.Store(true) }

var traceCounter atomic.Uint64

func newTrace(mode int) *trace {
	return &trace{id: traceCounter.Add(1), mode: mode}
}

// box is what makes a Tensor traced: its value one level down (itself
// possibly boxed by lower traces), its trace, and either its reverse-mode
// graph node or its forward-mode tangent.
type box struct {
	value   *Tensor
	tr      *trace
	node    *node   // reverse mode
	tangent *Tensor // forward mode; same shape as value
}

// node is a vertex of a reverse-mode graph: the primitive application that
// produced a value and the nodes of its traced arguments. A start node (the
// input of a differentiation) has prim == nil. Nodes of one trace are
// numbered in creation order (seq), so a node's parents always have smaller
// numbers: decreasing seq is a topological order. parents[i] is the node of
// argument i when that argument is traced by the node's trace and has a VJP
// rule, nil otherwise. The buffers let one allocation hold the arguments and
// parents of primitives of up to three arguments; the node is allocated
// together with the boxed result (tracedNode).
type node struct {
	prim    *Primitive
	call    Call
	parents []*node
	seq     uint64
	argBuf  [3]*Tensor
	parBuf  [3]*node
}

// newNode returns a node of tr with the next sequence number.
func (tr *trace) newNode() *node {
	return &node{seq: tr.seq.Add(1)}
}

// newBox returns a tensor boxing value at trace tr. The box shares the
// value's shape and data so accessors see the numbers directly.
func newBox(value *Tensor, tr *trace, n *node, tangent *Tensor) *Tensor {
	share(value)
	bt := &boxedTensor{
		t: Tensor{shape: value.shape, data: value.data},
		b: box{value: value, tr: tr, node: n, tangent: tangent},
	}
	bt.t.b = &bt.b
	return &bt.t
}

// boxedTensor allocates a boxed Tensor and its box together.
type boxedTensor struct {
	t Tensor
	b box
}

// traceOf returns the trace t is boxed at, or nil for a plain tensor.
func traceOf(t *Tensor) *trace {
	if t.b == nil {
		return nil
	}
	return t.b.tr
}

// unboxAt returns t's value one level below tr when t is boxed at tr, and t
// itself otherwise.
func unboxAt(t *Tensor, tr *trace) *Tensor {
	if t.b != nil && t.b.tr == tr {
		return t.b.value
	}
	return t
}

// plain returns t with every box removed: the bare numbers. Code that
// reads the numbers of a value that may be traced goes through plain, so
// that a running Jit trace records them as a guard (noteRead).
func plain(t *Tensor) *Tensor {
	if t.b == nil {
		return t
	}
	noteRead(t, "plain", 0, len(t.data))
	return newRaw(t.shape, t.data)
}

// Apply applies p to args with the given parameters and returns the result,
// traced by every differentiation that traces any argument.
//
// Apply finds the highest trace among the arguments, unboxes the arguments
// boxed at it, applies p to those values recursively (so lower traces are
// handled by the inner call, and plain values by Forward), and boxes the
// result at that trace: in reverse mode with a graph node that records the
// call, in forward mode with the sum of the JVP rules' outputs. A trace with
// no rule for any of its arguments leaves the result unboxed.
//
// Apply panics with ErrNil for a nil argument.
func (p *Primitive) Apply(params any, args ...*Tensor) *Tensor {
	var top *trace
	for i, a := range args {
		if a == nil {
			panic(errorf(ErrNil, p.Name, "argument %d is a nil *Tensor", i))
		}
		if isReleasedSole(a) {
			panic(errReleased(p.Name, a))
		}
		if a.b != nil && (top == nil || a.b.tr.id > top.id) {
			top = a.b.tr
		}
	}
	// Sole arguments and released shared ones are in the side table
	// (release.go), empty in a program that neither jits nor releases.
	sole := owned.n.Load() != 0 && checkArgs(p.Name, args)
	if top == nil {
		if out := p.applyScalar(args); out != nil {
			return out
		}
		cb := callPool.Get().(*callBuf)
		cb.call.Params = params
		cb.call.Args = append(cb.args[:0], args...)
		out := p.forward(&cb.call)
		*cb = callBuf{}
		callPool.Put(cb)
		if sole {
			// A result viewing a sole argument (Reshape's) shares its
			// buffer.
			for _, a := range args {
				if a != out && overlaps(out.data, a.data) {
					share(a)
				}
			}
		}
		return out
	}
	if sole {
		// The graph or recording keeps the arguments.
		for _, a := range args {
			share(a)
		}
	}
	if top.done.Load() {
		if top.mode == jitMode {
			panic(errorf(ErrNotInput, p.Name, "an argument is a value traced by Jit that leaked out of the jitted function (for example through a variable captured by a closure); only the jitted function's results may be used after it returns"))
		}
		panic(errorf(ErrNotInput, p.Name, "an argument is a value traced by a differentiation that has already finished (it leaked out of a Grad, VJP or JVP call, for example through a variable captured by a closure); use StopGradient inside the differentiated function to keep a constant copy"))
	}
	switch top.mode {
	case reverseMode:
		return p.applyReverse(top, params, args)
	case jitMode:
		return p.applyJit(top, params, args)
	}
	return p.applyForward(top, params, args)
}

// callBuf holds a Call and room for its arguments. The Calls given to
// Forward on plain arguments are recycled through callPool (Forward must not
// keep its *Call), which saves an allocation per operation.
type callBuf struct {
	call Call
	args [3]*Tensor
}

var callPool = sync.Pool{New: func() any { return new(callBuf) }}

// forward runs the kernel on plain arguments and checks that it returned a
// plain tensor.
func (p *Primitive) forward(c *Call) *Tensor {
	if p.Forward == nil {
		panic(errorf(ErrArgument, p.Name, "the primitive has no Forward function"))
	}
	out := p.Forward(c)
	if out == nil {
		panic(errorf(ErrArgument, p.Name, "the primitive's Forward returned nil"))
	}
	if out.b != nil {
		out = plain(out)
	}
	return out
}

// eval computes the value of p one level below a trace: through Apply when
// some argument is still boxed (by a lower trace), directly with Forward
// otherwise (reusing c, whose Args are set).
func (p *Primitive) eval(c *Call) *Tensor {
	for _, a := range c.Args {
		if a.b != nil {
			return p.Apply(c.Params, c.Args...)
		}
	}
	if out := p.applyScalar(c.Args); out != nil {
		return out
	}
	return p.forward(c)
}

// tracedNode allocates a reverse-mode node together with the boxed result
// it belongs to. The value itself is a separate allocation: a value handed
// out of the trace (the result of ValueAndGrad, say) must not keep the node
// alive, which would keep its arguments' nodes and so the whole graph.
type tracedNode struct {
	n  node
	bt boxedTensor
}

func (p *Primitive) applyReverse(top *trace, params any, args []*Tensor) *Tensor {
	tn := &tracedNode{}
	n := &tn.n
	n.prim = p
	inner := n.argBuf[:0]
	if len(args) > len(n.argBuf) {
		inner = make([]*Tensor, 0, len(args))
	}
	for _, a := range args {
		inner = append(inner, unboxAt(a, top))
	}
	n.call.Args, n.call.Params = inner, params
	out := p.eval(&n.call)
	n.call.Out = out
	traced := false
	for i, a := range args {
		if traceOf(a) == top && p.hasVJP(i) {
			if !traced {
				traced = true
				if len(args) <= len(n.parBuf) {
					n.parents = n.parBuf[:len(args):len(args)]
				} else {
					n.parents = make([]*node, len(args))
				}
			}
			n.parents[i] = a.b.node
		}
	}
	if !traced {
		return out
	}
	n.seq = top.seq.Add(1)
	share(out)
	bt := &tn.bt
	bt.t = Tensor{shape: out.shape, data: out.data, b: &bt.b}
	bt.b = box{value: out, tr: top, node: n}
	return &bt.t
}

func (p *Primitive) applyForward(top *trace, params any, args []*Tensor) *Tensor {
	cb := &callBuf{}
	c := &cb.call
	c.Args, c.Params = cb.args[:0], params
	for _, a := range args {
		c.Args = append(c.Args, unboxAt(a, top))
	}
	out := p.eval(c)
	c.Out = out
	var tan *Tensor
	for i, a := range args {
		if traceOf(a) != top {
			continue
		}
		rule := p.jvp(i)
		if rule == nil {
			continue
		}
		ti := rule(a.b.tangent, c)
		if tan == nil {
			tan = ti
		} else {
			tan = Add(tan, ti)
		}
	}
	if tan == nil {
		return out
	}
	if !sameShape(tan.shape, out.shape) {
		tan = broadcastTo(tan, out.shape)
	}
	return newBox(out, top, nil, tan)
}
