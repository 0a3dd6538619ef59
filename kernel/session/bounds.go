package session

import (
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"runtime"
	"strings"
)

// Index and slice bounds errors in Go's words. yaegi v0.16.1 indexes and
// slices through reflect, whose panics carry no values ("reflect: slice
// index out of range"; smallest cell: `xs := []int{1, 2, 3}` then `xs[5]`),
// where Go says "index out of range [5] with length 3". The values are
// gone once the panic has unwound the frame, so a statement that indexes
// or slices a slice, array or string is preceded by a check of the same
// bounds, `if i < 0 || i >= len(xs) { __gograd.Index(i, len(xs)) }`, and
// Index panics with the runtime's own error for those values. Only
// statements whose evaluation cannot change the operands are checked: no
// calls but len, cap and conversions, no receive, and an index on the
// right of && or || is left alone (it may not be evaluated). In loop
// bodies, only statements that also call a function (other than len, cap
// and conversions: fmt.Println(xs[i]), s += f(xs[i]), append) are
// checked, for speed: a check costs some 20-50 ns, a third of the
// iteration of a small loop of arithmetic but a few percent of one with a
// call (BenchmarkLoopIndexCall: 445-459 cpu-ns per iteration with the
// check, 420-435 without, load 10); the errors of the others keep the
// generic "runtime error: index out of range" or "slice bounds out of
// range".

// boundsKind says what an index or slice expression's operand is.
type boundsKind byte

const (
	boundsSlice  boundsKind = 's'
	boundsArray  boundsKind = 'a' // an array or a pointer to one
	boundsString boundsKind = 't'
	// boundsConv marks an expression with an index of a type other than
	// int: the check converts it to int.
	boundsConv boundsKind = 0x80
)

// findBounds records the index and slice expressions of slices, arrays and
// strings, by the offset of their opening bracket.
func findBounds(fset *token.FileSet, f *ast.File, info *types.Info) map[int]boundsKind {
	var out map[int]boundsKind
	kindOf := func(x ast.Expr) (boundsKind, bool) {
		tv, ok := info.Types[x]
		if !ok || tv.Type == nil {
			return 0, false
		}
		t := tv.Type.Underlying()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem().Underlying()
			if _, ok := t.(*types.Array); !ok {
				return 0, false
			}
		}
		switch t := t.(type) {
		case *types.Slice:
			return boundsSlice, true
		case *types.Array:
			return boundsArray, true
		case *types.Basic:
			if t.Info()&types.IsString != 0 {
				return boundsString, true
			}
		}
		return 0, false
	}
	// conv reports whether an index is typed and not an int.
	conv := func(es ...ast.Expr) bool {
		for _, e := range es {
			if e == nil {
				continue
			}
			tv := info.Types[e]
			if b, ok := tv.Type.(*types.Basic); !ok || (b.Kind() != types.Int && b.Kind() != types.UntypedInt && b.Kind() != types.UntypedRune) {
				return true
			}
		}
		return false
	}
	add := func(lbrack token.Pos, k boundsKind) {
		if out == nil {
			out = map[int]boundsKind{}
		}
		out[fset.Position(lbrack).Offset] = k
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IndexExpr:
			k, ok := kindOf(n.X)
			if !ok {
				return true
			}
			if tv := info.Types[n.Index]; tv.Value != nil && (k != boundsSlice || info.Types[n.X].Value != nil) {
				return true // checked when compiling
			}
			if conv(n.Index) {
				k |= boundsConv
			}
			add(n.Lbrack, k)
		case *ast.SliceExpr:
			if k, ok := kindOf(n.X); ok {
				if conv(n.Low, n.High, n.Max) {
					k |= boundsConv
				}
				add(n.Lbrack, k)
			}
		}
		return true
	})
	return out
}

// checkBounds puts the bounds checks before the statements of every
// function body of f (and of top-level code's wrapper): in loop bodies,
// only before those that call a function.
func checkBounds(fset *token.FileSet, f *ast.File, at map[int]boundsKind) {
	if len(at) == 0 {
		return
	}
	kind := func(lbrack token.Pos) (boundsKind, bool) {
		k, ok := at[fset.Position(lbrack).Offset]
		return k, ok
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Body != nil {
				boundsBlock(n.Body, kind, false)
			}
		case *ast.FuncLit:
			boundsBlock(n.Body, kind, false)
		}
		return true
	})
}

