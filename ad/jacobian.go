package ad

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Jacobians, Hessians and Hessian-vector products, built from makeVJP and
// makeJVP. The rows (or columns) are assembled with differentiable ops
// (Concatenate, Transpose, Reshape), so that the results are differentiable
// again (Hessian is the Jacobian of the gradient).

// Jacobian returns the function computing the Jacobian of f at x by reverse
// mode, one pullback per output element. For an output of shape S and an
// input of shape X the result has shape S+X (S followed by X), like
// autograd's jacobian: J[s..., x...] = ∂f(x)[s...]/∂x[x...].
//
// f is called once, on the calling goroutine. When the traced function is
// not itself being differentiated by an enclosing Grad, JVP, Jacobian…
// (which must see its operations in order), the pullbacks are sped up in
// two ways. When every operation on the path from x to the output is an
// elementwise arithmetic or smooth function, Reshape, Transpose,
// BroadcastTo, Sum or a product of two matrices, blocks of up to 32 rows are
// pulled back at once as one cotangent with a leading batch axis (the
// matrix-vector products of the rows become one matrix product); the
// numbers are the row-by-row ones up to rounding. Otherwise rows are pulled
// back one at a time. Either way the blocks or rows run on up to GOMAXPROCS
// goroutines at once when there is enough work, with results bit-identical
// to running them in order. The derivative rules, custom primitives' ones
// included, may therefore be called concurrently (as they may be from
// concurrent VJP pullbacks). Set GOMAXPROCS (runtime.GOMAXPROCS or the
// environment variable) to 1 to keep the pullbacks on one goroutine. A
// panic in a pullback (an ad error, or ErrInterrupted after Interrupt) is
// raised on the calling goroutine, the one the serial order would have
// raised first, and no goroutine is left running.
func Jacobian(f func(*Tensor) *Tensor) func(*Tensor) *Tensor {
	return func(x *Tensor) *Tensor { return jacobianRev("Jacobian", f, x) }
}

// jacobianRev computes the Jacobian of f at x by reverse mode, naming op in
// its errors.
func jacobianRev(op string, f func(*Tensor) *Tensor, x *Tensor) *Tensor {
	out, pb, root, start := makeVJPGraph(op, f, x)
	m := len(out.data)
	full := append(append([]int{}, out.shape...), x.shape...)
	if j := jacobianBatched(op, out, root, start, x); j != nil {
		return Reshape(j, full...)
	}
	rows := make([]*Tensor, m)
	row := func(i int) { rows[i] = pb(oneHot(out.shape, i)) }
	// Concurrent pullbacks are only allowed through a graph of plain
	// values: a value boxed by an enclosing trace would make the rules add
	// nodes to that trace in a timing-dependent order, and its backward
	// pass would then sum them in that order.
	if eachRow(op, m, root != nil && plainGraph(root), row) && !allPlain(rows) {
		// A rule reached an enclosing trace some other way (a captured
		// boxed tensor): redo the rows in order.
		eachRow(op, m, false, row)
	}
	return stackRows(rows, len(x.data), full)
}

// JacobianFwd is Jacobian computed by forward mode, one tangent per input
// element: cheaper than Jacobian when the input has fewer elements than the
// output. The result has the same shape S+X.
//
// When x has at least two elements and is not being differentiated by an
// enclosing operator, f is first traced once, and when every operation on
// the path from x to the output is one that Jacobian batches, blocks of up
// to 32 tangents are pushed through that trace at once (on up to
// GOMAXPROCS goroutines), agreeing with the tangent-by-tangent result up to
// rounding. Otherwise f is evaluated once more per element of x, one tangent
// at a time.
func JacobianFwd(f func(*Tensor) *Tensor) func(*Tensor) *Tensor {
	return func(x *Tensor) *Tensor {
		mustTensor("JacobianFwd", x)
		n := len(x.data)
		if j := jacobianFwdBatched("JacobianFwd", f, x); j != nil {
			return j
		}
		cols := make([]*Tensor, n)
		var outShape []int
		for j := range cols {
			checkInterrupt("JacobianFwd")
			var y *Tensor
			y, cols[j] = makeJVP("JacobianFwd", f, x, oneHot(x.shape, j))
			outShape = y.shape
		}
		if n == 0 {
			outShape = f(x).shape
		}
		m := shapeSize("JacobianFwd", outShape)
		full := append(append([]int{}, outShape...), x.shape...)
		return transposeFlat(stackParts(cols, []int{n, m}), n, m, full)
	}
}

