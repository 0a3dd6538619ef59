package session

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"strconv"

	"golang.org/x/tools/go/ast/astutil"
)

// chanOps makes the blocking channel operations of a chunk end when the
// goroutine's cell is interrupted (see stopper): the interpreter's own way
// to end them, cancelling its context, breaks every closure made before.
// The rewrites keep the order and meaning of the operations:
//
//   - a select statement without a default clause gets one more case,
//     case <-__gograd.Done(): __gograd.Halt();
//
//   - a receive statement <-ch becomes __gograd.Drop(ch);
//
//   - any other receive <-E in a statement (v := <-ch, x, ok = <-ch,
//     f(<-ch), return <-ch, the condition of an if or the tag of a switch
//     without an init statement) is replaced by a receive from a
//     temporary,
//
//     __gorecvN := E
//     __gograd.Recv(&__gorecvN)
//     ... <-__gorecvN ...
//
//     where Recv waits for E's value (or its closing) or the interrupt, and
//     replaces the temporary by a buffered channel of the same type holding
//     that value (closed if E was), so the receive that follows, with its
//     type and comma-ok, no longer blocks. The receives of a statement are
//     thus made before its other operands are evaluated.
//
// With the type checker's types (yaegi_fixes.go), a for range over a
// channel becomes a loop of such receives (see rangeChanLoop), and a send
// statement ch <- v whose element type is not an interface becomes
// __gograd.Send(ch, v) (a constant converted to the element type first).
// Drop, Recv and Send wait in a compiled select on the channel and the
// cell's done channel. (Not in an interpreted select: yaegi v0.16.1 keeps a
// select statement's cases in one array per statement, so goroutines
// running the same select at once overwrite each other's cases.)
//
// The operations left alone (see the package documentation, "Interrupt")
// still block: an interrupt then ends the cell at once and leaves the
// goroutine waiting; if the operation completes later, the goroutine ends
// at its next check.
func (rw *rewriter) chanOps(f *ast.File) {
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Name.Name == stmtWrapper && n.Body != nil {
				rw.top = n.Body
			}
		case *ast.BlockStmt:
			n.List = rw.chanList(n.List)
		case *ast.CaseClause:
			n.Body = rw.chanList(n.Body)
		case *ast.CommClause:
			n.Body = rw.chanList(n.Body)
		case *ast.SelectStmt:
			rw.guardSelect(n)
		}
		return true
	})
}

// typed reports whether the type checker marked n in set (nil when the
// cell was not type-checked).
func (rw *rewriter) typed(n ast.Node, set map[int]bool) bool {
	return set != nil && set[rw.fset.Position(n.Pos()).Offset]
}

func (fx *yaegiFixes) rangeChanAt() map[int]bool {
	if fx == nil {
		return nil
	}
	return fx.rangeChan
}

func (fx *yaegiFixes) sendSelectAt() map[int]string {
	if fx == nil {
		return nil
	}
	return fx.sendSelect
}

// doneCase is the select case that ends the goroutine of a stopped cell.
func doneCase(pos token.Pos) *ast.CommClause {
	return &ast.CommClause{
		Case: pos,
		Comm: &ast.ExprStmt{X: &ast.UnaryExpr{OpPos: pos, Op: token.ARROW, X: rtCall(pos, "Done")}},
		Body: []ast.Stmt{&ast.ExprStmt{X: rtCall(pos, "Halt")}},
	}
}

// guardSelect adds the done case to a select that can block.
func (rw *rewriter) guardSelect(s *ast.SelectStmt) {
	if rw.selects[s] {
		return
	}
	rw.selects[s] = true
	for _, c := range s.Body.List {
		if cc, ok := c.(*ast.CommClause); ok && cc.Comm == nil {
			return // default: never blocks
		}
	}
	s.Body.List = append(s.Body.List, doneCase(s.Select))
}

