package session

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/gograd/gograd/ad"
	"github.com/gograd/gograd/display"
	"github.com/gograd/gograd/kernel/symbols"
)

// IO is where a cell's output goes and where its input comes from.
type IO interface {
	// Stream receives text the cell wrote; name is "stdout" or "stderr".
	// Calls for one stream arrive in the order the text was written.
	Stream(name, text string)
	display.Sink
	// Input asks the user for one line of standard input (without the
	// newline). It returns an error when the front end does not allow
	// input.
	Input(prompt string, password bool) (string, error)
}

// Options configures a Session. The zero value is ready to use.
type Options struct {
	// RecursionLimit is the maximum depth of interpreted calls, measured
	// in calls of a small function (see the package documentation). Zero
	// means DefaultRecursionLimit.
	RecursionLimit int
	// Args is os.Args as seen by cells; nil means the process's.
	Args []string
	// IdleGCPercent, when positive, is the garbage collector's percentage
	// (see runtime/debug.SetGCPercent) between cells and during a cell's
	// first 5 ms: New sets it, and the session restores the percentage it
	// found at New once a cell has run for 5 ms (at once if the previous
	// cell ran that long), until the cell ends. A kernel that collects
	// rarely for speed while long cells run (GOGC=400) then does not keep
	// five times its live heap while it waits, nor while short cells run
	// back to back (see "Memory over a long session"). Widget callbacks
	// (Call) are treated as cells.
	IdleGCPercent int
	// ReleaseFree, when positive, makes the session return the heap's
	// free pages to the operating system once it has been idle for a
	// second after a cell that left more than ReleaseFree bytes of them
	// (see release.go). Zero leaves that to the runtime's scavenger.
	ReleaseFree int64
}

// Result is the outcome of one cell.
type Result struct {
	// Value is the execute_result bundle of the cell's last expression, or
	// nil when the cell does not end in an expression with a value.
	Value *display.Bundle
	// Err is the cell's error, or nil.
	Err *CellError
}

// CellError is a cell's failure, in the shape of Jupyter's error message.
type CellError struct {
	// Name is the kind of error: CompileError, Panic, RecursionError,
	// MemoryError, Interrupted, Exit, or the ad error kind (ShapeError, ...).
	Name string
	// Value is the error message.
	Value string
	// Traceback lists where the error happened, outermost first, with the
	// cell's own line and column and source line.
	Traceback []string
}

// Error implements error.
func (e *CellError) Error() string { return e.Name + ": " + e.Value }

