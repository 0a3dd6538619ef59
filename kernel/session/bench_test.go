package session

import (
	"context"
	"strings"
	"sync"
	"testing"
)

// benchCalls runs fib(20) (21 891 interpreted calls) per iteration and
// reports the time per interpreted call.
const fibLines = `func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}`

func benchCalls(b *testing.B, guard bool) {
	benchCallsSrc(b, guard, "func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }")
}

func benchCallsSrc(b *testing.B, guard bool, fib string) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.noGuard = !guard
	r := &recorder{}
	if res := s.Execute(context.Background(), fib, r); res.Err != nil {
		b.Fatal(res.Err)
	}
	const calls = 21891
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		if res := s.Execute(context.Background(), "_ = fib(20)", r); res.Err != nil {
			b.Fatal(res.Err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*calls), "ns/call")
	// CPU time is steadier than wall time on a shared machine.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*calls), "cpu-ns/call")
	}
}

// BenchmarkCallGuarded measures interpreted calls with the recursion guard.
func BenchmarkCallGuarded(b *testing.B) { benchCalls(b, true) }

// BenchmarkCallGuardedMultiline measures the same calls of a fib written
// on several lines, whose frames carry a line register (positions.go).
func BenchmarkCallGuardedMultiline(b *testing.B) { benchCallsSrc(b, true, fibLines) }

// BenchmarkCallIndexing measures calls of a function whose statements
// index a slice outside a loop, which carry bounds checks (bounds.go).
func BenchmarkCallIndexing(b *testing.B) { benchCallsSrc(b, true, indexLines) }

const indexLines = `var tbl = []int{0, 1, 1, 2, 3, 5, 8, 13}
func fib(n int) int {
	if n < 2 {
		return tbl[n]
	}
	return fib(n-1) + fib(n-2) + tbl[n%8] - tbl[n%8]
}`

// BenchmarkCallUnguarded measures interpreted calls without the guard.
func BenchmarkCallUnguarded(b *testing.B) { benchCalls(b, false) }

// BenchmarkStackUsed measures the guard's stack measurement alone.
func BenchmarkStackUsed(b *testing.B) {
	var sink uintptr
	for i := 0; i < b.N; i++ {
		sink += stackUsed()
	}
	_ = sink
}

// BenchmarkTrivialCell measures a whole Execute of a trivial cell.
func BenchmarkTrivialCell(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := &recorder{}
	for i := 0; i < b.N; i++ {
		s.Execute(context.Background(), "1 + 1", r)
	}
}

// BenchmarkCallLeaf measures calls of a leaf function, which carries no
// guard: compare with BenchmarkCallUnguarded's cost per call.
func BenchmarkCallLeaf(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := &recorder{}
	if res := s.Execute(context.Background(), "func sq(x float64) float64 { return x * x }", r); res.Err != nil {
		b.Fatal(res.Err)
	}
	const calls = 20000
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := s.Execute(context.Background(), "for i := 0; i < 20000; i++ { _ = sq(1.5) }", r); res.Err != nil {
			b.Fatal(res.Err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*calls), "ns/call")
}

