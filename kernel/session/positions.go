package session

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// Runtime errors name the statement that failed, in every interpreted
// frame, from positions the session records itself: yaegi v0.16.1
// reports, for each frame a panic goes through, the position where the
// function's code starts, not the statement running (smallest cell:
// func f(xs []int) int {\n\ty := 1\n\treturn xs[5] + y\n} then f(nil):
// yaegi says line 1).
//
// Every interpreted function (declared or literal) gets a local line
// register: its body starts with `var __gograd_ln int;
// __gograd.Frame(id, &__gograd_ln)`, and every statement in it, at any
// depth of blocks but not inside nested function literals (which have
// their own), is preceded by `__gograd_ln = L`, L the statement's line.
// Frame pushes the register's address on a stack of the calling goroutine,
// with the stack depth of the call: the entries recorded at the same or a
// greater depth belong to frames that have returned, and are dropped then.
// When a panic has unwound, the trace yaegi wrote for the goroutine (its
// frames innermost first, named with the function's start position) and
// that stack give each frame's line: the frames with registers the panic
// went through are the first ones of the stack, in order (returned frames
// can only lie above them). Top-level code uses a package-level register
// of the same name, registered once. Leaf functions (leaf.go) are left
// alone: their frames name their declaration line, or their only
// statement. The same stack gives a RecursionError's frames and, when an
// interrupt stops the cell's goroutine at a check, where it was. It also
// tells a new panic's trace lines from those of an earlier one that a
// deferred function recovered in the same goroutine (which yaegi wrote
// too): a goroutine that went on after a recovered panic has returned from
// frames it held at the last line (see watermark).
//
// The cost is one assignment per statement executed and one call of a
// compiled function per call of an interpreted function (see
// BenchmarkCallGuarded).

// lineReg is the name of the line registers.
const lineReg = "__gograd_ln"

// frameSlack is how many bytes of stack two calls of Frame from frames at
// the same depth may differ by (they come through Frame or DeepAt, from a
// statement or a condition); a call one interpreted frame deeper uses some
// 500 bytes more (see bytesPerCall).
const frameSlack = 160

// frameTable maps functions to their registers, and keeps, per goroutine,
// the registers of the interpreted frames it is running.
type frameTable struct {
	mu sync.Mutex
	// top is top-level code's register (function id 0).
	top *int
	// stacks holds, per goroutine (its runtime g), the frames that called
	// Frame, outermost first: a frame is pushed when it starts, and the
	// frames recorded at the same or a greater depth, which have returned,
	// are dropped then. Frames that returned without a later call at
	// their depth stay on top ("stale") until one comes.
	stacks map[unsafe.Pointer]*gstack
	// halted holds, per goroutine, its live frames when it was stopped by
	// an interrupt (see halt).
	halted map[unsafe.Pointer][]frameEnt
	// goWhere holds where a go statement started each goroutine it did
	// ("cellN:line").
	goWhere map[unsafe.Pointer]string
	// at maps a function's start positions (line and column in the
	// global line numbering; column 0 for the line alone) to its id; info
	// describes each id.
	at   map[linePos]int
	info map[int]funcInfo
}

// gstack is a goroutine's frames.
type gstack struct {
	ents []frameEnt
	// low is the fewest frames the stack held since the interpreter last
	// wrote a panic trace line on the goroutine (see watermark).
	low int
}

// frameEnt is one frame of an instrumented function.
type frameEnt struct {
	depth uintptr // stack in use when it called Frame
	id    int
	reg   *int
}

// linePos is a position in the global line numbering.
type linePos struct{ line, col int }

// funcInfo describes an instrumented function for tracebacks.
type funcInfo struct {
	name string // "f", "T.M" or "func literal"
	line int    // the line of its declaration, global numbering
	// only is the line of its only statement, or 0.
	only int
	// regs tells that the function has a line register (its frames call
	// Frame).
	regs bool
}

