package session

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
)

// Package-level variables initialised from variables of earlier units.
// yaegi v0.16.1 orders the initialisers of a unit's package-level var
// declarations by the package-level variables they mention, and counts
// as initialised only the variables of the unit itself: an initialiser
// that mentions a variable of an earlier cell (or of a statement chunk
// before it in the same cell) never becomes ready, and the unit fails
// with "variable definition loop" (smallest cells: `g := 2.5`, then `var
// z float64 = g`; also `var h = func() float64 { return g }`).
//
// Each such initialiser (located by the type checker: it uses a
// package-level variable the chunk does not declare) is moved into a
// function of its own, declared in the same chunk and called by the
// declaration: `var z float64 = __gograd_init<uid>_0()`, with
// `func __gograd_init<uid>_0() float64 { return g }`. yaegi does not look
// into called functions for dependencies, and the value is the same,
// computed when the declaration runs.

// varInitFix is an initialiser to move: the source of its type.
type varInitFix struct {
	typ string
	// results is set when typ is the whole function type (several
	// results, from a call).
	results bool
}

// findVarInits records, for a declaration chunk parsed as f, the
// initialisers to move, keyed by their offset.
func findVarInits(fset *token.FileSet, f *ast.File, info *types.Info, qual types.Qualifier) map[int]varInitFix {
	if info == nil || info.Uses == nil || info.Defs == nil {
		return nil
	}
	own := map[types.Object]bool{}
	var specs []*ast.ValueSpec
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			for _, id := range vs.Names {
				if o := info.Defs[id]; o != nil {
					own[o] = true
				}
			}
			specs = append(specs, vs)
		}
	}
	var out map[int]varInitFix
	for _, vs := range specs {
		if len(vs.Values) == 1 && len(vs.Names) > 1 {
			// var a, b = f(g): a function of the call's results.
			v := vs.Values[0]
			if _, ok := ast.Unparen(v).(*ast.CallExpr); !ok || !usesOtherGlobal(v, info, own) {
				continue
			}
			ts, ok := "", true
			for k, id := range vs.Names {
				o := info.Defs[id]
				if o == nil || id.Name == "_" {
					ok = false
					break
				}
				if k > 0 {
					ts += ", "
				}
				ts += types.TypeString(o.Type(), qual)
			}
			if ok {
				ts = "func() (" + ts + ")"
				if _, err := parser.ParseExpr(ts); err == nil {
					if out == nil {
						out = map[int]varInitFix{}
					}
					out[fset.Position(v.Pos()).Offset] = varInitFix{typ: ts, results: true}
				}
			}
			continue
		}
		if len(vs.Values) != len(vs.Names) {
			continue
		}
		for k, v := range vs.Values {
			if !usesOtherGlobal(v, info, own) {
				continue
			}
			o := info.Defs[vs.Names[k]]
			if o == nil {
				continue
			}
			ts := types.TypeString(o.Type(), qual)
			if _, err := parser.ParseExpr(ts); err != nil {
				continue
			}
			if out == nil {
				out = map[int]varInitFix{}
			}
			out[fset.Position(v.Pos()).Offset] = varInitFix{typ: ts}
		}
	}
	return out
}

// usesOtherGlobal reports whether e mentions a package-level variable that
// is not one of own.
func usesOtherGlobal(e ast.Expr, info *types.Info, own map[types.Object]bool) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || found {
			return !found
		}
		v, ok := info.Uses[id].(*types.Var)
		if ok && !v.IsField() && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() && !own[v] {
			found = true
		}
		return true
	})
	return found
}

// rewriteVarInits moves the initialisers found by findVarInits into
// functions (before the type renames, which then rename the types written
// here too).
func rewriteVarInits(fset *token.FileSet, f *ast.File, at map[int]varInitFix, uid string) {
	if len(at) == 0 {
		return
	}
	var funcs []ast.Decl
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			for k, v := range vs.Values {
				fx, ok := at[fset.Position(v.Pos()).Offset]
				if !ok {
					continue
				}
				pos := v.Pos()
				typ, err := parseTypeAt(fx.typ, pos)
				if err != nil {
					continue
				}
				ft := &ast.FuncType{Func: pos, Params: &ast.FieldList{}, Results: &ast.FieldList{List: []*ast.Field{{Type: typ}}}}
				if fx.results {
					pt, ok := typ.(*ast.FuncType)
					if !ok {
						continue
					}
					ft.Results = pt.Results
				}
				name := "__gograd_init" + uid + "_" + strconv.Itoa(len(funcs))
				funcs = append(funcs, &ast.FuncDecl{
					Name: &ast.Ident{NamePos: pos, Name: name},
					Type: ft,
					Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{&ast.ReturnStmt{Return: pos, Results: []ast.Expr{v}}}, Rbrace: v.End()},
				})
				vs.Values[k] = &ast.CallExpr{Fun: &ast.Ident{NamePos: pos, Name: name}, Lparen: pos, Rparen: v.End()}
			}
		}
	}
	// Before the declarations (after the imports): yaegi gives a call of
	// a function declared later in the unit no results in a var
	// declaration with several names.
	at0 := 0
	for at0 < len(f.Decls) {
		if gd, ok := f.Decls[at0].(*ast.GenDecl); !ok || gd.Tok != token.IMPORT {
			break
		}
		at0++
	}
	f.Decls = append(f.Decls[:at0], append(funcs, f.Decls[at0:]...)...)
}
