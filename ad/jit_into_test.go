package ad

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"testing"
	"time"
	"unsafe"
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
		{jitCase{name: "broadcast-sumto-wide", f: func(xs []*Tensor) []*Tensor {
			// Matrices of 97×131 and 128×256 values; SumTo's rows of 131
			// and 256 through addRow.
			a, r, c, w := xs[0], xs[1], xs[2], xs[3]
			return []*Tensor{Add(a, r), Mul(c, a), Sub(r, c), Tanh(Add(w, Reshape(Sum(Reshape(w, 256, 128), 1), 1, 256))), Tanh(Add(w, Reshape(Sum(w, 1), 128, 1))),
				sumTo(w, []int{256}), sumTo(a, []int{131})}
		}, in: in([]int{97, 131}, []int{131}, []int{97, 1}, []int{128, 256})}, []uint8{intoBroadcast, intoSumTo}},
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
		// (20 values and one: results allocated with their tensor.)
		return []*Tensor{h, sumTo(h, []int{300}), MatMul(xs[0], xs[1]), sumTo(Sin(xs[0]), []int{20}), Sum(h)}
	})
	rng := NewRNG(31)
	a, b, c := rng.Normal(40, 20), rng.Normal(20, 300), rng.Normal(300)
	f([]*Tensor{a, b, c}) // traces: its results are eager ones
	first := f([]*Tensor{a, b, c})
	var want [][]float64
	for _, r := range first {
		want = append(want, r.Data())
	}
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
// beyond its products' own (ad/internal/gemm's, measured here product by
// product: none once its jobs are reused), a replay allocates only its
// results — a tensor and a buffer for each, one block for a result of
// fewer than 128 values (newResult) — and, for JitSlice, the slice of them
// (Jit's one result needs none). Long elementwise kernels run on gemm's
// long-lived helpers and start no goroutine; fused regions shared by the
// cores go to parked region workers, but start one when none is waiting
// yet (the caller moves on to the next region while the worker parks), so
// W1, many regions, is not counted here. A W3
// gradient (JitSlice; the value, b2's 10 values, and three larger
// gradients) allocates 1 + 1 + 2·3 + 1 = 9; an elementwise chain through
// Jit 2, EW (through JitSlice) 3. Once Release has been used in the
// process, Jit and JitSlice also record each result of 128 values or more
// as the sole owner of its buffer, at the cost of its weak pointer's
// handle (release.go): W3 12, the chain 3, EW 4. Given back (release.go),
// a W3 gradient whose results are released after use allocates 11 (its
// three large buffers come from the pool: the tensors, the value's and
// b2's blocks, the slice and the three weak handles are new, and the
// value and b2's gradient, not recorded, get an entry and a handle as
// released tensors), and one whose results are donated to the next call
// (JitSliceTo, JitTo) nothing. The
// collector is off while it measures: each collection empties the
// sync.Pools (ad's recycled buffers, gemm's packing buffers) and returns
// dropped buffers (memory.go), so with it on the count varied with the
// moment collections fell; with it off every result buffer is new. One
// more is allowed for a product that, under load, finds its job still
// held by a helper of the previous one and takes a new one (gemm's
// TestParallelAllocs). It counts the process's allocations at two cores
// at least (testing.AllocsPerRun sets GOMAXPROCS to 1, and every kernel
// would run alone).
func TestJitReplayAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	runtime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
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
		// bytes bounds the bytes allocated per replay (0: not checked):
		// results given back take no new buffer.
		bytes float64
	}
	j3 := newJitted("JitSlice", f3)
	j3.call(xs3)
	// (Jit hides its jitted value: a second one, traced alike, shows the
	// program.)
	jc, jc2 := Jit(chain), newJitted("Jit", func(xs []*Tensor) []*Tensor { return []*Tensor{chain(xs[0])} })
	jc2.call([]*Tensor{xc})
	// EW: one kernel on 1e6 values, in chunks on both cores.
	fe, xse := jitEW()
	je := newJitted("JitSlice", fe)
	je.call(xse)
	// The same with the results given back (release.go): released after
	// use, W3 allocates only its result tensors' headers (its three
	// large buffers come from the pool; the value and b2's gradient are
	// one block each) and the slice; donated (JitSliceTo, JitTo), nothing.
	rel3 := func() { Release(j3.call(xs3)...) }
	// The plain cases are measured as in a process that never released
	// (other tests may have), and again after a Release.
	was := releaseUsed.Load()
	defer releaseUsed.Store(was)
	releaseUsed.Store(false)
	used := func(f func()) func() { return func() { releaseUsed.Store(true); f() } }
	d3 := JitSliceTo(f3)
	var outs3 []*Tensor
	to3 := func() { outs3 = d3(outs3, xs3) }
	dc := JitTo(chain)
	var yc *Tensor
	toc := func() { yc = dc(yc, xc) }
	de := JitTo(func(x *Tensor) *Tensor { return fe([]*Tensor{x})[0] })
	var ye *Tensor
	toe := func() { ye = de(ye, xse[0]) }
	cases := []allocCase{
		{"W3", func() { j3.call(xs3) }, j3.entries[0].progs[0], 9, 0},
		{"chain", func() { jc(xc) }, jc2.entries[0].progs[0], 2, 0},
		{"EW", func() { je.call(xse) }, je.entries[0].progs[0], 2 + 1, 0},
		{"W3 after a Release", used(func() { j3.call(xs3) }), j3.entries[0].progs[0], 9 + 3, 0},
		{"EW after a Release", used(func() { je.call(xse) }), je.entries[0].progs[0], 2 + 1 + 1, 0},
		// (Its 1.6 MB buffer comes back through its pool's spare,
		// whichever core the next replay runs on: through the sync.Pool
		// alone, one replay in 20 missed it under load.)
		{"W3 released", rel3, j3.entries[0].progs[0], 1 + 1 + 3 + 1 + 3 + 2, 2048},
		{"W3 donated", to3, j3.entries[0].progs[0], 0, 512},
		{"chain donated", toc, jc2.entries[0].progs[0], 0, 512},
		{"EW donated", toe, je.entries[0].progs[0], 0, 512},
	}
	for _, c := range cases {
		for range 3 {
			c.run()
		}
		got := processAllocs(20, c.run)
		kernels := jitKernelAllocs(c.prog)
		if got > kernels+c.bound+1 {
			t.Errorf("%s: a replay allocates %.1f times, its products %.1f: more than %g + 1 besides", c.name, got, kernels, c.bound)
		}
		t.Logf("%s: %.1f allocations per replay, %.1f of them its products'", c.name, got, kernels)
		if c.bytes > 0 {
			if b := processBytes(20, c.run); b > c.bytes {
				t.Errorf("%s: a replay allocates %.0f bytes, want at most %g (no new result buffer)", c.name, b, c.bytes)
			}
		}
	}
}

