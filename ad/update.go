package ad

// Functional updates: x.AtIndex(i, j).Set(v) returns a new tensor equal to
// x except at the selection, differentiable with respect to both x and v —
// the indexed assignment autograd cannot differentiate (its issue #58).
// (Tensor.At is the plain element accessor, so the update selector is
// AtIndex, with AtSlice for ranges.)

// Indexer is a selection of a tensor's elements, made by (*Tensor).AtIndex
// or (*Tensor).AtSlice, on which Set, Add and Mul build updated copies. The
// tensor itself is never modified.
type Indexer struct {
	op   string
	x    *Tensor
	plan *gatherPlan // inShape = x's shape, outShape = the selection's
}

// AtIndex selects the sub-tensor of t at integer indices along its leading
// axes, like numpy's x[i, j]; negative indices count from the end. The
// selection has shape t.Shape()[len(idx):]. AtIndex panics with ErrIndex for
// an index out of range or more indices than axes.
//
//	y := x.AtIndex(0, 2).Set(5)     // y = x with y[0,2] = 5
//	y = x.AtIndex(1).Add(ad.Ones(3)) // y = x with row 1 increased by 1
func (t *Tensor) AtIndex(idx ...int) *Indexer {
	mustTensor("AtIndex", t)
	return newIndexer("AtIndex", t, indexRanges("AtIndex", t.shape, idx), t.shape[len(idx):])
}

// AtSlice selects the part of t that the ranges pick along its leading axes
// (axes without a Range are taken whole), like Slice and numpy's
// x[1:3, ::2]. The selection keeps every axis.
//
//	y := x.AtSlice(ad.All, ad.S(0, 2)).Set(0) // y = x with y[:, 0:2] = 0
func (t *Tensor) AtSlice(ranges ...Range) *Indexer {
	mustTensor("AtSlice", t)
	if len(ranges) > len(t.shape) {
		panic(errorf(ErrIndex, "AtSlice", "%d ranges for a tensor of shape %s", len(ranges), fmtShape(t.shape)))
	}
	r := make([]sliceRange, len(t.shape))
	sel := make([]int, len(t.shape))
	for k, d := range t.shape {
		r[k] = sliceRange{start: 0, step: 1, n: d}
		if k < len(ranges) {
			r[k] = ranges[k].resolve("AtSlice", d)
		}
		sel[k] = r[k].n
	}
	return newIndexer("AtSlice", t, r, sel)
}

// newIndexer computes the flat indices of the selection r of x, to be
// presented with shape sel.
func newIndexer(op string, x *Tensor, r []sliceRange, sel []int) *Indexer {
	strides := rowMajorStrides(x.shape)
	shape := make([]int, len(r))
	step := make([]int, len(r))
	base := 0
	for k, s := range r {
		shape[k] = s.n
		step[k] = strides[k] * s.step
		base += s.start * strides[k]
	}
	n := sizeOf(shape)
	checkAlloc(op, n)
	idx := make([]int, n)
	forEachOffset(shape, step, func(k, off int) { idx[k] = base + off })
	return &Indexer{op: op, x: x, plan: &gatherPlan{inShape: append([]int{}, x.shape...), outShape: append([]int{}, sel...), idx: idx}}
}

// Shape returns the shape of the selection.
func (ix *Indexer) Shape() []int { return append([]int{}, ix.plan.outShape...) }

// Get returns the selected elements as a tensor of the selection's shape.
func (ix *Indexer) Get() *Tensor {
	ix.x.checkLive("Get")
	return gather(ix.x, ix.plan)
}

// value converts an update operand and broadcasts it to the selection.
func (ix *Indexer) value(op string, v any) *Tensor {
	ix.x.checkLive(op) // released since the Indexer was made
	vt := toTensor(op, v)
	if sameShape(vt.shape, ix.plan.outShape) {
		return vt
	}
	out := broadcastShapes(op, vt.shape, ix.plan.outShape)
	if !sameShape(out, ix.plan.outShape) {
		panic(errorf(ErrShape, op, "value of shape %s does not broadcast to the selection of shape %s", fmtShape(vt.shape), fmtShape(ix.plan.outShape)))
	}
	return broadcastTo(vt, ix.plan.outShape)
}

// Set returns a copy of the tensor with the selection replaced by v (a
// *Tensor or a number, broadcast to the selection's shape). The gradient
// with respect to the tensor is zero at the selection; with respect to v it
// is the gradient at the selection. Set panics with ErrShape when v does not
// broadcast to the selection.
func (ix *Indexer) Set(v any) *Tensor {
	vt := ix.value("Set", v)
	keep := make([]float64, len(ix.x.data))
	for i := range keep {
		keep[i] = 1
	}
	for _, i := range ix.plan.idx {
		keep[i] = 0
	}
	return Add(Mul(ix.x, newRaw(append([]int{}, ix.x.shape...), keep)), scatterAdd(vt, ix.plan))
}

// Add returns a copy of the tensor with v (a *Tensor or a number, broadcast
// to the selection's shape) added to the selection.
func (ix *Indexer) Add(v any) *Tensor {
	return Add(ix.x, scatterAdd(ix.value("Add", v), ix.plan))
}

// Mul returns a copy of the tensor with the selection multiplied by v (a
// *Tensor or a number, broadcast to the selection's shape).
func (ix *Indexer) Mul(v any) *Tensor {
	vt := ix.value("Mul", v)
	// x + scatter((v − 1)·x[sel]) multiplies the selection by v.
	return Add(ix.x, scatterAdd(Mul(Sub(vt, 1), ix.Get()), ix.plan))
}
