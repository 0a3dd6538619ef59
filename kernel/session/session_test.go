package session

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gograd/gograd/display"
)

// recorder is an IO that records everything a cell produces.
type recorder struct {
	mu       sync.Mutex
	out, err strings.Builder
	displays []display.Bundle
	inputs   []string
	noInput  bool
	prompts  int
}

func (r *recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if name == "stdout" {
		r.out.WriteString(text)
	} else {
		r.err.WriteString(text)
	}
}
func (r *recorder) Display(b display.Bundle) {
	r.mu.Lock()
	r.displays = append(r.displays, b)
	r.mu.Unlock()
}
func (r *recorder) Update(b display.Bundle) { r.Display(b) }
func (r *recorder) Clear(bool)              {}
func (r *recorder) Input(prompt string, password bool) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.prompts++
	if r.noInput || len(r.inputs) == 0 {
		return "", errors.New("input not allowed")
	}
	l := r.inputs[0]
	r.inputs = r.inputs[1:]
	return l, nil
}
func (r *recorder) stdout() string { r.mu.Lock(); defer r.mu.Unlock(); return r.out.String() }
func (r *recorder) stderr() string { r.mu.Lock(); defer r.mu.Unlock(); return r.err.String() }

func newSession(t testing.TB) *Session {
	t.Helper()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// run executes code and returns the recorder and result.
func run(t testing.TB, s *Session, code string) (*recorder, Result) {
	t.Helper()
	r := &recorder{}
	res := s.Execute(context.Background(), code, r)
	return r, res
}

func plain(res Result) string {
	if res.Value == nil {
		return ""
	}
	return fmt.Sprint(res.Value.Data["text/plain"])
}

func errName(res Result) string {
	if res.Err == nil {
		return ""
	}
	return res.Err.Name
}

// internalName matches the internal names of redefined types.
var internalName = regexp.MustCompile(`[A-Za-z]_v[0-9]`)

func TestCells(t *testing.T) {
	s := newSession(t)
	cases := []struct {
		name, code     string
		out, value, en string
		errContains    string
	}{
		{name: "print", code: `fmt.Println("hi")`, out: "hi\n"},
		{name: "mixed", code: "import \"fmt\"\nfunc sq(x int) int { return x * x }\nx := sq(3)\nfmt.Println(x)\nvar y = 2\nx + y", out: "9\n", value: "11"},
		{name: "reimport", code: "import \"fmt\"\nfmt.Print(\"again\")", out: "again"},
		{name: "redeclare func", code: "func sq(x int) int { return x + 1 }\nsq(3)", value: "4"},
		{name: "redeclare var", code: "var y = \"str\"\ny", value: `"str"`},
		{name: "type", code: "type P struct{ A int }\nP{1}", value: "{1}"},
		{name: "same type again", code: "type P struct{ A int }\nP{2}", value: "{2}"},
		{name: "method", code: "func (p P) Get() int { return p.A }\nP{5}.Get()", value: "5"},
		{name: "same method again", code: "func (p P) Get() int { return p.A }\nP{6}.Get()", value: "6"},
		{name: "changed method", code: "func (p P) Get() int { return -p.A }", en: "CompileError", errContains: "method P.Get changed"},
		{name: "method kept", code: "P{7}.Get()", value: "7"},
		{name: "changed type", code: "old := P{8}\ntype P struct{ B string }\nfunc (p P) Get() string { return p.B + \"!\" }\nP{B: \"x\"}.Get()", value: `"x!"`},
		{name: "new type used later", code: "var q P\nq.B = \"y\"\nq.Get()", value: `"y!"`},
		{name: "old value kept", code: "old.Get()", value: "8"},
		{name: "redefined again", code: "type P struct{ B string }\nfunc (p P) Get() string { return p.B + \"?\" }\nP{\"z\"}.Get()", value: `"z?"`},
		{name: "error names P", code: "var zz P = 3", en: "CompileError", errContains: "P"},
		{name: "no result call", code: "func nothing() {}\nnothing()", value: ""},
		{name: "two results", code: "func two() (int, string) { return 1, \"a\" }\ntwo()", value: "(1, a)"},
		{name: "ad preloaded", code: "ad.Scalar(2).Item()", value: "2"},
		{name: "compile error", code: "z := 1\nfmt.Println(z)\nundefinedThing()", en: "CompileError", errContains: "undefined: undefinedThing"},
		{name: "no side effects", code: "z", en: "CompileError", errContains: "undefined: z"},
		{name: "index", code: "var s []int\n_ = s[5]", en: "RuntimeError", errContains: "runtime error: index out of range [5] with length 0"},
		{name: "panic", code: "panic(\"my panic\")", en: "Panic", errContains: "my panic"},
		{name: "divide", code: "zero := 0\n1 / zero", en: "RuntimeError", errContains: "divide by zero"},
		{name: "exit", code: "import \"os\"\nos.Exit(3)\nfmt.Println(\"not reached\")", en: "Exit", errContains: "os.Exit(3)"},
		{name: "log fatal", code: "import \"log\"\nlog.Fatal(\"boom\")", en: "Exit", errContains: "boom"},
		{name: "ad shape error", code: "ad.Add(ad.New([]float64{1, 2}), ad.New([]float64{1, 2, 3}))", en: "ShapeError", errContains: "ad.Add"},
		{name: "ad released", code: "relf := ad.JitSliceTo(func(xs []*ad.Tensor) []*ad.Tensor { return []*ad.Tensor{ad.Exp(xs[0])} })\nvar relo []*ad.Tensor\nrelo = relf(relo, []*ad.Tensor{ad.Ones(200)})\nvar relp *ad.Tensor = relo[0]\nrelo = relf(relo, []*ad.Tensor{ad.Ones(200)})\nad.Sum(relp)", en: "ReleasedError", errContains: "ad.Sum: the tensor of shape (200,) was released"},
		{name: "state kept", code: "x", value: "9"},
	}
	for _, c := range cases {
		r, res := run(t, s, c.code)
		if got := r.stdout(); got != c.out {
			t.Errorf("%s: stdout %q, want %q", c.name, got, c.out)
		}
		if got := plain(res); got != c.value {
			t.Errorf("%s: value %q, want %q", c.name, got, c.value)
		}
		if got := errName(res); got != c.en {
			t.Errorf("%s: error %q (%v), want %q", c.name, got, res.Err, c.en)
		}
		if res.Err != nil {
			if all := res.Err.Value + strings.Join(res.Err.Traceback, "\n"); strings.Contains(all, "__gograd") || internalName.MatchString(all) {
				t.Errorf("%s: error shows internal names: %v %q", c.name, res.Err, res.Err.Traceback)
			}
		}
		if c.errContains != "" && (res.Err == nil || !strings.Contains(res.Err.Value, c.errContains)) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, res.Err, c.errContains)
		}
	}
}

