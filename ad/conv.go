package ad

// Convolution and pooling. Each convolution is a bilinear primitive whose
// two adjoints are primitives too; the three are the partial derivatives of
// one trilinear form, so each one's rules are the other two and derivatives
// of every order work.

var (
	primConv2d, primConv2dBI, primConv2dBW     *Primitive
	primConvND, primConvNDAdjA, primConvNDAdjV *Primitive
)

func init() {
	geom := func(c *Call) conv2dGeom { return c.Params.(conv2dGeom) }
	conv := func(p conv2dGeom, x, w *Tensor) *Tensor { return primConv2d.Apply(p, x, w) }
	bi := func(p conv2dGeom, gy, w *Tensor) *Tensor { return primConv2dBI.Apply(p, gy, w) }
	bw := func(p conv2dGeom, x, gy *Tensor) *Tensor { return primConv2dBW.Apply(p, x, gy) }
	primConv2d = &Primitive{
		Name: "Conv2D",
		Forward: func(c *Call) *Tensor {
			g := geom(c)
			checkAlloc("Conv2D", sizeOf(g.outShape()))
			out := g.forward(c.Args[0].data, c.Args[1].data)
			checkInterrupt("Conv2D")
			return newRaw(g.outShape(), out)
		},
		VJP: []VJPRule{
			func(gy *Tensor, c *Call) *Tensor { return bi(geom(c), gy, c.Args[1]) },
			func(gy *Tensor, c *Call) *Tensor { return bw(geom(c), c.Args[0], gy) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return conv(geom(c), t, c.Args[1]) },
			func(t *Tensor, c *Call) *Tensor { return conv(geom(c), c.Args[0], t) },
		},
	}
	primConv2dBI = &Primitive{
		Name: "Conv2D",
		Forward: func(c *Call) *Tensor {
			g := geom(c)
			checkAlloc("Conv2D", sizeOf(g.xShape()))
			out := g.backInput(c.Args[0].data, c.Args[1].data)
			checkInterrupt("Conv2D")
			return newRaw(g.xShape(), out)
		},
		VJP: []VJPRule{
			func(h *Tensor, c *Call) *Tensor { return conv(geom(c), h, c.Args[1]) },
			func(h *Tensor, c *Call) *Tensor { return bw(geom(c), h, c.Args[0]) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return bi(geom(c), t, c.Args[1]) },
			func(t *Tensor, c *Call) *Tensor { return bi(geom(c), c.Args[0], t) },
		},
	}
	primConv2dBW = &Primitive{
		Name: "Conv2D",
		Forward: func(c *Call) *Tensor {
			g := geom(c)
			out := g.backWeight(c.Args[0].data, c.Args[1].data)
			checkInterrupt("Conv2D")
			return newRaw(g.wShape(), out)
		},
		VJP: []VJPRule{
			func(h *Tensor, c *Call) *Tensor { return bi(geom(c), c.Args[1], h) },
			func(h *Tensor, c *Call) *Tensor { return conv(geom(c), c.Args[0], h) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return bw(geom(c), t, c.Args[1]) },
			func(t *Tensor, c *Call) *Tensor { return bw(geom(c), c.Args[0], t) },
		},
	}

	plan := func(c *Call) convNDPlan { return c.Params.(convNDPlan) }
	cnd := func(p convNDPlan, a, v *Tensor) *Tensor { return primConvND.Apply(p, a, v) }
	adjA := func(p convNDPlan, g, v *Tensor) *Tensor { return primConvNDAdjA.Apply(p, g, v) }
	adjV := func(p convNDPlan, g, a *Tensor) *Tensor { return primConvNDAdjV.Apply(p, g, a) }
	primConvND = &Primitive{
		Name: "Convolve",
		Forward: func(c *Call) *Tensor {
			p := plan(c)
			checkAlloc("Convolve", sizeOf(p.outShape))
			out := p.convolve(c.Args[0].data, c.Args[1].data)
			checkInterrupt("Convolve")
			return newRaw(append([]int{}, p.outShape...), out)
		},
		VJP: []VJPRule{
			func(g *Tensor, c *Call) *Tensor { return adjA(plan(c), g, c.Args[1]) },
			func(g *Tensor, c *Call) *Tensor { return adjV(plan(c), g, c.Args[0]) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return cnd(plan(c), t, c.Args[1]) },
			func(t *Tensor, c *Call) *Tensor { return cnd(plan(c), c.Args[0], t) },
		},
	}
	primConvNDAdjA = &Primitive{
		Name: "Convolve",
		Forward: func(c *Call) *Tensor {
			p := plan(c)
			out := p.adjA(c.Args[0].data, c.Args[1].data)
			checkInterrupt("Convolve")
			return newRaw(append([]int{}, p.aShape...), out)
		},
		VJP: []VJPRule{
			func(h *Tensor, c *Call) *Tensor { return cnd(plan(c), h, c.Args[1]) },
			func(h *Tensor, c *Call) *Tensor { return adjV(plan(c), c.Args[0], h) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return adjA(plan(c), t, c.Args[1]) },
			func(t *Tensor, c *Call) *Tensor { return adjA(plan(c), c.Args[0], t) },
		},
	}
	primConvNDAdjV = &Primitive{
		Name: "Convolve",
		Forward: func(c *Call) *Tensor {
			p := plan(c)
			out := p.adjV(c.Args[0].data, c.Args[1].data)
			checkInterrupt("Convolve")
			return newRaw(append([]int{}, p.vShape...), out)
		},
		VJP: []VJPRule{
			func(h *Tensor, c *Call) *Tensor { return cnd(plan(c), c.Args[1], h) },
			func(h *Tensor, c *Call) *Tensor { return adjA(plan(c), c.Args[0], h) },
		},
		JVP: []JVPRule{
			func(t *Tensor, c *Call) *Tensor { return adjV(plan(c), t, c.Args[1]) },
			func(t *Tensor, c *Call) *Tensor { return adjV(plan(c), c.Args[0], t) },
		},
	}
}

