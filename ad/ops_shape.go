package ad

import "math"

// Shape primitives and the ops built on them: Reshape, Transpose,
// ExpandDims, Squeeze, BroadcastTo, Concatenate, Stack, Split, Tile, Repeat,
// Flip, Diag and Trace. All of them are linear, so their derivative rules are
// shape ops again and derivatives of any order come for free.

// normalizeAxis returns axis as an index in [0, ndim), counting a negative
// axis from the end as numpy does. It panics with ErrAxis when axis is out of
// range.
func normalizeAxis(op string, axis, ndim int) int {
	if axis < -ndim || axis >= ndim {
		panic(errorf(ErrAxis, op, "axis %d is out of range for %d dimensions", axis, ndim))
	}
	if axis < 0 {
		axis += ndim
	}
	return axis
}

// axisMask returns, for a tensor of ndim dimensions, which axes appear in
// axes (normalised); no axes means all of them. It panics with ErrAxis for an
// axis out of range or repeated.
func axisMask(op string, axes []int, ndim int) []bool {
	mask := make([]bool, ndim)
	if len(axes) == 0 {
		for i := range mask {
			mask[i] = true
		}
		return mask
	}
	for _, a := range axes {
		k := normalizeAxis(op, a, ndim)
		if mask[k] {
			panic(errorf(ErrAxis, op, "axis %d is repeated in %v", a, axes))
		}
		mask[k] = true
	}
	return mask
}

// Reshape returns x with a new shape holding the same elements in the same
// row-major order, like numpy.reshape. One dimension may be -1: it is
// inferred from the size. Reshape(x) with no shape gives a scalar (x must
// have one element). Reshape panics with ErrShape when the shape does not
// match x's size or has more than one -1 or another negative dimension.
func Reshape(x *Tensor, shape ...int) *Tensor {
	mustTensor("Reshape", x)
	out := resolveShape("Reshape", x.shape, shape)
	if sameShape(out, x.shape) {
		return x
	}
	return primReshape.Apply(out, x)
}

// resolveShape fills in a -1 in shape from the size of from and checks that
// the sizes match.
func resolveShape(op string, from, shape []int) []int {
	out := append([]int{}, shape...)
	size := sizeOf(from)
	known, infer := 1, -1
	for i, d := range out {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			panic(errorf(ErrShape, op, "cannot reshape %s to %s: bad dimension %d", fmtShape(from), fmtShape(shape), d))
		case d > 0 && known > math.MaxInt/d:
			panic(errorf(ErrShape, op, "cannot reshape array of size %d into shape %s", size, fmtShape(shape)))
		default:
			known *= d
		}
	}
	if infer >= 0 {
		if known == 0 || size%known != 0 {
			panic(errorf(ErrShape, op, "cannot reshape array of size %d into shape %s", size, fmtShape(shape)))
		}
		out[infer] = size / known
	} else if known != size {
		panic(errorf(ErrShape, op, "cannot reshape array of size %d into shape %s", size, fmtShape(shape)))
	}
	return out
}

var primReshape = &Primitive{
	Name: "Reshape",
	Forward: func(c *Call) *Tensor {
		// Tensors are immutable, so the result shares x's data.
		return newRaw(c.Params.([]int), c.Args[0].data)
	},
}

func init() {
	primReshape.VJP = []VJPRule{func(g *Tensor, c *Call) *Tensor { return Reshape(g, c.Args[0].shape...) }}
	primReshape.JVP = []JVPRule{func(t *Tensor, c *Call) *Tensor { return Reshape(t, c.Params.([]int)...) }}
}

// Transpose permutes the axes of x: axis i of the result is axis perm[i] of
// x, like numpy.transpose. With no perm the axes are reversed (a matrix is
// transposed). Negative entries count from the end. Transpose panics with
// ErrAxis when perm is not a permutation of x's axes.
func Transpose(x *Tensor, perm ...int) *Tensor {
	mustTensor("Transpose", x)
	nd := len(x.shape)
	p := make([]int, nd)
	if len(perm) == 0 {
		for i := range p {
			p[i] = nd - 1 - i
		}
	} else {
		if len(perm) != nd {
			panic(errorf(ErrAxis, "Transpose", "permutation %v does not match %d dimensions of shape %s", perm, nd, fmtShape(x.shape)))
		}
		seen := make([]bool, nd)
		for i, a := range perm {
			k := normalizeAxis("Transpose", a, nd)
			if seen[k] {
				panic(errorf(ErrAxis, "Transpose", "axis %d is repeated in permutation %v", a, perm))
			}
			seen[k] = true
			p[i] = k
		}
	}
	identity := true
	for i, k := range p {
		if i != k {
			identity = false
		}
	}
	if identity {
		return x
	}
	return primTranspose.Apply(p, x)
}

