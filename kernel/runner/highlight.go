package runner

import (
	"go/scanner"
	"go/token"
	"html"
	"strings"
)

// goBuiltins are predeclared identifiers highlighted like keywords' quieter
// cousins.
var goBuiltins = map[string]bool{
	"true": true, "false": true, "nil": true, "iota": true,
	"append": true, "cap": true, "clear": true, "close": true, "complex": true, "copy": true,
	"delete": true, "imag": true, "len": true, "make": true, "max": true, "min": true, "new": true,
	"panic": true, "print": true, "println": true, "real": true, "recover": true,
	"bool": true, "byte": true, "complex64": true, "complex128": true, "error": true, "float32": true,
	"float64": true, "int": true, "int8": true, "int16": true, "int32": true, "int64": true, "rune": true,
	"string": true, "uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true,
	"uintptr": true, "any": true, "comparable": true,
}

// highlightGo returns Go source as HTML with tokens wrapped in spans of
// class k (keyword), b (builtin), s (string or rune), n (number) and c
// (comment). Source that does not scan cleanly is still returned whole.
func highlightGo(src string) string {
	fset := token.NewFileSet()
	file := fset.AddFile("cell.go", -1, len(src))
	var sc scanner.Scanner
	sc.Init(file, []byte(src), func(token.Position, string) {}, scanner.ScanComments)
	var b strings.Builder
	cursor := 0
	for {
		pos, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue // inserted automatically; not in the source
		}
		off := file.Offset(pos)
		text := lit
		if text == "" {
			text = tok.String()
		}
		end := off + len(text)
		if off < cursor || end > len(src) || src[off:end] != text {
			continue // e.g. a comment whose literal had \r removed
		}
		b.WriteString(html.EscapeString(src[cursor:off]))
		class := ""
		switch {
		case tok.IsKeyword():
			class = "k"
		case tok == token.IDENT && goBuiltins[lit]:
			class = "b"
		case tok == token.STRING || tok == token.CHAR:
			class = "s"
		case tok == token.INT || tok == token.FLOAT || tok == token.IMAG:
			class = "n"
		case tok == token.COMMENT:
			class = "c"
		}
		if class != "" {
			b.WriteString(`<span class="` + class + `">` + html.EscapeString(text) + "</span>")
		} else {
			b.WriteString(html.EscapeString(text))
		}
		cursor = end
	}
	b.WriteString(html.EscapeString(src[cursor:]))
	return b.String()
}
