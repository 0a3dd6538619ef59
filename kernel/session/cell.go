package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"strconv"
	"strings"
)

// declared is one package-level name a chunk declares that the session
// tracks across cells.
type declared struct {
	kind token.Token // token.IMPORT, token.TYPE or token.FUNC (a method)
	name string
	path string // import path
	text string // type or method declaration, normalised
	recv string // receiver type of a method
	// changed marks a type or method declared before with another text.
	changed bool
	pos     string // position of a method, for errors
}

// prepare splits a cell into chunks and checks what the interpreter cannot:
// repeated imports are dropped, a changed type is an error, and the last
// expression statement, if any, gets a chunk of its own for capture.
func (s *Session) prepare(file, code string) ([]chunk, *CellError) {
	if err := s.checkBrackets(code); err != nil {
		return nil, s.compileError(err)
	}
	segs := splitCell(code)
	var chunks []chunk
	fset := token.NewFileSet()
	seenImport := map[string]string{}
	mainLine := 0 // the line of a func main the cell declares
	for k, seg := range segs {
		text := code[seg.start:seg.end]
		line, col := lineCol(code, seg.start)
		c := makeChunk(seg.kind, s.cellBase, text, line, col)
		c.noGuard = s.noGuard
		f, err := parser.ParseFile(fset, posFile, c.src, parser.SkipObjectResolution)
		if err != nil {
			return nil, s.compileError(err)
		}
		if seg.kind == declChunk {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					name := fd.Name.Name
					if fd.Recv != nil && len(fd.Recv.List) > 0 {
						name = recvTypeName(fd.Recv.List[0].Type) + "." + name
					}
					p := fset.Position(fd.Pos())
					c.funcs = append(c.funcs, [2]string{name, fmt.Sprintf("%s:%d", p.Filename, p.Line)})
					if fd.Recv == nil {
						c.funcTexts = append(c.funcTexts, [2]string{name, nodeText(c.src, f, fd)})
					}
				}
			}
			c.declVars, c.constTexts = valuesDeclared(c.src, f)
			if pos, ok := declaresMain(f); ok {
				mainLine = fset.Position(pos).Line - s.cellBase
			}
			if cerr := s.checkDecls(fset, f, &c, seenImport); cerr != nil {
				return nil, cerr
			}
			chunks = append(chunks, c)
			continue
		}
		chunks = append(chunks, s.stmtChunks(fset, f, c.src, file, code, seg, k == len(segs)-1)...)
	}
	if mainLine > 0 {
		// A func main runs once, after the cell declaring it (as a
		// program's main runs after its package is initialised).
		c := makeChunk(stmtChunk, s.cellBase, "main()", mainLine, 1)
		c.noGuard, c.file, c.line = s.noGuard, file, mainLine
		chunks = append(chunks, c)
	}
	if cerr := s.planRenames(chunks); cerr != nil {
		return nil, cerr
	}
	s.markLeaves(chunks, seenImport)
	return chunks, nil
}

