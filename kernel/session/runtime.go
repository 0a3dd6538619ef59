package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/traefik/yaegi/interp"

	"github.com/gograd/gograd/ad"
	"github.com/gograd/gograd/display"
)

// recursionError is the panic value of the recursion guard.
type recursionError struct {
	fn, where string
	depth     int
	stack     uintptr
	limit     int
	frames    []frameEnt // the recursing goroutine's frames, outermost first
	goWhere   string     // where a go statement started the goroutine, or ""
}

func (e *recursionError) Error() string {
	return fmt.Sprintf("maximum recursion depth exceeded in %s (about %d calls deep, %d MB of stack; the limit is %d calls, see %%recursion_limit)",
		e.fn, e.depth, e.stack>>20, e.limit)
}

// memoryError is the panic value of the make guard.
type memoryError struct {
	n, elem int64
	avail   int64
	where   string
}

func (e *memoryError) Error() string {
	if e.n < 0 {
		return fmt.Sprintf("make: negative size %d", e.n)
	}
	return fmt.Sprintf("make of %d elements needs %s but only %s of memory is available", e.n, fmtBytes(e.n*e.elem), fmtBytes(e.avail))
}

// exitError is the panic value of os.Exit and log.Fatal in a cell.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string {
	if e.msg != "" {
		return fmt.Sprintf("log.Fatal: %s (the cell stopped; the session keeps running)", strings.TrimSuffix(e.msg, "\n"))
	}
	return fmt.Sprintf("os.Exit(%d) called: the cell stopped; the session keeps running", e.code)
}

// setRecursionLimit sets the guard's limit in calls and its stack budget.
func (s *Session) setRecursionLimit(n int) {
	s.limit.Store(int64(n))
	b := int64(n) * int64(bytesPerCall())
	if b > maxStack*3/4 {
		b = maxStack * 3 / 4
	}
	s.budget.Store(b)
}

// stackPerCall is the Go stack one interpreted call of a small function
// takes, measured once (see calibrate).
var (
	stackPerCallOnce sync.Once
	stackPerCall     uintptr
)

func bytesPerCall() uintptr {
	stackPerCallOnce.Do(calibrate)
	return stackPerCall
}

// calibrate measures the stack an interpreted call takes by running a small
// recursion in a private interpreter.
func calibrate() {
	stackPerCall = 4096 // conservative fallback
	if !stackMeasured {
		return
	}
	var first, last uintptr
	i := interp.New(interp.Options{Stdout: discard{}, Stderr: discard{}})
	i.Use(interp.Exports{"cal/cal": {
		"Mark": reflect.ValueOf(func(d int) {
			u := stackUsed()
			switch d {
			case 1:
				first = u
			case 201:
				last = u
			}
		}),
	}})
	_, err := i.Eval(`import cal "cal"
func f(n int) int { cal.Mark(n); if n >= 201 { return n }; return f(n+1) + 1 }
var _ = f(1)`)
	if err == nil && last > first {
		stackPerCall = (last - first) / 200
	}
}