var primTranspose = &Primitive{
	Name: "Transpose",
	Forward: func(c *Call) *Tensor {
		x, perm := c.Args[0], c.Params.([]int)
		v := transposeView(x.shape, perm)
		return newRaw(v.shape, stridedCopy("Transpose", x.data, v))
	},
}

func init() {
	primTranspose.VJP = []VJPRule{func(g *Tensor, c *Call) *Tensor {
		perm := c.Params.([]int)
		inv := make([]int, len(perm))
		for i, p := range perm {
			inv[p] = i
		}
		return Transpose(g, inv...)
	}}
	primTranspose.JVP = []JVPRule{func(t *Tensor, c *Call) *Tensor { return Transpose(t, c.Params.([]int)...) }}
}

// ExpandDims inserts an axis of length 1 at position axis of the result, like
// numpy.expand_dims; axis may be negative (-1 appends). It panics with
// ErrAxis when axis is not in [-ndim-1, ndim].
func ExpandDims(x *Tensor, axis int) *Tensor {
	mustTensor("ExpandDims", x)
	nd := len(x.shape)
	a := normalizeAxis("ExpandDims", axis, nd+1)
	shape := make([]int, 0, nd+1)
	shape = append(shape, x.shape[:a]...)
	shape = append(shape, 1)
	shape = append(shape, x.shape[a:]...)
	return Reshape(x, shape...)
}

// Squeeze removes axes of length 1, like numpy.squeeze: the given axes, or
// every axis of length 1 when none is given. It panics with ErrAxis for an
// axis out of range and with ErrShape for a given axis whose length is not 1.
func Squeeze(x *Tensor, axes ...int) *Tensor {
	mustTensor("Squeeze", x)
	var drop []bool
	if len(axes) == 0 {
		drop = make([]bool, len(x.shape))
		for i, d := range x.shape {
			drop[i] = d == 1
		}
	} else {
		drop = axisMask("Squeeze", axes, len(x.shape))
		for i, d := range x.shape {
			if drop[i] && d != 1 {
				panic(errorf(ErrShape, "Squeeze", "cannot squeeze axis %d of length %d in shape %s", i, d, fmtShape(x.shape)))
			}
		}
	}
	shape := []int{}
	for i, d := range x.shape {
		if !drop[i] {
			shape = append(shape, d)
		}
	}
	return Reshape(x, shape...)
}

// BroadcastTo repeats x along new leading axes and along its axes of length
// 1 to reach shape, like numpy.broadcast_to. It panics with ErrShape when x
// cannot be broadcast to shape.
func BroadcastTo(x *Tensor, shape ...int) *Tensor {
	mustTensor("BroadcastTo", x)
	ok := broadcastsTo(x.shape, shape)
	for _, s := range shape {
		ok = ok && s >= 0
	}
	if !ok {
		panic(errorf(ErrShape, "BroadcastTo", "cannot broadcast shape %s to %s", fmtShape(x.shape), fmtShape(shape)))
	}
	return broadcastTo(x, shape)
}

// concatParams are the parameters of the Concatenate primitive.
type concatParams struct {
	axis   int
	starts []int // start of each input along axis; len(inputs)+1 entries
}

// Concatenate joins tensors along an existing axis, like numpy.concatenate.
// The tensors must have the same number of dimensions (at least 1) and agree
// on every other axis; axis may be negative. It panics with ErrArgument for
// an empty list, ErrAxis for a bad axis and ErrShape for mismatched shapes.
func Concatenate(xs []*Tensor, axis int) *Tensor {
	if len(xs) == 0 {
		panic(errorf(ErrArgument, "Concatenate", "need at least one tensor"))
	}
	for _, x := range xs {
		mustTensor("Concatenate", x)
	}
	first := xs[0].shape
	if len(first) == 0 {
		panic(errorf(ErrShape, "Concatenate", "cannot concatenate scalars (shape ()); use Stack"))
	}
	a := normalizeAxis("Concatenate", axis, len(first))
	p := concatParams{axis: a, starts: make([]int, len(xs)+1)}
	for i, x := range xs {
		ok := len(x.shape) == len(first)
		for k := 0; ok && k < len(first); k++ {
			ok = k == a || x.shape[k] == first[k]
		}
		if !ok {
			panic(errorf(ErrShape, "Concatenate", "shapes %s and %s do not match outside axis %d", fmtShape(first), fmtShape(x.shape), a))
		}
		p.starts[i+1] = p.starts[i] + x.shape[a]
	}
	if len(xs) == 1 {
		return xs[0]
	}
	return primConcatenate.Apply(p, xs...)
}