// Hessian returns the function computing the Hessian of a scalar-valued f
// at x, the Jacobian of its gradient (reverse over reverse), of shape X+X.
// It panics with ErrNonScalar when f's output is not a scalar. Its rows are
// pullbacks through the traced gradient, batched and spread over
// goroutines like Jacobian's (GOMAXPROCS=1 keeps them on one).
func Hessian(f func(*Tensor) *Tensor) func(*Tensor) *Tensor {
	return func(x *Tensor) *Tensor {
		g := func(x *Tensor) *Tensor {
			_, gx := valueAndGrad("Hessian", f, x)
			return gx
		}
		return jacobianRev("Jacobian", g, x)
	}
}

// HVP returns the function computing the Hessian-vector product H(x)·v of a
// scalar-valued f, by forward mode over reverse mode, without forming the
// Hessian. v must have x's shape.
func HVP(f func(*Tensor) *Tensor) func(x, v *Tensor) *Tensor {
	return func(x, v *Tensor) *Tensor {
		g := func(x *Tensor) *Tensor {
			_, gx := valueAndGrad("HVP", f, x)
			return gx
		}
		_, t := makeJVP("HVP", g, x, v)
		return t
	}
}

// oneHot returns zeros of the given shape with a 1 at flat index i.
func oneHot(shape []int, i int) *Tensor {
	t := Zeros(shape...)
	t.data[i] = 1
	return t
}

// stackRows is stackParts for rows of size n each; when every row is a plain
// tensor of that size it copies them into the result directly (the same
// numbers, without the per-row reshapes of the differentiable path).
func stackRows(rows []*Tensor, n int, shape []int) *Tensor {
	for _, r := range rows {
		if r.b != nil || len(r.data) != n {
			return stackParts(rows, shape)
		}
	}
	res := newRaw(shape, alloc("Jacobian", len(rows)*n))
	for i, r := range rows {
		copy(res.data[i*n:(i+1)*n], r.data)
	}
	return res
}

// stackParts lays the parts (all of one size) one after the other in
// row-major order and gives the result the requested shape: Concatenate of
// the flattened parts, so the derivative rules are Concatenate's.
func stackParts(parts []*Tensor, shape []int) *Tensor {
	if len(parts) == 0 {
		return Zeros(shape...)
	}
	flat := make([]*Tensor, len(parts))
	for i, p := range parts {
		flat[i] = Reshape(p, -1)
	}
	return Reshape(Concatenate(flat, 0), shape...)
}

// transposeFlat reads x's data as a rows×cols matrix and returns its
// transpose with the given shape.
func transposeFlat(x *Tensor, rows, cols int, shape []int) *Tensor {
	return Reshape(Transpose(Reshape(x, rows, cols)), shape...)
}

// rowsParallelMin is the estimated work (the first row's time, times the
// number of rows left) from which eachRow shares the rows among goroutines:
// well above the cost of starting and joining them. A variable so that
// tests can force either path.
var rowsParallelMin = 50 * time.Microsecond

// eachRow calls row(i) for i = 0…n−1, checking for interruption (naming op)
// before each, and reports whether it ran the rows concurrently. When
// parallel is set, GOMAXPROCS > 1 and the rows are worth it (timed on row
// 0), rows 1… are handed out in increasing order to up to GOMAXPROCS
// goroutines, the caller's included; row must then be safe to call
// concurrently for different i. A panic in a row stops the handing out; once
// the rows in progress have ended, the panic of the lowest row is raised
// again on the calling goroutine. Every row below it has completed, so that
// is the panic the serial loop would have raised (for rows that behave the
// same whatever the order). No goroutine outlives the call.
func eachRow(op string, n int, parallel bool, row func(i int)) bool {
	if n == 0 {
		return false
	}
	checkInterrupt(op)
	start := time.Now()
	row(0)
	workers := min(runtime.GOMAXPROCS(0), n-1)
	if !parallel || workers < 2 || time.Since(start)*time.Duration(n-1) < rowsParallelMin {
		for i := 1; i < n; i++ {
			checkInterrupt(op)
			row(i)
		}
		return false
	}
	spreadRows(op, 1, n, workers, row)
	return true
}

