package session

import (
	"strings"
	"testing"
)

// step is one cell of a redefinition case: the standard output and
// standard error it must print (every line of err must appear; "" means
// stderr must be empty).
type step struct {
	code, out, err string
	err2           string // a further line stderr must hold
	wantErr        string // the cell's error kind, "" for none
	anyOut         bool   // stdout is not checked (%reset reports the widgets of every session of the process it closed)
}

// TestRedefineRebindsCallers is not parallel with other tests: two of its
// cases make widgets, and the display sink is the process's (one session
// per kernel process): a widget made while another session runs a cell
// would send its first output into that session's cell (see usesDisplay).
func TestRedefineRebindsCallers(t *testing.T) {
	const sq2 = "func sq(x float64) float64 { return x * x }\n"
	const sq3 = "func sq(x float64) float64 { return x * x * x }"
	cases := []struct {
		name  string
		steps []step
	}{
		{"direct and closure", []step{
			{code: sq2 + "func g(x float64) float64 { return sq(x) + 1 }\nh := func(x float64) float64 { return sq(x) + 2 }\nfmt.Println(g(3), h(3))", out: "10 11\n"},
			{code: sq3, err: "note: h (cell 1, line 3) was made with the earlier sq and still calls it; run its cell again to use the new one\n"},
			{code: "fmt.Println(sq(3), g(3), h(3))", out: "27 28 11\n"},
			// Re-running the cell that made h makes it with the new sq.
			{code: "h := func(x float64) float64 { return sq(x) + 2 }\nfmt.Println(h(3))", out: "29\n"},
		}},
		{"transitive across cells", []step{
			{code: sq2},
			{code: "func g(x float64) float64 { return sq(x) + 1 }"},
			{code: "func k(x float64) float64 { return g(x) * 2 }"},
			{code: sq3},
			{code: "fmt.Println(k(3))", out: "56\n"},
		}},
		{"mutual recursion across cells", []step{
			{code: "func base(n int) int { return 0 }"},
			{code: "func even(n int) bool { if n == 0 { return base(n) == 0 }; return odd(n - 1) }\nfunc odd(n int) bool { if n == 0 { return base(n) != 0 }; return even(n - 1) }"},
			{code: "func odd(n int) bool { if n == 0 { return base(n) != 0 }; return even(n - 1) }"},
			{code: "func base(n int) int { return 1 }"},
			{code: "fmt.Println(even(4), odd(4))", out: "false true\n"},
		}},
		{"closure in map, slice and struct field", []step{
			{code: sq2 + "m := map[string]func(float64) float64{\"a\": func(x float64) float64 { return sq(x) }}\nfs := []func(float64) float64{}\nfs = append(fs, func(x float64) float64 { return sq(x) })\ntype box struct{ f func(float64) float64 }\nb := box{f: func(x float64) float64 { return sq(x) }}"},
			{code: sq3, err: "note: m (cell 1, line 2) was made with the earlier sq and still calls it; run its cell again to use the new one\n" +
				"note: fs (cell 1, line 4) was made with the earlier sq and still calls it; run its cell again to use the new one\n" +
				"note: b (cell 1, line 6) was made with the earlier sq and still calls it; run its cell again to use the new one\n"},
			{code: "fmt.Println(sq(2), m[\"a\"](2), fs[0](2), b.f(2))", out: "8 4 4 4\n"},
		}},
		{"literal passed to compiled code", []step{
			{code: sq2 + "var cb func() float64\nfunc keep(f func() float64) { cb = f }"},
			{code: "keep(func() float64 { return sq(3) })"},
			{code: sq3, err: "note: a function value made in cell 2, line 1 still calls the earlier sq; run its cell again to use the new one\n"},
		}},
		{"widget callback", []step{
			{code: sq2},
			{code: "x := 1.0\ndisplay.Interact(func(a float64) any { return sq(a) }, display.FloatSlider(\"a\", 0, 1, 0.1, 0.5))"},
			{code: sq3, err: "note: a function value made in cell 2, line 2 still calls the earlier sq; run its cell again to use the new one\n"},
		}},
		{"closure made earlier in the redefining cell", []step{
			{code: sq2},
			{code: "h := func(x float64) float64 { return sq(x) }\n" + sq3 + "\nh2 := func(x float64) float64 { return sq(x) }\nfmt.Println(h(2), h2(2))", out: "4 8\n",
				err: "note: h (cell 2, line 1) was made with the earlier sq and still calls it; run its cell again to use the new one\n"},
		}},
		{"after %reset", []step{
			{code: sq2 + "h := func(x float64) float64 { return sq(x) }"},
			{code: "%reset", anyOut: true},
			{code: sq2},
			{code: sq3},
		}},
		{"function value taken before", []step{
			{code: sq2 + "func g(x float64) float64 { return sq(x) + 1 }"},
			{code: "kg := g\nks := sq"},
			{code: sq3, err: "note: kg (cell 2, line 1) was made with the earlier sq and still calls it; run its cell again to use the new one\n" +
				"note: ks (cell 2, line 2) was made with the earlier sq and still calls it; run its cell again to use the new one\n"},
			{code: "fmt.Println(g(2), kg(2), ks(2))", out: "9 5 4\n"},
		}},
		{"a variable reading a stale one", []step{
			{code: sq2 + "h := func(x float64) float64 { return sq(x) }"},
			{code: "h2 := func(x float64) float64 { return h(x) + 1 }"},
			{code: sq3, err: "note: h (cell 1, line 2) was made with the earlier sq and still calls it; run its cell again to use the new one\n" +
				"note: h2 (cell 2, line 1) was made with the earlier sq and still calls it; run its cell again to use the new one\n"},
		}},
		{"function that makes closures", []step{
			{code: sq2 + "func mk(a float64) func(float64) float64 { return func(x float64) float64 { return a * sq(x) } }"},
			{code: "f := mk(2)"},
			{code: sq3, err: "note: f (cell 2, line 1) may hold a function made with the earlier sq; run its cell again to use the new one\n"},
			{code: "fmt.Println(f(2), mk(2)(2))", out: "8 16\n"},
		}},
		{"method calling the function", []step{
			{code: sq2 + "type sqr struct{ v float64 }\nfunc (s sqr) Area() float64 { return sq(s.v) }"},
			{code: sq3, err: "note: method sqr.Area (cell 1) still calls the earlier sq (the interpreter keeps a type's first methods); run the cell declaring sqr again to use the new one (values of sqr made before keep the earlier method)\n"},
			{code: "fmt.Println(sqr{2}.Area())", out: "4\n"},
			{code: "type sqr struct{ v float64 }\nfunc (s sqr) Area() float64 { return sq(s.v) }\nfmt.Println(sqr{2}.Area())", out: "8\n"},
		}},
		{"signature change", []step{
			{code: sq2 + "func g(x float64) float64 { return sq(x) + 1 }\nfunc k(x float64) float64 { return g(x) * 2 }"},
			{code: "func sq(x int) int { return x * x * x }", err: "note: g (cell 1) still calls the earlier sq: it does not compile with the new one: cannot use type float64 as type int (cell 1, line 2, column ",
				err2: "note: k (cell 1) calls g, which still calls the earlier sq\n"},
			{code: "fmt.Println(g(2), k(2), sq(2))", out: "5 10 8\n"},
		}},
		{"values that cannot hold a function are not named", []step{
			{code: sq2 + "fsq := func(x *ad.Tensor) *ad.Tensor { return ad.Mul(x, x) }"},
			{code: "y := ad.Grad(fsq)(ad.Scalar(3))\nz := sq(2)\nw := []float64{sq(1)}\nfmt.Println(ad.Grad(fsq)(ad.Scalar(1)), func() float64 { return sq(4) }())", out: "2.0 16\n"},
			{code: sq3},
			{code: "fsq := func(x *ad.Tensor) *ad.Tensor { return ad.Mul(x, ad.Mul(x, x)) }"},
		}},
		{"an interface or a widget may hold one", []step{
			{code: sq2},
			{code: "var anyv any = func() float64 { return sq(1) }\nw := display.NewInteractive(func(a float64) any { return sq(a) }, display.FloatSlider(\"a\", 0, 1, 0.1, 0.5))"},
			{code: sq3, err: "note: anyv (cell 2, line 1) was made with the earlier sq and still calls it; run its cell again to use the new one\n" +
				"note: w (cell 2, line 2) was made with the earlier sq and still calls it; run its cell again to use the new one\n"},
		}},
		{"re-running a cell is quiet", []step{
			{code: sq2 + "func g(x float64) float64 { return sq(x) + 1 }\nh := func(x float64) float64 { return sq(x) + 2 }\nfmt.Println(g(3), h(3))", out: "10 11\n"},
			{code: sq2 + "func g(x float64) float64 { return sq(x) + 1 }\nh := func(x float64) float64 { return sq(x) + 2 }\nfmt.Println(g(3), h(3))", out: "10 11\n"},
			{code: sq3, err: "note: h (cell 2, line 3) was made with the earlier sq and still calls it; run its cell again to use the new one\n"},
			{code: "fmt.Println(g(3))", out: "28\n"},
			// Going back: h is made again by this same cell, after sq.
			{code: sq2 + "func g(x float64) float64 { return sq(x) + 1 }\nh := func(x float64) float64 { return sq(x) + 2 }\nfmt.Println(g(3), h(3))", out: "10 11\n"},
		}},
		{"a goroutine that has ended", []step{
			{code: sq2 + "func worker(c chan float64) { for x := range c { _ = sq(x) } }\nc := make(chan float64)\ndone := make(chan bool)"},
			// The goroutine ends right after its send: give it the time.
			{code: "import \"time\"\ngo func() { worker(c); done <- true }()\nc <- 1\nclose(c)\n<-done\ntime.Sleep(20 * time.Millisecond)"},
			{code: sq3},
		}},
		{"goroutine", []step{
			{code: sq2 + "func worker(c chan float64) { for x := range c { _ = sq(x) } }\nc := make(chan float64)"},
			{code: "go worker(c)"},
			{code: sq3, err: "note: a goroutine started in cell 2, line 1 may still use the earlier sq\n"},
		}},
	}
	runSteps(t, cases)
}