var primConcatenate = &Primitive{
	Name: "Concatenate",
	Forward: func(c *Call) *Tensor {
		p := c.Params.(concatParams)
		parts := make([][]float64, len(c.Args))
		lens := make([]int, len(c.Args))
		for i, x := range c.Args {
			parts[i] = x.data
			lens[i] = x.shape[p.axis]
		}
		shape := append([]int{}, c.Args[0].shape...)
		shape[p.axis] = p.starts[len(c.Args)]
		outer, _, inner := splitAxis(shape, p.axis)
		return newRaw(shape, concatKernel("Concatenate", parts, lens, outer, inner))
	},
}

func init() {
	primConcatenate.VJPAt = func(i int, g *Tensor, c *Call) *Tensor {
		p := c.Params.(concatParams)
		return sliceAxis(g, p.axis, p.starts[i], p.starts[i+1])
	}
	primConcatenate.JVPAt = func(i int, t *Tensor, c *Call) *Tensor {
		p := c.Params.(concatParams)
		ranges := fullRanges(c.Out.shape)
		ranges[p.axis] = sliceRange{start: p.starts[i], step: 1, n: p.starts[i+1] - p.starts[i]}
		return primSliceAdd.Apply(sliceParams{ranges: ranges, shape: c.Out.shape}, t)
	}
}

// sliceAxis returns x[..., lo:hi, ...] along axis (normalised, in range).
func sliceAxis(x *Tensor, axis, lo, hi int) *Tensor {
	ranges := fullRanges(x.shape)
	ranges[axis] = sliceRange{start: lo, step: 1, n: hi - lo}
	return sliceRanges(x, ranges)
}

// Stack joins tensors of equal shape along a new axis, like numpy.stack;
// axis may be negative (-1 stacks along a new last axis). It panics with
// ErrArgument for an empty list, ErrAxis for a bad axis and ErrShape when the
// shapes differ.
func Stack(xs []*Tensor, axis int) *Tensor {
	if len(xs) == 0 {
		panic(errorf(ErrArgument, "Stack", "need at least one tensor"))
	}
	first := mustTensor("Stack", xs[0]).shape
	a := normalizeAxis("Stack", axis, len(first)+1)
	parts := make([]*Tensor, len(xs))
	for i, x := range xs {
		if !sameShape(mustTensor("Stack", x).shape, first) {
			panic(errorf(ErrShape, "Stack", "all tensors must have the same shape: got %s and %s", fmtShape(first), fmtShape(x.shape)))
		}
		parts[i] = ExpandDims(x, a)
	}
	return Concatenate(parts, a)
}

// Split divides x into sections equal parts along axis, like numpy.split
// with an integer. It panics with ErrArgument when sections is not positive
// or does not divide the axis length, and with ErrAxis for a bad axis.
func Split(x *Tensor, sections, axis int) []*Tensor {
	mustTensor("Split", x)
	if len(x.shape) == 0 {
		panic(errorf(ErrShape, "Split", "cannot split a scalar"))
	}
	a := normalizeAxis("Split", axis, len(x.shape))
	n := x.shape[a]
	if sections <= 0 || n%sections != 0 {
		panic(errorf(ErrArgument, "Split", "axis %d of length %d does not divide into %d equal sections", a, n, sections))
	}
	idx := make([]int, sections-1)
	for i := range idx {
		idx[i] = (i + 1) * n / sections
	}
	return splitAt(x, idx, a)
}

// SplitAt divides x along axis at the given indices, like numpy.split with
// a list: SplitAt(x, []int{2, 5}, 0) returns x[:2], x[2:5] and x[5:]. Part i
// is the slice between consecutive bounds with Python's rules, so indices
// may be negative or beyond the axis (giving empty or clamped parts, as in
// numpy). It panics with ErrAxis for a bad axis.
func SplitAt(x *Tensor, indices []int, axis int) []*Tensor {
	mustTensor("SplitAt", x)
	if len(x.shape) == 0 {
		panic(errorf(ErrShape, "SplitAt", "cannot split a scalar"))
	}
	return splitAt(x, indices, normalizeAxis("SplitAt", axis, len(x.shape)))
}