// eachBlock is eachRow for rows whose total cost is estimated in advance
// (work): they run on up to GOMAXPROCS goroutines from the start when work
// reaches rowsParallelMin, in order otherwise.
func eachBlock(op string, n int, work time.Duration, row func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers < 2 || work < rowsParallelMin {
		for i := range n {
			checkInterrupt(op)
			row(i)
		}
		return
	}
	spreadRows(op, 0, n, workers, row)
}

// spreadRows runs rows from…n−1 on workers goroutines, the caller's
// included, handing them out in increasing order, and raises the panic of
// the lowest failing row as described at eachRow.
func spreadRows(op string, from, n, workers int, row func(i int)) {
	var (
		next    atomic.Int64 // the next row to hand out
		stop    atomic.Bool
		mu      sync.Mutex
		failed  = n // the lowest row that panicked
		failure rowFailure
		wg      sync.WaitGroup
	)
	next.Store(int64(from))
	fail := func(i int, f rowFailure) {
		mu.Lock()
		if i < failed {
			failed, failure = i, f
		}
		mu.Unlock()
		stop.Store(true)
	}
	work := func() {
		for !stop.Load() {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			runRow(op, i, row, fail)
		}
	}
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	func() {
		defer wg.Wait() // also when this goroutine exits
		work()
	}()
	if failed < n {
		if failure.exited {
			runtime.Goexit()
		}
		panic(failure.value)
	}
}

// rowFailure is how one row ended abnormally: a panic with value, or
// runtime.Goexit (exited).
type rowFailure struct {
	value  any
	exited bool
}

// runRow runs row(i) after an interruption check; when it panics or calls
// runtime.Goexit it reports how to fail (a Goexit still ends the goroutine:
// recover cannot stop it).
func runRow(op string, i int, row func(int), fail func(int, rowFailure)) {
	ok := false
	defer func() {
		if !ok {
			v := recover()
			fail(i, rowFailure{value: v, exited: v == nil})
		}
	}()
	checkInterrupt(op)
	row(i)
	ok = true
}

// plainGraph reports whether every value recorded in the reverse-mode graph
// below root is plain, that is, the traced function is not being
// differentiated by an enclosing trace.
func plainGraph(root *node) bool {
	seen := make([]bool, root.seq+1)
	stack := []*node{root}
	seen[root.seq] = true
	for len(stack) > 0 {
		nd := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if nd.prim == nil {
			continue
		}
		if nd.call.Out != nil && nd.call.Out.b != nil {
			return false
		}
		for _, a := range nd.call.Args {
			if a.b != nil {
				return false
			}
		}
		for _, pn := range nd.parents {
			if pn != nil && !seen[pn.seq] {
				seen[pn.seq] = true
				stack = append(stack, pn)
			}
		}
	}
	return true
}

// allPlain reports whether no tensor in ts is boxed.
func allPlain(ts []*Tensor) bool {
	for _, t := range ts {
		if t.b != nil {
			return false
		}
	}
	return true
}

// Batched pullbacks. Instead of one pullback per basis cotangent, a block
// of b rows is pulled back at once as one cotangent with a leading batch
// axis, (b, output shape…), when every primitive of the graph has a rule
// that accepts it: the elementwise primitives whose rules only combine the
// cotangent elementwise with the call's values (broadcasting then carries
// the batch axis along), and shape and product primitives with a batched
// form written here. The matrix-vector products of the rows become one
// matrix product per block, and the per-operation overhead is paid once per
// block. The numbers are those of the row-by-row pullbacks up to rounding
// (products may sum in another order).

