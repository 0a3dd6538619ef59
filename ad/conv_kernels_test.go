package ad

import (
	"math"
	"testing"
)

func dotSlices(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// naiveConv2d computes a strided, zero-padded 2-D convolution (cross-correlation,
// as in deep-learning libraries) with direct loops.
func naiveConv2d(g conv2dGeom, x, w []float64) []float64 {
	out := make([]float64, sizeOf(g.outShape()))
	for n := 0; n < g.n; n++ {
		for f := 0; f < g.f; f++ {
			for oy := 0; oy < g.oh; oy++ {
				for ox := 0; ox < g.ow; ox++ {
					var s float64
					for c := 0; c < g.c; c++ {
						for i := 0; i < g.kh; i++ {
							for j := 0; j < g.kw; j++ {
								y, xx := oy*g.sh-g.ph+i, ox*g.sw-g.pw+j
								if y >= 0 && y < g.h && xx >= 0 && xx < g.w {
									s += x[((n*g.c+c)*g.h+y)*g.w+xx] * w[((f*g.c+c)*g.kh+i)*g.kw+j]
								}
							}
						}
					}
					out[((n*g.f+f)*g.oh+oy)*g.ow+ox] = s
				}
			}
		}
	}
	return out
}

func TestKernelConv2d(t *testing.T) {
	t.Parallel()
	tests := []struct {
		x, w        []int
		stride, pad [2]int
	}{
		{[]int{1, 1, 4, 4}, []int{1, 1, 3, 3}, [2]int{1, 1}, [2]int{0, 0}},
		{[]int{3, 2, 5, 6}, []int{4, 2, 3, 2}, [2]int{1, 1}, [2]int{1, 1}},
		{[]int{2, 3, 7, 7}, []int{2, 3, 3, 3}, [2]int{2, 3}, [2]int{1, 2}},
		{[]int{1, 1, 2, 2}, []int{1, 1, 2, 2}, [2]int{1, 1}, [2]int{0, 0}},
	}
	for _, tc := range tests {
		g, err := newConv2dGeom(tc.x, tc.w, tc.stride, tc.pad)
		if err != nil {
			t.Fatal(err)
		}
		x := kernelRand(1, sizeOf(tc.x))
		w := kernelRand(2, sizeOf(tc.w))
		y := g.forward(x, w)
		closeSlices(t, "conv2d forward", y, naiveConv2d(g, x, w), 1e-12)
		gy := kernelRand(3, len(y))
		// Adjoint identities: <conv(x,w), gy> = <x, backInput(gy,w)> = <w, backWeight(x,gy)>.
		lhs := dotSlices(y, gy)
		if r := dotSlices(x, g.backInput(gy, w)); math.Abs(lhs-r) > 1e-10*(1+math.Abs(lhs)) {
			t.Errorf("%v: <conv, g> = %v, <x, backInput> = %v", tc, lhs, r)
		}
		if r := dotSlices(w, g.backWeight(x, gy)); math.Abs(lhs-r) > 1e-10*(1+math.Abs(lhs)) {
			t.Errorf("%v: <conv, g> = %v, <w, backWeight> = %v", tc, lhs, r)
		}
	}
	for _, bad := range []struct{ x, w []int }{{[]int{1, 2, 4, 4}, []int{1, 3, 3, 3}}, {[]int{1, 1, 2, 2}, []int{1, 1, 3, 3}}, {[]int{1, 4, 4}, []int{1, 1, 3, 3}}} {
		if _, err := newConv2dGeom(bad.x, bad.w, [2]int{1, 1}, [2]int{0, 0}); err == nil {
			t.Errorf("newConv2dGeom(%v, %v): got no error", bad.x, bad.w)
		}
	}
}

func TestKernelConvolveND(t *testing.T) {
	t.Parallel()
	a, v := []float64{1, 2, 3}, []float64{0, 1, 0.5}
	// numpy.convolve([1,2,3], [0,1,0.5], mode) for the three modes.
	for _, tc := range []struct {
		mode convMode
		want []float64
	}{{convFull, []float64{0, 1, 2.5, 4, 1.5}}, {convSame, []float64{1, 2.5, 4}}, {convValid, []float64{2.5}}} {
		p, err := newConvNDPlan([]int{3}, []int{3}, tc.mode)
		if err != nil {
			t.Fatal(err)
		}
		closeSlices(t, "convolve", p.convolve(a, v), tc.want, 1e-15)
	}
	// Full 2-D convolution of [[1,2],[3,4]] with [[1,1],[1,-1]], worked by hand.
	p, _ := newConvNDPlan([]int{2, 2}, []int{2, 2}, convFull)
	closeSlices(t, "convolve2d", p.convolve([]float64{1, 2, 3, 4}, []float64{1, 1, 1, -1}), []float64{1, 3, 2, 4, 8, 2, 3, 1, -4}, 1e-15)
	for _, tc := range []struct {
		a, v []int
		mode convMode
	}{{[]int{5, 4}, []int{2, 3}, convFull}, {[]int{5, 4}, []int{2, 3}, convSame}, {[]int{5, 4}, []int{2, 3}, convValid}, {[]int{2, 3}, []int{5, 4}, convValid}, {[]int{3, 2, 4}, []int{2, 2, 2}, convSame}} {
		p, err := newConvNDPlan(tc.a, tc.v, tc.mode)
		if err != nil {
			t.Fatal(err)
		}
		a, v := kernelRand(4, sizeOf(tc.a)), kernelRand(5, sizeOf(tc.v))
		y := p.convolve(a, v)
		g := kernelRand(6, len(y))
		lhs := dotSlices(y, g)
		if r := dotSlices(a, p.adjA(g, v)); math.Abs(lhs-r) > 1e-12*(1+math.Abs(lhs)) {
			t.Errorf("%v: <conv, g> = %v, <a, adjA> = %v", tc, lhs, r)
		}
		if r := dotSlices(v, p.adjV(g, a)); math.Abs(lhs-r) > 1e-12*(1+math.Abs(lhs)) {
			t.Errorf("%v: <conv, g> = %v, <v, adjV> = %v", tc, lhs, r)
		}
	}
	if _, err := newConvNDPlan([]int{3, 1}, []int{1, 3}, convValid); err == nil {
		t.Error("valid mode with neither input larger: got no error")
	}
}

func TestParseEinsum(t *testing.T) {
	t.Parallel()
	tests := []struct {
		subs   string
		ndims  []int
		inputs [][]int
		output []int
	}{
		{"ij,jk->ik", []int{2, 2}, [][]int{{8, 9}, {9, 10}}, []int{8, 10}},
		{"ij,jk", []int{2, 2}, [][]int{{8, 9}, {9, 10}}, []int{8, 10}},
		{"ii", []int{2}, [][]int{{8, 8}}, nil},
		{"ii->i", []int{2}, [][]int{{8, 8}}, []int{8}},
		{"ba", []int{2}, [][]int{{1, 0}}, []int{0, 1}},
		{"...ij,...jk->...ik", []int{3, 2}, [][]int{{52, 8, 9}, {9, 10}}, []int{52, 8, 10}},
		{"i...,i", []int{3, 1}, [][]int{{8, 53, 52}, {8}}, []int{53, 52}},
		{"bij,bjk->bik", []int{3, 3}, [][]int{{1, 8, 9}, {1, 9, 10}}, []int{1, 8, 10}},
	}
	for _, tc := range tests {
		spec, err := parseEinsum(tc.subs, tc.ndims)
		if err != nil {
			t.Errorf("parseEinsum(%q): %v", tc.subs, err)
			continue
		}
		if !sameShape(spec.output, tc.output) {
			t.Errorf("parseEinsum(%q) output: got %v want %v", tc.subs, spec.output, tc.output)
		}
		for i := range tc.inputs {
			if !sameShape(spec.inputs[i], tc.inputs[i]) {
				t.Errorf("parseEinsum(%q) input %d: got %v want %v", tc.subs, i, spec.inputs[i], tc.inputs[i])
			}
		}
	}
	for _, bad := range []struct {
		subs  string
		ndims []int
	}{{"ij,jk->ik", []int{2}}, {"ij->k", []int{2}}, {"i1", []int{2}}, {"ij->ii", []int{2}}, {"ijk", []int{2}}, {"i..j", []int{2}}, {"...i->i", []int{3}}, {"i->i->i", []int{1}}} {
		if _, err := parseEinsum(bad.subs, bad.ndims); err == nil {
			t.Errorf("parseEinsum(%q, %v): got no error", bad.subs, bad.ndims)
		}
	}
}

func TestDiagPlan(t *testing.T) {
	t.Parallel()
	// x[i,j,i] for shape (2,3,2): take gives out[i,j] = x[i,j,i].
	x := make([]float64, 12)
	for i := range x {
		x[i] = float64(i)
	}
	p, err := newDiagPlan([]int{2, 3, 2}, []int{0, 1, 0})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 2, 4, 7, 9, 11}
	got := make([]float64, 0, 6)
	for _, i := range p.indices() {
		got = append(got, x[i])
	}
	closeSlices(t, "diagonal", got, want, 0)
	if _, err := newDiagPlan([]int{2, 3}, []int{0, 0}); err == nil {
		t.Error("repeated label over axes of lengths 2 and 3: got no error")
	}
}
