package ad

import (
	"errors"
	"math"
	"runtime"
	"runtime/debug"
	"slices"
	"testing"
	"unsafe"
)

// jitResult returns a result of a jitted function of n values (n ≥
// recycleMin, so that its buffer is recyclable) that the caller owns alone,
// and the jitted function.
func jitResult(t *testing.T, n int) (*Tensor, func(*Tensor) *Tensor, *Tensor) {
	t.Helper()
	// JitTo's results are recorded whatever their size (a plain Jit's
	// only above jitPooledMax values).
	g := JitTo(func(x *Tensor) *Tensor { return Tanh(Mul(x, 2)) })
	f := func(x *Tensor) *Tensor { return g(nil, x) }
	x := Linspace(-1, 1, n)
	f(x) // traces
	r := f(x)
	if r.ownership() != ownSole {
		t.Fatalf("a replay's result: own = %d, want ownSole", r.ownership())
	}
	return r, f, x
}

// mustPanicReleased runs use and checks that it panics with an *Error
// wrapping ErrReleased.
func mustPanicReleased(t *testing.T, name string, use func()) {
	t.Helper()
	err := Catch(use)
	if !errors.Is(err, ErrReleased) {
		t.Errorf("%s after Release: got error %v, want ErrReleased", name, err)
	}
}

// TestReleaseUseAfter: every use of a released tensor panics with
// ErrReleased, whether its buffer was recycled (a jitted result) or not
// (an eager value), and Release itself is idempotent and accepts nil.
func TestReleaseUseAfter(t *testing.T) {
	uses := []struct {
		name string
		use  func(x *Tensor)
	}{
		{"Add", func(x *Tensor) { Add(x, 1) }},
		{"Add as second operand", func(x *Tensor) { Add(1, x) }},
		{"Sum", func(x *Tensor) { Sum(x) }},
		{"Reshape", func(x *Tensor) { Reshape(x, -1, 2) }},
		{"MatMul", func(x *Tensor) { MatMul(Reshape(Ones(256), 1, 256), Reshape(x, 256, 1)) }},
		{"StopGradient", func(x *Tensor) { StopGradient(x) }},
		{"Data", func(x *Tensor) { x.Data() }},
		{"Shape", func(x *Tensor) { x.Shape() }},
		{"Size", func(x *Tensor) { x.Size() }},
		{"NDim", func(x *Tensor) { x.NDim() }},
		{"At", func(x *Tensor) { x.At(0) }},
		{"String", func(x *Tensor) { _ = x.String() }},
		{"AtIndex", func(x *Tensor) { x.AtIndex(0).Set(1) }},
		{"Grad", func(x *Tensor) { Grad(func(y *Tensor) *Tensor { return Sum(Square(y)) })(x) }},
		{"as a constant in Grad", func(x *Tensor) {
			Grad(func(y *Tensor) *Tensor { return Sum(Mul(y, x)) })(Ones(256))
		}},
		{"jitted input", func(x *Tensor) { Jit(func(y *Tensor) *Tensor { return Exp(y) })(x) }},
		{"Indexer.Set value", func(x *Tensor) { Zeros(2, 256).AtIndex(0).Set(x) }},
		{"Optimizer.Step", func(x *Tensor) { NewSGD(0.1, 0).Step([]*Tensor{Ones(256)}, []*Tensor{x}) }},
		{"CustomPrimitive.Call", func(x *Tensor) {
			NewPrimitive("Twice", func(a []*Tensor) *Tensor { return Mul(a[0], 2) }).Call(x)
		}},
	}
	makers := []struct {
		name string
		make func(t *testing.T) *Tensor
	}{
		{"jitted result", func(t *testing.T) *Tensor { r, _, _ := jitResult(t, 256); return r }},
		{"eager value", func(*testing.T) *Tensor { return Exp(Linspace(0, 1, 256)) }},
	}
	for _, m := range makers {
		for _, u := range uses {
			x := m.make(t)
			x.Release()
			x.Release() // idempotent
			mustPanicReleased(t, m.name+": "+u.name, func() { u.use(x) })
		}
	}
	// An Indexer made before the release.
	x := Exp(Linspace(0, 1, 256))
	ix := x.AtIndex(0)
	x.Release()
	mustPanicReleased(t, "Indexer of a released tensor", func() { ix.Set(1) })
	var nilT *Tensor
	nilT.Release()
	Release(nil, nilT)
	// The scalar value of a jitted gradient.
	g := JitSlice(func(xs []*Tensor) []*Tensor { return []*Tensor{Sum(Square(xs[0]))} })
	xs := []*Tensor{Linspace(0, 1, 5)}
	g(xs)
	v := g(xs)[0]
	Release(v)
	mustPanicReleased(t, "Item of a released scalar", func() { v.Item() })
}

