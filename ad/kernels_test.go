package ad

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Tests of the raw kernels against small hand-computed (numpy) results and
// against naive reference loops over multi-indices on random data.

func opsSeq(n int) []float64 {
	d := make([]float64, n)
	for i := range d {
		d[i] = float64(i)
	}
	return d
}

func opsRandData(r *rand.Rand, n int) []float64 {
	d := make([]float64, n)
	for i := range d {
		d[i] = math.Round(r.NormFloat64()*100) / 10
	}
	return d
}

// unravel returns the multi-index of flat index i in a row-major shape.
func opsUnravel(i int, shape []int) []int {
	idx := make([]int, len(shape))
	for k := len(shape) - 1; k >= 0; k-- {
		idx[k] = i % shape[k]
		i /= shape[k]
	}
	return idx
}

// ravel returns the flat index of a multi-index in a row-major shape.
func opsRavel(idx, shape []int) int {
	off := 0
	for k, i := range idx {
		off = off*shape[k] + i
	}
	return off
}

func opsCloseSlices(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.IsNaN(a[i]) && math.IsNaN(b[i]) {
			continue
		}
		if math.Abs(a[i]-b[i]) > tol*(1+math.Abs(b[i])) {
			return false
		}
	}
	return true
}

func TestStridedCopyKnown(t *testing.T) {
	t.Parallel()
	x := opsSeq(6) // [[0 1 2] [3 4 5]]
	cases := []struct {
		name string
		v    stridedView
		want []float64
	}{
		// np.arange(6).reshape(2,3).T
		{"transpose", transposeView([]int{2, 3}, []int{1, 0}), []float64{0, 3, 1, 4, 2, 5}},
		// x[:, ::-1]
		{"reverse", sliceView([]int{2, 3}, []sliceRange{{0, 1, 2}, {2, -1, 3}}), []float64{2, 1, 0, 5, 4, 3}},
		// x[1:, 0:3:2]
		{"step", sliceView([]int{2, 3}, []sliceRange{{1, 1, 1}, {0, 2, 2}}), []float64{3, 5}},
		// np.broadcast_to(x[0], (2,3)) — x[0] is [0 1 2]
		{"broadcast_rows", broadcastView([]int{3}, []int{2, 3}), []float64{0, 1, 2, 0, 1, 2}},
		// np.broadcast_to([[0],[1]], (2,3))
		{"broadcast_cols", broadcastView([]int{2, 1}, []int{2, 3}), []float64{0, 0, 0, 1, 1, 1}},
		{"empty", sliceView([]int{2, 3}, []sliceRange{{0, 1, 0}, {0, 1, 3}}), []float64{}},
	}
	for _, c := range cases {
		if got := stridedCopy("test", x, c.v); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestTransposeRandom(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	shapes := [][]int{{5}, {3, 4}, {2, 3, 4}, {2, 1, 3, 2}, {4, 1, 1}}
	for _, shape := range shapes {
		data := opsRandData(r, sizeOf(shape))
		for trial := 0; trial < 4; trial++ {
			perm := r.Perm(len(shape))
			v := transposeView(shape, perm)
			got := stridedCopy("test", data, v)
			for i := range got {
				oi := opsUnravel(i, v.shape)
				ii := make([]int, len(shape))
				for k, p := range perm {
					ii[p] = oi[k]
				}
				if want := data[opsRavel(ii, shape)]; got[i] != want {
					t.Fatalf("transpose %v perm %v: element %v = %v, want %v", shape, perm, oi, got[i], want)
				}
			}
		}
	}
}

func TestStridedAddIntoAccumulates(t *testing.T) {
	t.Parallel()
	// The adjoint of broadcasting (3,) to (2,3) sums over the rows.
	dst := make([]float64, 3)
	stridedAddInto("test", dst, broadcastView([]int{3}, []int{2, 3}), []float64{1, 2, 3, 10, 20, 30})
	if want := []float64{11, 22, 33}; !slices.Equal(dst, want) {
		t.Errorf("broadcast adjoint: got %v, want %v", dst, want)
	}
	// The adjoint of broadcasting (2,1) to (2,3) sums over the columns.
	dst = make([]float64, 2)
	stridedAddInto("test", dst, broadcastView([]int{2, 1}, []int{2, 3}), []float64{1, 2, 3, 10, 20, 30})
	if want := []float64{6, 60}; !slices.Equal(dst, want) {
		t.Errorf("column broadcast adjoint: got %v, want %v", dst, want)
	}
	// The adjoint of x[::-2] on 5 elements scatters into positions 4, 2, 0.
	dst = make([]float64, 5)
	stridedAddInto("test", dst, sliceView([]int{5}, []sliceRange{{4, -2, 3}}), []float64{1, 2, 3})
	if want := []float64{3, 0, 2, 0, 1}; !slices.Equal(dst, want) {
		t.Errorf("slice adjoint: got %v, want %v", dst, want)
	}
}

func TestTakeKernels(t *testing.T) {
	t.Parallel()
	x := opsSeq(6) // [[0 1 2] [3 4 5]]
	// np.take(x, [2, 0, 2], axis=1)
	if got, want := takeKernel("test", []int{2, 3}, x, []int{2, 0, 2}, 1), []float64{2, 0, 2, 5, 3, 5}; !slices.Equal(got, want) {
		t.Errorf("take axis 1: got %v, want %v", got, want)
	}
	// np.take(x, [1, 1], axis=0)
	if got, want := takeKernel("test", []int{2, 3}, x, []int{1, 1}, 0), []float64{3, 4, 5, 3, 4, 5}; !slices.Equal(got, want) {
		t.Errorf("take axis 0: got %v, want %v", got, want)
	}
	// np.add.at(zeros((2,3)), (slice(None), [2,0,2]), g)
	g := []float64{1, 2, 3, 4, 5, 6}
	if got, want := takeAddKernel("test", []int{2, 3}, g, []int{2, 0, 2}, 1), []float64{2, 0, 4, 5, 0, 10}; !slices.Equal(got, want) {
		t.Errorf("take adjoint: got %v, want %v", got, want)
	}
}

func TestConcatKernel(t *testing.T) {
	t.Parallel()
	// np.concatenate([[[0,1],[2,3]], [[9],[8]]], axis=1)
	got := concatKernel("test", [][]float64{{0, 1, 2, 3}, {9, 8}}, []int{2, 1}, 2, 1)
	if want := []float64{0, 1, 9, 2, 3, 8}; !slices.Equal(got, want) {
		t.Errorf("concat axis 1: got %v, want %v", got, want)
	}
	got = concatKernel("test", [][]float64{{0, 1, 2, 3}, {9, 8}}, []int{2, 1}, 1, 2)
	if want := []float64{0, 1, 2, 3, 9, 8}; !slices.Equal(got, want) {
		t.Errorf("concat axis 0: got %v, want %v", got, want)
	}
}

func TestReduceKnown(t *testing.T) {
	t.Parallel()
	x := []float64{1, -2, 3, 4, 5, -6} // [[1 -2 3] [4 5 -6]]
	cases := []struct {
		kind    reduceKind
		reduced []bool
		want    []float64
	}{
		{reduceSum, []bool{true, true}, []float64{5}},
		{reduceSum, []bool{true, false}, []float64{5, 3, -3}},
		{reduceSum, []bool{false, true}, []float64{2, 3}},
		{reduceProd, []bool{false, true}, []float64{-6, -120}},
		{reduceMax, []bool{true, false}, []float64{4, 5, 3}},
		{reduceMin, []bool{false, true}, []float64{-2, -6}},
		{reduceMax, []bool{false, false}, x},
	}
	for _, c := range cases {
		if got := reduceKernel("test", c.kind, []int{2, 3}, x, c.reduced); !slices.Equal(got, c.want) {
			t.Errorf("reduce kind %d over %v: got %v, want %v", c.kind, c.reduced, got, c.want)
		}
	}
	nan := math.NaN()
	if got := reduceKernel("test", reduceMax, []int{3}, []float64{1, nan, 2}, []bool{true}); !math.IsNaN(got[0]) {
		t.Errorf("max with NaN: got %v, want NaN", got)
	}
	if got := reduceKernel("test", reduceMin, []int{2, 2}, []float64{nan, 1, 2, 3}, []bool{true, false}); !math.IsNaN(got[0]) || got[1] != 1 {
		t.Errorf("min with NaN over axis 0: got %v, want [NaN 1]", got)
	}
}

func TestReduceRandom(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	shapes := [][]int{{7}, {3, 5}, {2, 3, 4}, {2, 1, 3, 5}, {4, 3, 1}, {5000}}
	for _, shape := range shapes {
		data := opsRandData(r, sizeOf(shape))
		for mask := 0; mask < 1<<len(shape); mask++ {
			reduced := make([]bool, len(shape))
			for k := range reduced {
				reduced[k] = mask&(1<<k) != 0
			}
			outShape := keptShape(shape, reduced)
			for _, kind := range []reduceKind{reduceSum, reduceProd, reduceMax, reduceMin} {
				want := make([]float64, sizeOf(outShape))
				for i := range want {
					want[i] = kind.identity()
				}
				for i, v := range data {
					idx := opsUnravel(i, shape)
					for k := range idx {
						if reduced[k] {
							idx[k] = 0
						}
					}
					o := opsRavel(idx, outShape)
					want[o] = combine(kind, want[o], v)
				}
				got := reduceKernel("test", kind, shape, data, reduced)
				if !opsCloseSlices(got, want, 1e-12) {
					t.Errorf("reduce kind %d shape %v over %v: got %v, want %v", kind, shape, reduced, got, want)
				}
			}
		}
	}
}

func TestCumsumAndArg(t *testing.T) {
	t.Parallel()
	x := []float64{1, 5, 3, 4, 2, 6} // [[1 5 3] [4 2 6]]
	cases := []struct {
		axis    int
		reverse bool
		want    []float64
	}{
		{0, false, []float64{1, 5, 3, 5, 7, 9}},  // np.cumsum(x, 0)
		{1, false, []float64{1, 6, 9, 4, 6, 12}}, // np.cumsum(x, 1)
		{1, true, []float64{9, 8, 3, 12, 8, 6}},  // np.cumsum(x[:, ::-1], 1)[:, ::-1]
		{0, true, []float64{5, 7, 9, 4, 2, 6}},   // np.cumsum(x[::-1], 0)[::-1]
	}
	for _, c := range cases {
		if got := cumsumKernel("test", []int{2, 3}, x, c.axis, c.reverse); !slices.Equal(got, c.want) {
			t.Errorf("cumsum axis %d reverse %v: got %v, want %v", c.axis, c.reverse, got, c.want)
		}
	}
	argCases := []struct {
		axis    int
		wantMax bool
		want    []float64
	}{
		{0, true, []float64{1, 0, 1}},
		{1, true, []float64{1, 2}},
		{1, false, []float64{0, 1}},
		{0, false, []float64{0, 1, 0}},
	}
	for _, c := range argCases {
		if got := argKernel("test", []int{2, 3}, x, c.axis, c.wantMax); !slices.Equal(got, c.want) {
			t.Errorf("arg(max=%v) axis %d: got %v, want %v", c.wantMax, c.axis, got, c.want)
		}
	}
	// Ties pick the first; NaN wins (np.argmax([2, 7, 7, nan, 9]) == 3).
	if got := argKernel("test", []int{3}, []float64{7, 2, 7}, 0, true); got[0] != 0 {
		t.Errorf("argmax tie: got %v, want 0", got[0])
	}
	if got := argKernel("test", []int{5}, []float64{2, 7, 7, math.NaN(), 9}, 0, true); got[0] != 3 {
		t.Errorf("argmax NaN: got %v, want 3", got[0])
	}
}

// naiveBatchedMatMul multiplies with explicit loops and numpy broadcasting of the
// batch dimensions.
func naiveBatchedMatMul(aShape []int, a []float64, bShape []int, b []float64, outBatch []int) []float64 {
	na, nb := len(aShape), len(bShape)
	m, k, n := aShape[na-2], aShape[na-1], bShape[nb-1]
	pa, pb := padShape(aShape[:na-2], len(outBatch)), padShape(bShape[:nb-2], len(outBatch))
	out := make([]float64, sizeOf(outBatch)*m*n)
	for bi := 0; bi < sizeOf(outBatch); bi++ {
		idx := opsUnravel(bi, outBatch)
		ia, ib := make([]int, len(idx)), make([]int, len(idx))
		for d := range idx {
			if pa[d] != 1 {
				ia[d] = idx[d]
			}
			if pb[d] != 1 {
				ib[d] = idx[d]
			}
		}
		ao, bo := opsRavel(ia, pa)*m*k, opsRavel(ib, pb)*k*n
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				s := 0.0
				for l := 0; l < k; l++ {
					s += a[ao+i*k+l] * b[bo+l*n+j]
				}
				out[bi*m*n+i*n+j] = s
			}
		}
	}
	return out
}

