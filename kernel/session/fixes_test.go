package session

import (
	"fmt"
	"strings"
	"testing"
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