// Conv2D returns the 2-D convolution of a batch of images x (N, C, H, W)
// with filters w (F, C, KH, KW), moving stride pixels at a time over x
// zero-padded by padding pixels on each side: a tensor (N, F, OH, OW) with
// OH = (H + 2·padding − KH)/stride + 1 and likewise OW. As in deep-learning
// libraries the filters are not flipped (this is a cross-correlation). It is
// computed per image as one matrix product over the im2col matrix, on both
// cores. Conv2D panics with ErrShape when the shapes do not fit and with
// ErrArgument for stride < 1 or padding < 0.
func Conv2D(x, w *Tensor, stride, padding int) *Tensor {
	mustTensor("Conv2D", x)
	mustTensor("Conv2D", w)
	if stride < 1 || padding < 0 {
		panic(errorf(ErrArgument, "Conv2D", "stride %d must be ≥ 1 and padding %d ≥ 0", stride, padding))
	}
	g, err := newConv2dGeom(x.shape, w.shape, [2]int{stride, stride}, [2]int{padding, padding})
	if err != nil {
		panic(errorf(ErrShape, "Conv2D", "%v", err))
	}
	return primConv2d.Apply(g, x, w)
}

// Convolve returns the N-d convolution of a with v (both with the same
// number of dimensions), like scipy.signal.convolve with method "direct":
// mode "full" gives every overlap, "same" an output the size of a centred
// on the full one, and "valid" only the positions where one input covers
// the other entirely (which needs one input at least as large as the other
// along every axis). Convolve panics with ErrArgument for an unknown mode
// and with ErrShape for shapes that do not fit.
func Convolve(a, v *Tensor, mode string) *Tensor {
	mustTensor("Convolve", a)
	mustTensor("Convolve", v)
	var m convMode
	switch mode {
	case "full":
		m = convFull
	case "same":
		m = convSame
	case "valid":
		m = convValid
	default:
		panic(errorf(ErrArgument, "Convolve", "mode %q: want \"full\", \"same\" or \"valid\"", mode))
	}
	p, err := newConvNDPlan(a.shape, v.shape, m)
	if err != nil {
		panic(errorf(ErrShape, "Convolve", "%v", err))
	}
	return primConvND.Apply(p, a, v)
}

// poolWindows gathers the size×size windows of x (N, C, H, W) taken every
// stride pixels into a tensor (N, C, OH, OW, size·size).
func poolWindows(op string, x *Tensor, size, stride int) *Tensor {
	mustTensor(op, x)
	if len(x.shape) != 4 {
		panic(errorf(ErrShape, op, "input of shape %s: want (N,C,H,W)", fmtShape(x.shape)))
	}
	if size < 1 || stride < 1 {
		panic(errorf(ErrArgument, op, "window size %d and stride %d must be ≥ 1", size, stride))
	}
	n, c, h, w := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	if size > h || size > w {
		panic(errorf(ErrShape, op, "window %d×%d is larger than the input %s", size, size, fmtShape(x.shape)))
	}
	oh, ow := (h-size)/stride+1, (w-size)/stride+1
	k := size * size
	checkAlloc(op, n*c*oh*ow*k)
	idx := make([]int, 0, n*c*oh*ow*k)
	for img := 0; img < n*c; img++ {
		base := img * h * w
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				for i := 0; i < size; i++ {
					for j := 0; j < size; j++ {
						idx = append(idx, base+(oy*stride+i)*w+ox*stride+j)
					}
				}
			}
		}
	}
	return gather(x, &gatherPlan{inShape: append([]int{}, x.shape...), outShape: []int{n, c, oh, ow, k}, idx: idx})
}

// MaxPool2D returns the maximum of each size×size window of x (N, C, H, W),
// windows taken every stride pixels without padding: a tensor (N, C, OH, OW)
// with OH = (H − size)/stride + 1. The gradient goes to each window's
// maximum, shared equally among ties. It panics with ErrShape for a non-4-d
// input or a window larger than it and with ErrArgument for size or stride
// below 1.
func MaxPool2D(x *Tensor, size, stride int) *Tensor {
	return Max(poolWindows("MaxPool2D", x, size, stride), -1)
}

// AvgPool2D returns the mean of each size×size window of x (N, C, H, W),
// windows taken every stride pixels without padding, like MaxPool2D.
func AvgPool2D(x *Tensor, size, stride int) *Tensor {
	return Mean(poolWindows("AvgPool2D", x, size, stride), -1)
}

// Correlate returns the N-d cross-correlation of a with v, like
// scipy.signal.correlate (and numpy.correlate for vectors when a is at
// least as long as v): Convolve of a with v reversed along every axis, in
// the same modes ("full", "same": the size of a, "valid"). It panics like
// Convolve.
func Correlate(a, v *Tensor, mode string) *Tensor {
	mustTensor("Correlate", v)
	return Convolve(a, Flip(v), mode)
}