// assignedReceives rewrites the receive cases of select statements that
// assign to existing variables, `case v, ok = <-c:`, into `case t, u :=
// <-c: v, ok = t, u` (blanks stay blanks): yaegi v0.16.1 panics with
// "reflect.Select: invalid Dir" on the former (smallest cell: `c :=
// make(chan int, 1)`, `c <- 1`, `var v int`, `select { case v = <-c: }`).
// As in Go, the assignment happens only when the case is chosen. It runs
// before the other rewrites, which treat the new := like one written so
// (closeMultiDefines).
func assignedReceives(f *ast.File, uid string) {
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		cc, ok := node.(*ast.CommClause)
		if !ok {
			return true
		}
		as, ok := cc.Comm.(*ast.AssignStmt)
		if !ok || as.Tok != token.ASSIGN || len(as.Rhs) != 1 {
			return true
		}
		var dst, tmps []ast.Expr
		lhs := make([]ast.Expr, len(as.Lhs))
		for k, e := range as.Lhs {
			if id, ok := e.(*ast.Ident); ok && id.Name == "_" {
				lhs[k] = e
				continue
			}
			name := "__goselv" + uid + "_" + strconv.Itoa(n)
			n++
			lhs[k] = &ast.Ident{NamePos: e.Pos(), Name: name}
			dst = append(dst, e)
			tmps = append(tmps, &ast.Ident{NamePos: cc.Colon, Name: name})
		}
		if len(dst) == 0 { // case _ = <-c
			cc.Comm = &ast.ExprStmt{X: as.Rhs[0]}
			return true
		}
		cc.Comm = &ast.AssignStmt{Lhs: lhs, TokPos: as.TokPos, Tok: token.DEFINE, Rhs: as.Rhs}
		cc.Body = append([]ast.Stmt{&ast.AssignStmt{Lhs: dst, TokPos: cc.Colon, Tok: token.ASSIGN, Rhs: tmps}}, cc.Body...)
		return true
	})
}

// chanList rewrites the channel operations of the statements of a list.
func (rw *rewriter) chanList(list []ast.Stmt) []ast.Stmt {
	var out []ast.Stmt
	changed := false
	top := rw.top != nil && len(list) > 0 && len(rw.top.List) > 0 && &list[0] == &rw.top.List[0]
	for i, st := range list {
		rep := rw.chanStmt(st)
		_, isExpr := st.(*ast.ExprStmt)
		// (The cell's last expression statement may be its value: it stays
		// at top level, for the capture.)
		if top && len(rep) > 1 && rep[len(rep)-1] == st && !(isExpr && i == len(list)-1 && rw.result) {
			if w, ok := rw.inFunc(st, rep[:len(rep)-1]); ok {
				rep = w
			}
		}
		if len(rep) != 1 || rep[0] != st {
			changed = true
		}
		out = append(out, rep...)
	}
	if !changed {
		return list
	}
	return out
}

// isRecv returns the channel of a receive expression <-ch.
func isRecv(e ast.Expr) (ast.Expr, bool) {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			break
		}
		e = p.X
	}
	u, ok := e.(*ast.UnaryExpr)
	if !ok || u.Op != token.ARROW {
		return nil, false
	}
	return u.X, true
}

