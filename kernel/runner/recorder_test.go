package runner

import (
	"errors"
	"sync"
	"testing"

	"github.com/gograd/gograd/display"
)

func TestRemoveOverwrittenChars(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain\ntext", "plain\ntext"},
		{"10%\r20%\r30%", "30%"},
		{"abcdef\rXY", "XYcdef"},
		{"a\r\nb", "a\nb"},
		{"ab\bc", "ac"},
		{"abc\b\b", "a"},
		{"line\n50%\r", "line\n50%\r"},
		{"x\n\b", "x\n\b"},
		{"α\rβγ", "βγ"},
	}
	for _, tt := range tests {
		if got := removeOverwrittenChars(tt.in); got != tt.want {
			t.Errorf("removeOverwrittenChars(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func bundle(text, id string) display.Bundle {
	return display.Bundle{Data: map[string]any{"text/plain": text}, Metadata: map[string]any{}, DisplayID: id}
}

// kinds summarises outputs as "type:content" strings.
func kinds(outs []*Output) []string {
	var s []string
	for _, o := range outs {
		switch o.Type {
		case StreamOutput:
			s = append(s, o.Name+":"+o.Text)
		case ErrorOutput:
			s = append(s, "error:"+o.EName)
		default:
			s = append(s, o.Type+":"+o.Data["text/plain"].(string))
		}
	}
	return s
}

func TestRecorder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		do   func(r *Recorder)
		want []string
	}{
		{"streams merge per name", func(r *Recorder) {
			r.Stream("stdout", "a")
			r.Stream("stdout", "b\n")
			r.Stream("stderr", "e\n")
			r.Stream("stdout", "c\n")
		}, []string{"stdout:ab\n", "stderr:e\n", "stdout:c\n"}},
		{"carriage return across chunks", func(r *Recorder) {
			r.Stream("stdout", "step 1\r")
			r.Stream("stdout", "step 2\r")
			r.Stream("stdout", "finished\n")
		}, []string{"stdout:finished\n"}},
		{"empty stream ignored", func(r *Recorder) {
			r.Stream("stdout", "")
		}, nil},
		{"display then result then error", func(r *Recorder) {
			r.Display(bundle("d", ""))
			r.Result(bundle("v", ""), 7)
			r.Error("E", "bad", []string{"tb"})
		}, []string{"display_data:d", "execute_result:v", "error:E"}},
		{"clear at once", func(r *Recorder) {
			r.Stream("stdout", "old\n")
			r.Clear(false)
			r.Stream("stdout", "new\n")
		}, []string{"stdout:new\n"}},
		{"clear wait keeps until next output", func(r *Recorder) {
			r.Display(bundle("frame 1", ""))
			r.Clear(true)
			r.Display(bundle("frame 2", ""))
			r.Clear(true)
		}, []string{"display_data:frame 2"}},
		{"clear wait not triggered by update", func(r *Recorder) {
			r.Display(bundle("p", "bar"))
			r.Clear(true)
			r.Update(bundle("q", "bar"))
		}, []string{"display_data:q"}},
		{"update replaces by id", func(r *Recorder) {
			r.Display(bundle("0%", "bar"))
			r.Stream("stdout", "between\n")
			r.Display(bundle("0%", "bar"))
			r.Update(bundle("100%", "bar"))
			r.Update(bundle("ignored", "unknown"))
		}, []string{"display_data:100%", "stdout:between\n", "display_data:100%"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewRecorder()
			c := &Cell{Type: CodeCell, Outputs: []*Output{{Type: StreamOutput, Name: "stdout", Text: "stale"}}}
			r.Begin(c)
			tt.do(r)
			r.End()
			r.Stream("stdout", "after end\n") // dropped
			got := kinds(c.Outputs)
			if len(got) != len(tt.want) {
				t.Fatalf("outputs = %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("output %d = %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestRecorderResultCount(t *testing.T) {
	t.Parallel()
	r := NewRecorder()
	c := &Cell{Type: CodeCell}
	r.Begin(c)
	r.Result(bundle("v", ""), 4)
	if o := c.Outputs[0]; o.ExecutionCount == nil || *o.ExecutionCount != 4 {
		t.Errorf("execute_result count = %v, want 4", o.ExecutionCount)
	}
}

func TestRecorderUpdateAcrossCells(t *testing.T) {
	t.Parallel()
	r := NewRecorder()
	first, second := &Cell{Type: CodeCell}, &Cell{Type: CodeCell}
	r.Begin(first)
	r.Display(bundle("old", "fig"))
	r.End()
	r.Begin(second)
	r.Update(bundle("new", "fig"))
	r.End()
	if got := first.Outputs[0].Data["text/plain"]; got != "new" {
		t.Errorf("earlier cell's display = %v, want it updated to new", got)
	}
	if len(second.Outputs) != 0 {
		t.Errorf("update added outputs to the running cell: %v", kinds(second.Outputs))
	}
}

func TestRecorderInputRefused(t *testing.T) {
	t.Parallel()
	r := NewRecorder()
	if _, err := r.Input("name? ", false); !errors.Is(err, ErrNoInput) {
		t.Errorf("Input error = %v, want ErrNoInput", err)
	}
}

func TestRecorderConcurrentStreams(t *testing.T) {
	t.Parallel()
	r := NewRecorder()
	c := &Cell{Type: CodeCell}
	r.Begin(c)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				r.Stream("stdout", "x\n")
			}
		}()
	}
	wg.Wait()
	r.End()
	if len(c.Outputs) != 1 || len(c.Outputs[0].Text) != 1600 {
		t.Errorf("got %d outputs with %d bytes, want one of 1600", len(c.Outputs), len(c.Outputs[0].Text))
	}
}