func TestErrorPositions(t *testing.T) {
	s := newSession(t)
	_, res := run(t, s, "a := 1\n\nfmt.Println(a)\n  b := undefinedName + 1")
	if res.Err == nil {
		t.Fatal("no error")
	}
	tb := strings.Join(res.Err.Traceback, "\n")
	if !strings.Contains(tb, "line 4, column") || !strings.Contains(tb, "b := undefinedName + 1") {
		t.Errorf("traceback %q lacks line 4 and the source line", tb)
	}
	_, res = run(t, s, "func h() {\n\tvar s []int\n\t_ = s[5]\n}\n\nh()")
	tb = strings.Join(res.Err.Traceback, "\n")
	if !strings.Contains(tb, "cell 2, line 6, at top level\n    h()\ncell 2, line 3, in h\n    \t_ = s[5]") {
		t.Errorf("traceback %q lacks h's failing statement and the top level", tb)
	}
}

func TestTopLevelErrorLine(t *testing.T) {
	s := newSession(t)
	_, res := run(t, s, "a := []int{1, 2}\nb := 1\n\nc := a[b+5]\nfmt.Println(c)")
	if errName(res) != "RuntimeError" {
		t.Fatalf("got %v, want RuntimeError", res.Err)
	}
	if tb := strings.Join(res.Err.Traceback, "\n"); !strings.Contains(tb, "line 4, at top level\n    c := a[b+5]") {
		t.Errorf("traceback %q does not name line 4", tb)
	}
	// Labels keep their statements together, and still work.
	_, res = run(t, s, "n := 0\nouter:\nfor i := 0; i < 3; i++ {\n\tfor j := 0; j < 3; j++ {\n\t\tif j == 1 { continue outer }\n\t\tn++\n\t}\n}\nn")
	if plain(res) != "3" {
		t.Errorf("labels: %q %v", plain(res), res.Err)
	}
}

