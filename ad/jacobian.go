package ad

// Jacobians, Hessians and Hessian-vector products, built from makeVJP and
// makeJVP. The rows (or columns) are assembled with three small linear
// primitives private to this file, so that the results are differentiable
// again (Hessian is the Jacobian of the gradient).

// Jacobian returns the function computing the Jacobian of f at x by reverse
// mode, one pullback per output element. For an output of shape S and an
// input of shape X the result has shape S+X (S followed by X), like
// autograd's jacobian: J[s..., x...] = ∂f(x)[s...]/∂x[x...].
func Jacobian(f func(*Tensor) *Tensor) func(*Tensor) *Tensor {
	return func(x *Tensor) *Tensor {
		out, pb := makeVJP("Jacobian", f, x)
		m := len(out.data)
		rows := make([]*Tensor, m)
		for i := range rows {
			checkInterrupt("Jacobian")
			rows[i] = pb(oneHot(out.shape, i))
		}
		return stackParts(rows, append(append([]int{}, out.shape...), x.shape...))
	}
}

// JacobianFwd is Jacobian computed by forward mode, one tangent per input
// element: cheaper than Jacobian when the input has fewer elements than the
// output. The result has the same shape S+X.
func JacobianFwd(f func(*Tensor) *Tensor) func(*Tensor) *Tensor {
	return func(x *Tensor) *Tensor {
		mustTensor("JacobianFwd", x)
		n := len(x.data)
		cols := make([]*Tensor, n)
		var outShape []int
		for j := range cols {
			checkInterrupt("JacobianFwd")
			var y *Tensor
			y, cols[j] = makeJVP("JacobianFwd", f, x, oneHot(x.shape, j))
			outShape = y.shape
		}
		if n == 0 {
			outShape = plain(f(x)).shape
		}
		m := shapeSize("JacobianFwd", outShape)
		full := append(append([]int{}, outShape...), x.shape...)
		return transposeFlat(stackParts(cols, []int{n, m}), n, m, full)
	}
}

// Hessian returns the function computing the Hessian of a scalar-valued f
// at x, the Jacobian of its gradient (reverse over reverse), of shape X+X.
// It panics with ErrNonScalar when f's output is not a scalar.
func Hessian(f func(*Tensor) *Tensor) func(*Tensor) *Tensor {
	return func(x *Tensor) *Tensor {
		g := func(x *Tensor) *Tensor {
			_, gx := valueAndGrad("Hessian", f, x)
			return gx
		}
		return Jacobian(g)(x)
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

type partsParams struct{ shape []int }

type partParams struct {
	i     int
	shape []int // shape of the part
}

type transposeParams struct {
	rows, cols int
	shape      []int
}

// stackParts lays the parts (all of one size) one after the other in
// row-major order and gives the result the requested shape.
func stackParts(parts []*Tensor, shape []int) *Tensor {
	return primStackParts.Apply(partsParams{shape: shape}, parts...)
}

// partOf returns part i of x's flat data, of the given shape: the inverse of
// stackParts.
func partOf(x *Tensor, i int, shape []int) *Tensor {
	return primPartOf.Apply(partParams{i: i, shape: shape}, x)
}

// transposeFlat reads x's data as a rows×cols matrix and returns its
// transpose with the given shape.
func transposeFlat(x *Tensor, rows, cols int, shape []int) *Tensor {
	return primTransposeFlat.Apply(transposeParams{rows: rows, cols: cols, shape: shape}, x)
}

var primStackParts, primPartOf, primTransposeFlat *Primitive

func init() {
	primStackParts = &Primitive{
		Name: "stack",
		Forward: func(c *Call) *Tensor {
			shape := c.Params.(partsParams).shape
			d := alloc("stack", shapeSize("stack", shape))
			off := 0
			for _, p := range c.Args {
				if off+len(p.data) > len(d) {
					panic(errorf(ErrShape, "stack", "parts do not fit shape %s", fmtShape(shape)))
				}
				copy(d[off:], p.data)
				off += len(p.data)
			}
			if off != len(d) {
				panic(errorf(ErrShape, "stack", "parts do not fill shape %s", fmtShape(shape)))
			}
			return newRaw(shape, d)
		},
		VJPAt: func(i int, g *Tensor, c *Call) *Tensor { return partOf(g, i, c.Args[i].shape) },
		JVPAt: func(i int, t *Tensor, c *Call) *Tensor {
			parts := make([]*Tensor, len(c.Args))
			for k, a := range c.Args {
				if k == i {
					parts[k] = t
				} else {
					parts[k] = Zeros(a.shape...)
				}
			}
			return stackParts(parts, c.Out.shape)
		},
	}
	primPartOf = &Primitive{
		Name: "part",
		Forward: func(c *Call) *Tensor {
			p := c.Params.(partParams)
			m := shapeSize("part", p.shape)
			d := alloc("part", m)
			copy(d, c.Args[0].data[p.i*m:(p.i+1)*m])
			return newRaw(p.shape, d)
		},
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor {
			p := c.Params.(partParams)
			x := c.Args[0]
			m := shapeSize("part", p.shape)
			parts := make([]*Tensor, len(x.data)/m)
			for k := range parts {
				if k == p.i {
					parts[k] = g
				} else {
					parts[k] = Zeros(p.shape...)
				}
			}
			return stackParts(parts, x.shape)
		}},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor {
			p := c.Params.(partParams)
			return partOf(t, p.i, p.shape)
		}},
	}
	primTransposeFlat = &Primitive{
		Name: "transpose",
		Forward: func(c *Call) *Tensor {
			p := c.Params.(transposeParams)
			x := c.Args[0]
			d := alloc("transpose", len(x.data))
			for r := 0; r < p.rows; r++ {
				for k := 0; k < p.cols; k++ {
					d[k*p.rows+r] = x.data[r*p.cols+k]
				}
			}
			return newRaw(p.shape, d)
		},
		VJP: []VJPRule{func(g *Tensor, c *Call) *Tensor {
			p := c.Params.(transposeParams)
			return transposeFlat(g, p.cols, p.rows, c.Args[0].shape)
		}},
		JVP: []JVPRule{func(t *Tensor, c *Call) *Tensor {
			p := c.Params.(transposeParams)
			return transposeFlat(t, p.rows, p.cols, p.shape)
		}},
	}
}
