package ad

import (
	"math"
	"sort"
)

// numpy's rearranging and selecting functions that autograd differentiates:
// roll, rot90, triu/tril, diagonals (diag with k, diagonal, trace with an
// offset, autograd's make_diagonal), diff, gradient, pad, select, cross,
// sort, partition, integer-array indexing on several axes, and linspace /
// arange with traced endpoints. Each is built from the package's linear
// primitives (Take and its adjoint, slicing, Concatenate, Where), so every
// derivative of every order follows, and repeated indices accumulate.

// gatherFlat returns the entries of x at flat (row-major) positions idx,
// shaped as shape. Its derivative scatters back, adding at repeats.
func gatherFlat(x *Tensor, idx []int, shape ...int) *Tensor {
	return Reshape(Take(Reshape(x, -1), idx, 0), shape...)
}

// scatterFlat returns zeros of the given shape with x's entries (in
// row-major order) added at flat positions idx, the adjoint of gatherFlat.
func scatterFlat(x *Tensor, idx []int, shape ...int) *Tensor {
	return Reshape(takeAdjoint(Reshape(x, -1), idx, 0, sizeOf(shape)), shape...)
}

// Roll shifts the elements of x by shift places along axis, those leaving
// one end coming back at the other, like numpy.roll; with no axis the
// flattened tensor is rolled and the shape restored. It panics with ErrAxis
// for a bad axis and ErrArgument for more than one axis.
func Roll(x *Tensor, shift int, axis ...int) *Tensor {
	mustTensor("Roll", x)
	if len(axis) > 1 {
		panic(errorf(ErrArgument, "Roll", "%d axes given: roll one axis at a time", len(axis)))
	}
	if len(axis) == 0 {
		if len(x.data) == 0 {
			return x
		}
		return Reshape(Roll(Reshape(x, -1), shift, 0), x.shape...)
	}
	a := normalizeAxis("Roll", axis[0], len(x.shape))
	n := x.shape[a]
	if n == 0 {
		return x
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = ((i-shift)%n + n) % n
	}
	return Take(x, idx, a)
}

// Rot90 rotates x by 90 degrees k times in the plane of two axes (the first
// two when none are given), from the first axis towards the second, like
// numpy.rot90. It panics with ErrShape for fewer than two dimensions and
// ErrAxis for a bad or repeated pair of axes.
func Rot90(x *Tensor, k int, axes ...int) *Tensor {
	mustTensor("Rot90", x)
	if len(x.shape) < 2 {
		panic(errorf(ErrShape, "Rot90", "want at least 2 dimensions, got shape %s", fmtShape(x.shape)))
	}
	if len(axes) == 0 {
		axes = []int{0, 1}
	}
	if len(axes) != 2 {
		panic(errorf(ErrAxis, "Rot90", "want 2 axes, got %d", len(axes)))
	}
	a0, a1 := normalizeAxis("Rot90", axes[0], len(x.shape)), normalizeAxis("Rot90", axes[1], len(x.shape))
	if a0 == a1 {
		panic(errorf(ErrAxis, "Rot90", "axes %d and %d are the same", axes[0], axes[1]))
	}
	perm := make([]int, len(x.shape))
	for i := range perm {
		perm[i] = i
	}
	perm[a0], perm[a1] = a1, a0
	switch ((k % 4) + 4) % 4 {
	case 1:
		return Transpose(Flip(x, a1), perm...)
	case 2:
		return Flip(x, a0, a1)
	case 3:
		return Flip(Transpose(x, perm...), a1)
	}
	return x
}

// triangle returns the constant (m, n) mask of entries with j − i ≥ k
// (upper) or j − i ≤ k (lower).
func triangle(m, n, k int, upper bool) *Tensor {
	d := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			if (upper && j-i >= k) || (!upper && j-i <= k) {
				d[i*n+j] = 1
			}
		}
	}
	return newRaw([]int{m, n}, d)
}

func triPart(op string, x *Tensor, k int, upper bool) *Tensor {
	mustTensor(op, x)
	if len(x.shape) < 2 {
		panic(errorf(ErrShape, op, "want at least 2 dimensions, got shape %s", fmtShape(x.shape)))
	}
	m, n := x.shape[len(x.shape)-2], x.shape[len(x.shape)-1]
	return Where(triangle(m, n, k, upper), x, 0.0)
}

