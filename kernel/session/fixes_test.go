package session

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gograd/gograd/display"
)

// TestManyCells runs 3000 cells in one session: positions must stay valid
// and map back to the right cell however many cells ran (the scanner
// rejects line numbers above 2^30).
func TestManyCells(t *testing.T) {
	s := newSession(t)
	for i := 1; i <= 3000; i++ {
		code := fmt.Sprintf("x%d := %d\nx%d++", i%10, i, i%10)
		if i == 1500 {
			code = "func boom(n int) int {\n\tvar m map[int]int\n\tm[n] = 1\n\treturn n\n}"
		}
		if _, res := run(t, s, code); res.Err != nil {
			t.Fatalf("cell %d: %v\n%s", i, res.Err, strings.Join(res.Err.Traceback, "\n"))
		}
	}
	_, res := run(t, s, "y := 1\ny = undefinedName")
	if res.Err == nil || res.Err.Name != "CompileError" {
		t.Fatalf("got %v, want a CompileError", res.Err)
	}
	if tb := strings.Join(res.Err.Traceback, "\n"); !strings.Contains(tb, "cell 3001, line 2, column 5") {
		t.Errorf("got traceback\n%s\nwant cell 3001, line 2, column 5", tb)
	}
	_, res = run(t, s, "\n\nboom(3)")
	if res.Err == nil {
		t.Fatal("got no error, want a runtime error")
	}
	tb := strings.Join(res.Err.Traceback, "\n")
	for _, want := range []string{"cell 1500, line 3, in boom\n    \tm[n] = 1", "cell 3002, line 3"} {
		if !strings.Contains(tb, want) {
			t.Errorf("got traceback\n%s\nwant %q in it", tb, want)
		}
	}
}

// eventRecorder is an IO that logs every output event in arrival order.
type eventRecorder struct {
	recorder
	emu    sync.Mutex
	events []string
}

func (r *eventRecorder) log(e string) {
	r.emu.Lock()
	r.events = append(r.events, e)
	r.emu.Unlock()
}

func (r *eventRecorder) Stream(name, text string) {
	// Text may arrive in pieces or batches: log it line by line.
	for _, l := range strings.SplitAfter(text, "\n") {
		if l != "" {
			r.log(name + ":" + strings.TrimSuffix(l, "\n"))
		}
	}
}
func (r *eventRecorder) Display(b display.Bundle) {
	r.log("display:" + fmt.Sprint(b.Data["text/plain"]))
}
func (r *eventRecorder) Update(b display.Bundle) { r.log("update:" + fmt.Sprint(b.Data["text/plain"])) }
func (r *eventRecorder) Clear(wait bool)         { r.log(fmt.Sprintf("clear:%v", wait)) }

// TestDisplayAfterText checks that text printed before a display, an update or
// a clear reaches IO before it.
func TestDisplayAfterText(t *testing.T) {
	s := newSession(t)
	r := &eventRecorder{}
	res := s.Execute(context.Background(), `import "os"
fmt.Println("first")
display.Markdown("second")
fmt.Print("third\n")
fmt.Fprintln(os.Stderr, "err")
display.ClearOutput(true)
fmt.Println("fourth")
h := display.NewHandle()
h.Show("fifth")
fmt.Println("sixth")
h.Update("seventh")`, r)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	// stdout and stderr are separate streams with no order between them;
	// each comes before the displays that follow it.
	var got []string
	errAt, clearAt := -1, -1
	for k, e := range r.events {
		switch e {
		case "stderr:err":
			errAt = k
			continue
		case "clear:true":
			clearAt = k
		}
		got = append(got, e)
	}
	want := []string{"stdout:first", "display:second", "stdout:third", "clear:true",
		"stdout:fourth", `display:"fifth"`, "stdout:sixth", `update:"seventh"`}
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " | "), strings.Join(want, " | "))
	}
	if errAt < 0 || errAt > clearAt {
		t.Errorf("stderr text at event %d, clear at %d: want the text first", errAt, clearAt)
	}
}

// TestDisplayAfterTextGoroutines displays from many goroutines at once: each
// goroutine's text comes before its display, and nothing deadlocks.
func TestDisplayAfterTextGoroutines(t *testing.T) {
	s := newSession(t)
	r := &eventRecorder{}
	res := s.Execute(context.Background(), `import "sync"
var wg sync.WaitGroup
for g := 0; g < 8; g++ {
	wg.Add(1)
	go func(g int) {
		defer wg.Done()
		for k := 0; k < 20; k++ {
			fmt.Printf("g%d-%d\n", g, k)
			display.Markdown(fmt.Sprintf("g%d-%d", g, k))
		}
	}(g)
}
wg.Wait()`, r)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	printed := map[string]bool{}
	n := 0
	for _, e := range r.events {
		kind, v, _ := strings.Cut(e, ":")
		switch kind {
		case "stdout":
			printed[v] = true
		case "display":
			n++
			if !printed[v] {
				t.Errorf("display %s arrived before its text", v)
			}
		}
	}
	if n != 160 || len(printed) != 160 {
		t.Errorf("got %d displays and %d lines, want 160 each", n, len(printed))
	}
}

