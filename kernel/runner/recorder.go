package runner

import (
	"errors"
	"maps"
	"strings"
	"sync"

	"github.com/gograd/gograd/display"
)

// ErrNoInput is returned to cell code that asks for standard input: a
// headless run has no one to answer (nbclient behaves the same).
var ErrNoInput = errors.New("gograd run: standard input is not available when running a notebook headless")

// Recorder collects a cell's outputs the way a Jupyter front end builds
// its output area from the kernel's iopub messages, so the saved notebook
// holds what JupyterLab would have saved:
//
//   - consecutive stream outputs of the same name merge into one, with
//     carriage returns and backspaces applied (a "\r" progress line keeps
//     only its last state);
//   - display_data appends an output; update_display_data replaces the data
//     and metadata of every earlier output (of any cell run by this
//     Recorder) published with the same display id;
//   - clear_output removes the outputs at once, or with wait just before the
//     next output arrives (updates do not trigger it);
//   - an execute_result or error is appended last.
//
// A Recorder is safe for concurrent use: goroutines a cell leaves running
// may still write. It implements the session's IO interface.
type Recorder struct {
	mu        sync.Mutex
	cell      *Cell
	clearNext bool
	byID      map[string][]*Output
	// inputs feeds Input, for tests; nil refuses input with ErrNoInput.
	inputs []string
}

// NewRecorder returns a Recorder with no current cell; outputs arriving
// before Begin are dropped.
func NewRecorder() *Recorder { return &Recorder{byID: map[string][]*Output{}} }

// Begin makes c the cell receiving outputs, clearing its old outputs.
func (r *Recorder) Begin(c *Cell) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cell = c
	r.clearNext = false
	c.Outputs = nil
}

// End stops recording into the current cell. Outputs arriving later (from
// goroutines still running) are dropped.
func (r *Recorder) End() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cell = nil
	r.clearNext = false
}

// add appends o to the current cell, honouring a pending clear. It must be
// called with r.mu held.
func (r *Recorder) add(o *Output) {
	if r.cell == nil {
		return
	}
	if r.clearNext {
		r.cell.Outputs = nil
		r.clearNext = false
	}
	r.cell.Outputs = append(r.cell.Outputs, o)
}

// Stream records text written to stdout or stderr.
func (r *Recorder) Stream(name, text string) {
	if text == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cell == nil {
		return
	}
	if r.clearNext {
		r.cell.Outputs = nil
		r.clearNext = false
	}
	if n := len(r.cell.Outputs); n > 0 {
		last := r.cell.Outputs[n-1]
		if last.Type == StreamOutput && last.Name == name {
			last.Text = removeOverwrittenChars(last.Text + text)
			return
		}
	}
	r.add(&Output{Type: StreamOutput, Name: name, Text: removeOverwrittenChars(text)})
}

// Display records a display_data output.
func (r *Recorder) Display(b display.Bundle) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cell == nil {
		return
	}
	o := &Output{Type: DisplayOutput, Data: copyMap(b.Data), Metadata: copyMap(b.Metadata), displayID: b.DisplayID}
	r.add(o)
	if b.DisplayID != "" {
		r.byID[b.DisplayID] = append(r.byID[b.DisplayID], o)
	}
}

// Update replaces the outputs displayed earlier with b.DisplayID. An
// unknown id is ignored, as front ends do.
func (r *Recorder) Update(b display.Bundle) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, o := range r.byID[b.DisplayID] {
		o.Data = copyMap(b.Data)
		o.Metadata = copyMap(b.Metadata)
	}
}

// Clear clears the current cell's outputs, at once or (wait) when the
// next output arrives.
func (r *Recorder) Clear(wait bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cell == nil {
		return
	}
	if wait {
		r.clearNext = true
		return
	}
	r.cell.Outputs = nil
	r.clearNext = false
}

// Input answers a request for standard input. A headless run refuses it
// with ErrNoInput.
func (r *Recorder) Input(prompt string, password bool) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.inputs) == 0 {
		return "", ErrNoInput
	}
	s := r.inputs[0]
	r.inputs = r.inputs[1:]
	return s, nil
}

// Result records the cell's execute_result with its execution count.
func (r *Recorder) Result(b display.Bundle, count int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.add(&Output{Type: ResultOutput, Data: copyMap(b.Data), Metadata: copyMap(b.Metadata), ExecutionCount: &count})
}

// Error records an error output.
func (r *Recorder) Error(name, value string, traceback []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.add(&Output{Type: ErrorOutput, EName: name, EValue: value, Traceback: append([]string{}, traceback...)})
}

func copyMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return maps.Clone(m)
}

// removeOverwrittenChars applies backspaces and carriage returns to text
// as JupyterLab's output area does when it merges stream chunks: a
// character followed by "\b" is removed; "\r\n" is a newline; and text after
// a "\r" overwrites the line from its start. A final "\r" is kept, so the
// next chunk overwrites the line.
func removeOverwrittenChars(text string) string {
	if !strings.ContainsAny(text, "\r\b") {
		return text
	}
	// Backspaces: drop any non-newline character followed by \b, repeatedly.
	for strings.Contains(text, "\b") {
		var b strings.Builder
		rs := []rune(text)
		changed := false
		for i := 0; i < len(rs); i++ {
			if i+1 < len(rs) && rs[i+1] == '\b' && rs[i] != '\n' && rs[i] != '\b' {
				i++
				changed = true
				continue
			}
			b.WriteRune(rs[i])
		}
		text = b.String()
		if !changed {
			break
		}
	}
	for strings.Contains(text, "\r\n") {
		text = strings.ReplaceAll(text, "\r\n", "\n")
	}
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		if !strings.Contains(line, "\r") {
			continue
		}
		trailing := strings.HasSuffix(line, "\r")
		var cur []rune
		for _, seg := range strings.Split(line, "\r") {
			s := []rune(seg)
			if len(s) >= len(cur) {
				cur = s
			} else {
				cur = append(s, cur[len(s):]...)
			}
		}
		lines[i] = string(cur)
		if trailing && i == len(lines)-1 {
			lines[i] += "\r"
		}
	}
	return strings.Join(lines, "\n")
}