// TestReleaseRecycles: releasing a jitted result that nothing else refers
// to hands its buffer to the next result of its length; any other
// reference (a view, a captured constant, a trace) keeps the buffer from
// being reused, and the values seen through it never change.
func TestReleaseRecycles(t *testing.T) {
	// One P and no collection: the pool's Put and Get meet.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	const n = 1 << 14 // above jitPooledMax: jitOut.get's own path
	for _, size := range []int{300, n} {
		r, f, x := jitResult(t, size)
		p := unsafe.SliceData(r.data)
		r.Release()
		if r.data != nil {
			t.Errorf("%d values: a released result keeps its buffer", size)
		}
		r2 := f(x)
		// (The race detector makes sync.Pool drop buffers at random.)
		if !raceEnabled && unsafe.SliceData(r2.data) != p {
			t.Errorf("%d values: the next result did not reuse the released buffer", size)
		}
	}
	// Large buffers come back whichever goroutine (and core) asks, even
	// under the race detector (a pool's spare, not its sync.Pool).
	runtime.GOMAXPROCS(2)
	r, f, x := jitResult(t, n)
	p := unsafe.SliceData(r.data)
	r.Release()
	got := make(chan *Tensor)
	go func() { got <- f(x) }()
	if r2 := <-got; unsafe.SliceData(r2.data) != p {
		t.Errorf("%d values: a result made on another goroutine did not reuse the released buffer", n)
	}
	keepers := []struct {
		name string
		keep func(r *Tensor) (*Tensor, func() *Tensor) // a live reference and how to read it
	}{
		{"Reshape view", func(r *Tensor) (*Tensor, func() *Tensor) {
			v := Reshape(r, 2, -1)
			return v, func() *Tensor { return v }
		}},
		{"captured by a jitted function", func(r *Tensor) (*Tensor, func() *Tensor) {
			g := Jit(func(y *Tensor) *Tensor { return Add(y, r) })
			z := Zeros(r.shape...)
			g(z)
			return r, func() *Tensor { return g(z) }
		}},
		{"returned by a jitted function", func(r *Tensor) (*Tensor, func() *Tensor) {
			g := JitSlice(func(ys []*Tensor) []*Tensor { return []*Tensor{Exp(ys[0]), r} })
			z := []*Tensor{Zeros(3)}
			g(z)
			// (g returns r itself, as f does: released with it.)
			return r, func() *Tensor { return nil }
		}},
		{"used in a Grad", func(r *Tensor) (*Tensor, func() *Tensor) {
			Grad(func(y *Tensor) *Tensor { return Sum(Mul(y, r)) })(Ones(r.shape...))
			return r, func() *Tensor { return nil }
		}},
	}
	for _, k := range keepers {
		r, f, x := jitResult(t, n)
		want := r.Data()
		p := unsafe.SliceData(r.data)
		_, read := k.keep(r)
		x2 := Mul(x, -1)
		r.Release()
		r2 := f(x2) // another result of the same length
		if unsafe.SliceData(r2.data) == p {
			t.Errorf("%s: the released buffer was reused while another reference to it lives", k.name)
		}
		if v := read(); v != nil && !slices.Equal(v.Data(), want) {
			t.Errorf("%s: the values seen through the other reference changed", k.name)
		}
	}
	// Releasing a view leaves the viewed tensor alone.
	r, _, _ = jitResult(t, n)
	want := r.Data()
	v := Reshape(r, 2, -1)
	v.Release()
	if !slices.Equal(r.Data(), want) {
		t.Errorf("releasing a view changed the viewed tensor")
	}
}

