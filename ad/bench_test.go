package ad

// Benchmarks of the workloads W1–W6 and EW of ../shared/bench/README.md, with
// the same shapes as the peers (data drawn from ad's own generator with the
// same scales). Each gradient workload has a Forward variant; the ratio of
// the two is the gradient/forward cost. Besides wall time, each reports the
// process CPU time per operation (cpu-ns/op, garbage collection included),
// which is the figure to compare on a machine shared with other work.
//
//	go test -run '^$' -bench 'W[1-6]|EW' -benchtime 2s ./ad/

import (
	"math"
	"runtime"
	"testing"
)

// W1: derivatives of orders 1..6 of the seed's tanh by nested
// ElementwiseGrad over linspace(-7, 7, 200), all six arrays.
func BenchmarkW1TanhDerivs(b *testing.B) {
	x := Linspace(-7, 7, 200)
	fs := make([]func(*Tensor) *Tensor, 6)
	f := seedTanh
	for k := range fs {
		f = ElementwiseGrad(f)
		fs[k] = f
	}
	b.ReportAllocs()
	ct := startCPU(b)
	for b.Loop() {
		for _, d := range fs {
			d(x)
		}
	}
	ct.stop()
}

// W1 computed as one chain: all orders from a single nested evaluation
// (the peers' default W1 variant).
func BenchmarkW1TanhDerivsChain(b *testing.B) {
	x := Linspace(-7, 7, 200)
	d := Derivatives(seedTanh, 6)
	b.ReportAllocs()
	ct := startCPU(b)
	for b.Loop() {
		d(x)
	}
	ct.stop()
}

func w2Loop(x *Tensor) *Tensor {
	for i := 0; i < 1000; i++ {
		x = Add(Mul(Sin(x), 0.9), Mul(0.1, Cos(x)))
	}
	return x
}

// W2: gradient through 1000 steps of x ← sin(x)·0.9 + 0.1·cos(x) at 0.5.
func BenchmarkW2ScalarLoop(b *testing.B) { benchW2(b) }

func benchW2(b *testing.B) {
	b.ReportAllocs()
	g := Grad(w2Loop)
	ct := startCPU(b)
	for b.Loop() {
		g(Scalar(0.5))
	}
	ct.stop()
}

// BenchmarkW2ScalarLoopTableInUse is W2 while the ownership side table
// (release.go) holds an entry, as in a notebook that released a tensor it
// still refers to, or keeps a JitTo result: every operation then looks its
// arguments up in the table.
func BenchmarkW2ScalarLoopTableInUse(b *testing.B) {
	used := releaseUsed.Load()
	held := Scalar(1)
	held.Release()
	if owned.n.Load() == 0 {
		b.Fatal("the side table is empty")
	}
	b.Cleanup(func() { // leave later benchmarks of the process as they were
		owned.mu.Lock()
		dropEntry(held)
		owned.mu.Unlock()
		releaseUsed.Store(used)
	})
	benchW2(b)
	runtime.KeepAlive(held)
}

func BenchmarkW2ScalarLoopForward(b *testing.B) {
	b.ReportAllocs()
	ct := startCPU(b)
	for b.Loop() {
		w2Loop(Scalar(0.5))
	}
	ct.stop()
}

type w3Data struct {
	x, y   *Tensor
	params []*Tensor
}

func newW3() w3Data {
	r := NewRNG(3)
	const batch, in, hidden, out = 128, 784, 256, 10
	x := r.Normal(batch, in)
	y := make([]float64, batch*out)
	for i := 0; i < batch; i++ {
		y[i*out+r.Intn(out)] = 1
	}
	return w3Data{
		x: x, y: New(y, batch, out),
		params: []*Tensor{
			Mul(r.Normal(in, hidden), 1/math.Sqrt(in)), Zeros(hidden),
			Mul(r.Normal(hidden, out), 1/math.Sqrt(hidden)), Zeros(out),
		},
	}
}

// w3Loss is the tanh MLP with softmax cross-entropy (through LogSumExp).
func (d w3Data) loss(p []*Tensor) *Tensor {
	h := Tanh(Add(MatMul(d.x, p[0]), p[1]))
	z := Add(MatMul(h, p[2]), p[3])
	lse := LogSumExpKeepDims(z, 1)
	return Div(Neg(Sum(Mul(d.y, Sub(z, lse)))), float64(d.x.shape[0]))
}

// W3: value and gradient of the MLP loss w.r.t. all four parameters.
func BenchmarkW3MLPGrad(b *testing.B) {
	d := newW3()
	vg := ValueAndGradSlice(d.loss)
	b.ReportAllocs()
	ct := startCPU(b)
	for b.Loop() {
		vg(d.params)
	}
	ct.stop()
}