// Session is one interpreter and its state across cells. Its methods may be
// called from any goroutine; cells run one at a time.
type Session struct {
	opts Options

	mu     sync.Mutex // serialises Execute, %reset and Close
	closed bool

	interp *interp.Interpreter
	// shadow is a compile-only twin of interp: each cell is compiled
	// there first, so a compile error leaves interp untouched. nil means it
	// must be rebuilt from history.
	shadow  *interp.Interpreter
	history []chunk

	imports map[string]string // import path -> name, for the session
	types   map[string]string // type name -> declaration text
	funcs   map[string]string // function name -> "cell:L" of its declaration
	methods map[string]string // "Type.Method" -> declaration text
	// renames maps a redefined type's name to its internal name;
	// typeVersions counts redefinitions; pendingRenames holds the cell's
	// new renames until it compiles.
	renames        map[string]string
	typeVersions   map[string]int
	pendingRenames map[string]string
	cells          map[string][]string
	// tstate is the type checker's view of the session (typecheck.go).
	tstate typeState
	// frames locates the statements of a runtime error (positions.go).
	frames *frameTable

	// namesMu guards the names completion and inspection read while a
	// cell may run.
	namesMu     sync.Mutex
	names       map[string]string // declared name -> kind (func, var, const, type)
	importNames map[string]string // import path -> name
	cellNo      int

	// lines numbers the lines of all cells; cellBase is the running
	// cell's base.
	lines    lineTable
	cellBase int

	stdout, stderr *forwarder
	trace          *traceWriter
	// last is what the goroutine of the program that ran last left for
	// its traceback.
	last  lastRun
	stdin *stdinReader
	cur   atomic.Pointer[ioBox]

	// stops delivers interrupts to the goroutines of a cell; gen is the
	// generation of the cell (or widget callback) running or last run.
	stops *stopper
	gen   int64
	// execMu guards execGen, the generation (cell number) of the program
	// running (0 when none), and recErr, the recursion error that stopped
	// it.
	execMu  sync.Mutex
	execGen int64
	recErr  *recursionError

	limit  atomic.Int64 // recursion limit in calls
	budget atomic.Int64 // stack bytes allowed

	// curFile and curLine locate the top-level statement running.
	curFile string
	curLine int

	// callbackGs holds the goroutines running a function a cell gave to
	// time.AfterFunc or context.AfterFunc (guardCallback): their frames
	// are kept when a cell's statement starts (execute).
	callbackGs sync.Map

	// running is set when an interrupted unit may still be running (it
	// did not stop within the wait): its temporaries are left alone.
	running bool

	// gc raises the GC percentage to the one found at New while a cell
	// runs for longer than busyAfter (gcpercent.go); nil without
	// IdleGCPercent.
	gc *gcRaise
	// release returns free heap pages once the session is idle
	// (Options.ReleaseFree); nil when not asked for.
	release *releaser

	// peakSlots is the most global frame slots the cell's chunks took
	// in the interpreter that compiled them all (see reserveSlots).
	peakSlots int

	// captured holds every name a function body, function literal, go or
	// defer statement of any cell mentions (see releaseSlots).
	captured map[string]bool

	// funcText holds each plain function's normalised declaration text;
	// sites the places of earlier cells that made function values, by
	// key; staleMethods the methods that still call an earlier definition
	// of a redefined function; taintShadow asks for the shadow to be
	// rebuilt after the cell (a recompile failed in it). See redefine.go.
	funcText map[string]string
	// untrustedVars holds the variables whose type the checker may have
	// wrong (reassign.go).
	untrustedVars map[string]bool
	sites         map[string]*site
	siteSeq       int
	staleMethods  map[string]bool
	taintShadow   bool

	result []any // values captured by the last expression
	hasRes bool
	// timing asks run to report the cell's times (%time); timeit, when
	// set, makes the cell a timed loop (%timeit).
	timing bool
	// timeLines holds the lines of a cell with a %time STATEMENT after its
	// top (magic_lines.go).
	timeLines map[int]bool
	timeit    *timeitSpec
	// rawCell is the running cell as written, for UsageError tracebacks.
	rawCell string

	// callFn is the function Call runs; cbProg is the program that calls
	// it, compiled for cbInterp.
	callFn   func()
	cbProg   *interp.Program
	cbInterp *interp.Interpreter

	// noGuard leaves cells without the recursion guard (benchmarks only).
	noGuard bool
	// testHook is compiled code that tests let a cell call.
	testHook func()
}

type ioBox struct{ io IO }

// DefaultRecursionLimit is the default maximum depth of interpreted calls.
const DefaultRecursionLimit = 50000

// maxStack is the runtime's maximum goroutine stack size set by New: below
// Go's default of 1 GB so that a runaway compiled recursion fails sooner,
// and well above the recursion guard's budget.
const maxStack = 768 << 20

var setMaxStack sync.Once