// BenchmarkShadowRebuild measures rebuilding the compile checker after a
// compile error in a session of 100 cells (the next cell pays it once).
func BenchmarkShadowRebuild(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := &recorder{}
	for i := 0; i < 100; i++ {
		code := "func f" + fmtInt(i) + "(x float64) float64 { return x * " + fmtInt(i) + " }\nv" + fmtInt(i) + " := f" + fmtInt(i) + "(2)"
		if res := s.Execute(context.Background(), code, r); res.Err != nil {
			b.Fatal(res.Err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.shadow = nil
		if err := s.ensureShadow(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCell50Statements measures a cell of 50 top-level statements
// (each compiled twice and run as its own chunk).
func BenchmarkCell50Statements(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var code strings.Builder
	code.WriteString("x := 0\n")
	for i := 0; i < 49; i++ {
		code.WriteString("x += " + fmtInt(i+1) + "\n")
	}
	r := &recorder{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := s.Execute(context.Background(), code.String(), r); res.Err != nil {
			b.Fatal(res.Err)
		}
	}
}

// countIO counts the bytes of text it receives and discards displays.
type countIO struct {
	recorder
	mu    sync.Mutex
	bytes int
	calls int
}

func (c *countIO) Stream(name, text string) {
	c.mu.Lock()
	c.bytes += len(text)
	c.calls++
	c.mu.Unlock()
}

// BenchmarkPrint100k measures a cell printing 100 000 lines with
// fmt.Println, end to end: every byte has reached IO.Stream when Execute
// returns. It reports lines per second and Stream calls per cell.
func BenchmarkPrint100k(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const lines = 100000
	c := &countIO{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := s.Execute(context.Background(), "for i := 0; i < 100000; i++ { fmt.Println(i) }", c); res.Err != nil {
			b.Fatal(res.Err)
		}
	}
	b.StopTimer()
	if want := b.N * 588890; c.bytes != want {
		b.Fatalf("got %d bytes, want %d", c.bytes, want)
	}
	b.ReportMetric(float64(b.N*lines)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(c.calls)/float64(b.N), "streams/cell")
}

// BenchmarkTypicalCell measures a whole Execute of a typical teaching cell:
// a few notebook variables, a gradient, a value (parse, type check,
// compile twice, run, render).
func BenchmarkTypicalCell(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	code := `x := ad.Linspace(-2, 2, 50)
f := func(t *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Tanh(t)) }
g := ad.Grad(f)(x)
ad.Sum(g)`
	r := &recorder{}
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		if res := s.Execute(context.Background(), code, r); res.Err != nil {
			b.Fatal(res.Err)
		}
	}
	// CPU time is steadier than wall time on a shared machine.
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkTypecheckTypicalCell measures the go/types check alone of
// BenchmarkTypicalCell's cell, with the packages already imported: the
// cost the type check adds to every Execute.
func BenchmarkTypecheckTypicalCell(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	code := `x := ad.Linspace(-2, 2, 50)
f := func(t *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Tanh(t)) }
g := ad.Grad(f)(x)
ad.Sum(g)`
	chunks, cerr := s.prepare("cell1", code)
	if cerr != nil {
		b.Fatal(cerr)
	}
	if tc := s.typecheck(chunks); tc == nil || len(tc.errs) > 0 {
		b.Fatal("type check failed")
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.typecheck(chunks)
	}
}

// BenchmarkLoopIndexCall measures an iteration of a loop whose statement
// indexes a slice and calls a function, which carries a bounds check
// (bounds.go), beside the same loop with the index on a statement of its
// own, which does not.
func BenchmarkLoopIndexCall(b *testing.B) {
	for _, bc := range []struct{ name, def string }{
		{"checked", "import \"math\"\nfunc iloop(xs []float64) float64 {\n\ts := 0.0\n\tfor i := 0; i < len(xs); i++ {\n\t\tv := 0.0\n\t\ts += math.Sqrt(xs[i]) + v\n\t}\n\treturn s\n}\nxs := make([]float64, 100000)"},
		{"unchecked", "import \"math\"\nfunc iloop(xs []float64) float64 {\n\ts := 0.0\n\tfor i := 0; i < len(xs); i++ {\n\t\tv := xs[i]\n\t\ts += math.Sqrt(v)\n\t}\n\treturn s\n}\nxs := make([]float64, 100000)"},
	} {
		b.Run(bc.name, func(b *testing.B) { benchLoopIters(b, bc.def, "_ = iloop(xs)") })
	}
}

// BenchmarkLoopIteration measures one iteration of a small interpreted
// loop, which carries the interrupt check (see loopCheck), in a function
// and at top level.
func BenchmarkLoopIteration(b *testing.B) {
	for _, bc := range []struct{ name, def, run string }{
		{"func", "func loop(n int) int { s := 0; for i := 0; i < n; i++ { s += i }; return s }", "_ = loop(100000)"},
		{"range", "func rloop(xs []float64) float64 { s := 0.0; for _, x := range xs { s += x }; return s }\nxs := make([]float64, 100000)", "_ = rloop(xs)"},
	} {
		b.Run(bc.name, func(b *testing.B) { benchLoopIters(b, bc.def, bc.run) })
	}
}

// loopIters is the number of iterations the loops of BenchmarkLoopIndexCall
// and BenchmarkLoopIteration run per cell.
const loopIters = 100000

// benchLoopIters runs def in a new session, then the cell run b.N times,
// and reports the wall and CPU time per loop iteration.
func benchLoopIters(b *testing.B, def, run string) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := &recorder{}
	if res := s.Execute(context.Background(), def, r); res.Err != nil {
		b.Fatal(res.Err)
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		if res := s.Execute(context.Background(), run, r); res.Err != nil {
			b.Fatal(res.Err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*loopIters), "ns/iter")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*loopIters), "cpu-ns/iter")
	}
}