// boundsBlock checks the statements of a block; in a loop body (loop),
// only those that call a function.
func boundsBlock(b *ast.BlockStmt, kind func(token.Pos) (boundsKind, bool), loop bool) {
	b.List = boundsList(b.List, kind, loop)
}

func boundsList(list []ast.Stmt, kind func(token.Pos) (boundsKind, bool), loop bool) []ast.Stmt {
	var out []ast.Stmt
	for _, st := range list {
		var exprs []ast.Expr
		switch st := st.(type) {
		case *ast.AssignStmt:
			// The right side is evaluated first; an index on the left
			// fails when it is assigned, after it.
			exprs = append(append(exprs, st.Rhs...), st.Lhs...)
			if st.Tok == token.DEFINE {
				exprs = st.Rhs
			}
		case *ast.ExprStmt:
			exprs = []ast.Expr{st.X}
		case *ast.ReturnStmt:
			exprs = st.Results
		case *ast.IncDecStmt:
			exprs = []ast.Expr{st.X}
		case *ast.DeclStmt:
			if gd, ok := st.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				for _, sp := range gd.Specs {
					if vs, ok := sp.(*ast.ValueSpec); ok {
						exprs = append(exprs, vs.Values...)
					}
				}
			}
		case *ast.IfStmt:
			if st.Init == nil {
				exprs = []ast.Expr{st.Cond}
			}
			boundsBlock(st.Body, kind, loop)
			switch e := st.Else.(type) {
			case *ast.BlockStmt:
				boundsBlock(e, kind, loop)
			case *ast.IfStmt:
				e2 := boundsList([]ast.Stmt{e}, kind, loop)
				if len(e2) == 1 {
					st.Else = e2[0]
				} else {
					st.Else = &ast.BlockStmt{Lbrace: e.Pos(), List: e2}
				}
			}
		case *ast.BlockStmt:
			boundsBlock(st, kind, loop)
		case *ast.ForStmt:
			boundsBlock(st.Body, kind, true)
		case *ast.RangeStmt:
			boundsBlock(st.Body, kind, true)
		case *ast.SwitchStmt:
			if st.Init == nil && st.Tag != nil {
				exprs = []ast.Expr{st.Tag}
			}
			for _, c := range st.Body.List {
				if cc, ok := c.(*ast.CaseClause); ok {
					cc.Body = boundsList(cc.Body, kind, loop)
				}
			}
		case *ast.TypeSwitchStmt:
			for _, c := range st.Body.List {
				if cc, ok := c.(*ast.CaseClause); ok {
					cc.Body = boundsList(cc.Body, kind, loop)
				}
			}
		}
		if !loop || hasCall(exprs) {
			out = append(out, boundsChecks(exprs, kind)...)
		}
		out = append(out, st)
	}
	return out
}

// boundsChecks returns the checks of the index and slice expressions of
// exprs (in evaluation order), innermost first. An expression is checked
// only when nothing evaluated before it can have changed its operands or
// have failed first: those after a call other than len, cap or a
// conversion, or a receive, are not checked, nor those on the right of
// && or ||, which may not be evaluated at all.
func boundsChecks(exprs []ast.Expr, kind func(token.Pos) (boundsKind, bool)) []ast.Stmt {
	var checks []ast.Stmt
	effect := false // a call or receive was evaluated
	var walk func(e ast.Expr, maySkip bool)
	walk = func(e ast.Expr, maySkip bool) {
		if effect || e == nil {
			return
		}
		switch e := e.(type) {
		case *ast.BinaryExpr:
			walk(e.X, maySkip)
			walk(e.Y, maySkip || e.Op == token.LAND || e.Op == token.LOR)
		case *ast.UnaryExpr:
			walk(e.X, maySkip)
			if e.Op == token.ARROW {
				effect = true
			}
		case *ast.ParenExpr:
			walk(e.X, maySkip)
		case *ast.StarExpr:
			walk(e.X, maySkip)
		case *ast.SelectorExpr:
			walk(e.X, maySkip)
		case *ast.CallExpr:
			walk(e.Fun, maySkip)
			for _, a := range e.Args {
				walk(a, maySkip)
			}
			if !pureCall(e) {
				effect = true
			}
		case *ast.CompositeLit:
			for _, el := range e.Elts {
				walk(el, maySkip)
			}
		case *ast.KeyValueExpr:
			walk(e.Key, maySkip)
			walk(e.Value, maySkip)
		case *ast.IndexExpr:
			walk(e.X, maySkip)
			walk(e.Index, maySkip)
			if k, found := kind(e.Lbrack); found && !maySkip && !effect && pureExpr(e.X) && pureExpr(e.Index) {
				checks = append(checks, indexCheck(e, k))
			}
		case *ast.SliceExpr:
			walk(e.X, maySkip)
			walk(e.Low, maySkip)
			walk(e.High, maySkip)
			walk(e.Max, maySkip)
			if k, found := kind(e.Lbrack); found && !maySkip && !effect && pureExpr(e.X) && pureExpr(e.Low) && pureExpr(e.High) && pureExpr(e.Max) {
				if c := sliceCheck(e, k); c != nil {
					checks = append(checks, c)
				}
			}
		case *ast.TypeAssertExpr:
			walk(e.X, maySkip)
			effect = true // it may fail first
		case *ast.FuncLit:
			// Its body is checked as a function of its own.
		case *ast.Ident, *ast.BasicLit:
		default:
			effect = true
		}
	}
	for _, e := range exprs {
		walk(e, false)
	}
	return checks
}