// New returns a session with a fresh interpreter in which the standard
// library, ad, display and the gonum and gonum/plot packages of package
// symbols are importable, and ad and display are already imported.
func New(opts Options) (*Session, error) {
	setMaxStack.Do(func() { debug.SetMaxStack(maxStack) })
	s := &Session{opts: opts, frames: newFrameTable(), stops: newStopper()}
	var err error
	if s.stdout, err = newForwarder("stdout", s.emit); err != nil {
		return nil, err
	}
	s.stdout.out = &coalescer{w: s.stdout.w}
	if s.stderr, err = newForwarder("stderr", s.emit); err != nil {
		s.stdout.close()
		return nil, err
	}
	s.trace = &traceWriter{registered: s.frames.registered, frames: s.frames}
	s.stops.onHalt = s.frames.halt
	s.stdin = &stdinReader{s: s}
	limit := opts.RecursionLimit
	if limit <= 0 {
		limit = DefaultRecursionLimit
	}
	s.setRecursionLimit(limit)
	if opts.IdleGCPercent > 0 {
		s.gc = &gcRaise{busy: debug.SetGCPercent(opts.IdleGCPercent), idle: opts.IdleGCPercent, after: busyAfter}
	}
	if opts.ReleaseFree > 0 {
		s.release = &releaser{threshold: uint64(opts.ReleaseFree), delay: releaseDelay, idle: &s.mu}
	}
	if err := s.reset(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// emit forwards output to the IO of the cell running, or of the last cell.
func (s *Session) emit(name, text string) {
	if b := s.cur.Load(); b != nil && b.io != nil {
		b.io.Stream(name, text)
	}
}

// reset replaces the interpreters with fresh ones.
func (s *Session) reset() error {
	i, err := s.newInterp(true)
	if err != nil {
		return err
	}
	s.interp = i
	s.shadow = nil
	s.history = nil
	s.imports = map[string]string{}
	for _, p := range preImports {
		s.imports[p.path] = p.name
	}
	s.types = map[string]string{}
	s.funcs = map[string]string{}
	s.methods = map[string]string{}
	s.renames = map[string]string{}
	s.typeVersions = map[string]int{}
	s.pendingRenames = nil
	s.namesMu.Lock()
	s.names = map[string]string{}
	s.importNames = map[string]string{}
	for p, n := range s.imports {
		s.importNames[p] = n
	}
	s.namesMu.Unlock()
	s.cells = map[string][]string{}
	s.tstate = typeState{}
	s.captured = map[string]bool{}
	s.funcText = map[string]string{}
	s.untrustedVars = map[string]bool{}
	s.sites = map[string]*site{}
	s.staleMethods = map[string]bool{}
	s.taintShadow = false
	return nil
}

type preImport struct{ name, path string }

// preImports are imported before the first cell.
var preImports = []preImport{
	{rtName, rtPath},
	{"fmt", "fmt"},
	{"math", "math"},
	{"ad", "github.com/gograd/gograd/ad"},
	{"display", "github.com/gograd/gograd/display"},
}

// newInterp builds an interpreter with every symbol table and the
// pre-imports. A live interpreter's stdio are the session's pipes; a
// shadow's go nowhere (it never runs cell code).
func (s *Session) newInterp(live bool) (*interp.Interpreter, error) {
	opts := interp.Options{Unrestricted: true, Args: s.opts.Args, Stdin: s.stdin, Stdout: s.stdout.out, Stderr: s.trace}
	if !live {
		opts.Stdout, opts.Stderr, opts.Stdin = discard{}, discard{}, strings.NewReader("")
	}
	i := interp.New(opts)
	if err := i.Use(stdlib.Symbols); err != nil {
		return nil, fmt.Errorf("session: load standard library: %w", err)
	}
	if err := i.Use(symbols.Symbols); err != nil {
		return nil, fmt.Errorf("session: load gograd symbols: %w", err)
	}
	if err := i.Use(s.overrides()); err != nil {
		return nil, fmt.Errorf("session: load overrides: %w", err)
	}
	var b strings.Builder
	b.WriteString("import (\n")
	for _, p := range preImports {
		fmt.Fprintf(&b, "\t%s %q\n", p.name, p.path)
	}
	b.WriteString(")\n")
	// Top-level code's line register (positions.go).
	b.WriteString("var " + lineReg + " int\n")
	// Imports are scoped by file name: compile them as a cell would be.
	p, err := compileChunk(i, chunk{kind: declChunk, src: "package main;" + b.String()})
	if err == nil {
		_, err = i.Execute(p)
	}
	if err == nil && live {
		p, err = compileChunk(i, makeChunk(stmtChunk, 0, rtName+".Frame(0, &"+lineReg+")", 1, 1))
		if err == nil {
			_, err = i.Execute(p)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("session: pre-import: %w", err)
	}
	forgetCompiled(i)
	return i, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Close releases the session's pipes. A running cell is not stopped.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.release.stop()
	err1 := s.stdout.close()
	err2 := s.stderr.close()
	if err1 != nil {
		return err1
	}
	return err2
}

// flush waits until everything written by the cell so far has reached IO.
func (s *Session) flush() {
	s.stdout.flush()
	s.stderr.flush()
	flushProcess()
}

// Execute runs one cell. Cancelling ctx interrupts it: interpreted loops
// stop, long ad operations stop through ad.Interrupt, and the cell fails
// with an Interrupted error; the session's state stays intact. All output
// written by the cell before Execute returns has been passed to io.
func (s *Session) Execute(ctx context.Context, code string, io IO) (res Result) {
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

	s.cellNo++
	s.newGeneration()
	file := fmt.Sprintf("cell%d", s.cellNo)
	s.timing, s.timeit, s.timeLines = false, nil, nil
	original := code
	s.rawCell = code
	code, cerr := s.specials(code, io)
	if cerr != nil {
		return Result{Err: cerr}
	}
	code = stripPackageClause(code)
	if strings.TrimSpace(code) == "" {
		return Result{}
	}
	// Tracebacks show the lines as the user wrote them, commands included.
	s.cells[file] = strings.Split(original, "\n")
	s.cellBase = s.lines.add(file, len(s.cells[file]))
	if s.timeit != nil {
		code = s.wrapTimeit(code)
	}
	return s.run(ctx, file, code)
}

// run compiles every chunk of a cell, then executes them in order.
func (s *Session) run(ctx context.Context, file, code string) Result {
	chunks, cerr := s.prepare(file, code)
	if cerr != nil {
		return Result{Err: cerr}
	}
	if cerr := s.checkTimedLines(chunks); cerr != nil {
		return Result{Err: cerr}
	}
	tc := s.typecheck(chunks)
	if tc != nil && len(tc.missing) > 0 {
		chunks = s.addImports(chunks, tc.missing)
		tc = s.typecheck(chunks)
	}
	if tc != nil && tc.selfRead != nil {
		// Before anything compiles: the interpreter would read a zero.
		return Result{Err: s.compileError(tc.selfRead)}
	}
	if tc != nil {
		for k := range chunks {
			chunks[k].fixes = tc.fixes[k]
			chunks[k].redefVars = tc.redefVars[k]
			chunks[k].varDefs = tc.defs[k]
			if tc.holds != nil {
				chunks[k].holds = tc.holds[k]
			}
			if chunks[k].result {
				chunks[k].rich = tc.rich
			}
		}
	}
	isName := func(n string) bool {
		// Only the execution goroutine writes s.names, and this runs on it.
		_, ok := s.names[n]
		return ok || (tc != nil && tc.declared[n])
	}
	for k := range chunks {
		chunks[k].frames = s.frames
		chunks[k].isName = isName
	}
	// Compile in the shadow first: a compile error must leave the live
	// interpreter untouched. Should the shadow ever fail to rebuild, cells
	// are still compiled (in the live interpreter only) rather than refused.
	checker := s.interp
	if err := s.ensureShadow(); err == nil {
		checker = s.shadow
	} else {
		io := s.cur.Load()
		if io != nil && io.io != nil {
			io.io.Stream("stderr", "gograd: "+err.Error()+"; a compile error in this cell may leave partial definitions\n")
		}
	}
	liveFrom := globalSlots(s.interp)
	chunks, progs, cerr := s.compileAll(checker, chunks)
	if checker == s.interp {
		initSlots(s.interp, liveFrom)
	}
	if cerr != nil {
		s.shadow = nil // partially compiled: rebuild before next use
		if tc != nil && len(tc.errs) > 0 {
			// The Go compiler's words, for the first error by position.
			cerr = s.compileError(cleanTypeError(tc.errs[0]))
		}
		return Result{Err: s.interpreterLimit(cerr, tc)}
	}
	if err := tc.firstTrusted(); err != nil {
		// The interpreter accepts what Go rejects here (x() on an int,
		// a missing return): the Go compiler's error, before anything
		// runs.
		s.shadow = nil
		return Result{Err: s.compileError(err)}
	}
	defer s.record(chunks)
	defer func() {
		if s.taintShadow {
			s.shadow, s.taintShadow = nil, false
		}
	}()
	made := s.commitDecls(chunks)
	s.commitTypes(tc)
	if tc != nil && len(tc.errs) == 0 && s.timeit == nil {
		if w := s.typeWarnings(tc); w != "" {
			fmt.Fprint(s.stderr.w, w)
		}
	}
	s.result, s.hasRes = nil, false
	if s.timing {
		start := startTimes()
		defer func() { fmt.Fprint(s.stdout.out, start.report()) }()
	}
	// Each chunk is compiled in the live interpreter just before it runs,
	// and the global frame slots that nothing can read after it ran are
	// released (see retain.go), so that the next chunk reuses them. The
	// frame is made long enough for the whole cell first (the shadow
	// laid it out): goroutines started by a chunk may still run while the
	// next one does.
	reserveSlots(s.interp, s.peakSlots+16)
	for k, c := range chunks {
		from, base := globalSlots(s.interp), s.interp.FileSet().Base()
		seen := map[varSlot]bool{}
		varSlots(s.interp, seen)
		p := progs[k]
		if p == nil {
			var err error
			p, err = compileChunk(s.interp, c)
			varSlots(s.interp, seen)
			forgetCompiled(s.interp)
			chunks[k].liveFile = s.interp.FileSet().File(token.Pos(base))
			if err != nil {
				// The shadow accepted it: the interpreters disagree.
				s.shadow = nil
				return Result{Err: s.interpreterLimit(s.compileError(err), tc)}
			}
			initSlots(s.interp, from)
			if !s.running {
				releaseShadowed(s.interp, seen, s.captured, c.src)
			}
		}
		s.curFile, s.curLine = c.file, c.line
		s.running = false
		timed := c.kind == stmtChunk && c.line > 0 && s.timeLines[c.line]
		var start cellTimes
		if timed {
			start = startTimes()
		}
		cerr := s.execute(ctx, p)
		if timed && cerr == nil {
			// %time STATEMENT on a later line (magic_lines.go).
			fmt.Fprint(s.stdout.out, start.report())
		}
		if !s.running && !keepsFrameSlots(c.src, s.isPackageName) {
			releaseSlots(s.interp, from, seen, s.captured)
			if c.kind == stmtChunk && !declaresCode(c.src) {
				forgetFiles(s.interp.FileSet(), base)
				chunks[k].liveFile = nil
			}
		}
		s.addSites(made[k])
		if cerr != nil {
			for _, c := range chunks[k:] {
				s.trustDefs(c.varDefs, false)
			}
			return Result{Err: cerr}
		}
		s.redefined(chunks, made, k)
		s.trustDefs(c.varDefs, true)
	}
	if !s.hasRes {
		return Result{}
	}
	return Result{Value: s.renderResult()}
}

// isPackageName reports whether name is an imported package's name.
func (s *Session) isPackageName(name string) bool {
	if name == rtName {
		return true
	}
	for _, n := range s.imports {
		if n == name {
			return true
		}
	}
	return false
}

// record adds a compiled cell's chunks to the history and drops the
// entries they replace (see compactHistory), with their files.
func (s *Session) record(chunks []chunk) {
	var gone []chunk
	s.history, gone = compactHistory(append(s.history, historyOf(chunks)...))
	for _, c := range gone {
		if c.liveFile != nil {
			s.interp.FileSet().RemoveFile(c.liveFile)
		}
		if c.shadowFile != nil && s.shadow != nil {
			s.shadow.FileSet().RemoveFile(c.shadowFile)
		}
	}
}

// compileAll compiles chunks in order in i. When the last chunk captures
// its expression but the expression has no value (a call of a function
// without results), that chunk is compiled again without capture; the
// returned chunks reflect the choice. When i is the shadow, the programs
// are nil: the live interpreter compiles each chunk when it runs it.
func (s *Session) compileAll(i *interp.Interpreter, chunks []chunk) ([]chunk, []*interp.Program, *CellError) {
	progs := make([]*interp.Program, len(chunks))
	s.peakSlots = 0
	start := globalSlots(i)
	for k := range chunks {
		from, base := globalSlots(i), i.FileSet().Base()
		p, err := compileChunk(i, chunks[k])
		if err != nil && chunks[k].result {
			chunks[k].result = false
			p, err = compileChunk(i, chunks[k])
		}
		forgetCompiled(i)
		if err != nil {
			return nil, nil, s.compileError(err)
		}
		s.peakSlots = max(s.peakSlots, globalSlots(i)-start)
		if i != s.interp {
			// Nothing runs in the shadow: release all its temporaries,
			// and the positions of its statements.
			releaseSlots(i, from, nil, nil)
			if chunks[k].kind == stmtChunk && !declaresTypes(chunks[k].src) {
				forgetFiles(i.FileSet(), base)
			} else {
				chunks[k].shadowFile = i.FileSet().File(token.Pos(base))
			}
			p = nil
		}
		progs[k] = p
	}
	return chunks, progs, nil
}

// compileChunk parses, rewrites and compiles one chunk, turning a crash of
// the rewrite or of the interpreter into an error.
func compileChunk(i *interp.Interpreter, c chunk) (p *interp.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal interpreter error while compiling: %v", r)
		}
	}()
	n, err := parseChunk(i.FileSet(), c)
	if err != nil {
		return nil, err
	}
	return compileNode(i, n)
}

// compileNode compiles a node in i, turning an interpreter crash into an
// error. yaegi reports some of its own failures with log.Panic, whose line
// ("2026/12/07 06:00:00 nil type") would reach the cell's stderr beside the
// error: the log package drops those lines while compiling.
func compileNode(i *interp.Interpreter, n ast.Node) (p *interp.Program, err error) {
	prev := log.Writer()
	log.SetOutput(yaegiLogFilter{prev})
	defer log.SetOutput(prev)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal interpreter error while compiling: %v", r)
		}
	}()
	return i.CompileAST(n)
}

