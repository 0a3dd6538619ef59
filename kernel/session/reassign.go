package session

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// A top-level := of a name an earlier cell (or statement) defined made a
// new variable in yaegi v0.16.1, in a slot of its own: functions and
// function literals compiled before kept reading the old one, silently
// (`n := 10`, `func f() int { return n }`, then `n := 20`: f() returned
// 10). A := whose names all are notebook variables already, each given a
// value of its own type, is therefore compiled as an assignment (`n = 20`):
// everything compiled before sees the new value, as in IPython. One that
// changes a variable's type (or mixes new names, blanks or receives)
// still declares new variables; the session then treats the names as
// redefined (redefine.go): functions of earlier cells reading them are
// compiled again, and what still reads the earlier variable is named.

// priorPrefix renames, for the type check only, a read of the earlier
// variable on the right of a := that defines the name again.
const priorPrefix = "__gograd_prior_"

// priorReads renames, for the type check, the reads of the earlier
// variable of a name the cell defines again with :=, made before or on the
// right of its first := in the cell (x := x + 1; fmt.Println(y) before y
// := 1.5): the checker sees the cell's := as package-level variables, so
// it would type them as the new variable (x := x + 1 a cycle), where the
// interpreter reads the earlier one. Only names of variables of earlier
// cells whose type the checker knows are renamed. It records them in
// tc.priorReads and returns them (renamed back after the check).
func (s *Session) priorReads(tc *typeCheck, stmts [][]ast.Stmt) []*ast.Ident {
	firstDef := map[string]int{}
	idx := 0
	for _, list := range stmts {
		for _, st := range list {
			if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
				for _, e := range as.Lhs {
					id, ok := e.(*ast.Ident)
					if !ok || id.Name == "_" || s.untrustedVars[id.Name] {
						continue
					}
					if _, ok := firstDef[id.Name]; ok {
						continue
					}
					if _, ok := s.tstate.objs[id.Name].(*types.Var); ok {
						firstDef[id.Name] = idx
					}
				}
			}
			idx++
		}
	}
	if len(firstDef) == 0 {
		return nil
	}
	var out []*ast.Ident
	rename := func(n ast.Node, at int) {
		skip := map[*ast.Ident]bool{}
		ast.Inspect(n, func(n ast.Node) bool {
			markNonRefs(n, skip)
			if n, ok := n.(*ast.Ident); ok {
				if d, ok := firstDef[n.Name]; ok && d >= at && !skip[n] {
					out = append(out, n)
				}
			}
			return true
		})
	}
	idx = 0
	for _, list := range stmts {
		for _, st := range list {
			if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
				for _, r := range as.Rhs {
					rename(r, idx)
				}
				for _, l := range as.Lhs {
					if _, ok := l.(*ast.Ident); !ok {
						rename(l, idx)
					}
				}
			} else {
				rename(st, idx+1) // not a definition: reads only
			}
			idx++
		}
	}
	if tc.priorReads == nil {
		tc.priorReads = map[*ast.Ident]bool{}
	}
	for _, id := range out {
		tc.priorReads[id] = true
		id.Name = priorPrefix + id.Name
	}
	return out
}

