package session

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"strconv"

	"golang.org/x/tools/go/ast/astutil"
)

// Method values. yaegi v0.16.1 does not copy a method value's receiver when
// the method value is evaluated: the method value reads the receiver from
// the receiver expression's slot each time it is called, so method values
// made in a loop all use the last receiver (smallest cell, with `type num
// struct{ v int }; func (n num) Get() int { return n.v }` declared:
// `var fs []func() int; for _, n := range []num{{1}, {2}} { fs =
// append(fs, n.Get) }; fmt.Println(fs[0](), fs[1]())` printed 2 2), a
// value receiver changed after the method value was taken is seen by it,
// and a method value of a compiled type (`t.Item` of a *ad.Tensor) does
// not compile ("cannot use type func(*ad.Tensor) float64 as type func()
// float64").
//
// Each method value x.M that the type checker finds (a selection of kind
// types.MethodVal not in call position) is rewritten into
//
//	func() <type of x.M> { __gograd_recv := <receiver>; return __gograd_recv.M }()
//
// which evaluates and copies the receiver once, as Go does, into a frame of
// its own per evaluation. <receiver> is x followed by the embedded fields
// the method is promoted through, with & added when M has a pointer
// receiver and the operand is not a pointer (x is addressable: Go takes
// its address), and * when M has a value receiver and the operand is a
// pointer (Go copies the value pointed to). An interface's method value
// copies the interface value.

// methodValueFix is one method value to rewrite: the method value's type
// and the receiver's addressing, as source text.
type methodValueFix struct {
	typ   string   // the method value's function type
	path  []string // embedded fields between x and the method's receiver
	addr  bool     // take the address of the receiver
	deref bool     // copy the value the receiver points to
	// wrap is set for methods of compiled types and of interfaces, whose
	// method values yaegi cannot make or call right: the method value
	// becomes a function literal calling the method on the copy. params
	// is then the source of the literal's signature with the parameters
	// named __gograd_a0, __gograd_a1, ..., and results says whether it
	// has results.
	wrap     bool
	params   string
	nparams  int
	results  bool
	variadic bool
}

// findMethodValues records the method values of a chunk, keyed by the
// offset of their selector's name.
func findMethodValues(fset *token.FileSet, f *ast.File, info *types.Info, qual types.Qualifier) map[int]methodValueFix {
	if info == nil || info.Selections == nil {
		return nil
	}
	called := map[*ast.SelectorExpr]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if se, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr); ok {
				called[se] = true
			}
		}
		return true
	})
	var out map[int]methodValueFix
	ast.Inspect(f, func(n ast.Node) bool {
		se, ok := n.(*ast.SelectorExpr)
		if !ok || called[se] {
			return true
		}
		sel, ok := info.Selections[se]
		if !ok || sel.Kind() != types.MethodVal {
			return true
		}
		fx, ok := methodValueOf(sel, info.Types[se].Type, qual)
		if !ok {
			return true
		}
		if out == nil {
			out = map[int]methodValueFix{}
		}
		out[fset.Position(se.Sel.Pos()).Offset] = fx
		return true
	})
	return out
}

// methodValueOf works out the rewrite of one method value, or false when
// its type cannot be written in the cell (a type parameter, an unexported
// type of a compiled package).
func methodValueOf(sel *types.Selection, t types.Type, qual types.Qualifier) (methodValueFix, bool) {
	var fx methodValueFix
	sig, ok := t.(*types.Signature)
	if !ok || sig.TypeParams() != nil {
		return fx, false
	}
	if fx.typ, ok = writableType(sig, qual); !ok {
		return fx, false
	}
	fn, ok := sel.Obj().(*types.Func)
	if !ok {
		return fx, false
	}
	msig, ok := fn.Type().(*types.Signature)
	if !ok || msig.Recv() == nil {
		return fx, false
	}
	// Walk the embedded fields to the method's receiver.
	cur := sel.Recv()
	idx := sel.Index()
	for _, i := range idx[:len(idx)-1] {
		st, ok := derefType(cur).Underlying().(*types.Struct)
		if !ok || i >= st.NumFields() {
			return fx, false
		}
		fld := st.Field(i)
		fx.path = append(fx.path, fld.Name())
		cur = fld.Type()
	}
	if types.IsInterface(cur) || fn.Pkg() == nil || fn.Pkg().Path() != "main" {
		fx.wrap = true
		fx.nparams = sig.Params().Len()
		fx.variadic = sig.Variadic()
		fx.results = sig.Results().Len() > 0
		fx.params = "func("
		for i := 0; i < fx.nparams; i++ {
			if i > 0 {
				fx.params += ", "
			}
			pt := sig.Params().At(i).Type()
			fx.params += "__gograd_a" + strconv.Itoa(i) + " "
			if fx.variadic && i == fx.nparams-1 {
				fx.params += "..."
				pt = pt.(*types.Slice).Elem()
			}
			fx.params += types.TypeString(pt, qual)
		}
		fx.params += ")"
		if r := sig.Results(); r.Len() > 0 {
			fx.params += " " + types.TypeString(r, qual)
		}
		if _, err := parser.ParseExpr(fx.params); err != nil {
			return fx, false
		}
	}
	if types.IsInterface(cur) {
		return fx, true // the interface value is copied
	}
	_, ptrOperand := cur.Underlying().(*types.Pointer)
	_, ptrRecv := msig.Recv().Type().(*types.Pointer)
	switch {
	case ptrRecv && !ptrOperand:
		fx.addr = true
	case !ptrRecv && ptrOperand:
		fx.deref = true
	}
	return fx, true
}