// yaegiLogFilter passes log lines on, except yaegi's compile failures
// that the session reports itself as the cell's error.
type yaegiLogFilter struct{ w io.Writer }

func (f yaegiLogFilter) Write(p []byte) (int, error) {
	line := strings.TrimRight(string(p), "\n")
	if strings.HasSuffix(line, " nil type") || strings.HasSuffix(line, " nil reflect type") || strings.Contains(line, "compositeGenerator not implemented") {
		return len(p), nil
	}
	return f.w.Write(p)
}

// ensureShadow rebuilds the shadow interpreter from the history when
// needed.
func (s *Session) ensureShadow() error {
	if s.shadow != nil {
		return nil
	}
	sh, err := s.newInterp(false)
	if err != nil {
		return err
	}
	for k, c := range s.history {
		from, base := globalSlots(sh), sh.FileSet().Base()
		s.history[k].shadowFile = sh.FileSet().File(token.Pos(base))
		if _, err := compileChunk(sh, c); err != nil {
			return fmt.Errorf("session: rebuilding the compile checker: %v", err)
		}
		forgetCompiled(sh)
		releaseSlots(sh, from, nil, nil)
		if c.kind == stmtChunk && !declaresTypes(c.src) {
			forgetFiles(sh.FileSet(), base)
			s.history[k].shadowFile = nil
		}
	}
	s.shadow = sh
	return nil
}

