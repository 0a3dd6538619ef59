package ad

import (
	"fmt"
	"strings"
	"testing"
)

// naiveEinsum evaluates an einsum by looping over every assignment of the
// labels, with numpy's broadcasting of ellipsis dimensions of length 1.
func naiveEinsum(t *testing.T, subs string, ops ...*Tensor) *Tensor {
	t.Helper()
	ndims := make([]int, len(ops))
	for i, o := range ops {
		ndims[i] = o.NDim()
	}
	spec, err := parseEinsum(subs, ndims)
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[int]int{}
	for i, labs := range spec.inputs {
		for ax, l := range labs {
			if d := ops[i].shape[ax]; d > sizes[l] {
				sizes[l] = d
			}
		}
	}
	var all []int
	for l := range sizes {
		all = append(all, l)
	}
	outShape := make([]int, len(spec.output))
	for i, l := range spec.output {
		outShape[i] = sizes[l]
	}
	out := make([]float64, sizeOf(outShape))
	val := map[int]int{}
	var rec func(k int)
	rec = func(k int) {
		if k == len(all) {
			p := 1.0
			for i, labs := range spec.inputs {
				off := 0
				for ax, l := range labs {
					d := ops[i].shape[ax]
					v := val[l]
					if d == 1 {
						v = 0
					}
					off = off*d + v
				}
				p *= ops[i].data[off]
			}
			off := 0
			for i, l := range spec.output {
				off = off*outShape[i] + val[l]
			}
			out[off] += p
			return
		}
		for v := 0; v < sizes[all[k]]; v++ {
			val[all[k]] = v
			rec(k + 1)
		}
	}
	rec(0)
	return newRaw(outShape, out)
}

func TestEinsumMatchesNaive(t *testing.T) {
	t.Parallel()
	tests := []struct {
		subs   string
		shapes [][]int
	}{
		{"ij,jk->ik", [][]int{{2, 3}, {3, 4}}},
		{"ij,jk", [][]int{{2, 3}, {3, 4}}},
		{"bij,bjk->bik", [][]int{{2, 2, 3}, {2, 3, 2}}},
		{"ii", [][]int{{3, 3}}},
		{"ii->i", [][]int{{3, 3}}},
		{"ij->ji", [][]int{{2, 3}}},
		{"ij->", [][]int{{2, 3}}},
		{"i,j->ij", [][]int{{2}, {3}}},
		{"i,i->", [][]int{{4}, {4}}},
		{"iij->j", [][]int{{2, 2, 3}}},
		{"ij,ij->ij", [][]int{{2, 3}, {2, 3}}},
		{"...ij,...jk->...ik", [][]int{{2, 1, 2, 3}, {3, 3, 2}}},
		{"...i,...i->...", [][]int{{2, 3}, {3}}},
		{"i...,i->...", [][]int{{3, 2, 2}, {3}}},
		{"ij,jk,kl->il", [][]int{{2, 3}, {3, 2}, {2, 2}}},
		{"abc,cd,db->a", [][]int{{2, 3, 2}, {2, 2}, {2, 3}}},
		{"ii,jj->ij", [][]int{{2, 2}, {3, 3}}},
		{"ij,k->", [][]int{{2, 2}, {3}}},
		{",i->i", [][]int{{}, {3}}},
	}
	for i, tc := range tests {
		ops := make([]*Tensor, len(tc.shapes))
		for k, s := range tc.shapes {
			ops[k] = randTensor(uint64(10*i+k), s...)
		}
		got := Einsum(tc.subs, ops...)
		want := naiveEinsum(t, tc.subs, ops...)
		if !sameShape(got.shape, want.shape) {
			t.Errorf("Einsum(%q): shape got %v want %v", tc.subs, got.shape, want.shape)
			continue
		}
		closeSlices(t, "Einsum "+tc.subs, got.Data(), want.Data(), 1e-12)
	}
}

