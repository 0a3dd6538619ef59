package session

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
)

// Rewrites of valid Go that yaegi v0.16.1 cannot compile or runs wrongly.
// Each is applied to the syntax tree of a chunk before the interpreter
// compiles it; those that need types are located by the type checker
// (typecheck.go) and keyed by the byte offset of the statement in the
// chunk's source, so that rebuilding the compile checker from the history
// applies them again.

// yaegiFixes lists the typed rewrites of one chunk.
type yaegiFixes struct {
	// rangeInt holds the offsets of range statements over an integer:
	// yaegi fails with "nil type" on `for i := range 10` (smallest cell:
	// `for i := range 3 { println(i) }`). They become
	// `{ __n := N; for i := __n - __n; i < __n; i++ { … } }`, where i has
	// N's type and N is evaluated once, as the language says.
	rangeInt map[int]bool
	// commaOK holds the offsets of top-level comma-ok definitions (v, ok :=
	// m[k], x.(T), <-ch) with the types of their two names (""
	// for _): yaegi fails with "nil type" on them in top-level code
	// (smallest cell: `m := map[string]int{}` then `v, ok := m["c"]`).
	// They become `var v T; var ok bool; v, ok = m[k]`.
	commaOK map[int][2]string
	// rangeChan and sendSelect hold the offsets of the range statements
	// over a channel and of the send statements to a channel whose
	// element type is not an interface, which chanOps (chans.go) makes
	// interruptible; for a send of an untyped constant, the element type
	// to convert it to (a select does not convert it).
	rangeChan  map[int]bool
	sendSelect map[int]string
	// methodVals holds the method values, by the offset of the method's
	// name (methval.go).
	methodVals map[int]methodValueFix
	// recvDefine holds, for the offsets of top-level := statements with a
	// receive, the types of the names they define ("" for _), so that
	// chanOps can keep the receive's temporaries out of the package scope.
	recvDefine map[int][]string
	// varInits holds the initialisers of package-level variables that
	// mention variables of earlier units, by offset (varinit.go).
	varInits map[int]varInitFix
	// bounds holds the index and slice expressions of slices, arrays and
	// strings, by the offset of their bracket (bounds.go).
	bounds map[int]boundsKind
	// reassign holds the offsets of top-level := statements that only
	// give notebook variables new values of their types: they become
	// assignments (reassign.go).
	reassign map[int]bool
	// funcResults holds the offsets of the calls on the right of an
	// assignment whose value is a function (see parenFuncResults).
	funcResults map[int]bool
	// nilOperands holds the offsets of the untyped nils on the right of
	// an assignment of several values, with the type of the operand they
	// are assigned to: yaegi fails with "runtime error: New(nil)" on them
	// (smallest cell: `var a, b *int` then `a, b = nil, nil`). They
	// become conversions, (T)(nil).
	nilOperands map[int]string
	// indexDefs holds the offsets of the operands of top-level :=
	// statements that index a slice, array, map or string, with their
	// types: yaegi v0.16.1 cannot type such an operand when the indexed
	// value has a compiled package's type (`sh := t.Shape()`, then `n :=
	// sh[0]`: "constant definition loop"; `y := xs[0] * 2` with xs from
	// t.Data(): a nil pointer dereference while compiling). They become
	// conversions to their own type, (T)(x[i]), which yaegi types from T.
	indexDefs map[int]string
}

// findFixes records, for a chunk parsed as f, the rewrites its types call
// for.
func findFixes(fset *token.FileSet, f *ast.File, info *types.Info, stmts []ast.Stmt, qual types.Qualifier) *yaegiFixes {
	fx := &yaegiFixes{}
	ast.Inspect(f, func(n ast.Node) bool {
		findChanFixes(fset, info, n, fx, qual)
		rs, ok := n.(*ast.RangeStmt)
		if !ok || rs.Tok == token.ASSIGN {
			return true
		}
		if tv, ok := info.Types[rs.X]; ok && tv.Type != nil {
			if b, ok := tv.Type.Underlying().(*types.Basic); ok && b.Info()&types.IsInteger != 0 {
				if fx.rangeInt == nil {
					fx.rangeInt = map[int]bool{}
				}
				fx.rangeInt[fset.Position(rs.Pos()).Offset] = true
			}
		}
		return true
	})
	for _, st := range stmts {
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
			continue
		}
		if ts, ok := commaOKTypes(info, as.Lhs, as.Rhs[0], qual); ok {
			if fx.commaOK == nil {
				fx.commaOK = map[int][2]string{}
			}
			fx.commaOK[fset.Position(as.Pos()).Offset] = ts
		}
	}
	fx.methodVals = findMethodValues(fset, f, info, qual)
	findTopRecvDefines(fset, info, stmts, fx, qual)
	fx.varInits = findVarInits(fset, f, info, qual)
	fx.bounds = findBounds(fset, f, info)
	fx.funcResults = findFuncResults(fset, f, info)
	fx.nilOperands = findNilOperands(fset, f, info, qual)
	fx.indexDefs = findIndexDefs(fset, info, stmts, qual)
	if fx.indexDefs == nil && fx.nilOperands == nil && fx.rangeInt == nil && fx.commaOK == nil && fx.rangeChan == nil && fx.sendSelect == nil && fx.methodVals == nil && fx.recvDefine == nil && fx.varInits == nil && fx.bounds == nil && fx.funcResults == nil {
		return nil
	}
	return fx
}

