package kernel

import (
	"context"

	"github.com/gograd/gograd/display"
	"github.com/gograd/gograd/kernel/session"
)

// Engine runs cells and answers code questions. *session.Session
// satisfies it; tests use fakes. The kernel calls Execute, Complete,
// Inspect and IsComplete from one goroutine at a time.
type Engine interface {
	// Execute runs one cell. Cancelling ctx interrupts it.
	Execute(ctx context.Context, code string, io IO) Result
	// Complete returns completions for the code at cursor (in Unicode code
	// points) and the code-point range they replace.
	Complete(code string, cursor int) (matches []string, start, end int)
	// Inspect returns documentation for the name at cursor.
	Inspect(code string, cursor, detailLevel int) (display.Bundle, bool)
	// IsComplete reports complete, incomplete, invalid or unknown, and the
	// indent for the next line when incomplete.
	IsComplete(code string) (status, indent string)
}

// ItemCompleter is an Engine whose completions say what each one is (its
// kind and type); the kernel sends them in complete_reply's metadata as
// _jupyter_types_experimental, the way ipykernel does, and JupyterLab
// shows them beside the completions.
type ItemCompleter interface {
	CompleteItems(code string, cursor int) (items []CompletionItem, start, end int)
}

// CompletionItem is one completion and what it names.
type CompletionItem = session.CompletionItem

var _ ItemCompleter = (*session.Session)(nil)

// IO is what a running cell writes to and reads from; the kernel gives one
// to each Execute, bound to that request.
type IO = session.IO

// Result is the outcome of a cell: an execute_result bundle or nil, and an
// error or nil.
type Result = session.Result

// CellError describes a failed cell as Jupyter shows it.
type CellError = session.CellError

var _ Engine = (*session.Session)(nil)
