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
	at := func(off int, format string, args ...any) error {
		line, col := lineCol(code, off)
		return fmt.Errorf("%s:%d:%d: %s", posFile, s.cellBase+line, col, fmt.Sprintf(format, args...))
	}
	for _, tk := range scanCell(code) {
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
