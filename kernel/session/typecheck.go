package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/stdlib"
)

// Every cell is type-checked with go/types before the interpreter compiles
// it, against the package-level objects of the cells before it. The check
// gives compile errors in the Go compiler's words ("undefined: x", "cannot
// use 2.5 (untyped float constant) as int value in variable declaration
// (truncated)", "not enough arguments in call to f"), warnings for unused
// variables and imports, the standard-library imports a cell forgot, and
// the type of the cell's last value.
//
// The interpreter remains the judge of what runs: a cell the interpreter
// compiles runs even when the type checker objects (its view of the
// compiled packages comes from reflection and misses unexported methods and
// some generic functions; see symtypes.go); when the interpreter refuses a
// cell, the type checker's first error is reported if it has one, the
// interpreter's message otherwise.
//
// A cell is checked as one file of package main: its declarations as they
// are; each top-level := (a notebook variable) as a package-level var; its
// other top-level statements in the bodies of functions named _. Names of
// earlier cells are objects inserted in the package scope, except those the
// cell declares again.

// typeState is the type checker's memory of earlier cells.
type typeState struct {
	objs map[string]types.Object // package-level objects, by name
}

// typeCheck is the outcome of checking one cell.
type typeCheck struct {
	errs     []types.Error // hard errors in the cell, in position order
	warnings []types.Error // unused variables and imports
	missing  map[string]string
	pkg      *types.Package
	declared map[string]bool
	// last is the cell's last expression statement and info its types.
	last ast.Expr
	info *types.Info
	// fixes holds each chunk's typed rewrites (yaegi_fixes.go).
	fixes []*yaegiFixes
	// generic names the generic functions and types the cell declares or
	// uses.
	generic []string
	// rich lists the renderer setters the cell's value needs (habits.go).
	rich []string
	// redefines is set when the cell declares again a type of an earlier
	// cell: statements before the declaration still see the old type,
	// which one file cannot express, so no error is trusted.
	redefines bool
	// redefVars lists, for each chunk, the variables of earlier
	// statements its := statements declare again, and defs the variables
	// it defines (reassign.go).
	redefVars [][]string
	defs      []chunkDefs
	// priorReads are the identifiers on the right of a := that read the
	// earlier variable of a name the := defines again (x := x + 1).
	priorReads map[*ast.Ident]bool
	// holds records, per chunk, whether each variable a top-level
	// statement sets as a whole can hold a function, by the offset of its
	// name (reassign.go).
	holds []map[int]bool
	// selfRead, when set, is the error for a := reading a name it defines
	// again that cannot become an assignment (reassign.go).
	selfRead error
}

