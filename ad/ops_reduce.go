package ad

import "math"

// Reductions. Each comes in two forms: Sum(x, axes...) removes the reduced
// axes, SumKeepDims(x, axes...) keeps them with length 1 (numpy's
// keepdims=True), which is what broadcasting against x needs. With no axes,
// every axis is reduced. Axes may be negative; a repeated or out-of-range
// axis panics with ErrAxis.
//
// The primitives (Sum, Prod, Max, Min, CumSum) always keep the reduced
// axes; the other forms are built from them with Reshape and elementwise
// ops, so their derivatives follow.

// reduction applies the keep-dims primitive p over axes, then drops the
// reduced axes unless keep is set.
func reduction(op string, p *Primitive, x *Tensor, axes []int, keep bool) *Tensor {
	mustTensor(op, x)
	mask := axisMask(op, axes, len(x.shape))
	out := p.Apply(mask, x)
	if keep {
		return out
	}
	return Reshape(out, droppedShape(x.shape, mask)...)
}

// droppedShape returns shape without the axes marked in mask.
func droppedShape(shape []int, mask []bool) []int {
	out := []int{}
	for i, d := range shape {
		if !mask[i] {
			out = append(out, d)
		}
	}
	return out
}

// reduceForward returns the Forward function of a keep-dims reduction.
func reduceForward(op string, kind reduceKind) func(c *Call) *Tensor {
	return func(c *Call) *Tensor {
		x, mask := c.Args[0], c.Params.([]bool)
		if kind == reduceMax || kind == reduceMin {
			for i, m := range mask {
				if m && x.shape[i] == 0 {
					panic(errorf(ErrShape, op, "cannot reduce axis %d of length 0 (shape %s): %s has no identity", i, fmtShape(x.shape), op))
				}
			}
		}
		return newRaw(keptShape(x.shape, mask), reduceKernel(op, kind, x.shape, x.data, mask))
	}
}

var (
	primSum  = &Primitive{Name: "Sum", Forward: reduceForward("Sum", reduceSum)}
	primProd = &Primitive{Name: "Prod", Forward: reduceForward("Prod", reduceProd)}
	primMax  = &Primitive{Name: "Max", Forward: reduceForward("Max", reduceMax)}
	primMin  = &Primitive{Name: "Min", Forward: reduceForward("Min", reduceMin)}
)

func init() {
	// Sum is linear: its adjoint is broadcasting back.
	primSum.VJP = []VJPRule{func(g *Tensor, c *Call) *Tensor { return BroadcastTo(g, c.Args[0].shape...) }}
	primSum.JVP = []JVPRule{func(t *Tensor, c *Call) *Tensor { return primSum.Apply(c.Params, t) }}

	// d prod / d x_i is the product of the other elements of x_i's group.
	primProd.VJP = []VJPRule{func(g *Tensor, c *Call) *Tensor {
		return Mul(g, primProdOthers.Apply(c.Params, c.Args[0]))
	}}
	primProd.JVP = []JVPRule{func(t *Tensor, c *Call) *Tensor {
		return primSum.Apply(c.Params, Mul(t, primProdOthers.Apply(c.Params, c.Args[0])))
	}}
	// With Q = ProdOthers(x), dQ_i/dx_k = Q_i/x_k for k ≠ i (and 0 for
	// k = i): exact wherever x_k ≠ 0.
	primProdOthers.VJP = []VJPRule{func(g *Tensor, c *Call) *Tensor {
		gq := Mul(g, c.Out)
		return Div(Sub(primSum.Apply(c.Params, gq), gq), c.Args[0])
	}}
	primProdOthers.JVP = []JVPRule{func(t *Tensor, c *Call) *Tensor {
		r := Div(t, c.Args[0])
		return Mul(c.Out, Sub(primSum.Apply(c.Params, r), r))
	}}

	// Max and Min: the cotangent goes to the extreme entries, shared
	// equally among ties (autograd's rule). The weights are piecewise
	// constant, so they are computed from the values as constants.
	// (The weights are a non-differentiable primitive of the argument and
	// the result, so that a Jit trace records how they are computed.)
	primExtremeWeights = nonDiff("ExtremeWeights", func(c *Call) *Tensor { return extremeWeightsOf(c.Args[0], c.Args[1], c.Params.([]bool)) })
	extremeWeights := func(c *Call) *Tensor { return primExtremeWeights.Apply(c.Params, c.Args[0], c.Out) }
	for _, p := range []*Primitive{primMax, primMin} {
		p.VJP = []VJPRule{func(g *Tensor, c *Call) *Tensor { return Mul(g, extremeWeights(c)) }}
		p.JVP = []JVPRule{func(t *Tensor, c *Call) *Tensor {
			return primSum.Apply(c.Params, Mul(t, extremeWeights(c)))
		}}
	}
}

