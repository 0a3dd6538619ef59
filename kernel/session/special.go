package session

import (
	"fmt"
	"strconv"
	"strings"
)

// helpText is printed by %help.
const helpText = `gograd: Go cells with automatic differentiation.

Preloaded (no import needed):
  ad       n-d float64 arrays with derivatives: ad.New, ad.Linspace, ad.Grad, ad.Hessian, ...
  display  rich output: display.Show, display.HTML, display.Markdown, display.Plot, ...
Importable: the standard library; gonum.org/v1/plot (plot, plotter, plotutil, palette,
palette/brewer, palette/moreland, text, font, vg, vg/draw, vg/vgimg, vg/vgsvg, vg/vgpdf,
vg/vgeps); gonum.org/v1/gonum/mat, floats, stat, stat/distuv, diff/fd, integrate,
integrate/quad, interp and optimize.

A cell may mix declarations (func, type, var, const, import) and statements; the value of a
final expression is displayed. Functions, variables, constants and types can be redefined
(a redefined type is a new type: values made before keep the old one).

Special commands (at the top of a cell; %time and %timeit STATEMENT also on a later line):
  %help                 this text
  %reset                forget every definition: a fresh interpreter, same process
  %time [STATEMENT]     time the statement, or the rest of the cell (CPU and wall time)
  %timeit [STATEMENT]   run the statement, or the rest of the cell, in loops; print mean ± std. dev.
  %recursion_limit [N]  show or set the maximum depth of interpreted calls (default {limit})

Documentation: https://pkg.go.dev/github.com/gograd/gograd/ad
               https://pkg.go.dev/github.com/gograd/gograd/display
               https://github.com/traefik/yaegi (the Go interpreter)
`

// specials runs the special commands at the top of a cell and returns the
// rest of the cell, with the command lines blanked so that line numbers
// stay those of the cell.
func (s *Session) specials(code string, io IO) (string, *CellError) {
	lines := strings.Split(code, "\n")
	top := specialLines(lines)
	from := 0
	if len(top) > 0 {
		from = top[len(top)-1] + 1
	}
	later, cerr := s.laterMagics(lines, from)
	if cerr != nil {
		return "", cerr
	}
	for _, k := range top {
		if f := strings.Fields(lines[k]); later >= 0 && (strings.HasPrefix(f[0], "%time") || strings.HasPrefix(f[0], "%%time")) {
			return "", s.specialError(later+1, "%%timeit on a later line cannot be combined with %s at the top of the cell", f[0])
		}
	}
	for _, k := range top {
		f := strings.Fields(lines[k])
		line := lines[k]
		lines[k] = ""
		switch f[0] {
		case "%help":
			io.Stream("stdout", strings.ReplaceAll(helpText, "{limit}", strconv.Itoa(DefaultRecursionLimit)))
		case "%reset":
			resetWidgets(io)
			if err := s.reset(); err != nil {
				return "", &CellError{Name: "InternalError", Value: err.Error(), Traceback: []string{err.Error()}}
			}
		case "%time", "%%time":
			s.timing = true
			if rest := magicRest(line, f[0]); rest != "" {
				// %time STATEMENT: the statement stays where it is, in its
				// columns, and the cell runs from there.
				lines[k] = blankMagic(line, f[0])
				return strings.Join(lines, "\n"), nil
			}
		case "%timeit", "%%timeit":
			lines[k] = line
			body, cerr := s.timeitCell(lines, k, f[0])
			if cerr != nil {
				return "", cerr
			}
			return body, nil
		case "%recursion_limit":
			if len(f) == 1 {
				io.Stream("stdout", fmt.Sprintf("recursion limit: %d calls\n", s.limit.Load()))
				continue
			}
			n, err := strconv.Atoi(f[1])
			if err != nil || n < 100 || len(f) > 2 {
				return "", s.specialError(k+1, "%%recursion_limit wants one integer of at least 100, got %q", strings.Join(f[1:], " "))
			}
			s.setRecursionLimit(n)
			if got := s.limit.Load(); s.budget.Load() < int64(n)*int64(bytesPerCall()) {
				io.Stream("stderr", fmt.Sprintf("recursion limit set to %d calls, but the stack allows only about %d\n", got, s.budget.Load()/int64(bytesPerCall())))
			}
		default:
			return "", s.specialError(k+1, "Line magic function `%s` not found (see %%help for the commands gograd knows)", f[0])
		}
	}
	if later >= 0 {
		// %timeit STATEMENT on the cell's last statement: the statements
		// before it run first, then the loops.
		return s.timeitCell(lines, later, "%timeit")
	}
	return strings.Join(lines, "\n"), nil
}

func (s *Session) specialError(line int, format string, args ...any) *CellError {
	msg := fmt.Sprintf(format, args...)
	file := fmt.Sprintf("cell%d", s.cellNo)
	tb := []string{s.location(file, line, 0)}
	lines := strings.Split(s.rawCell, "\n")
	if line >= 1 && line <= len(lines) {
		tb = append(tb, "    "+strings.TrimRight(lines[line-1], " \t\r"))
	}
	return &CellError{Name: "UsageError", Value: msg, Traceback: append(tb, "UsageError: "+msg)}
}

// specialLines returns the indices of the special command lines at the top
// of a cell: the %-lines before its first line of Go, among which blank
// lines and comments may stand.
func specialLines(lines []string) []int {
	var ks []int
	for k, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "//") {
			continue
		}
		if !strings.HasPrefix(t, "%") {
			break
		}
		ks = append(ks, k)
	}
	return ks
}