// overrides returns the symbols that replace the standard library's where
// a cell must not affect the process: os.Exit and log.Fatal stop the cell
// instead of the kernel, os.Stdin asks the front end, os.Stderr and log
// write to the cell's stderr; plus the cell runtime package.
func (s *Session) overrides() interp.Exports {
	var stdin io.Reader = s.stdin
	stdout := s.stdout.out
	stderr := s.stderr.w
	logger := log.New(stderr, "", log.LstdFlags)
	fatal := func(msg string) {
		logger.Output(3, msg)
		panic(&exitError{code: 1, msg: msg})
	}
	return interp.Exports{
		"os/os": {
			"Exit":   reflect.ValueOf(func(code int) { panic(&exitError{code: code}) }),
			"Stdin":  reflect.ValueOf(&stdin).Elem(),
			"Stdout": reflect.ValueOf(&stdout).Elem(),
			"Stderr": reflect.ValueOf(&stderr).Elem(),
		},
		"log/log": {
			"Default":   reflect.ValueOf(func() *log.Logger { return logger }),
			"Fatal":     reflect.ValueOf(func(v ...any) { fatal(fmt.Sprint(v...)) }),
			"Fatalf":    reflect.ValueOf(func(f string, v ...any) { fatal(fmt.Sprintf(f, v...)) }),
			"Fatalln":   reflect.ValueOf(func(v ...any) { fatal(fmt.Sprintln(v...)) }),
			"Flags":     reflect.ValueOf(logger.Flags),
			"Output":    reflect.ValueOf(logger.Output),
			"Panic":     reflect.ValueOf(logger.Panic),
			"Panicf":    reflect.ValueOf(logger.Panicf),
			"Panicln":   reflect.ValueOf(logger.Panicln),
			"Prefix":    reflect.ValueOf(logger.Prefix),
			"Print":     reflect.ValueOf(logger.Print),
			"Printf":    reflect.ValueOf(logger.Printf),
			"Println":   reflect.ValueOf(logger.Println),
			"SetFlags":  reflect.ValueOf(logger.SetFlags),
			"SetOutput": reflect.ValueOf(logger.SetOutput),
			"SetPrefix": reflect.ValueOf(logger.SetPrefix),
			"Writer":    reflect.ValueOf(logger.Writer),
		},
		"time/time": {
			"Sleep":     reflect.ValueOf(s.sleep),
			"AfterFunc": reflect.ValueOf(s.afterFunc),
		},
		"context/context": {
			"AfterFunc": reflect.ValueOf(s.callAfter),
		},
		rtPath + "/cellrt": {
			"Result":   reflect.ValueOf(s.captureResult),
			"Enter":    reflect.ValueOf(s.enter),
			"Deep":     reflect.ValueOf(s.deep),
			"Stop":     reflect.ValueOf(&s.stops.flag),
			"Stopping": reflect.ValueOf(s.stopping),
			"Halt":     reflect.ValueOf(s.stops.halt),
			"Spawn":    reflect.ValueOf(s.stops.spawn),
			"Done":     reflect.ValueOf(s.stops.done),
			"Recv":     reflect.ValueOf(s.recv),
			"Drop":     reflect.ValueOf(s.drop),
			"Send":     reflect.ValueOf(s.send),
			"Bind":     reflect.ValueOf(s.bindGo),
			"MakeLen":  reflect.ValueOf(makeLen),
			"Index":    reflect.ValueOf(panicIndex),
			"Slice":    reflect.ValueOf(panicSlice),
			"GoPanic":  reflect.ValueOf(s.goPanic),
			"Timeit":   reflect.ValueOf(s.timeitRun),
			"Discard":  reflect.ValueOf(func(...any) {}),
			"Callback": reflect.ValueOf(s.runCallback),
			"Frame":    reflect.ValueOf(s.frames.frame),
			"DeepAt": reflect.ValueOf(func(id int, reg *int) bool {
				s.frames.frame(id, reg)
				return s.deep()
			}),
			"TestHook": reflect.ValueOf(func() {
				if s.testHook != nil {
					s.testHook()
				}
			}),
		},
	}
}

// bindGo is __gograd.Bind, called first by a goroutine a go statement
// (at where, "cellN:line") started: it binds the goroutine to its cell's
// generation (stopper.bind) and starts its traceback state afresh (a goroutine's runtime g is reused
// by later goroutines); the function it returns undoes both.
func (s *Session) bindGo(n int64, where string) func() {
	g := getG()
	s.frames.drop(g)
	s.frames.started(g, where)
	s.trace.take(g)
	undo := s.stops.bind(n, true)
	return func() {
		s.frames.drop(g)
		s.trace.take(g)
		undo()
	}
}

// sleep is time.Sleep for cells: an interrupt of the calling goroutine's
// cell ends it and the goroutine, so that an interrupted cell stops at
// once instead of finishing its nap.
func (s *Session) sleep(d time.Duration) {
	if d <= 0 {
		s.stops.halt()
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.stops.done():
		s.stops.halt()
	}
}

// captureResult receives the values of the cell's last expression.
func (s *Session) captureResult(vs ...any) {
	s.result, s.hasRes = vs, true
}

// deep reports whether the calling goroutine's stack exceeds the budget or
// a cell is being stopped; every interpreted function calls it first, and
// calls enter when it is.
func (s *Session) deep() bool {
	return atomic.LoadUint32(&s.stops.flag) != 0 || (stackMeasured && int64(stackUsed()) > s.budget.Load())
}

