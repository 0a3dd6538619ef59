package session

import (
	"strings"
	"testing"
)

// TestUnfinishedCell checks the message for a cell that ends in the middle
// of an expression: the cell's last line, a caret after the operator, and
// no line the cell does not have. Cells that end well still run.
func TestUnfinishedCell(t *testing.T) {
	s := newSession(t)
	cases := []struct {
		code string
		want string // substring of the traceback; "" for a cell that runs
	}{
		{"y := 1 +", "line 1, column 9\n    y := 1 +\n            ^\nCompileError: syntax error: unexpected end of the cell after +, expected an operand"},
		{"a := 2\nb := a *\n\n", "line 2, column 9\n    b := a *\n"},
		{"c := 3\nc +=", "unexpected end of the cell after +="},
		{"d :=", "unexpected end of the cell after :="},
		{"ok := true && // the rest\n", "after &&"},
		{"fmt.", "after ."},
		{"n := 1\nn++", ""},
		{"m := 1 +\n\t2\nm", ""},
		{"p := []int{1, 2,\n}\np", ""},
	}
	for _, c := range cases {
		_, res := run(t, s, c.code)
		if c.want == "" {
			if res.Err != nil {
				t.Errorf("%q: %v", c.code, res.Err)
			}
			continue
		}
		if res.Err == nil {
			t.Errorf("%q: no error, want %q", c.code, c.want)
			continue
		}
		tb := strings.Join(res.Err.Traceback, "\n")
		if !strings.Contains(tb, c.want) || strings.Contains(tb, "found '}'") {
			t.Errorf("%q: traceback\n%s\nwant it to contain\n%s", c.code, tb, c.want)
		}
	}
}