// commaOKTypes returns the types of a comma-ok expression's two values as
// source text ("" for a blank name), or false when
// x is not a comma-ok expression or a type cannot be written.
func commaOKTypes(info *types.Info, lhs []ast.Expr, x ast.Expr, qual types.Qualifier) ([2]string, bool) {
	var ts [2]string
	switch u := ast.Unparen(x).(type) {
	case *ast.IndexExpr, *ast.TypeAssertExpr:
	case *ast.UnaryExpr:
		if u.Op != token.ARROW {
			return ts, false
		}
	default:
		return ts, false
	}
	tv, ok := info.Types[x]
	if !ok {
		return ts, false
	}
	tup, ok := tv.Type.(*types.Tuple)
	if !ok || tup.Len() != 2 {
		return ts, false
	}
	for k := 0; k < 2; k++ {
		if id, ok := lhs[k].(*ast.Ident); ok && id.Name == "_" {
			continue
		}
		t := tup.At(k).Type()
		if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
			t = types.Default(t)
		}
		var ok bool
		if ts[k], ok = writableType(t, qual); !ok {
			return ts, false
		}
	}
	return ts, true
}

// qualifier names packages as the session imported them; a package not
// imported makes the type unusable in a rewrite.
func (s *Session) qualifier(pkg *types.Package, cell map[string]string) types.Qualifier {
	return func(p *types.Package) string {
		if p == nil || p.Path() == "main" || p == pkg {
			return ""
		}
		if n, ok := cell[p.Path()]; ok {
			return n
		}
		if n, ok := s.imports[p.Path()]; ok {
			return n
		}
		return "?" + p.Path() // not valid Go: the rewrite is not made
	}
}

// applyFixes rewrites the chunk's syntax tree. body is the statement
// wrapper's body (nil for declarations).
func applyFixes(fset *token.FileSet, f *ast.File, body *ast.BlockStmt, fx *yaegiFixes) {
	if body != nil && fx != nil && len(fx.reassign) > 0 {
		applyReassigns(fset, body, fx.reassign)
	}
	if body != nil {
		discardBlanks(body)
	}
	if fx == nil {
		return
	}
	off := func(n ast.Node) int { return fset.Position(n.Pos()).Offset }
	if len(fx.commaOK) > 0 && body != nil {
		var list []ast.Stmt
		for _, st := range body.List {
			as, ok := st.(*ast.AssignStmt)
			ts, found := fx.commaOK[off(st)]
			if !ok || !found {
				list = append(list, st)
				continue
			}
			for k, e := range as.Lhs {
				id, _ := e.(*ast.Ident)
				if ts[k] == "" || id == nil {
					continue
				}
				// At the statement's position: yaegi finds the imports
				// of a package-qualified type (*ad.Tensor) through it.
				t, _ := parseTypeAt(ts[k], as.Pos())
				list = append(list, &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, TokPos: as.Pos(),
					Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(id.Name)}, Type: t}}}})
			}
			as.Tok = token.ASSIGN
			list = append(list, as)
		}
		body.List = list
	}
	if len(fx.rangeInt) > 0 {
		rewriteRangeInt(f, fx.rangeInt, off)
	}
	if len(fx.funcResults) > 0 {
		parenFuncResults(f, fx.funcResults, off)
	}
	if len(fx.nilOperands) > 0 {
		convertNils(f, fx.nilOperands, off)
	}
	if len(fx.indexDefs) > 0 && body != nil {
		for _, st := range body.List {
			if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
				convertOperands(as, fx.indexDefs, off)
			}
		}
	}
}