// Triu returns x with the entries below its k-th diagonal set to 0, over the
// last two axes (k = 0 the main diagonal, k > 0 above it, k < 0 below), like
// numpy.triu. It panics with ErrShape for fewer than two dimensions.
func Triu(x *Tensor, k int) *Tensor { return triPart("Triu", x, k, true) }

// Tril returns x with the entries above its k-th diagonal set to 0, like
// numpy.tril.
func Tril(x *Tensor, k int) *Tensor { return triPart("Tril", x, k, false) }

// diagPositions returns the flat positions of the offset diagonal of an
// (m, n) matrix.
func diagPositions(m, n, offset int) []int {
	var idx []int
	for i := 0; i < m; i++ {
		if j := i + offset; j >= 0 && j < n {
			idx = append(idx, i*n+j)
		}
	}
	return idx
}

// Diagonal returns the offset diagonal of x in the plane of axis1 and
// axis2, which are removed, the diagonal becoming the last axis, like
// numpy.diagonal(x, offset, axis1, axis2) (numpy's defaults are 0, 0, 1).
// It panics with ErrShape for fewer than two dimensions and ErrAxis for a
// bad or repeated axis.
func Diagonal(x *Tensor, offset, axis1, axis2 int) *Tensor {
	mustTensor("Diagonal", x)
	if len(x.shape) < 2 {
		panic(errorf(ErrShape, "Diagonal", "want at least 2 dimensions, got shape %s", fmtShape(x.shape)))
	}
	a1, a2 := normalizeAxis("Diagonal", axis1, len(x.shape)), normalizeAxis("Diagonal", axis2, len(x.shape))
	if a1 == a2 {
		panic(errorf(ErrAxis, "Diagonal", "axis1 and axis2 are both %d", a1))
	}
	var perm, rest []int
	for i := range x.shape {
		if i != a1 && i != a2 {
			perm = append(perm, i)
			rest = append(rest, x.shape[i])
		}
	}
	perm = append(perm, a1, a2)
	m, n := x.shape[a1], x.shape[a2]
	idx := diagPositions(m, n, offset)
	moved := Reshape(Transpose(x, perm...), append(append([]int{}, rest...), m*n)...)
	return Take(moved, idx, -1)
}

// DiagK is numpy.diag(x, k): for a vector v, the square matrix of size
// len(v) + |k| with v on its k-th diagonal (k > 0 above the main one, k < 0
// below) and zeros elsewhere; for a matrix, the vector of its k-th diagonal.
// Diag(x) is DiagK(x, 0). It panics with ErrShape for other numbers of
// dimensions.
func DiagK(x *Tensor, k int) *Tensor {
	mustTensor("Diag", x)
	switch len(x.shape) {
	case 1:
		s := x.shape[0] + abs(k)
		return scatterFlat(x, diagPositions(s, s, k), s, s)
	case 2:
		return Diagonal(x, k, 0, 1)
	}
	panic(errorf(ErrShape, "Diag", "want a vector or a matrix, got shape %s", fmtShape(x.shape)))
}

func abs(k int) int {
	if k < 0 {
		return -k
	}
	return k
}

// MakeDiagonal returns the batch of diagonal matrices (..., n, n) with the
// vectors of d (..., n) on their diagonals, autograd's make_diagonal (the
// adjoint of taking the diagonal of the last two axes).
func MakeDiagonal(d *Tensor) *Tensor {
	mustTensor("MakeDiagonal", d)
	if len(d.shape) == 0 {
		panic(errorf(ErrShape, "MakeDiagonal", "want at least 1 dimension, got a scalar"))
	}
	n := d.shape[len(d.shape)-1]
	out := withShape(d.shape[:len(d.shape)-1], n, n)
	return Reshape(takeAdjoint(d, diagPositions(n, n, 0), len(d.shape)-1, n*n), out...)
}

// TraceOffset returns the sum of the offset diagonal over the first two
// axes, like numpy.trace(x, offset). Trace(x) is TraceOffset(x, 0).
func TraceOffset(x *Tensor, offset int) *Tensor {
	mustTensor("Trace", x)
	if len(x.shape) < 2 {
		panic(errorf(ErrShape, "Trace", "want at least 2 dimensions, got shape %s", fmtShape(x.shape)))
	}
	return Sum(Diagonal(x, offset, 0, 1), -1)
}

