package session

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"
)

// integritySetup defines one value of every kind a cell can hold, and a
// goroutine that keeps counting; integrityCheck prints what they give.
const integritySetup = `import "sync/atomic"
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
kv := map[string]int{"a": 1}
ch := make(chan int, 3)
ch <- 7
counter := func() func() int { n := 0; return func() int { n++; return n } }()
counter()`

const integrityCheck = `t0 := ticks.Load()
for i := 0; i < 300 && ticks.Load() < t0+3; i++ { time.Sleep(10 * time.Millisecond) }
fmt.Println(add(1, 2), named(1, 2), fm["add"](1, 2), fm["named"](1, 2), hs.f(1, 2), fs[0](1, 2), mv(1))
fmt.Println(ad.Grad(sq)(tn), tn, kv["a"], len(ch), counter())
fmt.Println(ticks.Load() >= t0+3)`

const integrityWant = "3 3 3 3 3 3 11\n6.0 3.0 1 1 2\ntrue\n"

// TestValuesSurviveAbort checks that after every kind of aborted cell the
// values defined before behave as before: yaegi v0.16.1 would make every
// closure made before an interrupt return zero values (see the package
// documentation, "Interrupt").
func TestValuesSurviveAbort(t *testing.T) {
	skipIfRace(t)
	cases := []struct {
		name, code string
		interrupt  bool
		err        string
	}{
		{name: "interrupt loop", code: "for {}", interrupt: true, err: "Interrupted"},
		{name: "interrupt loop in func", code: "func spin() { for { } }\nspin()", interrupt: true, err: "Interrupted"},
		{name: "interrupt closure call", code: "spinc := func() int { n := 0; for { n++ } }\nspinc()", interrupt: true, err: "Interrupted"},
		{name: "interrupt goto loop", code: "func gl() { i := 0\nL:\ni++\ngoto L }\ngl()", interrupt: true, err: "Interrupted"},
		{name: "interrupt sleep", code: "time.Sleep(time.Hour)", interrupt: true, err: "Interrupted"},
		{name: "interrupt channel receive", code: "c := make(chan int)\nv := <-c\nfmt.Println(v)", interrupt: true, err: "Interrupted"},
		{name: "interrupt receive in func", code: "func rcv(c chan int) int { return <-c + 1 }\nrcv(make(chan int))", interrupt: true, err: "Interrupted"},
		{name: "interrupt select", code: "c := make(chan int)\nselect { case <-c: }", interrupt: true, err: "Interrupted"},
		{name: "interrupt empty select", code: "select {}", interrupt: true, err: "Interrupted"},
		{name: "interrupt range over channel", code: "c := make(chan int)\nfor v := range c { fmt.Println(v) }", interrupt: true, err: "Interrupted"},
		{name: "interrupt send", code: "c := make(chan int)\nc <- 1", interrupt: true, err: "Interrupted"},
		{name: "interrupt send in goroutines", code: "c := make(chan int)\nfor i := 0; i < 3; i++ { go func() { c <- i }() }\nselect {}", interrupt: true, err: "Interrupted"},
		{name: "interrupt WaitGroup", code: "import \"sync\"\nvar wg sync.WaitGroup\nwg.Add(1)\ngo func() { for {} }()\nwg.Wait()", interrupt: true, err: "Interrupted"},
		{name: "interrupt ad loop", code: "for { _ = ad.MatMul(ad.Ones(200, 200), ad.Ones(200, 200)) }", interrupt: true, err: "Interrupted"},
		{name: "interrupt ad op", code: "a := ad.Ones(3000, 3000)\nb := ad.MatMul(a, a)\nb.Size()", interrupt: true, err: "Interrupted"},
		{name: "interrupt goroutines of the cell", code: "for i := 0; i < 3; i++ { go func() { for {} }() }\nfor {}", interrupt: true, err: "Interrupted"},
		{name: "recursion", code: "func rec(n int) int { return rec(n+1) + 1 }\nrec(0)", err: "RecursionError"},
		{name: "mutual recursion", code: "func ma(n int) int { return mb(n+1) + 1 }\nfunc mb(n int) int { return ma(n+1) + 1 }\nma(0)", err: "RecursionError"},
		{name: "recursion in goroutine", code: "func rg(n int) int { return rg(n+1) + 1 }\ngo rg(0)\ntime.Sleep(time.Minute)", err: "RecursionError"},
		{name: "recursion of closure", code: "var rc func(int) int\nrc = func(n int) int { return rc(n+1) + 1 }\nrc(0)", err: "RecursionError"},
		{name: "os.Exit", code: "import \"os\"\nos.Exit(3)", err: "Exit"},
		{name: "panic", code: "panic(\"boom\")", err: "Panic"},
		{name: "panicking goroutine", code: "go func() { panic(\"boom\") }()\ntime.Sleep(100 * time.Millisecond)"},
		{name: "memory guard", code: "x := make([]float64, 1<<50)\n_ = x", err: "MemoryError"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSession(t)
			if _, res := run(t, s, integritySetup); res.Err != nil {
				t.Fatalf("setup: %v\n%s", res.Err, strings.Join(res.Err.Traceback, "\n"))
			}
			if r, res := run(t, s, integrityCheck); r.stdout() != integrityWant || res.Err != nil {
				t.Fatalf("before: got %q, %v; want %q", r.stdout(), res.Err, integrityWant)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if c.interrupt {
				time.AfterFunc(200*time.Millisecond, cancel)
			}
			start := time.Now()
			res := s.Execute(ctx, c.code, &recorder{})
			if errName(res) != c.err {
				t.Fatalf("got %v, want %s", res.Err, c.err)
			}
			if d := time.Since(start); c.interrupt && d > 1500*time.Millisecond {
				t.Errorf("the interrupt took %v", d-200*time.Millisecond)
			}
			// The counter's closure was called once in the setup and once
			// in the check before.
			want := strings.Replace(integrityWant, " 2\n", " 3\n", 1)
			if r, res := run(t, s, integrityCheck); r.stdout() != want || res.Err != nil {
				t.Errorf("after: got %q, %v; want %q", r.stdout(), res.Err, want)
			}
		})
	}
}

