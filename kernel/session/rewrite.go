package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// rtName is the name under which the cell runtime (guards, result capture)
// is imported into the interpreter. Cells cannot spell it by accident.
const rtName = "__gograd"

// rtPath is the import path of the cell runtime package.
const rtPath = "gograd/cellrt"

// chunk is one unit compiled by the interpreter: either package-level
// declarations or statements, as a complete synthetic Go file whose
// positions map back to the cell through a line directive.
type chunk struct {
	kind chunkKind
	// src is the synthetic file: a package clause, then (for statements) a
	// wrapper function, then a /*line*/ directive and the cell text.
	src string
	// dropImports lists import paths already imported by earlier cells.
	dropImports map[string]bool
	// result, for the final statement chunk holding only the cell's last
	// expression statement, asks for that expression to be captured.
	result bool
	// file and line locate a statement chunk in its cell, for tracebacks.
	file string
	line int
	// decls lists the imports and types the chunk declares.
	decls []declared
	// renames maps type names redefined by a cell to their current
	// internal name.
	renames map[string]string
	// noGuard leaves function bodies without the recursion guard (for
	// measuring its cost).
	noGuard bool
	// leaves holds the file offsets of the bodies of leaf functions, which
	// need no guard.
	leaves map[int]bool
	// funcs lists the functions and methods declared, with their guard
	// position "cell:L".
	funcs [][2]string
	// fixes lists rewrites of valid Go that yaegi cannot compile, located
	// by the type checker (yaegi_fixes.go).
	fixes *yaegiFixes
	// frames, when set, receives the chunk's functions and gets line
	// registers in their code (positions.go).
	frames *frameTable
	// rich lists the renderer methods (HTML, Markdown, …) of the type of
	// a captured value declared in a cell (habits.go).
	rich []string
	// uid is unique to the chunk in the session (its first line and
	// column), for names the rewrites declare at package level.
	uid string
	// defs and refs, in history entries: the package-level names the chunk
	// declares when a later chunk declaring them may replace it (see
	// compactHistory), and the identifiers it mentions other than those it
	// declares, each followed by a space.
	defs []string
	refs string
	// liveFile and shadowFile are the chunk's files in the interpreters'
	// file sets, removed when the history drops the chunk.
	liveFile, shadowFile *token.File
	// funcTexts lists the plain functions a declaration chunk declares,
	// with their normalised text (see redefine.go).
	funcTexts [][2]string
	// only, when set, keeps of a declaration chunk only the plain
	// functions it names: the chunk is compiled again to rebind their
	// calls (see redefine.go).
	only map[string]bool
	// declVars and constTexts list the package-level variables and the
	// constants (with their normalised text) a declaration chunk
	// declares (see redefine.go).
	declVars   []string
	constTexts [][2]string
	// holds tells, by the offset of its name, whether a variable the chunk
	// sets as a whole can hold a function (reassign.go).
	holds map[int]bool
	// isName tells the session's package-level names (for
	// closeMultiDefines).
	isName func(string) bool
	// redefVars lists the variables of earlier statements the chunk's :=
	// statements declare again (reassign.go).
	redefVars []string
	varDefs   chunkDefs
}

// posFile is the file name of every cell in positions. The interpreter
// scopes imports by file name, so it must be the same for all cells; the
// cell is encoded in the line: line = the cell's base + line in cell (see
// lineTable).
const posFile = "cell"

// stmtWrapper is the name of the function wrapping a statement chunk; only
// its body is compiled.
const stmtWrapper = "__gograd_cell"

// makeChunk builds the synthetic source of one chunk of cell text, whose
// cell has the line base base (see lineTable).
func makeChunk(kind chunkKind, base int, text string, line, col int) chunk {
	dir := fmt.Sprintf("/*line %s:%d:%d*/", posFile, base+line, col)
	var b strings.Builder
	b.WriteString("package main;")
	if kind == stmtChunk {
		b.WriteString("func " + stmtWrapper + "() {")
	}
	b.WriteString(dir)
	b.WriteString(text)
	if kind == stmtChunk {
		b.WriteString("\n}")
	}
	b.WriteString("\n")
	return chunk{kind: kind, src: b.String(), uid: fmt.Sprintf("%d_%d", base+line, col)}
}

