package ad

import "fmt"

// Indexing: basic slicing with start:stop:step per axis (Slice, Index) and
// integer-array gathering (Take). Slicing's adjoint scatters the cotangent
// into zeros; Take's adjoint adds it, so repeated indices accumulate.

// Range selects start:stop:step along one axis, with numpy's rules: negative
// start and stop count from the end, out-of-range values are clamped, and a
// negative step walks backwards. Build one with S, From, To, Step or All;
// the zero Range is not valid.
type Range struct {
	Start, Stop, Step int
	// HasStart and HasStop are false for an omitted bound ("2:" or ":5"),
	// which then defaults to the start or end in the direction of Step.
	HasStart, HasStop bool
}

// All selects a whole axis (numpy's ":").
var All = Range{Step: 1}

// S returns the range start:stop, or start:stop:step when a step is given:
// S(2, 5) is numpy's 2:5 and S(0, 10, 2) is 0:10:2. As in numpy, a negative
// stop counts from the end, so S(4, -1, -1) is empty; write From(4).By(-1)
// for 4::-1.
func S(start, stop int, step ...int) Range {
	r := Range{Start: start, Stop: stop, Step: 1, HasStart: true, HasStop: true}
	if len(step) > 0 {
		r.Step = step[0]
	}
	return r
}

// From returns the range start: (to the end of the axis).
func From(start int) Range { return Range{Start: start, Step: 1, HasStart: true} }

// To returns the range :stop (from the start of the axis).
func To(stop int) Range { return Range{Stop: stop, Step: 1, HasStop: true} }

// Step returns the range ::step over the whole axis; Step(-1) reverses it.
func Step(step int) Range { return Range{Step: step} }

// By returns r with the given step: From(4).By(-1) is numpy's 4::-1.
func (r Range) By(step int) Range {
	r.Step = step
	return r
}

// String returns the range in numpy's notation ("2:5", "::-1", ":").
func (r Range) String() string {
	s := ""
	if r.HasStart {
		s += fmt.Sprint(r.Start)
	}
	s += ":"
	if r.HasStop {
		s += fmt.Sprint(r.Stop)
	}
	if r.Step != 1 {
		s += ":" + fmt.Sprint(r.Step)
	}
	return s
}

// resolve returns the indices r selects on an axis of length n, following
// Python's slice.indices.
func (r Range) resolve(op string, n int) sliceRange {
	if r.Step == 0 {
		panic(errorf(ErrArgument, op, "slice step cannot be zero (in %v)", r))
	}
	lower, upper := 0, n
	if r.Step < 0 {
		lower, upper = -1, n-1
	}
	bound := func(v int, has bool, def int) int {
		if !has {
			return def
		}
		if v < 0 {
			v += n
			if v < lower {
				v = lower
			}
			return v
		}
		return min(v, upper)
	}
	var start, stop int
	if r.Step > 0 {
		start, stop = bound(r.Start, r.HasStart, lower), bound(r.Stop, r.HasStop, upper)
	} else {
		start, stop = bound(r.Start, r.HasStart, upper), bound(r.Stop, r.HasStop, lower)
	}
	count := 0
	if r.Step > 0 && stop > start {
		count = (stop - start + r.Step - 1) / r.Step
	} else if r.Step < 0 && start > stop {
		count = (start - stop - r.Step - 1) / -r.Step
	}
	return sliceRange{start: start, step: r.Step, n: count}
}

// fullRanges returns ranges selecting everything of shape.
func fullRanges(shape []int) []sliceRange {
	r := make([]sliceRange, len(shape))
	for i, d := range shape {
		r[i] = sliceRange{start: 0, step: 1, n: d}
	}
	return r
}

// sliceParams are the parameters of the Slice and SliceAdd primitives:
// the selection and the shape of the sliced (not the selected) array.
type sliceParams struct {
	ranges []sliceRange
	shape  []int
}

// Slice returns the part of x the ranges select, one Range per leading axis
// (axes without a Range are taken whole), like numpy's basic slicing
// x[0:10:2, :]. The result keeps every axis; use Index to drop one. Slice
// panics with ErrIndex when given more ranges than x has axes and with
// ErrArgument for a zero step.
//
//	ad.Slice(x, ad.S(0, 10, 2), ad.All)  // x[0:10:2, :]
//	ad.Slice(x, ad.All, ad.From(-3))     // x[:, -3:]
//	ad.Slice(x, ad.Step(-1))             // x[::-1]
func Slice(x *Tensor, ranges ...Range) *Tensor {
	mustTensor("Slice", x)
	if len(ranges) > len(x.shape) {
		panic(errorf(ErrIndex, "Slice", "%d ranges for a tensor of shape %s", len(ranges), fmtShape(x.shape)))
	}
	r := fullRanges(x.shape)
	for i, rg := range ranges {
		r[i] = rg.resolve("Slice", x.shape[i])
	}
	return sliceRanges(x, r)
}

// sliceRanges applies a resolved selection, skipping the identity.
func sliceRanges(x *Tensor, r []sliceRange) *Tensor {
	identity := true
	for i, s := range r {
		if s.n != x.shape[i] || (s.n > 1 && s.step != 1) || (s.n > 0 && s.start != 0) {
			identity = false
		}
	}
	if identity {
		return x
	}
	return primSlice.Apply(sliceParams{ranges: r, shape: x.shape}, x)
}

var primSlice = &Primitive{
	Name: "Slice",
	Forward: func(c *Call) *Tensor {
		p := c.Params.(sliceParams)
		v := sliceView(c.Args[0].shape, p.ranges)
		return newRaw(v.shape, stridedCopy("Slice", c.Args[0].data, v))
	},
}

