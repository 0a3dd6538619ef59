package session

import (
	"strings"
	"testing"
)

// TestTypeCheckedCells runs cells through the type check and the
// interpreter: compile errors in the Go compiler's words, warnings for
// unused names, missing imports added, and valid Go that yaegi cannot
// compile as written running after the session's rewrites.
func TestTypeCheckedCells(t *testing.T) {
	cases := []struct {
		name   string
		cells  []string // all but the last must succeed
		err    string   // the traceback's last line, "" for success
		value  string
		stdout string
		stderr string
	}{
		{name: "undefined", cells: []string{"q := undefinedThing + 1"}, err: "CompileError: undefined: undefinedThing"},
		{name: "truncated", cells: []string{"var n int = 2.5"}, err: "CompileError: cannot use 2.5 (untyped float constant) as int value in variable declaration (truncated)"},
		{name: "arity", cells: []string{"func f(a, b int) int { return a + b }", "f(1)"}, err: "CompileError: not enough arguments in call to f\n\thave (number)\n\twant (int, int)"},
		{name: "comma ok", cells: []string{"m := map[string]int{\"a\": 1}\nv, ok := m[\"c\"]\nfmt.Println(v, ok)"}, stdout: "0 false\n"},
		{name: "comma ok later", cells: []string{"m := map[string]int{\"a\": 1}\nv, ok := m[\"a\"]", "v + 1"}, value: "2"},
		{name: "range int", cells: []string{"func s(n int) int { t := 0; for i := range n { t += i }; return t }\ns(4)"}, value: "6"},
		{name: "range int64", cells: []string{"var n int64 = 3\nt := int64(0)\nfor i := range n { t += i }\nt"}, value: "3"},
		{name: "blank after error", cells: []string{"import \"os\"\nf, _ := os.Open(\"/\")", "_ = ad.MatMul(ad.Eye(2), ad.Eye(2))\nf.Close()"}},
		{name: "added import", cells: []string{"strings.ToUpper(\"a\")"}, value: `"A"`, stderr: "note: added import \"strings\"\n"},
		{name: "unused variable", cells: []string{"func g() { x := 1 }\ng()"}, stderr: "warning: cell 1, line 1, column 12: declared and not used: x\n"},
		{name: "unused import", cells: []string{"import \"sort\""}},
		{name: "variable named init", cells: []string{"init := func() int { return 1 }\ninit()"}, value: "1"},
		{name: "generic", cells: []string{"func incr[T int | float64](x T) T { return x + T(1) }", "incr(2)"}, err: "CompileError: generic functions are not supported here: the interpreter cannot compile incr (its message: too many arguments); write the function for the type you need, e.g. func incr(x float64) float64 instead of func incr[T int | float64](x T) T"},
		{name: "method on earlier type", cells: []string{"type P struct{ X int }", "func (p P) Double() int { return 2 * p.X }\nP{3}.Double()"}, value: "6"},
	}
	for _, c := range cases {
		s := newSession(t)
		for k, code := range c.cells {
			r, res := run(t, s, code)
			if k < len(c.cells)-1 {
				if res.Err != nil {
					t.Fatalf("%s: cell %d: %v", c.name, k+1, res.Err.Traceback)
				}
				continue
			}
			if c.err != "" {
				if res.Err == nil || res.Err.Traceback[len(res.Err.Traceback)-1] != c.err {
					t.Errorf("%s: got %v, want %q", c.name, res.Err, c.err)
				}
				continue
			}
			if res.Err != nil {
				t.Errorf("%s: %s", c.name, strings.Join(res.Err.Traceback, "\n"))
				continue
			}
			if plain(res) != c.value || r.stdout() != c.stdout || r.stderr() != c.stderr {
				t.Errorf("%s: value %q stdout %q stderr %q, want %q %q %q", c.name, plain(res), r.stdout(), r.stderr(), c.value, c.stdout, c.stderr)
			}
		}
	}
}
