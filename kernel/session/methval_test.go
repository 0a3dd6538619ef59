package session

import (
	"strings"
	"testing"

	"github.com/gograd/gograd/ad"
)

// methodValueCases are cells that make method values and print what
// calling them gives; want is what the same code prints as a Go program
// (each case was run with go run, setup and func declarations at package
// level, the other lines in main).
var methodValueCases = []struct {
	name  string
	setup string // a cell run before, declarations
	cell  string
	want  string
}{
	{"value receiver in a top-level loop", "type num struct{ v int }\nfunc (n num) Get() int { return n.v }",
		"ns := []num{{1}, {2}}\nvar fs []func() int\nfor _, n := range ns { fs = append(fs, n.Get) }\nfmt.Println(fs[0](), fs[1]())", "1 2"},
	{"value receiver in a function body", "type num struct{ v int }\nfunc (n num) Get() int { return n.v }",
		"func mk(ns []num) []func() int {\n\tvar fs []func() int\n\tfor _, n := range ns {\n\t\tfs = append(fs, n.Get)\n\t}\n\treturn fs\n}\nfs := mk([]num{{1}, {2}, {3}})\nfmt.Println(fs[0](), fs[1](), fs[2]())", "1 2 3"},
	{"value receiver copied at evaluation", "type num struct{ v int }\nfunc (n num) Get() int { return n.v }",
		"n := num{1}\nf := n.Get\nn.v = 5\nfmt.Println(f(), n.Get())", "1 5"},
	{"value receiver at top level, two values", "type num struct{ v int }\nfunc (n num) Get() int { return n.v }",
		"n := num{1}\nf := n.Get\nn = num{2}\ng := n.Get\nfmt.Println(f(), g())", "1 2"},
	{"pointer receiver in a loop", "type ctr struct{ v int }\nfunc (c *ctr) Inc() int { c.v++; return c.v }",
		"cs := []*ctr{{10}, {20}}\nvar fs []func() int\nfor _, c := range cs { fs = append(fs, c.Inc) }\nfmt.Println(fs[0](), fs[1](), cs[0].v, cs[1].v)", "11 21 11 21"},
	{"pointer receiver of an addressable value", "type ctr struct{ v int }\nfunc (c *ctr) Inc() int { c.v++; return c.v }",
		"var c ctr\nf := c.Inc\nf()\nf()\nfmt.Println(c.v)", "2"},
	{"pointer receiver of slice elements", "type ctr struct{ v int }\nfunc (c *ctr) Inc() int { c.v++; return c.v }",
		"cs := []ctr{{10}, {20}}\nvar fs []func() int\nfor i := range cs { fs = append(fs, cs[i].Inc) }\nfs[0]()\nfs[1]()\nfmt.Println(cs)", "[{11} {21}]"},
	{"value receiver of slice elements", "type num struct{ v int }\nfunc (n num) Get() int { return n.v }",
		"ns := []num{{1}, {2}}\nvar fs []func() int\nfor i := range ns { fs = append(fs, ns[i].Get) }\nns[0].v = 9\nfmt.Println(fs[0](), fs[1]())", "1 2"},
	{"value receiver of a struct field", "type num struct{ v int }\nfunc (n num) Get() int { return n.v }\ntype box struct{ n num }",
		"bs := []box{{num{1}}, {num{2}}}\nvar fs []func() int\nfor _, b := range bs { fs = append(fs, b.n.Get) }\nfmt.Println(fs[0](), fs[1]())", "1 2"},
	{"pointer receiver of a struct field", "type ctr struct{ v int }\nfunc (c *ctr) Inc() int { c.v++; return c.v }\ntype holder struct{ c ctr }",
		"h := &holder{}\nf := h.c.Inc\nf()\nfmt.Println(h.c.v)", "1"},
	{"value receiver of map values", "type num struct{ v int }\nfunc (n num) Get() int { return n.v }",
		"m := map[string]num{\"a\": {1}, \"b\": {2}}\nvar fs []func() int\nfor _, k := range []string{\"a\", \"b\"} { fs = append(fs, m[k].Get) }\nm[\"a\"] = num{7}\nfmt.Println(fs[0](), fs[1]())", "1 2"},
	{"value receiver through a pointer", "type num struct{ v int }\nfunc (n num) Get() int { return n.v }",
		"p := &num{1}\nf := p.Get\np.v = 2\nfmt.Println(f(), p.Get())", "1 2"},
	{"promoted method", "type num struct{ v int }\nfunc (n num) Get() int { return n.v }\ntype outer struct{ num }",
		"os := []outer{{num{1}}, {num{2}}}\nvar fs []func() int\nfor _, o := range os { fs = append(fs, o.Get) }\nfmt.Println(fs[0](), fs[1]())", "1 2"},
	{"interface method values", "type num struct{ v int }\nfunc (n num) Name() string { return fmt.Sprint(n.v) }\ntype namer interface{ Name() string }",
		"ss := []namer{num{1}, num{2}}\nvar fs []func() string\nfor _, s := range ss { fs = append(fs, s.Name) }\nfmt.Println(fs[0](), fs[1]())", "1 2"},
	{"interface method values in a function body", "type num struct{ v int }\nfunc (n num) Name() string { return fmt.Sprint(n.v) }\ntype namer interface{ Name() string }",
		"func names(ss []namer) (fs []func() string) {\n\tfor _, s := range ss {\n\t\tfs = append(fs, s.Name)\n\t}\n\treturn\n}\nfs := names([]namer{num{1}, num{2}})\nfmt.Println(fs[0](), fs[1]())", "1 2"},
	{"compiled interface of compiled values", "",
		"var fs []func() string\nfor _, s := range []fmt.Stringer{ad.Scalar(1), ad.Scalar(2)} { fs = append(fs, s.String) }\nfmt.Println(fs[0](), fs[1]())", ad.Scalar(1).String() + " " + ad.Scalar(2).String()},
	{"compiled type", "",
		"ts := []*ad.Tensor{ad.Scalar(1), ad.Scalar(2)}\nvar fs []func() float64\nfor _, t := range ts { fs = append(fs, t.Item) }\nfmt.Println(fs[0](), fs[1]())", "1 2"},
	{"compiled type in a function body", "",
		"func items(ts []*ad.Tensor) []func() float64 {\n\tvar fs []func() float64\n\tfor _, t := range ts {\n\t\tfs = append(fs, t.Item)\n\t}\n\treturn fs\n}\nfs := items([]*ad.Tensor{ad.Scalar(1), ad.Scalar(2)})\nfmt.Println(fs[0](), fs[1]())", "1 2"},
	{"signature naming a package's type", "type model struct{ w *ad.Tensor }\nfunc (m model) Out(x *ad.Tensor) *ad.Tensor { return ad.Mul(m.w, x) }",
		"var fs []func(*ad.Tensor) *ad.Tensor\nfor _, m := range []model{{ad.Scalar(1)}, {ad.Scalar(2)}} { fs = append(fs, m.Out) }\nfmt.Println(fs[0](ad.Scalar(3)).Item(), fs[1](ad.Scalar(3)).Item())", "3 6"},
	{"interface signature naming a package's type", "type model struct{ w *ad.Tensor }\nfunc (m model) Out(x *ad.Tensor) *ad.Tensor { return ad.Mul(m.w, x) }\ntype layer interface{ Out(*ad.Tensor) *ad.Tensor }",
		"var fs []func(*ad.Tensor) *ad.Tensor\nfor _, l := range []layer{model{ad.Scalar(1)}, model{ad.Scalar(2)}} { fs = append(fs, l.Out) }\nfmt.Println(fs[0](ad.Scalar(3)).Item(), fs[1](ad.Scalar(3)).Item())", "3 6"},
	{"method value passed as an argument", "type num struct{ v int }\nfunc (n num) Get() int { return n.v }\nfunc call(f func() int) int { return f() }",
		"sum := 0\nfor _, n := range []num{{1}, {2}} { sum += call(n.Get) }\nfmt.Println(sum)", "3"},
	{"method value with arguments", "type num struct{ v int }\nfunc (n num) Add(xs ...int) int { s := n.v; for _, x := range xs { s += x }; return s }",
		"var fs []func(...int) int\nfor _, n := range []num{{1}, {2}} { fs = append(fs, n.Add) }\nfmt.Println(fs[0](10), fs[1](10, 20))", "11 32"},
}

