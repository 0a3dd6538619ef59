package ad

import "math"

// Raw kernels for the reductions. Shapes and axes are assumed valid.

// reduceKind selects the combining operation of reduceKernel.
type reduceKind int

const (
	reduceSum reduceKind = iota
	reduceProd
	reduceMax
	reduceMin
)

// identity returns the value a reduction over no elements starts from.
func (k reduceKind) identity() float64 {
	switch k {
	case reduceProd:
		return 1
	case reduceMax:
		return math.Inf(-1)
	case reduceMin:
		return math.Inf(1)
	}
	return 0
}

// keptShape returns shape with the axes marked in reduced set to length 1.
func keptShape(shape []int, reduced []bool) []int {
	out := append([]int(nil), shape...)
	for i, r := range reduced {
		if r {
			out[i] = 1
		}
	}
	return out
}

// reduceKernel reduces row-major data of the given shape over the axes marked
// in reduced, returning the result laid out with keptShape(shape, reduced).
// Max and Min propagate NaN, as numpy does.
func reduceKernel(op string, kind reduceKind, shape []int, data []float64, reduced []bool) []float64 {
	outShape := keptShape(shape, reduced)
	out := alloc(op, sizeOf(outShape))
	init := kind.identity()
	if init != 0 {
		for lo := 0; lo < len(out); lo += interruptStride {
			checkInterrupt(op)
			fill := out[lo:min(lo+interruptStride, len(out))]
			for i := range fill {
				fill[i] = init
			}
		}
	}
	if len(data) == 0 || len(out) == 0 {
		return out
	}
	if len(out) == 1 { // every axis reduced (or all the others have length 1)
		out[0] = reduceRow(op, kind, data, init)
		return out
	}
	dst := rowMajorStrides(outShape)
	for i, r := range reduced {
		if r {
			dst[i] = 0
		}
	}
	cs, ss, ds := coalesceAxes(shape, rowMajorStrides(shape), dst)
	if kind == reduceSum && len(cs) == 2 && cs[1] < shortRow {
		sumShortRows(op, cs[0], cs[1], data, out, ds[0] == 0)
		return out
	}
	last := len(cs) - 1
	n := cs[last]
	if ds[last] == 0 {
		walkRows(op, cs[:last], ss[:last], ds[:last], 0, 0, n, func(so, do int) {
			out[do] = combine(kind, out[do], reduceRow(op, kind, data[so:so+n], init))
		})
		return out
	}
	walkRows(op, cs[:last], ss[:last], ds[:last], 0, 0, n, func(so, do int) {
		for j0 := 0; j0 < n; j0 += interruptStride {
			if j0 > 0 {
				checkInterrupt(op)
			}
			j1 := min(j0+interruptStride, n)
			combineRows(kind, out[do+j0:do+j1], data[so+j0:so+j1])
		}
	})
	return out
}

// shortRow is the row length below which sums over a 2-d layout avoid the
// per-row function calls of the general path.
const shortRow = 64

// sumShortRows sums a row-major rows×cols array with short rows: down the
// columns into out[:cols] when overRows is set, else along each row into
// out[:rows].
func sumShortRows(op string, rows, cols int, data, out []float64, overRows bool) {
	step := max(1, interruptStride/cols)
	for r0 := 0; r0 < rows; r0 += step {
		checkInterrupt(op)
		for r := r0; r < min(r0+step, rows); r++ {
			row := data[r*cols : (r+1)*cols]
			if overRows {
				acc := out[:cols]
				for j, v := range row {
					acc[j] += v
				}
				continue
			}
			sum := 0.0
			for _, v := range row {
				sum += v
			}
			out[r] += sum
		}
	}
}

// combine applies kind to two partial results.
func combine(kind reduceKind, a, b float64) float64 {
	switch kind {
	case reduceSum:
		return a + b
	case reduceProd:
		return a * b
	case reduceMax:
		if b > a || b != b {
			return b
		}
	case reduceMin:
		if b < a || b != b {
			return b
		}
	}
	return a
}

