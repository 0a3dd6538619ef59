package session

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/gograd/gograd/display"
)

// discardIO is an IO that keeps nothing, so that only the session's own
// memory is measured.
type discardIO struct{}

func (discardIO) Stream(name, text string)           {}
func (discardIO) Display(display.Bundle)             {}
func (discardIO) Update(display.Bundle)              {}
func (discardIO) Clear(bool)                         {}
func (discardIO) Input(string, bool) (string, error) { return "", errors.New("no input") }

// memoryKinds are the cells of issue 13 (a small cell that redefines a
// func, takes the gradient of a function literal on 10 points, does two ad
// operations and prints) and each of its parts alone, a gradient function
// kept in a variable, plus a function
// redefined with a new body each time (alone, and called by a function
// and a closure of an earlier cell) and a cell whose last expression is
// displayed.
var memoryKinds = []struct {
	name string
	cell func(i int) string
}{
	{"full", func(int) string {
		return `func f(x float64) float64 { return x*x + 1 }
g := ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(x, ad.Sin(x))) })(ad.Linspace(0, 1, 10))
y := ad.Mul(ad.Sin(g), 2.0)
z := ad.Sum(y)
fmt.Println(f(2), z)`
	}},
	{"grad", func(int) string {
		return `g := ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(x, ad.Sin(x))) })(ad.Linspace(0, 1, 10))`
	}},
	// The gradient function kept in a variable, assigned again by each
	// run (reassign.go makes the := an assignment) and declared again by
	// each run: each run's function literal kept the previous run's value
	// (yaegi_fixes.go, parenFuncResults; retain.go, releaseShadowed).
	{"grad-kept", func(int) string {
		return `g := ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(x, ad.Tanh(x))) })
fmt.Println(g(x0))`
	}},
	{"grad-var", func(int) string {
		return `var gv func(*ad.Tensor) *ad.Tensor = ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(x, ad.Tanh(x))) })`
	}},
	{"ops", func(int) string { return "y := ad.Mul(ad.Sin(x0), 2.0)\nz := ad.Sum(y)" }},
	{"redefine", func(int) string { return "func f(x float64) float64 { return x*x + 1 }" }},
	{"redefine-new-body", func(i int) string { return fmt.Sprintf("func f(x float64) float64 { return x*x + %d }", i) }},
	{"print", func(int) string { return `fmt.Println("hello", 42)` }},
	{"expression", func(int) string { return "ad.Sum(x0)" }},
	{"redefine-with-callers", func(i int) string {
		// A function and a closure of the first cell call f: every later
		// cell compiles the function again and names the closure.
		src := fmt.Sprintf("func fr(x float64) float64 { return x*x + %d }", i)
		if i == 0 {
			src += "\nfunc gr() float64 { return fr(2) }\nhr := func() float64 { return fr(1) }"
		}
		return src
	}},
}

// maxLiveGrowth is the bound on the live heap's growth per cell: the
// kernel runs with GOGC=400 (kernel/cmd/gograd), so its heap, and so its
// resident set, can reach five times the live heap; 8 KiB of RSS per cell
// (issue 13) allows 8/5 KiB of live heap.
const maxLiveGrowth = 8 * 1024 / 5

// TestMemoryFlat runs each kind of cell 1000 times in
// one session, after 100 to warm up, and checks that the live heap after a
// forced collection grows by at most maxLiveGrowth per cell over the whole
// run and over its second half (so growth does not speed up). The RSS
// figures are in tests.BenchmarkLongSession.
func TestMemoryFlat(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's shadow memory is not the session's")
	}
	// 1000 cells also with -short: ad's pools hold a few hundred KiB more
	// or less from one measurement to the next, which over the 100 cells
	// of a 200-cell run's second half alone came to ~2 KB/cell (CI's
	// OpenBLAS stage failed on redefine at 1985 B/cell); the whole run
	// takes a few seconds longer.
	n := 1000
	s := newSession(t)
	ctx := context.Background()
	if res := s.Execute(ctx, "x0 := ad.Linspace(0, 1, 10)", discardIO{}); res.Err != nil {
		t.Fatal(res.Err)
	}
	// ad hands a dead result's buffer back to a sync.Pool from its
	// finalizer, which the collector runs after the cycle that found it:
	// after two collections the pools still hold a varying share of the
	// last cells' buffers (a few hundred KiB either way). Four, with a
	// pause for the finalizers between them, empty them.
	live := func() int64 {
		var ms runtime.MemStats
		for range 4 {
			runtime.GC()
			time.Sleep(5 * time.Millisecond)
		}
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	for _, k := range memoryKinds {
		run := func(i int) {
			if res := s.Execute(ctx, k.cell(i), discardIO{}); res.Err != nil {
				t.Fatalf("%s, run %d: %v", k.name, i, res.Err)
			}
		}
		for i := 0; i < 100; i++ {
			run(i)
		}
		h0 := live()
		for i := 0; i < n/2; i++ {
			run(100 + i)
		}
		h1 := live()
		for i := n / 2; i < n; i++ {
			run(100 + i)
		}
		h2 := live()
		whole := float64(h2-h0) / float64(n)
		second := float64(h2-h1) / float64(n-n/2)
		t.Logf("%-18s live heap %+7.0f B/cell over %d cells, %+7.0f B/cell over the second half", k.name, whole, n, second)
		if whole > maxLiveGrowth || second > maxLiveGrowth {
			t.Errorf("%s: the live heap grew by %.0f B/cell (%.0f in the second half), more than %d", k.name, whole, second, maxLiveGrowth)
		}
	}
}

// TestIdleGCPercent checks that a session with IdleGCPercent sets it at
// New, runs a cell's first busyAfter with it and the rest of the cell with
// the GC percentage it found at New (all of it after a cell that ran that
// long), and sets IdleGCPercent again after the cell.
func TestIdleGCPercent(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(300))
	percent := func() int { p := debug.SetGCPercent(-1); debug.SetGCPercent(p); return p }
	s, err := New(Options{IdleGCPercent: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if p := percent(); p != 100 {
		t.Errorf("after New: GC percent %d, want 100", p)
	}
	during := 0
	s.testHook = func() { during = percent() }
	for _, c := range []struct {
		name  string
		after time.Duration
		code  string
		want  int
	}{
		{"a short cell", time.Hour, "__gograd.TestHook()", 100},
		{"a long cell", time.Millisecond, "time.Sleep(100 * time.Millisecond)\n__gograd.TestHook()", 300},
		{"a short cell after a long one", time.Hour, "__gograd.TestHook()", 300},
		{"a short cell after a short one", time.Hour, "__gograd.TestHook()", 100},
	} {
		s.gc.after = c.after
		if res := s.Execute(context.Background(), c.code, discardIO{}); res.Err != nil {
			t.Fatal(res.Err)
		}
		if during != c.want {
			t.Errorf("during %s: GC percent %d, want %d", c.name, during, c.want)
		}
		if p := percent(); p != 100 {
			t.Errorf("after %s: GC percent %d, want 100", c.name, p)
		}
	}
}