// batchRowsMax is the most rows pulled back together, and batchElemsMax the
// most elements of one batched cotangent: blocks stay small enough to
// share among goroutines and to keep their temporaries in cache. Both fixed
// (not derived from GOMAXPROCS), so the numbers do not depend on it.
//
// jacobianBatch turns the batched path off (for tests comparing it with
// the row-by-row one).
var jacobianBatch = true

const (
	batchRowsMax  = 32
	batchElemsMax = 1 << 18
)

// batchedRules reports whether p's VJP rules accept a cotangent with an
// extra leading batch axis as they are: their only use of the cotangent is
// as an operand of elementwise (broadcasting) ops, whose other operands are
// the call's arguments and result.
func batchedRules(p *Primitive) bool {
	switch p {
	case primAdd, primSub, primMul, primDiv, primDivGradB, primNeg, primExp, primLog, primLog1p, primSqrt, primSquare,
		primSin, primCos, primSinGrad, primCosGrad, primTanh, primTanhGrad, primSigmoid, primSigmoidGrad:
		return true
	}
	return false
}

// batchable reports whether the graph below root (whose values are all
// plain) can be pulled back in batches, and returns its number of nodes,
// the largest number of elements of a value in it and the first elements
// of the values' buffers.
func batchable(root *node) (ok bool, nodes, largest int, values map[*float64]bool) {
	values = map[*float64]bool{}
	note := func(t *Tensor) {
		if len(t.data) > 0 {
			values[&t.data[0]] = true
		}
	}
	seen := make([]bool, root.seq+1)
	stack := []*node{root}
	seen[root.seq] = true
	for len(stack) > 0 {
		nd := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if nd.prim == nil {
			continue
		}
		switch p := nd.prim; {
		case batchedRules(p), p == primReshape, p == primTranspose, p == primBroadcastTo, p == primSumTo, p == primSum:
		case p == primMatMul:
			if len(nd.call.Args[0].shape) != 2 || len(nd.call.Args[1].shape) != 2 {
				return false, 0, 0, nil
			}
		default:
			return false, 0, 0, nil
		}
		nodes++
		note(nd.call.Out)
		for _, a := range nd.call.Args {
			note(a)
		}
		largest = max(largest, len(nd.call.Out.data))
		for i, pn := range nd.parents {
			if pn == nil {
				continue
			}
			largest = max(largest, len(nd.call.Args[i].data))
			if !seen[pn.seq] {
				seen[pn.seq] = true
				stack = append(stack, pn)
			}
		}
	}
	return true, nodes, largest, values
}

// jacobianBatched returns the Jacobian of the traced function with output
// out, graph root and input start node x, as a (len(out), x's shape…)
// tensor computed by batched pullbacks, or nil when the graph does not
// allow them (or a rule's result does not have the expected shape).
func jacobianBatched(op string, out *Tensor, root, start *node, x *Tensor) *Tensor {
	m := len(out.data)
	if !jacobianBatch || root == nil || m < 2 || !plainGraph(root) {
		return nil
	}
	ok, nodes, largest, values := batchable(root)
	if !ok {
		return nil
	}
	rows := max(1, min(batchRowsMax, batchElemsMax/max(largest, 1)))
	nb := (m + rows - 1) / rows
	rows = (m + nb - 1) / nb // the same number in every block but the last
	nb = (m + rows - 1) / rows
	n := len(x.data)
	res := newRaw([]int{m, n}, alloc(op, m*n))
	var failed atomic.Bool
	// About a nanosecond per element of each batched value.
	work := time.Duration(m) * time.Duration(nodes) * time.Duration(largest)
	eachBlock(op, nb, work, func(k int) {
		lo, hi := k*rows, min((k+1)*rows, m)
		b := hi - lo
		g := newRaw(append([]int{b}, out.shape...), alloc(op, b*m))
		for r := range b {
			g.data[r*m+lo+r] = 1
		}
		gx, ok := backwardBatch(root, start, g, b, x.shape, values)
		switch {
		case !ok || gx.b != nil || len(gx.data) != b*n:
			failed.Store(true)
		default:
			copy(res.data[lo*n:hi*n], gx.data)
		}
	})
	if failed.Load() {
		return nil
	}
	return res
}

