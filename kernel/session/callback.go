package session

import (
	"context"

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
		for i, l := range cerr.Traceback {
			if l == "in the cell's top-level code" {
				cerr.Traceback[i] = "in a widget callback"
			}
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