// stopping reports whether a cell is being stopped: the loop check of the
// race-detector build (see loopCheck).
func (s *Session) stopping() bool { return atomic.LoadUint32(&s.stops.flag) != 0 }

// enter is the recursion guard called at the start of every interpreted
// function when deep reports true. A goroutine of a stopped cell ends
// here. When the calling goroutine's stack exceeds the budget, a goroutine
// of the running cell records a recursionError, stops the cell's other
// goroutines and ends (by runtime.Goexit: a panic would also work, but the
// interpreter recovers and re-raises it in every frame, and Go's cost for
// such a chain grows with the square of the depth: minutes for 20 000
// frames); a goroutine left running by an earlier cell reports the error
// on stderr and ends.
func (s *Session) enter(fn, where string) {
	s.stops.halt()
	if !stackMeasured {
		return
	}
	used := stackUsed()
	if int64(used) <= s.budget.Load() {
		return
	}
	e := &recursionError{fn: fn, where: where, depth: int(used / bytesPerCall()), stack: used, limit: int(s.limit.Load())}
	e.goWhere = s.frames.startedAt(getG())
	e.frames, _ = s.frames.take(getG())
	mine := s.stops.current()
	s.execMu.Lock()
	running := s.execGen
	if running != 0 && running == mine && s.recErr == nil {
		s.recErr = e
	}
	s.execMu.Unlock()
	if running != 0 && running == mine {
		s.stops.stop(running)
		runtime.Goexit()
	}
	// The goroutine's frames, innermost last, as a cell's traceback.
	tb := []string{"RecursionError in a background goroutine; the goroutine stopped"}
	if e.goWhere != "" {
		file, line := s.splitWhere(e.goWhere)
		tb = s.withSource(append(tb, "goroutine started at "+s.location(file, line, 0)), file, line)
	}
	tb = append(tb, s.renderFrames(s.stackFrames(e.frames), 0, 0)...)
	if len(e.frames) == 0 {
		file, line := s.splitWhere(where)
		tb = s.withSource(append(tb, s.location(file, line, 0)), file, line)
	}
	fmt.Fprintln(s.stderr.w, strings.Join(append(tb, "RecursionError: "+e.Error()), "\n"))
	runtime.Goexit()
}

// makeLen checks a length or capacity given to make and returns it as an
// int, or panics with a memoryError when it cannot fit.
func makeLen(n any, elem int, where string) int {
	var v int64
	switch x := n.(type) {
	case int:
		v = int64(x)
	case int8:
		v = int64(x)
	case int16:
		v = int64(x)
	case int32:
		v = int64(x)
	case int64:
		v = x
	case uint:
		v = clampU(uint64(x))
	case uint8:
		v = int64(x)
	case uint16:
		v = int64(x)
	case uint32:
		v = int64(x)
	case uint64:
		v = clampU(x)
	case uintptr:
		v = clampU(uint64(x))
	case float64: // an untyped constant such as 1e9
		v = int64(x)
	default:
		panic(fmt.Sprintf("make: size of type %T", n))
	}
	if v < 0 {
		panic(&memoryError{n: v, where: where})
	}
	if v > 1<<20 {
		avail := ad.AvailableMemory()
		if avail < 0 { // unknown outside Linux
			avail = 8 << 30
		}
		if need := v * int64(max(elem, 1)); v > (1<<62)/int64(max(elem, 1)) || need > avail {
			panic(&memoryError{n: v, elem: int64(max(elem, 1)), avail: avail, where: where})
		}
	}
	return int(v)
}

func clampU(x uint64) int64 {
	if x > 1<<62 {
		return 1 << 62
	}
	return int64(x)
}

