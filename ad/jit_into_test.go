package ad

import (
	"errors"
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestJitIntoSameBits: the operations a replay runs into its own buffers
// (jit_into.go: products, broadcasts, SumTo, Sum, LogSumExp and views of
// them), as intermediate values and as results, give the eager results bit
// for bit, over the layouts each path accepts (long rows cut into chunks,
// short and long rows, special values), and the programs do run them into
// buffers (a fallback to Forward would hide a wrong lowering).
func TestJitIntoSameBits(t *testing.T) {
	rng := NewRNG(29)
	special := func(x *Tensor) *Tensor {
		d := x.Data()
		for i, v := range []float64{math.Inf(1), math.Inf(-1), math.NaN(), 0, math.Copysign(0, -1), 1e300, -1e300} {
			if i*7 < len(d) {
				d[i*7] = v
			}
		}
		return New(d, x.shape...)
	}
	in := func(shapes ...[]int) func(k int) []*Tensor {
		return func(k int) []*Tensor {
			xs := make([]*Tensor, len(shapes))
			for i, s := range shapes {
				xs[i] = rng.Normal(s...)
			}
			return xs
		}
	}
	long := interruptStride + 5
	cases := []struct {
		c     jitCase
		kinds []uint8 // jitInto kinds the program must contain
	}{
		{jitCase{name: "matmul", f: func(xs []*Tensor) []*Tensor {
			a, b := xs[0], xs[1]
			return []*Tensor{matmulT(a, b, false, false), matmulT(a, a, true, false), matmulT(b, b, false, true), matmulT(b, a, true, true),
				Tanh(MatMul(a, b))}
		}, in: in([]int{7, 5}, []int{5, 9})}, []uint8{intoMatMul}},
		{jitCase{name: "matmul-grad", f: GradSlice(func(xs []*Tensor) *Tensor {
			return Sum(Square(Add(MatMul(Tanh(MatMul(xs[0], xs[1])), xs[2]), xs[3])))
		}), in: in([]int{16, 33}, []int{33, 20}, []int{20, 3}, []int{3})}, []uint8{intoMatMul, intoBroadcast, intoSumTo}},
		{jitCase{name: "broadcast", f: func(xs []*Tensor) []*Tensor {
			a, r, c := xs[0], xs[1], xs[2]
			return []*Tensor{Add(a, r), Mul(c, a), Sub(r, c), Div(Reshape(r, 1, 9), Reshape(c, 6, 1)),
				Tanh(Add(Reshape(a, 2, 3, 9), Reshape(r, 1, 1, 9))), Pow(Abs(a), Reshape(c, 6, 1))}
		}, in: in([]int{6, 9}, []int{9}, []int{6, 1})}, []uint8{intoBroadcast}},
		{jitCase{name: "broadcast-long-rows", f: func(xs []*Tensor) []*Tensor {
			return []*Tensor{Exp(Add(xs[0], xs[1])), Mul(xs[2], xs[0])}
		}, in: in([]int{3, long}, []int{long}, []int{3, 1})}, []uint8{intoBroadcast}},
		{jitCase{name: "sumto", f: func(xs []*Tensor) []*Tensor {
			x := xs[0]
			return []*Tensor{sumTo(x, []int{9}), sumTo(x, []int{6, 1}), sumTo(Reshape(x, 2, 3, 9), []int{3, 1}),
				Exp(sumTo(x, []int{1, 9}))}
		}, in: in([]int{6, 9})}, []uint8{intoSumTo}},
		{jitCase{name: "sumto-long-rows", f: func(xs []*Tensor) []*Tensor {
			x := xs[0]
			return []*Tensor{sumTo(x, []int{long}), sumTo(x, []int{3, 1}), sumTo(Reshape(x, long, 3), []int{3})}
		}, in: in([]int{3, long})}, []uint8{intoSumTo}},
		{jitCase{name: "sum", f: func(xs []*Tensor) []*Tensor {
			x := xs[0]
			return []*Tensor{Sum(x), Mul(Sum(Tanh(x)), 2.0), SumKeepDims(x, 0), SumKeepDims(x, 1), Sum(Reshape(x, 5, 2, 10), 0, 1),
				Exp(SumKeepDims(x, 1))}
		}, in: in([]int{10, 10})}, []uint8{intoSumAll, intoSumShort}},
		{jitCase{name: "reductions", f: func(xs []*Tensor) []*Tensor {
			x, w := xs[0], xs[1]
			outs := []*Tensor{SumKeepDims(w, 1), Sum(Reshape(w, 4, 5, 70), 1, 2), SumKeepDims(w, 0), Sum(Reshape(w, 2, 10, 70), 0, 1)}
			for _, red := range []func(*Tensor, ...int) *Tensor{MaxKeepDims, Max, Min, Prod} {
				outs = append(outs, red(x), red(x, 1), red(x, 0), red(w, 1), red(Reshape(w, 2, 10, 70), 0, 1), Exp(red(Tanh(w), 0)))
			}
			return outs
		}, in: func(k int) []*Tensor { return []*Tensor{special(rng.Normal(12, 10)), rng.Normal(20, 70)} }},
			[]uint8{intoSumAll, intoReduceRows, intoReduceCols}},
		{jitCase{name: "logsumexp", f: func(xs []*Tensor) []*Tensor {
			x, w := xs[0], xs[1]
			return []*Tensor{LogSumExp(x), LogSumExpKeepDims(x, 1), LogSumExpKeepDims(w, 1), LogSumExp(Reshape(w, 4, 5, 20), 1, 2),
				Exp(LogSumExpKeepDims(Tanh(w), 1)), Grad(func(y *Tensor) *Tensor { return Sum(LogSumExp(y, 1)) })(w)}
		}, in: func(k int) []*Tensor { return []*Tensor{special(rng.Normal(12, 10)), rng.Normal(4, 100)} }}, []uint8{intoLSEAll, intoLSERows}},
	}
	for _, tc := range cases {
		checkJitCase(t, tc.c)
		_, rec, ids := record("JitSlice", tc.c.f, tc.c.in(0))
		seen := map[uint8]bool{}
		for _, op := range build(rec, ids).code {
			if op.kind == opInto {
				seen[op.into.kind] = true
			}
		}
		for _, k := range tc.kinds {
			if !seen[k] {
				t.Errorf("%s: no operation of kind %d runs into a buffer", tc.c.name, k)
			}
		}
	}
}

// TestJitIntoResultsKept: results computed into buffers are new tensors at
// every replay: a result kept by the caller keeps its values through
// later calls, also when the caller drops the others and the garbage
// collector recycles their buffers.
func TestJitIntoResultsKept(t *testing.T) {
	f := JitSlice(func(xs []*Tensor) []*Tensor {
		h := Tanh(Add(MatMul(xs[0], xs[1]), xs[2]))
		return []*Tensor{h, sumTo(h, []int{300}), MatMul(xs[0], xs[1])}
	})
	rng := NewRNG(31)
	a, b, c := rng.Normal(40, 20), rng.Normal(20, 300), rng.Normal(300)
	f([]*Tensor{a, b, c}) // traces: its results are eager ones
	first := f([]*Tensor{a, b, c})
	want := [][]float64{first[0].Data(), first[1].Data(), first[2].Data()}
	for k := 0; k < 40; k++ {
		f([]*Tensor{rng.Normal(40, 20), b, rng.Normal(300)})
		if k%10 == 9 {
			runtime.GC()
			runtime.GC()
		}
	}
	for i, w := range want {
		if d, _ := jitDiff(New(w, first[i].shape...), first[i]); d != 0 {
			t.Errorf("result %d of the first call changed after later calls", i)
		}
	}
	// W1's six derivatives, computed in fused regions.
	f1, _ := jitW1()
	j1 := JitSlice(f1)
	j1([]*Tensor{Linspace(-7, 7, 200)})
	r1 := j1([]*Tensor{Linspace(-7, 7, 200)})
	want1 := make([][]float64, len(r1))
	for i, r := range r1 {
		want1[i] = r.Data()
	}
	for k := 0; k < 5; k++ {
		j1([]*Tensor{Linspace(-6-float64(k), 7, 200)})
	}
	for i, w := range want1 {
		if d, _ := jitDiff(New(w, 200), r1[i]); d != 0 {
			t.Errorf("W1: derivative %d of the first call changed after later calls", i+1)
		}
	}
}

// TestJitReplayAllocs bounds the allocations of a replay in steady state:
// beyond its kernels' own (ad/internal/gemm's parallel products, the
// goroutines of parallel elementwise loops, measured here op by op), a
// replay allocates only its results — a tensor and a buffer for each (at
// most: small results take recycled buffers), a
// 0-d result as one block — and, for JitSlice, the slice of them (Jit's
// one result needs none). A W3 gradient (JitSlice, five results) may
// allocate 2·4 + 1 + 1 = 10 plus its kernels'; an elementwise chain
// through Jit 2. The collector is off while it measures: each collection
// empties the sync.Pools (ad's recycled buffers, gemm's packing buffers),
// and a replay of W3 makes 1.6 MB of results, so with it on the count
// varied with the moment collections fell (CI's OpenBLAS stage saw 15
// where 12 was usual). Two more are allowed because a region runs on two
// cores only while that measured faster on recent replays, so the
// goroutines of a replay need not be those of its kernels run alone.
func TestJitReplayAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	runtime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	f3, xs3 := jitW3()
	chain := func(x *Tensor) *Tensor {
		return Mul(Tanh(Add(Mul(x, 0.5), Sin(x))), Exp(Neg(Square(x))))
	}
	xc := Linspace(-2, 2, 1000)
	type allocCase struct {
		name  string
		run   func()
		prog  *jitProg
		bound float64 // without the kernels' allocations
	}
	j3 := newJitted("JitSlice", f3)
	j3.call(xs3)
	// (Jit hides its jitted value: a second one, traced alike, shows the
	// program.)
	jc, jc2 := Jit(chain), newJitted("Jit", func(xs []*Tensor) []*Tensor { return []*Tensor{chain(xs[0])} })
	jc2.call([]*Tensor{xc})
	cases := []allocCase{
		{"W3", func() { j3.call(xs3) }, j3.entries[0].progs[0], 10},
		{"chain", func() { jc(xc) }, jc2.entries[0].progs[0], 2},
	}
	for _, c := range cases {
		for range 3 {
			c.run()
		}
		got := testing.AllocsPerRun(20, c.run)
		kernels := jitKernelAllocs(c.prog)
		if got > kernels+c.bound+2 {
			t.Errorf("%s: a replay allocates %.1f times, its kernels %.1f: more than %g + 2 besides", c.name, got, kernels, c.bound)
		}
		t.Logf("%s: %.1f allocations per replay, %.1f of them its kernels'", c.name, got, kernels)
	}
}