var primExtremeWeights *Primitive

// primProdOthers maps x to the tensor of x's shape whose element i is the
// product of the other elements of i's reduction group (the axes marked in
// the mask): the gradient of Prod. It is computed without dividing by x, so
// it is exact when x has zeros: with one zero in a group, only the zero's
// position gets the (non-zero) product of the others.
var primProdOthers = &Primitive{
	Name: "Prod",
	Forward: func(c *Call) *Tensor {
		x, mask := c.Args[0], c.Params.([]bool)
		nonzero := alloc("Prod", len(x.data))
		zeros := alloc("Prod", len(x.data))
		for i, v := range x.data {
			if v == 0 {
				nonzero[i], zeros[i] = 1, 1
			} else {
				nonzero[i] = v
			}
		}
		kept := keptShape(x.shape, mask)
		view := broadcastView(kept, x.shape)
		prods := stridedCopy("Prod", reduceKernel("Prod", reduceProd, x.shape, nonzero, mask), view)
		counts := stridedCopy("Prod", reduceKernel("Prod", reduceSum, x.shape, zeros, mask), view)
		out := nonzero // reuse: every element is overwritten
		for i, v := range x.data {
			switch {
			case counts[i] == 0:
				out[i] = prods[i] / v
			case counts[i] == 1 && v == 0:
				out[i] = prods[i]
			default:
				out[i] = 0
			}
		}
		return newRaw(x.shape, out)
	},
}

// extremeWeightsOf returns, for a Max or Min of x giving out over the axes
// of mask, a tensor shaped like x holding 1/k at the k entries equal to the
// reduced value of their group (NaN counting as equal to a NaN result), and
// 0 elsewhere. x and out are plain.
func extremeWeightsOf(x, out *Tensor, mask []bool) *Tensor {
	w := alloc("Max", len(x.data))
	count := make([]float64, len(out.data))
	// Walk x row by row with the offset of each element's group in out
	// (out's strides, 0 along the reduced axes).
	groups := rowMajorStrides(out.shape)
	for i, m := range mask {
		if m {
			groups[i] = 0
		}
	}
	cs, xs, gs := coalesceAxes(x.shape, rowMajorStrides(x.shape), groups)
	if len(cs) == 0 {
		cs, xs, gs = []int{1}, []int{1}, []int{0}
	}
	last := len(cs) - 1
	n, gl := cs[last], gs[last]
	walkRows("Max", cs[:last], xs[:last], gs[:last], 0, 0, n, func(xo, g int) {
		for j, xv := range x.data[xo : xo+n] {
			if ov := out.data[g+j*gl]; xv == ov || (xv != xv && ov != ov) {
				w[xo+j] = 1
				count[g+j*gl]++
			}
		}
	})
	walkRows("Max", cs[:last], xs[:last], gs[:last], 0, 0, n, func(xo, g int) {
		for j, hit := range w[xo : xo+n] {
			if hit != 0 {
				w[xo+j] = 1 / count[g+j*gl]
			}
		}
	})
	return newRaw(x.shape, w)
}

// Sum returns the sum of x's elements over the given axes (all axes when
// none is given), like numpy.sum; the reduced axes are removed. Sum(x) is a
// scalar. It panics with ErrAxis for an axis out of range or repeated.
func Sum(x *Tensor, axes ...int) *Tensor { return reduction("Sum", primSum, x, axes, false) }

// SumKeepDims is Sum keeping the reduced axes with length 1.
func SumKeepDims(x *Tensor, axes ...int) *Tensor { return reduction("Sum", primSum, x, axes, true) }

// Prod returns the product of x's elements over the given axes (all when
// none is given), like numpy.prod. Its gradient, the product of the other
// elements, is exact also where elements are zero; second and higher
// derivatives divide by the elements and are NaN or infinite at exact
// zeros. It panics like Sum.
func Prod(x *Tensor, axes ...int) *Tensor { return reduction("Prod", primProd, x, axes, false) }

// ProdKeepDims is Prod keeping the reduced axes with length 1.
func ProdKeepDims(x *Tensor, axes ...int) *Tensor {
	return reduction("Prod", primProd, x, axes, true)
}

// Max returns the largest of x's elements over the given axes (all when
// none is given), like numpy.max; NaN propagates. The gradient is shared
// equally among tied maxima. It panics like Sum, and with ErrShape when a
// reduced axis has length 0.
func Max(x *Tensor, axes ...int) *Tensor { return reduction("Max", primMax, x, axes, false) }

// MaxKeepDims is Max keeping the reduced axes with length 1.
func MaxKeepDims(x *Tensor, axes ...int) *Tensor { return reduction("Max", primMax, x, axes, true) }