// goPanic reports a panic of a goroutine started by a cell on the stderr of
// the cell running (or that last ran), as a traceback like a cell's: where
// the goroutine was started, then the statement each interpreted frame of
// the goroutine was running, innermost last, then the error. It runs on
// the panicking goroutine, in the deferred function of the go statement's
// wrapper, after the interpreter wrote the trace of the inner frames.
func (s *Session) goPanic(r any, where string) {
	g := getG()
	pt := s.trace.take(g)
	stack, _ := s.frames.take(g)
	file, line := s.splitWhere(where)
	var tb []string
	if re, ok := r.(*recursionError); ok {
		tb = append(s.withSource([]string{"RecursionError in goroutine started at " + s.location(file, line, 0)}, file, line),
			"RecursionError: "+re.Error())
		fmt.Fprintln(s.stderr.w, strings.Join(tb, "\n"))
		return
	}
	s.reportPanic(r, pt, stack, s.withSource([]string{"panic in goroutine started at " + s.location(file, line, 0)}, file, line))
}

// reportPanic writes a goroutine's panic r on the cell's stderr: head,
// then the statement of each interpreted frame it went through (from its
// trace pt and frames), innermost last, then the error.
func (s *Session) reportPanic(r any, pt panicTrace, stack []frameEnt, head []string) {
	name, value, _ := s.classify(r)
	if name == "Exit" {
		// The goroutine stopped, not the cell.
		value = strings.Replace(value, "the cell stopped", "the goroutine stopped", 1)
	}
	tb := append(head, s.renderFrames(s.framesOf(pt, stack), pt.dropped, len(pt.head))...)
	tb = append(tb, name+": "+value)
	fmt.Fprintln(s.stderr.w, strings.Join(tb, "\n"))
}

// afterFunc is time.AfterFunc for cells, and callAfter context.AfterFunc:
// they call f in a goroutine of the runtime's, where a panic (or os.Exit)
// would end the process. Here it is recovered and reported on the cell's
// stderr like a go statement's, with the line that passed f.
func (s *Session) afterFunc(d time.Duration, f func()) *time.Timer {
	return time.AfterFunc(d, s.guardCallback("time.AfterFunc", f))
}

func (s *Session) callAfter(ctx context.Context, f func()) func() bool {
	return context.AfterFunc(ctx, s.guardCallback("context.AfterFunc", f))
}

// guardCallback returns f, run with its panic recovered and reported as
// the panic of a function given to fn at the calling statement's line.
func (s *Session) guardCallback(fn string, f func()) func() {
	file, line := s.lines.lookup(s.frames.currentLine(getG()))
	return func() {
		g := getG()
		// A goroutine's runtime g is reused: start its traceback state
		// afresh, and keep it while f runs, even when a cell's next
		// statement starts meanwhile (execute forgets the frames of
		// goroutines it does not know of).
		s.frames.drop(g)
		s.trace.take(g)
		s.callbackGs.Store(g, struct{}{})
		defer func() {
			r := recover()
			pt := s.trace.take(g)
			stack, _ := s.frames.take(g)
			s.frames.drop(g)
			s.callbackGs.Delete(g)
			if r == nil {
				return
			}
			head := []string{"panic in the function given to " + fn}
			if line > 0 {
				head = s.withSource([]string{head[0] + " at " + s.location(file, line, 0)}, file, line)
			}
			s.reportPanic(r, pt, stack, head)
		}()
		f()
	}
}

func fmtBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// traceWriter collects the interpreter's panic trace lines ("cell3:2:5:
// panic: main.f(...)"), per goroutine (yaegi writes them on the panicking
// goroutine as the panic unwinds each interpreted frame), keeping the
// innermost and outermost ones.
type traceWriter struct {
	mu sync.Mutex
	// registered tells whether a line names a frame with a line register
	// (frameTable.registered).
	registered func(string) bool
	// frames, when set, tells a new panic from the rest of a recovered one.
	frames *frameTable
	byG    map[unsafe.Pointer]*panicTrace
}

// panicTrace is the trace of one goroutine's panic.
type panicTrace struct {
	partial []byte
	head    []string // the innermost lines, innermost first
	tail    []string // the outermost ones, innermost first
	dropped int      // lines left out between head and tail
	regs    int      // lines naming frames with a line register, in all
	frames  int      // the goroutine's frames at the last line written
}

const traceKeep = 8

