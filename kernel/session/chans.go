package session

import (
	"go/ast"
	"go/token"
	"reflect"
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
//   - a send statement ch <- v, and a receive statement <-ch or x, ok = <-ch
//     with =, become a select with that case and the one above;
//
//   - any other receive <-E in a statement (v := <-ch, f(<-ch), return <-ch,
//     the condition of an if or the tag of a switch without an init
//     statement) is replaced by a receive from a temporary,
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
// Receives the rewrite cannot reach without knowing types (a for range over
// a channel, a receive in a for condition or post statement, on the right of
// && or ||, or in a labelled statement) still block: an interrupt then ends
// the cell at once and leaves the goroutine waiting; if the operation
// completes later, the goroutine ends at its next check, before the body of
// a range loop runs, the value it received being lost.
func (rw *rewriter) chanOps(f *ast.File) {
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
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

// selectOf returns select { case comm: ; case <-Done(): Halt() }.
func (rw *rewriter) selectOf(pos token.Pos, comm ast.Stmt) ast.Stmt {
	s := &ast.SelectStmt{Select: pos, Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{
		&ast.CommClause{Case: pos, Comm: comm},
		doneCase(pos),
	}}}
	rw.selects[s] = true
	return s
}

// chanList rewrites the channel operations of the statements of a list.
func (rw *rewriter) chanList(list []ast.Stmt) []ast.Stmt {
	var out []ast.Stmt
	changed := false
	for _, st := range list {
		rep := rw.chanStmt(st)
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

// chanStmt returns the statements that replace st.
func (rw *rewriter) chanStmt(st ast.Stmt) []ast.Stmt {
	if s, ok := st.(*ast.ExprStmt); ok {
		if ch, ok := isRecv(s.X); ok && !hasRecv(ch) {
			return []ast.Stmt{rw.selectOf(s.Pos(), s)}
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
// if the channel was closed.
func (s *Session) recv(p any) {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Chan {
		panic("gograd: internal error: Recv of a non-channel")
	}
	cv := v.Elem()
	x, ok := cv.TryRecv()
	if !ok && !x.IsValid() { // would block
		var chosen int
		chosen, x, ok = reflect.Select([]reflect.SelectCase{
			{Dir: reflect.SelectRecv, Chan: cv},
			{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(s.stops.done())},
		})
		if chosen == 1 {
			s.stops.halt()
			panic("gograd: internal error: a stopped goroutine went on")
		}
	}
	proxy := reflect.MakeChan(reflect.ChanOf(reflect.BothDir, cv.Type().Elem()), 1)
	if ok {
		proxy.Send(x)
	} else {
		proxy.Close()
	}
	cv.Set(proxy)
}