// findReassigns records, for each top-level := of the cell, whether it
// becomes an assignment (the chunk's fixes.reassign) or redeclares
// variables of earlier statements (tc.redefVars), and which names each
// chunk defines (tc.defs) and whether the checker's type for them can be
// trusted (see Session.untrustedVars).
//
// The checker sees a cell's := as package-level variables declared in any
// order, so a statement reading a name the cell defines later (x := y
// before y := 1.5, or x := x + 1) gets the later type in the checker and
// the earlier one in the interpreter: such names, those of a cell with
// errors, and those of chunks that did not run are untrusted until a
// chunk defines them again cleanly, and are never reassigned.
func (s *Session) findReassigns(tc *typeCheck, fset *token.FileSet, files []*ast.File, stmts [][]ast.Stmt) {
	tc.redefVars = make([][]string, len(stmts))
	tc.defs = make([]chunkDefs, len(stmts))
	clean := len(tc.errs) == 0 && !tc.redefines
	pathQ := func(p *types.Package) string { return p.Path() }
	same := func(a, b types.Type) bool {
		if a == nil || b == nil {
			return false
		}
		if types.Identical(a, b) {
			return true
		}
		// Compiled packages' types are built again for every check.
		sa := types.TypeString(a, pathQ)
		return sa == types.TypeString(b, pathQ) && !strings.Contains(sa, "main.")
	}
	// The statement indexes (over the whole cell) of the := defining each
	// name. The checker types every read of a name the cell defines as
	// the cell's first definition (cellType): right when the read comes
	// after it and the variable then has that type (known).
	defsOf := map[string][]int{}
	idx := 0
	for _, list := range stmts {
		for _, st := range list {
			if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
				for _, e := range as.Lhs {
					if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
						defsOf[id.Name] = append(defsOf[id.Name], idx)
					}
				}
			}
			idx++
		}
	}
	cellType := map[string]types.Type{}
	// The variables known before each statement, with their types.
	known := map[string]types.Type{}
	for name, obj := range s.tstate.objs {
		if v, ok := obj.(*types.Var); ok && !s.untrustedVars[name] {
			known[name] = v.Type()
		}
	}
	typedRight := func(name string, at int) bool {
		ds := defsOf[name]
		if len(ds) == 0 {
			return true
		}
		t0, ok := cellType[name]
		cur, ok2 := known[name]
		return ds[0] < at && ok && ok2 && same(t0, cur)
	}
	idx = 0
	for ci, list := range stmts {
		if list == nil && files[ci] != nil {
			// A declaration chunk: its variables.
			for _, d := range files[ci].Decls {
				if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
					for _, sp := range gd.Specs {
						for _, id := range sp.(*ast.ValueSpec).Names {
							if id.Name != "_" {
								tc.defs[ci].clean = append(tc.defs[ci].clean, id.Name)
								delete(known, id.Name)
								if obj := tc.info.Defs[id]; obj != nil {
									tc.setHolds(ci, fset, id, obj.Type())
								}
							}
						}
					}
				}
			}
		}
		for _, st := range list {
			here := idx
			idx++
			tc.recordHolds(ci, fset, st)
			as, ok := st.(*ast.AssignStmt)
			if !ok || as.Tok != token.DEFINE {
				continue
			}
			orderly := clean
			for _, r := range as.Rhs {
				ast.Inspect(r, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok && !tc.priorReads[id] && !typedRight(id.Name, here) {
						orderly = false
					}
					return orderly
				})
			}
			vts := valueTypes(tc.info, as)
			flip := orderly
			var redecl, names []string
			for k, e := range as.Lhs {
				id, ok := e.(*ast.Ident)
				if !ok || id.Name == "_" {
					flip = false
					continue
				}
				names = append(names, id.Name)
				old, had := known[id.Name]
				if _, ok := s.tstate.objs[id.Name].(*types.Var); ok || had {
					redecl = append(redecl, id.Name)
				}
				if !had || vts == nil || !same(old, vts[k]) {
					flip = false
				}
			}
			off := fset.Position(as.Pos()).Offset
			if fx := tc.fixes[ci]; fx != nil {
				// Those have rewrites of their own.
				if _, ok := fx.recvDefine[off]; ok {
					flip = false
				}
				if _, ok := fx.commaOK[off]; ok {
					flip = false
				}
			}
			switch {
			case flip:
				if tc.fixes[ci] == nil {
					tc.fixes[ci] = &yaegiFixes{}
				}
				if tc.fixes[ci].reassign == nil {
					tc.fixes[ci].reassign = map[int]bool{}
				}
				tc.fixes[ci].reassign[off] = true
			default:
				if id := readsOwnNames(as, known, s.tstate.objs); id != nil && tc.selfRead == nil {
					tc.selfRead = types.Error{Fset: fset, Pos: id.Pos(), Msg: fmt.Sprintf(
						"%[1]s := … reads the earlier %[1]s, which the interpreter cannot do when the := gives %[1]s a value of another type or defines other names too (it would read a new, zero %[1]s): compute the value into another variable first (v := …), then write %[1]s := v", id.Name)}
				}
				tc.redefVars[ci] = append(tc.redefVars[ci], redecl...)
				if orderly && vts != nil {
					tc.defs[ci].clean = append(tc.defs[ci].clean, names...)
				} else {
					tc.defs[ci].dirty = append(tc.defs[ci].dirty, names...)
				}
			}
			for k, e := range as.Lhs {
				id, ok := e.(*ast.Ident)
				if !ok || id.Name == "_" {
					continue
				}
				if orderly && vts != nil {
					known[id.Name] = vts[k]
					if ds := defsOf[id.Name]; len(ds) > 0 && ds[0] == here {
						cellType[id.Name] = vts[k]
					}
				} else {
					delete(known, id.Name)
				}
			}
		}
	}
}

// readsOwnNames returns a read, on the right of the top-level := as
// outside function literals, of a name it defines that is a variable
// already (known, or of an earlier cell), or nil. yaegi v0.16.1 reads the
// new variable there (zero): `n := 10`, then `n := fmt.Sprint(n, "!")`
// made n "!".
func readsOwnNames(as *ast.AssignStmt, known map[string]types.Type, objs map[string]types.Object) *ast.Ident {
	own := map[string]bool{}
	for _, e := range as.Lhs {
		if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
			_, isVar := objs[id.Name].(*types.Var)
			if _, ok := known[id.Name]; ok || isVar {
				own[id.Name] = true
			}
		}
	}
	if len(own) == 0 {
		return nil
	}
	var found *ast.Ident
	skip := map[*ast.Ident]bool{}
	for _, r := range as.Rhs {
		ast.Inspect(r, func(n ast.Node) bool {
			markNonRefs(n, skip)
			switch n := n.(type) {
			case *ast.FuncLit:
				return false // read when called: the new variable is right
			case *ast.Ident:
				if own[n.Name] && !skip[n] && found == nil {
					found = n
				}
			}
			return found == nil
		})
	}
	return found
}