// TestMethodValues checks that a method value copies its receiver when it
// is evaluated, as Go says: yaegi v0.16.1 reads it from the receiver's
// slot at each call, so method values made in a loop all used the last
// receiver.
func TestMethodValues(t *testing.T) {
	for _, tc := range methodValueCases {
		t.Run(tc.name, func(t *testing.T) {
			s := newSession(t)
			if tc.setup != "" {
				if _, res := run(t, s, tc.setup); res.Err != nil {
					t.Fatalf("setup: %v\n%s", res.Err, strings.Join(res.Err.Traceback, "\n"))
				}
			}
			r, res := run(t, s, tc.cell)
			if res.Err != nil {
				t.Fatalf("%v\n%s", res.Err, strings.Join(res.Err.Traceback, "\n"))
			}
			if got := strings.TrimSpace(r.stdout()); got != tc.want {
				t.Errorf("got %q, want %q (stderr %q)", got, tc.want, r.stderr())
			}
		})
	}
}

// TestMethodValueCells checks method values across cells: in a
// package-level var, of a type redefined by a later cell, and of a nil
// pointer with a value receiver, which panics where the method value is
// evaluated, as in Go.
func TestMethodValueCells(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cells []string
		want  string // stdout of the last cell
		err   string // or the start of its error's value
	}{
		{"package-level var", []string{"type num struct{ v int }\nfunc (n num) Get() int { return n.v }\nvar n = num{1}\nvar f = n.Get",
			"n = num{2}\nfmt.Println(f(), n.Get())"}, "1 2", ""},
		{"redefined type", []string{"type num struct{ v int }\nfunc (n num) Get() int { return n.v }",
			"type num struct{ v, w int }\nfunc (n num) Get() int { return n.v + n.w }",
			"var fs []func() int\nfor _, n := range []num{{1, 1}, {2, 2}} { fs = append(fs, n.Get) }\nfmt.Println(fs[0](), fs[1]())"}, "2 4", ""},
		{"nil pointer, value receiver", []string{"type num struct{ v int }\nfunc (n num) Get() int { return n.v }",
			"var p *num\nf := p.Get\nfmt.Println(\"not reached\", f)"}, "", "invalid memory address or nil pointer dereference"},
		{"nil pointer, pointer receiver", []string{"type ctr struct{ v int }\nfunc (c *ctr) P() bool { return c == nil }",
			"var c *ctr\nf := c.P\nc = &ctr{}\nfmt.Println(f(), c.P())"}, "true false", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSession(t)
			var r *recorder
			var res Result
			for _, c := range tc.cells {
				r, res = run(t, s, c)
			}
			if tc.err != "" {
				if res.Err == nil || !strings.Contains(res.Err.Value, tc.err) {
					t.Fatalf("got %v (stdout %q), want an error with %q", res.Err, r.stdout(), tc.err)
				}
				return
			}
			if res.Err != nil {
				t.Fatalf("%v\n%s", res.Err, strings.Join(res.Err.Traceback, "\n"))
			}
			if got := strings.TrimSpace(r.stdout()); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
