package ad

// Jacobians, Hessians and Hessian-vector products, built from makeVJP and
// makeJVP. The rows (or columns) are assembled with differentiable ops
// (Concatenate, Transpose, Reshape), so that the results are differentiable
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
