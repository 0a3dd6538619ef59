package session

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// end is the cursor at the end of code, in code points.
func end(code string) int { return utf8.RuneCountInString(code) }

// TestCompleteCellImports completes members of packages the cell being
// typed imports, before it has run (issue 14).
func TestCompleteCellImports(t *testing.T) {
	s := newSession(t)
	cases := []struct {
		code string
		want []string // completions that must be offered
	}{
		{"import \"strings\"\nstrings.ToUpp", []string{"ToUpper"}},
		{"import (\n\t\"fmt\"\n\tst \"strings\"\n)\nx := st.HasP", []string{"HasPrefix"}},
		{"import \"gonum.org/v1/gonum/diff/fd\"\nfd.Deriv", []string{"Derivative"}},
		{"import \"gonum.org/v1/plot/plotutil\"\nplotutil.AddL", []string{"AddLinePoints", "AddLines"}},
		{"import \"math/rand\"\nrand.Int", []string{"Int", "Intn"}},
		{"import \"strings\"\nstri", []string{"strings"}},
	}
	for _, c := range cases {
		m, _, _ := s.Complete(c.code, end(c.code))
		for _, w := range c.want {
			if !contains(m, w) {
				t.Errorf("Complete(%q) = %v, want %s among them", c.code, m, w)
			}
		}
	}
	// Not imported anywhere: nothing.
	if m, _, _ := s.Complete("strings.ToUpp", 13); len(m) != 0 {
		t.Errorf("Complete of a package no cell imports = %v, want none", m)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TestCompleteItemTypes checks the kind and type each completion carries.
func TestCompleteItemTypes(t *testing.T) {
	s := newSession(t)
	run(t, s, "func myFunction(x int) int { return x }\nmyVariable := 2.5\ntype Point struct{ X, Y float64 }\npt := &Point{1, 2}\nconst myConst = 3\nmyTensor := ad.Ones(2)\nfunc (p Point) Dist() float64 { return p.X }\npv := Point{3, 4}")
	cases := []struct {
		code, text, typ, sig string // sig: a substring of the signature
	}{
		{"ad.Gr", "Grad", "function", "func("},
		{"ad.Ten", "Tensor", "type", ""},
		{"a", "ad", "package", ""},
		{"myF", "myFunction", "function", "func myFunction(x int) int"},
		{"myV", "myVariable", "variable", "float64"},
		{"myC", "myConst", "constant", ""},
		{"pt.", "X", "field", "float64"},
		{"myTensor.", "At", "method", "...int) float64"}, // variadic
		{"pt.", "Dist", "method", "func() float64"},      // a method declared in a cell
		{"pv.", "Dist", "method", "func() float64"},
		{"fo", "for", "keyword", ""},
		{"le", "len", "builtin", ""},
		{"import \"strings\"\nstrings.ToUpp", "ToUpper", "function", "func(string) string"},
		{"math.P", "Pi", "constant", ""},
	}
	for _, c := range cases {
		items, _, _ := s.CompleteItems(c.code, end(c.code))
		var found bool
		for _, it := range items {
			if it.Text != c.text {
				continue
			}
			found = true
			if it.Type != c.typ || !strings.Contains(it.Signature, c.sig) {
				t.Errorf("%q: item %+v, want type %s and a signature with %q", c.code, it, c.typ, c.sig)
			}
		}
		if !found {
			t.Errorf("%q: no completion %s among %v", c.code, c.text, items)
		}
	}
}

// TestInspectInCall checks Shift+Tab inside a call's parentheses: the
// called function's signature and doc (issue 14).
func TestInspectInCall(t *testing.T) {
	s := newSession(t)
	run(t, s, "func myFunction(x int) int { return x }\nf := func(x *ad.Tensor) *ad.Tensor { return ad.Tanh(x) }")
	cases := []struct {
		code string
		want []string // substrings of the help text; nil: nothing found
	}{
		{"ad.Grad(", []string{"func Grad(", "Grad returns"}},
		{"g := ad.Grad(f", []string{"var f"}}, // on a name: that name
		{"ad.Grad(f)(", []string{"called: ad.Grad(…), a func(", "func Grad("}},
		{"y := ad.Grad(ad.Tanh)(ad.Scalar(0.3), ", []string{"called: ad.Grad(…)", "func Grad("}},
		{"ad.Sum(ad.Mul(f(ad.Scalar(1)), ", []string{"func Mul("}},
		{"ad.Sum(\n\tad.Scalar(2),\n\t", []string{"func Sum("}},
		{"fmt.Println(1, ", []string{"func fmt.Println("}},
		{"myFunction(", []string{"func myFunction(x int) int"}},
		{"ad.New([]float64{1, ", []string{"func New("}}, // in a literal inside the call: the call
		{"x := 1 + ", nil},
		{"g := func(", nil},
		{"import \"gonum.org/v1/gonum/diff/fd\"\nfd.Derivative(", []string{"func Derivative(", "Derivative estimates"}},
	}
	for _, c := range cases {
		b, ok := s.Inspect(c.code, end(c.code), 0)
		text := fmt.Sprint(b.Data["text/plain"])
		if c.want == nil {
			if ok {
				t.Errorf("Inspect(%q) found %q, want nothing", c.code, text)
			}
			continue
		}
		if !ok {
			t.Errorf("Inspect(%q) found nothing", c.code)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("Inspect(%q) = %q, want it to contain %q", c.code, text, w)
			}
		}
	}
}

// TestInspectVariables checks Shift+Tab on a notebook variable: its type
// and a short value, a tensor's shape.
func TestInspectVariables(t *testing.T) {
	s := newSession(t)
	run(t, s, `x := ad.New([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
big := ad.Zeros(100, 100)
sc := ad.Scalar(0.5)
n := 42
word := "hello"
xs := []float64{1, 2}
m := map[string]int{"a": 1}
var nilT *ad.Tensor
type Celsius float64
func (c Celsius) String() string { for { } }
temp := Celsius(20)`)
	cases := []struct {
		code string
		want []string
		not  string // must not appear
	}{
		{"x", []string{"var x *ad.Tensor", "shape [2 3]", "1 2 3 4 5 6"}, ""},
		{"big", []string{"var big *ad.Tensor", "shape [100 100]"}, "0 0 0"},
		{"sc", []string{"scalar 0.5"}, ""},
		{"n", []string{"var n int", "42"}, ""},
		{"word", []string{"var word string", `"hello"`}, ""},
		{"xs", []string{"var xs []float64", "len 2, cap 2: [1 2]"}, ""},
		{"m", []string{"var m map[string]int", "len 1"}, ""},
		{"nilT", []string{"var nilT *ad.Tensor", "nil"}, ""},
		// A value whose String method never returns: not called.
		{"temp", []string{"var temp Celsius", "20"}, ""},
		{"y := x.Shape", []string{"func (x) Shape() []int"}, ""},
		{"temp.String", []string{"func (temp) String() string"}, ""}, // a method declared in a cell
	}
	for _, c := range cases {
		b, ok := s.Inspect(c.code, end(c.code), 0)
		text := fmt.Sprint(b.Data["text/plain"])
		if !ok {
			t.Errorf("Inspect(%q) found nothing", c.code)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("Inspect(%q) = %q, want it to contain %q", c.code, text, w)
			}
		}
		if c.not != "" && strings.Contains(text, c.not) {
			t.Errorf("Inspect(%q) = %q, must not contain %q", c.code, text, c.not)
		}
	}
}