// stmtChunks cuts a statement segment into one chunk per top-level
// statement, so that a runtime error names the statement's line. A
// segment with top-level labels, goto or defer stays whole (they relate
// statements to each other), and so does one with go statements. f is the
// segment parsed from fsrc. In the cell's last segment, a final
// expression statement is marked for capture.
func (s *Session) stmtChunks(fset *token.FileSet, f *ast.File, fsrc, file, code string, seg segment, last bool) []chunk {
	text := code[seg.start:seg.end]
	src := f.Decls[len(f.Decls)-1].(*ast.FuncDecl)
	stmts := src.Body.List
	// f was parsed from fsrc, where the segment's text follows the line
	// directive.
	prefix := strings.Index(fsrc, "*/") + 2
	offset := func(st ast.Stmt) int { return fset.File(st.Pos()).Offset(st.Pos()) - prefix }
	split := true
	for _, st := range stmts {
		switch st := st.(type) {
		case *ast.LabeledStmt, *ast.DeferStmt:
			split = false
		case *ast.BranchStmt:
			if st.Tok == token.GOTO {
				split = false
			}
		}
	}
	// Goroutines started by one unit would run while the next one starts,
	// and yaegi's start of a unit writes frame state that running
	// goroutines read without synchronisation: keep such segments whole.
	hasGo := false
	ast.Inspect(src.Body, func(n ast.Node) bool {
		if _, ok := n.(*ast.GoStmt); ok {
			hasGo = true
		}
		return !hasGo
	})
	split = split && !hasGo
	capture := false
	if n := len(stmts); last && n > 0 {
		if es, ok := stmts[n-1].(*ast.ExprStmt); ok && !isPrintCall(es.X) {
			capture = true
		}
	}
	var cuts []int // start offsets of the pieces within text
	switch {
	case split:
		for _, st := range stmts {
			cuts = append(cuts, offset(st))
		}
	case capture && len(stmts) > 1 && !hasGo:
		cuts = []int{0, offset(stmts[len(stmts)-1])}
	default:
		cuts = []int{0}
	}
	if len(cuts) == 0 || cuts[0] != 0 {
		cuts = append([]int{0}, cuts...)
	}
	var out []chunk
	for i, from := range cuts {
		to := len(text)
		if i+1 < len(cuts) {
			to = cuts[i+1]
		}
		if strings.TrimSpace(text[from:to]) == "" {
			continue
		}
		line, col := lineCol(code, seg.start+from)
		c := makeChunk(stmtChunk, s.cellBase, text[from:to], line, col)
		c.noGuard, c.file = s.noGuard, file
		if split {
			c.line = line // one statement: runtime errors can name its line
		}
		c.result = capture && i == len(cuts)-1
		out = append(out, c)
	}
	return out
}