// TestReleaseTraced: a value traced by a running differentiation cannot
// be released.
func TestReleaseTraced(t *testing.T) {
	var err error
	Grad(func(y *Tensor) *Tensor {
		err = Catch(func() { y.Release() })
		return Sum(y)
	})(Ones(3))
	if !errors.Is(err, ErrArgument) {
		t.Errorf("Release of a traced value: got %v, want ErrArgument", err)
	}
}

// TestJitSliceTo: a loop donating its results gets, at every call, the
// values JitSlice gives, bit for bit, in the donated tensors from the
// third call on (the first call's results are the trace's, which the
// caller does not own alone); donated tensors it cannot take are released.
func TestJitSliceTo(t *testing.T) {
	f3, xs3 := jitW3()
	ref := JitSlice(f3)
	step := JitSliceTo(f3)
	var outs []*Tensor
	for it := range 5 {
		xs := []*Tensor{Mul(xs3[0], 1+0.1*float64(it)), xs3[1], xs3[2], xs3[3]}
		prev := slices.Clone(outs)
		outs = step(outs, xs)
		want := ref(xs)
		for i := range want {
			if d, _ := jitDiff(want[i], outs[i]); d != 0 {
				t.Errorf("call %d: result %d differs from JitSlice's", it, i)
			}
		}
		if it >= 2 {
			for i := range outs {
				if outs[i] != prev[i] {
					t.Errorf("call %d: result %d is a new tensor, want the donated one", it, i)
				}
			}
		}
		for i, p := range prev {
			if p != outs[i] {
				mustPanicReleased(t, "a donated tensor not returned", func() { p.Data() })
			}
		}
	}
	// Donated tensors the call cannot take: of another shape, viewed,
	// an input. Each result is then new and the donated tensor released;
	// the view keeps its values.
	x := Linspace(-1, 1, 300)
	g := JitTo(func(y *Tensor) *Tensor { return Sin(y) })
	y := g(nil, x)
	y = g(y, x)
	view := Reshape(y, 3, 100)
	want := view.Data()
	y2 := g(y, Mul(x, 2))
	if y2 == y {
		t.Errorf("a viewed tensor was overwritten")
	}
	if !slices.Equal(view.Data(), want) {
		t.Errorf("the view of a donated tensor changed")
	}
	mustPanicReleased(t, "a viewed donated tensor", func() { y.Data() })
	z := g(nil, x)
	z = g(z, x)
	if w := g(z, z); w == z || math.Abs(w.At(0)-math.Sin(math.Sin(-1))) > 1e-15 {
		t.Errorf("donated tensor that is also the input: got %v (same tensor %v), want a new sin(sin(-1))", w.At(0), w == z)
	}
	other := g(g(nil, x), x)
	if w := g(other, Linspace(0, 1, 7)); w == other || w.Size() != 7 {
		t.Errorf("donated tensor of another shape was returned")
	}
	mustPanicReleased(t, "a donated tensor of another shape", func() { other.Data() })
}

// TestReleaseConcurrentUse: goroutines using one sole tensor at once
// (views of it made concurrently) share it without a data race (run with
// -race) and leave it shared: its buffer is not recycled on Release.
func TestReleaseConcurrentUse(t *testing.T) {
	r, _, _ := jitResult(t, 1<<12)
	want := r.Data()
	done := make(chan *Tensor)
	for range 4 {
		go func() { done <- Reshape(r, 2, -1) }()
	}
	views := make([]*Tensor, 4)
	for i := range views {
		views[i] = <-done
	}
	if r.ownership() != ownShared {
		t.Fatalf("after concurrent views: own = %d, want ownShared", r.ownership())
	}
	r.Release()
	Exp(Ones(1 << 12)) // would take a recycled buffer
	for i, v := range views {
		if !slices.Equal(v.Data(), want) {
			t.Errorf("view %d changed after Release", i)
		}
	}
}