// execute runs one compiled program under ctx. The program runs in a
// goroutine of the cell's generation; an interrupt stops that generation
// (see stopper) and never cancels the interpreter's own context.
func (s *Session) execute(ctx context.Context, p *interp.Program) *CellError {
	bound := s.stops.boundSet()
	keep := func(g unsafe.Pointer) bool {
		if bound[g] {
			return true
		}
		_, ok := s.callbackGs.Load(g)
		return ok
	}
	s.trace.reset(keep)
	s.frames.resetFrames(keep)
	s.last = lastRun{}
	type outcome struct {
		err      error
		finished bool // false when the goroutine ended by runtime.Goexit
		last     lastRun
	}
	done := make(chan outcome, 1)
	ids := make(chan int64, 1)
	gen := s.gen
	s.execMu.Lock()
	s.execGen, s.recErr = gen, nil
	s.execMu.Unlock()
	defer func() {
		s.execMu.Lock()
		s.execGen = 0
		s.execMu.Unlock()
	}()
	go func() {
		var o outcome
		defer func() { done <- o }()
		defer s.stops.bind(gen, false)()
		defer func() {
			// The goroutine's panic trace and frames, for the traceback.
			g := getG()
			o.last.trace = s.trace.take(g)
			o.last.stack, o.last.halted = s.frames.take(g)
		}()
		ids <- goroutineID()
		defer func() {
			if r := recover(); r != nil {
				o.err, o.finished = interp.Panic{Value: r, Stack: debug.Stack()}, true
			}
		}()
		// Execute, not ExecuteWithContext: cancelling the interpreter's
		// context would break every closure made before (see the package
		// documentation, "Interrupt").
		_, o.err = s.interp.Execute(p)
		o.finished = true
	}()
	var o outcome
	select {
	case o = <-done:
	case <-ctx.Done():
		// Interrupt: stop the cell's goroutines and long ad operations.
		ad.Interrupt()
		s.stdin.interrupt()
		s.stops.stop(gen)
		// A program still blocked may write its slots when it wakes:
		// they are not released (see releaseSlots).
		o, ended := awaitStop(done, <-ids)
		s.running = !ended
		return s.interrupted(o.last.halted, ended)
	}
	s.last = o.last
	if re := s.takeRecursionError(); re != nil {
		s.last.rec = re
		return s.withTrace(&CellError{Name: "RecursionError", Value: re.Error()}, re.where)
	}
	if o.err != nil {
		return s.runtimeError(o.err)
	}
	return nil
}

