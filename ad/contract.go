package ad

// Tensor contractions: Einsum, TensorDot and Kron. All are compositions of
// differentiable ops — generalized diagonals for repeated indices, sums,
// transposes, reshapes and one batched matrix product per pair of operands —
// so their derivatives of every order come from those ops' rules.

// Einsum evaluates the Einstein summation described by subscripts over the
// operands, like numpy.einsum: "ij,jk->ik" is a matrix product, "ii" a
// trace, "ii->i" a diagonal, "i,j->ij" an outer product, "...ij,...jk->...ik"
// a batched product with broadcasting. Without "->" the output holds the
// ellipsis dimensions followed by the indices that appear exactly once, in
// alphabetical order. Operands are contracted left to right, each pair as
// one batched matrix product.
//
// Einsum panics with ErrArgument for malformed subscripts or a wrong number
// of operands and with ErrShape when an index covers axes of different
// lengths.
func Einsum(subscripts string, operands ...*Tensor) *Tensor {
	if len(operands) == 0 {
		panic(errorf(ErrArgument, "Einsum", "no operands"))
	}
	ndims := make([]int, len(operands))
	for i, x := range operands {
		mustTensor("Einsum", x)
		ndims[i] = len(x.shape)
	}
	spec, err := parseEinsum(subscripts, ndims)
	if err != nil {
		panic(errorf(ErrArgument, "Einsum", "%v", err))
	}
	return contractLabels("Einsum", operands, spec.inputs, spec.output)
}

// labeled is an intermediate operand of a contraction: a tensor whose axes
// carry distinct labels.
type labeled struct {
	x      *Tensor
	labels []int
}

func (l labeled) size(label int) int {
	for i, m := range l.labels {
		if m == label {
			return l.x.shape[i]
		}
	}
	return -1
}

func (l labeled) has(label int) bool { return l.size(label) >= 0 }

// contractLabels evaluates the contraction of operands whose axes carry the
// given labels into a result with the output labels.
func contractLabels(op string, operands []*Tensor, inputs [][]int, output []int) *Tensor {
	// The length of each label; ellipsis labels (≥ ellipsisBase) broadcast.
	sizes := map[int]int{}
	for i, labs := range inputs {
		for ax, l := range labs {
			d := operands[i].shape[ax]
			old, ok := sizes[l]
			switch {
			case !ok || old == 1 && l >= ellipsisBase:
				sizes[l] = d
			case old != d && !(l >= ellipsisBase && d == 1):
				panic(errorf(ErrShape, op, "index %q covers axes of lengths %d and %d", labelName(l), old, d))
			}
		}
	}
	ops := make([]labeled, len(operands))
	for i, x := range operands {
		ops[i] = takeLabelDiagonal(op, x, inputs[i])
	}
	inOutput := map[int]bool{}
	for _, l := range output {
		inOutput[l] = true
	}
	// neededAfter reports whether label l is used by the output or by an
	// operand after position i.
	neededAfter := func(l, i int) bool {
		if inOutput[l] {
			return true
		}
		for _, o := range ops[i+1:] {
			if o.has(l) {
				return true
			}
		}
		return false
	}
	acc := sumUnneeded(ops[0], func(l int) bool { return neededAfter(l, 0) })
	for i := 1; i < len(ops); i++ {
		b := ops[i]
		keep := func(l int) bool { return neededAfter(l, i) }
		acc = sumUnneeded(acc, func(l int) bool { return keep(l) || b.has(l) })
		b = sumUnneeded(b, func(l int) bool { return keep(l) || acc.has(l) })
		acc = contractPair(acc, b, keep, sizes)
	}
	acc = sumUnneeded(acc, func(l int) bool { return inOutput[l] })
	// Every output label is carried by acc: the parser accepts only output
	// labels that occur in some operand, and the contraction keeps them.
	perm := make([]int, len(output))
	for i, l := range output {
		perm[i] = indexOf(acc.labels, l)
	}
	res := acc.x
	if !isIdentity(perm) {
		res = Transpose(res, perm...)
	}
	// Broadcast ellipsis dimensions of length 1 to their full length.
	full := make([]int, len(output))
	for i, l := range output {
		full[i] = sizes[l]
	}
	if !sameShape(res.shape, full) {
		res = broadcastTo(res, full)
	}
	return res
}