// findIndexDefs returns the operands of the top-level := statements
// stmts that index a slice, array, map or string (outside function
// literals), by offset, with their types as source text (see
// yaegiFixes.indexDefs), or nil. An operand whose type cannot be written,
// or names a type declared in a cell (renamed when redefined), is left as
// it is.
func findIndexDefs(fset *token.FileSet, info *types.Info, stmts []ast.Stmt, qual types.Qualifier) map[int]string {
	var out map[int]string
	for _, st := range stmts {
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE || len(as.Lhs) != len(as.Rhs) {
			continue
		}
		for _, e := range as.Rhs {
			if !indexesContainer(info, e) {
				continue
			}
			tv, ok := info.Types[e]
			if !ok || !tv.IsValue() || tv.Type == nil {
				continue
			}
			if b, ok := tv.Type.(*types.Basic); ok && (b.Info()&types.IsUntyped != 0 || b.Kind() == types.Invalid) {
				continue
			}
			own := false
			ts, ok := writableType(tv.Type, func(p *types.Package) string {
				q := qual(p)
				own = own || q == ""
				return q
			})
			if ok && !own {
				recordAt(&out, fset, e, ts)
			}
		}
	}
	return out
}

// indexesContainer reports whether e indexes a slice, array, pointer to
// an array, map or string outside a function literal.
func indexesContainer(info *types.Info, e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IndexExpr:
			t := info.TypeOf(n.X)
			if t == nil {
				return true
			}
			u := t.Underlying()
			if p, ok := u.(*types.Pointer); ok {
				u = p.Elem().Underlying()
			}
			switch u := u.(type) {
			case *types.Slice, *types.Array, *types.Map:
				found = true
			case *types.Basic:
				found = found || u.Info()&types.IsString != 0
			}
		}
		return !found
	})
	return found
}

// convertOperands makes the operands of as at the given offsets
// conversions to their types, (T)(x).
func convertOperands(as *ast.AssignStmt, at map[int]string, off func(ast.Node) int) {
	for k, e := range as.Rhs {
		ts, ok := at[off(e)]
		if !ok {
			continue
		}
		if t, err := parseTypeAt(ts, e.Pos()); err == nil {
			as.Rhs[k] = &ast.CallExpr{Fun: &ast.ParenExpr{Lparen: e.Pos(), X: t, Rparen: e.Pos()}, Lparen: e.Pos(), Args: []ast.Expr{e}, Rparen: e.End() - 1}
		}
	}
}

// findNilOperands returns the untyped nils on the right of the
// assignments of several values of f, by offset, with the type of their
// destination as source text (see yaegiFixes.nilOperands), or nil. A nil
// whose type cannot be written is left as it is.
func findNilOperands(fset *token.FileSet, f *ast.File, info *types.Info, qual types.Qualifier) map[int]string {
	var out map[int]string
	ast.Inspect(f, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Tok != token.ASSIGN || len(as.Rhs) < 2 || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for k, e := range as.Rhs {
			tv, ok := info.Types[e]
			if !ok || !tv.IsNil() {
				continue
			}
			t := info.TypeOf(as.Lhs[k])
			if t == nil {
				continue
			}
			if ts, ok := writableType(t, qual); ok {
				recordAt(&out, fset, e, ts)
			}
		}
		return true
	})
	return out
}

// convertNils makes the nils at the given offsets conversions to their
// types (see findNilOperands).
func convertNils(f *ast.File, at map[int]string, off func(ast.Node) int) {
	ast.Inspect(f, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && as.Tok == token.ASSIGN {
			convertOperands(as, at, off)
		}
		return true
	})
}

// A call of a compiled function whose result is a function, assigned with
// = (also a := the session makes an assignment, reassign.go), wrote its
// result over the destination's frame slot in yaegi v0.16.1, instead of
// storing it in the variable, element or pointee:
//
//   - an element or a pointee kept its old value, silently
//     (`s := make([]func(), 1)`, `s[0] = sync.OnceFunc(f)`: s[0] == nil;
//     the same for a[0] and *p);
//   - a variable could not be assigned again ("reflect.Value.Set using
//     unaddressable value" on `o = sync.OnceFunc(f)` then `o = nil`);
//   - a function literal among the call's arguments, run again in a later
//     cell, kept the previous run's value of the variable, and with it all
//     the runs before: `g = ad.Grad(func(x *ad.Tensor) *ad.Tensor {…})`
//     held ~35 KiB more of live heap per run.
//
// yaegi stores a call's result straight into the destination when the
// right side is the call itself; in parentheses it is stored into the
// call's own slot and then assigned, as any other value. So those calls
// are put in parentheses.

// findFuncResults returns the offsets of the calls of f that are an
// operand on the right of an assignment or definition and whose value is
// a function, or nil.
func findFuncResults(fset *token.FileSet, f *ast.File, info *types.Info) map[int]bool {
	var out map[int]bool
	ast.Inspect(f, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for _, e := range as.Rhs {
			c, ok := e.(*ast.CallExpr)
			if !ok {
				continue
			}
			tv, ok := info.Types[c]
			if !ok || !tv.IsValue() || tv.Type == nil {
				continue
			}
			if _, ok := tv.Type.Underlying().(*types.Signature); !ok {
				continue
			}
			if out == nil {
				out = map[int]bool{}
			}
			out[fset.Position(c.Pos()).Offset] = true
		}
		return true
	})
	return out
}

