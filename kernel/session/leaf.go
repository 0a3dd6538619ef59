package session

import (
	"go/ast"
	"go/token"
)

// Leaf functions need no recursion guard. The guard costs a call of
// compiled code (hundreds of nanoseconds in yaegi) per interpreted call, so
// it is left out of functions that cannot take part in a recursion: every
// cycle of interpreted calls contains a function that calls an interpreted
// function or obtains one as a value, and isLeaf rejects both. A function
// is a leaf when:
//
//   - its parameters and results have predeclared basic types, pointers to
//     package types (*ad.Tensor), or slices, arrays and maps of those (no
//     function, interface or cell-declared types, which could carry
//     interpreted functions into compiled code that calls them);
//   - it calls only package functions (pkg.F) and builtins, and converts
//     only to basic types;
//   - every selector is pkg.Name (no fields or methods);
//   - it contains no function literal, go or defer statement; and
//   - it names no package-level function or variable of the session.
//
// Typical numeric helpers (func f(x *ad.Tensor) *ad.Tensor { return
// ad.Sum(ad.Mul(x, x)) }) are leaves; anything recursive is not.

var basicTypes = map[string]bool{
	"bool": true, "string": true, "byte": true, "rune": true, "int": true, "int8": true,
	"int16": true, "int32": true, "int64": true, "uint": true, "uint8": true, "uint16": true,
	"uint32": true, "uint64": true, "uintptr": true, "float32": true, "float64": true,
	"complex64": true, "complex128": true,
}

// leafScope is what isLeaf knows of the names around a function.
type leafScope struct {
	pkgs    map[string]bool // import names
	globals map[string]bool // package-level functions and variables
}

func (sc leafScope) typeOK(t ast.Expr) bool {
	switch t := t.(type) {
	case *ast.Ident:
		return basicTypes[t.Name]
	case *ast.StarExpr:
		sel, ok := t.X.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		id, ok := sel.X.(*ast.Ident)
		return ok && sc.pkgs[id.Name]
	case *ast.ArrayType:
		return sc.typeOK(t.Elt)
	case *ast.MapType:
		return sc.typeOK(t.Key) && sc.typeOK(t.Value)
	case *ast.Ellipsis:
		return sc.typeOK(t.Elt)
	}
	return false
}

func (sc leafScope) fieldsOK(fl *ast.FieldList) bool {
	if fl == nil {
		return true
	}
	for _, f := range fl.List {
		if !sc.typeOK(f.Type) {
			return false
		}
	}
	return true
}

// isLeaf reports whether a function with type ft and body needs no
// recursion guard (see above).
func (sc leafScope) isLeaf(ft *ast.FuncType, body *ast.BlockStmt) bool {
	if ft == nil || body == nil || !sc.fieldsOK(ft.Params) || !sc.fieldsOK(ft.Results) {
		return false
	}
	leaf := true
	ast.Inspect(body, func(n ast.Node) bool {
		if !leaf {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt:
			leaf = false
		case *ast.CallExpr:
			switch fn := n.Fun.(type) {
			case *ast.Ident:
				if !builtinFuncs[fn.Name] && !basicTypes[fn.Name] {
					leaf = false
				}
			case *ast.SelectorExpr:
				if id, ok := fn.X.(*ast.Ident); !ok || !sc.pkgs[id.Name] {
					leaf = false
				}
			default:
				leaf = false
			}
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); !ok || !sc.pkgs[id.Name] {
				leaf = false
			}
			return false // do not visit Sel as an identifier
		case *ast.Ident:
			if sc.globals[n.Name] {
				leaf = false
			}
		}
		return leaf
	})
	return leaf
}

// leafBodies returns the file offsets of the opening braces of the leaf
// functions declared in f.
func (sc leafScope) leafBodies(fset *token.FileSet, f *ast.File) map[int]bool {
	leaves := map[int]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		var ft *ast.FuncType
		var body *ast.BlockStmt
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Name.Name == stmtWrapper || n.Recv != nil {
				return true
			}
			ft, body = n.Type, n.Body
		case *ast.FuncLit:
			ft, body = n.Type, n.Body
		default:
			return true
		}
		if body != nil && sc.isLeaf(ft, body) {
			leaves[fset.File(body.Lbrace).Offset(body.Lbrace)] = true
		}
		return true
	})
	return leaves
}

// cellGlobals adds to globals the package-level functions and variables
// a chunk declares.
func cellGlobals(f *ast.File, kind chunkKind, globals map[string]bool) {
	addGen := func(d ast.Decl) {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			return
		}
		for _, sp := range gd.Specs {
			for _, n := range sp.(*ast.ValueSpec).Names {
				globals[n.Name] = true
			}
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Name.Name != stmtWrapper {
				if d.Recv == nil {
					globals[d.Name.Name] = true
				}
				continue
			}
			if kind != stmtChunk || d.Body == nil {
				continue
			}
			for _, st := range d.Body.List {
				switch st := st.(type) {
				case *ast.AssignStmt:
					if st.Tok == token.DEFINE {
						for _, l := range st.Lhs {
							if id, ok := l.(*ast.Ident); ok {
								globals[id.Name] = true
							}
						}
					}
				case *ast.DeclStmt:
					addGen(st.Decl)
				}
			}
		case *ast.GenDecl:
			addGen(d)
		}
	}
}