// usesDisplay reports whether a case's cells use the display package. Such
// a case runs alone: display.SetSink, which each cell calls, is process
// wide, so the sink an Interact redirects may be another session's.
func usesDisplay(steps []step) bool {
	for _, st := range steps {
		if strings.Contains(st.code, "display.") {
			return true
		}
	}
	return false
}

func runSteps(t *testing.T, cases []struct {
	name  string
	steps []step
}) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !usesDisplay(tc.steps) {
				t.Parallel()
			}
			s := newSession(t)
			for i, st := range tc.steps {
				r, res := run(t, s, st.code)
				if st.wantErr != "" {
					if errName(res) != st.wantErr {
						t.Fatalf("step %d: got %v, want a %s", i, res.Err, st.wantErr)
					}
					continue
				}
				if res.Err != nil {
					t.Fatalf("step %d: %v\n%s", i, res.Err, strings.Join(res.Err.Traceback, "\n"))
				}
				if got := r.stdout(); got != st.out && !st.anyOut {
					t.Errorf("step %d: stdout got %q want %q", i, got, st.out)
				}
				got := r.stderr()
				if st.err == "" && got != "" || !strings.HasPrefix(got, st.err) {
					t.Errorf("step %d: stderr got %q want %q", i, got, st.err)
				}
				if !strings.Contains(got, st.err2) {
					t.Errorf("step %d: stderr got %q want it to hold %q", i, got, st.err2)
				}
			}
		})
	}
}

