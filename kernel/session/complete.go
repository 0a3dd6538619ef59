package session

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"reflect"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/traefik/yaegi/stdlib"

	"github.com/gograd/gograd/display"
	"github.com/gograd/gograd/kernel/symbols"
)

var goKeywords = []string{
	"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
	"for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
	"return", "select", "struct", "switch", "type", "var",
}

var predeclared = []string{
	"any", "bool", "byte", "comparable", "complex128", "complex64", "error", "false", "float32",
	"float64", "int", "int16", "int32", "int64", "int8", "iota", "nil", "rune", "string", "true",
	"uint", "uint16", "uint32", "uint64", "uint8", "uintptr",
	"append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max",
	"min", "new", "panic", "print", "println", "real", "recover",
}

// byteOffset converts a cursor in Unicode code points to a byte offset.
func byteOffset(code string, cursor int) int {
	if cursor <= 0 {
		return 0
	}
	n := 0
	for i := range code {
		if n == cursor {
			return i
		}
		n++
	}
	return len(code)
}

// runeCount converts a byte offset to code points.
func runeCount(code string, off int) int { return utf8.RuneCountInString(code[:off]) }

func isIdentRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// identAt returns the identifier (with an optional "pkg." qualifier)
// ending at byte offset end, and where the last part starts.
func identAt(code string, end int) (qual, name string, start int) {
	start = end
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(code[:start])
		if !isIdentRune(r) {
			break
		}
		start -= size
	}
	name = code[start:end]
	if start > 0 && code[start-1] == '.' {
		q := start - 1
		for q > 0 {
			r, size := utf8.DecodeLastRuneInString(code[:q])
			if !isIdentRune(r) {
				break
			}
			q -= size
		}
		qual = code[q : start-1]
	}
	return qual, name, start
}

// Complete returns the completions of the identifier before cursor (in code
// points), and the code-point range they replace: package members after
// "pkg.", otherwise the names the session declared, imported packages,
// keywords and predeclared identifiers.
func (s *Session) Complete(code string, cursor int) (matches []string, start, end int) {
	off := byteOffset(code, cursor)
	qual, prefix, st := identAt(code, off)
	var cands []string
	if qual != "" {
		cands = s.members(qual)
		if cands == nil {
			cands = s.fieldsOf(qual)
		}
	} else {
		s.namesMu.Lock()
		for n := range s.names {
			cands = append(cands, n)
		}
		for _, name := range s.importNames {
			cands = append(cands, name)
		}
		s.namesMu.Unlock()
		cands = append(cands, goKeywords...)
		cands = append(cands, predeclared...)
	}
	seen := map[string]bool{}
	for _, c := range cands {
		if strings.HasPrefix(c, prefix) && !seen[c] && !strings.HasPrefix(c, "__") {
			seen[c] = true
			matches = append(matches, c)
		}
	}
	sort.Strings(matches)
	return matches, runeCount(code, st), cursor
}

// packageSymbols returns the symbol table of an imported package name.
func (s *Session) packageSymbols(name string) (path string, syms map[string]reflect.Value) {
	s.namesMu.Lock()
	for p, n := range s.importNames {
		if n == name {
			path = p
		}
	}
	s.namesMu.Unlock()
	if path == "" {
		return "", nil
	}
	base := path[strings.LastIndexByte(path, '/')+1:]
	if m, ok := symbols.Symbols[path+"/"+base]; ok {
		return path, m
	}
	for k, m := range stdlib.Symbols {
		if strings.HasPrefix(k, path+"/") && !strings.Contains(k[len(path)+1:], "/") {
			return path, m
		}
	}
	return path, nil
}

// members lists the exported members of the package imported as name.
func (s *Session) members(name string) []string {
	_, syms := s.packageSymbols(name)
	if syms == nil {
		return nil
	}
	out := make([]string, 0, len(syms))
	for k := range syms {
		if !strings.HasPrefix(k, "_") {
			out = append(out, k)
		}
	}
	return out
}

// fieldsOf lists the fields and methods of a global variable's value.
func (s *Session) fieldsOf(name string) []string {
	s.namesMu.Lock()
	_, known := s.names[name]
	s.namesMu.Unlock()
	if !known || !s.mu.TryLock() {
		return nil
	}
	defer s.mu.Unlock()
	v, ok := s.interp.Globals()[name]
	if !ok || !v.IsValid() {
		return nil
	}
	var out []string
	t := v.Type()
	for k := 0; k < t.NumMethod(); k++ {
		out = append(out, t.Method(k).Name)
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		for k := 0; k < t.NumField(); k++ {
			if f := t.Field(k); f.IsExported() {
				out = append(out, f.Name)
			}
		}
	}
	return out
}