// markLeaves records in each chunk which functions need no recursion
// guard (see leaf.go).
func (s *Session) markLeaves(chunks []chunk, cellImports map[string]string) {
	sc := leafScope{pkgs: map[string]bool{}, globals: map[string]bool{}}
	for _, name := range s.imports {
		sc.pkgs[name] = true
	}
	for _, name := range cellImports {
		sc.pkgs[name] = true
	}
	s.namesMu.Lock()
	for name, decl := range s.names {
		if strings.HasPrefix(decl, "func") || strings.HasPrefix(decl, "var") {
			sc.globals[name] = true
		}
	}
	s.namesMu.Unlock()
	fset := token.NewFileSet()
	files := make([]*ast.File, len(chunks))
	for k, c := range chunks {
		f, err := parser.ParseFile(fset, posFile, c.src, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		files[k] = f
		cellGlobals(f, c.kind, sc.globals)
		mentionedInFuncs(f, s.captured)
	}
	for k, f := range files {
		if f != nil && !chunks[k].noGuard {
			chunks[k].leaves = sc.leafBodies(fset, f)
		}
	}
}

// planRenames decides which types the cell redefines. yaegi keeps the
// first definition of a type and of its methods, so a type whose definition
// or methods change is declared under a new internal name (T_v2, T_v3,
// ...) and every later use of the name T refers to the new type, as after
// redefining a class in Python: values made earlier keep the old type, and
// the new type has the methods declared with it or after it. A method
// changed in a cell that does not declare its type is an error.
func (s *Session) planRenames(chunks []chunk) *CellError {
	declaredHere := map[string]bool{}
	changed := map[string]bool{}
	for _, c := range chunks {
		for _, d := range c.decls {
			if d.kind == token.TYPE {
				declaredHere[d.name] = true
				if d.changed {
					changed[d.name] = true
				}
			}
		}
	}
	for _, c := range chunks {
		for _, d := range c.decls {
			if d.kind != token.FUNC || !d.changed {
				continue
			}
			if !declaredHere[d.recv] {
				return s.compileError(fmt.Errorf("%s: method %s changed, but the interpreter cannot replace a method of an existing type: run the change together with the declaration of type %s (it then becomes a new type), or run %%reset",
					d.pos, d.name, d.recv))
			}
			changed[d.recv] = true
		}
	}
	s.pendingRenames = map[string]string{}
	for t := range changed {
		s.typeVersions[t]++
		s.pendingRenames[t] = fmt.Sprintf("%s_v%d", t, s.typeVersions[t]+1)
	}
	// A rename takes effect from the chunk declaring the type: statements
	// before it in the cell still see the previous type.
	cur := map[string]string{}
	for k, v := range s.renames {
		cur[k] = v
	}
	for k := range chunks {
		grew := false
		for _, d := range chunks[k].decls {
			if to, ok := s.pendingRenames[d.name]; ok && d.kind == token.TYPE && cur[d.name] != to {
				if !grew {
					next := map[string]string{}
					for a, b := range cur {
						next[a] = b
					}
					cur, grew = next, true
				}
				cur[d.name] = to
			}
		}
		if len(cur) > 0 {
			chunks[k].renames = cur
		}
	}
	return nil
}

// checkDecls records a declaration chunk's imports and types; it marks
// imports made by earlier cells for dropping and rejects a type whose
// definition changed.
func (s *Session) checkDecls(fset *token.FileSet, f *ast.File, c *chunk, seen map[string]string) *CellError {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && len(fd.Recv.List) > 0 {
			key := recvTypeName(fd.Recv.List[0].Type) + "." + fd.Name.Name
			text := nodeText(c.src, f, fd)
			old, ok := s.methods[key]
			c.decls = append(c.decls, declared{kind: token.FUNC, name: key, recv: recvTypeName(fd.Recv.List[0].Type),
				text: text, changed: ok && (old != text || s.staleMethods[key]), pos: fset.Position(fd.Pos()).String()})
			continue
		}
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range gd.Specs {
			switch sp := spec.(type) {
			case *ast.ImportSpec:
				p, err := strconv.Unquote(sp.Path.Value)
				if err != nil {
					continue
				}
				name := path.Base(p)
				if sp.Name != nil {
					name = sp.Name.Name
				}
				if old, ok := s.imports[p]; ok && (old == name || sp.Name == nil) {
					if c.dropImports == nil {
						c.dropImports = map[string]bool{}
					}
					c.dropImports[p] = true
					continue
				}
				if _, ok := seen[p]; ok {
					continue
				}
				seen[p] = name
				c.decls = append(c.decls, declared{kind: token.IMPORT, name: name, path: p})
			case *ast.TypeSpec:
				text := nodeText(c.src, f, sp)
				old, ok := s.types[sp.Name.Name]
				c.decls = append(c.decls, declared{kind: token.TYPE, name: sp.Name.Name, text: text, changed: ok && old != text})
			}
		}
	}
	return nil
}

// nodeText returns the normalised source text of n.
func nodeText(src string, f *ast.File, n ast.Node) string {
	base := int(f.FileStart)
	a, b := int(n.Pos())-base, int(n.End())-base
	if a < 0 || b > len(src) || a > b {
		return ""
	}
	return strings.Join(strings.Fields(src[a:b]), " ")
}

// lineCol returns the 1-based line and column of byte offset off in src.
func lineCol(src string, off int) (int, int) {
	line := 1 + strings.Count(src[:off], "\n")
	col := off - strings.LastIndexByte(src[:off], '\n')
	return line, col
}

// isPrintCall reports whether e is a call whose value nobody wants to see:
// the print builtins and the fmt and log printing functions.
func isPrintCall(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		return fn.Name == "print" || fn.Name == "println" || fn.Name == "panic"
	case *ast.SelectorExpr:
		pkg, ok := fn.X.(*ast.Ident)
		if !ok {
			return false
		}
		switch pkg.Name {
		case "fmt":
			return strings.HasPrefix(fn.Sel.Name, "Print") || strings.HasPrefix(fn.Sel.Name, "Fprint")
		case "log", rtName:
			return true
		}
	}
	return false
}
