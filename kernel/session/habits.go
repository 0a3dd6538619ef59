package session

import (
	"go/ast"
	"go/token"
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