func (t *traceWriter) Write(p []byte) (int, error) {
	g := getG()
	low, n := 0, 0
	if t.frames != nil {
		low, n = t.frames.watermark(g)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.byG == nil {
		t.byG = map[unsafe.Pointer]*panicTrace{}
	}
	pt := t.byG[g]
	if pt == nil || low < pt.frames {
		// The goroutine returned from frames it held at the last line
		// (frameTable.watermark): a new panic, the earlier one having
		// been recovered.
		pt = &panicTrace{}
		t.byG[g] = pt
	}
	pt.frames = n
	pt.partial = append(pt.partial, p...)
	for {
		i := strings.IndexByte(string(pt.partial), '\n')
		if i < 0 {
			break
		}
		line := string(pt.partial[:i])
		pt.partial = pt.partial[i+1:]
		if t.registered != nil && t.registered(line) {
			pt.regs++
		}
		if len(pt.head) < traceKeep {
			pt.head = append(pt.head, line)
			continue
		}
		pt.tail = append(pt.tail, line)
		if len(pt.tail) > traceKeep {
			pt.tail = pt.tail[1:]
			pt.dropped++
		}
	}
	return len(p), nil
}

// reset forgets the traces of goroutines not in keep.
func (t *traceWriter) reset(keep func(unsafe.Pointer) bool) {
	t.mu.Lock()
	for g := range t.byG {
		if !keep(g) {
			delete(t.byG, g)
		}
	}
	t.mu.Unlock()
}

// take removes and returns goroutine g's trace.
func (t *traceWriter) take(g unsafe.Pointer) panicTrace {
	t.mu.Lock()
	defer t.mu.Unlock()
	pt := t.byG[g]
	delete(t.byG, g)
	if pt == nil {
		return panicTrace{}
	}
	return *pt
}

var posRE = regexp.MustCompile(`^cell:(\d+):(\d+): (.*)$`)

// parsePos decodes an interpreter message "cell:L:C: text" into the cell's
// file name ("cellN"), line, column and text.
func (s *Session) parsePos(msg string) (file string, line, col int, text string, ok bool) {
	m := posRE.FindStringSubmatch(msg)
	if m == nil {
		return "", 0, 0, "", false
	}
	big, _ := strconv.Atoi(m[1])
	col, _ = strconv.Atoi(m[2])
	file, line = s.lines.lookup(big)
	return file, line, col, m[3], true
}

// location formats a cell position for tracebacks.
func (s *Session) location(file string, line, col int) string {
	n := strings.TrimPrefix(file, "cell")
	if col > 0 {
		return fmt.Sprintf("cell %s, line %d, column %d", n, line, col)
	}
	return fmt.Sprintf("cell %s, line %d", n, line)
}

// sourceLine returns the given line of a cell, indented, or "".
func (s *Session) sourceLine(file string, line int) string {
	lines := s.cells[file]
	if line < 1 || line > len(lines) {
		return ""
	}
	return "    " + strings.TrimRight(lines[line-1], " \t\r")
}

// splitWhere decodes a guard's "cell:L" into the cell's file name and line.
func (s *Session) splitWhere(where string) (string, int) {
	i := strings.LastIndexByte(where, ':')
	if i < 0 {
		return where, 0
	}
	n, _ := strconv.Atoi(where[i+1:])
	return s.lines.lookup(n)
}

// compileError turns a parse or compile error into a CellError.
func (s *Session) compileError(err error) *CellError {
	lines := strings.Split(err.Error(), "\n")
	first := s.unrename(lines[0])
	ce := &CellError{Name: "CompileError", Value: first}
	// The type checker's details (have/want of a call) follow indented.
	var detail string
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "\t") {
			break
		}
		detail += "\n" + s.unrename(l)
	}
	if file, line, col, msg, ok := s.parsePos(first); ok {
		msg += detail
		if i := strings.Index(msg, " (and "); i >= 0 && strings.HasSuffix(msg, "more errors)") {
			msg = msg[:i]
		}
		if msg == "constant definition loop" {
			// yaegi's message for an undefined name on the right of a
			// package-level :=.
			msg += " (the interpreter's message: look for an undefined name in this statement)"
		}
		if msg == "variable definition loop" {
			// What varinit.go could not move (var a, b = m[k]).
			msg = "the interpreter cannot initialise this package-level variable from a variable of an earlier cell or statement (its message: variable definition loop); write name := value, or declare var name T and assign it"
		}
		ce.Value = msg
		ce.Traceback = append(ce.Traceback, s.location(file, line, col))
		if src := s.sourceLine(file, line); src != "" {
			ce.Traceback = append(ce.Traceback, src, "    "+caret(s.cells[file][line-1], col))
		}
	}
	ce.Traceback = append(ce.Traceback, ce.Name+": "+ce.Value)
	return ce
}

