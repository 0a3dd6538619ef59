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
// "pkg." (of the packages imported before, or by the cell being typed),
// fields and methods after "variable.", otherwise the names the session
// declared, imported packages, keywords and predeclared identifiers.
func (s *Session) Complete(code string, cursor int) (matches []string, start, end int) {
	items, start, end := s.CompleteItems(code, cursor)
	for _, it := range items {
		matches = append(matches, it.Text)
	}
	return matches, start, end
}

// CompleteItems is Complete with what each completion names (its kind
// and type), sorted by text.
func (s *Session) CompleteItems(code string, cursor int) (items []CompletionItem, start, end int) {
	off := byteOffset(code, cursor)
	qual, prefix, st := identAt(code, off)
	local := cellImports(code)
	var cands []CompletionItem
	if st > 0 && code[st-1] == '.' {
		// A selector: a package's members, a variable's fields and
		// methods, or those of any expression's type.
		if qual != "" {
			cands = s.members(qual, local)
		}
		if cands == nil {
			// The type checker knows the methods of types declared in
			// cells, which the interpreter's values do not show.
			cands = s.exprMembers(exprBefore(code, st-1), local)
		}
		if cands == nil && qual != "" {
			cands = s.fieldsOf(qual)
		}
	} else {
		s.namesMu.Lock()
		for n, decl := range s.names {
			it := CompletionItem{Text: n, Type: declKind(decl)}
			if it.Type == "variable" {
				it.Signature = s.typeOf(n)
			} else if it.Type == "function" {
				it.Signature = decl
			}
			cands = append(cands, it)
		}
		for _, name := range s.importNames {
			cands = append(cands, CompletionItem{Text: name, Type: "package"})
		}
		s.namesMu.Unlock()
		for name := range local {
			cands = append(cands, CompletionItem{Text: name, Type: "package"})
		}
		for _, k := range goKeywords {
			cands = append(cands, CompletionItem{Text: k, Type: "keyword"})
		}
		for _, p := range predeclared {
			cands = append(cands, CompletionItem{Text: p, Type: "builtin"})
		}
	}
	seen := map[string]bool{}
	for _, c := range cands {
		if strings.HasPrefix(c.Text, prefix) && !seen[c.Text] && !strings.HasPrefix(c.Text, "__") {
			seen[c.Text] = true
			items = append(items, c)
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Text < items[j].Text })
	return items, runeCount(code, st), cursor
}

// packagePath returns the import path of the package used as name: one
// imported by an earlier cell, else one the cell being typed imports
// (local), else "".
func (s *Session) packagePath(name string, local map[string]string) string {
	s.namesMu.Lock()
	path := ""
	for p, n := range s.importNames {
		if n == name {
			path = p
		}
	}
	s.namesMu.Unlock()
	if path == "" {
		path = local[name]
	}
	return path
}