// Diff returns the n-th discrete difference along axis, like numpy.diff(x,
// n, axis): out[i] = x[i+1] − x[i], applied n times, so the axis shrinks by
// n (to 0 at most). It panics with ErrArgument for n < 0 and ErrAxis for a
// bad axis.
func Diff(x *Tensor, n, axis int) *Tensor {
	mustTensor("Diff", x)
	if n < 0 {
		panic(errorf(ErrArgument, "Diff", "order n = %d must be ≥ 0", n))
	}
	if len(x.shape) == 0 {
		panic(errorf(ErrShape, "Diff", "want at least 1 dimension, got a scalar"))
	}
	a := normalizeAxis("Diff", axis, len(x.shape))
	for ; n > 0; n-- {
		l := x.shape[a]
		if l == 0 {
			break
		}
		x = Sub(sliceAxis(x, a, 1, l), sliceAxis(x, a, 0, l-1))
	}
	return x
}

// Gradient estimates the derivative of samples x spaced h apart along axis,
// like numpy.gradient(x, h, axis=axis) with edge_order=1: central
// differences (x[i+1] − x[i−1])/(2h) inside, one-sided ones at both ends.
// For several axes call it once per axis. It panics with ErrShape when the
// axis has fewer than 2 samples and ErrArgument for h = 0.
func Gradient(x *Tensor, h float64, axis int) *Tensor {
	mustTensor("Gradient", x)
	if len(x.shape) == 0 {
		panic(errorf(ErrShape, "Gradient", "want at least 1 dimension, got a scalar"))
	}
	if h == 0 || math.IsNaN(h) {
		panic(errorf(ErrArgument, "Gradient", "spacing %g", h))
	}
	a := normalizeAxis("Gradient", axis, len(x.shape))
	l := x.shape[a]
	if l < 2 {
		panic(errorf(ErrShape, "Gradient", "axis %d has %d samples: want at least 2 (shape %s)", a, l, fmtShape(x.shape)))
	}
	first := Div(Sub(sliceAxis(x, a, 1, 2), sliceAxis(x, a, 0, 1)), h)
	last := Div(Sub(sliceAxis(x, a, l-1, l), sliceAxis(x, a, l-2, l-1)), h)
	if l == 2 {
		return Concatenate([]*Tensor{first, last}, a)
	}
	mid := Div(Sub(sliceAxis(x, a, 2, l), sliceAxis(x, a, 0, l-2)), 2*h)
	return Concatenate([]*Tensor{first, mid, last}, a)
}

// Pad surrounds x with value: widths[i] = {before, after} entries along
// axis i, like numpy.pad(x, widths, constant_values=value) (mode
// "constant", the one autograd differentiates). One pair is used for every
// axis. It panics with ErrArgument for a negative width or a number of pairs
// other than 1 or x's dimensions.
func Pad(x *Tensor, widths [][2]int, value float64) *Tensor {
	mustTensor("Pad", x)
	nd := len(x.shape)
	if len(widths) != 1 && len(widths) != nd {
		panic(errorf(ErrArgument, "Pad", "%d width pairs for %d dimensions (shape %s)", len(widths), nd, fmtShape(x.shape)))
	}
	for a := 0; a < nd; a++ {
		w := widths[0]
		if len(widths) == nd {
			w = widths[a]
		}
		if w[0] < 0 || w[1] < 0 {
			panic(errorf(ErrArgument, "Pad", "negative width %v for axis %d", w, a))
		}
		if w[0] == 0 && w[1] == 0 {
			continue
		}
		parts := make([]*Tensor, 0, 3)
		side := func(k int) *Tensor {
			s := append([]int{}, x.shape...)
			s[a] = k
			return Full(value, s...)
		}
		if w[0] > 0 {
			parts = append(parts, side(w[0]))
		}
		parts = append(parts, x)
		if w[1] > 0 {
			parts = append(parts, side(w[1]))
		}
		x = Concatenate(parts, a)
	}
	return x
}

// Select returns, elementwise, the entry of the first choice whose condition
// is non-zero, and def where none is, broadcasting all of them, like
// numpy.select(conds, choices, def). Conditions get no gradient. It panics
// with ErrArgument when the lists differ in length.
func Select(conds, choices []*Tensor, def any) *Tensor {
	if len(conds) != len(choices) {
		panic(errorf(ErrArgument, "Select", "%d conditions but %d choices", len(conds), len(choices)))
	}
	out := toTensor("Select", def)
	for i := len(conds) - 1; i >= 0; i-- {
		out = Where(mustTensor("Select", conds[i]), mustTensor("Select", choices[i]), out)
	}
	return out
}

