package session

import (
	"go/scanner"
	"go/token"
	"strings"
)

// Line magics after the top of a cell. IPython runs a line magic on any
// line of a cell (`x = 1` then `%time y = f(x)` times the second line
// only). gograd does the same for %time and %timeit on the top level of a
// cell: `%time STATEMENT` on a later line times that statement (its chunk,
// see stmtChunks) and prints its CPU and wall time after it; `%timeit
// STATEMENT` times the statement in loops when it is the cell's last. Any
// other command there, %time or %timeit inside a block, or a %timeit
// followed by more statements is a UsageError naming the line.

// laterMagics handles the %-lines of lines after the first top ones
// (from index from on): it blanks the command names of the statements it
// times, records them in s.timeLines, and returns the index of a %timeit
// line (or -1). A line starting with % inside a raw string or a comment
// is not a command.
func (s *Session) laterMagics(lines []string, from int) (timeit int, cerr *CellError) {
	timeit = -1
	candidates := magicCandidates(lines, from)
	for _, k := range candidates {
		line := lines[k]
		f := strings.Fields(line)
		name := f[0]
		rest := magicRest(line, name)
		switch {
		case !topLevelAt(lines, k):
			return -1, s.specialError(k+1, "%s runs at the top level of a cell, not inside a block: put it before a statement at the top level (a call of the code to time)", name)
		case name == "%time" && rest != "":
			lines[k] = blankMagic(line, name)
			if s.timeLines == nil {
				s.timeLines = map[int]bool{}
			}
			s.timeLines[k+1] = true
		case name == "%time":
			return -1, s.specialError(k+1, "%%time on a later line of a cell times the statement after it on its line (%%time STATEMENT); to time the whole cell, put %%time on its first line")
		case name == "%timeit":
			if !onlyBlankAfter(lines, k) {
				return -1, s.specialError(k+1, "%%timeit on a later line of a cell must be on its last statement: move the statements after it to another cell")
			}
			if rest == "" {
				return -1, s.specialError(k+1, "%%timeit on a later line of a cell times the statement after it on its line (%%timeit STATEMENT)")
			}
			timeit = k
		case strings.HasPrefix(name, "%%"):
			return -1, s.specialError(k+1, "Line magic function `%s` not found (a cell magic %s must be on the first line of the cell)", name, name)
		case name == "%help" || name == "%reset" || name == "%recursion_limit":
			return -1, s.specialError(k+1, "%s is a command for the top of a cell, before its Go code", name)
		default:
			return -1, s.specialError(k+1, "Line magic function `%s` not found (see %%help for the commands gograd knows)", name)
		}
	}
	return timeit, nil
}

// blankCommands blanks the command names of every line starting with %
// (at the top of the cell or later; see magicCandidates), keeping what
// follows them: the Go an incomplete statement after %time continues.
func blankCommands(code string) string {
	lines := strings.Split(code, "\n")
	for _, k := range magicCandidates(lines, 0) {
		name := strings.Fields(lines[k])[0]
		if name == "%time" || name == "%timeit" || name == "%%time" || name == "%%timeit" {
			lines[k] = blankMagic(lines[k], name)
			// %timeit's options are not Go.
			if rest := strings.TrimSpace(lines[k]); strings.HasPrefix(rest, "-") {
				lines[k] = ""
			}
			continue
		}
		lines[k] = ""
	}
	return strings.Join(lines, "\n")
}

// magicCandidates returns the indices (from index from on) of the lines
// whose first non-blank character is % and that do not lie inside a
// multi-line raw string or comment.
func magicCandidates(lines []string, from int) []int {
	var ks []int
	var inside map[int]bool
	for k := from; k < len(lines); k++ {
		if !strings.HasPrefix(strings.TrimSpace(lines[k]), "%") {
			continue
		}
		if inside == nil {
			inside = multiLineTokens(lines)
		}
		if !inside[k] {
			ks = append(ks, k)
		}
	}
	return ks
}

// multiLineTokens returns the lines (0-based) that start inside a raw
// string or a comment spanning several lines.
func multiLineTokens(lines []string) map[int]bool {
	src := []byte(strings.Join(lines, "\n"))
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var sc scanner.Scanner
	sc.Init(file, src, func(token.Position, string) {}, scanner.ScanComments)
	inside := map[int]bool{}
	for {
		pos, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		if (tok == token.STRING || tok == token.COMMENT) && strings.Contains(lit, "\n") {
			first := fset.Position(pos).Line
			for l := first + 1; l <= first+strings.Count(lit, "\n"); l++ {
				inside[l-1] = true
			}
		}
	}
	return inside
}

// topLevelAt reports whether line k starts outside every bracket of the
// lines before it (the command lines among them count as blank).
func topLevelAt(lines []string, k int) bool {
	var b strings.Builder
	for _, l := range lines[:k] {
		if strings.HasPrefix(strings.TrimSpace(l), "%") {
			l = ""
		}
		b.WriteString(l + "\n")
	}
	src := []byte(b.String())
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var sc scanner.Scanner
	sc.Init(file, src, func(token.Position, string) {}, 0)
	depth := 0
	for {
		_, tok, _ := sc.Scan()
		switch tok {
		case token.EOF:
			return depth <= 0
		case token.LBRACE, token.LPAREN, token.LBRACK:
			depth++
		case token.RBRACE, token.RPAREN, token.RBRACK:
			depth--
		}
	}
}

// onlyBlankAfter reports whether the lines after k are blank or comments.
func onlyBlankAfter(lines []string, k int) bool {
	for _, l := range lines[k+1:] {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "//") {
			return false
		}
	}
	return true
}

// checkTimedLines checks that every statement %time asks to time on a
// later line is a chunk of its own.
func (s *Session) checkTimedLines(chunks []chunk) *CellError {
	for line := range s.timeLines {
		found := false
		for _, c := range chunks {
			found = found || c.kind == stmtChunk && c.line == line
		}
		if !found {
			return s.specialError(line, "%%time on a later line times one statement, but this one does not run on its own (the cell uses go, defer, goto or labels, or it is a declaration): put %%time on the first line of a cell of its own")
		}
	}
	return nil
}
