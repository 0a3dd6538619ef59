package ad

// Raw kernels for the shape and indexing primitives. They work on row-major
// []float64 data and never modify their inputs; shapes are assumed valid
// (the exported ops check them and panic with typed errors first).

// stridedView describes a strided read of a flat buffer: element (i0, i1, …)
// of the view, of the given shape, is src[off + i0*strides[0] + …]. Strides
// may be zero (broadcasting) or negative (reversal).
type stridedView struct {
	shape   []int
	strides []int
	off     int
}

// coalesce merges adjacent axes that are contiguous with respect to both the
// view and a row-major destination of the same shape, and drops axes of
// length 1, so that the copy loops run over as few, as long rows as possible.
// It returns the merged shape, source strides and destination strides.
func (v stridedView) coalesce() (shape, src, dst []int) {
	return coalesceAxes(v.shape, v.strides, rowMajorStrides(v.shape))
}

// coalesceAxes merges adjacent axes of shape along which both stride lists a
// and b are contiguous, and drops axes of length 1. Walking the result visits
// the same pairs of offsets, in the same order, as walking the input.
func coalesceAxes(shape, a, b []int) (outShape, outA, outB []int) {
	for i, n := range shape {
		if n == 1 {
			continue
		}
		k := len(outShape) - 1
		if k >= 0 && outA[k] == a[i]*n && outB[k] == b[i]*n {
			outShape[k] *= n
			outA[k] = a[i]
			outB[k] = b[i]
			continue
		}
		outShape = append(outShape, n)
		outA = append(outA, a[i])
		outB = append(outB, b[i])
	}
	return outShape, outA, outB
}

// stridedCopy materialises the view into a new row-major buffer of
// product(v.shape) elements, checking for interruption once per block of rows.
func stridedCopy(op string, src []float64, v stridedView) []float64 {
	checkInterrupt(op)
	out := alloc(op, sizeOf(v.shape))
	if len(out) == 0 {
		return out
	}
	shape, ss, ds := v.coalesce()
	if len(shape) == 0 {
		out[0] = src[v.off]
		return out
	}
	last := len(shape) - 1
	n, s := shape[last], ss[last]
	if len(shape) == 2 && n < shortRow {
		// Short rows: one loop, no call per row (Repeat, Tile, column slices).
		rows, rs := shape[0], ss[0]
		step := max(1, interruptStride/n)
		for r0 := 0; r0 < rows; r0 += step {
			checkInterrupt(op)
			for r := r0; r < min(r0+step, rows); r++ {
				row, base := out[r*n:(r+1)*n], v.off+r*rs
				for j := range row {
					row[j] = src[base+j*s]
				}
			}
		}
		return out
	}
	walkRows(op, shape[:last], ss[:last], ds[:last], v.off, 0, n, func(so, do int) {
		for j0 := 0; j0 < n; j0 += interruptStride {
			if j0 > 0 {
				checkInterrupt(op)
			}
			row := out[do+j0 : do+min(j0+interruptStride, n)]
			base := so + j0*s
			if s == 1 {
				copy(row, src[base:base+len(row)])
				continue
			}
			for j := range row {
				row[j] = src[base+j*s]
			}
		}
	})
	return out
}

// stridedAddInto adds the row-major values of vals (of shape v.shape) into
// dst at the positions the view v describes: the adjoint of stridedCopy.
// Positions the view reaches several times (stride 0) accumulate.
func stridedAddInto(op string, dst []float64, v stridedView, vals []float64) {
	if len(vals) == 0 {
		return
	}
	shape, ds, vs := v.coalesce()
	if len(shape) == 0 {
		dst[v.off] += vals[0]
		return
	}
	last := len(shape) - 1
	n, s := shape[last], ds[last]
	walkRows(op, shape[:last], ds[:last], vs[:last], v.off, 0, n, func(do, vo int) {
		for j0 := 0; j0 < n; j0 += interruptStride {
			if j0 > 0 {
				checkInterrupt(op)
			}
			row := vals[vo+j0 : vo+min(j0+interruptStride, n)]
			base := do + j0*s
			if s == 0 {
				acc := 0.0
				for _, x := range row {
					acc += x
				}
				dst[base] += acc
				continue
			}
			for j, x := range row {
				dst[base+j*s] += x
			}
		}
	})
}

// walkRows calls fn with the pair of offsets (a, b) of every index of the
// outer shape, a advancing by as and b by bs, in row-major order. rowLen is
// the number of elements fn processes per call; walkRows checks for
// interruption every interruptStride elements.
func walkRows(op string, shape, as, bs []int, a0, b0, rowLen int, fn func(a, b int)) {
	nd := len(shape)
	if nd == 0 {
		fn(a0, b0)
		return
	}
	total := sizeOf(shape)
	idx := make([]int, nd)
	a, b := a0, b0
	done := 0
	for r := 0; r < total; r++ {
		if done += rowLen + 1; done >= interruptStride {
			checkInterrupt(op)
			done = 0
		}
		fn(a, b)
		for k := nd - 1; k >= 0; k-- {
			idx[k]++
			a += as[k]
			b += bs[k]
			if idx[k] < shape[k] {
				break
			}
			a -= as[k] * shape[k]
			b -= bs[k] * shape[k]
			idx[k] = 0
		}
	}
}