// lastRun is what the goroutine of a cell's program left when it ended:
// its panic trace and frames (positions.go), the frames it was running
// when an interrupt stopped it, and the recursion error that stopped it.
type lastRun struct {
	trace         panicTrace
	stack, halted []frameEnt
	rec           *recursionError
}

// interrupted is the error of an interrupted cell. Like a KeyboardInterrupt
// in IPython, its traceback shows where the cell was: the top-level
// statement and the statement of each interpreted function it was in
// (known when the cell's goroutine stopped at a check; otherwise only
// the top-level statement).
func (s *Session) interrupted(halted []frameEnt, ended bool) *CellError {
	ce := &CellError{Name: "Interrupted", Value: "the cell was interrupted"}
	// The top-level register is read only once the goroutine that writes
	// it has ended.
	top := tracedFrame{top: true}
	if ended {
		top.line = s.frames.topLine()
	}
	frames := append(s.stackFrames(halted), top)
	ce.Traceback = append(s.renderFrames(frames, 0, 0), ce.Name+": "+ce.Value)
	return ce
}

// awaitStop waits until the interrupted program's goroutine (id) has
// ended, or is waiting in an operation the interrupt cannot end (a receive
// the rewrite could not reach, sync.WaitGroup.Wait, a network read; it
// ends at its next check once the operation completes), for at most two
// seconds. It reports whether the goroutine ended.
func awaitStop[T any](done <-chan T, id int64) (T, bool) {
	var zero T
	deadline := time.After(2 * time.Second)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		select {
		case o := <-done:
			return o, true
		case <-deadline:
			return zero, false
		case <-time.After(wait):
		}
		if wait >= 16*time.Millisecond && waiting(id) {
			return zero, false
		}
	}
}