// Cross returns the cross product of vectors along the last axes of a and b,
// broadcasting the others, like numpy.cross: for 3-vectors a 3-vector, for
// 2-vectors the scalar z-component a₀b₁ − a₁b₀. It panics with ErrShape
// when the last axes are not both of length 2 or 3.
func Cross(a, b any) *Tensor {
	x, y := toTensor("Cross", a), toTensor("Cross", b)
	if len(x.shape) == 0 || len(y.shape) == 0 {
		panic(errorf(ErrShape, "Cross", "want vectors, got shapes %s and %s", fmtShape(x.shape), fmtShape(y.shape)))
	}
	n, m := x.shape[len(x.shape)-1], y.shape[len(y.shape)-1]
	if (n != 2 && n != 3) || n != m {
		panic(errorf(ErrShape, "Cross", "last axes of shapes %s and %s: want both 2 or both 3", fmtShape(x.shape), fmtShape(y.shape)))
	}
	c := func(t *Tensor, i int) *Tensor { return Take(t, []int{i}, -1) }
	z := Sub(Mul(c(x, 0), c(y, 1)), Mul(c(x, 1), c(y, 0)))
	if n == 2 {
		return Squeeze(z, -1)
	}
	u := Sub(Mul(c(x, 1), c(y, 2)), Mul(c(x, 2), c(y, 1)))
	v := Sub(Mul(c(x, 2), c(y, 0)), Mul(c(x, 0), c(y, 2)))
	return Concatenate([]*Tensor{u, v, z}, -1)
}

// sortPositions returns, for each line of x along axis a, the flat positions
// of its entries in ascending order (NaN last, ties in their original order,
// numpy's stable sort).
func sortPositions(x *Tensor, a int) []int {
	p := plain(x)
	shape := p.shape
	n := shape[a]
	inner := 1
	for _, s := range shape[a+1:] {
		inner *= s
	}
	outer := len(p.data) / max(n*inner, 1)
	pos := make([]int, len(p.data))
	line := make([]int, n)
	for o := 0; o < outer; o++ {
		for in := 0; in < inner; in++ {
			base := o*n*inner + in
			for i := range line {
				line[i] = base + i*inner
			}
			sort.SliceStable(line, func(i, j int) bool {
				u, v := p.data[line[i]], p.data[line[j]]
				return u < v || (v != v && u == u)
			})
			for i, q := range line {
				pos[base+i*inner] = q
			}
		}
	}
	return pos
}

// Sort returns x sorted in ascending order along axis (NaN last), like
// numpy.sort(x, axis); the gradient goes back to each entry's original
// place. It panics with ErrAxis for a bad axis and ErrShape for a scalar.
func Sort(x *Tensor, axis int) *Tensor {
	mustTensor("Sort", x)
	if len(x.shape) == 0 {
		panic(errorf(ErrShape, "Sort", "cannot sort a scalar"))
	}
	a := normalizeAxis("Sort", axis, len(x.shape))
	return gatherFlat(x, sortPositions(x, a), x.shape...)
}

// ArgSort returns the indices that sort x along axis (stable, NaN last), as
// float64 like ArgMax, like numpy.argsort(x, axis, kind="stable"). It has
// no derivative.
func ArgSort(x *Tensor, axis int) *Tensor {
	mustTensor("ArgSort", x)
	if len(x.shape) == 0 {
		panic(errorf(ErrShape, "ArgSort", "cannot sort a scalar"))
	}
	a := normalizeAxis("ArgSort", axis, len(x.shape))
	pos := sortPositions(x, a)
	inner := 1
	for _, s := range x.shape[a+1:] {
		inner *= s
	}
	n := x.shape[a]
	d := make([]float64, len(pos))
	for i, q := range pos {
		d[i] = float64((q / inner) % n)
	}
	return newRaw(append([]int{}, x.shape...), d)
}

// Partition returns x rearranged along axis so that the entry at kth is the
// one a sort would put there, smaller ones before it and larger ones after,
// like numpy.partition(x, kth, axis). numpy leaves the order within each
// side unspecified; ad returns the sorted order, which satisfies it. The
// gradient goes back to each entry's original place. It panics with
// ErrIndex for kth out of range.
func Partition(x *Tensor, kth, axis int) *Tensor {
	mustTensor("Partition", x)
	if len(x.shape) == 0 {
		panic(errorf(ErrShape, "Partition", "cannot partition a scalar"))
	}
	a := normalizeAxis("Partition", axis, len(x.shape))
	n := x.shape[a]
	if kth < -n || kth >= n {
		panic(errorf(ErrIndex, "Partition", "kth %d is out of range for axis %d of length %d", kth, a, n))
	}
	return Sort(x, a)
}