// TestDonatedOnPanic: a donated tensor is released when the call panics
// (here an interrupt before the replay starts, which would otherwise leave
// it holding whatever the replay had written), and a JitTo whose function
// returns its input returns the donated input, not released.
func TestDonatedOnPanic(t *testing.T) {
	// Not parallel: the interrupt flag is process-wide.
	x := Linspace(-1, 1, 300)
	g := JitTo(func(y *Tensor) *Tensor { return Exp(y) })
	y := g(g(nil, x), x)
	Interrupt()
	err := Catch(func() { g(y, x) })
	ResetInterrupt()
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted call: got %v, want ErrInterrupted", err)
	}
	mustPanicReleased(t, "a tensor donated to an interrupted call", func() { y.Data() })
	if z := g(nil, x); z.At(0) != math.Exp(-1) {
		t.Errorf("after the interrupt: got %v, want exp(-1)", z.At(0))
	}
	id := JitTo(func(y *Tensor) *Tensor { return y })
	w := Linspace(0, 1, 5)
	if r := id(w, w); r != w || errors.Is(Catch(func() { r.Data() }), ErrReleased) {
		t.Errorf("identity with its input donated: the result was released or is another tensor")
	}
}

// TestOwnedRecycledAddress: an entry of the side table whose tensor was
// collected is never taken for the tensor that now has its address (its
// weak pointer tells them apart): the new tensor is not sole, Release
// does not recycle its buffer, a call does not take it as a donated
// tensor, and a view of it keeps its values.
func TestOwnedRecycledAddress(t *testing.T) {
	noSweep.Store(true)
	defer noSweep.Store(false)
	// A stale entry made by hand: y has the address of a tensor that was
	// recorded sole and collected (the entry's weak pointer is another
	// tensor's, here a dead one).
	x := Linspace(-1, 1, 300)
	y := Exp(x)
	dead := &Tensor{shape: []int{300}, data: make([]float64, 300)}
	owned.mu.Lock()
	addEntry(dead, ownSole)
	e := owned.m[uintptr(unsafe.Pointer(dead))]
	delete(owned.m, uintptr(unsafe.Pointer(dead)))
	owned.m[uintptr(unsafe.Pointer(y))] = e
	ownFilter.Load().set(y) // as addEntry would have for the dead tensor
	owned.n.Store(int32(len(owned.m)))
	owned.mu.Unlock()
	if o := y.ownership(); o != ownShared {
		t.Fatalf("a tensor at the address of a stale entry: own = %d, want ownShared", o)
	}
	checkNotReused(t, "stale entry", y) // (releases y)
	y = Exp(x)

	// The same with addresses the runtime reuses: record tensors, drop
	// them, collect (their weak pointers become nil, and the sweep is
	// off), then make tensors of the same size class until some get
	// recorded addresses.
	g := JitTo(func(v *Tensor) *Tensor { return Mul(v, 3) })
	g(nil, x)
	addrs := map[uintptr]bool{}
	for range 200 {
		r := g(nil, x)
		if r.ownership() != ownSole {
			t.Fatalf("a JitTo result is not recorded sole")
		}
		addrs[uintptr(unsafe.Pointer(r))] = true
	}
	runtime.GC()
	runtime.GC()
	reused := 0
	var keep []*Tensor
	for range 4000 {
		v := Reshape(y, 3, 100) // a header of a tensor's size class
		keep = append(keep, v)
		if addrs[uintptr(unsafe.Pointer(v))] {
			reused++
			if o := v.ownership(); o != ownShared {
				t.Fatalf("a view at a collected sole tensor's address: own = %d, want ownShared", o)
			}
		}
	}
	t.Logf("%d of 4000 new tensors at the address of a collected sole one", reused)
	for _, v := range keep {
		if d := v.Data(); d[0] != y.At(0) {
			t.Fatalf("a view changed")
		}
	}
	// Release of such tensors does not recycle y's buffer.
	want := y.Data()
	for _, v := range keep {
		v.Release()
	}
	Exp(Mul(x, 2)) // would take a recycled buffer of 300 values
	if !slices.Equal(y.Data(), want) {
		t.Errorf("releasing the views changed the viewed tensor")
	}
}

// checkNotReused checks that y (not sole) is neither recycled by Release
// nor taken as a donated tensor, through a view kept of it.
func checkNotReused(t *testing.T, name string, y *Tensor) {
	t.Helper()
	v := Reshape(y, 1, -1)
	want := v.Data()
	g := JitTo(func(z *Tensor) *Tensor { return Sin(z) })
	x := Linspace(0, 1, y.Size())
	g(nil, x)
	if r := g(y, x); r == y {
		t.Errorf("%s: a tensor not sole was taken as a donated one", name)
	}
	p := unsafe.SliceData(v.data)
	for range 4 {
		if r := g(nil, x); unsafe.SliceData(r.data) == p {
			t.Errorf("%s: the buffer of a tensor not sole was reused", name)
		}
	}
	if !slices.Equal(v.Data(), want) {
		t.Errorf("%s: the values of a tensor not sole changed", name)
	}
}