func TestMatMulKernel(t *testing.T) {
	t.Parallel()
	// np.array([[1,2],[3,4]]) @ np.array([[5,6],[7,8]])
	got := matmulKernel("test", []int{2, 2}, []float64{1, 2, 3, 4}, []int{2, 2}, []float64{5, 6, 7, 8}, nil, false, false)
	if want := []float64{19, 22, 43, 50}; !slices.Equal(got, want) {
		t.Errorf("2x2 product: got %v, want %v", got, want)
	}
	r := rand.New(rand.NewPCG(5, 6))
	cases := []struct{ a, b, batch []int }{
		{[]int{3, 4}, []int{4, 5}, nil},
		{[]int{2, 3, 4}, []int{4, 5}, []int{2}},
		{[]int{3, 4}, []int{2, 4, 5}, []int{2}},
		{[]int{2, 1, 3, 4}, []int{3, 4, 2}, []int{2, 3}},
		{[]int{1, 3, 4}, []int{2, 4, 1}, []int{2}},
		{[]int{2, 0, 4}, []int{4, 3}, []int{2}},
		{[]int{3, 0}, []int{0, 2}, nil},
		{[]int{30, 70}, []int{70, 90}, nil},
		{[]int{2, 30, 70}, []int{70, 90}, []int{2}},          // batch folded into rows
		{[]int{3, 30, 40}, []int{3, 40, 20}, []int{3}},       // batch spread over goroutines
		{[]int{2, 1, 30, 40}, []int{3, 40, 20}, []int{2, 3}}, // the same, broadcast
	}
	for _, c := range cases {
		a, b := opsRandData(r, sizeOf(c.a)), opsRandData(r, sizeOf(c.b))
		got := matmulKernel("test", c.a, a, c.b, b, c.batch, false, false)
		want := naiveBatchedMatMul(c.a, a, c.b, b, c.batch)
		if !opsCloseSlices(got, want, 1e-12) {
			t.Errorf("matmul %v @ %v: results differ from the naive product", c.a, c.b)
		}
		// The same product from stored transposes and GEMM flags.
		at, atShape := opsSwapLast(c.a, a)
		bt, btShape := opsSwapLast(c.b, b)
		for _, f := range []struct{ ta, tb bool }{{true, false}, {false, true}, {true, true}} {
			x, xs, y, ys := a, c.a, b, c.b
			if f.ta {
				x, xs = at, atShape
			}
			if f.tb {
				y, ys = bt, btShape
			}
			got := matmulKernel("test", xs, x, ys, y, c.batch, f.ta, f.tb)
			if !opsCloseSlices(got, want, 1e-12) {
				t.Errorf("matmul %v @ %v with flags %+v: results differ from the naive product", c.a, c.b, f)
			}
		}
	}
}