// parseChunk parses a chunk with fset and applies the cell rewrites: drop
// repeated imports, guard every function body against runaway recursion,
// wrap go statements with a recover, check make sizes, and capture the
// result expression. It returns the node to compile: the file for
// declarations, the wrapper's body for statements.
func parseChunk(fset *token.FileSet, c chunk) (ast.Node, error) {
	f, err := parser.ParseFile(fset, posFile, c.src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	if c.only != nil {
		keepOnly(f, c.only)
	}
	assignedReceives(f, c.uid)
	if len(c.dropImports) > 0 {
		dropImports(f, c.dropImports)
	}
	if c.fixes != nil {
		rewriteMethodValues(fset, f, c.fixes.methodVals)
		rewriteVarInits(fset, f, c.fixes.varInits, c.uid)
	}
	if len(c.renames) > 0 {
		renameTypes(f, c.renames)
	}
	renameMain(f)
	rw := rewriter{fset: fset, made: map[*ast.GoStmt]bool{}, lits: map[*ast.FuncLit]bool{}, gotos: map[*ast.BranchStmt]bool{}, selects: map[*ast.SelectStmt]bool{}, uid: c.uid, fx: c.fixes, result: c.result, noGuard: c.noGuard, leaves: c.leaves}
	if c.kind == stmtChunk {
		if fd, ok := f.Decls[len(f.Decls)-1].(*ast.FuncDecl); ok && fd.Name.Name == stmtWrapper {
			applyFixes(fset, f, fd.Body, c.fixes)
			if c.frames != nil {
				c.frames.instrument(fset, f, fd.Body, c.leaves)
			}
			closeMultiDefines(fd.Body.List, rw.lits, c.isName)
		}
	} else {
		applyFixes(fset, f, nil, c.fixes)
		if c.frames != nil {
			c.frames.instrument(fset, f, nil, c.leaves)
		}
	}
	if c.fixes != nil {
		checkBounds(fset, f, c.fixes.bounds)
	}
	rw.chanOps(f)
	rw.ownFrames(f)
	ast.Inspect(f, rw.visit)
	if c.kind == declChunk {
		return f, nil
	}
	fd, ok := f.Decls[len(f.Decls)-1].(*ast.FuncDecl)
	if !ok || fd.Name.Name != stmtWrapper {
		return nil, fmt.Errorf("internal error: statement chunk lost its wrapper")
	}
	body := fd.Body
	if c.result && len(body.List) > 0 {
		if es, ok := body.List[len(body.List)-1].(*ast.ExprStmt); ok {
			es.X = rtCall(es.X.Pos(), "Result", richValue(es.X, c.rich))
		}
	}
	return body, nil
}

// dropImports removes import specs of already imported paths, and import
// declarations left empty.
func dropImports(f *ast.File, drop map[string]bool) {
	decls := f.Decls[:0]
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			decls = append(decls, d)
			continue
		}
		specs := gd.Specs[:0]
		for _, s := range gd.Specs {
			is := s.(*ast.ImportSpec)
			if p, err := strconv.Unquote(is.Path.Value); err == nil && drop[p] {
				continue
			}
			specs = append(specs, s)
		}
		gd.Specs = specs
		if len(specs) > 0 {
			decls = append(decls, gd)
		}
	}
	f.Decls = decls
	imps := f.Imports[:0]
	for _, is := range f.Imports {
		if p, err := strconv.Unquote(is.Path.Value); err == nil && drop[p] {
			continue
		}
		imps = append(imps, is)
	}
	f.Imports = imps
}