func TestRedeclaredVariableReachesReaders(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		steps []step
	}{
		{"same type: an assignment", []step{
			{code: "n := 10\nh := func() int { return n }"},
			{code: "func f() int { return n }"},
			{code: "n := 20"},
			{code: "fmt.Println(n, f(), h())", out: "20 20 20\n"},
		}},
		{"several names", []step{
			{code: "a, b := 1, 2\nfunc f() int { return a + b }"},
			{code: "a, b := 3, 4\nfmt.Println(f())", out: "7\n"},
		}},
		{"a closure variable", []step{
			{code: "sq := func(x float64) float64 { return x * x }\nfunc g(x float64) float64 { return sq(x) + 1 }"},
			{code: "sq := func(x float64) float64 { return x * x * x }"},
			{code: "fmt.Println(g(3))", out: "28\n"},
		}},
		{"tensor", []step{
			{code: "x := ad.Linspace(0, 1, 3)\nfunc total() float64 { return ad.Sum(x).Item() }"},
			{code: "x := ad.Linspace(0, 2, 3)\nfmt.Println(total())", out: "3\n"},
		}},
		{"a value copied is not named", []step{
			{code: "n := 10\ny := n + 1"},
			{code: "n := \"ten\"\nfmt.Println(n, y)", out: "ten 11\n"},
		}},
		{"type change", []step{
			{code: "n := 10"},
			{code: "func f() int { return n }\nfunc k() string { return fmt.Sprint(n) }"},
			{code: "h := func() int { return n }"},
			{code: "n := \"twenty\"", err: "note: f (cell 2) still reads the earlier n: it does not compile with the new one: ",
				err2: "note: h (cell 3, line 1) was made with the earlier n and still reads it; run its cell again to use the new one\n"},
			{code: "fmt.Println(n, f(), k(), h())", out: "twenty 10 twenty 10\n"},
		}},
		{"comma-ok", []step{
			{code: "m := map[string]int{\"c\": 1}\nv, ok := m[\"c\"]\nfunc f() (int, bool) { return v, ok }"},
			{code: "v, ok := m[\"d\"]\nfmt.Println(f())", out: "0 false\n"},
		}},
		{"a value of a cell type", []step{
			{code: "type P struct{ X int }\np := P{1}\nfunc f() int { return p.X }"},
			{code: "p := P{2}\nfmt.Println(f())", out: "2\n"},
			{code: "type P struct{ X, Y int }\np := P{3, 4}\nfmt.Println(f(), p.Y)", out: "3 4\n"},
		}},
		{"a cell that stopped before its :=", []step{
			{code: "z := 1\nfunc f() int { return z }"},
			{code: "panic(\"stop\")\nz := 5", wantErr: "Panic"},
			{code: "z := 6\nfmt.Println(z, f())", out: "6 6\n"},
		}},
		{"x := x + 1", []step{
			{code: "x := 1\nfunc f() int { return x }\nhx := func() int { return x }"},
			{code: "x := x + 1\nfmt.Println(x, f(), hx())", out: "2 2 2\n"},
			{code: "x := x + 1\nx := x * 10\nfmt.Println(x, f(), hx())", out: "30 30 30\n"},
			{code: "w := ad.Scalar(1)\nw := ad.Sub(w, 0.25)\nw := ad.Sub(w, 0.25)\nfmt.Println(w)", out: "0.5\n"},
		}},
		{"reading the earlier value with a type change", []step{
			{code: "n := 10\np := 1"},
			{code: "n := fmt.Sprint(n, \"!\")", wantErr: "CompileError"},
			{code: "p, q := p + 1, 5", wantErr: "CompileError"},
			{code: "v := fmt.Sprint(n, \"!\")\nn := v\nfmt.Println(n, p)", out: "10! 1\n"},
		}},
		{"a recursive closure defined again", []step{
			{code: "fact := func(n int) int { if n == 0 { return 1 }; return n * fact(n-1) }"},
			{code: "fact := func(n int) int { if n <= 1 { return 1 }; return n * fact(n-1) }\nfmt.Println(fact(5))", out: "120\n"},
		}},
		{"a cell reading a name it defines later", []step{
			{code: "y := 1"},
			{code: "x := y\ny := 1.5\nfmt.Println(x, y)", out: "1 1.5\n"},
			{code: "x := y\ny := 2.5\nfmt.Println(x, y)", out: "1.5 2.5\n"},
			{code: "func f() float64 { return x + y }\nx := 1.0\nfmt.Println(f())", out: "3.5\n"},
		}},
		{"re-running a cell is quiet", []step{
			{code: "n := 10\nfunc f() int { return n }\nfmt.Println(f())", out: "10\n"},
			{code: "n := 10\nfunc f() int { return n }\nfmt.Println(f())", out: "10\n"},
			{code: "n := 11\nfmt.Println(f())", out: "11\n"},
		}},
	}
	runSteps(t, cases)
}

