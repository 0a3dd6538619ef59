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
//
// A comma-ok initialiser (`var v, ok = m["c"]`, x.(T), <-c) is moved the
// same way, whatever it mentions, since yaegi fails with "nil type" on
// it: `func __gograd_init<uid>_0(m2 M) (int, bool) { __v, __ok := m2["c"];
// return __v, __ok }`, the chunk's own variables it mentions (m2 here)
// passed as arguments of the same names, so that the call still depends
// on them.

// varInitFix is an initialiser to move: the source of its type.
type varInitFix struct {
	typ string
	// results is set when typ is the whole function type (several
	// results, from a call).
	results bool
	// commaOK is set for a comma-ok initialiser (var v, ok = m[k], x.(T),
	// <-c): the function defines the two values and returns them.
	commaOK bool
	// args names the chunk's own variables the function takes, as
	// parameters of the same names (typ lists them).
	args []string
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
		if len(vs.Values) == 1 && len(vs.Names) == 2 && isCommaOK(vs.Values[0]) {
			// var v, ok = m[k]: yaegi v0.16.1 fails with "nil type" on a
			// comma-ok initialiser of package-level variables (smallest
			// cell: `m := map[string]int{}` then `var v, ok = m["c"]`).
			// It becomes a function returning the two values, unless it
			// mentions a variable of the chunk itself, whose initialisation
			// order the move would hide.
			v := vs.Values[0]
			tup, ok := info.Types[v].Type.(*types.Tuple)
			if !ok || tup.Len() != 2 {
				continue
			}
			// The chunk's own variables it mentions are passed to the
			// function (of the same names), so that yaegi still sees the
			// dependency and initialises them first.
			var params []string
			ps := ""
			for _, o := range ownUsed(v, info, own) {
				params = append(params, o.Name())
				if ps != "" {
					ps += ", "
				}
				ps += o.Name() + " " + types.TypeString(o.Type(), qual)
			}
			ts := "func(" + ps + ") ("
			for k := 0; k < 2; k++ {
				t := tup.At(k).Type()
				if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
					t = types.Default(t)
				}
				if k > 0 {
					ts += ", "
				}
				ts += types.TypeString(t, qual)
			}
			ts += ")"
			if _, err := parser.ParseExpr(ts); err == nil {
				if out == nil {
					out = map[int]varInitFix{}
				}
				out[fset.Position(v.Pos()).Offset] = varInitFix{typ: ts, results: true, commaOK: true, args: params}
			}
			continue
		}
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
			ts, ok := writableType(o.Type(), qual)
			if !ok {
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

// isCommaOK reports whether e is an index, type assertion or receive
// expression, which give a second value (ok) when two names are defined.
func isCommaOK(e ast.Expr) bool {
	switch u := ast.Unparen(e).(type) {
	case *ast.IndexExpr, *ast.TypeAssertExpr:
		return true
	case *ast.UnaryExpr:
		return u.Op == token.ARROW
	}
	return false
}

// ownUsed returns the variables of own that e mentions, once each, in
// order of first mention.
func ownUsed(e ast.Expr, info *types.Info, own map[types.Object]bool) []*types.Var {
	var out []*types.Var
	seen := map[*types.Var]bool{}
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok && own[v] && !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
		return true
	})
	return out
}

// usesOtherGlobal reports whether e mentions a package-level variable that
// is not one of own.
func usesOtherGlobal(e ast.Expr, info *types.Info, own map[types.Object]bool) bool {
	return usesGlobal(e, info, own, false)
}

// usesGlobal reports whether e mentions a package-level variable that is
// one of own (mine) or not (!mine).
func usesGlobal(e ast.Expr, info *types.Info, own map[types.Object]bool, mine bool) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || found {
			return !found
		}
		v, ok := info.Uses[id].(*types.Var)
		if ok && !v.IsField() && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() && own[v] == mine {
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
					if pt.Params != nil {
						ft.Params = pt.Params
					}
				}
				name := "__gograd_init" + uid + "_" + strconv.Itoa(len(funcs))
				body := []ast.Stmt{&ast.ReturnStmt{Return: pos, Results: []ast.Expr{v}}}
				if fx.commaOK {
					// __v, __ok := EXPR; return __v, __ok
					body = []ast.Stmt{
						&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("__v"), ast.NewIdent("__ok")}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{v}},
						&ast.ReturnStmt{Return: pos, Results: []ast.Expr{ast.NewIdent("__v"), ast.NewIdent("__ok")}},
					}
				}
				funcs = append(funcs, &ast.FuncDecl{
					Name: &ast.Ident{NamePos: pos, Name: name},
					Type: ft,
					Body: &ast.BlockStmt{Lbrace: pos, List: body, Rbrace: v.End()},
				})
				call := &ast.CallExpr{Fun: &ast.Ident{NamePos: pos, Name: name}, Lparen: pos, Rparen: v.End()}
				for _, a := range fx.args {
					call.Args = append(call.Args, &ast.Ident{NamePos: pos, Name: a})
				}
				vs.Values[k] = call
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