func TestGemmBlocks(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	for _, dims := range [][3]int{{13, 5, 7}, {13, 5, 1}, {1, 5, 7}, {1, 5, 1}, {13, 1, 7}, {300, 9, 1}, {1, 70, 40}, {1, 2000, 1}, {300, 300, 1}, {1, 300, 301}} {
		m, k, n := dims[0], dims[1], dims[2]
		a, b := opsRandData(r, m*k), opsRandData(r, k*n)
		want := naiveBatchedMatMul([]int{m, k}, a, []int{k, n}, b, nil)
		at, _ := opsSwapLast([]int{m, k}, a)
		bt, _ := opsSwapLast([]int{k, n}, b)
		for _, rows := range []int{1, 4, 13, 64, 1000} {
			for _, f := range []struct{ ta, tb bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
				x, y := a, b
				if f.ta {
					x = at
				}
				if f.tb {
					y = bt
				}
				got := make([]float64, m*n)
				gemmBlocks("test", m, k, n, x, y, got, f.ta, f.tb, rows)
				if !opsCloseSlices(got, want, 1e-12) {
					t.Errorf("%dx%dx%d, %d rows per block, flags %+v: results differ from the naive product", m, k, n, rows, f)
				}
			}
		}
	}
}

// opsSwapLast returns data (of shape) with its last two axes transposed.
func opsSwapLast(shape []int, data []float64) ([]float64, []int) {
	perm := make([]int, len(shape))
	for i := range perm {
		perm[i] = i
	}
	perm[len(perm)-1], perm[len(perm)-2] = len(perm)-2, len(perm)-1
	v := transposeView(shape, perm)
	return stridedCopy("test", data, v), v.shape
}

