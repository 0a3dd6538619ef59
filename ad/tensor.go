package ad

import (
	"fmt"
	"math"
)

// Tensor is an immutable n-dimensional array of float64 values in row-major
// order. A 0-d tensor (shape []) is a scalar.
//
// A Tensor is either plain (a shape and its data) or boxed: while a
// differentiation runs, values derived from its input carry, besides their
// value, the trace they belong to and either a node of the reverse-mode graph
// or a forward-mode tangent. Boxing is invisible to the accessors: Shape,
// Data, Item, At and String always report the numeric value.
//
// A tensor's values never change, except those of a tensor donated to
// JitTo or JitSliceTo for a result (see the package documentation,
// "Giving memory back"). After Release, every use of it panics with
// ErrReleased.
//
// The zero value is not a valid Tensor; use the constructors.
type Tensor struct {
	shape []int
	data  []float64
	b     *box // nil for a plain tensor (no other field: see release.go)
}

// newRaw wraps shape and data without copying. Callers must not modify
// either afterwards.
func newRaw(shape []int, data []float64) *Tensor {
	return &Tensor{shape: shape, data: data}
}

// shapeSize returns the number of elements of shape, panicking with ErrShape
// for a negative dimension and with ErrMemory when the count overflows.
func shapeSize(op string, shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(errorf(ErrShape, op, "negative dimension in shape %s", fmtShape(shape)))
		}
		if d != 0 && n > math.MaxInt/d/8 {
			panic(errorf(ErrMemory, op, "shape %s has too many elements to allocate", fmtShape(shape)))
		}
		n *= d
	}
	return n
}

// New returns a tensor holding a copy of data with the given shape. With no
// shape the tensor is 1-d of length len(data). New panics with ErrShape when
// the number of values does not fill the shape.
func New(data []float64, shape ...int) *Tensor {
	if len(shape) == 0 {
		shape = []int{len(data)}
	}
	n := shapeSize("New", shape)
	if n != len(data) {
		panic(errorf(ErrShape, "New", "%d values do not fill shape %s", len(data), fmtShape(shape)))
	}
	d := alloc("New", n)
	copy(d, data)
	return newRaw(append([]int{}, shape...), d)
}

// Scalar returns a 0-d tensor holding v.
func Scalar(v float64) *Tensor {
	sb := &scalarBlock{v: [1]float64{v}}
	sb.t.shape, sb.t.data = []int{}, sb.v[:]
	return &sb.t
}

// Full returns a tensor of the given shape with every element equal to v.
// It panics with ErrShape for a negative dimension and with ErrMemory when
// the result would not fit in available memory.
func Full(v float64, shape ...int) *Tensor {
	n := shapeSize("Full", shape)
	d := alloc("Full", n)
	if v != 0 {
		for i := range d {
			d[i] = v
		}
	}
	return newRaw(append([]int{}, shape...), d)
}

// Zeros returns a tensor of the given shape filled with zeros. Zeros() is the
// scalar 0. It panics like Full.
func Zeros(shape ...int) *Tensor { return Full(0, shape...) }

// Ones returns a tensor of the given shape filled with ones. It panics like Full.
func Ones(shape ...int) *Tensor { return Full(1, shape...) }

// ZerosLike returns zeros with the shape of x.
func ZerosLike(x *Tensor) *Tensor { return Zeros(mustTensor("ZerosLike", x).shape...) }

// OnesLike returns ones with the shape of x.
func OnesLike(x *Tensor) *Tensor { return Ones(mustTensor("OnesLike", x).shape...) }

// Eye returns the n×n identity matrix. It panics with ErrShape for n < 0.
func Eye(n int) *Tensor {
	t := Zeros(n, n)
	for i := 0; i < n; i++ {
		t.data[i*n+i] = 1
	}
	return t
}

// Arange returns the 1-d tensor start, start+step, … of values below stop
// (above stop for a negative step), like numpy.arange. It panics with
// ErrShape when step is zero or not finite.
func Arange(start, stop, step float64) *Tensor {
	if step == 0 || math.IsNaN(step) || math.IsInf(step, 0) || math.IsNaN(start) || math.IsNaN(stop) {
		panic(errorf(ErrShape, "Arange", "invalid range start=%g stop=%g step=%g", start, stop, step))
	}
	c := math.Ceil((stop - start) / step)
	if c < 0 {
		c = 0
	}
	if c > math.MaxInt32*64 {
		panic(errorf(ErrMemory, "Arange", "%g values are too many to allocate", c))
	}
	n := int(c)
	d := alloc("Arange", n)
	for i := range d {
		d[i] = start + float64(i)*step
	}
	return newRaw([]int{n}, d)
}