// recordHolds records whether the variables a top-level statement sets
// as a whole (x := v, x = v, var x = v) can hold a function, from their
// types (see holdsFunc).
func (tc *typeCheck) recordHolds(ci int, fset *token.FileSet, st ast.Stmt) {
	switch st := st.(type) {
	case *ast.AssignStmt:
		var vts []types.Type
		if st.Tok == token.DEFINE {
			vts = valueTypes(tc.info, st)
		}
		for k, l := range st.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok || id.Name == "_" {
				continue
			}
			switch {
			case st.Tok == token.DEFINE && vts != nil:
				tc.setHolds(ci, fset, id, vts[k])
			case st.Tok == token.ASSIGN && tc.info.Uses[id] != nil:
				tc.setHolds(ci, fset, id, tc.info.Uses[id].Type())
			}
		}
	case *ast.DeclStmt:
		if gd, ok := st.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			for _, sp := range gd.Specs {
				for _, id := range sp.(*ast.ValueSpec).Names {
					if obj := tc.info.Defs[id]; obj != nil {
						tc.setHolds(ci, fset, id, obj.Type())
					}
				}
			}
		}
	}
}

// setHolds records whether a variable of type t, named at id, can hold a
// function.
func (tc *typeCheck) setHolds(ci int, fset *token.FileSet, id *ast.Ident, t types.Type) {
	if tc.holds == nil {
		tc.holds = make([]map[int]bool, len(tc.fixes))
	}
	if tc.holds[ci] == nil {
		tc.holds[ci] = map[int]bool{}
	}
	tc.holds[ci][fset.Position(id.Pos()).Offset] = holdsFunc(t, map[types.Type]bool{})
}

// holdsFunc reports whether a value of type t may hold a function of the
// session: a function, an interface, or a composite or a type of a cell
// holding one; a struct of a compiled package may (a *display.Widget
// holds its callbacks), except ad's Tensor.
func holdsFunc(t types.Type, seen map[types.Type]bool) bool {
	if t == nil {
		return true
	}
	if seen[t] {
		return false
	}
	seen[t] = true
	switch u := t.(type) {
	case *types.Basic:
		return false
	case *types.Named:
		o := u.Obj()
		if o.Pkg() != nil && o.Pkg().Path() != "main" {
			if o.Pkg().Path() == "github.com/gograd/gograd/ad" && o.Name() == "Tensor" {
				return false
			}
			if _, ok := u.Underlying().(*types.Struct); ok {
				return true
			}
		}
		return holdsFunc(u.Underlying(), seen)
	case *types.Pointer:
		return holdsFunc(u.Elem(), seen)
	case *types.Slice:
		return holdsFunc(u.Elem(), seen)
	case *types.Array:
		return holdsFunc(u.Elem(), seen)
	case *types.Chan:
		return holdsFunc(u.Elem(), seen)
	case *types.Map:
		return holdsFunc(u.Key(), seen) || holdsFunc(u.Elem(), seen)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if holdsFunc(u.Field(i).Type(), seen) {
				return true
			}
		}
		return false
	}
	return true // functions, interfaces, anything else
}

// chunkDefs are the package-level variables a chunk defines, whose type
// the checker knows (clean) or may not (dirty).
type chunkDefs struct{ clean, dirty []string }

// trustDefs records, once a chunk has run (ran) or was not run or failed
// (!ran), whether the checker's types for the variables it defines can be
// trusted by a later := (see findReassigns).
func (s *Session) trustDefs(d chunkDefs, ran bool) {
	for _, n := range d.clean {
		if ran {
			delete(s.untrustedVars, n)
			s.funcText["var "+n] = "" // a variable now (see redefined)
		} else {
			s.untrustedVars[n] = true
		}
	}
	for _, n := range d.dirty {
		s.untrustedVars[n] = true
	}
}

// valueTypes returns the types of the values a := gives its names (an
// untyped constant's default type), or nil when unknown.
func valueTypes(info *types.Info, as *ast.AssignStmt) []types.Type {
	out := make([]types.Type, len(as.Lhs))
	switch {
	case len(as.Rhs) == len(as.Lhs):
		for k, r := range as.Rhs {
			tv, ok := info.Types[r]
			if !ok || tv.Type == nil {
				return nil
			}
			out[k] = tv.Type
		}
	case len(as.Rhs) == 1:
		tv, ok := info.Types[as.Rhs[0]]
		if !ok {
			return nil
		}
		tup, ok := tv.Type.(*types.Tuple)
		if !ok || tup.Len() != len(as.Lhs) {
			return nil
		}
		for k := range out {
			out[k] = tup.At(k).Type()
		}
	default:
		return nil
	}
	for k, t := range out {
		if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
			out[k] = types.Default(t)
		}
		if _, ok := out[k].(*types.Tuple); ok {
			return nil
		}
	}
	return out
}

// applyReassigns turns the top-level := statements at the offsets of
// reassign into assignments.
func applyReassigns(fset *token.FileSet, body *ast.BlockStmt, reassign map[int]bool) {
	for _, st := range body.List {
		if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE && reassign[fset.Position(as.Pos()).Offset] {
			as.Tok = token.ASSIGN
		}
	}
}
