package session

import (
	"fmt"
	"strings"
	"testing"
)

// TestPeerKernelHabits runs the Go that gophernotes' and GoNB's notebooks
// write: a package clause is ignored, and a func main runs once, after the
// cell declaring it, never again implicitly.
func TestPeerKernelHabits(t *testing.T) {
	s := newSession(t)
	for _, c := range []struct {
		code, stdout, value, err string
	}{
		{code: "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"Hello World!\")\n}", stdout: "Hello World!\n"},
		{code: "x := 1", stdout: ""},
		{code: "x + 1", value: "2"},
		{code: "main()", stdout: "Hello World!\n"},
		{code: "package other\nx * 10", value: "10"},
		{code: "func main() {\n\tpanic(\"boom\")\n}", err: "Panic: boom"},
		{code: "y := 2", stdout: ""},
		// A local variable named main is renamed consistently.
		{code: "func f() int { main := 3; return main }\nf()", value: "3"},
	} {
		r, res := run(t, s, c.code)
		if c.err != "" {
			if res.Err == nil || res.Err.Traceback[len(res.Err.Traceback)-1] != c.err {
				t.Errorf("%q: got %v, want error %q", c.code, res.Err, c.err)
			}
			continue
		}
		if res.Err != nil {
			t.Errorf("%q: %s", c.code, strings.Join(res.Err.Traceback, "\n"))
			continue
		}
		if r.stdout() != c.stdout || plain(res) != c.value {
			t.Errorf("%q: stdout %q value %q, want %q %q", c.code, r.stdout(), plain(res), c.stdout, c.value)
		}
	}
}

// TestCellTypeRenderers checks that a value of a type declared in a cell
// displays through its renderer methods, which yaegi hides from compiled
// code.
func TestCellTypeRenderers(t *testing.T) {
	s := newSession(t)
	if _, res := run(t, s, `type Card struct{ Name string }
func (c Card) HTML() string { return "<b>" + c.Name + "</b>" }
func (c Card) String() string { return "card " + c.Name }
type Note string
func (n *Note) Markdown() string { return "*" + string(*n) + "*" }
type Plain struct{ A int }`); res.Err != nil {
		t.Fatal(res.Err)
	}
	for _, c := range []struct {
		code  string
		mimes map[string]string
	}{
		{`Card{"ace"}`, map[string]string{"text/plain": "card ace", "text/html": "<b>ace</b>"}},
		{`&Card{"king"}`, map[string]string{"text/plain": "card king", "text/html": "<b>king</b>"}},
		{`n := Note("hi")
&n`, map[string]string{"text/markdown": "*hi*"}},
		{`Note("value receiver has no Markdown")`, map[string]string{"text/plain": `"value receiver has no Markdown"`}},
		{`Plain{3}`, map[string]string{"text/plain": "{3}"}},
	} {
		_, res := run(t, s, c.code)
		if res.Err != nil || res.Value == nil {
			t.Errorf("%q: %v", c.code, res.Err)
			continue
		}
		for mime, want := range c.mimes {
			if got := fmt.Sprint(res.Value.Data[mime]); got != want {
				t.Errorf("%q: %s = %q, want %q (bundle %v)", c.code, mime, got, want, res.Value.Data)
			}
		}
	}
}