// jitKernelAllocs measures the allocations of p's products and long
// elementwise loops, each run alone into a buffer of its own.
func jitKernelAllocs(p *jitProg) float64 {
	total := 0.0
	buf := func(id int32) []float64 { return make([]float64, shapeNumel(p.shape(id))) }
	var each func(op *jitOp)
	each = func(op *jitOp) {
		switch {
		case op.kind == opInto && op.into.kind == intoMatMul:
			k := op.into
			a, b, dst := buf(op.args[0]), buf(op.args[1]), buf(op.out)
			total += testing.AllocsPerRun(5, func() { gemmRows("MatMul", k.m, k.k, k.n, a, b, dst, k.ta, k.tb) })
		case op.kind == opElem && shapeNumel(p.shape(op.out)) > interruptStride:
			var in [3][]float64
			for i, a := range op.args {
				in[i] = buf(a)
			}
			dst := buf(op.out)
			total += testing.AllocsPerRun(5, func() { runElem(op, dst, in[0], in[1], in[2]) })
		case op.kind == opFused:
			n := shapeNumel(p.shape(op.out))
			total += testing.AllocsPerRun(5, func() { parallelFor("fused", n, func(lo, hi int) {}) })
		}
	}
	for i := range p.code {
		each(&p.code[i])
	}
	return total
}