// chanStmt returns the statements that replace st. Receive and send
// statements go through compiled helpers rather than a select: yaegi
// v0.16.1 keeps a select statement's cases in one array per statement, so
// goroutines running the same select at once overwrite each other's cases.
func (rw *rewriter) chanStmt(st ast.Stmt) []ast.Stmt {
	switch s := st.(type) {
	case *ast.ExprStmt:
		if ch, ok := isRecv(s.X); ok && !hasRecv(ch) {
			// <-ch: __gograd.Drop(ch)
			return []ast.Stmt{&ast.ExprStmt{X: rtCall(s.Pos(), "Drop", ch)}}
		}
	case *ast.SendStmt:
		if conv, ok := rw.fx.sendSelectAt()[rw.fset.Position(s.Pos()).Offset]; ok && !hasRecv(s.Chan) && !hasRecv(s.Value) {
			v := s.Value
			if conv != "" {
				v = &ast.CallExpr{Fun: typeAt(conv, v.Pos()), Lparen: v.Pos(), Args: []ast.Expr{v}}
			}
			// ch <- v: __gograd.Send(ch, v)
			return []ast.Stmt{&ast.ExprStmt{X: rtCall(s.Pos(), "Send", s.Chan, v)}}
		}
	case *ast.RangeStmt:
		if rw.typed(s, rw.fx.rangeChanAt()) {
			return []ast.Stmt{rw.rangeChanLoop(s, nil)}
		}
	case *ast.LabeledStmt:
		if rs, ok := s.Stmt.(*ast.RangeStmt); ok && rw.typed(rs, rw.fx.rangeChanAt()) {
			return []ast.Stmt{rw.rangeChanLoop(rs, s)}
		}
	}
	var pre []ast.Stmt
	hoist := func(e ast.Expr) ast.Expr { return rw.hoistRecvs(e, &pre) }
	switch s := st.(type) {
	case *ast.ExprStmt:
		s.X = hoist(s.X)
	case *ast.AssignStmt:
		for i := range s.Rhs {
			s.Rhs[i] = hoist(s.Rhs[i])
		}
		// yaegi v0.16.1 does not store a received value through an index
		// or field (a[i] = <-c leaves a[i] unchanged, silently), and a
		// variable assigned or defined from a receive holds a value that
		// can no longer be set (v = <-c, then v++ fails with
		// "reflect.Value.SetInt using unaddressable value"): receive into
		// a temporary first, then assign.
		if (s.Tok == token.ASSIGN || s.Tok == token.DEFINE) && len(s.Lhs) == 1 && len(s.Rhs) == 1 {
			if _, ok := isRecv(s.Rhs[0]); ok {
				v := "__gorecvv" + rw.uid + "_" + strconv.Itoa(rw.temps)
				rw.temps++
				pre = append(pre, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(v)}, TokPos: s.Pos(), Tok: token.DEFINE, Rhs: s.Rhs})
				s.Rhs = []ast.Expr{ast.NewIdent(v)}
			}
		}
	case *ast.DeclStmt:
		if gd, ok := s.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				for i := range vs.Values {
					vs.Values[i] = hoist(vs.Values[i])
				}
			}
		}
	case *ast.ReturnStmt:
		for i := range s.Results {
			s.Results[i] = hoist(s.Results[i])
			// yaegi v0.16.1 fails on return <-c for some element types
			// ("reflect.Value.Set using unaddressable value", smallest
			// cell: func f(c chan string) string { return <-c }): receive
			// into a variable first.
			if _, ok := isRecv(s.Results[i]); ok {
				v := "__gorecvv" + rw.uid + "_" + strconv.Itoa(rw.temps)
				rw.temps++
				pre = append(pre, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(v)}, TokPos: s.Pos(), Tok: token.DEFINE, Rhs: []ast.Expr{s.Results[i]}})
				s.Results[i] = ast.NewIdent(v)
			}
		}
	case *ast.IncDecStmt:
		s.X = hoist(s.X)
	case *ast.SendStmt:
		s.Chan, s.Value = hoist(s.Chan), hoist(s.Value)
	case *ast.GoStmt:
		s.Call = hoist(s.Call).(*ast.CallExpr)
	case *ast.DeferStmt:
		s.Call = hoist(s.Call).(*ast.CallExpr)
	case *ast.IfStmt:
		if s.Init == nil {
			s.Cond = hoist(s.Cond)
		}
	case *ast.SwitchStmt:
		if s.Init == nil && s.Tag != nil {
			s.Tag = hoist(s.Tag)
		}
	}
	return append(pre, st)
}

