package ad

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"
	"time"
	"unsafe"
)

// Tests of the buffers the garbage collector returns (gcReturn).

// gcUntil runs collections until cond holds (finalizers run on their own
// goroutine after a collection), for at most wait; it reports whether cond
// held.
func gcUntil(wait time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		runtime.GC()
		for i := 0; i < 20; i++ {
			if cond() {
				return true
			}
			time.Sleep(time.Millisecond)
		}
	}
	return false
}

// TestGCReturnLives checks that a dropped buffer comes back through its
// finalizer, at most 1 + gcReturnLives times, and then is freed.
func TestGCReturnLives(t *testing.T) {
	const n = gcReturnMin + 37 // a length no other test uses
	poolOf(n).hits.Store(1)
	d := makeBuf("test", n)
	addr := uintptr(unsafe.Pointer(&d[0])) // not a pointer: d must become garbage
	d = nil
	returns := 0
	for {
		var got []float64
		if !gcUntil(500*time.Millisecond, func() bool { got = reuseBuf(n); return got != nil }) {
			break
		}
		if uintptr(unsafe.Pointer(&got[0])) != addr {
			t.Fatalf("a buffer of length %d that was never made came back", n)
		}
		got = nil
		if returns++; returns > 1+gcReturnLives {
			t.Fatalf("the buffer came back %d times, want at most %d", returns, 1+gcReturnLives)
		}
	}
	// With the race detector sync.Pool drops some buffers on purpose.
	if returns == 0 || (!raceEnabled && returns != 1+gcReturnLives) {
		t.Fatalf("the buffer came back %d times, want %d", returns, 1+gcReturnLives)
	}
}

// TestGCReturnUnusedLength checks that a buffer of a length never taken
// from the pools comes back once only.
func TestGCReturnUnusedLength(t *testing.T) {
	const n = gcReturnMin + 41
	d := makeBuf("test", n)
	d[0] = 1
	d = nil
	returns := 0
	for gcUntil(300*time.Millisecond, func() bool {
		e, _ := poolOf(n).Get().(*float64) // not reuseBuf: no hit recorded
		if e != nil {
			returns++
		}
		return e != nil
	}) {
	}
	if returns > 1 || (!raceEnabled && returns != 1) {
		t.Fatalf("the buffer came back %d times, want 1", returns)
	}
	if poolOf(n).hits.Load() != 0 {
		t.Fatal("a hit was recorded")
	}
}

// TestGCReturnKeepsLiveValues checks that results still referenced (plain
// results, a view whose original was dropped, gradients, values a
// differentiated function kept) are never handed out again, while many
// results of the same sizes are made and dropped around collections, on
// several goroutines at once (run it with -race).
func TestGCReturnKeepsLiveValues(t *testing.T) {
	r := NewRNG(21)
	x := r.Normal(40, 60) // 2400 values, above gcReturnMin
	w := r.Normal(60, 30)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := float64(g + 1)
			var kept []*Tensor
			f := func(w *Tensor) *Tensor {
				h := Tanh(MatMul(x, Mul(w, k)))
				kept = append(kept[:0], h)
				return Sum(Square(h))
			}
			held := []*Tensor{
				Add(x, k),
				Reshape(Mul(x, k), 60, 40), // the product itself is dropped
				Grad(f)(w),
				nil,
			}
			held[3] = kept[0]
			want := make([][]float64, len(held))
			for i, h := range held {
				want[i] = h.Data()
			}
			for it := 0; it < 60; it++ {
				Add(Mul(x, float64(it)), k) // same sizes, dropped at once
				Grad(f)(w)
				if it%10 == 0 {
					runtime.GC()
				}
			}
			for i, h := range held {
				for j, v := range h.data {
					if math.Float64bits(v) != math.Float64bits(want[i][j]) {
						errs <- fmt.Errorf("goroutine %d: held tensor %d changed at %d: %v, was %v", g, i, j, v, want[i][j])
						return
					}
				}
			}
			runtime.KeepAlive(held)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestGCReturnReleasesMemory checks that buffers of a reused length, once
// dropped for good, are freed after a bounded number of collections.
func TestGCReturnReleasesMemory(t *testing.T) {
	const n = 50000 + 17 // 400 KB, a length no other test uses
	const count = 160    // 64 MB
	var ms runtime.MemStats
	// Each life of a returned buffer takes two collections (the pool
	// keeps a buffer through one as a victim); then the buffer is freed.
	drain := func() {
		for i := 0; i < 2*(gcReturnLives+2)+4; i++ {
			runtime.GC()
			time.Sleep(2 * time.Millisecond)
		}
	}
	// Earlier tests' returned buffers first (the heap held 1.5 GB of
	// them after one collection when this test ran after the jit tests).
	drain()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	poolOf(n).hits.Store(1)
	bufs := make([][]float64, count)
	for i := range bufs {
		bufs[i] = makeBuf("test", n)
	}
	bufs = nil
	runtime.GC()
	time.Sleep(5 * time.Millisecond)
	runtime.ReadMemStats(&ms)
	held := ms.HeapAlloc
	drain()
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > base+16<<20 {
		t.Fatalf("heap %d MB after the buffers were dropped (%d MB before they were made, %d MB after the first collection)", ms.HeapAlloc>>20, base>>20, held>>20)
	}
	if !raceEnabled && held < base+32<<20 {
		t.Fatalf("heap %d MB after the first collection, want the returned buffers held (%d MB before)", held>>20, base>>20)
	}
}
