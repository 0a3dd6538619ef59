package ad

import (
	"fmt"
	"math"
	"testing"
)

// withRowPaths runs f with the row fast paths on or off.
func withRowPaths(on bool, f func()) {
	old := rowPaths
	rowPaths = on
	defer func() { rowPaths = old }()
	f()
}

// specialValues returns n values from r with NaN, ±Inf, ±0 and tiny values
// mixed in.
func specialValues(r *RNG, shape ...int) *Tensor {
	t := r.Normal(shape...)
	d := t.Data()
	specials := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 5e-324, -1e308}
	for i := range d {
		if i%5 == 3 {
			d[i] = specials[(i/5)%len(specials)]
		}
	}
	return New(d, shape...)
}

// dirty puts a recycled buffer of n NaNs in the pool, so that a result
// allocated next with n elements shows any element left unwritten.
func dirty(n int) {
	if n < recycleMin {
		return
	}
	d := make([]float64, n)
	for i := range d {
		d[i] = math.NaN()
	}
	recycle(d)
}

func TestRowBroadcastMatchesGeneral(t *testing.T) {
	r := NewRNG(3)
	prims := []*Primitive{primAdd, primSub, primMul, primDiv, primPow, primMaximum, primMinimum,
		primAtan2, primHypot, primLogAddExp, primTanhGrad, primSigmoidGrad, primSinGrad, primCosGrad,
		primGreater, primEqual}
	cases := []struct{ full, row []int }{
		{[]int{3, 5}, []int{5}}, {[]int{3, 5}, []int{1, 5}}, {[]int{2, 3, 5}, []int{5}},
		{[]int{2, 3, 5}, []int{1, 5}}, {[]int{2, 3, 5}, []int{1, 1, 5}}, {[]int{0, 5}, []int{5}},
		{[]int{1, 5}, []int{5}}, {[]int{5}, []int{5}}, {[]int{16, 64}, []int{64}}, {[]int{1, 2}, []int{1, 1, 2}},
		{[]int{7, 3}, []int{3}}, {[]int{3, interruptStride + 3}, []int{interruptStride + 3}},
		{[]int{9, interruptStride/4 + 1}, []int{interruptStride/4 + 1}},
		// not rows: the general path either way
		{[]int{3, 5}, []int{3, 1}}, {[]int{3, 1}, []int{1}}, {[]int{2, 3, 5}, []int{3, 5}},
	}
	for _, c := range cases {
		full, row := specialValues(r, c.full...), specialValues(r, c.row...)
		for _, p := range prims {
			for _, order := range [][2]*Tensor{{full, row}, {row, full}} {
				name := fmt.Sprintf("%s%v%v", p.Name, order[0].shape, order[1].shape)
				var want, got *Tensor
				var wantErr, gotErr any
				withRowPaths(false, func() {
					defer func() { wantErr = recover() }()
					want = p.Apply(nil, order[0], order[1])
				})
				withRowPaths(true, func() {
					defer func() { gotErr = recover() }()
					dirty(sizeOf(broadcastShapes("t", order[0].shape, order[1].shape)))
					got = p.Apply(nil, order[0], order[1])
				})
				if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
					t.Fatalf("%s: panics %v and %v", name, wantErr, gotErr)
				}
				if wantErr == nil && !bitsEqual(got, want) {
					t.Fatalf("%s: row path %v, general %v", name, got.data, want.data)
				}
			}
		}
	}
}