// TestPrintCoalesced prints 100 000 lines: they arrive complete and in
// order, in a few large Stream calls rather than one per line or per pipe
// read; and os.Stdout, fmt and writers wrapping os.Stdout keep their
// relative order.
func TestPrintCoalesced(t *testing.T) {
	s := newSession(t)
	c := &countIO{}
	var all strings.Builder
	res := s.Execute(context.Background(), "for i := 0; i < 100000; i++ { fmt.Println(i) }", streamFunc(func(text string) {
		all.WriteString(text)
		c.calls++
	}))
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	var want strings.Builder
	for i := 0; i < 100000; i++ {
		fmt.Fprintln(&want, i)
	}
	if all.String() != want.String() {
		t.Fatalf("got %d bytes of output, want %d, in order", all.Len(), want.Len())
	}
	if c.calls > 1000 {
		t.Errorf("got %d Stream calls, want at most 1000", c.calls)
	}
	r, res := run(t, s, `import ("bufio"; "os")
fmt.Print("a")
os.Stdout.WriteString("b")
fmt.Fprint(os.Stdout, "c")
w := bufio.NewWriter(os.Stdout)
w.WriteString("d")
w.Flush()
fmt.Println("e")
os.Stdout.Sync()`)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if got := r.out.String(); got != "abcde\n" {
		t.Errorf("got %q, want %q", got, "abcde\n")
	}
}

// streamFunc is an IO whose Stream calls f (calls arrive one at a time
// from the stdout forwarder).
type streamFunc func(text string)

func (f streamFunc) Stream(name, text string) {
	if name == "stdout" {
		f(text)
	}
}
func (streamFunc) Display(display.Bundle)             {}
func (streamFunc) Update(display.Bundle)              {}
func (streamFunc) Clear(bool)                         {}
func (streamFunc) Input(string, bool) (string, error) { return "", fmt.Errorf("no input") }

// TestPrintStreamsLive checks that a long cell's output arrives while it
// runs, not only at its end.
func TestPrintStreamsLive(t *testing.T) {
	s := newSession(t)
	r := &recorder{}
	done := make(chan Result)
	go func() {
		done <- s.Execute(context.Background(), `import "time"
fmt.Println("early")
for k := 0; k < 200; k++ { time.Sleep(10 * time.Millisecond) }`, r)
	}()
	deadline := time.Now().Add(1500 * time.Millisecond)
	for {
		r.mu.Lock()
		got := r.out.String()
		r.mu.Unlock()
		if got == "early\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %q 1.5 s into a 2 s cell, want %q", got, "early\n")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if res := <-done; res.Err != nil {
		t.Fatal(res.Err)
	}
}

// TestMultiDefineInTopLevelBlock checks a, b := f() inside top-level
// blocks, which yaegi alone rejects with "undefined: a".
func TestMultiDefineInTopLevelBlock(t *testing.T) {
	s := newSession(t)
	if _, res := run(t, s, "func two() (int, int) { return 1, 2 }\nm := map[string]int{\"k\": 5}\nsum := 0"); res.Err != nil {
		t.Fatal(res.Err)
	}
	for _, tc := range []struct{ code, want string }{
		{"if true { a, b := two(); fmt.Println(a, b) }", "1 2\n"},
		{"for i := 0; i < 2; i++ { a, b := two(); sum += a + b + i }\nfmt.Println(sum)", "7\n"},
		{"{ var a, b = two(); fmt.Println(a + b) }", "3\n"},
		{"if v, ok := m[\"k\"]; ok { w, ok2 := m[\"z\"]; fmt.Println(v, w, ok2) }", "5 0 false\n"},
		{"switch { default: x, y := two(); fmt.Println(y, x) }", "2 1\n"},
	} {
		r, res := run(t, s, tc.code)
		if res.Err != nil {
			t.Errorf("%q: %v", tc.code, res.Err)
			continue
		}
		if got := r.out.String(); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.code, got, tc.want)
		}
	}
}

// TestMultiDefineTraceback checks that a runtime error in a rewritten
// top-level block still names the statement's line.
func TestMultiDefineTraceback(t *testing.T) {
	s := newSession(t)
	run(t, s, "func two() (int, int) { return 1, 0 }")
	_, res := run(t, s, "x := 1\nif x > 0 {\n\ta, b := two()\n\tfmt.Println(a / b)\n}")
	if res.Err == nil || res.Err.Name != "RuntimeError" {
		t.Fatalf("got %v, want a RuntimeError", res.Err)
	}
	if tb := strings.Join(res.Err.Traceback, "\n"); !strings.HasPrefix(tb, "cell 2, line 4, at top level\n    \tfmt.Println(a / b)\nRuntimeError") {
		t.Errorf("got traceback\n%s\nwant cell 2, line 4, at top level", tb)
	}
}
