package session

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestWarm checks that a warmed session behaves as a fresh one: the first
// cell is still cell 1 in tracebacks, nothing is added to what the user
// declared, and Warm after a cell or after Close does nothing.
func TestWarm(t *testing.T) {
	s := newSession(t)
	s.Warm()
	if s.shadow == nil {
		t.Fatal("Warm did not build the compile checker")
	}
	if s.cellNo != 0 || len(s.history) != 0 {
		t.Fatalf("Warm ran a cell: cellNo %d, history %d", s.cellNo, len(s.history))
	}
	out, res := run(t, s, "x := ad.Sum(ad.Linspace(0, 1, 3))\nfmt.Println(x)\nvar xs []int\n_ = xs[1]")
	if res.Err == nil {
		t.Fatal("no error")
	}
	if !strings.Contains(out.stdout(), "1.5") {
		t.Errorf("output %q, want 1.5", out.stdout())
	}
	if tb := strings.Join(res.Err.Traceback, "\n"); !strings.Contains(tb, "cell 1, line 4") {
		t.Errorf("first cell after Warm is not cell 1: %q", tb)
	}
	shadow := s.shadow
	s.Warm() // after a cell: nothing
	if s.shadow != shadow || s.cellNo != 1 {
		t.Error("Warm after a cell changed the session")
	}
	if _, res := run(t, s, "fmt.Println(x)"); res.Err != nil {
		t.Fatal(res.Err)
	}
	s.Close()
	s.Warm() // after Close: nothing, no panic
}

// TestReleaseFree checks that a session with Options.ReleaseFree returns
// the free heap once idle, never while a cell runs, and not at all below
// the threshold.
func TestReleaseFree(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's shadow memory is not the session's")
	}
	s, err := New(Options{ReleaseFree: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.release.delay = 20 * time.Millisecond
	count := func() int {
		s.release.mu.Lock()
		defer s.release.mu.Unlock()
		return s.release.count
	}
	ctx := context.Background()
	// Garbage: 64 MiB in slices nothing keeps.
	garbage := "for i := 0; i < 64; i++ { b := make([]byte, 1<<20); b[0] = 1 }"
	if res := s.Execute(ctx, garbage, discardIO{}); res.Err != nil {
		t.Fatal(res.Err)
	}
	before := freeHeap()
	waitFor(t, "a release after an idle pause", func() bool { return count() == 1 })
	if after := freeHeap(); before < 8<<20 || after > before/2 {
		t.Errorf("free heap %d bytes before the release, %d after", before, after)
	}
	// A cell that leaves garbage, then at once one that runs longer than
	// the delay: the timer fires while the second runs, and the release
	// waits for its end.
	if res := s.Execute(ctx, garbage, discardIO{}); res.Err != nil {
		t.Fatal(res.Err)
	}
	done := make(chan Result)
	go func() {
		done <- s.Execute(ctx, garbage+"\ntime.Sleep(200 * time.Millisecond)", discardIO{})
	}()
	time.Sleep(120 * time.Millisecond)
	if c := count(); c != 1 {
		t.Errorf("%d releases while a cell ran, want none after the first", c-1)
	}
	if res := <-done; res.Err != nil {
		t.Fatal(res.Err)
	}
	waitFor(t, "a release after the long cell", func() bool { return count() == 2 })
	// Below the threshold: no release.
	s.release.threshold = 1 << 40
	if res := s.Execute(ctx, garbage, discardIO{}); res.Err != nil {
		t.Fatal(res.Err)
	}
	time.Sleep(100 * time.Millisecond)
	if c := count(); c != 2 {
		t.Errorf("a release below the threshold (count %d)", c)
	}
}

// waitFor polls cond for up to 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("no %s within 10 s", what)
}
