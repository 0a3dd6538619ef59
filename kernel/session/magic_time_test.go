package session

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// cpuTime returns the process's user plus system CPU time (0 where it is
// not measured).
func cpuTime() time.Duration {
	u, s := cpuTimes()
	return u + s
}

func TestFormatSeconds(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   float64
		want string
	}{
		{0, "0 ns"},
		{1.234e-9, "1.23 ns"},
		{45.6e-9, "45.6 ns"},
		{1.2345e-6, "1.23 µs"},
		{0.0123, "12.3 ms"},
		{0.2, "200 ms"},
		{1, "1 s"},
		{5.25, "5.25 s"},
		{59.9, "59.9 s"},
		{65, "1min 5s"},
		{3725, "1h 2min 5s"},
	} {
		if got := formatSeconds(c.in); got != c.want {
			t.Errorf("formatSeconds(%g) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTimeitSummary(t *testing.T) {
	t.Parallel()
	got := timeitSummary([]float64{1e-6, 1e-6, 1e-6}, 1000000)
	want := "1 µs ± 0 ns per loop (mean ± std. dev. of 3 runs, 1,000,000 loops each)\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	got = timeitSummary([]float64{2}, 1)
	if want := "2 s ± 0 ns per loop (mean ± std. dev. of 1 run, 1 loop each)\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestTimeMagics runs %time and %timeit as a cell does, on one line and on
// the lines after them.
func TestTimeMagics(t *testing.T) {
	timeRE := `CPU times: user [0-9.]+ [nµm]?s, sys: [0-9.]+ [nµm]?s, total: [0-9.]+ [nµm]?s\nWall time: [0-9.]+ [nµm]?s\n$`
	timeitRE := `^(The slowest run took [0-9.]+ times longer than the fastest. This could mean that an intermediate result is being cached.\n)?[0-9.]+ [nµm]?s ± [0-9.]+ [nµm]?s per loop \(mean ± std\. dev\. of 7 runs, [0-9,]+ loops? each\)\n$`
	defer func(d time.Duration) { timeitMinRun = d }(timeitMinRun)
	timeitMinRun = time.Millisecond
	s := newSession(t)
	if _, res := run(t, s, "x := 3\ncount := 0"); res.Err != nil {
		t.Fatal(res.Err)
	}
	for _, c := range []struct {
		code, stdout, value, err string
	}{
		{code: "%time ad.Grad(ad.Tanh)(ad.Scalar(0.3))", stdout: "^" + timeRE, value: "0.9"},
		// On a later line, as IPython: the statement on the command's line.
		{code: "y := 3\n%timeit x + y", stdout: timeitRE},
		{code: "y := 3\n%time z := x * y\nfmt.Println(z)", stdout: "^" + strings.TrimSuffix(timeRE, "$") + "9\n$"},
		{code: "fmt.Println(0)\n%time x * 14", stdout: "^0\n" + timeRE, value: "42"},
		{code: "s := `\n%d\n`\nfmt.Printf(s, 7)", stdout: "^\n7\n$"}, // a format, not a command
		{code: "y := 3\n%time", err: "UsageError: %time on a later line of a cell times the statement after it on its line (%time STATEMENT); to time the whole cell, put %time on its first line"},
		{code: "y := 3\n%timeit y++\ny", err: "UsageError: %timeit on a later line of a cell must be on its last statement: move the statements after it to another cell"},
		{code: "for i := 0; i < 2; i++ {\n\t%time fmt.Println(i)\n}", err: "UsageError: %time runs at the top level of a cell, not inside a block: put it before a statement at the top level (a call of the code to time)"},
		{code: "y := 3\ngo fmt.Print()\n%time fmt.Print(y)", err: "UsageError: %time on a later line times one statement, but this one does not run on its own (the cell uses go, defer, goto or labels, or it is a declaration): put %time on the first line of a cell of its own"},
		{code: "y := 3\n%%time", err: "UsageError: Line magic function `%%time` not found (a cell magic %%time must be on the first line of the cell)"},
		{code: "y := 3\n%reset", err: "UsageError: %reset is a command for the top of a cell, before its Go code"},
		{code: "y := 3\n%foo", err: "UsageError: Line magic function `%foo` not found (see %help for the commands gograd knows)"},
		{code: "%timeit x + 1", stdout: timeitRE},
		{code: "%timeit fmt.Sprint(x)", stdout: timeitRE},
		{code: "%%timeit\ny := 0\nfor i := 0; i < 100; i++ { y += i }", stdout: timeitRE},
		{code: "%time\nfmt.Println(1)\nx+2", stdout: "^1\n" + timeRE, value: "5"},
		{code: "%timeit\nfunc f() {}", err: "UsageError: %timeit times statements: move the declarations to a cell of their own"},
		{code: "%foo", err: "UsageError: Line magic function `%foo` not found (see %help for the commands gograd knows)"},
		{code: "%timeit\nz := 1\nz += undefinedQ", err: "CompileError: undefined: undefinedQ"},
		// IPython's -n and -r: exactly n loops in each of r runs.
		{code: "%timeit -n 3 -r 2 count++", stdout: `per loop \(mean ± std\. dev\. of 2 runs, 3 loops each\)\n$`},
		{code: "count", value: "6"},
		{code: "%timeit -r 1 -n 1 count++", stdout: `of 1 run, 1 loop each\)\n$`},
		{code: "%timeit -n 2\ncount++\ncount++", stdout: `of 7 runs, 2 loops each\)\n$`},
		{code: "count", value: "35"},
		{code: "%timeit -n 2 -r 1 fmt.Sprint(undefinedQ)", err: "CompileError: undefined: undefinedQ"},
		{code: "%timeit -n x count++", err: "UsageError: %timeit: option -n wants a positive integer"},
		{code: "%timeit -n 0 count++", err: "UsageError: %timeit: option -n wants a positive integer"},
		{code: "%timeit -q count++", err: "UsageError: %timeit: option -q is not supported (gograd's %timeit knows -n LOOPS and -r RUNS)"},
	} {
		r, res := run(t, s, c.code)
		if c.err != "" {
			if res.Err == nil || res.Err.Traceback[len(res.Err.Traceback)-1] != c.err {
				t.Errorf("%q: got error %v, want %q", c.code, res.Err, c.err)
			} else if strings.HasPrefix(c.err, "UsageError") && strings.Contains(c.code, "\n") && !strings.HasPrefix(res.Err.Traceback[0], "cell ") {
				t.Errorf("%q: the traceback does not name the line: %q", c.code, res.Err.Traceback)
			}
			continue
		}
		if res.Err != nil {
			t.Errorf("%q: %v", c.code, res.Err.Traceback)
			continue
		}
		if !regexp.MustCompile(c.stdout).MatchString(r.stdout()) {
			t.Errorf("%q: stdout %q does not match %q", c.code, r.stdout(), c.stdout)
		}
		if !strings.HasPrefix(plain(res), c.value) {
			t.Errorf("%q: value %q, want %q...", c.code, plain(res), c.value)
		}
	}
}