func BenchmarkW3MLPGradForward(b *testing.B) {
	d := newW3()
	b.ReportAllocs()
	ct := startCPU(b)
	for b.Loop() {
		d.loss(d.params)
	}
	ct.stop()
}

func newW4() (x, y, w *Tensor) {
	r := NewRNG(4)
	const n, dim = 10000, 100
	x = r.Normal(n, dim)
	wTrue := r.Normal(dim)
	y = Greater(Add(MatMul(x, wTrue), Mul(r.Normal(n), 0.5)), 0.0)
	return x, y, Mul(r.Normal(dim), 0.01)
}

func w4Loss(x, y *Tensor) func(*Tensor) *Tensor {
	return func(w *Tensor) *Tensor {
		z := MatMul(x, w)
		return Mean(Sub(LogAddExp(0.0, z), Mul(y, z)))
	}
}

// W4: gradient of the logistic-regression loss.
func BenchmarkW4LogReg(b *testing.B) {
	x, y, w := newW4()
	g := Grad(w4Loss(x, y))
	b.ReportAllocs()
	ct := startCPU(b)
	for b.Loop() {
		g(w)
	}
	ct.stop()
}

func BenchmarkW4LogRegForward(b *testing.B) {
	x, y, w := newW4()
	f := w4Loss(x, y)
	b.ReportAllocs()
	ct := startCPU(b)
	for b.Loop() {
		f(w)
	}
	ct.stop()
}

// W5: the full Hessian of sum(tanh(A x)²), A 100×100.
func BenchmarkW5Hessian(b *testing.B) {
	r := NewRNG(5)
	a := Mul(r.Normal(100, 100), 0.1)
	x := r.Normal(100)
	h := Hessian(func(x *Tensor) *Tensor { return Sum(Square(Tanh(MatMul(a, x)))) })
	b.ReportAllocs()
	ct := startCPU(b)
	for b.Loop() {
		h(x)
	}
	ct.stop()
}

type w6Data struct {
	xs      []*Tensor
	bh, h0  *Tensor
	weights []*Tensor
}

func newW6() w6Data {
	r := NewRNG(6)
	const steps, batch, in, hidden = 50, 16, 32, 64
	xs := make([]*Tensor, steps)
	for t := range xs {
		xs[t] = r.Normal(batch, in)
	}
	return w6Data{
		xs: xs, bh: Mul(r.Normal(hidden), 0.1), h0: Zeros(batch, hidden),
		weights: []*Tensor{
			Mul(r.Normal(in, hidden), 1/math.Sqrt(in)),
			Mul(r.Normal(hidden, hidden), 0.9/math.Sqrt(hidden)),
		},
	}
}

func (d w6Data) loss(w []*Tensor) *Tensor {
	h := d.h0
	for _, x := range d.xs {
		h = Tanh(Add(Add(MatMul(x, w[0]), MatMul(h, w[1])), d.bh))
	}
	return Sum(Square(h))
}

// W6: gradient of an RNN's final-state loss w.r.t. both weight matrices.
func BenchmarkW6RNN(b *testing.B) {
	d := newW6()
	g := GradSlice(d.loss)
	b.ReportAllocs()
	ct := startCPU(b)
	for b.Loop() {
		g(d.weights)
	}
	ct.stop()
}

func BenchmarkW6RNNForward(b *testing.B) {
	d := newW6()
	b.ReportAllocs()
	ct := startCPU(b)
	for b.Loop() {
		d.loss(d.weights)
	}
	ct.stop()
}

// EW: elementwise tanh of 1e6 values.
func BenchmarkEWTanh1e6(b *testing.B) {
	x := Linspace(-5, 5, 1000000)
	b.ReportAllocs()
	b.SetBytes(8 * 1000000)
	ct := startCPU(b)
	for b.Loop() {
		Tanh(x)
	}
	ct.stop()
}

// Per-operation overhead: one plain scalar op, and one op traced by a
// reverse-mode differentiation including its share of the backward pass.
func BenchmarkOpScalarPlain(b *testing.B) {
	x := Scalar(0.5)
	b.ReportAllocs()
	ct := startCPU(b)
	for b.Loop() {
		Mul(x, x)
	}
	ct.stop()
}

func BenchmarkOpScalarGrad100(b *testing.B) {
	f := func(x *Tensor) *Tensor {
		for i := 0; i < 100; i++ {
			x = Mul(x, 1.0001)
		}
		return x
	}
	g := Grad(f)
	x := Scalar(0.5)
	b.ReportAllocs()
	ct := startCPU(b)
	for b.Loop() {
		g(x)
	}
	ct.stop()
}