// A := in a block of top-level code declares a local variable, even when
// a notebook variable has its name (yaegi v0.16.1 set the notebook
// variable).
func TestBlockLocalsLeaveNotebookVariables(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		steps []step
	}{
		{"loop body", []step{
			{code: "y := 1"},
			{code: "for i := 0; i < 2; i++ { y := i * 10; _ = y }\nfmt.Println(y)", out: "1\n"},
		}},
		{"loop init", []step{
			{code: "y := 1"},
			{code: "for y := 0; y < 2; y++ { fmt.Print(y) }\nfmt.Println(y)", out: "011\n"},
		}},
		{"if and switch init, plain block", []step{
			{code: "y := 1\nz := 2"},
			{code: "if y := 5; y > 0 { fmt.Print(y) }\nswitch z := 3; z { case 3: fmt.Print(z) }\n{ z := 7; _ = z }\nfmt.Println(y, z)", out: "531 2\n"},
		}},
		{"a name of the same cell", []step{
			{code: "y := 1\nfor i := 0; i < 2; i++ { var y = i; _ = y }\nfmt.Println(y)", out: "1\n"},
		}},
		{"assignment still sets it", []step{
			{code: "y := 1"},
			{code: "for i := 0; i < 3; i++ { y = i }\nfmt.Println(y)", out: "2\n"},
		}},
	}
	runSteps(t, cases)
}

// A var or const declared again: functions reading it are compiled again,
// closures reading it are named; the same const again says nothing.
func TestRedeclaredVarAndConst(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		steps []step
	}{
		{"var", []step{
			{code: "var n = 10\nfunc f() int { return n }"},
			{code: "h := func() int { return n }"},
			{code: "var n = 20", err: "note: h (cell 2, line 1) was made with the earlier n and still reads it; run its cell again to use the new one\n"},
			{code: "fmt.Println(n, f(), h())", out: "20 20 10\n"},
		}},
		{"var after :=", []step{
			{code: "m := 5\nfunc fm() int { return m }"},
			{code: "var m = 6\nfmt.Println(m, fm())", out: "6 6\n"},
		}},
		{"const", []step{
			{code: "const c = 1\nfunc fc() int { return c }"},
			{code: "const c = 1"},
			{code: "const c = 2\nfmt.Println(c, fc())", out: "2 2\n"},
		}},
	}
	runSteps(t, cases)
}