// Linspace returns n evenly spaced values from start to stop inclusive, like
// numpy.linspace. It panics with ErrShape for n < 0.
func Linspace(start, stop float64, n int) *Tensor {
	if n < 0 {
		panic(errorf(ErrShape, "Linspace", "negative count %d", n))
	}
	d := alloc("Linspace", n)
	if n == 1 {
		d[0] = start
	} else if n > 1 {
		step := (stop - start) / float64(n-1)
		for i := range d {
			d[i] = start + float64(i)*step
		}
		d[n-1] = stop
	}
	return newRaw([]int{n}, d)
}

// FromRows returns the matrix whose rows are rows. It panics with ErrShape
// when the rows differ in length.
func FromRows(rows [][]float64) *Tensor {
	r := len(rows)
	c := 0
	if r > 0 {
		c = len(rows[0])
	}
	d := alloc("FromRows", shapeSize("FromRows", []int{r, c}))
	for i, row := range rows {
		if len(row) != c {
			panic(errorf(ErrShape, "FromRows", "row %d has %d values, row 0 has %d", i, len(row), c))
		}
		copy(d[i*c:], row)
	}
	return newRaw([]int{r, c}, d)
}

// Shape returns a copy of the tensor's shape; a scalar's shape is empty.
func (t *Tensor) Shape() []int {
	t.checkLive("Shape")
	return append([]int{}, t.shape...)
}

// Data returns a copy of the tensor's values in row-major order.
func (t *Tensor) Data() []float64 {
	t.checkLive("Data")
	if t.b != nil {
		noteRead(t, "Data", 0, len(t.data))
	}
	return append([]float64(nil), t.data...)
}

// NDim returns the number of dimensions (0 for a scalar).
func (t *Tensor) NDim() int {
	t.checkLive("NDim")
	return len(t.shape)
}

// Size returns the number of elements.
func (t *Tensor) Size() int {
	t.checkLive("Size")
	return len(t.data)
}

// Item returns the single value of a size-1 tensor. It panics with ErrShape
// when the tensor has any other size.
func (t *Tensor) Item() float64 {
	t.checkLive("Item")
	if len(t.data) != 1 {
		panic(errorf(ErrShape, "Item", "tensor of shape %s has %d elements, want 1", fmtShape(t.shape), len(t.data)))
	}
	if t.b != nil {
		noteRead(t, "Item", 0, 1)
	}
	return t.data[0]
}

// At returns the element at the given index, one integer per dimension;
// negative indices count from the end. It panics with ErrShape when the
// number of indices differs from NDim and with ErrIndex when an index is out
// of range.
func (t *Tensor) At(idx ...int) float64 {
	t.checkLive("At")
	if len(idx) != len(t.shape) {
		panic(errorf(ErrShape, "At", "%d indices for a tensor of shape %s", len(idx), fmtShape(t.shape)))
	}
	off := 0
	for k, i := range idx {
		d := t.shape[k]
		if i < 0 {
			i += d
		}
		if i < 0 || i >= d {
			panic(errorf(ErrIndex, "At", "index %d out of range for axis %d of size %d", idx[k], k, d))
		}
		off = off*d + i
	}
	if t.b != nil {
		noteRead(t, "At", off, 1)
	}
	return t.data[off]
}

// IsBoxed reports whether t is being traced by a running differentiation.
// It is meant for debugging and display; numeric code never needs it.
func (t *Tensor) IsBoxed() bool {
	t.checkLive("IsBoxed")
	return t.b != nil
}

// fmtShape formats a shape like numpy: (3,4), (5,) and () for a scalar.
func fmtShape(shape []int) string {
	switch len(shape) {
	case 0:
		return "()"
	case 1:
		return fmt.Sprintf("(%d,)", shape[0])
	}
	s := "("
	for i, d := range shape {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprint(d)
	}
	return s + ")"
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// mustTensor panics with ErrNil when x is nil and returns x otherwise.
func mustTensor(op string, x *Tensor) *Tensor {
	if x == nil {
		panic(errorf(ErrNil, op, "nil *Tensor argument"))
	}
	x.checkLive(op)
	return x
}

// String formats the tensor like numpy's print: nested brackets, at most 8
// fractional digits, and a summary with "..." for more than 1000 elements.
// See format.go for the exact rules.
func (t *Tensor) String() string {
	t.checkLive("String")
	if t.b != nil {
		noteRead(t, "String", 0, len(t.data))
	}
	return formatArray(t.shape, t.data)
}
