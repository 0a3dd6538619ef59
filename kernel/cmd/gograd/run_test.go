package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args    []string
		wantPos []string
		wantOut string
	}{
		{[]string{"nb.ipynb", "-o", "x.ipynb"}, []string{"nb.ipynb"}, "x.ipynb"},
		{[]string{"-o", "x.ipynb", "nb.ipynb"}, []string{"nb.ipynb"}, "x.ipynb"},
		{[]string{"a", "b"}, []string{"a", "b"}, ""},
	}
	for _, tt := range tests {
		fs := newTestFlagSet()
		out := fs.String("o", "", "")
		pos, err := parseInterspersed(fs, tt.args)
		if err != nil || !reflect.DeepEqual(pos, tt.wantPos) || *out != tt.wantOut {
			t.Errorf("parseInterspersed(%q) = %q, -o %q, %v; want %q, -o %q", tt.args, pos, *out, err, tt.wantPos, tt.wantOut)
		}
	}
}

// writeNotebook writes a Markdown notebook source with the given Go cells.
func writeNotebook(t *testing.T, dir string, cells ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("# Test notebook\n\n")
	for _, c := range cells {
		b.WriteString("```go\n" + c + "\n```\n\n")
	}
	p := filepath.Join(dir, "nb.md")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// readOutputs returns each code cell's output types from a written notebook.
func readOutputs(t *testing.T, path string) [][]string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			CellType string `json:"cell_type"`
			Outputs  []struct {
				OutputType string `json:"output_type"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(raw, &nb); err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		var kinds []string
		for _, o := range c.Outputs {
			kinds = append(kinds, o.OutputType)
		}
		out = append(out, kinds)
	}
	return out
}

func TestRunWritesNotebookHTMLAndFigures(t *testing.T) {
	dir := t.TempDir()
	src := writeNotebook(t, dir,
		`fmt.Println("hello")`,
		`display.Line(ad.Linspace(0, 1, 5), ad.Linspace(0, 2, 5))`,
		`ad.Scalar(2.5)`)
	out := filepath.Join(dir, "out", "nb.ipynb")
	html := filepath.Join(dir, "out", "nb.html")
	figs := filepath.Join(dir, "figs")
	var stdout, stderr bytes.Buffer
	if err := runRun([]string{src, "-o", out, "--html", html, "--figures", figs}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	got := readOutputs(t, out)
	want := [][]string{{"stream"}, {"execute_result"}, {"execute_result"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("outputs = %v, want %v", got, want)
	}
	if n := strings.Count(stderr.String(), "\ncell "); n != 3 {
		t.Errorf("progress:\n%s\nwant a line per cell", stderr.String())
	}
	page, err := os.ReadFile(html)
	if err != nil || !bytes.Contains(page, []byte("data:image/png;base64,")) || !bytes.Contains(page, []byte("hello")) {
		t.Errorf("HTML page missing or incomplete (%v)", err)
	}
	for _, f := range []string{"nb-3-1.png", "nb-3-1.svg"} {
		if _, err := os.Stat(filepath.Join(figs, f)); err != nil {
			t.Errorf("figure file: %v", err)
		}
	}
}

func TestRunStopsAtFirstError(t *testing.T) {
	dir := t.TempDir()
	src := writeNotebook(t, dir, `fmt.Println("one")`, `panic("boom")`, `fmt.Println("three")`)
	out := filepath.Join(dir, "nb.ipynb")
	var stdout, stderr bytes.Buffer
	err := runRun([]string{src, "-o", out}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("run error = %v, want the cell's panic", err)
	}
	if code := dispatch([]string{"run", src, "-o", out}, &stdout, &stderr); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	got := readOutputs(t, out)
	if len(got) != 3 || len(got[1]) != 1 || got[1][0] != "error" || got[2] != nil {
		t.Errorf("outputs = %v, want the error in cell 2 and nothing after", got)
	}

	err = runRun([]string{"--allow-errors", src, "-o", out}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("--allow-errors: %v", err)
	}
	if got := readOutputs(t, out); len(got[2]) != 1 || got[2][0] != "stream" {
		t.Errorf("with --allow-errors the last cell = %v, want its stream", got[2])
	}
}

func TestRunUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := [][]string{
		{},
		{"a.ipynb", "b.ipynb"},
		{"--bogus", "a.ipynb"},
	}
	for _, args := range tests {
		if err := runRun(args, new(bytes.Buffer), new(bytes.Buffer)); !errors.Is(err, errUsage) {
			t.Errorf("run %q: err = %v, want a usage error", args, err)
		}
	}
	bad := filepath.Join(dir, "bad.ipynb")
	os.WriteFile(bad, []byte(`{"nbformat": 3}`), 0o644)
	if err := runRun([]string{bad}, new(bytes.Buffer), new(bytes.Buffer)); err == nil || !strings.Contains(err.Error(), "nbformat 3") {
		t.Errorf("nbformat 3 input: err = %v", err)
	}
	if err := runRun([]string{filepath.Join(dir, "missing.ipynb")}, new(bytes.Buffer), new(bytes.Buffer)); err == nil {
		t.Error("missing notebook accepted")
	}
}

func newTestFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(new(bytes.Buffer))
	return fs
}
