package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"math"
	"strings"
	"time"
)

// The timing commands follow IPython's %time and %timeit: the same output
// format, and %timeit chooses its number of loops the same way (powers of
// ten until one run takes 0.2 s, then 7 runs of that many loops).

// timeitRepeat is the number of runs %timeit makes, as IPython's default.
const timeitRepeat = 7

// timeitMinRun is the duration of one run that %timeit's automatic choice
// of the number of loops aims at, as IPython's. (A variable for tests.)
var timeitMinRun = 200 * time.Millisecond

// timeitSpec records a %timeit command: the statement or the rest of the
// cell, from line (0-based) on, runs in a loop.
type timeitSpec struct {
	line int
	// expr holds an expression given on the command's line, which is
	// evaluated and discarded in the loop (`_ = EXPR`), or "" when the body
	// is statements.
	expr bool
	// number and repeat are IPython's -n (loops per run; 0: chosen
	// automatically) and -r (runs; 0: timeitRepeat).
	number, repeat int
}

// timeitOptions reads IPython's -n N and -r R at the start of what follows
// %timeit; it returns how many bytes of rest they take.
func timeitOptions(rest string, spec *timeitSpec) (int, error) {
	used := 0
	for {
		trimmed := strings.TrimLeft(rest[used:], " \t")
		if !strings.HasPrefix(trimmed, "-") {
			return used, nil
		}
		used = len(rest) - len(trimmed)
		f := strings.Fields(trimmed)
		var dst *int
		switch f[0] {
		case "-n":
			dst = &spec.number
		case "-r":
			dst = &spec.repeat
		default:
			return 0, fmt.Errorf("option %s is not supported (gograd's %%timeit knows -n LOOPS and -r RUNS)", f[0])
		}
		n := 0
		if len(f) > 1 {
			fmt.Sscanf(f[1], "%d", &n)
		}
		if len(f) < 2 || n < 1 || fmt.Sprint(n) != f[1] {
			return 0, fmt.Errorf("option %s wants a positive integer", f[0])
		}
		*dst = n
		used += len(f[0])
		used += len(rest[used:]) - len(strings.TrimLeft(rest[used:], " \t")) + len(f[1])
	}
}

// magicRest returns what follows the command name on a special line.
func magicRest(line, name string) string {
	i := strings.Index(line, name)
	return strings.TrimSpace(line[i+len(name):])
}

// blankMagic replaces the command name on a line by spaces, so that the
// statement after it keeps its columns.
func blankMagic(line, name string) string {
	i := strings.Index(line, name)
	return line[:i] + strings.Repeat(" ", len(name)) + line[i+len(name):]
}

// timeitCell handles %timeit at line k of lines: the statement after the
// command, or the rest of the cell, becomes the body of the timed loop
// (wrapped by wrapTimeit once the cell's line base is known). Declarations
// cannot be timed.
func (s *Session) timeitCell(lines []string, k int, name string) (string, *CellError) {
	spec := &timeitSpec{line: k}
	if rest := magicRest(lines[k], name); strings.HasPrefix(rest, "-") {
		n, err := timeitOptions(rest, spec)
		if err != nil {
			return "", s.specialError(k+1, "%s: %v", name, err)
		}
		// Blank the options too, so that the statement keeps its columns.
		i := strings.Index(lines[k], rest)
		lines[k] = lines[k][:i] + strings.Repeat(" ", n) + lines[k][i+n:]
	}
	if rest := magicRest(lines[k], name); rest != "" {
		lines[k] = blankMagic(lines[k], name)
		if e, err := parser.ParseExpr(rest); err == nil {
			call, isCall := ast.Unparen(e).(*ast.CallExpr)
			spec.expr = !isCall || isBuiltinName(call.Fun)
		}
	} else {
		lines[k] = ""
	}
	body := strings.Join(lines[k:], "\n")
	for _, seg := range splitCell(body) {
		if seg.kind == declChunk {
			line, _ := lineCol(body, seg.start)
			return "", s.specialError(k+line, "%s times statements: move the declarations to a cell of their own", name)
		}
	}
	if strings.TrimSpace(body) == "" {
		return "", s.specialError(k+1, "%s needs a statement to time, on its line or on the lines after it", name)
	}
	s.timeit = spec
	return strings.Join(lines, "\n"), nil
}