// sizeOf returns the number of elements of a shape.
func sizeOf(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// transposeView returns the view of a row-major array of the given shape
// with its axes permuted: axis i of the result is axis perm[i] of the input.
func transposeView(shape, perm []int) stridedView {
	st := rowMajorStrides(shape)
	v := stridedView{shape: make([]int, len(perm)), strides: make([]int, len(perm))}
	for i, p := range perm {
		v.shape[i] = shape[p]
		v.strides[i] = st[p]
	}
	return v
}

// sliceRange is a normalised start:stop:step selection along one axis:
// indices start, start+step, … (n of them). step is never zero.
type sliceRange struct {
	start, step, n int
}

// sliceView returns the view of a row-major array of the given shape that
// selects ranges[i] along axis i.
func sliceView(shape []int, ranges []sliceRange) stridedView {
	st := rowMajorStrides(shape)
	v := stridedView{shape: make([]int, len(shape)), strides: make([]int, len(shape))}
	for i, r := range ranges {
		v.shape[i] = r.n
		v.strides[i] = st[i] * r.step
		if r.n > 0 {
			v.off += st[i] * r.start
		}
	}
	return v
}

// broadcastView returns the view of a row-major array of shape `from` that
// reads it broadcast to shape `to` (numpy rules; from is right-aligned with to
// and its length-1 axes repeat).
func broadcastView(from, to []int) stridedView {
	st := rowMajorStrides(from)
	v := stridedView{shape: append([]int(nil), to...), strides: make([]int, len(to))}
	lead := len(to) - len(from)
	for i := range from {
		if from[i] != 1 {
			v.strides[lead+i] = st[i]
		}
	}
	return v
}

// splitAxis returns the number of elements before, along and after axis.
func splitAxis(shape []int, axis int) (outer, n, inner int) {
	return sizeOf(shape[:axis]), shape[axis], sizeOf(shape[axis+1:])
}

// takeKernel gathers data (of the given shape) at indices along axis.
// Indices must be in [0, shape[axis]).
func takeKernel(op string, shape []int, data []float64, indices []int, axis int) []float64 {
	outer, n, inner := splitAxis(shape, axis)
	out := alloc(op, outer*len(indices)*inner)
	if inner == 1 && outer == 1 {
		// A flat gather (pooling windows, generalized diagonals).
		for lo := 0; lo < len(indices); lo += interruptStride {
			checkInterrupt(op)
			for k, j := range indices[lo:min(lo+interruptStride, len(indices))] {
				out[lo+k] = data[j]
			}
		}
		return out
	}
	o, done := 0, 0
	for i := 0; i < outer; i++ {
		base := i * n * inner
		for _, j := range indices {
			if done += inner + 1; done >= interruptStride {
				checkInterrupt(op)
				done = 0
			}
			copy(out[o:o+inner], data[base+j*inner:base+(j+1)*inner])
			o += inner
		}
	}
	return out
}

// takeAddKernel is the adjoint of takeKernel: it scatters g (of the shape of
// the gathered result) back into a zero array of the given shape, adding the
// values of repeated indices.
func takeAddKernel(op string, shape []int, g []float64, indices []int, axis int) []float64 {
	outer, n, inner := splitAxis(shape, axis)
	out := alloc(op, outer*n*inner)
	if inner == 1 && outer == 1 {
		for lo := 0; lo < len(indices); lo += interruptStride {
			checkInterrupt(op)
			for k, j := range indices[lo:min(lo+interruptStride, len(indices))] {
				out[j] += g[lo+k]
			}
		}
		return out
	}
	o, done := 0, 0
	for i := 0; i < outer; i++ {
		base := i * n * inner
		for _, j := range indices {
			if done += inner + 1; done >= interruptStride {
				checkInterrupt(op)
				done = 0
			}
			dst := out[base+j*inner : base+(j+1)*inner]
			for k, x := range g[o : o+inner] {
				dst[k] += x
			}
			o += inner
		}
	}
	return out
}

// concatKernel joins arrays that agree on every axis but axis; lens[i] is the
// length of part i along axis and outer/inner are the sizes before and after.
func concatKernel(op string, parts [][]float64, lens []int, outer, inner int) []float64 {
	total := 0
	for _, l := range lens {
		total += l
	}
	out := alloc(op, outer*total*inner)
	o, done := 0, 0
	for i := 0; i < outer; i++ {
		for p, d := range parts {
			w := lens[p] * inner
			if done += w + 1; done >= interruptStride {
				checkInterrupt(op)
				done = 0
			}
			copy(out[o:o+w], d[i*w:(i+1)*w])
			o += w
		}
	}
	return out
}