// hasCall reports whether exprs call a function other than len, cap or a
// conversion (outside function literals).
func hasCall(exprs []ast.Expr) bool {
	found := false
	for _, e := range exprs {
		ast.Inspect(e, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CallExpr:
				found = found || !pureCall(n)
			}
			return !found
		})
	}
	return found
}

// pureCall reports whether a call is of len or cap, or a conversion to a
// predeclared numeric type, which change nothing.
func pureCall(c *ast.CallExpr) bool {
	id, ok := c.Fun.(*ast.Ident)
	if !ok || c.Ellipsis.IsValid() {
		return false
	}
	switch id.Name {
	case "len", "cap", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "float64", "float32", "byte", "rune":
		return true
	}
	return false
}

// pureExpr reports whether e can be evaluated again, before its
// statement, with the same value and no effect: names, constants,
// fields, dereferences, arithmetic, index expressions and pure calls.
func pureExpr(e ast.Expr) bool {
	switch e := e.(type) {
	case nil:
		return true
	case *ast.Ident:
		return e.Name != "_"
	case *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return pureExpr(e.X)
	case *ast.SelectorExpr:
		return pureExpr(e.X)
	case *ast.StarExpr:
		return pureExpr(e.X)
	case *ast.UnaryExpr:
		return e.Op != token.ARROW && e.Op != token.AND && pureExpr(e.X)
	case *ast.BinaryExpr:
		return pureExpr(e.X) && pureExpr(e.Y)
	case *ast.IndexExpr:
		return pureExpr(e.X) && pureExpr(e.Index)
	case *ast.CallExpr:
		if !pureCall(e) || len(e.Args) != 1 {
			return false
		}
		return pureExpr(e.Args[0])
	}
	return false
}

// indexCheck returns `if i >= len(x) { __gograd.Index(i, len(x)) }`, and
// checks i < 0 too when i subtracts (xs[i-1], the usual way to a negative
// index): each comparison costs some 50 ns in the interpreter, and a
// negative index the check misses still fails, in reflect's words.
func indexCheck(e *ast.IndexExpr, k boundsKind) ast.Stmt {
	pos := e.Lbrack
	i := toIntExpr(e.Index, k)
	var cond ast.Expr = &ast.BinaryExpr{X: i, Op: token.GEQ, Y: lenOf(e.X)}
	if subtracts(e.Index) {
		cond = &ast.BinaryExpr{X: &ast.BinaryExpr{X: i, Op: token.LSS, Y: intLit(0)}, Op: token.LOR, Y: cond}
	}
	return &ast.IfStmt{If: pos, Cond: cond, Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{
		&ast.ExprStmt{X: rtCall(pos, "Index", e.Index, lenOf(e.X))}}}}
}