// hoistRecvs replaces every receive in e that is evaluated whenever e is
// (not inside a function literal, nor on the right of && or ||) by a
// receive from a temporary, appending to pre the statements that fill it.
func (rw *rewriter) hoistRecvs(e ast.Expr, pre *[]ast.Stmt) ast.Expr {
	if e == nil || !hasRecv(e) {
		return e
	}
	root := &ast.ParenExpr{X: e}
	astutil.Apply(root, func(c *astutil.Cursor) bool {
		switch n := c.Node().(type) {
		case *ast.FuncLit:
			return false
		case *ast.BinaryExpr:
			if n.Op == token.LAND || n.Op == token.LOR {
				// Only the left operand is always evaluated.
				n.X = rw.hoistRecvs(n.X, pre)
				return false
			}
		}
		return true
	}, func(c *astutil.Cursor) bool {
		u, ok := c.Node().(*ast.UnaryExpr)
		if !ok || u.Op != token.ARROW || hasRecv(u.X) {
			// A receive from a received channel (<-<-cc) is left alone
			// (yaegi fails on the temporary's address).
			return true
		}
		pos := u.Pos()
		tmp := "__gorecv" + rw.uid + "_" + strconv.Itoa(rw.temps)
		rw.temps++
		*pre = append(*pre,
			&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(tmp)}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{u.X}},
			&ast.ExprStmt{X: rtCall(pos, "Recv", &ast.UnaryExpr{OpPos: pos, Op: token.AND, X: ast.NewIdent(tmp)})},
		)
		c.Replace(&ast.UnaryExpr{OpPos: pos, Op: token.ARROW, X: ast.NewIdent(tmp)})
		return true
	})
	return root.X
}

// hasRecv reports whether e holds a receive outside function literals.
func hasRecv(e ast.Expr) bool {
	found := false
	if e == nil {
		return false
	}
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				found = true
			}
		}
		return !found
	})
	return found
}

// recv is __gograd.Recv: p points to a channel variable. It waits until a
// receive from the channel can complete or the calling goroutine's cell is
// stopped (then the goroutine ends), receives, and replaces the variable by
// a buffered channel of the same type holding the value received, or closed
// if the channel was closed. It reports whether a value was received.
func (s *Session) recv(p any) bool {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Chan {
		panic("gograd: internal error: Recv of a non-channel")
	}
	cv := v.Elem()
	x, ok := cv.TryRecv()
	if !ok && !x.IsValid() { // would block
		x, ok = s.wait(reflect.SelectCase{Dir: reflect.SelectRecv, Chan: cv})
	}
	proxy := reflect.MakeChan(reflect.ChanOf(reflect.BothDir, cv.Type().Elem()), 1)
	if ok {
		proxy.Send(x)
	} else {
		proxy.Close()
	}
	cv.Set(proxy)
	return ok
}

// findChanFixes records in fx the channel operations of n that need types
// to be made interruptible: a range over a channel, and a send whose
// element type is not an interface (yaegi's select does not convert a sent
// value to an interface element type, so such sends stay as they are).
func findChanFixes(fset *token.FileSet, info *types.Info, n ast.Node, fx *yaegiFixes, qual types.Qualifier) {
	chanOf := func(e ast.Expr) *types.Chan {
		if tv, ok := info.Types[e]; ok && tv.Type != nil {
			c, _ := tv.Type.Underlying().(*types.Chan)
			return c
		}
		return nil
	}
	switch n := n.(type) {
	case *ast.RangeStmt:
		if chanOf(n.X) != nil {
			if fx.rangeChan == nil {
				fx.rangeChan = map[int]bool{}
			}
			fx.rangeChan[fset.Position(n.Pos()).Offset] = true
		}
	case *ast.SendStmt:
		c := chanOf(n.Chan)
		tv, ok := info.Types[n.Value]
		if c == nil || types.IsInterface(c.Elem()) || !ok || tv.Type == nil {
			return
		}
		conv := ""
		if tv.Value != nil {
			// A constant: the checker gives it the element type, the
			// interpreter may not.
			if conv, ok = writableType(c.Elem(), qual); !ok {
				return
			}
		} else if !types.Identical(tv.Type, c.Elem()) {
			return
		}
		recordAt(&fx.sendSelect, fset, n, conv)
	}
}

