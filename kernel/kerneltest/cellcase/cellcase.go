// Package cellcase reads files of notebook cells and the output each must
// produce, shared by the session's tests and the end-to-end tests that run
// the same cells through the kernel. The format is described in
// tests/testdata/mistakes.txt.
package cellcase

import (
	"fmt"
	"strconv"
	"strings"
)

// Case is one case: cells run in order in a fresh session; the last one's
// output is checked.
type Case struct {
	Name  string
	Line  int // of the "===" line
	Cells []string
	// Want maps a section name (error, trace, stderr, stdout, value) to
	// its text; a section not given is absent.
	Want map[string]string
}

// Parse reads a case file.
func Parse(data string) ([]Case, error) {
	var cases []Case
	var cur *Case
	section := ""
	var buf []string
	flush := func() {
		if cur == nil || section == "" {
			return
		}
		text := strings.Join(buf, "\n")
		if section == "cell" {
			cur.Cells = append(cur.Cells, strings.TrimRight(text, "\n"))
		} else {
			cur.Want[section] = strings.TrimRight(text, "\n")
		}
		section, buf = "", nil
	}
	for i, line := range strings.Split(data, "\n") {
		switch {
		case strings.HasPrefix(line, "=== "):
			flush()
			cases = append(cases, Case{Name: strings.TrimPrefix(line, "=== "), Line: i + 1, Want: map[string]string{}})
			cur = &cases[len(cases)-1]
		case strings.HasPrefix(line, "--- "):
			flush()
			if cur == nil {
				return nil, fmt.Errorf("line %d: section outside a case", i+1)
			}
			section = strings.TrimPrefix(line, "--- ")
			switch section {
			case "cell", "error", "trace", "stderr", "stdout", "value":
			default:
				return nil, fmt.Errorf("line %d: unknown section %q", i+1, section)
			}
		case section == "" && (strings.HasPrefix(line, "#") || strings.TrimSpace(line) == ""):
		case section == "":
			return nil, fmt.Errorf("line %d: text outside a section", i+1)
		default:
			buf = append(buf, line)
		}
	}
	flush()
	for _, c := range cases {
		if len(c.Cells) == 0 {
			return nil, fmt.Errorf("case %q (line %d) has no cell", c.Name, c.Line)
		}
	}
	return cases, nil
}

// Expand replaces "cell {k}" by the number of the case's k-th cell, given
// the number of its first.
func Expand(text string, first int) string {
	for k := 1; k <= 9; k++ {
		text = strings.ReplaceAll(text, "cell {"+strconv.Itoa(k)+"}", "cell "+strconv.Itoa(first+k-1))
	}
	return text
}

// Got is what the last cell of a case produced.
type Got struct {
	Err       bool
	Traceback []string
	Stdout    string
	Stderr    string
	Value     string
}

// Check compares what a case's last cell produced with what it wants,
// its first cell being numbered first, and returns the differences.
func (c Case) Check(got Got, first int) []string {
	var diffs []string
	want := func(section string) (string, bool) {
		w, ok := c.Want[section]
		return Expand(w, first), ok
	}
	if w, ok := want("error"); ok {
		last := ""
		if n := len(got.Traceback); n > 0 {
			last = got.Traceback[n-1]
		}
		if !got.Err || last != w {
			diffs = append(diffs, fmt.Sprintf("error:\n got %q\nwant %q", last, w))
		}
		if w, ok := want("trace"); ok {
			var rest []string
			if n := len(got.Traceback); n > 0 {
				rest = got.Traceback[:n-1]
			}
			if g := strings.Join(rest, "\n"); g != w {
				diffs = append(diffs, fmt.Sprintf("trace:\n got %q\nwant %q", g, w))
			}
		}
	} else if got.Err {
		diffs = append(diffs, fmt.Sprintf("unexpected error:\n%s", strings.Join(got.Traceback, "\n")))
	}
	for _, sec := range []struct {
		name string
		got  string
	}{{"stderr", got.Stderr}, {"stdout", got.Stdout}, {"value", got.Value}} {
		if w, ok := want(sec.name); ok && strings.TrimRight(sec.got, "\n") != w {
			diffs = append(diffs, fmt.Sprintf("%s:\n got %q\nwant %q", sec.name, sec.got, w))
		}
	}
	return diffs
}
