package session

import (
	"context"
	"fmt"
	"strings"

	"github.com/gograd/gograd/ad"
	"github.com/gograd/gograd/display"
	"github.com/traefik/yaegi/interp"
)

// Call runs fn, a compiled function that may call interpreted code (a
// widget's callback), the way Execute runs a cell: serialised with cells,
// with io as the cell's IO (printed text, displays), interrupted by
// cancelling ctx, guarded against runaway recursion, and with a panic
// reported as the Result's CellError. fn is called from a one-statement
// program the interpreter executes, so interpreted code it calls stops at
// an interrupt like a cell's. Call does not count as a cell: nothing is
// added to the history.
func (s *Session) Call(ctx context.Context, fn func(), io IO) (res Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Result{Err: &CellError{Name: "SessionClosed", Value: "the session is closed"}}
	}
	if s.gc != nil {
		s.gc.start()
		defer s.gc.end()
	}
	defer s.release.afterCell()
	s.cur.Store(&ioBox{io: io})
	routeProcess(s)
	display.SetSink(orderedSink{s: s, io: io})
	ad.ResetInterrupt()
	s.stdin.reset()
	defer s.flush()

	p, err := s.callbackProgram()
	if err != nil {
		return Result{Err: &CellError{Name: "KernelError", Value: "cannot run a callback: " + err.Error(),
			Traceback: []string{"KernelError: cannot run a callback: " + err.Error()}}}
	}
	s.callFn = fn
	defer func() { s.callFn = nil }()
	s.newGeneration()
	s.curFile, s.curLine = "", 0
	if cerr := s.execute(ctx, p); cerr != nil {
		if cerr.Name == "Interrupted" {
			cerr.Value = "the widget callback was interrupted"
			cerr.Traceback = []string{"Interrupted: the widget callback was interrupted"}
		}
		if cerr.Name == "Exit" {
			retell(cerr, "the widget callback stopped; the session keeps running")
		}
		header := false
		for i, l := range cerr.Traceback {
			if l == "in the cell's top-level code" {
				cerr.Traceback[i], header = "in a widget callback", true
			}
		}
		if !header {
			// A RecursionError stops the callback without unwinding
			// through its frames: say where it ran all the same.
			cerr.Traceback = append([]string{"in a widget callback"}, cerr.Traceback...)
		}
		return Result{Err: cerr}
	}
	return Result{}
}

// callbackProgram returns the compiled program `__gograd.Callback()` of
// the live interpreter (compiled once per interpreter: %reset makes a new
// one).
func (s *Session) callbackProgram() (*interp.Program, error) {
	if s.cbProg != nil && s.cbInterp == s.interp {
		return s.cbProg, nil
	}
	c := makeChunk(stmtChunk, 0, rtName+".Callback()", 1, 1)
	c.noGuard = true
	p, err := compileChunk(s.interp, c)
	if err != nil {
		return nil, err
	}
	s.cbProg, s.cbInterp = p, s.interp
	return p, nil
}

// runCallback is cellrt.Callback: it calls the function Call runs.
func (s *Session) runCallback() {
	if fn := s.callFn; fn != nil {
		fn()
	}
}

// DescribePanic names a panic that display recovered in the cell (the
// first call of an Interact's function, whose error is shown in its
// Output widget while the cell goes on) as the cell's error would be
// named, with the cell lines it unwound through.
func (o orderedSink) DescribePanic(r any) (name, value string, traceback []string) {
	s := o.s
	// The panic unwound the function's frames on this goroutine, which
	// goes on running the cell: its trace is taken, its frame stack only
	// read (the cell's own frames are in it).
	g := getG()
	s.last = lastRun{trace: s.trace.take(g)}
	s.last.stack = s.frames.snapshot(g)
	ce := s.runtimeError(interp.Panic{Value: r})
	s.last = lastRun{}
	if ce.Name == "Exit" {
		retell(ce, "the function stopped; the cell and the session keep running")
	}
	return ce.Name, ce.Value, ce.Traceback
}

// retell replaces what an Exit error says stopped ("the cell stopped;
// the session keeps running") with what, in a callback, did.
func retell(ce *CellError, what string) {
	const cell = "the cell stopped; the session keeps running"
	ce.Value = strings.Replace(ce.Value, cell, what, 1)
	for i, l := range ce.Traceback {
		ce.Traceback[i] = strings.Replace(l, cell, what, 1)
	}
}

// resetWidgets closes the widgets made before a %reset: their callbacks
// are functions of the interpreter %reset discards, which would go on
// running the forgotten definitions (and keep that interpreter alive).
// The front end removes their views; the cell says so.
func resetWidgets(io IO) {
	if n := display.CloseWidgets(); n > 0 {
		io.Stream("stdout", fmt.Sprintf("%%reset closed the %d widget(s) shown before it: their callbacks belonged to the forgotten definitions; run their cells again to get them back\n", n))
	}
}