// wrapTimeit turns the cell's code into a call of the timing loop. The
// body keeps its positions through a line directive; the cell's line base
// must be set.
func (s *Session) wrapTimeit(code string) string {
	lines := strings.Split(code, "\n")
	k := s.timeit.line
	line := lines[k]
	col := len(line) - len(strings.TrimLeft(line, " \t")) + 1
	var b strings.Builder
	b.WriteString(strings.Join(lines[:k], "\n"))
	if k > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%s.Timeit(func(__n int) { for __k := 0; __k < __n; __k++ { ", rtName)
	if s.timeit.expr {
		b.WriteString("_ = ")
	}
	fmt.Fprintf(&b, "/*line %s:%d:%d*/%s", posFile, s.cellBase+k+1, col, strings.TrimLeft(line, " \t"))
	for _, l := range lines[k+1:] {
		b.WriteString("\n" + l)
	}
	b.WriteString("\n}})")
	return b.String()
}

// timeitRun is %timeit's loop driver, called by the wrapped cell: run(n)
// runs the body n times. It prints IPython's summary on the cell's
// standard output. An interrupt ends it between runs.
func (s *Session) timeitRun(run func(n int)) {
	stopped := s.stops.stopped
	timed := func(n int) time.Duration {
		start := time.Now()
		run(n)
		return time.Since(start)
	}
	spec := s.timeit
	if spec == nil {
		spec = &timeitSpec{}
	}
	number, repeat := spec.number, spec.repeat
	if repeat == 0 {
		repeat = timeitRepeat
	}
	for i := 0; number == 0 && i < 10; i++ {
		n := int(math.Pow10(i))
		if timed(n) >= timeitMinRun || stopped() || i == 9 {
			number = n
		}
	}
	runs := make([]float64, 0, repeat)
	for i := 0; i < repeat && !stopped(); i++ {
		runs = append(runs, timed(number).Seconds()/float64(number))
	}
	if len(runs) == 0 {
		return
	}
	fmt.Fprint(s.stdout.out, timeitSummary(runs, number))
}

// timeitSummary formats per-loop times as IPython's %timeit does.
func timeitSummary(runs []float64, number int) string {
	mean, best, worst := 0.0, math.Inf(1), 0.0
	for _, r := range runs {
		mean += r
		best, worst = min(best, r), max(worst, r)
	}
	mean /= float64(len(runs))
	std := 0.0
	for _, r := range runs {
		std += (r - mean) * (r - mean)
	}
	std = math.Sqrt(std / float64(len(runs)))
	var b strings.Builder
	if worst > 4*best && best > 0 && worst > 1e-6 {
		fmt.Fprintf(&b, "The slowest run took %.2f times longer than the fastest. This could mean that an intermediate result is being cached.\n", worst/best)
	}
	fmt.Fprintf(&b, "%s ± %s per loop (mean ± std. dev. of %d run%s, %s loop%s each)\n",
		formatSeconds(mean), formatSeconds(std), len(runs), plural(len(runs)), groupThousands(number), plural(number))
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// groupThousands writes n with commas between groups of three digits.
func groupThousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// formatSeconds formats a duration in seconds as IPython's _format_time:
// three significant digits in s, ms, µs or ns, and from a minute on as
// "1min 5s".
func formatSeconds(t float64) string {
	if t >= 60 {
		var parts []string
		left := t
		for _, u := range []struct {
			suffix string
			length float64
		}{{"d", 86400}, {"h", 3600}, {"min", 60}, {"s", 1}} {
			if v := int(left / u.length); v > 0 {
				left = math.Mod(left, u.length)
				parts = append(parts, fmt.Sprintf("%d%s", v, u.suffix))
			}
			if left < 1 {
				break
			}
		}
		return strings.Join(parts, " ")
	}
	units := []string{"s", "ms", "µs", "ns"}
	scale := []float64{1, 1e3, 1e6, 1e9}
	order := 3
	if t > 0 {
		// Python's -(floor(log10(t)) // 3), with floor division.
		e := int(math.Floor(math.Log10(t)))
		q := e / 3
		if e%3 != 0 && e < 0 {
			q--
		}
		order = max(min(-q, 3), 0)
	}
	return fmt.Sprintf("%.3g %s", t*scale[order], units[order])
}

// cellTimes is what %time reports: user and system CPU time of the
// process and wall time.
type cellTimes struct {
	user, sys time.Duration
	wall      time.Time
}

func startTimes() cellTimes {
	u, sy := cpuTimes()
	return cellTimes{user: u, sys: sy, wall: time.Now()}
}

// report formats the times elapsed since t as IPython's %time does.
func (t cellTimes) report() string {
	wall := time.Since(t.wall)
	u, sy := cpuTimes()
	var b strings.Builder
	if u > 0 || sy > 0 {
		du, ds := (u - t.user).Seconds(), (sy - t.sys).Seconds()
		fmt.Fprintf(&b, "CPU times: user %s, sys: %s, total: %s\n", formatSeconds(du), formatSeconds(ds), formatSeconds(du+ds))
	}
	fmt.Fprintf(&b, "Wall time: %s\n", formatSeconds(wall.Seconds()))
	return b.String()
}