func newFrameTable() *frameTable {
	return &frameTable{stacks: map[unsafe.Pointer]*gstack{}, goWhere: map[unsafe.Pointer]string{}, halted: map[unsafe.Pointer][]frameEnt{},
		at: map[linePos]int{}, info: map[int]funcInfo{}}
}

// frame is __gograd.Frame: it records that a frame of function id started,
// with its line register at reg, on the calling goroutine.
//
//go:noinline
func (t *frameTable) frame(id int, reg *int) {
	d := stackUsed()
	g := getG()
	t.mu.Lock()
	if id == 0 {
		t.top = reg
		t.mu.Unlock()
		return
	}
	gs := t.stacks[g]
	if gs == nil {
		gs = &gstack{}
		t.stacks[g] = gs
	}
	st := gs.ents
	for len(st) > 0 && st[len(st)-1].depth+frameSlack >= d {
		st = st[:len(st)-1]
	}
	gs.low = min(gs.low, len(st))
	gs.ents = append(st, frameEnt{depth: d, id: id, reg: reg})
	t.mu.Unlock()
}

// halt records the calling goroutine's live frames, when an interrupt
// stops it: the frames recorded deeper than the caller have returned.
func (t *frameTable) halt() {
	d := stackUsed()
	g := getG()
	t.mu.Lock()
	var st []frameEnt
	if gs := t.stacks[g]; gs != nil {
		st = gs.ents
	}
	for len(st) > 0 && st[len(st)-1].depth > d+frameSlack {
		st = st[:len(st)-1]
	}
	t.halted[g] = append([]frameEnt(nil), st...)
	t.mu.Unlock()
}

// take removes and returns goroutine g's frames, and those recorded when
// it was halted.
func (t *frameTable) take(g unsafe.Pointer) (stack, halted []frameEnt) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if gs := t.stacks[g]; gs != nil {
		stack = gs.ents
	}
	halted = t.halted[g]
	delete(t.stacks, g)
	delete(t.halted, g)
	return stack, halted
}

// watermark returns the fewest frames goroutine g's stack held since the
// last call, and how many it holds now. The panic trace writer calls it
// for each line: a panic's lines are written as it unwinds, while the
// stack keeps its frames (a deferred call's frames go above them); fewer
// frames than at the last line mean that the goroutine went on after a
// recovered panic, whose lines are then stale.
func (t *frameTable) watermark(g unsafe.Pointer) (low, n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	gs := t.stacks[g]
	if gs == nil {
		return 0, 0
	}
	low, n = gs.low, len(gs.ents)
	gs.low = n
	return low, n
}

// currentLine returns the line (global numbering) goroutine g is running:
// its innermost interpreted frame's, or top-level code's, or 0.
func (t *frameTable) currentLine(g unsafe.Pointer) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if gs := t.stacks[g]; gs != nil && len(gs.ents) > 0 {
		if l := *gs.ents[len(gs.ents)-1].reg; l > 0 {
			return l
		}
	}
	if t.top != nil {
		return *t.top
	}
	return 0
}

// snapshot returns a copy of goroutine g's frames.
func (t *frameTable) snapshot(g unsafe.Pointer) []frameEnt {
	t.mu.Lock()
	defer t.mu.Unlock()
	if gs := t.stacks[g]; gs != nil {
		return append([]frameEnt(nil), gs.ents...)
	}
	return nil
}

// drop forgets goroutine g's frames and where it was started.
func (t *frameTable) drop(g unsafe.Pointer) {
	t.mu.Lock()
	delete(t.stacks, g)
	delete(t.halted, g)
	delete(t.goWhere, g)
	t.mu.Unlock()
}

// started records that a go statement at where started goroutine g.
func (t *frameTable) started(g unsafe.Pointer, where string) {
	t.mu.Lock()
	t.goWhere[g] = where
	t.mu.Unlock()
}

// startedAt returns where goroutine g was started, or "".
func (t *frameTable) startedAt(g unsafe.Pointer) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.goWhere[g]
}