// packageSymbols returns the import path and the symbol table of the
// package used as name (see packagePath).
func (s *Session) packageSymbols(name string, local map[string]string) (path string, syms map[string]reflect.Value) {
	path = s.packagePath(name, local)
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

// members lists the exported members of the package used as name.
func (s *Session) members(name string, local map[string]string) []CompletionItem {
	_, syms := s.packageSymbols(name, local)
	if syms == nil {
		return nil
	}
	out := make([]CompletionItem, 0, len(syms))
	for k, v := range syms {
		if !strings.HasPrefix(k, "_") {
			kind, typ := symbolKind(v)
			out = append(out, CompletionItem{Text: k, Type: kind, Signature: typ})
		}
	}
	return out
}

// fieldsOf lists the fields and methods of a global variable's value.
func (s *Session) fieldsOf(name string) []CompletionItem {
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
	var out []CompletionItem
	t := v.Type()
	for k := 0; k < t.NumMethod(); k++ {
		m := t.Method(k)
		out = append(out, CompletionItem{Text: m.Name, Type: "method", Signature: "func" + strings.TrimPrefix(methodSig(m), "func")})
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		for k := 0; k < t.NumField(); k++ {
			if f := t.Field(k); f.IsExported() {
				out = append(out, CompletionItem{Text: f.Name, Type: "field", Signature: f.Type.String()})
			}
		}
	}
	return out
}

// methodSig is a method's signature without its receiver.
func methodSig(m reflect.Method) string {
	ft := m.Type
	var in, out []string
	for i := 1; i < ft.NumIn(); i++ { // 0 is the receiver
		if ft.IsVariadic() && i == ft.NumIn()-1 {
			in = append(in, "..."+ft.In(i).Elem().String())
			continue
		}
		in = append(in, ft.In(i).String())
	}
	for i := 0; i < ft.NumOut(); i++ {
		out = append(out, ft.Out(i).String())
	}
	sig := "func(" + strings.Join(in, ", ") + ")"
	switch len(out) {
	case 0:
	case 1:
		sig += " " + out[0]
	default:
		sig += " (" + strings.Join(out, ", ") + ")"
	}
	return sig
}

// Inspect returns the documentation of what the cursor is on: the
// identifier under it — for ad, display, gonum and gonum/plot members
// their declaration and doc comment, for other package members their type,
// for the session's functions and types their declaration, for its
// variables their type and a short value (a tensor's shape) — or, when
// the cursor is inside a call's parentheses and not on a name, the called
// function (`ad.Grad(|`, `ad.Grad(f)(|`).
func (s *Session) Inspect(code string, cursor, detailLevel int) (display.Bundle, bool) {
	off := byteOffset(code, cursor)
	local := cellImports(code)
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
	applied := 0
	if name == "" {
		var ok bool
		if qual, name, applied, ok = callAt(code, off); !ok {
			return display.Bundle{}, false
		}
	}
	text, ok := s.inspectName(qual, name, local)
	if !ok {
		return display.Bundle{}, false
	}
	if applied > 0 {
		text = s.appliedNote(qual, name, applied, local) + text
	}
	text = strings.TrimSpace(text)
	return display.Bundle{Data: map[string]any{"text/plain": text}, Metadata: map[string]any{}}, true
}

// inspectName documents qual.name (or name when qual is empty).
func (s *Session) inspectName(qual, name string, local map[string]string) (string, bool) {
	if qual != "" {
		path, syms := s.packageSymbols(qual, local)
		if path == "" {
			return s.inspectMember(qual, name)
		}
		if d, ok := symbols.Docs[path+"."+name]; ok {
			return d.Decl + "\n\n" + d.Text, true
		}
		if v, ok := syms[name]; ok {
			return describe(qual+"."+name, v), true
		}
		return "", false
	}
	s.namesMu.Lock()
	decl, ok := s.names[name]
	s.namesMu.Unlock()
	if ok {
		if declKind(decl) == "variable" {
			return s.describeVar(name, decl), true
		}
		return decl, true
	}
	if p, syms := s.packageSymbols(name, local); syms != nil {
		if d, ok := symbols.Docs[p]; ok {
			return d.Decl + "\n\n" + d.Text, true
		}
		return "package " + name + " // import \"" + p + "\"", true
	}
	return "", false
}

// inspectMember documents a method or field of a notebook variable
// (`t.Shape`).
func (s *Session) inspectMember(varName, name string) (string, bool) {
	items := s.exprMembers(varName, nil) // with the methods of types declared in cells
	if items == nil {
		items = s.fieldsOf(varName)
	}
	for _, it := range items {
		if it.Text == name {
			if it.Type == "method" {
				return "func (" + varName + ") " + name + strings.TrimPrefix(it.Signature, "func"), true
			}
			return "field " + varName + "." + name + " " + it.Signature, true
		}
	}
	return "", false
}

// describeVar is a notebook variable's declaration with its type and a
// short value.
func (s *Session) describeVar(name, decl string) string {
	typ := s.typeOf(name)
	var v reflect.Value
	if s.mu.TryLock() {
		v = s.interp.Globals()[name]
		s.mu.Unlock()
	}
	if typ == "" && v.IsValid() {
		typ = v.Type().String()
	}
	text := decl
	if typ != "" && !strings.Contains(decl, " "+typ) {
		text = "var " + name + " " + typ
	}
	if sv := shortValue(v); sv != "" {
		text += "\n\n" + sv
	}
	return text
}

// appliedNote says what is called when the callee is itself the result of
// calls (`ad.Grad(f)(|`): the type the calls return.
func (s *Session) appliedNote(qual, name string, applied int, local map[string]string) string {
	var v reflect.Value
	if qual != "" {
		_, syms := s.packageSymbols(qual, local)
		v = syms[name]
	}
	call := name
	if qual != "" {
		call = qual + "." + name
	}
	call += strings.Repeat("(…)", applied)
	if !v.IsValid() || v.Kind() != reflect.Func {
		return "called: the result of " + call + "\n\n"
	}
	t := v.Type()
	for i := 0; i < applied; i++ {
		if t.Kind() != reflect.Func || t.NumOut() == 0 {
			return "called: the result of " + call + "\n\n"
		}
		t = t.Out(0)
	}
	return "called: " + call + ", a " + t.String() + "\n\n"
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
	code = blankCommands(code)
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
