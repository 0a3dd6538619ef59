package runner

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gograd/gograd/display"
	"github.com/gograd/gograd/kernel/session"
)

// scriptExecutor is a stand-in for the session: each line of a cell is a
// command ("out TEXT", "err TEXT", "show TEXT", "value TEXT", "fail NAME",
// "wait").
type scriptExecutor struct{ ran []string }

func (e *scriptExecutor) Execute(ctx context.Context, code string, io session.IO) session.Result {
	e.ran = append(e.ran, code)
	var res session.Result
	for _, line := range strings.Split(code, "\n") {
		cmd, arg, _ := strings.Cut(line, " ")
		switch cmd {
		case "out":
			io.Stream("stdout", arg+"\n")
		case "err":
			io.Stream("stderr", arg+"\n")
		case "show":
			io.Display(display.Bundle{Data: map[string]any{"text/plain": arg}})
		case "value":
			res.Value = &display.Bundle{Data: map[string]any{"text/plain": arg}}
		case "fail":
			res.Err = &session.CellError{Name: arg, Value: "it failed", Traceback: []string{"line 1"}}
			return res
		case "wait":
			<-ctx.Done()
			res.Err = &session.CellError{Name: "Interrupted", Value: "interrupted"}
			return res
		}
	}
	return res
}

func notebookOf(cells ...string) *Notebook {
	nb := &Notebook{Metadata: map[string]any{}}
	for _, src := range cells {
		typ := CodeCell
		if strings.HasPrefix(src, "#") {
			typ = MarkdownCell
		}
		stale := 99
		nb.Cells = append(nb.Cells, &Cell{Type: typ, Source: src, ExecutionCount: &stale,
			Outputs: []*Output{{Type: StreamOutput, Name: "stdout", Text: "stale\n"}}})
	}
	nb.fixIDs()
	return nb
}

func TestExecuteRecordsOutputs(t *testing.T) {
	t.Parallel()
	nb := notebookOf("# Title", "out a\nout b\nshow fig\nvalue 42", "   \n", "err oops\nvalue x")
	var progress bytes.Buffer
	ex := &scriptExecutor{}
	sum, err := Execute(context.Background(), nb, ex, Options{Progress: &progress})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if len(ex.ran) != 2 {
		t.Errorf("executed %d cells, want 2 (markdown and blank cells skipped)", len(ex.ran))
	}
	c := nb.Cells[1]
	if got := kinds(c.Outputs); strings.Join(got, "|") != "stdout:a\nb\n|display_data:fig|execute_result:42" {
		t.Errorf("cell outputs = %q", got)
	}
	if *c.ExecutionCount != 1 || *c.Outputs[2].ExecutionCount != 1 {
		t.Errorf("execution counts = %d, %d; want 1, 1", *c.ExecutionCount, *c.Outputs[2].ExecutionCount)
	}
	if blank := nb.Cells[2]; blank.ExecutionCount != nil || blank.Outputs != nil {
		t.Errorf("blank cell kept count %v / outputs %v", blank.ExecutionCount, blank.Outputs)
	}
	if last := nb.Cells[3]; *last.ExecutionCount != 2 {
		t.Errorf("second executed cell has count %d, want 2", *last.ExecutionCount)
	}
	if md := nb.Cells[0]; len(md.Outputs) != 1 {
		t.Error("markdown cell touched")
	}
	if sum.Errors != 0 || len(sum.Cells) != 3 {
		t.Errorf("summary = %+v", sum)
	}
	lines := strings.Split(strings.TrimSpace(progress.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "In [1]") || !strings.Contains(lines[1], "skipped") {
		t.Errorf("progress lines:\n%s", progress.String())
	}
	if ks, _ := nb.Metadata["kernelspec"].(map[string]any); ks["name"] != "gograd" {
		t.Errorf("kernelspec metadata = %v", nb.Metadata["kernelspec"])
	}
}

func TestExecuteStopsAtFirstError(t *testing.T) {
	t.Parallel()
	nb := notebookOf("out one", "fail Panic", "out never")
	ex := &scriptExecutor{}
	sum, err := Execute(context.Background(), nb, ex, Options{})
	var ce *CellError
	if !errors.As(err, &ce) || ce.Index != 1 || ce.Name != "Panic" || ce.ExecutionCount != 2 {
		t.Fatalf("err = %v, want a *CellError for cell 2", err)
	}
	if len(ex.ran) != 2 {
		t.Errorf("ran %d cells, want 2", len(ex.ran))
	}
	if got := kinds(nb.Cells[1].Outputs); len(got) != 1 || got[0] != "error:Panic" {
		t.Errorf("failing cell outputs = %q", got)
	}
	if rest := nb.Cells[2]; rest.Outputs != nil || rest.ExecutionCount != nil {
		t.Error("cell after the failure keeps stale outputs")
	}
	if sum.Errors != 1 {
		t.Errorf("summary errors = %d", sum.Errors)
	}
}

func TestExecuteAllowErrors(t *testing.T) {
	t.Parallel()
	nb := notebookOf("fail E1", "out still runs", "fail E2")
	sum, err := Execute(context.Background(), nb, &scriptExecutor{}, Options{AllowErrors: true})
	if err != nil {
		t.Fatalf("err = %v, want nil with AllowErrors", err)
	}
	if sum.Errors != 2 || *nb.Cells[2].ExecutionCount != 3 {
		t.Errorf("errors = %d, last count = %d; want 2 and 3", sum.Errors, *nb.Cells[2].ExecutionCount)
	}
	if got := kinds(nb.Cells[1].Outputs); len(got) != 1 || got[0] != "stdout:still runs\n" {
		t.Errorf("middle cell = %q", got)
	}
}

func TestExecuteCellTimeout(t *testing.T) {
	t.Parallel()
	nb := notebookOf("wait", "out after")
	_, err := Execute(context.Background(), nb, &scriptExecutor{}, Options{CellTimeout: 20 * time.Millisecond})
	var ce *CellError
	if !errors.As(err, &ce) || ce.Name != "Interrupted" {
		t.Fatalf("err = %v, want the interrupted cell", err)
	}
	if v := nb.Cells[0].Outputs[0].EValue; !strings.Contains(v, "time limit") {
		t.Errorf("error value %q does not mention the time limit", v)
	}
}

func TestExecuteCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	nb := notebookOf("out a")
	if _, err := Execute(ctx, nb, &scriptExecutor{}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