// backwardBatch is backward for a batched cotangent g of shape (b, root's
// shape…) through a batchable graph, returning the batched cotangent of
// start, shape (b, xShape…) (zeros when root does not depend on it). It
// reports false when a
// rule returned an unexpected shape.
func backwardBatch(root, start *node, g *Tensor, b int, xShape []int, values map[*float64]bool) (*Tensor, bool) {
	n := root.seq + 1
	grads := make([]*Tensor, n)
	nodes := make([]*node, n)
	grads[root.seq], nodes[root.seq] = g, root
	bufs := cotangentBufs{values: values, refs: map[*float64]int{}}
	bufs.hold(g)
	for s := root.seq; s > 0; s-- {
		gn := grads[s]
		if gn == nil {
			continue
		}
		nd := nodes[s]
		grads[s], nodes[s] = nil, nil
		if nd.prim == nil {
			if nd == start {
				return gn, true
			}
			continue
		}
		checkInterrupt("backward pass")
		for i, pn := range nd.parents {
			if pn == nil {
				continue
			}
			ge := batchVJP(nd, i, gn, b)
			if ge == nil {
				return nil, false
			}
			ps := pn.seq
			bufs.hold(ge)
			if acc := grads[ps]; acc == nil {
				grads[ps], nodes[ps] = ge, pn
			} else {
				sum := Add(acc, ge)
				bufs.hold(sum)
				grads[ps] = sum
				bufs.release(acc)
				bufs.release(ge)
			}
		}
		bufs.release(gn)
	}
	return Zeros(batchShape(b, xShape)...), true
}

// cotangentBufs counts the live batched cotangents of one backwardBatch
// pass by data buffer, so that a buffer can be recycled (see recycle) once
// no cotangent refers to it. The batched rules return new tensors or
// tensors sharing all of their cotangent's buffer (Reshape, or g itself),
// so the first element identifies a buffer. Buffers of the graph's own
// values are never recycled.
type cotangentBufs struct {
	values map[*float64]bool // first elements of the graph's values
	refs   map[*float64]int
}

func (c *cotangentBufs) hold(t *Tensor) {
	if len(t.data) > 0 {
		c.refs[&t.data[0]]++
	}
}

func (c *cotangentBufs) release(t *Tensor) {
	if len(t.data) == 0 {
		return
	}
	k := &t.data[0]
	if c.refs[k]--; c.refs[k] > 0 {
		return
	}
	delete(c.refs, k)
	if !c.values[k] {
		recycle(t.data)
	}
}

// batchShape returns (b, shape…).
func batchShape(b int, shape []int) []int { return append([]int{b}, shape...) }

// batchVJP returns the batched cotangent, shape (b, argument i's shape…), of
// argument i of nd for the batched cotangent g of its output, or nil when
// the result does not come out with that shape.
func batchVJP(nd *node, i int, g *Tensor, b int) *Tensor {
	c := &nd.call
	arg := c.Args[i].shape
	switch nd.prim {
	case primReshape:
		return Reshape(g, batchShape(b, arg)...)
	case primTranspose:
		perm := c.Params.([]int)
		inv := make([]int, len(perm)+1)
		for k, p := range perm {
			inv[p+1] = k + 1
		}
		return Transpose(g, inv...)
	case primBroadcastTo:
		return batchSumTo(g, b, arg)
	case primSum: // keep-dims: the cotangent broadcasts back
		return batchBroadcastTo(g, b, arg)
	case primSumTo:
		// Pad the summed shape with ones back to the argument's rank.
		pad := make([]int, 1+len(arg))
		pad[0] = b
		for k := 1; k < len(pad)-len(c.Out.shape); k++ {
			pad[k] = 1
		}
		copy(pad[len(pad)-len(c.Out.shape):], c.Out.shape)
		return broadcastTo(Reshape(g, pad...), batchShape(b, arg))
	case primMatMul:
		if ge := batchMatMul(c, i, g, b); ge != nil {
			return ge
		}
	}
	rule := nd.prim.vjp(i)
	if rule == nil {
		return nil
	}
	return batchSumTo(rule(g, c), b, arg)
}