// resetFrames clears top-level code's register, and forgets the frames of
// goroutines that are not in keep (goroutines that ended without saying
// so: those started by compiled code).
func (t *frameTable) resetFrames(keep func(unsafe.Pointer) bool) {
	t.mu.Lock()
	if t.top != nil {
		*t.top = 0
	}
	for g := range t.stacks {
		if !keep(g) {
			delete(t.stacks, g)
		}
	}
	for g := range t.halted {
		if !keep(g) {
			delete(t.halted, g)
		}
	}
	for g := range t.goWhere {
		if !keep(g) {
			delete(t.goWhere, g)
		}
	}
	t.mu.Unlock()
}

// topLine returns the line top-level code is running, or 0.
func (t *frameTable) topLine() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.top == nil {
		return 0
	}
	return *t.top
}

// lookup finds the function yaegi reports at a position of the global
// numbering.
func (t *frameTable) lookup(line, col int) (int, funcInfo, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	id, ok := t.at[linePos{line, col}]
	if !ok {
		id, ok = t.at[linePos{line, 0}]
	}
	return id, t.info[id], ok
}

// infoOf describes function id.
func (t *frameTable) infoOf(id int) funcInfo {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.info[id]
}

// registered reports whether a trace line ("cell:L:C: panic: main.f(...)")
// names a frame of a function with a line register.
func (t *frameTable) registered(traceLine string) bool {
	m := posRE.FindStringSubmatch(traceLine)
	if m == nil {
		return false
	}
	fn := strings.TrimPrefix(strings.TrimSuffix(strings.TrimPrefix(m[3], "panic: "), "(...)"), "main.")
	if fn == "main" {
		return false
	}
	big, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	_, info, ok := t.lookup(big, col)
	return ok && info.regs
}

// instrument adds the line registers to every function of a parsed chunk
// and to its top-level code (body is the statement wrapper's body, nil for
// declarations). leaves holds the body offsets of leaf functions, which
// are left alone.
func (t *frameTable) instrument(fset *token.FileSet, f *ast.File, body *ast.BlockStmt, leaves map[int]bool) {
	if body != nil {
		lines(fset, body)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		var b *ast.BlockStmt
		var name string
		var starts []token.Pos
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Body == nil || n.Name.Name == stmtWrapper {
				return true
			}
			b, name = n.Body, n.Name.Name
			if n.Recv != nil && len(n.Recv.List) > 0 {
				name = recvTypeName(n.Recv.List[0].Type) + "." + name
			}
			starts = []token.Pos{n.Pos(), n.Body.Lbrace}
		case *ast.FuncLit:
			b, name = n.Body, "func literal"
			starts = []token.Pos{n.Pos(), n.Body.Lbrace}
		default:
			return true
		}
		p := fset.Position(starts[0])
		info := funcInfo{name: name, line: p.Line}
		if len(b.List) == 1 && simpleStmt(b.List[0]) {
			info.only = fset.Position(b.List[0].Pos()).Line
		}
		// The id derives from the position, so that compiling the chunk
		// again (in the compile checker, or when it is rebuilt) gives the
		// same one.
		id := p.Line<<16 | p.Column
		t.mu.Lock()
		t.info[id] = info
		for _, s := range starts {
			sp := fset.Position(s)
			t.at[linePos{sp.Line, sp.Column}] = id
			if _, ok := t.at[linePos{sp.Line, 0}]; !ok {
				t.at[linePos{sp.Line, 0}] = id
			}
		}
		t.mu.Unlock()
		if info.only > 0 && leaves[fset.File(b.Lbrace).Offset(b.Lbrace)] {
			// A leaf whose only statement is a simple one: its frames
			// name that statement, and it keeps its cheap calls.
			return true
		}
		lines(fset, b)
		if !hasMarks(b) {
			// Every statement is on the declaration's line: the frame
			// names that line without a register.
			return true
		}
		info.regs = true
		t.mu.Lock()
		t.info[id] = info
		t.mu.Unlock()
		pos := b.Lbrace
		reg := &ast.Ident{NamePos: pos, Name: lineReg}
		decl := &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, TokPos: pos,
			Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{reg}, Type: ast.NewIdent("int")}}}}
		frame := &ast.ExprStmt{X: rtCall(pos, "Frame", intLit(id), &ast.UnaryExpr{OpPos: pos, Op: token.AND, X: ast.NewIdent(lineReg)})}
		b.List = append([]ast.Stmt{decl, frame}, b.List...)
		return true
	})
}