// rewriter applies the guard rewrites to every function in a chunk.
type rewriter struct {
	fset *token.FileSet
	// made holds the go statements the rewriter built, not to be wrapped
	// again.
	made map[*ast.GoStmt]bool
	// lits holds the function literals the rewriter built: they get no
	// recursion guard (the recover wrapper must run even on a deep stack).
	lits map[*ast.FuncLit]bool
	// selects holds the select statements given the done case already.
	selects map[*ast.SelectStmt]bool
	// temps numbers the temporaries of hoisted receives; uid makes their
	// names unique in the session (at top level they are package
	// variables, and yaegi mixes up package variables redeclared with
	// another type).
	temps int
	uid   string
	// fx holds the chunk's typed rewrites: chanOps reads the channel
	// operations the type checker found.
	fx *yaegiFixes
	// top is a statement chunk's top-level block; result tells whether
	// its last expression statement is captured as the cell's value.
	top    *ast.BlockStmt
	result bool
	// gotos holds the goto statements given a loop check already.
	gotos map[*ast.BranchStmt]bool
	// noGuard disables the recursion guard.
	noGuard bool
	// leaves holds the offsets of the bodies that need no guard.
	leaves map[int]bool
}

func (rw rewriter) visit(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.FuncDecl:
		if n.Body != nil && n.Name.Name != stmtWrapper {
			name := n.Name.Name
			if n.Recv != nil && len(n.Recv.List) > 0 {
				name = recvTypeName(n.Recv.List[0].Type) + "." + name
			}
			rw.guard(n.Body, name, n.Pos())
		}
	case *ast.FuncLit:
		if !rw.lits[n] {
			rw.guard(n.Body, "func literal", n.Pos())
		}
	case *ast.BlockStmt:
		rw.wrapGo(n.List)
		rw.checkGotos(n.List)
	case *ast.CaseClause:
		rw.wrapGo(n.Body)
		rw.checkGotos(n.Body)
	case *ast.CommClause:
		rw.wrapGo(n.Body)
		rw.checkGotos(n.Body)
	case *ast.ForStmt:
		n.Body.List = append([]ast.Stmt{loopCheck(n.Body.Lbrace)}, n.Body.List...)
	case *ast.RangeStmt:
		n.Body.List = append([]ast.Stmt{loopCheck(n.Body.Lbrace)}, n.Body.List...)
	case *ast.CallExpr:
		rw.checkMake(n)
	}
	return true
}

// guard prepends a call to the recursion guard to a function body. The
// guard names the function and where it was declared.
func (rw rewriter) guard(body *ast.BlockStmt, name string, pos token.Pos) {
	if body == nil || rw.noGuard || rw.leaves[rw.fset.File(body.Lbrace).Offset(body.Lbrace)] {
		return
	}
	p := rw.fset.Position(pos)
	where := fmt.Sprintf("%s:%d", p.Filename, p.Line)
	// if __gograd.Deep() { __gograd.Enter(name, where) }: the common path
	// is one call without arguments, which the interpreter makes cheaply.
	cond := rtCall(body.Lbrace, "Deep")
	list := body.List
	if args, ok := frameCall(list); ok {
		// The body's line register (positions.go) is recorded by the same
		// call: if __gograd.DeepAt(id, &__gograd_ln) { … }.
		cond = rtCall(body.Lbrace, "DeepAt", args...)
		list = append([]ast.Stmt{list[0]}, list[2:]...)
	}
	check := &ast.IfStmt{
		If:   body.Lbrace,
		Cond: cond,
		Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: rtCall(body.Lbrace, "Enter", strLit(name), strLit(where))}}},
	}
	if len(list) < len(body.List) {
		body.List = append([]ast.Stmt{list[0], check}, list[1:]...)
		return
	}
	body.List = append([]ast.Stmt{check}, body.List...)
}