// typecheck checks a prepared cell.
func (s *Session) typecheck(chunks []chunk) *typeCheck {
	if s.tstate.objs == nil {
		s.tstate.objs = map[string]types.Object{}
	}
	im := cellImporter(s.overrides)
	fset := token.NewFileSet()
	file := &ast.File{Name: ast.NewIdent("main")}
	imports := &ast.GenDecl{Tok: token.IMPORT}
	file.Decls = append(file.Decls, imports)
	tc := &typeCheck{declared: map[string]bool{}, missing: map[string]string{}}
	imported := map[string]*ast.ImportSpec{} // by name
	selectors := map[token.Pos]string{}      // X of pkg.Sel -> Sel
	var methodsOn []string                   // receiver types of methods the cell declares
	var lastStmt *ast.ExprStmt
	var prior []*ast.Ident // reads of an earlier variable, renamed for the check
	files := make([]*ast.File, len(chunks))
	stmts := make([][]ast.Stmt, len(chunks))
	for ci, c := range chunks {
		f, err := parser.ParseFile(fset, posFile, c.src, parser.SkipObjectResolution)
		if err != nil {
			return nil
		}
		files[ci] = f
		ast.Inspect(f, func(n ast.Node) bool {
			if se, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := se.X.(*ast.Ident); ok {
					selectors[id.Pos()] = se.Sel.Name
				}
			}
			return true
		})
		if c.kind == declChunk {
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.GenDecl:
					if d.Tok == token.IMPORT {
						for _, sp := range d.Specs {
							is := sp.(*ast.ImportSpec)
							p, _ := strconv.Unquote(is.Path.Value)
							imported[importName(im, is, p)] = is
						}
						continue
					}
					for _, sp := range d.Specs {
						switch sp := sp.(type) {
						case *ast.ValueSpec:
							for _, id := range sp.Names {
								tc.declared[id.Name] = true
							}
						case *ast.TypeSpec:
							tc.declared[sp.Name.Name] = true
						}
					}
				case *ast.FuncDecl:
					if d.Recv == nil {
						tc.declared[d.Name.Name] = true
					} else if len(d.Recv.List) > 0 {
						methodsOn = append(methodsOn, recvTypeName(d.Recv.List[0].Type))
					}
				}
				file.Decls = append(file.Decls, d)
			}
			continue
		}
		fd, ok := f.Decls[len(f.Decls)-1].(*ast.FuncDecl)
		if !ok || fd.Name.Name != stmtWrapper {
			return nil
		}
		var body []ast.Stmt
		stmts[ci] = fd.Body.List
		for _, st := range fd.Body.List {
			if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
				// A notebook variable: a package-level var. A name the
				// cell defined before is not declared twice.
				names := make([]*ast.Ident, len(as.Lhs))
				for k, e := range as.Lhs {
					id, ok := e.(*ast.Ident)
					if !ok {
						id = ast.NewIdent("_")
					} else if tc.declared[id.Name] {
						id = &ast.Ident{NamePos: id.NamePos, Name: "_"}
					}
					tc.declared[id.Name] = true
					names[k] = id
				}
				file.Decls = append(file.Decls, &ast.GenDecl{Tok: token.VAR, TokPos: as.Pos(),
					Specs: []ast.Spec{&ast.ValueSpec{Names: names, Values: as.Rhs}}})
				continue
			}
			body = append(body, st)
		}
		if len(body) > 0 {
			if es, ok := body[len(body)-1].(*ast.ExprStmt); ok && c.result {
				lastStmt = es
			}
			file.Decls = append(file.Decls, &ast.FuncDecl{Name: ast.NewIdent("_"),
				Type: &ast.FuncType{Params: &ast.FieldList{}}, Body: &ast.BlockStmt{List: body}})
		}
	}
	delete(tc.declared, "_")
	// Methods added to a type of an earlier cell: the type is declared
	// again, with its earlier methods, so that the new ones belong to it.
	for _, t := range methodsOn {
		if tc.declared[t] || s.types[t] == "" {
			continue
		}
		tc.declared[t] = true
		src := "package main\ntype " + s.types[t] + "\n"
		for k, m := range s.methods {
			if strings.HasPrefix(k, t+".") {
				src += m + "\n"
			}
		}
		if f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution); err == nil {
			file.Decls = append(file.Decls, f.Decls...)
		}
	}
	// The session's imports, then the cell's (which keep their positions).
	for p, name := range s.imports {
		if _, ok := imported[name]; ok || name == "_" || name == "." {
			continue
		}
		imports.Specs = append(imports.Specs, &ast.ImportSpec{Name: ast.NewIdent(name),
			Path: &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(p)}})
	}
	for _, is := range imported {
		imports.Specs = append(imports.Specs, is)
	}
	if lastStmt != nil {
		tc.last = lastStmt.X
	}
	// x := x + 1, or a read of y before y := 1.5, reads the earlier
	// variable (reassign.go).
	prior = s.priorReads(tc, stmts)
	tc.pkg = types.NewPackage("main", "main")
	for name, obj := range s.tstate.objs {
		if !tc.declared[name] {
			tc.pkg.Scope().Insert(obj)
		} else if _, ok := obj.(*types.TypeName); ok {
			tc.redefines = true
		}
	}
	for _, id := range prior {
		if tc.pkg.Scope().Lookup(id.Name) == nil {
			obj := s.tstate.objs[strings.TrimPrefix(id.Name, priorPrefix)]
			tc.pkg.Scope().Insert(types.NewVar(obj.Pos(), tc.pkg, id.Name, obj.Type()))
		}
	}
	tc.info = &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Instances: map[*ast.Ident]types.Instance{},
		Selections: map[*ast.SelectorExpr]*types.Selection{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}}
	var all []types.Error
	conf := types.Config{Importer: im, Error: func(err error) {
		if te, ok := err.(types.Error); ok {
			all = append(all, te)
		}
	}}
	checker := types.NewChecker(&conf, fset, tc.pkg, tc.info)
	func() {
		defer func() { recover() }() // a checker crash must not cost the cell
		checker.Files([]*ast.File{file})
	}()
	for _, id := range prior {
		id.Name = strings.TrimPrefix(id.Name, priorPrefix)
	}
	if tc.last != nil {
		if tv, ok := tc.info.Types[tc.last]; ok {
			tc.rich = richMethods(im, tv.Type)
		}
	}
	seenGeneric := map[string]bool{}
	for id := range tc.info.Instances {
		seenGeneric[id.Name] = true
	}
	for _, d := range file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Type.TypeParams != nil && len(d.Type.TypeParams.List) > 0 {
				seenGeneric[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				if ts, ok := sp.(*ast.TypeSpec); ok && ts.TypeParams != nil && len(ts.TypeParams.List) > 0 {
					seenGeneric[ts.Name.Name] = true
				}
			}
		}
	}
	for n := range seenGeneric {
		tc.generic = append(tc.generic, n)
	}
	sort.Strings(tc.generic)
	cellImports := map[string]string{}
	for name, is := range imported {
		p, _ := strconv.Unquote(is.Path.Value)
		cellImports[p] = name
	}
	tc.fixes = make([]*yaegiFixes, len(chunks))
	for ci, f := range files {
		tc.fixes[ci] = findFixes(fset, f, tc.info, stmts[ci], s.qualifier(tc.pkg, cellImports))
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Pos < all[j].Pos })
	for _, e := range all {
		p := fset.Position(e.Pos)
		switch {
		case p.Filename != posFile:
			// An import of the session, or a method of an earlier cell.
		case tc.last != nil && e.Pos == tc.last.Pos() && strings.HasSuffix(e.Msg, " is not used"):
			// The cell's value, which the session shows.
		case strings.HasSuffix(e.Msg, "imported and not used"):
			// Notebooks import in one cell what later cells use.
		case strings.HasPrefix(e.Msg, "declared and not used"):
			tc.warnings = append(tc.warnings, e)
		case strings.HasPrefix(e.Msg, "undefined: ") && selectors[e.Pos] != "":
			name := strings.TrimPrefix(e.Msg, "undefined: ")
			if p := stdImportFor(im, name, selectors[e.Pos]); p != "" {
				tc.missing[name] = p
			}
			tc.errs = append(tc.errs, e)
		default:
			tc.errs = append(tc.errs, e)
		}
	}
	s.findReassigns(tc, fset, files, stmts)
	return tc
}

