package ad

import (
	"fmt"
	"strings"
)

// Tensor is an immutable n-dimensional array of float64 values in row-major
// order. A 0-d tensor is a scalar. See the package documentation.
//
// (Bootstrap version: the engine issue replaces the internals; the exported
// method set below is the contract other packages rely on.)
type Tensor struct {
	shape []int
	data  []float64
}

// New returns a tensor holding a copy of data with the given shape. With no
// shape, the tensor is 1-d of len(data).
func New(data []float64, shape ...int) *Tensor {
	if len(shape) == 0 {
		shape = []int{len(data)}
	}
	n := 1
	for _, d := range shape {
		n *= d
	}
	if n != len(data) {
		panic(fmt.Sprintf("ad.New: %d values do not fill shape %v", len(data), shape))
	}
	return &Tensor{shape: append([]int(nil), shape...), data: append([]float64(nil), data...)}
}

// Scalar returns a 0-d tensor holding v.
func Scalar(v float64) *Tensor { return &Tensor{shape: []int{}, data: []float64{v}} }

// Linspace returns n evenly spaced values from start to stop inclusive.
func Linspace(start, stop float64, n int) *Tensor {
	d := make([]float64, n)
	for i := range d {
		if n == 1 {
			d[i] = start
			break
		}
		d[i] = start + (stop-start)*float64(i)/float64(n-1)
	}
	return &Tensor{shape: []int{n}, data: d}
}

// Shape returns a copy of the tensor's shape.
func (t *Tensor) Shape() []int { return append([]int{}, t.shape...) }

// Data returns a copy of the tensor's values in row-major order.
func (t *Tensor) Data() []float64 { return append([]float64(nil), t.data...) }

// NDim returns the number of dimensions.
func (t *Tensor) NDim() int { return len(t.shape) }

// Size returns the number of elements.
func (t *Tensor) Size() int { return len(t.data) }

// Item returns the single value of a size-1 tensor.
func (t *Tensor) Item() float64 {
	if len(t.data) != 1 {
		panic(fmt.Sprintf("ad.Item: tensor of shape %v has %d elements, want 1", t.shape, len(t.data)))
	}
	return t.data[0]
}

// String formats the tensor like numpy.
func (t *Tensor) String() string {
	if len(t.shape) == 0 {
		return fmt.Sprint(t.data[0])
	}
	var b strings.Builder
	fmt.Fprint(&b, t.data)
	return b.String()
}