// processBytes is processAllocs counting bytes.
func processBytes(runs int, f func()) float64 {
	return processMean(runs, f, func(ms *runtime.MemStats) uint64 { return ms.TotalAlloc })
}

// processAllocs is testing.AllocsPerRun without its GOMAXPROCS of 1: the
// mean number of heap allocations of the process per call of f.
func processAllocs(runs int, f func()) float64 {
	return processMean(runs, f, func(ms *runtime.MemStats) uint64 { return ms.Mallocs })
}

// processMean returns the mean growth per call of f of the counter of
// the process's memory statistics that count reads.
func processMean(runs int, f func(), count func(*runtime.MemStats) uint64) float64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	c0 := count(&ms)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&ms)
	return float64(count(&ms)-c0) / float64(runs)
}

// jitKernelAllocs measures the allocations of p's products, each run
// alone into a buffer of its own.
func jitKernelAllocs(p *jitProg) float64 {
	total := 0.0
	buf := func(id int32) []float64 { return make([]float64, shapeNumel(p.shape(id))) }
	for i := range p.code {
		if op := &p.code[i]; op.kind == opInto && op.into.kind == intoMatMul {
			k := op.into
			a, b, dst := buf(op.args[0]), buf(op.args[1]), buf(op.out)
			mm := func() { gemmRows("MatMul", k.m, k.k, k.n, a, b, dst, k.ta, k.tb) }
			mm()
			total += processAllocs(5, mm)
		}
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

// TestJitLongElemShared: long elementwise kernels (also transcendental
// ones of heavyParMin to parallelThreshold values) and fused regions,
// whose chunks a replay shares with ad/internal/gemm's helpers, give
// eager's bits on every call, from several goroutines at once (each
// replay with its own state, the helpers shared); the results of earlier
// calls, kept, keep their values; an interrupt stops a replay inside such
// a kernel and the function replays correctly afterwards.
func TestJitLongElemShared(t *testing.T) {
	for _, n := range []int{3*parallelThreshold + 5, heavyParMin + 3, 2*interruptStride + 1} {
		testJitLongElemShared(t, n)
	}
}

func testJitLongElemShared(t *testing.T, n int) {
	fs := []struct {
		name string
		f    func(xs []*Tensor) []*Tensor
	}{
		{"one kernel", func(xs []*Tensor) []*Tensor { return []*Tensor{Tanh(xs[0])} }},
		{"a tanh's gradient", func(xs []*Tensor) []*Tensor {
			return []*Tensor{Grad(func(x *Tensor) *Tensor { return Sum(Mul(Tanh(x), x)) })(xs[0])}
		}},
		{"kernels and a region", func(xs []*Tensor) []*Tensor {
			x := xs[0]
			a := Exp(Neg(Square(x)))
			return []*Tensor{Mul(Tanh(Add(Mul(x, 0.5), Sin(x))), a), Sum(a)}
		}},
	}
	for _, c := range fs {
		jf := JitSlice(c.f)
		input := func(k int) *Tensor { return Linspace(-3-float64(k), 4+0.5*float64(k), n) }
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var kept [][]*Tensor
				var xs []*Tensor
				for k := range 6 {
					x := input(4*k + g)
					xs = append(xs, x)
					kept = append(kept, jf([]*Tensor{x}))
				}
				for k, outs := range kept {
					for i, w := range c.f([]*Tensor{xs[k]}) {
						if d, err := jitDiff(w, outs[i]); err != nil || d != 0 {
							errs <- fmt.Errorf("goroutine %d, call %d, result %d: differs from eager by %g (%v) after later calls", g, k, i, d, err)
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("n=%d, %s: %v", n, c.name, err)
		}

		done := make(chan error, 1)
		go func() {
			done <- Catch(func() {
				for {
					jf([]*Tensor{input(0)})
				}
			})
		}()
		time.Sleep(20 * time.Millisecond)
		interruptAndWait(t, done)
		x := input(1)
		for i, w := range c.f([]*Tensor{x}) {
			if d, err := jitDiff(w, jf([]*Tensor{x})[i]); err != nil || d != 0 {
				t.Errorf("n=%d, %s: after an interrupt, result %d differs by %g (%v)", n, c.name, i, d, err)
			}
		}
	}
}

// TestJitSpares: a large result of a replay that the caller drops comes
// back, once the collector finds that nothing refers to its buffer, as the
// buffer of a later result of the same program (jitOut's spares); a buffer
// that something still refers to — the result, a view of it — is never
// handed out again, and the values seen through it never change.
func TestJitSpares(t *testing.T) {
	const n = jitBackMin + 1 // (even, for a Reshape below)
	f := func(xs []*Tensor) []*Tensor { return []*Tensor{Tanh(Mul(xs[0], 2))} }
	x := Linspace(-1, 1, n)
	want := Tanh(Mul(x, 2)).Data()
	j := newJitted("JitSlice", f)
	xs := []*Tensor{x}
	j.call(xs) // traces
	var q *jitOut
	for _, r := range j.entries[0].progs[0].results {
		if r.n == n {
			q = r
		}
	}
	if q == nil {
		t.Fatalf("no result of %d values in the program", n)
	}
	// spareAt waits (a few collections at most) until the buffer at p
	// is one of q's spares; after each collection it waits for the
	// finalizers' goroutine before forcing another, which would free an
	// untaken spare.
	spareAt := func(p uintptr) bool {
		for range 50 {
			runtime.GC()
			for range 200 {
				for i := range q.spares {
					if e := q.spares[i].Load(); e != nil && uintptr(unsafe.Pointer(e.Value())) == p {
						return true
					}
				}
				runtime.Gosched()
				time.Sleep(50 * time.Microsecond)
			}
		}
		return false
	}
	numGC := func() uint32 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.NumGC
	}
	// A dropped result's buffer comes back and is the next result's,
	// unless a collection came in between (then try again).
	var r *Tensor
	for try := 0; ; try++ {
		p := uintptr(unsafe.Pointer(unsafe.SliceData(j.call(xs)[0].data)))
		if !spareAt(p) {
			t.Fatalf("a dropped result's buffer did not come back as a spare")
		}
		gc := numGC()
		r = j.call(xs)[0]
		got := uintptr(unsafe.Pointer(unsafe.SliceData(r.data)))
		if got == p {
			break
		}
		if numGC() == gc || try == 5 {
			t.Fatalf("the next result did not take the spare: buffer %#x, want %#x", got, p)
		}
	}
	if !slices.Equal(r.Data(), want) {
		t.Errorf("a result computed into a spare has wrong values")
	}
	// A spare that no replay takes is freed by the next collection: a
	// program not being called keeps nothing.
	p := uintptr(unsafe.Pointer(unsafe.SliceData(r.data)))
	r = nil
	if !spareAt(p) {
		t.Fatalf("a dropped result's buffer did not come back as a spare")
	}
	runtime.GC()
	runtime.GC()
	for i := range q.spares {
		if e := q.spares[i].Load(); e != nil && e.Value() != nil {
			t.Errorf("spare %d still holds a buffer after two collections without a replay", i)
		}
	}
	// Whatever still refers to a result keeps its buffer from coming
	// back, and its values stay.
	keepers := []struct {
		name string
		keep func(r *Tensor) *Tensor // what is kept, reading the values
	}{
		{"the result itself", func(r *Tensor) *Tensor { return r }},
		{"a Reshape view", func(r *Tensor) *Tensor { return Reshape(r, 2, -1) }},
	}
	for _, k := range keepers {
		r := j.call(xs)[0]
		p := uintptr(unsafe.Pointer(unsafe.SliceData(r.data)))
		kept := k.keep(r)
		r = nil
		for range 8 {
			for _, y := range j.call([]*Tensor{Mul(x, -1)}) {
				if uintptr(unsafe.Pointer(unsafe.SliceData(y.data))) == p {
					t.Errorf("%s: its buffer was handed out again", k.name)
				}
			}
			runtime.GC()
			runtime.Gosched()
		}
		if !slices.Equal(kept.Data(), want) {
			t.Errorf("%s: the values seen through it changed", k.name)
		}
		runtime.KeepAlive(kept)
	}
}