// TestCompleteExpressionMembers completes methods and fields of any typed
// expression before a '.', from the type checker's view of the session.
func TestCompleteExpressionMembers(t *testing.T) {
	s := newSession(t)
	run(t, s, "type Point struct{ X, Y float64 }\nfunc (p Point) Norm() float64 { return math.Hypot(p.X, p.Y) }\npts := []Point{{3, 4}}\nts := []*ad.Tensor{ad.Scalar(1)}\nf := func(x *ad.Tensor) *ad.Tensor { return x }")
	cases := []struct {
		code string
		want []string
		typ  string // the type of want[0]
	}{
		{"ad.Scalar(1).Sh", []string{"Shape"}, "method"},
		{"ts[0].Si", []string{"Size"}, "method"},
		{"ad.Grad(f)(ad.Scalar(2)).It", []string{"Item"}, "method"},
		{"pts[0].", []string{"Norm", "X", "Y"}, "method"},
		{"pts[0].X", []string{"X"}, "field"},
		{"import \"strings\"\nstrings.NewReader(\"a\").Rea", []string{"Read", "ReadByte"}, "method"},
	}
	for _, c := range cases {
		items, _, _ := s.CompleteItems(c.code, end(c.code))
		var texts []string
		for _, it := range items {
			texts = append(texts, it.Text)
		}
		for _, w := range c.want {
			if !contains(texts, w) {
				t.Errorf("Complete(%q) = %v, want %s among them", c.code, texts, w)
			}
		}
		for _, it := range items {
			if it.Text == c.want[0] && it.Type != c.typ {
				t.Errorf("Complete(%q): %s is a %s, want %s", c.code, it.Text, it.Type, c.typ)
			}
		}
	}
	// Not an expression with a type: nothing, not the session's names.
	for _, code := range []string{"undefinedThing(1).Fo", "x := 1.", "\"str\"."} {
		if m, _, _ := s.Complete(code, end(code)); len(m) != 0 {
			t.Errorf("Complete(%q) = %v, want nothing", code, m)
		}
	}
}
