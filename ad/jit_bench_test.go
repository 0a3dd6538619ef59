package ad

// Benchmarks of the workloads through Jit: the steady state (replays) and
// the first call (trace, build and run, with a new jitted function each
// time). Compare with the eager benchmarks of bench_test.go in the same
// run:
//
//	go test -run '^$' -bench 'Jit|W[1-6]|EW' -benchtime 2s ./ad/

import (
	"slices"
	"testing"
	"time"
)

// benchJit runs the jitted f on xs: steady state after one tracing call.
// Besides the mean (ns/op) it reports the median wall time of single
// calls ("med-ns/op", over the last callSamples calls), which is what
// JAX's harness reports: a mean takes every disturbance of the run (on a
// shared machine, another process preempting one of the two goroutines of
// a call, which the other then waits for), a median of single calls does
// not (testdata/bench/jit_jax_table.py shows both).
func benchJit(b *testing.B, f func([]*Tensor) []*Tensor, xs []*Tensor) {
	j := JitSlice(f)
	j(xs)
	timeCalls(b, func() { j(xs) })
}

// timeCalls times call in b's loop: allocations, CPU time and the median
// wall time of single calls (med-ns/op) besides the mean.
func timeCalls(b *testing.B, call func()) {
	ts := make([]time.Duration, callSamples)
	b.ReportAllocs()
	ct := startCPU(b)
	n := 0
	for b.Loop() {
		t0 := time.Now()
		call()
		ts[n%callSamples] = time.Since(t0)
		n++
	}
	ct.stop()
	ts = ts[:min(n, callSamples)]
	slices.Sort(ts)
	if len(ts) > 0 {
		b.ReportMetric(float64(ts[len(ts)/2]), "med-ns/op")
	}
}

// benchJitRelease is benchJit with each call's results released after
// use (Release), or donated to the next call (JitSliceTo); it reports the
// median single call too.
func benchJitRelease(b *testing.B, f func([]*Tensor) []*Tensor, xs []*Tensor, donate bool) {
	j, d := JitSlice(f), JitSliceTo(f)
	var outs []*Tensor
	call := func() {
		if donate {
			outs = d(outs, xs)
			return
		}
		Release(outs...)
		outs = j(xs)
	}
	call()
	call()
	timeCalls(b, call)
}

// callSamples is how many of the last calls benchJit's median covers.
const callSamples = 1 << 14

// benchJitFirst measures the first call: a new jitted function each time.
func benchJitFirst(b *testing.B, f func([]*Tensor) []*Tensor, xs []*Tensor) {
	b.ReportAllocs()
	ct := startCPU(b)
	for b.Loop() {
		JitSlice(f)(xs)
	}
	ct.stop()
}

func jitW1() (func([]*Tensor) []*Tensor, []*Tensor) {
	fs := make([]func(*Tensor) *Tensor, 6)
	f := seedTanh
	for k := range fs {
		f = ElementwiseGrad(f)
		fs[k] = f
	}
	return func(xs []*Tensor) []*Tensor {
		outs := make([]*Tensor, 6)
		for k, d := range fs {
			outs[k] = d(xs[0])
		}
		return outs
	}, []*Tensor{Linspace(-7, 7, 200)}
}

func jitW1Chain() (func([]*Tensor) []*Tensor, []*Tensor) {
	d := Derivatives(seedTanh, 6)
	return func(xs []*Tensor) []*Tensor { return d(xs[0]) }, []*Tensor{Linspace(-7, 7, 200)}
}

func jitW2() (func([]*Tensor) []*Tensor, []*Tensor) {
	g := Grad(w2Loop)
	return func(xs []*Tensor) []*Tensor { return []*Tensor{g(xs[0])} }, []*Tensor{Scalar(0.5)}
}

func jitW3() (func([]*Tensor) []*Tensor, []*Tensor) {
	d := newW3()
	vg := ValueAndGradSlice(d.loss)
	return func(xs []*Tensor) []*Tensor {
		v, gs := vg(xs)
		return append([]*Tensor{v}, gs...)
	}, d.params
}