// newGeneration starts the generation of a cell or callback (see stopper).
func (s *Session) newGeneration() {
	s.gen++
	s.stops.begin(s.gen)
}

// takeRecursionError returns and clears the recursion error that stopped
// the program, if any.
func (s *Session) takeRecursionError() *recursionError {
	s.execMu.Lock()
	defer s.execMu.Unlock()
	e := s.recErr
	s.recErr = nil
	return e
}

// renderResult builds the execute_result bundle from the captured values.
func (s *Session) renderResult() *display.Bundle {
	var v any
	switch len(s.result) {
	case 0:
		return nil
	case 1:
		v = s.result[0]
	default:
		parts := make([]string, len(s.result))
		for k, x := range s.result {
			parts[k] = fmt.Sprintf("%v", x)
		}
		v = tuple(parts)
	}
	if isNil(v) {
		return nil
	}
	b, ok := display.Render(v)
	if !ok {
		return nil
	}
	return &b
}

// tuple displays several results like Go prints them.
type tuple []string

func (t tuple) String() string { return "(" + strings.Join(t, ", ") + ")" }

func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// commitDecls records the imports and types a compiled cell declared, and
// returns the sites of function values each chunk makes (see redefine.go).
func (s *Session) commitDecls(chunks []chunk) []map[string]*site {
	for t, to := range s.pendingRenames {
		s.renames[t] = to
		for k := range s.methods {
			if strings.HasPrefix(k, t+".") {
				delete(s.methods, k)
			}
		}
		for k := range s.staleMethods {
			if strings.HasPrefix(k, t+".") {
				delete(s.staleMethods, k)
			}
		}
	}
	s.pendingRenames = nil
	fset := token.NewFileSet()
	made := make([]map[string]*site, len(chunks))
	for k, c := range chunks {
		if f, err := parser.ParseFile(fset, posFile, c.src, parser.SkipObjectResolution); err == nil {
			s.recordNames(f, c.src, c.kind)
			made[k] = s.sitesOf(fset, f, c)
		}
		for _, f := range c.funcs {
			s.funcs[f[0]] = f[1]
		}
		for _, d := range c.decls {
			switch d.kind {
			case token.IMPORT:
				s.imports[d.path] = d.name
				s.namesMu.Lock()
				s.importNames[d.path] = d.name
				s.namesMu.Unlock()
			case token.TYPE:
				s.types[d.name] = d.text
			case token.FUNC:
				s.methods[d.name] = d.text
			}
		}
	}
	return made
}