// loopCheck returns the interrupt check put at the top of every loop body:
//
//	if *__gograd.Stop != 0 { __gograd.Halt() }
//
// The common path is one load through a pointer, which the interpreter
// makes in a few tens of nanoseconds (a call of a compiled function costs
// ~400 ns, six times an iteration of a small loop). Halt ends the goroutine
// when its cell is being stopped (see stopper). Stop is a pointer because
// yaegi v0.16.1 treats a package variable of a compiled package that is an
// operand of a comparison as a constant, read once when the code is
// compiled (`__gograd.Stop != 0` would never see the flag change; a
// dereference is evaluated each time). Under the race detector, which
// would report the plain load, the flag is read by a call.
func loopCheck(pos token.Pos) ast.Stmt {
	var cond ast.Expr = &ast.BinaryExpr{
		X:  &ast.StarExpr{Star: pos, X: &ast.SelectorExpr{X: &ast.Ident{NamePos: pos, Name: rtName}, Sel: ast.NewIdent("Stop")}},
		Op: token.NEQ, Y: intLit(0),
	}
	if raceEnabled {
		cond = rtCall(pos, "Stopping")
	}
	return &ast.IfStmt{If: pos, Cond: cond, Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: rtCall(pos, "Halt")}}}}
}

// checkGotos puts the loop check before every goto in list, so that a
// loop made of labels and gotos can be interrupted too.
func (rw rewriter) checkGotos(list []ast.Stmt) {
	for i, st := range list {
		if b, ok := st.(*ast.BranchStmt); ok && b.Tok == token.GOTO && !rw.gotos[b] {
			rw.gotos[b] = true
			list[i] = &ast.BlockStmt{Lbrace: b.Pos(), List: []ast.Stmt{loopCheck(b.Pos()), b}}
		}
	}
}

// ownFrames rewrites each function literal L that is not called where it
// is written into
//
//	func() <L's type> { return L }()
//
// so that L is created in a frame of its own. yaegi v0.16.1 creates a
// closure in a slot of the frame that evaluates the literal, and when the
// closure returns it writes the slot's earlier value back there. A closure
// running in a goroutine thus overwrites, at a random moment, the slot its
// creator may be reading again (the next iteration of a loop making
// closures, or a variable holding the closure): the creator then calls an
// earlier closure, or a nil function, which crashes the process from a
// goroutine the interpreter started. With the wrapper, the slot written back
// belongs to a frame nobody reads again. The wrapper gets no recursion
// guard; L keeps its own.
func (rw rewriter) ownFrames(f *ast.File) {
	astutil.Apply(f, nil, func(c *astutil.Cursor) bool {
		lit, ok := c.Node().(*ast.FuncLit)
		if !ok || rw.lits[lit] {
			return true
		}
		if call, ok := c.Parent().(*ast.CallExpr); ok && c.Name() == "Fun" && call.Fun == lit {
			// Called at once (also by go and defer): it returns, and
			// writes its slot back, before the creator goes on.
			return true
		}
		pos := lit.Pos()
		wrap := &ast.FuncLit{
			Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{}, Results: &ast.FieldList{List: []*ast.Field{{Type: lit.Type}}}},
			Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{&ast.ReturnStmt{Return: pos, Results: []ast.Expr{lit}}}},
		}
		rw.lits[wrap] = true
		c.Replace(&ast.CallExpr{Fun: wrap, Lparen: pos})
		return true
	})
}

// wrapGo rewrites each `go f(args)` in list into
//
//	func() { fn, a0, a1 := f, args...; go func() { defer recover-and-report; fn(a0, a1) }() }()
//
// so a panic in the goroutine is reported on the cell's stderr instead of
// ending the process, and the function value and arguments are still
// evaluated by the calling goroutine, once per execution of the statement,
// as the language requires.
func (rw rewriter) wrapGo(list []ast.Stmt) {
	for i, s := range list {
		g, ok := s.(*ast.GoStmt)
		if !ok || rw.made[g] {
			continue
		}
		list[i] = rw.goBlock(g)
	}
}

