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
		// A compiled call whose result is a function, assigned with =
		// (yaegi_fixes.go, parenFuncResults).
		{name: "func result into element", cells: []string{"s := make([]func(*ad.Tensor) *ad.Tensor, 2)\ns[1] = ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Mul(x, x) })\nfmt.Println(s[0] == nil, s[1](ad.Scalar(3)))"}, stdout: "true 6.0\n"},
		{name: "func result into array element", cells: []string{"import \"sync\"\nvar a [1]func()\na[0] = sync.OnceFunc(func() { fmt.Println(\"once\") })\na[0]()\na[0]()"}, stdout: "once\n"},
		{name: "func result into pointee", cells: []string{"p := new(func(*ad.Tensor) *ad.Tensor)\n*p = ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Mul(x, x) })\nfmt.Println((*p)(ad.Scalar(2)))"}, stdout: "4.0\n"},
		{name: "func result variable assigned again", cells: []string{"import \"sync\"\nvar o func()\no = sync.OnceFunc(func() {})", "o = nil\nfmt.Println(o == nil)"}, stdout: "true\n"},
		{name: "func result redefined with :=", cells: []string{"g := ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Mul(x, x) })", "g := ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Mul(x, ad.Mul(x, x)) })", "fmt.Println(g(ad.Scalar(2)))\ng = nil\nfmt.Println(g == nil)"}, stdout: "12.0\ntrue\n"},
		{name: "func results in one assignment", cells: []string{"import \"sync\"\nvar x, y func()\nx, y = sync.OnceFunc(func() {}), sync.OnceFunc(func() {})", "x, y = nil, nil\nfmt.Println(x == nil, y == nil)"}, stdout: "true true\n"},
		{name: "func result in a function", cells: []string{"import \"sync\"\nfunc f() bool {\n\tvar o func()\n\to = sync.OnceFunc(func() {})\n\to = nil\n\treturn o == nil\n}\nf()"}, value: "true"},
		// A top-level := of an element of a compiled package's slice or
		// map (yaegi_fixes.go, indexDefs).
		{name: "index of a shape", cells: []string{"t := ad.Linspace(0, 1, 3)\nsh := t.Shape()", "n := sh[0]\nw := t.Shape()[0] + 1\nfmt.Println(n, w)"}, stdout: "3 4\n"},
		{name: "index of data in an expression", cells: []string{"xs := ad.Linspace(0, 1, 3).Data()", "y := xs[1] * 2\nfmt.Println(y)"}, stdout: "1\n"},
		{name: "index of GradSlice's result", cells: []string{"gs := ad.GradSlice(func(xs []*ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(xs[0], xs[1])) })", "out := gs([]*ad.Tensor{ad.Scalar(2), ad.Scalar(3)})", "a, b := out[0], out[1]\nit := out[1].Item()\nfmt.Println(a, b, it)"}, stdout: "3.0 2.0 2\n"},
		{name: "index of GradMap's result", cells: []string{"gm := ad.GradMap(func(m map[string]*ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(m[\"a\"], m[\"b\"])) })\ngg := gm(map[string]*ad.Tensor{\"a\": ad.Scalar(2), \"b\": ad.Scalar(3)})", "ga := gg[\"a\"]\nfmt.Println(ga)"}, stdout: "3.0\n"},
		{name: "index of a standard library slice", cells: []string{"import \"strings\"\nws := strings.Fields(\"a b\")\nw0 := ws[0]\nfmt.Println(w0)"}, stdout: "a\n"},
		{name: "nils in one assignment", cells: []string{"var a, b *int\nvar e error\nvar m map[string]int\nvar f func()\na, b = nil, nil\ne, m, f = nil, nil, nil\nfmt.Println(a, b, e, m == nil, f == nil)"}, stdout: "<nil> <nil> <nil> true true\n"},
		{name: "nils in one assignment in a function", cells: []string{"func h() (*ad.Tensor, error) {\n\tvar t *ad.Tensor\n\tvar err error\n\tt, err = nil, nil\n\treturn t, err\n}\nt, err := h()\nfmt.Println(t == nil, err)"}, stdout: "true <nil>\n"},
		{name: "undefined", cells: []string{"q := undefinedThing + 1"}, err: "CompileError: undefined: undefinedThing"},
		{name: "truncated", cells: []string{"var n int = 2.5"}, err: "CompileError: cannot use 2.5 (untyped float constant) as int value in variable declaration (truncated)"},
		{name: "arity", cells: []string{"func f(a, b int) int { return a + b }", "f(1)"}, err: "CompileError: not enough arguments in call to f\n\thave (number)\n\twant (int, int)"},
		{name: "comma ok", cells: []string{"m := map[string]int{\"a\": 1}\nv, ok := m[\"c\"]\nfmt.Println(v, ok)"}, stdout: "0 false\n"},
		{name: "comma ok of a package's type", cells: []string{"m := map[string]*ad.Tensor{\"a\": ad.Scalar(1)}", "v, ok := m[\"a\"]\nfmt.Println(v, ok)"}, stdout: "1.0 true\n"},
		{name: "comma ok of a func type", cells: []string{"ch := make(chan func(*ad.Tensor) *ad.Tensor, 1)\nch <- ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Mul(x, x) })", "f, ok := <-ch\nfmt.Println(f(ad.Scalar(2)), ok)"}, stdout: "4.0 true\n"},
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