// batchMatMul handles the matrix-vector products of a MatMul of two
// matrices (C = op(A)·op(B), m×n) as one matrix product for the whole
// batch: the cotangent of B when C is a column (n = 1) and of A when it is
// a row (m = 1). It returns nil for the other cases, which the rules handle
// as batched products.
func batchMatMul(c *Call, i int, g *Tensor, b int) *Tensor {
	p := c.Params.(matmulParams)
	a, bb := c.Args[0], c.Args[1]
	out := c.Out.shape
	switch {
	case i == 1 && out[1] == 1 && !p.tb && bb.shape[1] == 1:
		// Row r of the result is op(A)ᵀ·g_r, that is g_rᵀ·op(A).
		gm := Reshape(g, b, out[0])
		return Reshape(matmulT(gm, a, false, p.ta), b, bb.shape[0], 1)
	case i == 0 && out[0] == 1 && !p.ta && a.shape[0] == 1:
		// Row r is g_r·op(B)ᵀ.
		gm := Reshape(g, b, out[1])
		return Reshape(matmulT(gm, bb, false, !p.tb), b, 1, a.shape[1])
	}
	return nil
}

// batchSumTo sums a batched cotangent ge, shape (b, …), to (b, shape…),
// over the axes along which shape was broadcast, or returns nil when ge
// does not have a leading batch axis of b and enough axes.
func batchSumTo(ge *Tensor, b int, shape []int) *Tensor {
	want := batchShape(b, shape)
	if sameShape(ge.shape, want) {
		return ge
	}
	if len(ge.shape) < len(want) || ge.shape[0] != b {
		return nil
	}
	target := make([]int, len(ge.shape))
	target[0] = b
	for k := 1; k < len(target)-len(shape); k++ {
		target[k] = 1
	}
	copy(target[len(target)-len(shape):], shape)
	return Reshape(sumTo(ge, target), want...)
}

// jacobianFwdBatched returns the Jacobian of f at x, shape (f(x)'s shape,
// x's shape), by batched tangents pushed through a reverse-mode trace of f
// (one evaluation of f), or nil when that trace does not allow it (see
// jacobianBatched); f has then been called once.
func jacobianFwdBatched(op string, f func(*Tensor) *Tensor, x *Tensor) *Tensor {
	n := len(x.data)
	if !jacobianBatch || n < 2 || x.b != nil {
		return nil
	}
	out, _, root, start := makeVJPGraph(op, f, x)
	if root == nil || !plainGraph(root) {
		return nil
	}
	ok, count, largest, _ := batchable(root)
	if !ok {
		return nil
	}
	order := graphOrder(root)
	m := len(out.data)
	rows := max(1, min(batchRowsMax, batchElemsMax/max(largest, 1)))
	nb := (n + rows - 1) / rows
	rows = (n + nb - 1) / nb
	nb = (n + rows - 1) / rows
	res := newRaw(append(append([]int{}, out.shape...), x.shape...), alloc(op, m*n))
	var failed atomic.Bool
	work := time.Duration(n) * time.Duration(count) * time.Duration(largest)
	eachBlock(op, nb, work, func(k int) {
		lo, hi := k*rows, min((k+1)*rows, n)
		b := hi - lo
		t := newRaw(batchShape(b, x.shape), alloc(op, b*n))
		for r := range b {
			t.data[r*n+lo+r] = 1
		}
		ty := forwardBatch(order, start, t, b)
		if ty == nil || ty.b != nil || len(ty.data) != b*m {
			failed.Store(true)
			return
		}
		// ty[r, i] = ∂y_i/∂x_(lo+r): column lo+r of the result.
		for r := range b {
			for i := range m {
				res.data[i*n+lo+r] = ty.data[r*m+i]
			}
		}
	})
	if failed.Load() {
		return nil
	}
	return res
}

// graphOrder returns the nodes of the graph below root in creation order,
// start nodes included.
func graphOrder(root *node) []*node {
	byseq := make([]*node, root.seq+1)
	stack := []*node{root}
	byseq[root.seq] = root
	for len(stack) > 0 {
		nd := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, pn := range nd.parents {
			if pn != nil && byseq[pn.seq] == nil {
				byseq[pn.seq] = pn
				stack = append(stack, pn)
			}
		}
	}
	order := byseq[:0]
	for _, nd := range byseq {
		if nd != nil {
			order = append(order, nd)
		}
	}
	return order
}