func (rw rewriter) goBlock(g *ast.GoStmt) ast.Stmt {
	pos := g.Pos()
	p := rw.fset.Position(pos)
	where := fmt.Sprintf("%s:%d", p.Filename, p.Line)
	call := g.Call
	var lhs, rhs []ast.Expr
	inner := &ast.CallExpr{Fun: call.Fun, Ellipsis: call.Ellipsis}
	if !isBuiltinName(call.Fun) {
		fn := ast.NewIdent("__gofn")
		lhs, rhs = append(lhs, fn), append(rhs, call.Fun)
		inner.Fun = ast.NewIdent("__gofn")
	}
	for i, a := range call.Args {
		name := "__goarg" + strconv.Itoa(i)
		lhs, rhs = append(lhs, ast.NewIdent(name)), append(rhs, a)
		inner.Args = append(inner.Args, ast.NewIdent(name))
	}
	// The goroutine belongs to its starter's cell (see stopper): the
	// generation is taken last, after the arguments, so that nothing can
	// fail between reserving the place and starting the goroutine.
	lhs, rhs = append(lhs, ast.NewIdent("__gogen")), append(rhs, rtCall(pos, "Spawn"))
	// defer __gograd.Bind(__gogen)(), first, so that it is undone last.
	bind := &ast.DeferStmt{Defer: pos, Call: &ast.CallExpr{Fun: rtCall(pos, "Bind", ast.NewIdent("__gogen"), strLit(where)), Lparen: pos}}
	// defer func() { if r := recover(); r != nil { __gograd.GoPanic(r, where) } }()
	recLit := &ast.FuncLit{
		Type: &ast.FuncType{Params: &ast.FieldList{}},
		Body: &ast.BlockStmt{List: []ast.Stmt{&ast.IfStmt{
			Init: &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("r")}, Tok: token.DEFINE,
				Rhs: []ast.Expr{&ast.CallExpr{Fun: ast.NewIdent("recover")}}},
			Cond: &ast.BinaryExpr{X: ast.NewIdent("r"), Op: token.NEQ, Y: ast.NewIdent("nil")},
			Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: rtCall(pos, "GoPanic", ast.NewIdent("r"), strLit(where))}}},
		}}},
	}
	rw.lits[recLit] = true
	rec := &ast.DeferStmt{Call: &ast.CallExpr{Fun: recLit}}
	lit := &ast.FuncLit{
		Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{}},
		Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{bind, rec, &ast.ExprStmt{X: inner}}},
	}
	rw.lits[lit] = true
	goStmt := &ast.GoStmt{Go: pos, Call: &ast.CallExpr{Fun: lit, Lparen: pos}}
	rw.made[goStmt] = true
	// The variables and the goroutine's literal live in a function literal
	// called at once, so each execution of the go statement gets a frame of
	// its own: in a plain block, yaegi would give every iteration of an
	// enclosing loop the same variables, and a goroutine could call a later
	// iteration's function with its arguments (or, through the slot yaegi
	// writes back when a closure returns, a nil function; see ownFrames).
	body := []ast.Stmt{&ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: rhs, TokPos: pos}, goStmt}
	frame := &ast.FuncLit{
		Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{}},
		Body: &ast.BlockStmt{Lbrace: pos, List: body},
	}
	rw.lits[frame] = true
	return &ast.ExprStmt{X: &ast.CallExpr{Fun: frame, Lparen: pos}}
}