// rangeChanLoop rewrites a range statement over a channel,
// `for k := range E { body }`, into
//
//	{
//		__gorangeN := E
//		for {
//			__gorecvN := __gorangeN
//			if !__gograd.Recv(&__gorecvN) { break }
//			k := <-__gorecvN
//			body
//		}
//	}
//
// (k = for `=`; no receive without k). label, if not nil, labels the
// range statement and moves to the for.
func (rw *rewriter) rangeChanLoop(rs *ast.RangeStmt, label *ast.LabeledStmt) ast.Stmt {
	pos := rs.Pos()
	n := rw.uid + "_" + strconv.Itoa(rw.temps)
	rw.temps++
	src, tmp := "__gorange"+n, "__gorecv"+n
	var list []ast.Stmt
	list = append(list,
		&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(tmp)}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{ast.NewIdent(src)}},
		&ast.IfStmt{If: pos,
			Cond: &ast.UnaryExpr{OpPos: pos, Op: token.NOT, X: rtCall(pos, "Recv", &ast.UnaryExpr{OpPos: pos, Op: token.AND, X: ast.NewIdent(tmp)})},
			Body: &ast.BlockStmt{List: []ast.Stmt{&ast.BranchStmt{TokPos: pos, Tok: token.BREAK}}}},
	)
	if rs.Key != nil && !isBlank(rs.Key) {
		tok := rs.Tok
		list = append(list, &ast.AssignStmt{Lhs: []ast.Expr{rs.Key}, TokPos: pos, Tok: tok,
			Rhs: []ast.Expr{&ast.UnaryExpr{OpPos: pos, Op: token.ARROW, X: ast.NewIdent(tmp)}}})
	}
	rs.Body.List = append(list, rs.Body.List...)
	var loop ast.Stmt = &ast.ForStmt{For: pos, Body: rs.Body}
	if label != nil {
		label.Stmt = loop
		loop = label
	}
	return &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{
		&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(src)}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{rs.X}},
		loop,
	}, Rbrace: rs.End()}
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// wait blocks until the select case c can proceed or the calling
// goroutine's cell is stopped, then ends the goroutine; it returns what
// reflect.Select returns for c.
func (s *Session) wait(c reflect.SelectCase) (reflect.Value, bool) {
	chosen, x, ok := reflect.Select([]reflect.SelectCase{c, {Dir: reflect.SelectRecv, Chan: reflect.ValueOf(s.stops.done())}})
	if chosen == 1 {
		s.stops.halt()
		panic("gograd: internal error: a stopped goroutine went on")
	}
	return x, ok
}

// drop is __gograd.Drop, the receive statement <-ch.
func (s *Session) drop(ch any) {
	cv := reflect.ValueOf(ch)
	if x, ok := cv.TryRecv(); ok || x.IsValid() {
		return // received, or closed
	}
	s.wait(reflect.SelectCase{Dir: reflect.SelectRecv, Chan: cv})
}

// send is __gograd.Send, the send statement ch <- v (the type checker
// found v's type to be ch's element type).
func (s *Session) send(ch, v any) {
	cv := reflect.ValueOf(ch)
	et := cv.Type().Elem()
	x := reflect.ValueOf(v)
	switch {
	case !x.IsValid():
		x = reflect.Zero(et)
	case !x.Type().AssignableTo(et) && x.Type().ConvertibleTo(et):
		x = x.Convert(et)
	}
	if cv.TrySend(x) {
		return
	}
	s.wait(reflect.SelectCase{Dir: reflect.SelectSend, Chan: cv, Send: x})
}

// findTopRecvDefines records the types of the names defined by top-level
// := statements holding a receive (see yaegiFixes.recvDefine).
func findTopRecvDefines(fset *token.FileSet, info *types.Info, stmts []ast.Stmt, fx *yaegiFixes, qual types.Qualifier) {
	for _, st := range stmts {
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE || !slices.ContainsFunc(as.Rhs, hasRecv) {
			continue
		}
		ts := make([]string, len(as.Lhs))
		good := true
		for k, e := range as.Lhs {
			id, ok := e.(*ast.Ident)
			if !ok {
				good = false
				break
			}
			if id.Name == "_" {
				continue
			}
			// The type of the value assigned (the checker may have seen
			// the name as a redeclaration, not a definition).
			var t types.Type
			if len(as.Rhs) == len(as.Lhs) {
				if tv, ok := info.Types[as.Rhs[k]]; ok {
					t = tv.Type
				}
			} else if tv, ok := info.Types[as.Rhs[0]]; ok && len(as.Rhs) == 1 {
				if tup, ok := tv.Type.(*types.Tuple); ok && tup.Len() == len(as.Lhs) {
					t = tup.At(k).Type()
				}
			}
			if t == nil {
				good = false
				break
			}
			if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
				t = types.Default(t)
			}
			if ts[k], good = writableType(t, qual); !good {
				break
			}
		}
		if good {
			if fx.recvDefine == nil {
				fx.recvDefine = map[int][]string{}
			}
			fx.recvDefine[fset.Position(as.Pos()).Offset] = ts
		}
	}
}