// takeLabelDiagonal reduces repeated labels of x to one axis each.
func takeLabelDiagonal(op string, x *Tensor, labels []int) labeled {
	p, err := newDiagPlan(x.shape, labels)
	if err != nil {
		panic(errorf(ErrShape, op, "%v", err))
	}
	if len(p.labels) == len(labels) {
		return labeled{x: x, labels: append([]int{}, labels...)}
	}
	return labeled{x: gather(x, &gatherPlan{inShape: p.inShape, outShape: p.outShape, idx: p.indices()}), labels: p.labels}
}

// sumUnneeded sums out the axes whose labels keep rejects.
func sumUnneeded(a labeled, keep func(int) bool) labeled {
	var axes, rest []int
	for i, l := range a.labels {
		if keep(l) {
			rest = append(rest, l)
		} else {
			axes = append(axes, i)
		}
	}
	if len(axes) == 0 {
		return a
	}
	if rest == nil {
		rest = []int{}
	}
	return labeled{x: Sum(a.x, axes...), labels: rest}
}

// contractPair multiplies two labeled operands, summing the labels they
// share that keep rejects, as one batched matrix product: a is arranged as
// (batch, a-only, contracted) and b as (batch, contracted, b-only).
func contractPair(a, b labeled, keep func(int) bool, sizes map[int]int) labeled {
	var batch, contr, aOnly, bOnly []int
	for _, l := range a.labels {
		switch {
		case b.has(l) && keep(l):
			batch = append(batch, l)
		case b.has(l):
			contr = append(contr, l)
		default:
			aOnly = append(aOnly, l)
		}
	}
	for _, l := range b.labels {
		if !a.has(l) {
			bOnly = append(bOnly, l)
		}
	}
	arrange := func(t labeled, groups ...[]int) (*Tensor, []int) {
		var order []int
		for _, g := range groups {
			order = append(order, g...)
		}
		perm := make([]int, len(order))
		shape := make([]int, len(order))
		for i, l := range order {
			perm[i] = indexOf(t.labels, l)
			shape[i] = sizes[l]
		}
		x := t.x
		if !isIdentity(perm) {
			x = Transpose(x, perm...)
		}
		if !sameShape(x.shape, shape) {
			x = broadcastTo(x, shape) // a shared ellipsis label of length 1
		}
		dims := make([]int, len(groups))
		for i, g := range groups {
			dims[i] = 1
			for _, l := range g {
				dims[i] *= sizes[l]
			}
		}
		return Reshape(x, dims...), order
	}
	am, _ := arrange(a, batch, aOnly, contr)
	bm, _ := arrange(b, batch, contr, bOnly)
	prod := bmm(am, bm)
	labels := append(append(append([]int{}, batch...), aOnly...), bOnly...)
	shape := make([]int, len(labels))
	for i, l := range labels {
		shape[i] = sizes[l]
	}
	return labeled{x: Reshape(prod, shape...), labels: labels}
}

func indexOf(s []int, v int) int {
	for i, w := range s {
		if w == v {
			return i
		}
	}
	return -1
}

func isIdentity(perm []int) bool {
	for i, p := range perm {
		if p != i {
			return false
		}
	}
	return true
}