// checkMake rewrites make(T, n[, c]) so the sizes go through the memory
// guard, which refuses requests that cannot fit.
func (rw rewriter) checkMake(c *ast.CallExpr) {
	id, ok := c.Fun.(*ast.Ident)
	if !ok || id.Name != "make" || len(c.Args) < 2 {
		return
	}
	size := elemSize(c.Args[0])
	p := rw.fset.Position(c.Pos())
	where := fmt.Sprintf("%s:%d", p.Filename, p.Line)
	for i := 1; i < len(c.Args) && i < 3; i++ {
		if isSmallConst(c.Args[i]) {
			continue
		}
		c.Args[i] = rtCall(c.Args[i].Pos(), "MakeLen", c.Args[i], intLit(size), strLit(where))
	}
}

// isSmallConst reports whether e is an integer literal small enough never
// to matter, so common code like make([]int, 10) stays untouched.
func isSmallConst(e ast.Expr) bool {
	bl, ok := e.(*ast.BasicLit)
	if !ok || bl.Kind != token.INT {
		return false
	}
	v, err := strconv.ParseInt(bl.Value, 0, 64)
	return err == nil && v < 1<<20
}

// elemSize estimates the bytes per element of a make'd type from its syntax:
// exact for predeclared element types, 8 (a word) otherwise, 64 for maps.
func elemSize(t ast.Expr) int {
	switch t := t.(type) {
	case *ast.ArrayType:
		return typeSize(t.Elt)
	case *ast.ChanType:
		return typeSize(t.Value)
	case *ast.MapType:
		return 64
	}
	return 8
}

func typeSize(t ast.Expr) int {
	id, ok := t.(*ast.Ident)
	if !ok {
		if _, ok := t.(*ast.InterfaceType); ok {
			return 16
		}
		return 8
	}
	switch id.Name {
	case "bool", "int8", "uint8", "byte":
		return 1
	case "int16", "uint16":
		return 2
	case "int32", "uint32", "float32", "rune":
		return 4
	case "complex128", "string", "any", "error":
		return 16
	}
	return 8
}

var builtinFuncs = map[string]bool{
	"append": true, "cap": true, "clear": true, "close": true, "complex": true, "copy": true,
	"delete": true, "imag": true, "len": true, "make": true, "max": true, "min": true,
	"new": true, "panic": true, "print": true, "println": true, "real": true, "recover": true,
}

func isBuiltinName(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && builtinFuncs[id.Name]
}

func recvTypeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return recvTypeName(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return recvTypeName(t.X)
	case *ast.IndexListExpr:
		return recvTypeName(t.X)
	}
	return "?"
}

func rtCall(pos token.Pos, fn string, args ...ast.Expr) *ast.CallExpr {
	return &ast.CallExpr{
		Fun:    &ast.SelectorExpr{X: &ast.Ident{NamePos: pos, Name: rtName}, Sel: ast.NewIdent(fn)},
		Lparen: pos,
		Args:   args,
	}
}

func strLit(s string) *ast.BasicLit {
	return &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(s)}
}

func intLit(n int) *ast.BasicLit {
	return &ast.BasicLit{Kind: token.INT, Value: strconv.Itoa(n)}
}

// markNonRefs records in skip the identifiers n holds that name no
// variable, function or type in scope: a selector's field or method name
// and a composite literal's key.
func markNonRefs(n ast.Node, skip map[*ast.Ident]bool) {
	switch n := n.(type) {
	case *ast.SelectorExpr:
		skip[n.Sel] = true
	case *ast.KeyValueExpr:
		if id, ok := n.Key.(*ast.Ident); ok {
			skip[id] = true
		}
	}
}

// renameTypes replaces identifiers naming a redefined type with its current
// internal name. Names in other roles (selectors, field, parameter and
// method names, composite-literal keys, := targets, labels) are left
// alone; a local variable shadowing the type name is not detected.
func renameTypes(f *ast.File, renames map[string]string) {
	skip := map[*ast.Ident]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		markNonRefs(n, skip)
		switch n := n.(type) {
		case *ast.Field:
			for _, id := range n.Names {
				skip[id] = true
			}
		case *ast.FuncDecl:
			skip[n.Name] = true
		case *ast.ValueSpec:
			for _, id := range n.Names {
				skip[id] = true
			}
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, e := range n.Lhs {
					if id, ok := e.(*ast.Ident); ok {
						skip[id] = true
					}
				}
			}
		case *ast.LabeledStmt:
			skip[n.Label] = true
		case *ast.BranchStmt:
			if n.Label != nil {
				skip[n.Label] = true
			}
		case *ast.Ident:
			if to, ok := renames[n.Name]; ok && !skip[n] {
				n.Name = to
			}
		}
		return true
	})
}