// parenFuncResults puts the calls at the given offsets, operands on the
// right of assignments, in parentheses (see findFuncResults).
func parenFuncResults(f *ast.File, at map[int]bool, off func(ast.Node) int) {
	ast.Inspect(f, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for k, e := range as.Rhs {
			if c, ok := e.(*ast.CallExpr); ok && at[off(c)] {
				as.Rhs[k] = &ast.ParenExpr{Lparen: c.Pos(), X: c, Rparen: c.End() - 1}
			}
		}
		return true
	})
}

// rewriteRangeInt replaces the range-over-integer statements at the given
// offsets (see yaegiFixes.rangeInt).
func rewriteRangeInt(f *ast.File, at map[int]bool, off func(ast.Node) int) {
	var replace func(list []ast.Stmt) []ast.Stmt
	replace = func(list []ast.Stmt) []ast.Stmt {
		for k, st := range list {
			target := st
			var label *ast.LabeledStmt
			if ls, ok := st.(*ast.LabeledStmt); ok {
				label, target = ls, ls.Stmt
			}
			rs, ok := target.(*ast.RangeStmt)
			if !ok || !at[off(rs)] {
				continue
			}
			pos := rs.Pos()
			n := &ast.Ident{NamePos: pos, Name: "__gograd_n" + strconv.Itoa(off(rs))}
			key := &ast.Ident{NamePos: pos, Name: "__gograd_i"}
			if id, ok := rs.Key.(*ast.Ident); ok {
				key = id
			}
			loop := &ast.ForStmt{
				For:  pos,
				Init: &ast.AssignStmt{Lhs: []ast.Expr{key}, Tok: token.DEFINE, TokPos: pos, Rhs: []ast.Expr{&ast.BinaryExpr{X: ast.NewIdent(n.Name), Op: token.SUB, Y: ast.NewIdent(n.Name)}}},
				Cond: &ast.BinaryExpr{X: ast.NewIdent(key.Name), Op: token.LSS, Y: ast.NewIdent(n.Name)},
				Post: &ast.IncDecStmt{X: ast.NewIdent(key.Name), Tok: token.INC, TokPos: pos},
				Body: rs.Body,
			}
			var inner ast.Stmt = loop
			if label != nil {
				label.Stmt = loop
				inner = label
			}
			list[k] = &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{
				&ast.AssignStmt{Lhs: []ast.Expr{n}, Tok: token.DEFINE, TokPos: pos, Rhs: []ast.Expr{rs.X}},
				inner,
			}, Rbrace: rs.End()}
		}
		return list
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			n.List = replace(n.List)
		case *ast.CaseClause:
			n.Body = replace(n.Body)
		case *ast.CommClause:
			n.Body = replace(n.Body)
		}
		return true
	})
}

// discardBlanks rewrites top-level assignments to blanks only (_ = x,
// _, _ = f()) into a call of a compiled function that discards its
// arguments. In yaegi v0.16.1 the blank identifier of top-level code is a
// variable whose type is fixed by its first use: after `f, _ :=
// os.OpenFile(…)` (an error), `_ = ad.MatMul(a, a)` panicked with
// "reflect.Set: value of type *ad.Tensor is not assignable to type error".
// So is the blank of a top-level definition (f, _ := os.Open(…) becomes
// f, __gograd_blank1 := …, a variable of the session's that holds the last
// value so discarded), so that no top-level statement types the blank and
// `_ = x` in top-level loops (not rewritten: a compiled call per iteration
// would cost) works too.
func discardBlanks(body *ast.BlockStmt) {
	for k, st := range body.List {
		as, ok := st.(*ast.AssignStmt)
		if !ok {
			continue
		}
		if as.Tok == token.ASSIGN && allBlank(as.Lhs) {
			body.List[k] = &ast.ExprStmt{X: rtCall(as.Pos(), "Discard", as.Rhs...)}
			continue
		}
		if as.Tok != token.DEFINE {
			continue
		}
		// f, _ := os.Open(…) would give the blank its type: the value goes
		// to a variable of the session's instead.
		n := 0
		for j, e := range as.Lhs {
			if id, ok := e.(*ast.Ident); ok && id.Name == "_" {
				n++
				as.Lhs[j] = &ast.Ident{NamePos: id.NamePos, Name: "__gograd_blank" + strconv.Itoa(n)}
			}
		}
	}
}

func allBlank(es []ast.Expr) bool {
	for _, e := range es {
		if id, ok := e.(*ast.Ident); !ok || id.Name != "_" {
			return false
		}
	}
	return len(es) > 0
}
