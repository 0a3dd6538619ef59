package session

import (
	"go/scanner"
	"go/token"
)

// chunkKind tells whether a chunk of a cell holds package-level
// declarations or statements.
type chunkKind int

const (
	declChunk chunkKind = iota
	stmtChunk
)

// segment is a run of consecutive top-level units of one kind in a cell,
// as byte offsets into the cell source.
type segment struct {
	kind       chunkKind
	start, end int
}

// tok is one scanned token with its byte offset.
type tok struct {
	off int
	t   token.Token
	lit string
}

// scanCell tokenizes src. Scan errors are ignored here: the parser reports
// them with positions.
func scanCell(src string) []tok {
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), func(token.Position, string) {}, 0)
	var toks []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		toks = append(toks, tok{off: file.Offset(pos), t: t, lit: lit})
	}
	return toks
}

// splitCell cuts a cell into segments of top-level declarations (import,
// const, var, type, func and method declarations) and statements. It works
// on tokens, tracking bracket depth, so it is robust to syntax errors: the
// parser reports those later with the cell's positions.
func splitCell(src string) []segment {
	toks := scanCell(src)
	var segs []segment
	depth := 0
	atStart := true
	for i, tk := range toks {
		if depth == 0 && tk.t == token.SEMICOLON {
			atStart = true
			continue
		}
		if depth == 0 && atStart {
			atStart = false
			kind := stmtChunk
			if isDeclStart(toks, i) {
				kind = declChunk
			}
			if n := len(segs); n == 0 || segs[n-1].kind != kind {
				if n > 0 {
					segs[n-1].end = tk.off
				}
				segs = append(segs, segment{kind: kind, start: tk.off})
			}
		}
		switch tk.t {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if depth > 0 {
				depth--
			}
		}
	}
	if n := len(segs); n > 0 {
		segs[n-1].end = len(src)
	}
	return segs
}

// isDeclStart reports whether the unit starting at toks[i] is a
// package-level declaration.
func isDeclStart(toks []tok, i int) bool {
	switch toks[i].t {
	case token.IMPORT, token.CONST, token.VAR, token.TYPE:
		return true
	case token.FUNC:
	default:
		return false
	}
	if i+1 >= len(toks) {
		return false
	}
	switch toks[i+1].t {
	case token.IDENT:
		return true // func Name(
	case token.LPAREN:
		// A method declaration "func (r T) Name(" versus a function literal
		// "func(x int) T {...}(...)": skip the first parenthesised group and
		// look for "Name (".
		depth := 0
		for j := i + 1; j < len(toks); j++ {
			switch toks[j].t {
			case token.LPAREN:
				depth++
			case token.RPAREN:
				depth--
				if depth == 0 {
					return j+2 < len(toks) && toks[j+1].t == token.IDENT && toks[j+2].t == token.LPAREN
				}
			}
		}
	}
	return false
}
