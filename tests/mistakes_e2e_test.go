package tests

import (
	"os"
	"testing"

	"github.com/gograd/gograd/kernel/kerneltest/cellcase"
)

// TestE2EMistakes runs the corpus of mistaken cells (testdata/
// mistakes.txt) through a kernel process: each case, after %reset, must
// show exactly its message and lines in the execute reply, and its
// streams and value on iopub.
func TestE2EMistakes(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/mistakes.txt")
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
	p := startKernelProcess(t)
	cellNo := 0 // the session numbers every executed cell
	for _, c := range cases {
		if e := p.exec(t, "%reset"); e.Reply.Status != "ok" {
			t.Fatalf("%%reset: %s %s", e.Reply.Status, e.Reply.Evalue)
		}
		cellNo++
		first := cellNo + 1
		var got cellcase.Got
		for k, code := range c.Cells {
			e := p.exec(t, code)
			cellNo++
			if k < len(c.Cells)-1 {
				if e.Reply.Status != "ok" {
					t.Errorf("%s (line %d): cell %d: %s %s", c.Name, c.Line, k+1, e.Reply.Ename, e.Reply.Evalue)
				}
				continue
			}
			got = cellcase.Got{Err: e.Reply.Status == "error", Stdout: e.Stdout(), Stderr: e.Stderr(), Value: result(e)}
			if got.Err {
				got.Traceback = e.Reply.Traceback
				if e.Find("error") == nil {
					t.Errorf("%s: no error message on iopub", c.Name)
				}
			}
		}
		for _, d := range c.Check(got, first) {
			t.Errorf("%s (line %d): %s", c.Name, c.Line, d)
		}
	}
}