// simpleStmt reports whether st holds no other statements.
func simpleStmt(st ast.Stmt) bool {
	switch st.(type) {
	case *ast.ReturnStmt, *ast.ExprStmt, *ast.AssignStmt, *ast.IncDecStmt, *ast.SendStmt, *ast.DeclStmt:
		return true
	}
	return false
}

// lines puts a register assignment before every statement of the block,
// at any depth, except inside function literals.
func lines(fset *token.FileSet, b *ast.BlockStmt) {
	ast.Inspect(b, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BlockStmt:
			n.List = markLines(fset, n.List, fset.Position(n.Lbrace).Line)
		case *ast.CaseClause:
			n.Body = markLines(fset, n.Body, fset.Position(n.Case).Line)
		case *ast.CommClause:
			n.Body = markLines(fset, n.Body, fset.Position(n.Case).Line)
		}
		return true
	})
}

// markLines returns list with `__gograd_ln = L` before each statement,
// except those on the line of the block's opening (the line of the
// statement or function owning the block, which the register holds
// already, or which names the function): one-line loops and functions
// (func sq(x float64) float64 { return x * x }) cost nothing.
func markLines(fset *token.FileSet, list []ast.Stmt, open int) []ast.Stmt {
	if len(list) == 0 {
		return list
	}
	out := make([]ast.Stmt, 0, 2*len(list))
	for _, st := range list {
		switch st.(type) {
		case *ast.CaseClause, *ast.CommClause:
			return list // the body of a switch or select
		}
		if isLineMark(st) || isRtCall(st) {
			return list // already marked
		}
		line := fset.Position(st.Pos()).Line
		if line == open {
			out = append(out, st)
			continue
		}
		out = append(out, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(lineReg)}, Tok: token.ASSIGN,
			Rhs: []ast.Expr{intLit(line)}}, st)
	}
	return out
}