// primSliceAdd places its argument into zeros of shape p.shape at the
// positions p.ranges select: the adjoint of Slice.
var primSliceAdd = &Primitive{
	Name: "SliceAdjoint",
	Forward: func(c *Call) *Tensor {
		p := c.Params.(sliceParams)
		out := alloc("Slice", sizeOf(p.shape))
		stridedAddInto("Slice", out, sliceView(p.shape, p.ranges), c.Args[0].data)
		return newRaw(p.shape, out)
	},
}

func init() {
	primSlice.VJP = []VJPRule{func(g *Tensor, c *Call) *Tensor { return primSliceAdd.Apply(c.Params, g) }}
	primSlice.JVP = []JVPRule{func(t *Tensor, c *Call) *Tensor { return primSlice.Apply(c.Params, t) }}
	primSliceAdd.VJP = []VJPRule{func(g *Tensor, c *Call) *Tensor { return primSlice.Apply(c.Params, g) }}
	primSliceAdd.JVP = []JVPRule{func(t *Tensor, c *Call) *Tensor { return primSliceAdd.Apply(c.Params, t) }}
}

// Index returns x indexed by integers along its leading axes, like numpy's
// x[i, j]: the indexed axes are removed, so indexing every axis gives a
// scalar. Negative indices count from the end. Index panics with ErrIndex
// for an index out of range or more indices than axes.
func Index(x *Tensor, idx ...int) *Tensor {
	mustTensor("Index", x)
	if len(idx) == 0 {
		return x
	}
	return Reshape(sliceRanges(x, indexRanges("Index", x.shape, idx)), x.shape[len(idx):]...)
}

// indexRanges returns the selection of x[i, j, …] as ranges that keep every
// axis (of length 1 where indexed). It panics with ErrIndex for an index out
// of range or more indices than axes.
func indexRanges(op string, shape, idx []int) []sliceRange {
	if len(idx) > len(shape) {
		panic(errorf(ErrIndex, op, "%d indices for a tensor of shape %s", len(idx), fmtShape(shape)))
	}
	r := fullRanges(shape)
	for k, i := range idx {
		d := shape[k]
		j := i
		if j < 0 {
			j += d
		}
		if j < 0 || j >= d {
			panic(errorf(ErrIndex, op, "index %d is out of range for axis %d of length %d (shape %s)", i, k, d, fmtShape(shape)))
		}
		r[k] = sliceRange{start: j, step: 1, n: 1}
	}
	return r
}

// takeParams are the parameters of the Take and TakeAdjoint primitives.
type takeParams struct {
	indices []int // normalised, in range
	axis    int
	n       int // length of axis in the gathered-from array
}

// Take gathers the entries at indices along axis, like numpy.take with an
// axis: the result has len(indices) entries along axis, and an index may
// repeat (its gradient then accumulates) or be negative (counting from the
// end). Take panics with ErrAxis for a bad axis and with ErrIndex for an
// index out of range.
func Take(x *Tensor, indices []int, axis int) *Tensor {
	mustTensor("Take", x)
	if len(x.shape) == 0 {
		panic(errorf(ErrShape, "Take", "cannot index a scalar"))
	}
	a := normalizeAxis("Take", axis, len(x.shape))
	n := x.shape[a]
	idx := make([]int, len(indices))
	for k, i := range indices {
		j := i
		if j < 0 {
			j += n
		}
		if j < 0 || j >= n {
			panic(errorf(ErrIndex, "Take", "index %d is out of range for axis %d of length %d (shape %s)", i, a, n, fmtShape(x.shape)))
		}
		idx[k] = j
	}
	return primTake.Apply(takeParams{indices: idx, axis: a, n: n}, x)
}

// takeAdjoint returns zeros with axis of length n, into which x's entries
// along axis are added at indices: the adjoint of Take. Indices must be
// normalised and in range.
func takeAdjoint(x *Tensor, indices []int, axis, n int) *Tensor {
	return primTakeAdd.Apply(takeParams{indices: indices, axis: axis, n: n}, x)
}

var primTake = &Primitive{
	Name: "Take",
	Forward: func(c *Call) *Tensor {
		x, p := c.Args[0], c.Params.(takeParams)
		shape := append([]int{}, x.shape...)
		shape[p.axis] = len(p.indices)
		shapeSize("Take", shape)
		return newRaw(shape, takeKernel("Take", x.shape, x.data, p.indices, p.axis))
	},
}

var primTakeAdd = &Primitive{
	Name: "TakeAdjoint",
	Forward: func(c *Call) *Tensor {
		g, p := c.Args[0], c.Params.(takeParams)
		shape := append([]int{}, g.shape...)
		shape[p.axis] = p.n
		return newRaw(shape, takeAddKernel("Take", shape, g.data, p.indices, p.axis))
	},
}

func init() {
	primTake.VJP = []VJPRule{func(g *Tensor, c *Call) *Tensor { return primTakeAdd.Apply(c.Params, g) }}
	primTake.JVP = []JVPRule{func(t *Tensor, c *Call) *Tensor { return primTake.Apply(c.Params, t) }}
	primTakeAdd.VJP = []VJPRule{func(g *Tensor, c *Call) *Tensor { return primTake.Apply(c.Params, g) }}
	primTakeAdd.JVP = []JVPRule{func(t *Tensor, c *Call) *Tensor { return primTakeAdd.Apply(c.Params, t) }}
}
