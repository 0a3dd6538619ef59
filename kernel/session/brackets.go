package session

import (
	"fmt"
	"go/token"
)

// checkBrackets reports the first unbalanced bracket of a cell, in the
// cell's lines: a closing one with nothing open ("syntax error: unexpected
// } with no { open"), one closing another kind ("unexpected ), expected
// }"), or one never closed. The parser's own message for these names the
// end of a chunk the session built (an extra } closes the statement
// wrapper: "expected declaration, found '}'").
func (s *Session) checkBrackets(code string) error {
	type open struct {
		t   token.Token
		off int
	}
	closing := map[token.Token]token.Token{token.LPAREN: token.RPAREN, token.LBRACK: token.RBRACK, token.LBRACE: token.RBRACE}
	var stack []open
	toks := scanCell(code)
	at := func(off int, format string, args ...any) error {
		line, col := lineCol(code, off)
		return fmt.Errorf("%s:%d:%d: %s", posFile, s.cellBase+line, col, fmt.Sprintf(format, args...))
	}
	for _, tk := range toks {
		switch tk.t {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			stack = append(stack, open{tk.t, tk.off})
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if len(stack) == 0 {
				return at(tk.off, "syntax error: unexpected %s with no %s open", tk.t, opener(tk.t))
			}
			top := stack[len(stack)-1]
			if closing[top.t] != tk.t {
				return at(tk.off, "syntax error: unexpected %s, expected %s (to close the %s at line %d)", tk.t, closing[top.t], top.t, lineOf(code, top.off))
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		return at(top.off, "syntax error: this %s is never closed: expected %s before the end of the cell", top.t, closing[top.t])
	}
	return s.checkUnfinished(code, toks)
}

// checkUnfinished reports a cell whose last token needs an operand after
// it (`y := 1 +`, `f(a,`, `x.`): the parser's own message names the end of
// the chunk the session built, a line the cell does not have ("expected
// operand, found '}'").
func (s *Session) checkUnfinished(code string, toks []tok) error {
	for i := len(toks) - 1; i >= 0; i-- {
		tk := toks[i]
		if tk.t == token.SEMICOLON && tk.lit == "\n" {
			continue // inserted at a line's end
		}
		unfinished := tk.t == token.COMMA || tk.t == token.PERIOD || tk.t == token.ARROW || tk.t == token.NOT ||
			(tk.t.IsOperator() && tk.t.Precedence() > token.LowestPrec) || // binary operators
			tk.t == token.ASSIGN || tk.t == token.DEFINE || (tk.t >= token.ADD_ASSIGN && tk.t <= token.AND_NOT_ASSIGN)
		if !unfinished {
			return nil
		}
		end := tk.off + len(tk.t.String())
		line, col := lineCol(code, end)
		return fmt.Errorf("%s:%d:%d: syntax error: unexpected end of the cell after %s, expected an operand", posFile, s.cellBase+line, col, tk.t)
	}
	return nil
}

func opener(t token.Token) token.Token {
	switch t {
	case token.RPAREN:
		return token.LPAREN
	case token.RBRACK:
		return token.LBRACK
	}
	return token.LBRACE
}

func lineOf(code string, off int) int {
	l, _ := lineCol(code, off)
	return l
}
