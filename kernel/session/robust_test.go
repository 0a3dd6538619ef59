package session

import (
	"strings"
	"testing"
)

// TestBadInput feeds cells that are not valid Go: each must give an error
// (never a crash), and the session must keep working.
func TestBadInput(t *testing.T) {
	s := newSession(t)
	cells := []string{
		"}", "{", "func", "package", "package main\npackage main", "import", "import \"no/such/package\"",
		"x := `unterminated", "\"unterminated", "type", "var", "1 +", "go", "defer", "return 1",
		"goto L", "func (", "func () {}()()", "\x00\xff", "x := []int{1,2,3}[5]",
		"var m map[string]int\nm[\"a\"] = 1", "var p *struct{ A int }\np.A", "close(nil)",
		"ch := make(chan int)\nclose(ch)\nclose(ch)", "type T T", "func f(", "%", "%unknown",
		"import \"C\"", "var x int = \"s\"", strings.Repeat("(", 10000),
	}
	for _, c := range cells {
		_, res := run(t, s, c)
		if res.Err == nil {
			t.Errorf("%q: no error", c)
		}
	}
	if _, res := run(t, s, "40 + 2"); plain(res) != "42" {
		t.Errorf("after bad input: %q %v", plain(res), res.Err)
	}
}

// TestShadowFallback checks that cells still run when the compile checker
// cannot be rebuilt (simulated with a broken history entry).
func TestShadowFallback(t *testing.T) {
	s := newSession(t)
	run(t, s, "import \"strings\"\nv := 1")
	s.history = append(s.history, chunk{kind: declChunk, src: "package main; this is not Go"})
	s.shadow = nil
	r, res := run(t, s, "import \"strings\"\nstrings.ToUpper(\"a\") + fmt.Sprint(v)")
	if res.Err != nil || plain(res) != `"A1"` {
		t.Fatalf("got %q %v", plain(res), res.Err)
	}
	if !strings.Contains(r.stderr(), "compile checker") {
		t.Errorf("stderr %q does not warn about the checker", r.stderr())
	}
}
