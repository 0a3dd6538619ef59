package tests

import "testing"

// A redefined function reaches the functions of earlier cells that call
// it, and the kernel's stderr names what still holds the earlier one (a
// closure, a widget's callback); re-running a cell says nothing; a
// variable given a new value is seen by the functions reading it.
func TestE2ERedefineReachesCallers(t *testing.T) {
	t.Parallel()
	p := startKernelProcess(t)
	steps := []struct{ code, stdout, stderr string }{
		{code: "func sq(x float64) float64 { return x * x }\nfunc g(x float64) float64 { return sq(x) + 1 }\nh := func(x float64) float64 { return sq(x) + 2 }\nfmt.Println(g(3), h(3))", stdout: "10 11\n"},
		{code: "display.Interact(func(a float64) any { return g(a) }, display.FloatSlider(\"a\", 0, 1, 0.1, 0.5))"},
		{code: "func sq(x float64) float64 { return x * x * x }",
			stderr: "note: h (cell 1, line 3) was made with the earlier sq and still calls it; run its cell again to use the new one\n" +
				"note: a function value made in cell 2, line 1 still calls the earlier sq; run its cell again to use the new one\n"},
		{code: "fmt.Println(sq(3), g(3), h(3))", stdout: "27 28 11\n"},
		{code: "func sq(x float64) float64 { return x * x * x }"},
		// A variable given a new value of its type: every reader sees it.
		{code: "n := 10\nfunc nf() int { return n }\nhn := func() int { return n }"},
		{code: "n := 20\nfmt.Println(nf(), hn())", stdout: "20 20\n"},
	}
	for i, st := range steps {
		e := p.exec(t, st.code)
		if e.Reply.Status != "ok" {
			t.Fatalf("step %d: %+v", i, e.Reply)
		}
		if got := e.Stdout(); got != st.stdout {
			t.Errorf("step %d: stdout got %q want %q", i, got, st.stdout)
		}
		if got := e.Stderr(); got != st.stderr {
			t.Errorf("step %d: stderr got %q want %q", i, got, st.stderr)
		}
	}
}