// forwardBatch pushes the batched tangent t of start, shape (b, start's
// value shape…), through the nodes of a batchable graph in creation order
// (the last one the root) with their JVP rules, and returns the root's
// batched tangent, or nil when a rule's result has an unexpected shape.
func forwardBatch(order []*node, start *node, t *Tensor, b int) *Tensor {
	tans := make(map[*node]*Tensor, len(order))
	tans[start] = t
	var last *Tensor
	for _, nd := range order {
		if nd.prim == nil {
			continue
		}
		checkInterrupt("forward pass")
		var tn *Tensor
		for i, pn := range nd.parents {
			if pn == nil || tans[pn] == nil {
				continue
			}
			ti := batchJVP(nd, i, tans[pn], b)
			if ti == nil {
				return nil
			}
			if tn == nil {
				tn = ti
			} else {
				tn = Add(tn, ti)
			}
		}
		if tn == nil {
			continue
		}
		if tn = batchBroadcastTo(tn, b, nd.call.Out.shape); tn == nil {
			return nil
		}
		tans[nd], last = tn, tn
	}
	return last
}

// batchJVP returns the batched tangent of nd's output due to the batched
// tangent t, shape (b, argument i's shape…), of argument i: any shape that
// broadcasts to (b, output shape…) with the batch axis first, or nil.
func batchJVP(nd *node, i int, t *Tensor, b int) *Tensor {
	c := &nd.call
	out := c.Out.shape
	switch nd.prim {
	case primReshape:
		return Reshape(t, batchShape(b, out)...)
	case primTranspose:
		perm := c.Params.([]int)
		p := make([]int, len(perm)+1)
		for k, q := range perm {
			p[k+1] = q + 1
		}
		return Transpose(t, p...)
	case primSumTo:
		return batchSumTo(t, b, out)
	case primBroadcastTo:
		return batchBroadcastTo(t, b, out)
	case primSum: // keep-dims, over the axes in the mask
		mask := c.Params.([]bool)
		return primSum.Apply(append([]bool{false}, mask...), t)
	case primMatMul:
		p := c.Params.(matmulParams)
		a, x := c.Args[0], c.Args[1]
		if i == 1 && !p.tb && x.shape[1] == 1 {
			// Row r of the result is (op(A)·t_r)ᵀ = t_rᵀ·op(A)ᵀ.
			tm := Reshape(t, b, x.shape[0])
			return Reshape(matmulT(tm, a, false, !p.ta), b, out[0], 1)
		}
	}
	rule := nd.prim.jvp(i)
	if rule == nil {
		return nil
	}
	// Give the tangent the output's rank, so that broadcasting against the
	// call's values keeps the batch axis first.
	t = batchPad(t, b, len(out))
	if t == nil {
		return nil
	}
	return rule(t, c)
}

// batchPad reshapes t, shape (b, s…), to (b, 1…, s…) of rank 1+rank.
func batchPad(t *Tensor, b, rank int) *Tensor {
	if len(t.shape) == 0 || t.shape[0] != b || len(t.shape) > rank+1 {
		return nil
	}
	if len(t.shape) == rank+1 {
		return t
	}
	shape := make([]int, rank+1)
	shape[0] = b
	for k := 1; k < len(shape); k++ {
		shape[k] = 1
	}
	copy(shape[len(shape)-(len(t.shape)-1):], t.shape[1:])
	return Reshape(t, shape...)
}

// batchBroadcastTo broadcasts t, shape (b, s…) with s broadcasting to shape,
// to (b, shape…), or returns nil when it cannot.
func batchBroadcastTo(t *Tensor, b int, shape []int) *Tensor {
	want := batchShape(b, shape)
	if sameShape(t.shape, want) {
		return t
	}
	if t = batchPad(t, b, len(shape)); t == nil {
		return nil
	}
	for k, d := range t.shape[1:] {
		if d != 1 && d != shape[k] {
			return nil
		}
	}
	return broadcastTo(t, want)
}