// IndexArrays indexes the leading axes of x with integer arrays, one per
// axis and all of the same length L, like numpy's x[[i₀, i₁, …], [j₀, j₁,
// …]]: the result is (L, remaining axes…), entry k being x[i_k, j_k, …].
// Negative indices count from the end; repeated index tuples accumulate
// their gradients. It panics with ErrIndex for an index out of range or
// more arrays than axes, and ErrShape for arrays of different lengths.
func IndexArrays(x *Tensor, idx ...[]int) *Tensor {
	mustTensor("IndexArrays", x)
	if len(idx) == 0 {
		return x
	}
	if len(idx) > len(x.shape) {
		panic(errorf(ErrIndex, "IndexArrays", "%d index arrays for shape %s", len(idx), fmtShape(x.shape)))
	}
	l := len(idx[0])
	for a, ix := range idx {
		if len(ix) != l {
			panic(errorf(ErrShape, "IndexArrays", "index array %d has length %d, array 0 has %d", a, len(ix), l))
		}
	}
	lead := x.shape[:len(idx)]
	rest := x.shape[len(idx):]
	flat := make([]int, l)
	for k := 0; k < l; k++ {
		f := 0
		for a, ix := range idx {
			i := ix[k]
			if i < 0 {
				i += lead[a]
			}
			if i < 0 || i >= lead[a] {
				panic(errorf(ErrIndex, "IndexArrays", "index %d is out of range for axis %d of length %d (shape %s)", ix[k], a, lead[a], fmtShape(x.shape)))
			}
			f = f*lead[a] + i
		}
		flat[k] = f
	}
	m := sizeOf(lead)
	return Take(Reshape(x, append([]int{m}, rest...)...), flat, 0)
}

// LinspaceT is Linspace with endpoints that may be traced tensors (or
// numbers): n values start + i·(stop − start)/(n − 1), the last exactly
// stop, as numpy.linspace computes them. Its derivative is 1 − i/(n−1) in
// start and i/(n−1) in stop, as in autograd. Scalar endpoints give a
// vector; endpoints of shape s broadcast and give (n, s...).
func LinspaceT(start, stop any, n int) *Tensor {
	if n < 0 {
		panic(errorf(ErrShape, "Linspace", "negative count %d", n))
	}
	a, b := toTensor("Linspace", start), toTensor("Linspace", stop)
	shape := broadcastShapes("Linspace", a.shape, b.shape)
	col := func(t *Tensor) *Tensor { return Reshape(t, append([]int{1}, shape...)...) }
	a, b = BroadcastTo(a, shape...), BroadcastTo(b, shape...)
	iShape := append([]int{n}, make([]int, len(shape))...)
	for i := range shape {
		iShape[i+1] = 1
	}
	i := Reshape(Arange(0, float64(n), 1), iShape...)
	switch n {
	case 0:
		return Mul(i, col(a))
	case 1:
		return Add(Mul(i, 0.0), col(a))
	}
	vals := Add(Mul(i, Div(Sub(col(b), col(a)), float64(n-1))), col(a))
	return Concatenate([]*Tensor{sliceAxis(vals, 0, 0, n-1), col(b)}, 0)
}

// ArangeT is Arange with start and step that may be traced scalars:
// start + i·step for i = 0, 1, … while below stop (above it for a negative
// step), like numpy.arange. The length depends on the values only, so stop
// gets no gradient; the derivative is 1 in start and i in step. It panics
// like Arange, and with ErrShape for non-scalar operands.
func ArangeT(start, stop, step any) *Tensor {
	a, b, s := toTensor("Arange", start), toTensor("Arange", stop), toTensor("Arange", step)
	for _, t := range []*Tensor{a, b, s} {
		if len(t.data) != 1 {
			panic(errorf(ErrShape, "Arange", "want scalar start, stop and step, got shape %s", fmtShape(t.shape)))
		}
	}
	i := Arange(plain(a).data[0], plain(b).data[0], plain(s).data[0])
	n := i.shape[0]
	return Add(Mul(Arange(0, float64(n), 1), Reshape(s)), Reshape(a))
}