// closeMultiDefines works around a yaegi v0.16.1 bug: in a block of
// top-level code (the body of a top-level if, for, switch or plain block),
// a := or var declaring several names from one multiple-value expression
// (a, b := f()) declares none of them ("undefined: a"); inside a function
// it works. Such a top-level statement is run as the body of a function
// literal called at once, which is the same program: its variables are
// local to the statement either way. Labelled statements are left alone.
//
// The same for a second yaegi v0.16.1 bug: a := or var in a block of
// top-level code (a for or if statement's init, a loop body, a plain
// block) of a name that is a notebook variable sets that variable instead
// of declaring a local one, silently: after `y := 1`, `for i := 0; i < 2;
// i++ { y := i * 10 }` left y at 10, `if y := 5; y > 0 {}` at 5. Such a
// statement (isName tells the session's names) is run in a function
// literal too, unless it holds a return, defer or goto outside function
// literals (their meaning would change).
func closeMultiDefines(list []ast.Stmt, lits map[*ast.FuncLit]bool, isName func(string) bool) {
	for i, st := range list {
		switch st.(type) {
		case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt, *ast.BlockStmt:
		default:
			continue
		}
		if !hasMultiDefine(st) && !(isName != nil && definesName(st, isName) && !leavesBlock(st)) {
			continue
		}
		lit := &ast.FuncLit{
			Type: &ast.FuncType{Func: st.Pos(), Params: &ast.FieldList{}},
			Body: &ast.BlockStmt{Lbrace: st.Pos(), List: []ast.Stmt{st}, Rbrace: st.End()},
		}
		lits[lit] = true
		list[i] = &ast.ExprStmt{X: &ast.CallExpr{Fun: lit, Lparen: st.Pos(), Rparen: st.End()}}
	}
}

// definesName reports whether st declares, outside function literals, a
// local name for which isName is true.
func definesName(st ast.Stmt, isName func(string) bool) bool {
	found := false
	check := func(e ast.Expr) {
		if id, ok := e.(*ast.Ident); ok && id.Name != "_" && isName(id.Name) {
			found = true
		}
	}
	ast.Inspect(st, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					check(l)
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				if n.Key != nil {
					check(n.Key)
				}
				if n.Value != nil {
					check(n.Value)
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				check(id)
			}
		case *ast.TypeSwitchStmt:
			if as, ok := n.Assign.(*ast.AssignStmt); ok {
				for _, l := range as.Lhs {
					check(l)
				}
			}
		}
		return !found
	})
	return found
}

// leavesBlock reports whether st holds, outside function literals, a
// return, defer or goto, whose meaning a function literal around it would
// change.
func leavesBlock(st ast.Stmt) bool {
	found := false
	ast.Inspect(st, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt, *ast.DeferStmt:
			found = true
		case *ast.BranchStmt:
			if n.Tok == token.GOTO || n.Label != nil {
				found = true
			}
		}
		return !found
	})
	return found
}

// hasMultiDefine reports whether st holds, outside function literals, a :=
// or var declaration of several names from one expression.
func hasMultiDefine(st ast.Stmt) bool {
	found := false
	ast.Inspect(st, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE && len(n.Lhs) > 1 && len(n.Rhs) == 1 {
				found = true
			}
		case *ast.ValueSpec:
			if len(n.Names) > 1 && len(n.Values) == 1 {
				found = true
			}
		}
		return !found
	})
	return found
}