// Inspect returns the documentation of the identifier at cursor: the doc
// comment and declaration for ad, display and gonum/plot members, the type
// of other package members, and the kind of the session's own names.
func (s *Session) Inspect(code string, cursor, detailLevel int) (display.Bundle, bool) {
	off := byteOffset(code, cursor)
	// Extend to the end of the identifier under the cursor.
	end := off
	for end < len(code) {
		r, size := utf8.DecodeRuneInString(code[end:])
		if !isIdentRune(r) {
			break
		}
		end += size
	}
	qual, name, _ := identAt(code, end)
	if name == "" {
		return display.Bundle{}, false
	}
	var text string
	if qual != "" {
		path, syms := s.packageSymbols(qual)
		if path == "" {
			return display.Bundle{}, false
		}
		if d, ok := symbols.Docs[path+"."+name]; ok {
			text = d.Decl + "\n\n" + d.Text
		} else if v, ok := syms[name]; ok {
			text = describe(qual+"."+name, v)
		} else {
			return display.Bundle{}, false
		}
	} else {
		s.namesMu.Lock()
		kind, ok := s.names[name]
		s.namesMu.Unlock()
		switch {
		case ok:
			text = kind
		default:
			if p, syms := s.packageSymbols(name); syms != nil {
				text = "package " + name + " // import \"" + p + "\""
				if d, ok := symbols.Docs[p]; ok {
					text = d.Decl + "\n\n" + d.Text
				}
			} else {
				return display.Bundle{}, false
			}
		}
	}
	text = strings.TrimSpace(text)
	return display.Bundle{Data: map[string]any{"text/plain": text}, Metadata: map[string]any{}}, true
}

// describe formats a binary symbol: its Go type.
func describe(name string, v reflect.Value) string {
	if !v.IsValid() {
		return name
	}
	t := v.Type()
	switch {
	case t.Kind() == reflect.Func:
		return "func " + name + strings.TrimPrefix(t.String(), "func")
	case t.Kind() == reflect.Pointer && v.IsNil():
		return "type " + name + " " + t.Elem().String()
	}
	return "var " + name + " " + t.String()
}

// IsComplete reports whether code is ready to run: "complete",
// "incomplete" (with the indent for the next line) when brackets or a raw
// string are still open, or "invalid" for a syntax error that more lines
// cannot fix.
func (s *Session) IsComplete(code string) (status, indent string) {
	code = blankSpecials(code)
	if strings.TrimSpace(code) == "" {
		return "complete", ""
	}
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(code))
	var sc scanner.Scanner
	var scanErr string
	sc.Init(file, []byte(code), func(_ token.Position, msg string) {
		if scanErr == "" {
			scanErr = msg
		}
	}, 0)
	depth := 0
	var last token.Token
	for {
		_, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		switch t {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
			if depth < 0 {
				return "invalid", ""
			}
		}
		if !(t == token.SEMICOLON && lit == "\n") {
			last = t
		}
	}
	if scanErr != "" {
		if strings.Contains(scanErr, "raw string literal not terminated") || strings.Contains(scanErr, "comment not terminated") {
			return "incomplete", ""
		}
		return "invalid", ""
	}
	if depth > 0 {
		return "incomplete", strings.Repeat("\t", depth)
	}
	switch last {
	case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.AND, token.OR, token.XOR,
		token.SHL, token.SHR, token.AND_NOT, token.LAND, token.LOR, token.COMMA, token.PERIOD,
		token.ASSIGN, token.DEFINE, token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ, token.ARROW:
		return "incomplete", ""
	}
	for _, seg := range splitCell(code) {
		line, col := lineCol(code, seg.start)
		c := makeChunk(seg.kind, 0, code[seg.start:seg.end], line, col)
		if _, err := parserParse(c.src); err != nil {
			return "invalid", ""
		}
	}
	return "complete", ""
}

// recordNames remembers the package-level names a compiled cell declared,
// for completion.
func (s *Session) recordNames(f *ast.File, src string, kind chunkKind) {
	s.namesMu.Lock()
	defer s.namesMu.Unlock()
	if kind == stmtChunk {
		fd, ok := f.Decls[len(f.Decls)-1].(*ast.FuncDecl)
		if !ok {
			return
		}
		for _, st := range fd.Body.List {
			switch st := st.(type) {
			case *ast.AssignStmt:
				if st.Tok == token.DEFINE {
					for _, l := range st.Lhs {
						if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
							s.names[id.Name] = "var " + id.Name
						}
					}
				}
			case *ast.DeclStmt:
				s.recordGen(f, src, st.Decl)
			}
		}
		return
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Body != nil {
				s.names[d.Name.Name] = strings.TrimSpace(sliceText(f, src, d.Pos(), d.Body.Lbrace))
			}
		case *ast.GenDecl:
			s.recordGen(f, src, d)
		}
	}
}

func (s *Session) recordGen(f *ast.File, src string, d ast.Decl) {
	gd, ok := d.(*ast.GenDecl)
	if !ok {
		return
	}
	for _, sp := range gd.Specs {
		switch sp := sp.(type) {
		case *ast.ValueSpec:
			for _, n := range sp.Names {
				if n.Name != "_" {
					decl := gd.Tok.String() + " " + n.Name
					if sp.Type != nil {
						decl += " " + sliceText(f, src, sp.Type.Pos(), sp.Type.End())
					}
					s.names[n.Name] = decl
				}
			}
		case *ast.TypeSpec:
			s.names[sp.Name.Name] = "type " + sliceText(f, src, sp.Pos(), sp.End())
		}
	}
}

// parserParse parses a chunk's synthetic source.
func parserParse(src string) (*ast.File, error) {
	return parser.ParseFile(token.NewFileSet(), posFile, src, parser.SkipObjectResolution)
}

// sliceText returns the source between two positions of f, whose source is
// src, or "" when they are out of range.
func sliceText(f *ast.File, src string, from, to token.Pos) string {
	a, b := int(from)-int(f.FileStart), int(to)-int(f.FileStart)
	if a < 0 || b > len(src) || a > b {
		return ""
	}
	return src[a:b]
}