func jitW4() (func([]*Tensor) []*Tensor, []*Tensor) {
	x, y, w := newW4()
	g := Grad(w4Loss(x, y))
	return func(xs []*Tensor) []*Tensor { return []*Tensor{g(xs[0])} }, []*Tensor{w}
}

func jitW6() (func([]*Tensor) []*Tensor, []*Tensor) {
	d := newW6()
	return GradSlice(d.loss), d.weights
}

func jitW6Forward() (func([]*Tensor) []*Tensor, []*Tensor) {
	d := newW6()
	return func(xs []*Tensor) []*Tensor { return []*Tensor{d.loss(xs)} }, d.weights
}

func jitEW() (func([]*Tensor) []*Tensor, []*Tensor) {
	return func(xs []*Tensor) []*Tensor { return []*Tensor{Tanh(xs[0])} }, []*Tensor{Linspace(-5, 5, 1000000)}
}

func BenchmarkJitW1TanhDerivs(b *testing.B)      { f, x := jitW1(); benchJit(b, f, x) }
func BenchmarkJitW1TanhDerivsChain(b *testing.B) { f, x := jitW1Chain(); benchJit(b, f, x) }
func BenchmarkJitW2ScalarLoop(b *testing.B)      { f, x := jitW2(); benchJit(b, f, x) }
func BenchmarkJitW3MLPGrad(b *testing.B)         { f, x := jitW3(); benchJit(b, f, x) }
func BenchmarkJitW3MLPGradReleased(b *testing.B) { f, x := jitW3(); benchJitRelease(b, f, x, false) }
func BenchmarkJitW3MLPGradDonated(b *testing.B)  { f, x := jitW3(); benchJitRelease(b, f, x, true) }
func BenchmarkJitW4LogReg(b *testing.B)          { f, x := jitW4(); benchJit(b, f, x) }
func BenchmarkJitW6RNN(b *testing.B)             { f, x := jitW6(); benchJit(b, f, x) }
func BenchmarkJitW6RNNForward(b *testing.B)      { f, x := jitW6Forward(); benchJit(b, f, x) }
func BenchmarkJitEWTanh1e6(b *testing.B)         { f, x := jitEW(); benchJit(b, f, x) }
func BenchmarkJitEWTanh1e6Released(b *testing.B) { f, x := jitEW(); benchJitRelease(b, f, x, false) }
func BenchmarkJitEWTanh1e6Donated(b *testing.B)  { f, x := jitEW(); benchJitRelease(b, f, x, true) }

func BenchmarkJitFirstW1TanhDerivs(b *testing.B) { f, x := jitW1(); benchJitFirst(b, f, x) }
func BenchmarkJitFirstW2ScalarLoop(b *testing.B) { f, x := jitW2(); benchJitFirst(b, f, x) }
func BenchmarkJitFirstW6RNN(b *testing.B)        { f, x := jitW6(); benchJitFirst(b, f, x) }

// An elementwise chain (value and gradient) on 1e5 values: the case for
// fusion (compare with its eager form).
func jitEWChain() (func([]*Tensor) []*Tensor, []*Tensor) {
	return func(xs []*Tensor) []*Tensor {
		x := xs[0]
		a := Tanh(Mul(x, 0.5))
		b := Add(Exp(Neg(a)), x)
		c := Div(Sub(1.0, b), Add(1.0, Square(a)))
		g := Grad(func(y *Tensor) *Tensor { return Sum(Mul(Sigmoid(y), c)) })(x)
		return []*Tensor{Mul(g, Sin(c))}
	}, []*Tensor{Linspace(-3, 4, 100000)}
}

func BenchmarkJitEWChain1e5(b *testing.B) { f, x := jitEWChain(); benchJit(b, f, x) }

func BenchmarkEWChain1e5(b *testing.B) {
	f, x := jitEWChain()
	b.ReportAllocs()
	ct := startCPU(b)
	for b.Loop() {
		f(x)
	}
	ct.stop()
}