func TestKernelsInterrupt(t *testing.T) {
	Interrupt()
	defer ResetInterrupt()
	for name, f := range map[string]func(){
		"stridedCopy": func() { stridedCopy("T", make([]float64, 1<<16), transposeView([]int{256, 256}, []int{1, 0})) },
		"reduce":      func() { reduceKernel("T", reduceSum, []int{1 << 16}, make([]float64, 1<<16), []bool{true}) },
		"matmul": func() {
			matmulKernel("T", []int{4, 4}, make([]float64, 16), []int{4, 4}, make([]float64, 16), nil, false, false)
		},
	} {
		err := Catch(f)
		if err == nil {
			t.Errorf("%s: no error after Interrupt", name)
			continue
		}
		if got := fmt.Sprint(err); got != "ad.T: interrupted" {
			t.Errorf("%s: error %q, want %q", name, got, "ad.T: interrupted")
		}
	}
}

func benchmarkMatMulKernel(b *testing.B, n int) {
	r := rand.New(rand.NewPCG(1, 1))
	x, y := opsRandData(r, n*n), opsRandData(r, n*n)
	shape := []int{n, n}
	b.SetBytes(int64(2 * n * n * n)) // flops, reported as MB/s = MFLOP/s
	for b.Loop() {
		matmulKernel("bench", shape, x, shape, y, nil, false, false)
	}
}

func BenchmarkMatMulKernel256(b *testing.B) { benchmarkMatMulKernel(b, 256) }
