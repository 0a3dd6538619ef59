package runner

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

const sampleNotebook = `{
 "cells": [
  {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": ["# Title\n", "text"]},
  {"cell_type": "code", "execution_count": 3, "id": "c1", "metadata": {"tags": ["x"]},
   "outputs": [
    {"name": "stdout", "output_type": "stream", "text": ["a\n", "b\n"]},
    {"data": {"image/png": "iVBO", "text/plain": ["<fig>"]}, "metadata": {"image/png": {"width": 10}}, "output_type": "display_data"},
    {"data": {"application/json": {"k": [1, 2]}, "text/plain": "x"}, "execution_count": 3, "metadata": {}, "output_type": "execute_result"},
    {"ename": "E", "evalue": "v", "output_type": "error", "traceback": ["t1", "t2"]}
   ],
   "source": "x := 1\nx"},
  {"cell_type": "raw", "metadata": {}, "source": ""}
 ],
 "metadata": {"kernelspec": {"name": "gograd"}},
 "nbformat": 4,
 "nbformat_minor": 4
}`

func TestReadNotebook(t *testing.T) {
	t.Parallel()
	nb, err := Read(strings.NewReader(sampleNotebook))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(nb.Cells) != 3 {
		t.Fatalf("got %d cells, want 3", len(nb.Cells))
	}
	if got := nb.Cells[0].Source; got != "# Title\ntext" {
		t.Errorf("markdown source = %q", got)
	}
	c := nb.Cells[1]
	if c.Source != "x := 1\nx" || *c.ExecutionCount != 3 || len(c.Outputs) != 4 {
		t.Fatalf("code cell = %+v", c)
	}
	if c.Outputs[0].Text != "a\nb\n" {
		t.Errorf("stream text = %q, want joined lines", c.Outputs[0].Text)
	}
	if got := c.Outputs[1].Data["text/plain"]; got != "<fig>" {
		t.Errorf("display text/plain = %v", got)
	}
	if got := c.Outputs[2].Data["application/json"]; !reflect.DeepEqual(got, map[string]any{"k": []any{1.0, 2.0}}) {
		t.Errorf("application/json = %#v, want the object", got)
	}
	if o := c.Outputs[3]; o.EName != "E" || len(o.Traceback) != 2 {
		t.Errorf("error output = %+v", o)
	}
	if id := nb.Cells[2].ID; !validCellID.MatchString(id) || id == "intro" || id == "c1" {
		t.Errorf("missing id replaced by %q, want a fresh valid id", id)
	}
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`not json`, "not a JSON notebook"},
		{`{}`, "no nbformat field"},
		{`{"nbformat": 3, "worksheets": []}`, "nbformat 3 is not supported"},
		{`{"nbformat": 4, "cells": [{"cell_type": "weird", "source": ""}]}`, `cell 1: unknown cell_type "weird"`},
		{`{"nbformat": 4, "cells": [{"cell_type": "code", "source": 5}]}`, "cell 1:"},
		{`{"nbformat": 4, "cells": [{"cell_type": "code", "source": "", "outputs": [{"output_type": "nope"}]}]}`, `output 1: unknown output_type "nope"`},
	}
	for _, tt := range tests {
		_, err := Read(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Read(%s): err = %v, want one containing %q", tt.in, err, tt.want)
		}
	}
}