func isLineMark(st ast.Stmt) bool {
	as, ok := st.(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 1 {
		return false
	}
	id, ok := as.Lhs[0].(*ast.Ident)
	return ok && id.Name == lineReg
}

// tracedFrame is one interpreted frame of a panic, innermost first. The
// zero value stands for a trace line that names no frame.
type tracedFrame struct {
	top  bool   // the cell's top-level code
	name string // the function, for functions
	line int    // global numbering; 0 when unknown
	decl bool   // line is the function's declaration, not a statement
}

// framesOf resolves a goroutine's panic trace (innermost first) to the
// statements each frame was running, reading the line registers of the
// goroutine's frames (stack, outermost first). The frames with registers
// that the panic went through are the first pt.regs of stack, in the
// trace's order (those above them had returned before the panic): the
// k-th such line from the innermost is stack[pt.regs-1-k]. A frame whose
// register cannot be matched names its function's declaration.
func (s *Session) framesOf(pt panicTrace, stack []frameEnt) []tracedFrame {
	lines := append(append([]string(nil), pt.head...), pt.tail...)
	// idx[k] is the index in stack of line k's frame: counted from the
	// innermost for the head, from the outermost for the tail (frames
	// between them may have been left out).
	idx := make([]int, len(lines))
	n := pt.regs - 1
	for k, l := range pt.head {
		idx[k] = n
		if s.frames.registered(l) {
			n--
		}
	}
	n = 0
	for k := len(lines) - 1; k >= len(pt.head); k-- {
		if s.frames.registered(lines[k]) {
			idx[k] = n
			n++
		}
	}
	var out []tracedFrame
	for k, l := range lines {
		m := posRE.FindStringSubmatch(l)
		if m == nil {
			out = append(out, tracedFrame{})
			continue
		}
		big, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		fn := strings.TrimSuffix(strings.TrimPrefix(m[3], "panic: "), "(...)")
		fn = strings.TrimPrefix(fn, "main.")
		if fn == "main" {
			out = append(out, tracedFrame{top: true, line: s.frames.topLine()})
			continue
		}
		id, info, ok := s.frames.lookup(big, col)
		if !ok {
			if fn == "func" || strings.HasSuffix(fn, ".func") {
				// A literal the session made (a wrapper): not the user's.
				out = append(out, tracedFrame{})
				continue
			}
			out = append(out, tracedFrame{name: fn})
			continue
		}
		f := tracedFrame{name: info.name}
		if i := idx[k]; info.regs && len(stack) >= pt.regs && i >= 0 && i < len(stack) && stack[i].id == id {
			f.line = *stack[i].reg
		}
		out = append(out, s.declFallback(f, info))
	}
	return out
}

// declFallback names the only statement or the declaration of a frame
// whose line is not known.
func (s *Session) declFallback(f tracedFrame, info funcInfo) tracedFrame {
	if f.line == 0 {
		f.line = info.only
		if f.line == 0 {
			f.line, f.decl = info.line, true
		}
	}
	return f
}

// stackFrames resolves a goroutine's frames (outermost first, all live:
// a recursion error's) to the statements they were running, innermost
// first.
func (s *Session) stackFrames(stack []frameEnt) []tracedFrame {
	out := make([]tracedFrame, 0, len(stack))
	for k := len(stack) - 1; k >= 0; k-- {
		info := s.frames.infoOf(stack[k].id)
		out = append(out, s.declFallback(tracedFrame{name: info.name, line: *stack[k].reg}, info))
	}
	return out
}

// render formats a frame for a traceback: its location and source line.
func (s *Session) render(f tracedFrame) []string {
	switch {
	case f.top:
		file, line := s.curFile, s.curLine
		if f.line > 0 {
			file, line = s.lines.lookup(f.line)
		}
		if line == 0 {
			return []string{"in the cell's top-level code"}
		}
		return s.withSource([]string{s.location(file, line, 0) + ", at top level"}, file, line)
	case f.line > 0:
		file, line := s.lines.lookup(f.line)
		return s.withSource([]string{s.location(file, line, 0) + ", in " + f.name}, file, line)
	case f.name != "":
		where, ok := s.funcs[f.name]
		if !ok {
			return []string{"in " + f.name}
		}
		file, line := s.splitWhere(where)
		return s.withSource([]string{s.location(file, line, 0) + ", in " + f.name}, file, line)
	}
	return nil
}

func (s *Session) withSource(out []string, file string, line int) []string {
	if src := s.sourceLine(file, line); src != "" {
		out = append(out, src)
	}
	return out
}

// frameCall returns the arguments of the Frame call that instrument puts
// second in a body (after the register's declaration), if it is there.
func frameCall(list []ast.Stmt) ([]ast.Expr, bool) {
	if len(list) < 2 {
		return nil, false
	}
	if _, ok := list[0].(*ast.DeclStmt); !ok {
		return nil, false
	}
	es, ok := list[1].(*ast.ExprStmt)
	if !ok {
		return nil, false
	}
	call, ok := es.X.(*ast.CallExpr)
	if !ok {
		return nil, false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Frame" {
		return nil, false
	}
	if x, ok := sel.X.(*ast.Ident); !ok || x.Name != rtName {
		return nil, false
	}
	return call.Args, true
}

// isRtCall reports whether st is a call of the cell runtime (a body
// already instrumented starts with one).
func isRtCall(st ast.Stmt) bool {
	es, ok := st.(*ast.ExprStmt)
	if !ok {
		return false
	}
	call, ok := es.X.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == rtName
}

// hasMarks reports whether lines put a register assignment in b (outside
// function literals).
func hasMarks(b *ast.BlockStmt) bool {
	found := false
	ast.Inspect(b, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok || found {
			return false
		}
		if st, ok := n.(ast.Stmt); ok && isLineMark(st) {
			found = true
		}
		return !found
	})
	return found
}