// TestReleaseReplayedView: a replay whose result views its input (a
// jitted Reshape) shares the input, which is then neither recycled by
// Release nor taken as a donated tensor.
func TestReleaseReplayedView(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	for _, n := range []int{300, 1 << 14} {
		r, f, x := jitResult(t, n)
		view := Jit(func(y *Tensor) *Tensor { return Reshape(y, 2, -1) })
		view(Ones(n)) // traces
		v := view(r)  // a replay: v views r
		if o := r.ownership(); o != ownShared {
			t.Errorf("%d values: an input viewed by a replay's result: own = %d, want ownShared", n, o)
		}
		want := v.Data()
		p := unsafe.SliceData(r.data)
		r.Release()
		for range 3 {
			if r2 := f(Mul(x, -1)); unsafe.SliceData(r2.data) == p {
				t.Errorf("%d values: a buffer viewed by a replay's result was recycled", n)
			}
		}
		if !slices.Equal(v.Data(), want) {
			t.Errorf("%d values: the view's values changed", n)
		}
	}
}

// TestOwnedConcurrent: goroutines making, viewing, donating and releasing
// recorded tensors at once (run with -race) get the values computed for
// them, and a view's values never change.
func TestOwnedConcurrent(t *testing.T) {
	g := JitTo(func(v *Tensor) *Tensor { return Add(Mul(v, 2), 1) })
	x := Linspace(-1, 1, 1<<13+1) // above jitPooledMax
	g(nil, x)
	errs := make(chan string, 8)
	done := make(chan struct{})
	for w := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			xw := Mul(x, float64(w+1))
			want := Add(Mul(xw, 2), 1).Data()
			var y *Tensor
			var views []*Tensor
			for it := range 50 {
				y = g(y, xw)
				if !slices.Equal(y.Data(), want) {
					errs <- "a donated result differs"
					return
				}
				if it%5 == 0 {
					views = append(views, Reshape(y, 1, -1)) // y is shared from now on
				}
				if it%7 == 0 {
					y.Release()
					y = nil
				}
			}
			for _, v := range views {
				if !slices.Equal(v.Data(), want) {
					errs <- "a view changed"
					return
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestOwnedEagerEmpty: eager differentiation adds nothing to the side
// table, so its checks stay one atomic load.
func TestOwnedEagerEmpty(t *testing.T) {
	n0 := owned.n.Load()
	x := Linspace(-1, 1, 300)
	Grad(func(y *Tensor) *Tensor { return Sum(Tanh(Reshape(y, 3, 100))) })(x)
	Exp(x)
	if n := owned.n.Load(); n > n0 {
		t.Errorf("eager differentiation added %d entries to the side table", n-n0)
	}
}

// TestReleasePlainJit: Jit's results are recorded as sole owners only
// once Release has been used in the process, and only those of
// recycleMin values or more; the first release marks its tensor.
func TestReleasePlainJit(t *testing.T) {
	was := releaseUsed.Load()
	defer releaseUsed.Store(was)
	releaseUsed.Store(false)
	f := Jit(func(x *Tensor) *Tensor { return Exp(x) })
	x, xs := Linspace(0, 1, 300), Linspace(0, 1, recycleMin-1)
	f(x)
	f(xs)
	r := f(x)
	if o := r.ownership(); o != ownShared {
		t.Errorf("a Jit result before any Release: own = %d, want ownShared", o)
	}
	r.Release()
	mustPanicReleased(t, "a Jit result released before any other", func() { r.Data() })
	if o := f(x).ownership(); o != ownSole {
		t.Errorf("a Jit result of 300 values after a Release: own = %d, want ownSole", o)
	}
	if o := f(xs).ownership(); o != ownShared {
		t.Errorf("a Jit result of %d values: own = %d, want ownShared", recycleMin-1, o)
	}
}
