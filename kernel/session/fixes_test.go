package session

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

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
	for _, want := range []string{"cell 1500, line 1, in boom", "cell 3002, line 3"} {
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