func TestWriteRoundTrip(t *testing.T) {
	t.Parallel()
	nb, err := Read(strings.NewReader(sampleNotebook))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := nb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasSuffix(out, "}\n") || !strings.HasPrefix(out, "{\n \"cells\": [\n") {
		t.Errorf("output not in Jupyter's layout:\n%s", out)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["nbformat_minor"] != 5.0 || doc["nbformat"] != 4.0 {
		t.Errorf("version %v.%v, want 4.5", doc["nbformat"], doc["nbformat_minor"])
	}
	cells := doc["cells"].([]any)
	code := cells[1].(map[string]any)
	if got := code["source"]; !reflect.DeepEqual(got, []any{"x := 1\n", "x"}) {
		t.Errorf("source written as %#v, want a list of lines", got)
	}
	for _, c := range cells {
		if id, _ := c.(map[string]any)["id"].(string); id == "" {
			t.Errorf("cell without id: %v", c)
		}
	}
	if _, ok := cells[0].(map[string]any)["outputs"]; ok {
		t.Error("markdown cell written with outputs")
	}
	again, err := Read(&buf)
	if err != nil {
		t.Fatalf("re-reading the written notebook: %v", err)
	}
	for i := range nb.Cells {
		a, b := nb.Cells[i], again.Cells[i]
		if a.ID != b.ID || a.Source != b.Source || len(a.Outputs) != len(b.Outputs) {
			t.Errorf("cell %d changed on round trip: %+v vs %+v", i, a, b)
		}
		for j := range a.Outputs {
			if !reflect.DeepEqual(a.Outputs[j], b.Outputs[j]) {
				t.Errorf("cell %d output %d changed: %+v vs %+v", i, j, a.Outputs[j], b.Outputs[j])
			}
		}
	}
	if !strings.Contains(out, `"text/plain": [`) || strings.Contains(out, `\u003c`) {
		t.Errorf("text not split into lines or HTML-escaped:\n%s", out)
	}
}

func TestFixIDsDeduplicates(t *testing.T) {
	t.Parallel()
	nb := &Notebook{Cells: []*Cell{{ID: "a", Type: CodeCell}, {ID: "a", Type: CodeCell}, {ID: "bad id!", Type: RawCell}}}
	nb.fixIDs()
	seen := map[string]bool{}
	for _, c := range nb.Cells {
		if !validCellID.MatchString(c.ID) || seen[c.ID] {
			t.Errorf("id %q invalid or repeated", c.ID)
		}
		seen[c.ID] = true
	}
	if nb.Cells[0].ID != "a" {
		t.Errorf("first valid id changed to %q", nb.Cells[0].ID)
	}
}

func TestSplitLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{"a", []string{"a"}},
		{"a\n", []string{"a\n"}},
		{"a\nb", []string{"a\n", "b"}},
		{"\n\n", []string{"\n", "\n"}},
	}
	for _, tt := range tests {
		if got := splitLines(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitLines(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReadMarkdown(t *testing.T) {
	t.Parallel()
	src := "# Title\n\nIntro with `code`.\n\n```go\nx := 1\n\nx\n```\n\n```text\nnot code\n```\n<!-- cell -->\nSecond.\n\n```go\nfmt.Println(x)\n```\n"
	nb, err := ReadMarkdown(strings.NewReader(src), "t")
	if err != nil {
		t.Fatal(err)
	}
	type cell struct{ id, typ, src string }
	want := []cell{
		{"t-1", MarkdownCell, "# Title\n\nIntro with `code`."},
		{"t-2", CodeCell, "x := 1\n\nx"},
		{"t-3", MarkdownCell, "```text\nnot code\n```"},
		{"t-4", MarkdownCell, "Second."},
		{"t-5", CodeCell, "fmt.Println(x)"},
	}
	if len(nb.Cells) != len(want) {
		for _, c := range nb.Cells {
			t.Logf("%s %s %q", c.ID, c.Type, c.Source)
		}
		t.Fatalf("got %d cells, want %d", len(nb.Cells), len(want))
	}
	for i, w := range want {
		c := nb.Cells[i]
		if (cell{c.ID, c.Type, c.Source}) != w {
			t.Errorf("cell %d = %q %s %q, want %q %s %q", i, c.ID, c.Type, c.Source, w.id, w.typ, w.src)
		}
	}
	if _, err := ReadMarkdown(strings.NewReader("```go\nx := 1\n"), "t"); err == nil || !strings.Contains(err.Error(), "never closed") {
		t.Errorf("unterminated block: err = %v", err)
	}
	if _, err := ReadMarkdown(strings.NewReader(""), "bad prefix"); err == nil {
		t.Error("invalid id prefix accepted")
	}
}
