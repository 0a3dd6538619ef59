package session

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"reflect"
	"strconv"
	"strings"

	"github.com/gograd/gograd/ad"
)

// Help where the cursor is: what completion and inspection know beyond
// the name under the cursor — the packages the cell being typed imports,
// the call whose parentheses hold the cursor, what kind of thing each
// completion is, and the type and a short value of notebook variables.

// CompletionItem is one completion and what it names, for the front end
// (Jupyter's metadata._jupyter_types_experimental, as ipykernel sends it).
type CompletionItem struct {
	// Text is the completion.
	Text string
	// Type is what it names: package, function, type, variable, constant,
	// field, method, keyword or builtin.
	Type string
	// Signature is a function's parameters and results, e.g.
	// "func(float64) float64"; for a variable, its type.
	Signature string
}

// cellImports returns the packages imported by the import declarations of
// code (a cell being typed, not yet run), by the name they are used with.
func cellImports(code string) map[string]string {
	out := map[string]string{}
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(code))
	var sc scanner.Scanner
	sc.Init(file, []byte(code), func(token.Position, string) {}, 0)
	next := func() (token.Token, string) {
		for {
			_, t, lit := sc.Scan()
			if t != token.SEMICOLON || lit != "\n" {
				return t, lit
			}
		}
	}
	spec := func(t token.Token, lit string) {
		name := ""
		if t == token.IDENT || t == token.PERIOD {
			name = lit
			t, lit = next()
		}
		if t != token.STRING {
			return
		}
		p, err := strconv.Unquote(lit)
		if err != nil || p == "" {
			return
		}
		if name == "" {
			name = p[strings.LastIndexByte(p, '/')+1:]
		}
		if name != "_" && name != "." && name != "" {
			out[name] = p
		}
	}
	for {
		t, _ := next()
		if t == token.EOF {
			return out
		}
		if t != token.IMPORT {
			continue
		}
		t, lit := next()
		if t != token.LPAREN {
			spec(t, lit)
			continue
		}
		for {
			t, lit = next()
			if t == token.RPAREN || t == token.EOF {
				break
			}
			if t == token.SEMICOLON {
				continue
			}
			spec(t, lit)
		}
	}
}