func TestSumToRowsMatchesGeneral(t *testing.T) {
	r := NewRNG(4)
	cases := []struct{ x, to []int }{
		{[]int{3, 5}, []int{5}}, {[]int{3, 5}, []int{1, 5}}, {[]int{2, 3, 5}, []int{5}},
		{[]int{2, 3, 5}, []int{1, 5}}, {[]int{2, 3, 5}, []int{1, 1, 5}}, {[]int{0, 5}, []int{5}},
		{[]int{0, 5}, []int{1, 5}}, {[]int{1, 5}, []int{5}}, {[]int{64, 130}, []int{130}},
		{[]int{3, interruptStride + 1}, []int{interruptStride + 1}}, {[]int{3, 1}, []int{1}},
		{[]int{3, 5}, []int{3, 1}}, {[]int{2, 3, 5}, []int{3, 5}}, {[]int{4, 2}, []int{}},
	}
	for _, c := range cases {
		x := specialValues(r, c.x...)
		// and a plain one (without NaN/Inf every sum is checked)
		y := r.Normal(c.x...)
		for _, v := range []*Tensor{x, y, Neg(Mul(y, 0))} {
			var want, got *Tensor
			withRowPaths(false, func() { want = primSumTo.Apply(append([]int{}, c.to...), v) })
			withRowPaths(true, func() {
				dirty(sizeOf(c.to))
				got = primSumTo.Apply(append([]int{}, c.to...), v)
			})
			if !bitsEqual(got, want) {
				t.Fatalf("SumTo %v→%v: row path %v, general %v", c.x, c.to, got.data, want.data)
			}
		}
	}
}

// Higher-order derivatives through row broadcasts (forward Add/Mul with a
// row, SumTo and BroadcastTo in the rules) agree bit for bit with the
// general paths.
func TestRowPathsHigherOrder(t *testing.T) {
	r := NewRNG(5)
	x := r.Normal(6, 8)
	f := func(b *Tensor) *Tensor {
		h := Tanh(Add(Mul(x, b), b))
		h = Div(Sub(b, h), Add(Square(b), 2))
		return Sum(Square(h))
	}
	b := r.Normal(8)
	run := func() []*Tensor {
		return []*Tensor{Grad(f)(b), Hessian(f)(b), Grad(func(b *Tensor) *Tensor { return Sum(Grad(f)(b)) })(b)}
	}
	var want, got []*Tensor
	withRowPaths(false, func() { want = run() })
	withRowPaths(true, func() { got = run() })
	for i := range want {
		if !bitsEqual(got[i], want[i]) {
			t.Fatalf("derivative %d: row paths %v, general %v", i, got[i].data, want[i].data)
		}
	}
	// and the RNN of W6, gradient w.r.t. the bias too
	d := newW6()
	g := GradSlice(func(w []*Tensor) *Tensor {
		h := d.h0
		for _, x := range d.xs[:5] {
			h = Tanh(Add(Add(MatMul(x, w[0]), MatMul(h, w[1])), w[2]))
		}
		return Sum(Square(h))
	})
	ws := append(append([]*Tensor{}, d.weights...), d.bh)
	var gw, gg []*Tensor
	withRowPaths(false, func() { gw = g(ws) })
	withRowPaths(true, func() { gg = g(ws) })
	for i := range gw {
		if !bitsEqual(gg[i], gw[i]) {
			t.Fatalf("W6 gradient %d differs", i)
		}
	}
}

// Results that overwrite a recycled buffer (allocFull) leave nothing of its
// old contents.
func TestAllocFullOverwrites(t *testing.T) {
	r := NewRNG(6)
	a, b := r.Normal(16, 32), r.Normal(32, 8)
	c1, c2 := r.Normal(1, 300), r.Normal(300, 200)
	for _, f := range []func() *Tensor{
		func() *Tensor { return MatMul(a, b) },
		func() *Tensor { return matmulT(a, a, true, false) },
		func() *Tensor { return MatMul(c1, c2) },
		func() *Tensor { return Tanh(a) },
		func() *Tensor { return Add(a, a) },
		func() *Tensor { return Mul(a, 2.0) },
		func() *Tensor { return Sub(1.0, a) },
	} {
		want := f()
		dirty(len(want.data))
		got := f()
		if !bitsEqual(got, want) {
			t.Fatalf("result on a recycled buffer %v, on a fresh one %v", got.data, want.data)
		}
		for i, v := range got.data {
			if math.IsNaN(v) {
				t.Fatalf("element %d not written", i)
			}
		}
	}
}