// importName is the name an import spec declares.
func importName(im *symImporter, is *ast.ImportSpec, p string) string {
	if is.Name != nil {
		return is.Name.Name
	}
	if n, ok := im.names[p]; ok {
		return n
	}
	return p[strings.LastIndexByte(p, '/')+1:]
}

// stdImportFor returns the import path of the standard-library package
// named name that exports sel, or "". When several do, the shortest path
// wins (math/rand over crypto/rand for rand.Int), as goimports prefers.
func stdImportFor(im *symImporter, name, sel string) string {
	var best string
	for k, syms := range stdlib.Symbols {
		i := strings.LastIndexByte(k, '/')
		if i < 0 {
			continue
		}
		p, n := k[:i], k[i+1:]
		if n != name || strings.Contains(p, "internal") {
			continue
		}
		if _, ok := syms[sel]; !ok {
			continue
		}
		if best == "" || len(p) < len(best) || (len(p) == len(best) && p < best) {
			best = p
		}
	}
	if best == "" {
		if _, ok := im.generic[name]; ok {
			best = name
		}
	}
	return best
}

// commitTypes remembers the package-level objects of a cell that compiled.
func (s *Session) commitTypes(tc *typeCheck) {
	if tc == nil || tc.pkg == nil {
		return
	}
	for _, name := range tc.pkg.Scope().Names() {
		obj := tc.pkg.Scope().Lookup(name)
		if obj.Pkg() == tc.pkg && name != "_" && !strings.HasPrefix(name, priorPrefix) {
			s.tstate.objs[name] = obj
		}
	}
}