// callAt finds the call whose parentheses hold the byte offset off of
// code: the callee's qualifier and name ("ad", "Grad" for `ad.Grad(x|`)
// and how many calls are applied to it before those parentheses (1 for
// `ad.Grad(f)(|`). ok is false outside any call's parentheses.
func callAt(code string, off int) (qual, name string, applied int, ok bool) {
	type tok struct {
		t   token.Token
		lit string
	}
	fset := token.NewFileSet()
	src := code[:off]
	file := fset.AddFile("cell", -1, len(src))
	var sc scanner.Scanner
	sc.Init(file, []byte(src), func(token.Position, string) {}, 0)
	var toks []tok
	var open []int // indexes in toks of unclosed brackets
	for {
		_, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		if t == token.SEMICOLON && lit == "\n" {
			continue
		}
		toks = append(toks, tok{t, lit})
		switch t {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			open = append(open, len(toks)-1)
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
	}
	// The innermost open parenthesis that is a call's.
	for k := len(open) - 1; k >= 0; k-- {
		i := open[k]
		if toks[i].t != token.LPAREN {
			continue
		}
		// Walk back over the callee: calls applied to it, then a
		// possibly qualified name.
		j, n := i-1, 0
		for j >= 0 && toks[j].t == token.RPAREN {
			depth := 0
			for ; j >= 0; j-- {
				if toks[j].t == token.RPAREN {
					depth++
				} else if toks[j].t == token.LPAREN {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			j--
			n++
		}
		if j < 0 || toks[j].t != token.IDENT {
			continue // func( of a literal, if (, a conversion of a paren expr…
		}
		name = toks[j].lit
		if j >= 2 && toks[j-1].t == token.PERIOD && toks[j-2].t == token.IDENT {
			qual = toks[j-2].lit
		}
		return qual, name, n, true
	}
	return "", "", 0, false
}

// symbolKind describes a symbol of a compiled package's yaegi table:
// what it is and its type (a function's signature).
func symbolKind(v reflect.Value) (kind, typ string) {
	if !v.IsValid() {
		return "", ""
	}
	t := v.Type()
	switch {
	case t.Kind() == reflect.Func:
		return "function", t.String()
	case t.Implements(reflect.TypeOf((*constant.Value)(nil)).Elem()):
		return "constant", "untyped constant"
	case t.Kind() == reflect.Pointer && v.IsNil():
		return "type", t.Elem().Kind().String()
	case t.Kind() == reflect.Pointer:
		return "variable", t.Elem().String()
	}
	return "constant", t.String()
}

// declKind is the completion type of a session declaration recorded as
// "func f() int", "var x", "type T struct…", "const c".
func declKind(decl string) string {
	switch strings.SplitN(decl, " ", 2)[0] {
	case "func":
		return "function"
	case "type":
		return "type"
	case "const":
		return "constant"
	}
	return "variable"
}

// typeOf is the Go type of a notebook name as the type checker saw it,
// written with package names ("*ad.Tensor"), or "".
func (s *Session) typeOf(name string) string {
	obj := s.tstate.objs[name]
	if obj == nil || obj.Type() == nil {
		return ""
	}
	return types.TypeString(obj.Type(), func(p *types.Package) string {
		if p == obj.Pkg() {
			return "" // the cells' own package
		}
		return p.Name()
	})
}

// maxShort is the length of the value shown when inspecting a variable.
const maxShort = 120

// shortValue is a one-line summary of a variable's value: a tensor's
// shape (and its elements when few), a number or string, a collection's
// length and first elements. It calls no method of interpreted code (which
// could run for ever), only compiled ones.
func shortValue(v reflect.Value) string {
	if !v.IsValid() {
		return ""
	}
	if v.CanInterface() {
		if t, ok := v.Interface().(*ad.Tensor); ok {
			if t == nil {
				return "nil"
			}
			s := fmt.Sprintf("shape %v", t.Shape())
			if len(t.Shape()) == 0 {
				return fmt.Sprintf("scalar %g", t.Item())
			}
			if t.Size() <= 8 {
				s += ", " + clip(strings.Join(strings.Fields(fmt.Sprint(t.Data())), " "), maxShort)
			}
			return s
		}
	}
	switch v.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		if v.Type().PkgPath() != "" && v.NumMethod() > 0 {
			return "" // may print itself with a method of its own
		}
		return clip(fmt.Sprint(v.Interface()), maxShort)
	case reflect.String:
		return clip(strconv.Quote(v.String()), maxShort)
	case reflect.Slice, reflect.Array:
		s := fmt.Sprintf("len %d", v.Len())
		if v.Kind() == reflect.Slice {
			s += fmt.Sprintf(", cap %d", v.Cap())
		}
		if k := v.Type().Elem().Kind(); k <= reflect.Complex128 || k == reflect.String {
			var parts []string
			for i := 0; i < v.Len() && i < 8; i++ {
				parts = append(parts, shortValue(v.Index(i)))
			}
			if v.Len() > 8 {
				parts = append(parts, "…")
			}
			s += ": [" + strings.Join(parts, " ") + "]"
		}
		return clip(s, maxShort)
	case reflect.Map, reflect.Chan:
		return fmt.Sprintf("len %d", v.Len())
	case reflect.Pointer, reflect.Interface, reflect.Func:
		if v.IsNil() {
			return "nil"
		}
	}
	return ""
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// exprBefore returns the expression that ends at byte offset dot of code
// (where a '.' is): "ad.Scalar(1)" in "y := ad.Scalar(1).Sh". Brackets are
// skipped balanced; "" when there is none.
func exprBefore(code string, dot int) string {
	i := dot
loop:
	for i > 0 {
		c := code[i-1]
		switch {
		case c == ')' || c == ']':
			open := byte('(')
			if c == ']' {
				open = '['
			}
			depth, j := 0, i-1
			for ; j >= 0; j-- {
				if code[j] == c {
					depth++
				} else if code[j] == open {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if j < 0 {
				return ""
			}
			i = j
		case c == '.' || c == '_' || c >= 0x80 || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9':
			i--
		default:
			break loop
		}
	}
	return code[i:dot]
}

// typeOfExpr type-checks src, an expression, against the session's
// declarations and the packages imported by earlier cells and by the cell
// being typed (local); nil when it does not check.
func (s *Session) typeOfExpr(src string, local map[string]string) (t types.Type, qual types.Qualifier) {
	expr, err := parser.ParseExpr(src)
	if err != nil {
		return nil, nil
	}
	im := cellImporter(s.overrides)
	pkg := types.NewPackage("main", "main")
	scope := pkg.Scope()
	for _, obj := range s.tstate.objs {
		scope.Insert(obj)
	}
	addPkg := func(name, path string) {
		if scope.Lookup(name) != nil {
			return
		}
		if p, err := im.Import(path); err == nil {
			scope.Insert(types.NewPkgName(token.NoPos, pkg, name, p))
		}
	}
	s.namesMu.Lock()
	for path, name := range s.importNames {
		addPkg(name, path)
	}
	s.namesMu.Unlock()
	for name, path := range local {
		addPkg(name, path)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	if err := types.CheckExpr(token.NewFileSet(), pkg, token.NoPos, expr, info); err != nil {
		return nil, nil
	}
	tv := info.Types[expr]
	if !tv.IsValue() {
		return nil, nil
	}
	var cellPkg *types.Package
	for _, obj := range s.tstate.objs {
		cellPkg = obj.Pkg()
		break
	}
	return tv.Type, func(p *types.Package) string {
		if p == pkg || p == cellPkg || p.Path() == "main" {
			return ""
		}
		return p.Name()
	}
}

// exprMembers lists the exported fields and methods of the value of the
// expression before a '.' (`ad.Scalar(1).`, `xs[0].`, `f(x).`).
func (s *Session) exprMembers(src string, local map[string]string) []CompletionItem {
	t, qual := s.typeOfExpr(src, local)
	if t == nil {
		return nil
	}
	mt := t
	if _, isPtr := t.(*types.Pointer); !isPtr && !types.IsInterface(t) {
		mt = types.NewPointer(t) // addressable values have the pointer's methods
	}
	var out []CompletionItem
	ms := types.NewMethodSet(mt)
	for i := 0; i < ms.Len(); i++ {
		obj := ms.At(i).Obj()
		if obj.Exported() {
			out = append(out, CompletionItem{Text: obj.Name(), Type: "method", Signature: types.TypeString(obj.Type(), qual)})
		}
	}
	u := t
	if p, ok := u.(*types.Pointer); ok {
		u = p.Elem()
	}
	if st, ok := u.Underlying().(*types.Struct); ok {
		for i := 0; i < st.NumFields(); i++ {
			if f := st.Field(i); f.Exported() {
				out = append(out, CompletionItem{Text: f.Name(), Type: "field", Signature: types.TypeString(f.Type(), qual)})
			}
		}
	}
	return out
}