func derefType(t types.Type) types.Type {
	if p, ok := t.(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// rewriteMethodValues replaces the method values found by
// findMethodValues in a freshly parsed chunk (before the type renames,
// which then rename the types written here too).
func rewriteMethodValues(fset *token.FileSet, f *ast.File, at map[int]methodValueFix) {
	if len(at) == 0 {
		return
	}
	var rewrite func(e ast.Expr) ast.Expr
	rewrite = func(e ast.Expr) ast.Expr {
		se, ok := e.(*ast.SelectorExpr)
		if !ok {
			return e
		}
		fx, ok := at[fset.Position(se.Sel.Pos()).Offset]
		if !ok {
			return e
		}
		pos := se.Pos()
		typ, err := parseTypeAt(fx.typ, pos)
		if err != nil {
			return e
		}
		recv := se.X
		for _, name := range fx.path {
			recv = &ast.SelectorExpr{X: recv, Sel: &ast.Ident{NamePos: pos, Name: name}}
		}
		switch {
		case fx.addr:
			recv = &ast.UnaryExpr{OpPos: pos, Op: token.AND, X: recv}
		case fx.deref:
			recv = &ast.StarExpr{Star: pos, X: recv}
		}
		r := &ast.Ident{NamePos: pos, Name: "__gograd_recv"}
		var val ast.Expr = &ast.SelectorExpr{X: &ast.Ident{NamePos: pos, Name: r.Name}, Sel: se.Sel}
		if fx.wrap {
			ft, err := parseTypeAt(fx.params, pos)
			if err != nil {
				return e
			}
			call := &ast.CallExpr{Fun: val, Lparen: pos, Rparen: pos}
			for i := 0; i < fx.nparams; i++ {
				call.Args = append(call.Args, &ast.Ident{NamePos: pos, Name: "__gograd_a" + strconv.Itoa(i)})
			}
			if fx.variadic {
				call.Ellipsis = pos
			}
			var st ast.Stmt = &ast.ExprStmt{X: call}
			if fx.results {
				st = &ast.ReturnStmt{Return: pos, Results: []ast.Expr{call}}
			}
			val = &ast.FuncLit{Type: ft.(*ast.FuncType), Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{st}, Rbrace: se.End()}}
		}
		lit := &ast.FuncLit{
			Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{}, Results: &ast.FieldList{List: []*ast.Field{{Type: typ}}}},
			Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{
				&ast.AssignStmt{Lhs: []ast.Expr{r}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{recv}},
				&ast.ReturnStmt{Return: pos, Results: []ast.Expr{val}},
			}, Rbrace: se.End()},
		}
		return &ast.CallExpr{Fun: lit, Lparen: pos, Rparen: se.End()}
	}
	astutil.Apply(f, nil, func(c *astutil.Cursor) bool {
		if e, ok := c.Node().(ast.Expr); ok {
			if ne := rewrite(e); ne != e {
				c.Replace(ne)
			}
		}
		return true
	})
}

// parseTypeAt parses the source of a type written by a rewrite and gives
// every node of it the position pos: positions of another file set would
// point into some other unit, and yaegi resolves a package name (ad in
// *ad.Tensor) through the imports of the file its position is in.
func parseTypeAt(src string, pos token.Pos) (ast.Expr, error) {
	e, err := parser.ParseExpr(src)
	if err != nil {
		return nil, err
	}
	posType := reflect.TypeOf(token.NoPos)
	ast.Inspect(e, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		v := reflect.ValueOf(n)
		if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
			return true
		}
		v = v.Elem()
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); f.Type() == posType && f.CanSet() && token.Pos(f.Int()).IsValid() {
				f.SetInt(int64(pos))
			}
		}
		return true
	})
	return e, nil
}
