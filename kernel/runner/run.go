package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gograd/gograd/display"
	"github.com/gograd/gograd/kernel/session"
)

// Executor runs one cell's code, sending its outputs to io. A
// *session.Session is one.
type Executor interface {
	Execute(ctx context.Context, code string, io session.IO) session.Result
}

// Options control a run.
type Options struct {
	// AllowErrors keeps going after a failing cell; otherwise the run stops
	// at the first error and returns a *CellError.
	AllowErrors bool
	// CellTimeout interrupts a cell that runs longer (0: no limit).
	CellTimeout time.Duration
	// Progress receives one line per code cell with its time; nil for none.
	Progress io.Writer
	// Session configures the fresh session Run creates.
	Session session.Options
	// Prerender computes each display.Interact over a grid of its
	// controls' values after its cell ran (see display.Prerender), so that
	// WriteHTML makes its controls live without a kernel.
	Prerender bool
}

// CellResult is what happened to one code cell.
type CellResult struct {
	Index          int // position in the notebook, from 0
	ExecutionCount int // 0 for a skipped (blank) cell
	Duration       time.Duration
	Err            *session.CellError
}

// Summary reports a run.
type Summary struct {
	Cells    []CellResult
	Duration time.Duration
	// Errors counts the cells that failed.
	Errors int
}

// CellError is the error Run returns when a cell fails and errors are not
// allowed.
type CellError struct {
	Index          int // position in the notebook, from 0
	ExecutionCount int
	Name, Value    string
	Traceback      []string
}

func (e *CellError) Error() string {
	return fmt.Sprintf("In [%d] (cell %d of the notebook) failed: %s: %s", e.ExecutionCount, e.Index+1, e.Name, e.Value)
}

// Run executes nb's code cells in a fresh session (see the package doc),
// recording outputs into nb, and closes the session. It returns a
// *CellError for the first failing cell unless opts.AllowErrors, and an
// error when the session cannot start.
func Run(ctx context.Context, nb *Notebook, opts Options) (*Summary, error) {
	s, err := session.New(opts.Session)
	if err != nil {
		return nil, fmt.Errorf("runner: starting the session: %w", err)
	}
	defer s.Close()
	return Execute(ctx, nb, s, opts)
}

// Execute runs nb's code cells with ex, as Run does with a fresh session.
// It also sets the notebook's kernelspec and language_info metadata to
// gograd's.
func Execute(ctx context.Context, nb *Notebook, ex Executor, opts Options) (*Summary, error) {
	start := time.Now()
	setKernelMetadata(nb)
	widgets := newWidgetState()
	display.SetCommSink(widgets)
	defer display.SetCommSink(nil)
	defer func() {
		if md := widgets.metadata(); md != nil {
			nb.Metadata["widgets"] = md
		} else {
			delete(nb.Metadata, "widgets")
		}
	}()
	rec := NewRecorder()
	sum := &Summary{}
	code := nb.CodeCells()
	count := 0
	var failure *CellError
	done := 0
	for i, c := range nb.Cells {
		if c.Type != CodeCell {
			continue
		}
		done++
		if failure != nil || ctx.Err() != nil {
			// Not run: drop outputs from an earlier execution.
			c.Outputs, c.ExecutionCount = nil, nil
			continue
		}
		if strings.TrimSpace(c.Source) == "" {
			c.Outputs, c.ExecutionCount = nil, nil
			sum.Cells = append(sum.Cells, CellResult{Index: i})
			progress(opts.Progress, done, len(code), 0, 0, c.Source, "skipped (empty)")
			continue
		}
		count++
		n := count
		c.ExecutionCount = &n
		cellCtx, cancel := ctx, context.CancelFunc(func() {})
		if opts.CellTimeout > 0 {
			cellCtx, cancel = context.WithTimeout(ctx, opts.CellTimeout)
		}
		t0 := time.Now()
		rec.Begin(c)
		res := ex.Execute(cellCtx, c.Source, rec)
		timedOut := errors.Is(cellCtx.Err(), context.DeadlineExceeded)
		cancel()
		if res.Value != nil {
			rec.Result(*res.Value, n)
		}
		if res.Err != nil {
			value := res.Err.Value
			if timedOut {
				value = fmt.Sprintf("%s (cell time limit %v reached)", value, opts.CellTimeout)
			}
			rec.Error(res.Err.Name, value, res.Err.Traceback)
		}
		rec.End()
		if opts.Prerender && res.Err == nil {
			for _, err := range nb.prerenderCell(ctx, c, ex) {
				fmt.Fprintf(progressOrDiscard(opts.Progress), "pre-rendering a widget of cell %d: %v\n", i+1, err)
			}
		}
		d := time.Since(t0)
		sum.Cells = append(sum.Cells, CellResult{Index: i, ExecutionCount: n, Duration: d, Err: res.Err})
		status := "ok"
		if res.Err != nil {
			sum.Errors++
			status = "error: " + res.Err.Name + ": " + firstLine(res.Err.Value)
			if !opts.AllowErrors {
				failure = &CellError{Index: i, ExecutionCount: n, Name: res.Err.Name, Value: res.Err.Value, Traceback: res.Err.Traceback}
			}
		}
		progress(opts.Progress, done, len(code), n, d, c.Source, status)
	}
	sum.Duration = time.Since(start)
	if failure != nil {
		return sum, failure
	}
	if err := ctx.Err(); err != nil {
		return sum, fmt.Errorf("runner: run stopped: %w", err)
	}
	return sum, nil
}

func progressOrDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// progress writes one cell's line: position, execution count, time,
// status and the start of the source.
func progress(w io.Writer, i, total, count int, d time.Duration, src, status string) {
	if w == nil {
		return
	}
	in := "In [ ]"
	if count > 0 {
		in = fmt.Sprintf("In [%d]", count)
	}
	width := len(fmt.Sprint(total))
	fmt.Fprintf(w, "cell %*d/%d  %-8s %8.3fs  %-4s  %s\n", width, i, total, in, d.Seconds(), status, abbreviateSource(src, 48))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// abbreviateSource returns the first non-blank line of src, cut to n runes.
func abbreviateSource(src string, n int) string {
	for _, l := range strings.Split(src, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if utf8.RuneCountInString(l) > n {
				r := []rune(l)
				return string(r[:n-1]) + "…"
			}
			return l
		}
	}
	return ""
}

// setKernelMetadata records the gograd kernelspec and language in the
// notebook's metadata, as a front end does when it saves.
func setKernelMetadata(nb *Notebook) {
	if nb.Metadata == nil {
		nb.Metadata = map[string]any{}
	}
	nb.Metadata["kernelspec"] = map[string]any{
		"name":         "gograd",
		"display_name": "Go (gograd)",
		"language":     "go",
	}
	nb.Metadata["language_info"] = map[string]any{
		"name":            "go",
		"version":         strings.TrimPrefix(runtime.Version(), "go"),
		"mimetype":        "text/x-go",
		"file_extension":  ".go",
		"pygments_lexer":  "go",
		"codemirror_mode": "go",
	}
}
