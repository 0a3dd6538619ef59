package ad

import (
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Values of the array ops against numpy (the expression is in each case's
// comment or name), and their errors.

// opsX is np.arange(1., 7.).reshape(2, 3) = [[1 2 3] [4 5 6]].
func opsX() *Tensor { return New([]float64{1, 2, 3, 4, 5, 6}, 2, 3) }

func TestOpsValues(t *testing.T) {
	t.Parallel()
	x := opsX()
	a := Arange(0, 24, 1)
	cube := Reshape(a, 2, 3, 4)
	cases := []struct {
		name  string
		got   *Tensor
		shape []int
		want  []float64
	}{
		{"np.sum(x)", Sum(x), []int{}, []float64{21}},
		{"np.sum(x, 0)", Sum(x, 0), []int{3}, []float64{5, 7, 9}},
		{"np.sum(x, -1, keepdims=True)", SumKeepDims(x, -1), []int{2, 1}, []float64{6, 15}},
		{"np.sum(cube, (0, 2))", Sum(cube, 0, 2), []int{3}, []float64{60, 92, 124}},
		{"np.mean(x, 1)", Mean(x, 1), []int{2}, []float64{2, 5}},
		{"np.mean(x, keepdims=True)", MeanKeepDims(x), []int{1, 1}, []float64{3.5}},
		{"np.prod(x, 0)", Prod(x, 0), []int{3}, []float64{4, 10, 18}},
		{"np.prod(x)", Prod(x), []int{}, []float64{720}},
		{"np.max(x, 1)", Max(x, 1), []int{2}, []float64{3, 6}},
		{"np.max(x, 0, keepdims=True)", MaxKeepDims(x, 0), []int{1, 3}, []float64{4, 5, 6}},
		{"np.min(x)", Min(x), []int{}, []float64{1}},
		{"np.var(x)", Var(x, 0), []int{}, []float64{2.9166666666666665}},
		{"np.var(x, 0, ddof=1)", Var(x, 1, 0), []int{3}, []float64{4.5, 4.5, 4.5}},
		{"np.std(x, 1)", Std(x, 0, 1), []int{2}, []float64{0.816496580927726, 0.816496580927726}},
		{"np.std(x, 1, keepdims=True)", StdKeepDims(x, 0, 1), []int{2, 1}, []float64{0.816496580927726, 0.816496580927726}},
		{"logsumexp(x, 1)", LogSumExp(x, 1), []int{2}, []float64{3.40760596444438, 6.407605964444381}},
		{"logsumexp(x)", LogSumExp(x), []int{}, []float64{6.456193316018123}},
		{"logsumexp([1000, 1000])", LogSumExp(New([]float64{1000, 1000})), []int{}, []float64{1000.6931471805599}},
		{"logsumexp([-inf, -inf])", LogSumExp(New([]float64{math.Inf(-1), math.Inf(-1)})), []int{}, []float64{math.Inf(-1)}},
		{"np.cumsum(x, 1)", CumSum(x, 1), []int{2, 3}, []float64{1, 3, 6, 4, 9, 15}},
		{"np.cumsum(x, 0)", CumSum(x, 0), []int{2, 3}, []float64{1, 2, 3, 5, 7, 9}},
		{"np.argmax(x)", ArgMax(x), []int{}, []float64{5}},
		{"np.argmax([[1,9,9],[9,0,2]], 0)", ArgMax(New([]float64{1, 9, 9, 9, 0, 2}, 2, 3), 0), []int{3}, []float64{1, 0, 0}},
		{"np.argmin([3,1,1])", ArgMin(New([]float64{3, 1, 1})), []int{}, []float64{1}},
		{"np.argmin(x, 1)", ArgMin(x, 1), []int{2}, []float64{0, 0}},

		{"x.reshape(3, -1)", Reshape(x, 3, -1), []int{3, 2}, []float64{1, 2, 3, 4, 5, 6}},
		{"x.T", Transpose(x), []int{3, 2}, []float64{1, 4, 2, 5, 3, 6}},
		{"cube.transpose(1, 2, 0)[0]", Index(Transpose(cube, 1, 2, 0), 0), []int{4, 2}, []float64{0, 12, 1, 13, 2, 14, 3, 15}},
		{"np.expand_dims(x, 0)", ExpandDims(x, 0), []int{1, 2, 3}, []float64{1, 2, 3, 4, 5, 6}},
		{"np.expand_dims(x, -1)", ExpandDims(x, -1), []int{2, 3, 1}, []float64{1, 2, 3, 4, 5, 6}},
		{"np.squeeze(zeros((1,3,1)))", Squeeze(Zeros(1, 3, 1)), []int{3}, []float64{0, 0, 0}},
		{"np.squeeze(zeros((1,3,1)), 0)", Squeeze(Zeros(1, 3, 1), 0), []int{3, 1}, []float64{0, 0, 0}},
		{"np.broadcast_to([1,2,3], (2,3))", BroadcastTo(New([]float64{1, 2, 3}), 2, 3), []int{2, 3}, []float64{1, 2, 3, 1, 2, 3}},
		{"np.concatenate([x, x[:, :1]*10], 1)", Concatenate([]*Tensor{x, Mul(Slice(x, All, To(1)), 10)}, 1), []int{2, 4}, []float64{1, 2, 3, 10, 4, 5, 6, 40}},
		{"np.concatenate([x, x])", Concatenate([]*Tensor{x, x}, 0), []int{4, 3}, []float64{1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6}},
		{"np.stack([x[0], x[1]], 1)", Stack([]*Tensor{Index(x, 0), Index(x, 1)}, 1), []int{3, 2}, []float64{1, 4, 2, 5, 3, 6}},
		{"np.split(x, 3, 1)[2]", Split(x, 3, 1)[2], []int{2, 1}, []float64{3, 6}},
		{"np.split(arange(24), [5, 30])[1]", SplitAt(a, []int{5, 30}, 0)[1], []int{19}, Arange(5, 24, 1).Data()},
		{"np.tile([[1,2]], (2,2))", Tile(New([]float64{1, 2}, 1, 2), 2, 2), []int{2, 4}, []float64{1, 2, 1, 2, 1, 2, 1, 2}},
		{"np.tile([1,2], 2)", Tile(New([]float64{1, 2}), 2), []int{4}, []float64{1, 2, 1, 2}},
		{"np.repeat(x, 2, 0)", Repeat(x, 2, 0), []int{4, 3}, []float64{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6}},
		{"np.repeat([1,2], 2)", Repeat(New([]float64{1, 2}), 2, 0), []int{4}, []float64{1, 1, 2, 2}},
		{"np.flip(x, 1)", Flip(x, 1), []int{2, 3}, []float64{3, 2, 1, 6, 5, 4}},
		{"np.flip(x)", Flip(x), []int{2, 3}, []float64{6, 5, 4, 3, 2, 1}},
		{"np.diag(x)", Diag(x), []int{2}, []float64{1, 5}},
		{"np.diag([1,2])", Diag(New([]float64{1, 2})), []int{2, 2}, []float64{1, 0, 0, 2}},
		{"np.trace(x)", Trace(x), []int{}, []float64{6}},
		{"np.trace(cube)", Trace(cube), []int{4}, []float64{16, 18, 20, 22}},

		{"x[::-1, ::2]", Slice(x, Step(-1), Step(2)), []int{2, 2}, []float64{4, 6, 1, 3}},
		{"x[-1:, 1:]", Slice(x, From(-1), From(1)), []int{1, 2}, []float64{5, 6}},
		{"x[:, 5:1:-1]", Slice(x, All, S(5, 1, -1)), []int{2, 1}, []float64{3, 6}},
		{"x[:, -10:2]", Slice(x, All, S(-10, 2)), []int{2, 2}, []float64{1, 2, 4, 5}},
		{"x[:, 2::-2]", Slice(x, All, From(2).By(-2)), []int{2, 2}, []float64{3, 1, 6, 4}},
		{"x[:, :-1]", Slice(x, All, To(-1)), []int{2, 2}, []float64{1, 2, 4, 5}},
		{"x[3:]", Slice(x, From(3)), []int{0, 3}, []float64{}},
		{"x[1, -1]", Index(x, 1, -1), []int{}, []float64{6}},
		{"x[1]", Index(x, 1), []int{3}, []float64{4, 5, 6}},
		{"np.take(x, [2, 0, 2], 1)", Take(x, []int{2, 0, -1}, 1), []int{2, 3}, []float64{3, 1, 3, 6, 4, 6}},

		{"[[1,2],[3,4]] @ [[5,6],[7,8]]", MatMul(New([]float64{1, 2, 3, 4}, 2, 2), New([]float64{5, 6, 7, 8}, 2, 2)), []int{2, 2}, []float64{19, 22, 43, 50}},
		{"arange(6).reshape(1,2,3) @ arange(12).reshape(2,3,2)", MatMul(Reshape(Arange(0, 6, 1), 1, 2, 3), Reshape(Arange(0, 12, 1), 2, 3, 2)), []int{2, 2, 2}, []float64{10, 13, 28, 40, 28, 31, 100, 112}},
		{"x @ [1,1,1]", MatMul(x, Ones(3)), []int{2}, []float64{6, 15}},
		{"[1,1] @ x", MatMul(Ones(2), x), []int{3}, []float64{5, 7, 9}},
		{"[1,2,3] @ [4,5,6]", MatMul(New([]float64{1, 2, 3}), New([]float64{4, 5, 6})), []int{}, []float64{32}},
		{"np.dot([1,2,3], [4,5,6])", Dot(New([]float64{1, 2, 3}), New([]float64{4, 5, 6})), []int{}, []float64{32}},
		{"np.dot(cube, arange(8).reshape(2,4,1))", Dot(cube, Reshape(Arange(0, 8, 1), 2, 4, 1)), []int{2, 3, 2, 1}, []float64{14, 38, 38, 126, 62, 214, 86, 302, 110, 390, 134, 478}},
		{"np.dot(2, x)", Dot(Scalar(2), x), []int{2, 3}, []float64{2, 4, 6, 8, 10, 12}},
		{"np.outer([1,2], [3,4,5])", Outer(New([]float64{1, 2}), New([]float64{3, 4, 5})), []int{2, 3}, []float64{3, 4, 5, 6, 8, 10}},
	}
	for _, c := range cases {
		if !sameShape(c.got.shape, c.shape) {
			t.Errorf("%s: shape %s, want %s", c.name, fmtShape(c.got.shape), fmtShape(c.shape))
			continue
		}
		if !opsCloseSlices(c.got.Data(), c.want, 1e-14) {
			t.Errorf("%s: got %v, want %v", c.name, c.got.Data(), c.want)
		}
	}
}

func TestProdGradientWithZeros(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		x    *Tensor
		f    func(*Tensor) *Tensor
		want []float64
	}{
		{"no zero", New([]float64{2, 4, 3}), func(x *Tensor) *Tensor { return Prod(x) }, []float64{12, 6, 8}},
		{"one zero", New([]float64{2, 0, 3}), func(x *Tensor) *Tensor { return Prod(x) }, []float64{0, 6, 0}},
		{"two zeros", New([]float64{0, 0, 3}), func(x *Tensor) *Tensor { return Prod(x) }, []float64{0, 0, 0}},
		// Rows [2 0 3] and [1 5 2], reduced along axis 1.
		{"per row", New([]float64{2, 0, 3, 1, 5, 2}, 2, 3), func(x *Tensor) *Tensor { return Sum(Prod(x, 1)) }, []float64{0, 6, 0, 10, 2, 5}},
	}
	for _, c := range cases {
		if got := Grad(c.f)(c.x).Data(); !slices.Equal(got, c.want) {
			t.Errorf("%s: Grad = %v, want %v", c.name, got, c.want)
		}
		_, tan := JVP(c.f)(c.x, OnesLike(c.x))
		if got, want := tan.Item(), Sum(New(c.want)).Item(); got != want {
			t.Errorf("%s: JVP along ones = %v, want %v", c.name, got, want)
		}
	}
}

// TestOpsEmpty checks tensors with no elements against numpy.
func TestOpsEmpty(t *testing.T) {
	t.Parallel()
	z := Zeros(0, 3)
	nan := math.NaN()
	cases := []struct {
		name  string
		got   *Tensor
		shape []int
		want  []float64
	}{
		{"np.sum(z, 0)", Sum(z, 0), []int{3}, []float64{0, 0, 0}},
		{"np.sum(z, 1)", Sum(z, 1), []int{0}, []float64{}},
		{"np.mean(z, 0)", Mean(z, 0), []int{3}, []float64{nan, nan, nan}},
		{"np.var(z, 0)", Var(z, 0, 0), []int{3}, []float64{nan, nan, nan}},
		{"np.prod(z, 0)", Prod(z, 0), []int{3}, []float64{1, 1, 1}},
		{"np.cumsum(z, 0)", CumSum(z, 0), []int{0, 3}, []float64{}},
		{"z.T", Transpose(z), []int{3, 0}, []float64{}},
		{"zeros((2,0)) @ zeros((0,3))", MatMul(Zeros(2, 0), Zeros(0, 3)), []int{2, 3}, []float64{0, 0, 0, 0, 0, 0}},
		{"np.concatenate([z, ones((1,3))])", Concatenate([]*Tensor{z, Ones(1, 3)}, 0), []int{1, 3}, []float64{1, 1, 1}},
		{"np.take(ones((2,3)), [], 1)", Take(Ones(2, 3), nil, 1), []int{2, 0}, []float64{}},
		{"np.stack([zeros(0)]*2)", Stack([]*Tensor{Zeros(0), Zeros(0)}, 0), []int{2, 0}, []float64{}},
		{"np.tile(z, (2,2))", Tile(z, 2, 2), []int{0, 6}, []float64{}},
		{"np.repeat(z, 3, 0)", Repeat(z, 3, 0), []int{0, 3}, []float64{}},
		{"np.diag(zeros(0))", Diag(Zeros(0)), []int{0, 0}, []float64{}},
		{"np.trace(zeros((0,0)))", Trace(Zeros(0, 0)), []int{}, []float64{0}},
		{"z[::-1]", Slice(z, Step(-1)), []int{0, 3}, []float64{}},
	}
	for _, c := range cases {
		if !sameShape(c.got.shape, c.shape) {
			t.Errorf("%s: shape %s, want %s", c.name, fmtShape(c.got.shape), fmtShape(c.shape))
			continue
		}
		if !opsCloseSlices(c.got.Data(), c.want, 0) {
			t.Errorf("%s: got %v, want %v", c.name, c.got.Data(), c.want)
		}
	}
	// Gradients through empty tensors are empty or zero.
	g := Grad(func(x *Tensor) *Tensor { return Sum(MatMul(x, Zeros(0, 3))) })(Zeros(2, 0))
	if !sameShape(g.shape, []int{2, 0}) {
		t.Errorf("gradient through an empty product: shape %s, want (2,0)", fmtShape(g.shape))
	}
}

func TestSplitParts(t *testing.T) {
	t.Parallel()
	parts := SplitAt(Arange(0, 6, 1), []int{2, -1, 1}, 0) // np.split(arange(6), [2, -1, 1])
	want := [][]float64{{0, 1}, {2, 3, 4}, {}, {1, 2, 3, 4, 5}}
	if len(parts) != len(want) {
		t.Fatalf("got %d parts, want %d", len(parts), len(want))
	}
	for i, p := range parts {
		if !slices.Equal(p.Data(), want[i]) {
			t.Errorf("part %d: got %v, want %v", i, p.Data(), want[i])
		}
	}
}

func TestRangeResolveMatchesPython(t *testing.T) {
	t.Parallel()
	// Python: [slice(*args).indices(n) for …] for n = 5.
	cases := []struct {
		r    Range
		want sliceRange
	}{
		{All, sliceRange{0, 1, 5}},
		{S(1, 4), sliceRange{1, 1, 3}},
		{S(-2, 10), sliceRange{3, 1, 2}},
		{S(4, 0, -2), sliceRange{4, -2, 2}},
		{Step(-1), sliceRange{4, -1, 5}},
		{From(-10), sliceRange{0, 1, 5}},
		{To(-10), sliceRange{0, 1, 0}},
		{From(10).By(-1), sliceRange{4, -1, 5}},
		{To(-10).By(-1), sliceRange{4, -1, 5}},
		{S(3, 3), sliceRange{3, 1, 0}},
	}
	for _, c := range cases {
		got := c.r.resolve("test", 5)
		if got.n != c.want.n || got.step != c.want.step || (got.n > 0 && got.start != c.want.start) {
			t.Errorf("%v on length 5: got %+v, want %+v", c.r, got, c.want)
		}
	}
}

func TestOpsErrors(t *testing.T) {
	t.Parallel()
	x := opsX()
	cases := []struct {
		name string
		f    func()
		kind error
		msg  string
	}{
		{"Sum bad axis", func() { Sum(x, 2) }, ErrAxis, "ad.Sum: axis 2 is out of range for 2 dimensions"},
		{"Sum repeated axis", func() { Sum(x, 0, -2) }, ErrAxis, "ad.Sum: axis -2 is repeated"},
		{"Max empty", func() { Max(Zeros(0, 3), 0) }, ErrShape, "ad.Max: cannot reduce axis 0 of length 0"},
		{"ArgMax two axes", func() { ArgMax(x, 0, 1) }, ErrArgument, "ad.ArgMax: at most one axis"},
		{"ArgMin empty", func() { ArgMin(Zeros(0)) }, ErrShape, "ad.ArgMin: attempt to get ArgMin of an empty sequence"},
		{"Reshape size", func() { Reshape(x, 4, -1) }, ErrShape, "ad.Reshape: cannot reshape array of size 6 into shape (4,-1)"},
		{"Reshape two -1", func() { Reshape(x, -1, -1) }, ErrShape, "ad.Reshape"},
		{"Transpose perm", func() { Transpose(x, 0, 0) }, ErrAxis, "ad.Transpose: axis 0 is repeated"},
		{"Transpose length", func() { Transpose(x, 0) }, ErrAxis, "does not match 2 dimensions"},
		{"Squeeze non-1", func() { Squeeze(x, 0) }, ErrShape, "ad.Squeeze: cannot squeeze axis 0 of length 2 in shape (2,3)"},
		{"BroadcastTo", func() { BroadcastTo(x, 3, 3) }, ErrShape, "ad.BroadcastTo: cannot broadcast shape (2,3) to (3,3)"},
		{"Concatenate shapes", func() { Concatenate([]*Tensor{x, Zeros(3, 2)}, 0) }, ErrShape, "ad.Concatenate: shapes (2,3) and (3,2) do not match outside axis 0"},
		{"Concatenate empty", func() { Concatenate(nil, 0) }, ErrArgument, "ad.Concatenate: need at least one tensor"},
		{"Concatenate nil", func() { Concatenate([]*Tensor{x, nil}, 0) }, ErrNil, "ad.Concatenate"},
		{"Stack shapes", func() { Stack([]*Tensor{x, Zeros(3)}, 0) }, ErrShape, "ad.Stack: all tensors must have the same shape"},
		{"Split uneven", func() { Split(x, 2, 1) }, ErrArgument, "ad.Split: axis 1 of length 3 does not divide into 2 equal sections"},
		{"Tile negative", func() { Tile(x, -1) }, ErrArgument, "ad.Tile"},
		{"Repeat negative", func() { Repeat(x, -1, 0) }, ErrArgument, "ad.Repeat"},
		{"Diag 3-d", func() { Diag(Zeros(2, 2, 2)) }, ErrShape, "ad.Diag: want a vector or a matrix, got shape (2,2,2)"},
		{"Trace vector", func() { Trace(Zeros(3)) }, ErrShape, "ad.Trace"},
		{"Slice too many", func() { Slice(x, All, All, All) }, ErrIndex, "ad.Slice: 3 ranges for a tensor of shape (2,3)"},
		{"Slice zero step", func() { Slice(x, Step(0)) }, ErrArgument, "ad.Slice: slice step cannot be zero"},
		{"Index range", func() { Index(x, 0, 3) }, ErrIndex, "ad.Index: index 3 is out of range for axis 1 of length 3"},
		{"Take range", func() { Take(x, []int{-4}, 1) }, ErrIndex, "ad.Take: index -4 is out of range for axis 1 of length 3"},
		{"MatMul align", func() { MatMul(Zeros(3, 4), Zeros(5, 2)) }, ErrShape, "ad.MatMul: shapes (3,4) and (5,2) do not align"},
		{"MatMul batch", func() { MatMul(Zeros(2, 3, 4), Zeros(3, 4, 5)) }, ErrShape, "ad.MatMul: batch dimensions of shapes (2,3,4) and (3,4,5) do not broadcast"},
		{"MatMul scalar", func() { MatMul(Scalar(1), x) }, ErrShape, "ad.MatMul: shapes () and (2,3)"},
		{"MatMul nil", func() { MatMul(nil, x) }, ErrNil, "ad.MatMul"},
		{"Dot align", func() { Dot(Zeros(2, 3, 4), Zeros(2, 5, 1)) }, ErrShape, "ad.Dot: shapes (2,3,4) and (2,5,1) do not align"},
		{"RNG shape", func() { NewRNG(1).Normal(2, -1) }, ErrShape, "ad.RNG.Normal"},
		{"RNG bounds", func() { NewRNG(1).Uniform(0, math.Inf(1), 2) }, ErrArgument, "ad.RNG.Uniform"},
		{"RNG Intn", func() { NewRNG(1).Intn(0) }, ErrArgument, "ad.RNG.Intn"},
	}
	for _, c := range cases {
		err := Catch(c.f)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !errors.Is(err, c.kind) {
			t.Errorf("%s: error %q does not wrap %v", c.name, err, c.kind)
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: error %q does not contain %q", c.name, err, c.msg)
		}
	}
}

func TestOpsRefuseHugeResults(t *testing.T) {
	t.Parallel()
	if AvailableMemory() < 0 {
		t.Skip("available memory unknown on this system: the guard cannot refuse")
	}
	for name, f := range map[string]func(){
		"MatMul":      func() { MatMul(Zeros(1<<20, 1), Zeros(1, 1<<20)) },
		"BroadcastTo": func() { BroadcastTo(Zeros(1), 1<<20, 1<<20) },
		"Tile":        func() { Tile(Zeros(2), math.MaxInt/2) },
		"Repeat":      func() { Repeat(Zeros(2), math.MaxInt/2, 0) },
		"Take":        func() { Take(Zeros(2, 1<<20), make([]int, 1<<20), 0) },
		"RNG.Normal":  func() { NewRNG(1).Normal(math.MaxInt / 2) },
		"RNG.Perm":    func() { NewRNG(1).Perm(math.MaxInt / 2) },
	} {
		if err := Catch(f); !errors.Is(err, ErrMemory) {
			t.Errorf("%s: error %v, want ErrMemory", name, err)
		}
	}
}

func TestRNGReproducible(t *testing.T) {
	t.Parallel()
	a, b := NewRNG(7), NewRNG(7)
	x, y := a.Normal(3, 4), b.Normal(3, 4)
	if !slices.Equal(x.Data(), y.Data()) {
		t.Errorf("same seed, different normals: %v and %v", x.Data(), y.Data())
	}
	if p, q := a.Perm(10), b.Perm(10); !slices.Equal(p, q) {
		t.Errorf("same seed, different permutations: %v and %v", p, q)
	}
	if z := NewRNG(8).Normal(3, 4); slices.Equal(x.Data(), z.Data()) {
		t.Errorf("seeds 7 and 8 gave the same normals")
	}
	u := NewRNG(1).Uniform(-2, 3, 10000)
	lo, hi := Min(u).Item(), Max(u).Item()
	if lo < -2 || hi >= 3 || lo > -1.99 || hi < 2.99 {
		t.Errorf("Uniform(-2, 3): range [%g, %g], want within [-2, 3) and close to both ends", lo, hi)
	}
	n := NewRNG(2).Normal(100000)
	if m, s := Mean(n).Item(), Std(n, 0).Item(); math.Abs(m) > 0.02 || math.Abs(s-1) > 0.02 {
		t.Errorf("Normal: mean %g, std %g, want about 0 and 1", m, s)
	}
	if got := NewRNG(3).Normal().Shape(); len(got) != 0 {
		t.Errorf("Normal() shape %v, want a scalar", got)
	}
	perm := NewRNG(4).Perm(50)
	sorted := slices.Clone(perm)
	slices.Sort(sorted)
	for i, v := range sorted {
		if v != i {
			t.Fatalf("Perm(50) = %v is not a permutation", perm)
		}
	}
	for range 100 {
		if k := NewRNG(5).Intn(3); k < 0 || k >= 3 {
			t.Fatalf("Intn(3) = %d", k)
		}
	}
}

func TestSliceAndReshapeShareNothingVisible(t *testing.T) {
	t.Parallel()
	// Immutability: results never alias an input a caller can change.
	data := []float64{1, 2, 3, 4}
	x := New(data, 2, 2)
	r := Reshape(x, 4)
	data[0] = 99
	if r.At(0) != 1 {
		t.Errorf("Reshape result changed when the caller's slice changed")
	}
	d := r.Data()
	d[1] = 99
	if x.At(0, 1) != 2 {
		t.Errorf("Data() of a reshaped tensor aliases the original")
	}
}

func TestMatMulDoesNotModifyInputs(t *testing.T) {
	t.Parallel()
	a := NewRNG(1).Normal(3, 4)
	b := NewRNG(2).Normal(4, 5)
	ac, bc := a.Data(), b.Data()
	_ = Grad(func(x *Tensor) *Tensor { return Sum(MatMul(x, b)) })(a)
	if !slices.Equal(a.Data(), ac) || !slices.Equal(b.Data(), bc) {
		t.Errorf("MatMul or its gradient modified an input")
	}
}

func TestOpsInterrupt(t *testing.T) {
	x := NewRNG(1).Normal(512, 512)
	v := Reshape(x, -1)
	Interrupt()
	defer ResetInterrupt()
	for name, f := range map[string]func(){
		"Sum":       func() { Sum(x, 0) },
		"Transpose": func() { Transpose(x) },
		"MatMul":    func() { MatMul(x, x) },
		"CumSum":    func() { CumSum(x, 0) },
		"ArgMax":    func() { ArgMax(x) },
		"Take": func() {
			Take(x, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33}, 0)
		},
		"Concatenate": func() { Concatenate([]*Tensor{x, x}, 0) },
		"Slice":       func() { Slice(x, Step(-1)) },
		"Slice/1-d":   func() { Slice(v, Step(-1)) },
		"Slice/adjoint/1-d": func() {
			// One row of 2¹⁸ elements: checked between chunks of the row.
			primSliceAdd.Apply(sliceParams{ranges: []sliceRange{{start: v.Size() - 1, step: -1, n: v.Size()}}, shape: v.shape}, v)
		},
		"Max":  func() { Max(x) },
		"Prod": func() { Prod(x, 1) },
	} {
		err := Catch(f)
		if !errors.Is(err, ErrInterrupted) {
			t.Errorf("%s after Interrupt: error %v, want ErrInterrupted", name, err)
		}
	}
}