// TensorDot sums the products of the last n axes of a with the first n axes
// of b, like numpy.tensordot(a, b, n): n = 1 is a matrix product, n = 0 an
// outer product. It panics with ErrShape when those axes differ in length
// and with ErrAxis when n is negative or larger than either's dimensions.
func TensorDot(a, b *Tensor, n int) *Tensor {
	mustTensor("TensorDot", a)
	mustTensor("TensorDot", b)
	if n < 0 || n > len(a.shape) || n > len(b.shape) {
		panic(errorf(ErrAxis, "TensorDot", "cannot contract %d axes of shapes %s and %s", n, fmtShape(a.shape), fmtShape(b.shape)))
	}
	axesA := make([]int, n)
	axesB := make([]int, n)
	for i := 0; i < n; i++ {
		axesA[i] = len(a.shape) - n + i
		axesB[i] = i
	}
	return TensorDotAxes(a, b, axesA, axesB)
}

// TensorDotAxes sums the products of a and b over the pairs of axes
// (axesA[i], axesB[i]), like numpy.tensordot(a, b, (axesA, axesB)). The
// result holds a's remaining axes followed by b's. Negative axes count from
// the end. It panics with ErrAxis for bad or repeated axes and with ErrShape
// when paired axes differ in length.
func TensorDotAxes(a, b *Tensor, axesA, axesB []int) *Tensor {
	mustTensor("TensorDot", a)
	mustTensor("TensorDot", b)
	if len(axesA) != len(axesB) {
		panic(errorf(ErrAxis, "TensorDot", "%d axes of a paired with %d axes of b", len(axesA), len(axesB)))
	}
	la := make([]int, len(a.shape))
	lb := make([]int, len(b.shape))
	for i := range la {
		la[i] = -1
	}
	for i := range lb {
		lb[i] = -1
	}
	next := 0
	for i := range axesA {
		ra := resolveAxis("TensorDot", axesA[i], len(a.shape))
		rb := resolveAxis("TensorDot", axesB[i], len(b.shape))
		if la[ra] >= 0 || lb[rb] >= 0 {
			panic(errorf(ErrAxis, "TensorDot", "axis repeated in %v and %v", axesA, axesB))
		}
		if a.shape[ra] != b.shape[rb] {
			panic(errorf(ErrShape, "TensorDot", "axis %d of %s and axis %d of %s differ in length", axesA[i], fmtShape(a.shape), axesB[i], fmtShape(b.shape)))
		}
		la[ra], lb[rb] = next, next
		next++
	}
	var out []int
	for i := range la {
		if la[i] < 0 {
			la[i] = next
			out = append(out, next)
			next++
		}
	}
	for i := range lb {
		if lb[i] < 0 {
			lb[i] = next
			out = append(out, next)
			next++
		}
	}
	if out == nil {
		out = []int{}
	}
	return contractLabels("TensorDot", []*Tensor{a, b}, [][]int{la, lb}, out)
}

// resolveAxis resolves a possibly negative axis of a tensor with nd
// dimensions, panicking with ErrAxis when it is out of range.
func resolveAxis(op string, axis, nd int) int {
	r := axis
	if r < 0 {
		r += nd
	}
	if r < 0 || r >= nd {
		panic(errorf(ErrAxis, op, "axis %d out of range for %d dimensions", axis, nd))
	}
	return r
}

// Kron returns the Kronecker product of a and b, like numpy.kron: the block
// tensor whose block at index i is a[i]·b. A tensor with fewer dimensions
// is first given leading axes of length 1.
func Kron(a, b *Tensor) *Tensor {
	mustTensor("Kron", a)
	mustTensor("Kron", b)
	nd := max(len(a.shape), len(b.shape))
	pad := func(s []int) []int {
		return append(make([]int, 0, nd), append(onesInts(nd-len(s)), s...)...)
	}
	as, bs := pad(a.shape), pad(b.shape)
	ai := make([]int, 2*nd)
	bi := make([]int, 2*nd)
	out := make([]int, nd)
	for i := 0; i < nd; i++ {
		ai[2*i], ai[2*i+1] = as[i], 1
		bi[2*i], bi[2*i+1] = 1, bs[i]
		out[i] = as[i] * bs[i]
	}
	return Reshape(Mul(Reshape(a, ai...), Reshape(b, bi...)), out...)
}

func onesInts(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}