// Min returns the smallest of x's elements over the given axes, like
// numpy.min; see Max.
func Min(x *Tensor, axes ...int) *Tensor { return reduction("Min", primMin, x, axes, false) }

// MinKeepDims is Min keeping the reduced axes with length 1.
func MinKeepDims(x *Tensor, axes ...int) *Tensor { return reduction("Min", primMin, x, axes, true) }

// reducedCount returns the number of elements each reduction group of x
// holds for the given axes.
func reducedCount(op string, x *Tensor, axes []int) int {
	mask := axisMask(op, axes, len(mustTensor(op, x).shape))
	n := 1
	for i, m := range mask {
		if m {
			n *= x.shape[i]
		}
	}
	return n
}

// Mean returns the arithmetic mean of x's elements over the given axes (all
// when none is given), like numpy.mean. The mean of no elements is NaN. It
// panics like Sum.
func Mean(x *Tensor, axes ...int) *Tensor {
	return Div(Sum(x, axes...), float64(reducedCount("Mean", x, axes)))
}

// MeanKeepDims is Mean keeping the reduced axes with length 1.
func MeanKeepDims(x *Tensor, axes ...int) *Tensor {
	return Div(SumKeepDims(x, axes...), float64(reducedCount("Mean", x, axes)))
}

// Var returns the variance of x's elements over the given axes (all when
// none is given), like numpy.var with the given ddof: the sum of squared
// deviations from the mean divided by N - ddof, where N is the number of
// elements reduced (ddof 0 is the population variance, 1 the unbiased
// sample variance). It panics like Sum.
func Var(x *Tensor, ddof int, axes ...int) *Tensor {
	return Reshape(VarKeepDims(x, ddof, axes...), droppedShape(x.shape, axisMask("Var", axes, len(x.shape)))...)
}

// VarKeepDims is Var keeping the reduced axes with length 1.
func VarKeepDims(x *Tensor, ddof int, axes ...int) *Tensor {
	n := reducedCount("Var", x, axes)
	if n <= 1 {
		// One element per group: x − mean(x) is identically 0, so the
		// result is a constant (0, or NaN for ddof ≥ 1) and every
		// derivative is 0 — including Std's, whose Sqrt would give 0·∞.
		x = StopGradient(x)
	}
	d := Sub(x, MeanKeepDims(x, axes...))
	return Div(SumKeepDims(Mul(d, d), axes...), float64(n-ddof))
}

// Std returns the standard deviation, the square root of Var with the same
// ddof and axes, like numpy.std. Its derivative is infinite where the
// variance is zero between several elements; over a single element (per
// group) the result is constant and every derivative is 0, as in autograd.
// It panics like Sum.
func Std(x *Tensor, ddof int, axes ...int) *Tensor { return Sqrt(Var(x, ddof, axes...)) }

// StdKeepDims is Std keeping the reduced axes with length 1.
func StdKeepDims(x *Tensor, ddof int, axes ...int) *Tensor {
	return Sqrt(VarKeepDims(x, ddof, axes...))
}

// LogSumExp returns log(sum(exp(x))) over the given axes (all when none is
// given), like scipy.special.logsumexp, computed stably by shifting by the
// maximum. Its gradient is the softmax of x over those axes. It panics like
// Sum, and with ErrShape when a reduced axis has length 0.
func LogSumExp(x *Tensor, axes ...int) *Tensor {
	return reduction("LogSumExp", primLogSumExp, x, axes, false)
}

// LogSumExpKeepDims is LogSumExp keeping the reduced axes with length 1.
func LogSumExpKeepDims(x *Tensor, axes ...int) *Tensor {
	return reduction("LogSumExp", primLogSumExp, x, axes, true)
}

// primLogSumExp is one fused primitive (one pass of exponentials, one
// temporary) rather than a composition of Max, Sub, Exp, Sum and Log.
var primLogSumExp = &Primitive{
	Name: "LogSumExp",
	Forward: func(c *Call) *Tensor {
		const op = "LogSumExp"
		x, mask := c.Args[0], c.Params.([]bool)
		for i, m := range mask {
			if m && x.shape[i] == 0 {
				panic(errorf(ErrShape, op, "cannot reduce axis %d of length 0 (shape %s): %s has no identity", i, fmtShape(x.shape), op))
			}
		}
		kept := keptShape(x.shape, mask)
		// Shift by the maximum to avoid overflow; an infinite or NaN maximum
		// shifts by 0, which gives numpy's results (±Inf, NaN).
		shift := reduceKernel(op, reduceMax, x.shape, x.data, mask)
		for i, v := range shift {
			if math.IsInf(v, 0) || math.IsNaN(v) {
				shift[i] = 0
			}
		}
		e := stridedCopy(op, shift, broadcastView(kept, x.shape))
		parallelFor(op, len(e), func(lo, hi int) {
			for i, v := range x.data[lo:hi] {
				e[lo+i] = math.Exp(v - e[lo+i])
			}
		})
		out := reduceKernel(op, reduceSum, x.shape, e, mask)
		for i, v := range out {
			out[i] = math.Log(v) + shift[i]
		}
		return newRaw(kept, out)
	},
}