func TestContractCheckGrads(t *testing.T) {
	t.Parallel()
	b := randTensor(1, 3, 2)
	c := randTensor(2, 2, 3, 4)
	tests := []struct {
		name string
		f    func(*Tensor) *Tensor
		x    *Tensor
	}{
		{"Einsum ij,jk", func(x *Tensor) *Tensor { return Einsum("ij,jk->ik", x, b) }, randTensor(3, 2, 3)},
		{"Einsum trace of product", func(x *Tensor) *Tensor { return Einsum("ij,ji", x, x) }, randTensor(4, 3, 3)},
		{"Einsum diagonal", func(x *Tensor) *Tensor { return Einsum("ii->i", x) }, randTensor(5, 3, 3)},
		{"Einsum batched", func(x *Tensor) *Tensor { return Einsum("bij,bjk->bik", x, c) }, randTensor(6, 2, 2, 3)},
		{"Einsum ellipsis cubic", func(x *Tensor) *Tensor { return Einsum("...i,...i,...i->...", x, x, x) }, randTensor(7, 2, 3)},
		{"TensorDot 2", func(x *Tensor) *Tensor { return TensorDot(x, c, 2) }, randTensor(8, 3, 2, 3)},
		{"TensorDotAxes", func(x *Tensor) *Tensor { return TensorDotAxes(x, c, []int{0, 1}, []int{1, 0}) }, randTensor(9, 3, 2)},
		{"TensorDot 0 square", func(x *Tensor) *Tensor { return TensorDot(x, x, 0) }, randTensor(10, 2, 2)},
		{"Kron", func(x *Tensor) *Tensor { return Kron(x, Square(x)) }, randTensor(11, 2, 3)},
		{"Kron mixed ndim", func(x *Tensor) *Tensor { return Kron(x, b) }, randTensor(12, 2)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkGradsExt(t, tc.name, tc.f, tc.x, 2, 1e-6)
		})
	}
}

func TestContractKnownValues(t *testing.T) {
	t.Parallel()
	a := New([]float64{1, 2, 3, 4}, 2, 2)
	closeSlices(t, "Kron", Kron(a, New([]float64{0, 1, 1, 0}, 2, 2)).Data(),
		[]float64{0, 1, 0, 2, 1, 0, 2, 0, 0, 3, 0, 4, 3, 0, 4, 0}, 0)
	closeSlices(t, "TensorDot 1", TensorDot(a, a, 1).Data(), MatMul(a, a).Data(), 1e-15)
	closeSlices(t, "TensorDot 2", []float64{TensorDot(a, a, 2).Item()}, []float64{30}, 1e-15)
	x := randTensor(3, 4, 5, 6)
	y := randTensor(4, 4, 6, 3)
	closeSlices(t, "Einsum vs MatMul", Einsum("bij,bjk->bik", x, y).Data(), MatMul(x, y).Data(), 1e-12)
}

func TestContractErrors(t *testing.T) {
	t.Parallel()
	m := Zeros(2, 3)
	tests := []struct {
		name string
		f    func()
	}{
		{"bad letter", func() { Einsum("i2,j", m, m) }},
		{"operand count", func() { Einsum("ij,jk->ik", m) }},
		{"length mismatch", func() { Einsum("ij,ij->", m, Zeros(3, 2)) }},
		{"diagonal mismatch", func() { Einsum("ii", m) }},
		{"tensordot lengths", func() { TensorDot(m, m, 1) }},
		{"tensordot too many", func() { TensorDot(m, m, 3) }},
		{"no operands", func() { Einsum("") }},
	}
	for _, tc := range tests {
		err := Catch(tc.f)
		if e, ok := err.(*Error); !ok || (e.Op != "Einsum" && e.Op != "TensorDot") {
			t.Errorf("%s: got %v, want an ad.Einsum or ad.TensorDot error", tc.name, err)
		}
	}
}

func ExampleEinsum() {
	a := New([]float64{1, 2, 3, 4}, 2, 2)
	fmt.Println(Einsum("ii", a))               // trace
	fmt.Println(Einsum("ij,j->i", a, Ones(2))) // row sums
	// Output:
	// 5.0
	// [3. 7.]
}

// FuzzEinsum checks that no subscript string makes Einsum panic with
// anything but an ad error, and that accepted ones agree with the naive
// evaluation.
func FuzzEinsum(f *testing.F) {
	for _, s := range []string{"ij,jk->ik", "ii", "...i,...i->...", "i..,j", "->", "a,b,c", "ij->jj", "iI->Ii", ",->", "...->..."} {
		f.Add(s, uint8(2), uint8(2))
	}
	f.Fuzz(func(t *testing.T, subs string, nd0, nd1 uint8) {
		if len(subs) > 40 {
			return
		}
		// Operands of length-2 axes, so repeated indices always fit.
		mk := func(nd uint8, seed uint64) *Tensor {
			shape := make([]int, nd%4)
			for i := range shape {
				shape[i] = 2
			}
			return randTensor(seed, shape...)
		}
		ops := []*Tensor{mk(nd0, 1), mk(nd1, 2)}
		if !strings.Contains(subs, ",") {
			ops = ops[:1]
		}
		var got *Tensor
		err := Catch(func() { got = Einsum(subs, ops...) })
		if err != nil {
			return // rejected with an ad error: fine
		}
		want := naiveEinsum(t, subs, ops...)
		if !sameShape(got.shape, want.shape) {
			t.Fatalf("Einsum(%q): shape %v, naive %v", subs, got.shape, want.shape)
		}
		closeSlices(t, "Einsum "+subs, got.Data(), want.Data(), 1e-12)
	})
}
