package tests

import (
	"strings"
	"testing"
	"time"
)

// The tests of issue 13's first point: after any aborted cell, every value
// defined before behaves as before. yaegi's own interrupt made every
// closure made before it return zero values, silently.

const e2eIntegritySetup = `import "sync/atomic"
import "time"
var ticks atomic.Int64
go func() { for { ticks.Add(1); time.Sleep(time.Millisecond) } }()
add := func(a, b int) int { return a + b }
func named(a, b int) int { return a + b }
fm := map[string]func(int, int) int{"add": add, "named": named}
type holder struct{ f func(int, int) int }
hs := holder{add}
fs := []func(int, int) int{add}
type adder struct{ k int }
func (p adder) Add(a int) int { return a + p.k }
mv := adder{10}.Add
sq := func(x *ad.Tensor) *ad.Tensor { return ad.Mul(x, x) }
tn := ad.Scalar(3)
kv := map[string]int{"a": 1}`

const e2eIntegrityCheck = `t0 := ticks.Load()
for i := 0; i < 300 && ticks.Load() < t0+3; i++ { time.Sleep(10 * time.Millisecond) }
fmt.Println(add(1, 2), named(1, 2), fm["add"](1, 2), fm["named"](1, 2), hs.f(1, 2), fs[0](1, 2), mv(1))
fmt.Println(ad.Grad(sq)(tn), tn, kv["a"], ticks.Load() >= t0+3)`

const e2eIntegrityWant = "3 3 3 3 3 3 11\n6.0 3.0 1 true\n"

func TestE2EValuesSurviveAbort(t *testing.T) {
	t.Parallel()
	p := startKernelProcess(t)
	if e := p.exec(t, e2eIntegritySetup); e.Reply.Status != "ok" {
		t.Fatalf("setup: %+v", e.Reply)
	}
	if e := p.exec(t, e2eIntegrityCheck); e.Stdout() != e2eIntegrityWant {
		t.Fatalf("before: got %q %+v, want %q", e.Stdout(), e.Reply, e2eIntegrityWant)
	}
	const started = "fmt.Println(\"started\")\n"
	cases := []struct {
		name, code string
		interrupt  bool
		ename      string
	}{
		{"interrupt loop", started + "for {}", true, "Interrupted"},
		{"interrupt closure call", "spin := func() { for {} }\n" + started + "spin()", true, "Interrupted"},
		{"interrupt time.Sleep", started + "time.Sleep(time.Hour)", true, "Interrupted"},
		{"interrupt channel receive", "c := make(chan int)\n" + started + "v := <-c\nfmt.Println(v)", true, "Interrupted"},
		{"interrupt select", "c2 := make(chan int)\n" + started + "select { case <-c2: }", true, "Interrupted"},
		{"interrupt range over channel", "c3 := make(chan int)\n" + started + "for v := range c3 { fmt.Println(v) }", true, "Interrupted"},
		{"interrupt send", "c4 := make(chan int)\n" + started + "c4 <- 1", true, "Interrupted"},
		{"interrupt ad loop", started + "for { _ = ad.MatMul(ad.Ones(200, 200), ad.Ones(200, 200)) }", true, "Interrupted"},
		{"interrupt ad op", "a := ad.Ones(3000, 3000)\n" + started + "b := ad.MatMul(a, a)\n_ = b", true, "Interrupted"},
		{"interrupt goroutines of the cell", "for i := 0; i < 2; i++ { go func() { for {} }() }\n" + started + "for {}", true, "Interrupted"},
		{"RecursionError", "func rec(n int) int { return rec(n+1) + 1 }\nrec(0)", false, "RecursionError"},
		{"mutual RecursionError", "func ma(n int) int { return mb(n+1) + 1 }\nfunc mb(n int) int { return ma(n+1) + 1 }\nma(0)", false, "RecursionError"},
		{"RecursionError in a goroutine", "func rg(n int) int { return rg(n+1) + 1 }\ngo rg(0)\ntime.Sleep(time.Minute)", false, "RecursionError"},
		{"os.Exit", "import \"os\"\nos.Exit(3)", false, "Exit"},
		{"panicking goroutine", "go func() { panic(\"boom\") }()\ntime.Sleep(100 * time.Millisecond)", false, ""},
		{"MemoryError", "huge := make([]float64, 1<<50)\n_ = huge", false, "MemoryError"},
	}
	for _, tc := range cases {
		if tc.interrupt {
			e, took := interruptAfterStart(t, p, tc.code)
			if e.Reply.Ename != tc.ename {
				t.Errorf("%s: reply %s %s: %s, want %s", tc.name, e.Reply.Status, e.Reply.Ename, e.Reply.Evalue, tc.ename)
			}
			t.Logf("%s: interrupt → execute_reply in %v", tc.name, took.Round(time.Millisecond))
			if took > 2*time.Second {
				t.Errorf("%s: the interrupt took %v", tc.name, took)
			}
		} else {
			e := p.exec(t, tc.code)
			if e.Reply.Ename != tc.ename {
				t.Errorf("%s: reply %s %s: %s, want %q", tc.name, e.Reply.Status, e.Reply.Ename, e.Reply.Evalue, tc.ename)
			}
		}
		e := p.exec(t, e2eIntegrityCheck)
		if e.Stdout() != e2eIntegrityWant || e.Reply.Status != "ok" {
			t.Errorf("after %s: got %q (%s %s %s), want %q", tc.name, e.Stdout(), e.Reply.Status, e.Reply.Ename,
				strings.Join(e.Reply.Traceback, "\n"), e2eIntegrityWant)
		}
	}
}