func init() {
	// d/dx logsumexp(x) = exp(x - logsumexp(x)), the softmax.
	primLogSumExp.VJP = []VJPRule{func(g *Tensor, c *Call) *Tensor {
		return Mul(g, Exp(Sub(c.Args[0], c.Out)))
	}}
	primLogSumExp.JVP = []JVPRule{func(t *Tensor, c *Call) *Tensor {
		return primSum.Apply(c.Params, Mul(t, Exp(Sub(c.Args[0], c.Out))))
	}}
}

// cumsumParams are the parameters of the CumSum primitive; reverse sums from
// the end of the axis (the adjoint of the forward sum).
type cumsumParams struct {
	axis    int
	reverse bool
}

var primCumSum = &Primitive{
	Name: "CumSum",
	Forward: func(c *Call) *Tensor {
		x, p := c.Args[0], c.Params.(cumsumParams)
		return newRaw(x.shape, cumsumKernel("CumSum", x.shape, x.data, p.axis, p.reverse))
	},
}

func init() {
	primCumSum.VJP = []VJPRule{func(g *Tensor, c *Call) *Tensor {
		p := c.Params.(cumsumParams)
		p.reverse = !p.reverse
		return primCumSum.Apply(p, g)
	}}
	primCumSum.JVP = []JVPRule{func(t *Tensor, c *Call) *Tensor { return primCumSum.Apply(c.Params, t) }}
}

// CumSum returns the cumulative sum of x along axis, like numpy.cumsum with
// an axis: element i is the sum of elements 0…i. A scalar is treated as a
// vector of one element. It panics with ErrAxis for a bad axis.
func CumSum(x *Tensor, axis int) *Tensor {
	mustTensor("CumSum", x)
	if len(x.shape) == 0 {
		x = Reshape(x, 1)
	}
	a := normalizeAxis("CumSum", axis, len(x.shape))
	return primCumSum.Apply(cumsumParams{axis: a}, x)
}

// argParams are the parameters of ArgMax and ArgMin: the axis, or -1 for
// the flattened array.
type argParams struct {
	axis    int
	wantMax bool
}

var (
	primArgMax = nonDiff("ArgMax", argForward)
	primArgMin = nonDiff("ArgMin", argForward)
)

func argForward(c *Call) *Tensor {
	x, p := c.Args[0], c.Params.(argParams)
	op := "ArgMin"
	if p.wantMax {
		op = "ArgMax"
	}
	shape, axis := x.shape, p.axis
	if axis < 0 {
		shape, axis = []int{len(x.data)}, 0
	}
	if shape[axis] == 0 {
		panic(errorf(ErrShape, op, "attempt to get %s of an empty sequence (shape %s)", op, fmtShape(x.shape)))
	}
	out := append(append([]int{}, shape[:axis]...), shape[axis+1:]...)
	return newRaw(out, argKernel(op, shape, x.data, axis, p.wantMax))
}

// ArgMax returns the index of the largest element, like numpy.argmax: with
// no axis, the index into the flattened tensor as a scalar; with an axis,
// the indices along it (that axis removed). Indices are float64 values; the
// first occurrence wins ties and a NaN counts as the maximum. ArgMax has no
// derivative (its result is a constant). It panics with ErrAxis for a bad
// axis, with ErrArgument for more than one axis, and with ErrShape for an
// empty axis.
func ArgMax(x *Tensor, axis ...int) *Tensor { return argExtreme("ArgMax", x, axis, true) }

// ArgMin returns the index of the smallest element, like numpy.argmin; see
// ArgMax.
func ArgMin(x *Tensor, axis ...int) *Tensor { return argExtreme("ArgMin", x, axis, false) }

func argExtreme(op string, x *Tensor, axis []int, wantMax bool) *Tensor {
	mustTensor(op, x)
	p := argParams{axis: -1, wantMax: wantMax}
	switch len(axis) {
	case 0:
	case 1:
		if len(x.shape) == 0 {
			x = Reshape(x, 1)
		}
		p.axis = normalizeAxis(op, axis[0], len(x.shape))
	default:
		panic(errorf(ErrArgument, op, "at most one axis, got %v", axis))
	}
	if wantMax {
		return primArgMax.Apply(p, x)
	}
	return primArgMin.Apply(p, x)
}