func TestInterruptLoop(t *testing.T) {
	skipIfRace(t)
	s := newSession(t)
	run(t, s, "n := 0")
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	res := s.Execute(ctx, "for { n++ }", &recorder{})
	if errName(res) != "Interrupted" {
		t.Fatalf("got %v, want Interrupted", res.Err)
	}
	_, res = run(t, s, "n > 0")
	if plain(res) != "true" {
		t.Errorf("after interrupt: %q %v", plain(res), res.Err)
	}
}

func TestIsComplete(t *testing.T) {
	s := newSession(t)
	cases := []struct{ code, status string }{
		{"x := 1", "complete"},
		{"func f() {", "incomplete"},
		{"fmt.Println(1,", "incomplete"},
		{"x := `raw", "incomplete"},
		{"x := )", "invalid"},
		{"x := 1 +", "incomplete"},
		{"for {\n}", "complete"},
		{"x := = 2", "invalid"},
		{"%help", "complete"},
		{"%time\nfor i := 0; i < 3; i++ {", "incomplete"},
		{"x := 1\n%time y := x", "complete"},
		{"x := 1\n%timeit x * 2", "complete"},
		{"x := 1\n%time f(x,", "incomplete"},
	}
	for _, c := range cases {
		if got, _ := s.IsComplete(c.code); got != c.status {
			t.Errorf("IsComplete(%q) = %q, want %q", c.code, got, c.status)
		}
	}
}

func TestCompleteInspect(t *testing.T) {
	s := newSession(t)
	run(t, s, "func myFunction() int { return 1 }\nvar myVariable = 2")
	m, start, end := s.Complete("ad.Lin", 6)
	if len(m) == 0 || m[0] != "Linspace" || start != 3 || end != 6 {
		t.Errorf("Complete(ad.Lin) = %v %d %d, want Linspace 3 6", m, start, end)
	}
	m, start, _ = s.Complete("x := my", 7)
	if strings.Join(m, ",") != "myFunction,myVariable" || start != 5 {
		t.Errorf("Complete(my) = %v %d", m, start)
	}
	b, ok := s.Inspect("y := ad.Linspace(0, 1, 3)", 10, 0)
	if !ok || !strings.Contains(fmt.Sprint(b.Data["text/plain"]), "func Linspace(") {
		t.Errorf("Inspect(ad.Linspace) = %v %v", b.Data, ok)
	}
	b, ok = s.Inspect("myFunction()", 3, 0)
	if !ok || fmt.Sprint(b.Data["text/plain"]) != "func myFunction() int" {
		t.Errorf("Inspect(myFunction) = %v %v", b.Data, ok)
	}
	run(t, s, "type Point struct{ X, Y float64 }\npt := &Point{1, 2}")
	m, _, _ = s.Complete("pt.", 3)
	if strings.Join(m, ",") != "X,Y" {
		t.Errorf("Complete(pt.) = %v, want X,Y", m)
	}
	b, ok = s.Inspect("strings.ToUpper", 10, 0)
	if ok {
		t.Errorf("Inspect of a package not imported = %v", b.Data)
	}
	run(t, s, "import \"strings\"")
	b, ok = s.Inspect("strings.ToUpper", 10, 0)
	if !ok || !strings.Contains(fmt.Sprint(b.Data["text/plain"]), "func strings.ToUpper(string) string") {
		t.Errorf("Inspect(strings.ToUpper) = %v %v", b.Data, ok)
	}
}
