package session

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gograd/gograd/ad"
)

// w2 is the W2 workload compiled into the test, to compare with the same
// function written in a cell.
func w2(x *ad.Tensor) *ad.Tensor {
	for i := 0; i < 1000; i++ {
		x = ad.Add(ad.Mul(ad.Sin(x), 0.9), ad.Mul(0.1, ad.Cos(x)))
	}
	return x
}

const w2Cell = `
func loop(x *ad.Tensor) *ad.Tensor {
	for i := 0; i < 1000; i++ {
		x = ad.Add(ad.Mul(ad.Sin(x), 0.9), ad.Mul(0.1, ad.Cos(x)))
	}
	return x
}
g := ad.Jit(ad.Grad(loop))
`

// TestJitInCell: a function written in a cell is jitted, replayed with the
// same bits as the compiled one, guarded on data-dependent branches,
// refused with a readable error when it draws random numbers, and
// interruptible during a replay.
func TestJitInCell(t *testing.T) {
	s := newSession(t)
	if _, res := run(t, s, w2Cell); res.Err != nil {
		t.Fatal(res.Err)
	}
	want := ad.Jit(ad.Grad(w2))
	for _, x := range []float64{0.5, 0.5, -1.25, 0.5} {
		_, res := run(t, s, fmt.Sprintf("g(ad.Scalar(%v)).Item()", x))
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		w := want(ad.Scalar(x)).Item()
		if got := plain(res); got != fmt.Sprint(w) {
			t.Errorf("x=%v: cell gives %s, compiled %v", x, got, w)
		}
	}
	// Control flow on data in a cell: guards re-trace, never a wrong path.
	run(t, s, `
calls := 0
h := ad.Jit(func(x *ad.Tensor) *ad.Tensor {
	calls++
	if ad.Sum(x).Item() > 0 {
		return ad.Exp(x)
	}
	return ad.Neg(x)
})`)
	for _, c := range []struct {
		x    string
		want float64
	}{{"1", math.Exp(1)}, {"2", math.Exp(2)}, {"-1", 1}, {"1", math.Exp(1)}} {
		_, res := run(t, s, "h(ad.Scalar("+c.x+")).Item()")
		if res.Err != nil || plain(res) != fmt.Sprint(c.want) {
			t.Errorf("h(%s) = %s (%v), want %v", c.x, plain(res), res.Err, c.want)
		}
	}
	// Random draws while tracing are refused with ad's error.
	_, res := run(t, s, `
rng := ad.NewRNG(1)
noisy := ad.Jit(func(x *ad.Tensor) *ad.Tensor { return ad.Add(x, rng.Normal()) })
noisy(ad.Scalar(1))`)
	if res.Err == nil || !strings.Contains(res.Err.Value, "RNG.Normal") {
		t.Errorf("random draw in a jitted cell function: got %+v", res.Err)
	}
	// An interrupt reaches a replay.
	run(t, s, `
long := ad.Jit(func(x *ad.Tensor) *ad.Tensor {
	for i := 0; i < 100; i++ {
		x = ad.Sin(ad.Add(x, 1.0))
	}
	return x
})
big := ad.Linspace(0, 1, 1<<16)
_ = long(big)`)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	start := time.Now()
	res = s.Execute(ctx, "for { _ = long(big) }", &recorder{})
	if errName(res) != "Interrupted" {
		t.Fatalf("got %+v, want Interrupted", res.Err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("interrupt took %v", d)
	}
	// The program still replays afterwards, with the same result, and a
	// new shape traces the cell's function again.
	if _, res := run(t, s, "ad.Sum(long(big)).Item() == ad.Sum(long(big)).Item()"); res.Err != nil || plain(res) != "true" {
		t.Errorf("after the interrupt: %s %v", plain(res), res.Err)
	}
	if _, res := run(t, s, "long(ad.Scalar(0)).Item()"); res.Err != nil || plain(res) == "" {
		t.Errorf("a new shape after the interrupt: %s %v", plain(res), res.Err)
	}
}

// BenchmarkJitW2Cell measures the jitted W2 gradient called from a cell
// (100 calls per cell); compare with BenchmarkJitW2Compiled, and with ad's
// BenchmarkJitW2ScalarLoop. Each timed cell is followed by the same cell
// with the call taken out of the loop, so that the metrics separate the
// calls (what the 1.2× bound is about: the jitted function run
// from a cell) from the cell's own fixed cost (parsing, checking and
// compiling its text, about 0.5 ms):
//   - cpu-ns/call: the process's CPU time of the timed cells, per call;
//   - calls-cpu-ns/call: that, less the CPU time of the empty-loop cells;
//   - ns/call: wall time of the timed cells, per call.
func BenchmarkJitW2Cell(b *testing.B) {
	s := newSession(b)
	if _, res := run(b, s, w2Cell+"\nx := ad.Scalar(0.5)\n_ = g(x)"); res.Err != nil {
		b.Fatal(res.Err)
	}
	const calls = "for i := 0; i < 100; i++ { _ = g(x) }"
	const empty = "for i := 0; i < 100; i++ { _ = x }"
	b.ResetTimer()
	var wall, cpu, cpuEmpty time.Duration
	for i := 0; i < b.N; i++ {
		t0, c0 := time.Now(), cpuTime()
		_, res := run(b, s, calls)
		wall, cpu = wall+time.Since(t0), cpu+cpuTime()-c0
		if res.Err != nil {
			b.Fatal(res.Err)
		}
		c0 = cpuTime()
		_, res = run(b, s, empty)
		cpuEmpty += cpuTime() - c0
		if res.Err != nil {
			b.Fatal(res.Err)
		}
	}
	b.StopTimer()
	n := float64(b.N * 100)
	b.ReportMetric(float64(wall.Nanoseconds())/n, "ns/call")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/n, "cpu-ns/call")
		b.ReportMetric(float64((cpu-cpuEmpty).Nanoseconds())/n, "calls-cpu-ns/call")
	}
}

// BenchmarkJitW2Compiled is the same loop of calls compiled, for the
// ratio in the same run.
func BenchmarkJitW2Compiled(b *testing.B) {
	g := ad.Jit(ad.Grad(w2))
	x := ad.Scalar(0.5)
	g(x)
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		for k := 0; k < 100; k++ {
			_ = g(x)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/call")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*100), "cpu-ns/call")
	}
}