// sliceCheck returns the check of x[lo:hi:max]: `if lo < 0 || hi < lo ||
// hi > cap(x) { __gograd.Slice(kind, len(x), cap(x), lo, hi, max) }`, with
// the omitted bounds left out (nil for Slice) and len for cap where x is
// a string.
func sliceCheck(e *ast.SliceExpr, k boundsKind) ast.Stmt {
	pos := e.Lbrack
	capX := &ast.CallExpr{Fun: ast.NewIdent("cap"), Args: []ast.Expr{e.X}}
	if k&^boundsConv == boundsString {
		capX = lenOf(e.X)
	}
	or := func(a, b ast.Expr) ast.Expr {
		if a == nil {
			return b
		}
		return &ast.BinaryExpr{X: a, Op: token.LOR, Y: b}
	}
	lt := func(a, b ast.Expr) ast.Expr { return &ast.BinaryExpr{X: a, Op: token.LSS, Y: b} }
	var cond ast.Expr
	lo, hi, mx := e.Low, e.High, e.Max
	// Each given bound is at most the next one given, the last at most
	// the capacity (the length when only lo is given).
	bounds := []ast.Expr{}
	for _, b := range []ast.Expr{lo, hi, mx} {
		if b != nil {
			bounds = append(bounds, toIntExpr(b, k))
		}
	}
	if len(bounds) > 0 {
		cond = lt(bounds[0], intLit(0))
	}
	for i := 0; i+1 < len(bounds); i++ {
		cond = or(cond, lt(bounds[i+1], bounds[i]))
	}
	if len(bounds) > 0 {
		limit := ast.Expr(capX)
		if hi == nil && mx == nil {
			limit = lenOf(e.X)
		}
		cond = or(cond, lt(limit, bounds[len(bounds)-1]))
	}
	if cond == nil {
		return nil
	}
	arg := func(b ast.Expr) ast.Expr {
		if b == nil {
			return ast.NewIdent("nil")
		}
		return b
	}
	call := rtCall(pos, "Slice", strLit(string(k&^boundsConv)), lenOf(e.X), capX, arg(lo), arg(hi), arg(mx))
	return &ast.IfStmt{If: pos, Cond: cond, Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{&ast.ExprStmt{X: call}}}}
}

// toIntExpr returns int(x) when k says the bounds are not ints, else x.
func toIntExpr(x ast.Expr, k boundsKind) ast.Expr {
	if k&boundsConv == 0 {
		return x
	}
	return &ast.CallExpr{Fun: ast.NewIdent("int"), Args: []ast.Expr{x}}
}

// subtracts reports whether e has a subtraction or a negation.
func subtracts(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			found = found || n.Op == token.SUB
		case *ast.UnaryExpr:
			found = found || n.Op == token.SUB
		}
		return !found
	})
	return found
}

func lenOf(x ast.Expr) *ast.CallExpr {
	return &ast.CallExpr{Fun: ast.NewIdent("len"), Args: []ast.Expr{x}}
}

// panicIndex is __gograd.Index: it panics with the runtime's error for
// index i of something of length n.
func panicIndex(i any, n int) {
	v := toInt(i)
	_ = make([]struct{}, n)[v]
}

// panicSlice is __gograd.Slice: it panics with the runtime's error for
// the slice expression [lo:hi:max] (nil for an omitted bound) of a slice
// (kind "s"), array ("a") or string ("t") of length n and capacity c.
func panicSlice(kind string, n, c int, lo, hi, max any) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(runtime.Error); ok && kind != string(boundsSlice) {
				// Arrays and strings have no capacity beyond their length.
				panic(lengthError{e})
			}
			panic(r)
		}
	}()
	s := make([]struct{}, n, c)
	l, h := 0, n
	if lo != nil {
		l = toInt(lo)
	}
	if hi != nil {
		h = toInt(hi)
	}
	if max != nil {
		_ = s[l:h:toInt(max)]
		return
	}
	if hi == nil {
		_ = s[l:]
		return
	}
	_ = s[l:h]
}

// lengthError says "length" where the runtime's error says "capacity".
type lengthError struct{ err error }

func (e lengthError) Error() string {
	return strings.Replace(e.err.Error(), " with capacity ", " with length ", 1)
}
func (e lengthError) RuntimeError() {}

// toInt converts an integer of any type to int (saturating).
func toInt(x any) int {
	v := reflect.ValueOf(x)
	switch {
	case v.CanInt():
		return int(v.Int())
	case v.CanUint():
		if u := v.Uint(); u <= uint64(^uint(0)>>1) {
			return int(u)
		}
		return int(^uint(0) >> 1)
	case v.CanFloat(): // an untyped constant
		return int(v.Float())
	}
	return 0
}