// inFunc wraps the statements of a top-level statement whose receives were
// hoisted into a function literal called at once, so that the temporaries
// are the literal's locals, not package variables a session keeps for
// ever. A := becomes var declarations of its names (their types from the
// checker) and an assignment inside.
func (rw *rewriter) inFunc(st ast.Stmt, pre []ast.Stmt) ([]ast.Stmt, bool) {
	var decls []ast.Stmt
	switch s := st.(type) {
	case *ast.AssignStmt:
		if s.Tok == token.DEFINE {
			var ts []string
			if rw.fx != nil {
				ts = rw.fx.recvDefine[rw.fset.Position(s.Pos()).Offset]
			}
			if ts == nil {
				return nil, false
			}
			for k, e := range s.Lhs {
				if ts[k] == "" {
					continue
				}
				t := typeAt(ts[k], s.Pos())
				decls = append(decls, &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, TokPos: s.Pos(),
					Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(e.(*ast.Ident).Name)}, Type: t}}}})
			}
			s.Tok = token.ASSIGN
		}
	case *ast.ExprStmt, *ast.IncDecStmt, *ast.SendStmt, *ast.GoStmt:
	default:
		return nil, false
	}
	pos := st.Pos()
	lit := &ast.FuncLit{
		Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{}},
		Body: &ast.BlockStmt{Lbrace: pos, List: append(pre, st)},
	}
	rw.lits[lit] = true
	return append(decls, &ast.ExprStmt{X: &ast.CallExpr{Fun: lit, Lparen: pos}}), true
}

// writableType returns t as source text under qual, and whether that text
// parses back as a type expression, which a rewrite needs before it
// splices the type into a cell (a type the qualifier cannot name, such as
// one of a package the session did not import, does not).
func writableType(t types.Type, qual types.Qualifier) (string, bool) {
	ts := types.TypeString(t, qual)
	_, err := parser.ParseExpr(ts)
	return ts, err == nil
}

// recordAt records ts at e's offset in *m, making the map on first use.
func recordAt(m *map[int]string, fset *token.FileSet, e ast.Node, ts string) {
	if *m == nil {
		*m = map[int]string{}
	}
	(*m)[fset.Position(e.Pos()).Offset] = ts
}

// typeAt parses a type written by the type checker, placing it at pos:
// yaegi scopes imports by the file of an identifier's position, so a
// package-qualified type parsed elsewhere (ad.Tensor at offset 1 of its own
// little file) crashes the compiler.
func typeAt(src string, pos token.Pos) ast.Expr {
	t, err := parser.ParseExpr(src)
	if err != nil {
		return ast.NewIdent(src)
	}
	ast.Inspect(t, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			n.NamePos = pos
		case *ast.StarExpr:
			n.Star = pos
		case *ast.ArrayType:
			n.Lbrack = pos
		case *ast.MapType:
			n.Map = pos
		case *ast.ChanType:
			n.Begin, n.Arrow = pos, token.NoPos
		case *ast.FuncType:
			n.Func = pos
		case *ast.StructType:
			n.Struct = pos
		case *ast.InterfaceType:
			n.Interface = pos
		case *ast.IndexExpr:
			n.Lbrack, n.Rbrack = pos, pos
		case *ast.FieldList:
			n.Opening, n.Closing = pos, pos
		}
		return true
	})
	return t
}