// TestInterruptedReceiveTakesNothing checks that a receive ended by an
// interrupt is gone: it does not take a value sent later, nor assign it.
func TestInterruptedReceiveTakesNothing(t *testing.T) {
	skipIfRace(t)
	s := newSession(t)
	run(t, s, "import \"time\"\nc := make(chan int)\nv := -1")
	for _, code := range []string{"v = <-c", "v2 := <-c\nv = v2", "func take() { v = <-c }\ntake()", "select { case x := <-c: v = x }", "for x := range c { v = x }"} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		if res := s.Execute(ctx, code, &recorder{}); errName(res) != "Interrupted" {
			t.Fatalf("%q: got %v, want Interrupted", code, res.Err)
		}
		cancel()
		_, res := run(t, s, "go func() { c <- 5 }()\nr := \"lost\"\nselect {\ncase x := <-c: r = fmt.Sprint(x, v)\ncase <-time.After(2 * time.Second):\n}\nr")
		if plain(res) != `"5 -1"` {
			t.Errorf("%q: after the interrupt, a send gave %s %v, want \"5 -1\"", code, plain(res), res.Err)
		}
	}
}

// TestChannelRewrites checks that the rewrites making channel operations
// interruptible (chans.go) keep their meaning.
func TestChannelRewrites(t *testing.T) {
	s := newSession(t)
	cases := []struct{ code, out, value string }{
		{code: "c := make(chan int, 5)\nc <- 1\nc <- 2\nv := <-c\nv", value: "1"},
		{code: "arr := []int{0, 0}\nci := make(chan int, 2)\nci <- 5\nci <- 6\narr[1] = <-ci\nvar ok bool\narr[0], ok = <-ci\nfmt.Println(arr, ok)", out: "[6 5] true\n"},
		{code: "func get(c chan int) (int, bool) { v, ok := <-c; return v + 1, ok }\ncg := make(chan int, 1)\ncg <- 41\nclose(cg)\nfmt.Println(get(cg))\nfmt.Println(get(cg))", out: "42 true\n1 false\n"},
		{code: "type Jobs chan string\nj := make(Jobs, 1)\nj <- \"x\"\ns1 := <-j\ns1", value: `"x"`},
		{code: "func f() string { var ro <-chan string = j; j <- \"y\"; return <-ro }\nf()", value: `"y"`},
		{code: "type box struct{ v int }\nbx := box{}\ncx := make(chan int, 1)\ncx <- 4\nbx.v = <-cx\nm := map[string]int{}\ncx <- 5\nm[\"k\"] = <-cx\nfmt.Println(bx.v, m[\"k\"])", out: "4 5\n"},
		{code: "res := make(chan int)\nfor i := 0; i < 3; i++ { go func(k int) { res <- k * k }(i) }\nsum := 0\nfor i := 0; i < 3; i++ { sum += <-res }\nsum", value: "5"},
		{code: "cc := make(chan chan int, 1)\ninner := make(chan int, 1)\ninner <- 9\ncc <- inner\n<-<-cc", value: "9"},
		{code: "cf := make(chan float64, 2)\ncf <- 1\ncf <- 2.5\n<-cf + <-cf", value: "3.5"},
		{code: "if cb := make(chan bool, 1); true { cb <- true; if <-cb { fmt.Println(\"yes\") } }", out: "yes\n"},
		{code: "type I interface{ M() int }\ntype T struct{}\nfunc (T) M() int { return 7 }\nci2 := make(chan I, 1)\nci2 <- T{}\n(<-ci2).M()", value: "7"},
		{code: "ct := make(chan *ad.Tensor, 1)\nct <- ad.Scalar(2)\nx := <-ct\nx", value: "2.0"},
		{code: "cr := make(chan int, 5)\nfor i := 1; i <= 4; i++ { cr <- i }\nclose(cr)\ntot := 0\nfor v := range cr { if v == 2 { continue }; tot += v }\ntot", value: "8"},
		{code: "cn := make(chan int, 2)\ncn <- 1\ncn <- 2\nclose(cn)\nn := 0\nfor range cn { n++ }\nn", value: "2"},
		{code: "cs := make(chan string, 2)\ncs <- \"a\"\ncs <- \"b\"\nclose(cs)\nvar last string\nfor last = range cs {}\nlast", value: `"b"`},
		{code: "func firstBig(c chan int) int {\nOuter:\nfor v := range c { for { if v > 2 { break Outer }; break } }\nreturn len(c) }\ncl := make(chan int, 5)\ncl <- 1\ncl <- 3\ncl <- 4\nfirstBig(cl)", value: "1"},
		{code: "rs := make(chan int)\ngo func() { for i := 0; i < 3; i++ { rs <- i * i }; close(rs) }()\nacc := 0\nfor r := range rs { acc += r }\nacc", value: "5"},
		{code: "work := make(chan int)\nout := make(chan int)\nfor w := 0; w < 4; w++ { go func() { for x := range work { out <- x * 2 } }() }\ngo func() { for i := 1; i <= 200; i++ { work <- i }; close(work) }()\ntotal := 0\nfor i := 0; i < 200; i++ { total += <-out }\ntotal", value: "40200"},
		{code: "cv := make(chan int, 2)\ncv <- 1\ncv <- 10\nvv := 0\nvv = <-cv\nvv++\nuu := <-cv\nuu++\nfmt.Println(vv, uu)", out: "2 11\n"},
		{code: "sel := make(chan int, 1)\nsel <- 3\nselect { case q := <-sel: fmt.Println(q) }\nselect { case q := <-sel: fmt.Println(q)\ndefault: fmt.Println(\"empty\") }", out: "3\nempty\n"},
		// case v = <-c and case v, ok = <-c assign existing variables
		// (yaegi: "reflect.Select: invalid Dir"), at top level, in a
		// function, with a default, into an element and a blank.
		{code: "sa := make(chan int, 1)\nsa <- 5\nvar sv int\nselect {\ncase sv = <-sa:\n\tsv++\n}\nsv", value: "6"},
		{code: "func recv2(c chan int) (int, bool) {\n\tvar v int\n\tvar ok bool\n\tselect {\n\tcase v, ok = <-c:\n\t}\n\treturn v, ok\n}\nsb := make(chan int, 1)\nsb <- 7\nclose(sb)\nfmt.Println(recv2(sb))\nfmt.Println(recv2(sb))", out: "7 true\n0 false\n"},
		{code: "sl := make(chan int, 1)\nsl <- 8\nvar slok bool\nfor i := 0; i < 1; i++ {\n\tselect {\n\tcase _, slok = <-sl:\n\t}\n}\nslok", value: "true"},
		{code: "se := make(chan int)\nsw := -1\nselect {\ncase sw = <-se:\ndefault:\n}\nsw", value: "-1"},
		{code: "sf := make(chan int, 1)\nsf <- 8\nsarr := []int{0, 0}\nvar sok bool\nselect {\ncase sarr[1], sok = <-sf:\n}\nfmt.Println(sarr, sok)\nsf <- 9\nselect { case _, sok = <-sf: }\nsok", out: "[0 8] true\n", value: "true"},
	}
	for _, c := range cases {
		r, res := run(t, s, c.code)
		if res.Err != nil || r.stdout() != c.out || plain(res) != c.value {
			t.Errorf("%q: got out %q value %s err %v, want out %q value %s", c.code, r.stdout(), plain(res), res.Err, c.out, c.value)
		}
	}
}

// TestReceiveCellsMemory checks that cells receiving at top level keep
// nothing per cell: the receive rewrite's temporaries would otherwise be
// package variables the session keeps for ever (15 KiB per cell measured
// with one name per cell).
func TestReceiveCellsMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("heap sizes under the race detector are not representative")
	}
	s := newSession(t)
	run(t, s, "c := make(chan int, 1)\nv := 0")
	heap := func() int64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	for _, code := range []string{"c <- 1\nv = <-c", "c <- 1\nw := <-c\n_ = w", "c <- 1\nfmt.Sprint(<-c)\nv++"} {
		for i := 0; i < 50; i++ {
			run(t, s, code)
		}
		const n = 500
		h0 := heap()
		for i := 0; i < n; i++ {
			if _, res := run(t, s, code); res.Err != nil {
				t.Fatalf("%q: %v", code, res.Err)
			}
		}
		if per := (heap() - h0) / n; per > 4<<10 {
			t.Errorf("%q: the live heap grew by %d bytes per cell, want at most 4 KiB", code, per)
		}
	}
}