// TestJitIntoInterruptAndGuard: a replay made of operations run into its
// own buffers stops on an interrupt (inside its long sums and broadcasts,
// or between operations), leaves the results it returned before as they
// were, and replays correctly afterwards; a result it makes passes the
// allocation guard like any other.
func TestJitIntoInterruptAndGuard(t *testing.T) {
	// Not parallel: the interrupt flag and the guard's cache are
	// process-wide.
	f := func(xs []*Tensor) []*Tensor {
		x, r := xs[0], xs[1]
		y := Mul(Add(x, r), Reshape(sumTo(x, []int{x.shape[0], 1}), x.shape[0], 1))
		return []*Tensor{LogSumExpKeepDims(y, 1), sumTo(y, []int{x.shape[1]}), MatMul(y, Reshape(r, x.shape[1], 1))}
	}
	jf := JitSlice(f)
	rng := NewRNG(37)
	xs := []*Tensor{Mul(rng.Normal(64, 3*interruptStride), 0.01), rng.Normal(3 * interruptStride)}
	first := jf(xs)
	keep := [][]float64{first[0].Data(), first[1].Data(), first[2].Data()}
	done := make(chan error, 1)
	go func() {
		done <- Catch(func() {
			for {
				jf(xs)
			}
		})
	}()
	time.Sleep(20 * time.Millisecond)
	interruptAndWait(t, done)
	want, got := f(xs), jf(xs)
	for i := range want {
		if d, err := jitDiff(want[i], got[i]); err != nil || d != 0 {
			t.Errorf("after an interrupt: result %d differs by %g (%v)", i, d, err)
		}
		if d, _ := jitDiff(New(keep[i], first[i].shape...), first[i]); d != 0 {
			t.Errorf("result %d of an earlier call changed", i)
		}
	}

	// The guard: a result above guardThreshold, with the available memory
	// made to look smaller than it.
	big := JitSlice(func(xs []*Tensor) []*Tensor { return []*Tensor{Add(xs[0], xs[1])} })
	a, row := Zeros(guardThreshold/8/1000+1, 1), Zeros(1000)
	big([]*Tensor{a, row})
	memInfo.Lock()
	memInfo.avail, memInfo.at = 1<<20, time.Now().Add(time.Hour)
	memInfo.Unlock()
	err := Catch(func() { big([]*Tensor{a, row}) })
	memInfo.Lock()
	memInfo.at = time.Time{}
	memInfo.Unlock()
	if !errors.Is(err, ErrMemory) {
		t.Errorf("a replay whose result does not fit: %v, want ErrMemory", err)
	}
	if r := big([]*Tensor{a, row}); !sameShape(r[0].shape, []int{a.shape[0], 1000}) {
		t.Errorf("after the guard: shape %v", r[0].shape)
	}
}