// typeWarnings formats the check's warnings for the cell's stderr.
func (s *Session) typeWarnings(tc *typeCheck) string {
	var b strings.Builder
	for _, w := range tc.warnings {
		file, line, col, msg, ok := s.parsePos(w.Error())
		if !ok {
			continue
		}
		b.WriteString("warning: " + s.location(file, line, col) + ": " + msg + "\n")
	}
	return b.String()
}

// addImports puts import declarations for the standard-library packages a
// cell uses without importing them before its chunks, and says so on the
// cell's standard error, one line per package.
func (s *Session) addImports(chunks []chunk, missing map[string]string) []chunk {
	names := make([]string, 0, len(missing))
	for n := range missing {
		names = append(names, n)
	}
	sort.Strings(names)
	var add []chunk
	for _, n := range names {
		p := missing[n]
		c := makeChunk(declChunk, s.cellBase, "import "+strconv.Quote(p)+"\n", 1, 1)
		c.decls = []declared{{kind: token.IMPORT, name: n, path: p}}
		add = append(add, c)
		fmt.Fprintf(s.stderr.w, "note: added import %q\n", p)
	}
	return append(add, chunks...)
}

// interpreterLimit rewrites the interpreter's compile error of a cell the
// type checker found valid: yaegi's internal errors ("internal interpreter
// error while compiling: nil type") and its failures on generic code become
// a plain sentence saying what is not supported and what to write instead.
func (s *Session) interpreterLimit(ce *CellError, tc *typeCheck) *CellError {
	if tc == nil || len(tc.errs) > 0 || tc.pkg == nil {
		return ce
	}
	msg := ce.Value
	inner := strings.TrimPrefix(msg, "internal interpreter error while compiling: ")
	switch {
	case len(tc.generic) > 0:
		names := strings.Join(tc.generic, ", ")
		ce.Value = fmt.Sprintf("generic functions are not supported here: the interpreter cannot compile %s (its message: %s); write the function for the type you need, e.g. func incr(x float64) float64 instead of func incr[T int | float64](x T) T", names, inner)
	case inner != msg:
		ce.Value = fmt.Sprintf("the interpreter cannot compile this valid Go (its message: %s); write the statement another way, e.g. declare variables first (var v T) and assign them, or move the code into a function", inner)
	default:
		return ce
	}
	if n := len(ce.Traceback); n > 0 {
		ce.Traceback[n-1] = ce.Name + ": " + ce.Value
	}
	return ce
}

// trusted reports whether a type error is reported even when the
// interpreter compiles the cell: yaegi accepts some invalid Go (calling a
// variable that is not a function, a function without its final return)
// and then fails at run time or, worse, runs. Errors that may come from
// what the type checker cannot see are not trusted: the interfaces and
// generic functions of compiled packages (reflection shows no unexported
// methods and no generic functions), names declared twice in one cell
// (the session allows it), initialisation order across notebook
// variables, and types redefined across cells.
func trusted(e types.Error) bool {
	if strings.HasPrefix(e.Msg, "\t") {
		// A continuation of an error before it ("\tv refers to n" after
		// an initialization cycle), untrusted as that one is.
		return false
	}
	for _, doubt := range []string{
		"redeclared", "initialization cycle", "refers to itself", "cannot define new methods",
		"does not implement", "missing method", "could not import", "generic", "cannot infer",
		"not a type", "undefined: ", "no new variables", "declared and not used", "imported and not used",
		"main.", "cannot use _ as value", "cannot declare",
	} {
		if strings.Contains(e.Msg, doubt) {
			return false
		}
	}
	return true
}

// firstTrusted returns the first trusted error of a check, or nil.
func (tc *typeCheck) firstTrusted() error {
	if tc == nil || tc.redefines {
		return nil
	}
	for _, e := range tc.errs {
		if trusted(e) {
			return cleanTypeError(e)
		}
	}
	return nil
}

// cleanTypeError drops the package name "main." that the type checker
// writes before the types of earlier cells (each cell is checked as its
// own package).
func cleanTypeError(e types.Error) error {
	e.Msg = strings.ReplaceAll(e.Msg, "main.", "")
	return e
}