// unrename writes the internal names of redefined types (T_v2) in msg as
// the user wrote them.
func (s *Session) unrename(msg string) string {
	for t, to := range s.renames {
		msg = strings.ReplaceAll(msg, to, t)
	}
	for t, to := range s.pendingRenames {
		msg = strings.ReplaceAll(msg, to, t)
	}
	return msg
}

// caret returns spaces and a ^ under column col (1-based, in bytes) of src,
// keeping tabs so that it lines up.
func caret(src string, col int) string {
	var b strings.Builder
	for i := 0; i < col-1 && i < len(src); i++ {
		if src[i] == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('^')
	return b.String()
}

// runtimeError turns the error of an executed program into a CellError.
func (s *Session) runtimeError(err error) *CellError {
	var p interp.Panic
	if !errors.As(err, &p) {
		if strings.HasSuffix(err.Error(), ": variable definition loop") {
			// yaegi orders a unit's package-level initialisers when it
			// runs the unit (see varinit.go): nothing of the chunk ran.
			return s.compileError(err)
		}
		return s.withTrace(&CellError{Name: "Error", Value: err.Error()}, "")
	}
	name, value, where := s.classify(p.Value)
	return s.withTrace(&CellError{Name: name, Value: value}, where)
}

// classify names the kind of a panic value and says it in Go's words;
// where is the guard's "cellN:line" for the guards' errors.
func (s *Session) classify(v any) (name, value, where string) {
	name, value = "Panic", s.unrename(fmt.Sprint(v))
	if e, ok := v.(error); ok {
		// yaegi's own runtime errors start with its position ("cell:2:6:
		// interface conversion: …"): the traceback says where.
		if m := posRE.FindStringSubmatch(e.Error()); m != nil {
			value = s.unrename(m[3])
			if strings.HasPrefix(m[3], "interface conversion: ") {
				name = "RuntimeError"
			}
			return name, value, ""
		}
	}
	switch x := v.(type) {
	case *recursionError:
		return "RecursionError", x.Error(), x.where
	case *memoryError:
		return "MemoryError", x.Error(), x.where
	case *exitError:
		name, value = "Exit", x.Error()
	case runtime.Error:
		name = "RuntimeError"
	case *reflect.ValueError:
		// The interpreter reaches fields and elements through reflect: a
		// zero Value there is a nil pointer.
		name, value = "RuntimeError", "runtime error: invalid memory address or nil pointer dereference"
	case string:
		// The interpreter performs indexing, slicing and map writes
		// through reflect, whose panics are strings: report them as the
		// runtime would (without the values: see bounds.go).
		switch {
		case strings.HasPrefix(x, "reflect: ") && strings.HasSuffix(x, " index out of range"):
			name, value = "RuntimeError", "runtime error: index out of range"
		case strings.HasPrefix(x, "reflect.Value.Slice") && strings.HasSuffix(x, "index out of bounds"):
			name, value = "RuntimeError", "runtime error: slice bounds out of range"
		case strings.HasPrefix(x, "reflect: "):
			name, value = "RuntimeError", "runtime error: "+strings.TrimPrefix(x, "reflect: ")
		}
	case error:
		name, value = errorKind(x), x.Error()
	}
	return name, value, ""
}

// errorKind names an error's kind for CellError.Name.
func errorKind(err error) string {
	kinds := []struct {
		err  error
		name string
	}{
		{ad.ErrMemory, "MemoryError"},
		{ad.ErrInterrupted, "Interrupted"},
		{ad.ErrShape, "ShapeError"},
		{ad.ErrAxis, "AxisError"},
		{ad.ErrIndex, "IndexError"},
		{ad.ErrArgument, "ArgumentError"},
		{ad.ErrNil, "NilError"},
		{ad.ErrNonScalar, "NonScalarError"},
		{ad.ErrNotInput, "NotInputError"},
		{ad.ErrSingular, "SingularMatrixError"},
		{ad.ErrGradCheck, "GradCheckError"},
		{ad.ErrReleased, "ReleasedError"},
	}
	for _, k := range kinds {
		if errors.Is(err, k.err) {
			return k.name
		}
	}
	var ae *ad.Error
	if errors.As(err, &ae) {
		return "ad.Error"
	}
	// display's programmer errors (an Interact whose function does not
	// fit its controls, a bad slider range) by their package's name.
	var de *display.Error
	if errors.As(err, &de) {
		return "display.Error"
	}
	return "Panic"
}

// withTrace fills the traceback from the interpreter's panic trace of the
// goroutine that ran the cell's program and its frames (s.last), or from a
// recursion error's frames, and from where (a guard's "cellN:line") when
// given.
func (s *Session) withTrace(ce *CellError, where string) *CellError {
	last := s.last
	// Innermost first; each frame names the statement it was running
	// (positions.go).
	frames := s.framesOf(last.trace, last.stack)
	dropped, head := last.trace.dropped, len(last.trace.head)
	var started []string
	if re := last.rec; re != nil {
		frames, dropped, head = s.stackFrames(re.frames), 0, 0
		if re.goWhere != "" {
			// A goroutine of the cell: where it was started, after the
			// cell's own frame.
			file, line := s.splitWhere(re.goWhere)
			started = s.withSource([]string{"in goroutine started at " + s.location(file, line, 0)}, file, line)
		}
	}
	// yaegi does not always report the frame of top-level code (a
	// definition's initialiser): it is the outermost frame.
	if !slices.ContainsFunc(frames, func(f tracedFrame) bool { return f.top }) {
		if top := (tracedFrame{top: true, line: s.frames.topLine()}); top.line > 0 || s.curLine > 0 {
			frames = append(frames, top)
		}
	}
	var tb []string
	if len(started) > 0 && len(frames) > 0 && frames[len(frames)-1].top {
		tb = append(append(s.renderFrames(frames[len(frames)-1:], 0, 0), started...), s.renderFrames(frames[:len(frames)-1], 0, 0)...)
	} else {
		tb = append(started, s.renderFrames(frames, dropped, head)...)
	}
	if where != "" {
		file, line := s.splitWhere(where)
		loc := s.location(file, line, 0)
		dup := false
		for _, l := range tb {
			if strings.HasPrefix(l, loc+",") || l == loc {
				dup = true
			}
		}
		if !dup {
			tb = append(tb, loc)
			if src := s.sourceLine(file, line); src != "" {
				tb = append(tb, src)
			}
		}
	}
	ce.Traceback = append(tb, ce.Name+": "+ce.Value)
	return ce
}

// renderFrames formats frames (innermost first, with dropped frames left
// out after the first head ones) outermost first, as Python does: a frame
// repeated more than three times in a row (recursion) is shown three times
// and then counted.
func (s *Session) renderFrames(frames []tracedFrame, dropped, head int) []string {
	var tb, prev []string
	run, repeats := 0, 0
	flush := func() {
		if repeats > 0 {
			tb = append(tb, fmt.Sprintf("  [previous frame repeated %d more times]", repeats))
			repeats = 0
		}
	}
	for k := len(frames) - 1; k >= 0; k-- {
		if dropped > 0 && k == head-1 {
			flush()
			tb = append(tb, fmt.Sprintf("... %d more frames ...", dropped))
			prev, run = nil, 0
		}
		r := s.render(frames[k])
		if len(r) > 0 && slices.Equal(r, prev) {
			run++
		} else {
			flush()
			prev, run = r, 1
		}
		if run > 3 {
			repeats++
			continue
		}
		tb = append(tb, r...)
	}
	flush()
	return tb
}

// executing reports whether a goroutine is still running a program of i.
// It looks for the interpreter's Execute frame in a dump of all goroutine
// stacks; it is only used after an interrupt.
func executing(i *interp.Interpreter) bool {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	return strings.Contains(string(buf), fmt.Sprintf("interp.(*Interpreter).Execute(%p", i))
}
