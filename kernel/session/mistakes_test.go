package session

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/gograd/gograd/kernel/kerneltest/cellcase"
)

// TestMistakes runs the corpus of mistaken cells (tests/testdata/
// mistakes.txt) through a session: each must show exactly its message and
// lines. tests/mistakes_e2e_test.go runs the same corpus through the kernel.
// With GOGRAD_SHOW_MISTAKES=1 it logs what each case shows, in the file's
// format.
func TestMistakes(t *testing.T) {
	data, err := os.ReadFile("../../tests/testdata/mistakes.txt")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := cellcase.Parse(string(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 30 {
		t.Errorf("the corpus has %d cases, want at least 30", len(cases))
	}
	for _, c := range cases {
		s := newSession(t)
		var got cellcase.Got
		for k, code := range c.Cells {
			r, res := run(t, s, code)
			if k < len(c.Cells)-1 {
				if res.Err != nil {
					t.Errorf("%s (line %d): cell %d: %s", c.Name, c.Line, k+1, strings.Join(res.Err.Traceback, "\n"))
				}
				continue
			}
			got = cellcase.Got{Err: res.Err != nil, Stdout: r.stdout(), Stderr: r.stderr(), Value: plain(res)}
			if res.Err != nil {
				got.Traceback = res.Err.Traceback
			}
		}
		if os.Getenv("GOGRAD_SHOW_MISTAKES") != "" {
			// What the case shows, as sections of the file (cell numbers
			// as the file writes them), for writing new cases.
			var b strings.Builder
			b.WriteString("=== " + c.Name + "\n")
			for _, code := range c.Cells {
				b.WriteString("--- cell\n" + code + "\n")
			}
			if n := len(got.Traceback); n > 0 {
				b.WriteString("--- error\n" + got.Traceback[n-1] + "\n")
				if n > 1 {
					b.WriteString("--- trace\n" + strings.Join(got.Traceback[:n-1], "\n") + "\n")
				}
			}
			for _, sec := range [][2]string{{"stderr", got.Stderr}, {"stdout", got.Stdout}, {"value", got.Value}} {
				if sec[1] != "" {
					b.WriteString("--- " + sec[0] + "\n" + strings.TrimRight(sec[1], "\n") + "\n")
				}
			}
			text := b.String()
			for k := len(c.Cells); k >= 1; k-- {
				text = strings.ReplaceAll(text, fmt.Sprintf("cell %d, line", k), fmt.Sprintf("cell {%d}, line", k))
			}
			fmt.Fprintln(os.Stderr, text)
		}
		for _, d := range c.Check(got, 1) {
			t.Errorf("%s (line %d): %s", c.Name, c.Line, d)
		}
		s.Close()
	}
}