func ExampleSum() {
	x := New([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	fmt.Println(Sum(x))
	fmt.Println(Sum(x, 0))
	fmt.Println(SumKeepDims(x, 1))
	// Output:
	// 21.0
	// [5. 7. 9.]
	// [[ 6.]
	//  [15.]]
}

func ExampleMatMul() {
	a := New([]float64{1, 2, 3, 4}, 2, 2)
	b := New([]float64{5, 6, 7, 8}, 2, 2)
	fmt.Println(MatMul(a, b))
	fmt.Println(MatMul(a, New([]float64{1, 1}))) // matrix @ vector
	// Output:
	// [[19. 22.]
	//  [43. 50.]]
	// [3. 7.]
}

func ExampleMatMul_gradient() {
	// The gradient of sum(A·B) with respect to A is ones·Bᵀ.
	b := New([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	f := func(a *Tensor) *Tensor { return Sum(MatMul(a, b)) }
	fmt.Println(Grad(f)(Zeros(2, 2)))
	// Output:
	// [[ 6. 15.]
	//  [ 6. 15.]]
}

func ExampleSlice() {
	x := Reshape(Arange(0, 12, 1), 3, 4)
	fmt.Println(Slice(x, S(0, 3, 2), From(-2))) // x[0:3:2, -2:]
	fmt.Println(Slice(x, Step(-1), To(1)))      // x[::-1, :1]
	// Output:
	// [[ 2.  3.]
	//  [10. 11.]]
	// [[8.]
	//  [4.]
	//  [0.]]
}

func ExampleTake() {
	// Repeated indices accumulate gradient.
	x := New([]float64{10, 20, 30})
	f := func(x *Tensor) *Tensor { return Sum(Take(x, []int{0, 2, 2}, 0)) }
	fmt.Println(Take(x, []int{0, 2, 2}, 0))
	fmt.Println(Grad(f)(x))
	// Output:
	// [10. 30. 30.]
	// [1. 0. 2.]
}

func ExampleMax() {
	// Ties share the gradient equally.
	x := New([]float64{1, 3, 3})
	fmt.Println(Max(x), Grad(func(x *Tensor) *Tensor { return Max(x) })(x))
	// Output:
	// 3.0 [0.  0.5 0.5]
}

func ExampleLogSumExp() {
	x := New([]float64{1000, 1000})
	fmt.Println(LogSumExp(x))
	fmt.Println(Grad(func(x *Tensor) *Tensor { return LogSumExp(x) })(x)) // softmax
	// Output:
	// 1000.6931471805599
	// [0.5 0.5]
}

func ExampleNewRNG() {
	rng := NewRNG(42)
	x := rng.Normal(2, 3)
	y := NewRNG(42).Normal(2, 3)
	fmt.Println(x.Shape(), Sum(Sub(x, y)))
	// Output:
	// [2 3] 0.0
}

func ExampleConcatenate() {
	a := New([]float64{1, 2, 3, 4}, 2, 2)
	b := New([]float64{5, 6}, 1, 2)
	fmt.Println(Concatenate([]*Tensor{a, b}, 0))
	fmt.Println(Stack([]*Tensor{a, a}, 0).Shape())
	// Output:
	// [[1. 2.]
	//  [3. 4.]
	//  [5. 6.]]
	// [2 2 2]
}

func ExampleTranspose() {
	x := Reshape(Arange(0, 6, 1), 2, 3)
	fmt.Println(Transpose(x))
	fmt.Println(Transpose(Zeros(2, 3, 4), 2, 0, 1).Shape())
	// Output:
	// [[0. 3.]
	//  [1. 4.]
	//  [2. 5.]]
	// [4 2 3]
}

// TestRangeMatchesPythonSlicing compares Range with Python's slicing on
// every combination recorded by testdata/gen_slice_golden.py.
func TestRangeMatchesPythonSlicing(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/slice_golden.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) < 3000 {
		t.Fatalf("golden file has %d lines, want at least 3000", len(lines))
	}
	for _, line := range lines {
		spec, want, _ := strings.Cut(line, ": ")
		var n, step int
		var start, stop string
		if _, err := fmt.Sscan(spec, &n, &start, &stop, &step); err != nil {
			t.Fatalf("bad line %q: %v", line, err)
		}
		r := Range{Step: step}
		if start != "_" {
			r.Start, r.HasStart = atoiOrFail(t, start), true
		}
		if stop != "_" {
			r.Stop, r.HasStop = atoiOrFail(t, stop), true
		}
		sr := r.resolve("test", n)
		got := make([]string, sr.n)
		for i := range got {
			got[i] = strconv.Itoa(sr.start + i*sr.step)
		}
		if g := strings.Join(got, ","); g != want {
			t.Errorf("list(range(%d))[%v] = [%s], want [%s]", n, r, g, want)
		}
	}
}

func atoiOrFail(t *testing.T, s string) int {
	t.Helper()
	v, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("bad integer %q", s)
	}
	return v
}

func ExampleVar() {
	x := New([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	fmt.Println(Var(x, 0))    // population variance of all elements
	fmt.Println(Var(x, 1, 0)) // sample variance down each column
	fmt.Println(Std(x, 0, 1)) // standard deviation along each row
	// Output:
	// 2.9166666666666665
	// [4.5 4.5 4.5]
	// [0.81649658 0.81649658]
}

func ExampleReshape() {
	x := Arange(0, 6, 1)
	fmt.Println(Reshape(x, 2, -1))
	fmt.Println(Reshape(x, -1, 1, 2).Shape())
	// Output:
	// [[0. 1. 2.]
	//  [3. 4. 5.]]
	// [3 1 2]
}

func ExampleIndex() {
	x := Reshape(Arange(0, 6, 1), 2, 3)
	fmt.Println(Index(x, 1))     // x[1]
	fmt.Println(Index(x, -1, 0)) // x[-1, 0]
	// Output:
	// [3. 4. 5.]
	// 3.0
}

func ExampleCumSum() {
	x := New([]float64{1, 2, 3, 4})
	fmt.Println(CumSum(x, 0))
	// The gradient of sum(cumsum(x)) counts how many partial sums use each x[i].
	fmt.Println(Grad(func(x *Tensor) *Tensor { return Sum(CumSum(x, 0)) })(x))
	// Output:
	// [ 1.  3.  6. 10.]
	// [4. 3. 2. 1.]
}

func ExampleArgMax() {
	x := New([]float64{3, 9, 2, 7, 1, 8}, 2, 3)
	fmt.Println(ArgMax(x), ArgMax(x, 1), ArgMin(x, 0))
	// Output:
	// 1.0 [1. 2.] [0. 1. 0.]
}

func ExampleSplit() {
	x := Arange(0, 6, 1)
	for _, p := range Split(x, 3, 0) {
		fmt.Println(p)
	}
	fmt.Println(SplitAt(x, []int{1, 4}, 0)[1])
	// Output:
	// [0. 1.]
	// [2. 3.]
	// [4. 5.]
	// [1. 2. 3.]
}

func ExampleOuter() {
	fmt.Println(Outer(New([]float64{1, 2}), New([]float64{3, 4, 5})))
	fmt.Println(Dot(New([]float64{1, 2, 3}), New([]float64{4, 5, 6})))
	// Output:
	// [[ 3.  4.  5.]
	//  [ 6.  8. 10.]]
	// 32.0
}
