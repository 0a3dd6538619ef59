package session

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Habits of other Go kernels' notebooks (gophernotes, GoNB) that cells may
// keep: a package clause, a func main, and types that render themselves.

// stripPackageClause blanks a leading package clause ("package main") so
// that the cell's lines and columns stay the same; anything else is
// returned unchanged.
func stripPackageClause(code string) string {
	toks := scanCell(code)
	if len(toks) < 2 || toks[0].t != token.PACKAGE || toks[1].t != token.IDENT {
		return code
	}
	end := toks[1].off + len(toks[1].lit)
	b := []byte(code)
	for i := toks[0].off; i < end; i++ {
		if b[i] != '\n' {
			b[i] = ' '
		}
	}
	return string(b)
}

// mainName is the internal name of a cell's func main. yaegi runs a
// package's main after every unit it executes; under another name it is
// an ordinary function, which the session calls once, after the cell that
// declares it.
const mainName = "__gograd_main"

// renameMain renames every identifier main of a chunk (the function, its
// calls, and any local variable so named, consistently) to mainName.
// Selectors, field names and composite-literal keys are left alone.
func renameMain(f *ast.File) {
	skip := map[*ast.Ident]bool{f.Name: true}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			skip[n.Sel] = true
		case *ast.StructType:
			for _, fl := range n.Fields.List {
				for _, id := range fl.Names {
					skip[id] = true
				}
			}
		case *ast.InterfaceType:
			for _, fl := range n.Methods.List {
				for _, id := range fl.Names {
					skip[id] = true
				}
			}
		case *ast.KeyValueExpr:
			if id, ok := n.Key.(*ast.Ident); ok {
				skip[id] = true
			}
		case *ast.FuncDecl:
			if n.Recv != nil {
				skip[n.Name] = true
			}
		case *ast.Ident:
			if n.Name == "main" && !skip[n] {
				n.Name = mainName
			}
		}
		return true
	})
}

// declaresMain reports whether a parsed declaration chunk declares func
// main, and where.
func declaresMain(f *ast.File) (token.Pos, bool) {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			return fd.Pos(), true
		}
	}
	return token.NoPos, false
}

// Types declared in cells with renderer methods (HTML() string,
// Markdown() string, LaTeX() string, SVG() string, PNG() []byte,
// MIMEBundle() map[string]any) display as such when they are a cell's
// value, and a String method gives their text/plain. yaegi hides the methods of interpreted types from compiled code
// (display.Render sees a plain struct), so the type checker finds them
// (richMethods) and the capture hands display a display.Rich carrying
// them, built inside the interpreter where the methods are callable:
//
//	func() any { v := EXPR; return display.NewRich(v).SetHTML(v) }()

// renderers are the renderer methods, with display.Rich's setter and
// display's interface for each; a String method gives text/plain.
var renderers = []struct{ method, setter, iface string }{
	{"MIMEBundle", "SetBundle", "MIMEBundler"},
	{"HTML", "SetHTML", "HTMLer"},
	{"Markdown", "SetMarkdown", "Markdowner"},
	{"LaTeX", "SetLaTeX", "LaTeXer"},
	{"SVG", "SetSVG", "SVGer"},
	{"PNG", "SetPNG", "PNGer"},
}

// richMethods returns the setters of display.Rich that a value of type t
// needs: none unless t is (a pointer to) a type declared in a cell with a
// renderer method.
func richMethods(im *symImporter, t types.Type) []string {
	if t == nil {
		return nil
	}
	base := t
	if p, ok := t.(*types.Pointer); ok {
		base = p.Elem()
	}
	n, ok := base.(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != "main" {
		return nil
	}
	disp, err := im.Import("github.com/gograd/gograd/display")
	if err != nil {
		return nil
	}
	var out []string
	for _, r := range renderers {
		obj := disp.Scope().Lookup(r.iface)
		if obj == nil {
			continue
		}
		if iface, ok := obj.Type().Underlying().(*types.Interface); ok && types.Implements(t, iface) {
			out = append(out, r.setter)
		}
	}
	if fmtPkg, err := im.Import("fmt"); err == nil {
		if obj := fmtPkg.Scope().Lookup("Stringer"); obj != nil {
			if iface, ok := obj.Type().Underlying().(*types.Interface); ok && types.Implements(t, iface) {
				out = append(out, "SetText")
			}
		}
	}
	return out
}

// richValue wraps a captured expression in a display.Rich carrying the
// given setters' renderers; with none, it returns x.
func richValue(x ast.Expr, setters []string) ast.Expr {
	if len(setters) == 0 {
		return x
	}
	pos := x.Pos()
	v := func() *ast.Ident { return &ast.Ident{NamePos: pos, Name: "__gograd_v"} }
	var chain ast.Expr = &ast.CallExpr{Fun: &ast.SelectorExpr{X: ast.NewIdent("display"), Sel: ast.NewIdent("NewRich")}, Lparen: pos, Args: []ast.Expr{v()}}
	for _, set := range setters {
		chain = &ast.CallExpr{Fun: &ast.SelectorExpr{X: chain, Sel: ast.NewIdent(set)}, Lparen: pos, Args: []ast.Expr{v()}}
	}
	lit := &ast.FuncLit{
		Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{}, Results: &ast.FieldList{List: []*ast.Field{{Type: ast.NewIdent("any")}}}},
		Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{
			&ast.AssignStmt{Lhs: []ast.Expr{v()}, Tok: token.DEFINE, TokPos: pos, Rhs: []ast.Expr{x}},
			&ast.ReturnStmt{Return: pos, Results: []ast.Expr{chain}},
		}},
	}
	return &ast.CallExpr{Fun: lit, Lparen: pos}
}