// reduceRow reduces a contiguous row, starting from acc, checking for
// interruption (in the name of op) between chunks of long rows.
func reduceRow(op string, kind reduceKind, row []float64, acc float64) float64 {
	for len(row) > 0 {
		n := min(len(row), interruptStride)
		chunk := row[:n]
		row = row[n:]
		switch kind {
		case reduceSum:
			// Four accumulators: faster and slightly more accurate.
			var s0, s1, s2, s3 float64
			i := 0
			for ; i+4 <= len(chunk); i += 4 {
				s0 += chunk[i]
				s1 += chunk[i+1]
				s2 += chunk[i+2]
				s3 += chunk[i+3]
			}
			for ; i < len(chunk); i++ {
				s0 += chunk[i]
			}
			acc += (s0 + s1) + (s2 + s3)
		case reduceProd:
			for _, v := range chunk {
				acc *= v
			}
		case reduceMax:
			for _, v := range chunk {
				if v > acc || v != v {
					acc = v
				}
			}
		case reduceMin:
			for _, v := range chunk {
				if v < acc || v != v {
					acc = v
				}
			}
		}
		if len(row) > 0 {
			checkInterrupt(op)
		}
	}
	return acc
}

// combineRows applies kind elementwise: dst[i] = dst[i] (kind) src[i].
func combineRows(kind reduceKind, dst, src []float64) {
	src = src[:len(dst)]
	switch kind {
	case reduceSum:
		addRow(dst, src)
	case reduceProd:
		for i, v := range src {
			dst[i] *= v
		}
	case reduceMax:
		for i, v := range src {
			if v > dst[i] || v != v {
				dst[i] = v
			}
		}
	case reduceMin:
		for i, v := range src {
			if v < dst[i] || v != v {
				dst[i] = v
			}
		}
	}
}

// cumsumKernel returns the cumulative sum of data (of the given shape) along
// axis: element i is the sum of elements 0…i, or of elements i…n-1 when
// reverse is set.
func cumsumKernel(op string, shape []int, data []float64, axis int, reverse bool) []float64 {
	outer, n, inner := splitAxis(shape, axis)
	out := alloc(op, len(data))
	copy(out, data)
	done := 0
	for o := 0; o < outer; o++ {
		blk := out[o*n*inner : (o+1)*n*inner]
		for s := 1; s < n; s++ {
			i, prev := s, s-1
			if reverse {
				i, prev = n-1-s, n-s
			}
			src := blk[prev*inner : (prev+1)*inner]
			cur := blk[i*inner : (i+1)*inner]
			for k0 := 0; k0 < inner; k0 += interruptStride {
				k1 := min(k0+interruptStride, inner)
				for k, v := range src[k0:k1] {
					cur[k0+k] += v
				}
				if done += k1 - k0; done >= interruptStride {
					checkInterrupt(op)
					done = 0
				}
			}
		}
	}
	return out
}

// argKernel returns, for every position of the other axes, the index along
// axis of the largest (wantMax) or smallest element, the first one on ties.
// A NaN counts as the extreme value, as in numpy. The result has the shape
// with axis removed, and holds the indices as float64 values.
func argKernel(op string, shape []int, data []float64, axis int, wantMax bool) []float64 {
	outer, n, inner := splitAxis(shape, axis)
	out := alloc(op, outer*inner)
	best := make([]float64, inner)
	done := 0
	for o := 0; o < outer; o++ {
		blk := data[o*n*inner : (o+1)*n*inner]
		res := out[o*inner : (o+1)*inner]
		copy(best, blk[:inner])
		for i := 1; i < n; i++ {
			if done += inner; done >= interruptStride {
				checkInterrupt(op)
				done = 0
			}
			row := blk[i*inner : (i+1)*inner]
			for k, v := range row {
				b := best[k]
				if b != b {
					continue // the first NaN wins
				}
				if v != v || (wantMax && v > b) || (!wantMax && v < b) {
					best[k] = v
					res[k] = float64(i)
				}
			}
		}
	}
	return out
}