func splitAt(x *Tensor, indices []int, axis int) []*Tensor {
	bounds := append(append([]int{0}, indices...), x.shape[axis])
	parts := make([]*Tensor, 0, len(indices)+1)
	for i := 0; i+1 < len(bounds); i++ {
		ranges := fullRanges(x.shape)
		ranges[axis] = S(bounds[i], bounds[i+1]).resolve("SplitAt", x.shape[axis])
		parts = append(parts, sliceRanges(x, ranges))
	}
	return parts
}

// Tile repeats x reps[i] times along axis i, like numpy.tile: when reps is
// longer than x's shape, x gains leading axes of length 1; when shorter,
// reps is padded with leading ones. It panics with ErrArgument for a
// negative repetition.
func Tile(x *Tensor, reps ...int) *Tensor {
	mustTensor("Tile", x)
	for _, r := range reps {
		if r < 0 {
			panic(errorf(ErrArgument, "Tile", "negative repetition in %v", reps))
		}
	}
	nd := max(len(reps), len(x.shape))
	shape := padShape(x.shape, nd)
	r := padShape(reps, nd)
	// View x as (1, s0, 1, s1, …), broadcast to (r0, s0, r1, s1, …), merge.
	inter := make([]int, 0, 2*nd)
	big := make([]int, 0, 2*nd)
	out := make([]int, nd)
	for i := range shape {
		inter = append(inter, 1, shape[i])
		big = append(big, r[i], shape[i])
		out[i] = r[i] * shape[i]
	}
	return Reshape(BroadcastTo(Reshape(x, inter...), big...), out...)
}

// Repeat repeats each element of x repeats times along axis, like
// numpy.repeat with an integer count (np.repeat([1, 2], 2) is [1, 1, 2, 2]).
// It panics with ErrArgument for a negative count and ErrAxis for a bad axis.
func Repeat(x *Tensor, repeats, axis int) *Tensor {
	mustTensor("Repeat", x)
	if repeats < 0 {
		panic(errorf(ErrArgument, "Repeat", "negative repeat count %d", repeats))
	}
	if len(x.shape) == 0 {
		x = Reshape(x, 1)
	}
	a := normalizeAxis("Repeat", axis, len(x.shape))
	inter := append(append(append([]int{}, x.shape[:a+1]...), 1), x.shape[a+1:]...)
	big := append([]int{}, inter...)
	big[a+1] = repeats
	out := append([]int{}, x.shape...)
	out[a] *= repeats
	return Reshape(BroadcastTo(Reshape(x, inter...), big...), out...)
}

// Flip reverses the order of elements along the given axes (all axes when
// none is given), like numpy.flip. It panics with ErrAxis for a bad or
// repeated axis.
func Flip(x *Tensor, axes ...int) *Tensor {
	mustTensor("Flip", x)
	mask := axisMask("Flip", axes, len(x.shape))
	ranges := fullRanges(x.shape)
	for i, m := range mask {
		if m && x.shape[i] > 1 {
			ranges[i] = sliceRange{start: x.shape[i] - 1, step: -1, n: x.shape[i]}
		}
	}
	return sliceRanges(x, ranges)
}

// Diag returns, for a vector v, the square matrix with v on its diagonal and
// zeros elsewhere; for a matrix, the vector of its diagonal entries x[i,i],
// like numpy.diag with the main diagonal (k = 0). It panics with ErrShape for other numbers of dimensions.
func Diag(x *Tensor) *Tensor {
	mustTensor("Diag", x)
	switch len(x.shape) {
	case 1:
		n := x.shape[0]
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i*n + i
		}
		return Reshape(takeAdjoint(x, idx, 0, n*n), n, n)
	case 2:
		n, m := x.shape[0], x.shape[1]
		k := min(n, m)
		idx := make([]int, k)
		for i := range idx {
			idx[i] = i*m + i
		}
		return Take(Reshape(x, -1), idx, 0)
	}
	panic(errorf(ErrShape, "Diag", "want a vector or a matrix, got shape %s", fmtShape(x.shape)))
}

// Trace returns the sum of the diagonal x[i,i,…] over the first two axes,
// like numpy.trace: a scalar for a matrix, and for more dimensions a tensor
// of the remaining ones. It panics with ErrShape for fewer than two
// dimensions.
func Trace(x *Tensor) *Tensor {
	mustTensor("Trace", x)
	if len(x.shape) < 2 {
		panic(errorf(ErrShape, "Trace", "want at least 2 dimensions, got shape %s", fmtShape(x.shape)))
	}
	n, m := x.shape[0], x.shape[1]
	k := min(n, m)
	rest := x.shape[2:]
	flat := Reshape(x, append([]int{n * m}, rest...)...)
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i*m + i
	}
	return Sum(Take(flat, idx, 0), 0)
}
