package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// Redefining a function. yaegi v0.16.1 binds a call of a package-level
// function, when it compiles the call, to the function's node: after
// `func sq(x float64) float64 { return x * x }` and `func g(x float64)
// float64 { return sq(x) + 1 }`, a cell redefining sq left g calling the
// earlier sq (g(3) stayed 10, not 28), as did every function literal made
// before, and every function value taken before. When a cell changes a
// plain function's text, the session therefore compiles again, from the
// kept history, every function declaration of earlier cells that mentions
// it, transitively (k calls g calls sq), in one unit (so mutual recursion
// binds right), shadow first; a declaration that no longer compiles keeps
// its earlier definition and the cell's stderr says so. What cannot be
// compiled again without running code — function values made by earlier
// cells (literals held in variables, maps, slices, fields, widget
// callbacks; function values taken with k := g; goroutines running) — is
// named in a note on the cell's stderr. Methods cannot be replaced in a
// type (yaegi keeps a type's first methods): a method that calls the
// redefined function is named, and re-running the cell that declares its
// type makes it a new type (see planRenames) whose methods call the new
// function. A variable declared again with another type, or with var, and
// a constant declared again with another value go the same way
// (reassign.go).

// site is a place in a cell that made values holding functions: a
// function literal, a function used as a value, a go statement, or a call
// of a session function (which may return a function it made).
type site struct {
	seq    int
	where  string // "cell 4, line 2"
	target string // the variable (or expression) it was stored in, or ""
	// goStmt marks a go statement with no variable; gen is the
	// generation (cell) its goroutines belong to.
	goStmt bool
	gen    int64
	// lits are the session names inside its function literals and the
	// function its go statements run; vals the session names used as
	// values outside function literals (a function so used is held, a
	// variable's value copied); calls the session names called outside
	// function literals.
	lits, vals, calls []string
}

// sitesOf returns the sites the chunk c (parsed as f with fset) makes,
// keyed: a variable defined or assigned as a whole by its name ("var h"),
// any other place by its statement's text (so that re-running a cell
// replaces its sites).
func (s *Session) sitesOf(fset *token.FileSet, f *ast.File, c chunk) map[string]*site {
	// Only the execution goroutine writes s.names, and this runs on it.
	names := s.names
	m := map[string]*site{}
	add := func(key func() string, target string, pos token.Pos, nodes ...ast.Node) {
		st := &site{target: target}
		// A variable whose type cannot hold a function (a number, a
		// tensor) holds nothing made with a function.
		if h, ok := c.holds[fset.Position(pos).Offset]; !ok || h {
			for _, n := range nodes {
				if n != nil {
					collectUses(n, names, st)
				}
			}
		}
		if len(st.lits) == 0 && len(st.vals) == 0 && len(st.calls) == 0 && target == "" {
			// Its text would bind the same nothing again.
			return
		}
		file, line := s.lines.lookup(fset.Position(pos).Line)
		st.where = fmt.Sprintf("cell %s, line %d", strings.TrimPrefix(file, "cell"), line)
		m[key()] = st
	}
	varKey := func(name string) func() string { return func() string { return "var " + name } }
	text := func(n ast.Node) string { return nodeText(c.src, f, n) }
	valueSpec := func(vs *ast.ValueSpec) {
		if len(vs.Values) == len(vs.Names) {
			for i, id := range vs.Names {
				if id.Name != "_" {
					add(varKey(id.Name), id.Name, id.Pos(), vs.Values[i])
				}
			}
			return
		}
		for _, id := range vs.Names {
			if id.Name != "_" {
				add(varKey(id.Name), id.Name, id.Pos(), asNodes(vs.Values)...)
			}
		}
	}
	genDecl := func(d ast.Decl) {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			for _, sp := range gd.Specs {
				valueSpec(sp.(*ast.ValueSpec))
			}
		}
	}
	if c.kind == declChunk {
		for _, d := range f.Decls {
			genDecl(d)
		}
		return m
	}
	fd, ok := f.Decls[len(f.Decls)-1].(*ast.FuncDecl)
	if !ok || fd.Body == nil {
		return m
	}
	for _, st := range fd.Body.List {
		switch st := st.(type) {
		case *ast.DeclStmt:
			genDecl(st.Decl)
			continue
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE || st.Tok == token.ASSIGN {
				whole := true
				for i, l := range st.Lhs {
					id, ok := l.(*ast.Ident)
					if !ok {
						whole = false
						continue
					}
					if id.Name == "_" {
						continue
					}
					// x = append(x, f) keeps what x held: by text.
					if st.Tok == token.ASSIGN && mentions(st.Rhs, id.Name) {
						whole = false
						continue
					}
					if len(st.Lhs) == len(st.Rhs) {
						add(varKey(id.Name), id.Name, id.Pos(), st.Rhs[i])
					} else {
						add(varKey(id.Name), id.Name, id.Pos(), asNodes(st.Rhs)...)
					}
				}
				if whole {
					continue
				}
				target := ""
				if len(st.Lhs) == 1 {
					target = text(st.Lhs[0])
				}
				add(func() string { return "stmt " + text(st) }, target, st.Pos(), st)
				continue
			}
		}
		key := func() string { return "stmt " + text(st) }
		add(key, "", st.Pos(), st)
		if _, ok := st.(*ast.GoStmt); ok && m[key()] != nil {
			m[key()].goStmt, m[key()].gen = true, s.gen
		}
	}
	return m
}

// asNodes converts expressions to nodes.
func asNodes(xs []ast.Expr) []ast.Node {
	out := make([]ast.Node, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// mentions reports whether an identifier named name appears in nodes.
func mentions(nodes []ast.Expr, name string) bool {
	found := false
	for _, n := range nodes {
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == name {
				found = true
			}
			return !found
		})
	}
	return found
}

// collectUses adds to st the session names (in names) that n binds into
// function values: every name inside a function literal, a name used as
// a value (not called, not a selector's member or a composite literal's
// key), the function of a go statement; and the names it calls.
func collectUses[V any](n ast.Node, names map[string]V, st *site) {
	skip := map[*ast.Ident]bool{}
	started := map[*ast.CallExpr]bool{} // the calls of go statements
	add := func(list *[]string, name string) {
		if _, ok := names[name]; !ok {
			return
		}
		for _, x := range *list {
			if x == name {
				return
			}
		}
		*list = append(*list, name)
	}
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		markNonRefs(n, skip)
		switch n := n.(type) {
		case *ast.FuncLit:
			ast.Inspect(n.Body, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					add(&st.lits, id.Name)
				}
				return true
			})
			return false
		case *ast.GoStmt:
			started[n.Call] = true
			if id, ok := ast.Unparen(n.Call.Fun).(*ast.Ident); ok {
				add(&st.lits, id.Name)
			}
		case *ast.CallExpr:
			switch fn := ast.Unparen(n.Fun).(type) {
			case *ast.Ident:
				skip[fn] = true
				add(&st.calls, fn.Name)
			case *ast.CallExpr, *ast.FuncLit:
				if !started[n] {
					// Called at once (ad.Grad(f)(x), func() {...}()):
					// the function made is used and dropped here.
					for _, a := range n.Args {
						ast.Inspect(a, visit)
					}
					return false
				}
			}
		case *ast.Ident:
			if !skip[n] {
				add(&st.vals, n.Name)
			}
		}
		return true
	}
	ast.Inspect(n, visit)
}

// addSites records the sites a chunk made, replacing those of the same
// key; a key whose new site binds nothing is forgotten.
func (s *Session) addSites(m map[string]*site) {
	for key, st := range m {
		if len(st.lits) == 0 && len(st.vals) == 0 && len(st.calls) == 0 {
			delete(s.sites, key)
			continue
		}
		s.siteSeq++
		st.seq = s.siteSeq
		s.sites[key] = st
	}
}

// declInfo is a function or method declaration kept in the history.
type declInfo struct {
	name     string // "f", or "T.M" for a method
	method   bool
	hist     int    // index of its chunk in the list searched
	chunk    chunk  // its chunk
	where    string // "cell 1"
	mentions map[string]bool
	// makes holds the session names function values it makes may hold
	// (see collectUses; its calls are not used).
	makes site
}

// declaredFuncs returns the latest declaration of each function and
// method in the chunks list, by name.
func (s *Session) declaredFuncs(list []chunk, names map[string]bool) map[string]*declInfo {
	infos := map[string]*declInfo{}
	fset := token.NewFileSet()
	for k, c := range list {
		if c.kind != declChunk {
			continue
		}
		f, err := parser.ParseFile(fset, posFile, c.src, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fi := &declInfo{name: fd.Name.Name, hist: k, chunk: c, mentions: map[string]bool{}}
			if fd.Recv != nil && len(fd.Recv.List) > 0 {
				fi.method = true
				fi.name = recvTypeName(fd.Recv.List[0].Type) + "." + fd.Name.Name
			}
			file, _ := s.lines.lookup(fset.Position(fd.Pos()).Line)
			fi.where = "cell " + strings.TrimPrefix(file, "cell")
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					fi.mentions[id.Name] = true
				}
				return true
			})
			var st site
			// Only what the body makes: a plain call binds nothing.
			for _, b := range fd.Body.List {
				collectUses(b, names, &st)
			}
			fi.makes = st
			infos[fi.name] = fi
		}
	}
	return infos
}

// redefined runs after chunk k of a cell has run: when it changed plain
// functions of earlier statements, declared variables again (with another
// type, or with var) or constants with another value, the function
// declarations that mention them are compiled again and what still holds
// the earlier definitions is named on the cell's stderr.
func (s *Session) redefined(chunks []chunk, made []map[string]*site, k int) {
	var changed []string
	for _, ft := range chunks[k].funcTexts {
		if old, ok := s.funcText[ft[0]]; ok && old != ft[1] {
			changed = append(changed, ft[0])
		}
		s.funcText[ft[0]] = ft[1]
	}
	isVar := map[string]bool{}
	for _, v := range chunks[k].redefVars {
		if !isVar[v] {
			isVar[v] = true
			changed = append(changed, v)
		}
	}
	// A var declared again is a new variable (even with the same text:
	// code compiled before reads the earlier one); a constant declared
	// again with another value is inlined anew. Only names that some
	// function body or literal mentions matter.
	for _, v := range chunks[k].declVars {
		key := "var " + v
		if _, ok := s.funcText[key]; ok && s.captured[v] && !isVar[v] {
			isVar[v] = true
			changed = append(changed, v)
		}
		s.funcText[key] = ""
	}
	for _, ct := range chunks[k].constTexts {
		key := "const " + ct[0]
		if old, ok := s.funcText[key]; ok && old != ct[1] && s.captured[ct[0]] && !isVar[ct[0]] {
			isVar[ct[0]] = true
			changed = append(changed, ct[0])
		}
		s.funcText[key] = ct[1]
	}
	if len(changed) == 0 || s.running {
		return
	}
	// holds returns the names a site's function values hold: a variable
	// used as a value outside literals was copied, not held.
	holds := func(st *site) map[string]bool {
		set := map[string]bool{}
		for _, n := range st.lits {
			set[n] = true
		}
		for _, n := range st.vals {
			if !isVar[n] {
				set[n] = true
			}
		}
		return set
	}
	// A function is called, a variable read.
	verb := func(root string) string {
		if isVar[root] {
			return "reads"
		}
		return "calls"
	}
	// Functions the cell declares from this chunk on are compiled with
	// the new definitions, and so are the sites it makes from this chunk
	// on; those of its earlier chunks are not.
	inCell := map[string]bool{}
	for _, c := range chunks[k:] {
		for _, f := range c.funcs {
			inCell[f[0]] = true
		}
	}
	remade := map[string]bool{}
	for _, m := range made[k:] {
		for key := range m {
			remade[key] = true
		}
	}
	s.namesMu.Lock()
	names := make(map[string]bool, len(s.names))
	for n := range s.names {
		names[n] = true
	}
	s.namesMu.Unlock()
	list := append(s.history[:len(s.history):len(s.history)], chunks[:k]...)
	infos := s.declaredFuncs(list, names)
	order := make([]string, 0, len(infos))
	for n := range infos {
		order = append(order, n)
	}
	sort.Slice(order, func(a, b int) bool {
		if infos[order[a]].hist != infos[order[b]].hist {
			return infos[order[a]].hist < infos[order[b]].hist
		}
		return order[a] < order[b]
	})

	// via maps each name whose earlier definition is stale to the
	// redefined function it reaches.
	via := map[string]string{}
	for _, n := range changed {
		via[n] = n
	}
	reach := func(set map[string]bool) string {
		for _, n := range changed {
			if set[n] {
				return n
			}
		}
		for n := range set {
			if v, ok := via[n]; ok {
				return v
			}
		}
		return ""
	}
	var deps []string
	for grew := true; grew; {
		grew = false
		for _, n := range order {
			fi := infos[n]
			if fi.method || inCell[n] || via[n] != "" {
				continue
			}
			if v := reach(fi.mentions); v != "" {
				via[n] = v
				deps = append(deps, n)
				grew = true
			}
		}
	}
	var notes []string
	failed := s.recompile(deps, infos)
	for _, n := range deps {
		if msg, ok := failed[n]; ok {
			notes = append(notes, fmt.Sprintf("%s (%s) still %s the earlier %s: it does not compile with the new one: %s", n, infos[n].where, verb(via[n]), via[n], msg))
		}
	}
	for _, n := range deps {
		if _, ok := failed[n]; ok {
			continue
		}
		for _, m := range sortedKeys(infos[n].mentions) {
			if _, ok := failed[m]; ok {
				notes = append(notes, fmt.Sprintf("%s (%s) calls %s, which still %s the earlier %s", n, infos[n].where, m, verb(via[m]), via[m]))
				break
			}
		}
	}
	inCellMethods := map[string]bool{}
	for _, c := range chunks {
		for _, d := range c.decls {
			if d.kind == token.FUNC || d.kind == token.TYPE {
				inCellMethods[d.name] = true
			}
		}
	}
	for _, n := range order {
		fi := infos[n]
		if !fi.method || inCellMethods[n] || inCellMethods[strings.SplitN(n, ".", 2)[0]] {
			continue
		}
		if v := reach(fi.mentions); v != "" {
			s.staleMethods[n] = true
			t := strings.SplitN(n, ".", 2)[0]
			notes = append(notes, fmt.Sprintf("method %s (%s) still %s the earlier %s (the interpreter keeps a type's first methods); run the cell declaring %s again to use the new one (values of %s made before keep the earlier method)", n, fi.where, verb(v), v, t, t))
		}
	}
	// Functions whose calls made function values holding stale names.
	factory := map[string]string{}
	for grew := true; grew; {
		grew = false
		for _, n := range order {
			fi := infos[n]
			if fi.method || factory[n] != "" {
				continue
			}
			v := reach(holds(&fi.makes))
			if v == "" {
				for m := range fi.mentions {
					if factory[m] != "" {
						v = factory[m]
						break
					}
				}
			}
			if v != "" {
				factory[n] = v
				grew = true
			}
		}
	}
	// Values made by earlier cells: stale when they bind a stale name;
	// a variable holding one makes the names that read it stale too.
	sites := make([]*site, 0, len(s.sites))
	keys := map[*site]string{}
	for key, st := range s.sites {
		if st.goStmt && st.target == "" && !s.stops.alive(st.gen) {
			// Its goroutines have ended: nothing runs the earlier code.
			delete(s.sites, key)
			continue
		}
		if !remade[key] {
			sites = append(sites, st)
			keys[st] = key
		}
	}
	sort.Slice(sites, func(a, b int) bool { return sites[a].seq < sites[b].seq })
	noted := map[*site]bool{}
	var siteNotes []*site
	stale := map[*site]string{}
	maybe := map[*site]bool{}
	for grew := true; grew; {
		grew = false
		for _, st := range sites {
			if noted[st] {
				continue
			}
			v := reach(holds(st))
			if v == "" {
				for _, c := range st.calls {
					if factory[c] != "" {
						v, maybe[st] = factory[c], true
						break
					}
				}
			}
			if v == "" {
				continue
			}
			noted[st], stale[st] = true, v
			siteNotes = append(siteNotes, st)
			if strings.HasPrefix(keys[st], "var ") && via[st.target] == "" {
				via[st.target] = v
				grew = true
			}
		}
	}
	sort.Slice(siteNotes, func(a, b int) bool { return siteNotes[a].seq < siteNotes[b].seq })
	for _, st := range siteNotes {
		v := stale[st]
		switch {
		case st.target != "" && maybe[st]:
			notes = append(notes, fmt.Sprintf("%s (%s) may hold a function made with the earlier %s; run its cell again to use the new one", st.target, st.where, v))
		case st.target != "":
			notes = append(notes, fmt.Sprintf("%s (%s) was made with the earlier %s and still %s it; run its cell again to use the new one", st.target, st.where, v, verb(v)))
		case st.goStmt:
			notes = append(notes, fmt.Sprintf("a goroutine started in %s may still use the earlier %s", st.where, v))
		case maybe[st]:
			notes = append(notes, fmt.Sprintf("a function value made in %s may still use the earlier %s; run its cell again to use the new one", st.where, v))
		default:
			notes = append(notes, fmt.Sprintf("a function value made in %s still %s the earlier %s; run its cell again to use the new one", st.where, verb(v), v))
		}
	}
	for _, n := range notes {
		fmt.Fprintf(s.stderr.w, "note: %s\n", n)
	}
}

// valuesDeclared returns the package-level variables and the constants
// (with their declaration's normalised text: iota and implicit repetition
// make a spec's meaning depend on the whole) of a declaration chunk f.
func valuesDeclared(src string, f *ast.File) (vars []string, consts [][2]string) {
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || (gd.Tok != token.VAR && gd.Tok != token.CONST) {
			continue
		}
		for _, sp := range gd.Specs {
			for _, id := range sp.(*ast.ValueSpec).Names {
				switch {
				case id.Name == "_":
				case gd.Tok == token.VAR:
					vars = append(vars, id.Name)
				default:
					consts = append(consts, [2]string{id.Name, nodeText(src, f, gd)})
				}
			}
		}
	}
	return vars, consts
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// recompile compiles the plain functions deps again from their kept
// declarations, in one unit, first in the shadow and then in the live
// interpreter. It returns the functions that no longer compile (they keep
// their earlier definition), with the error.
func (s *Session) recompile(deps []string, infos map[string]*declInfo) map[string]string {
	failed := map[string]string{}
	if len(deps) == 0 {
		return failed
	}
	left := map[string]bool{}
	for _, n := range deps {
		left[n] = true
	}
	if s.shadow == nil {
		// The shadow cannot be rebuilt in the middle of a cell (the
		// history lacks the cell): nothing is compiled unchecked.
		for _, n := range deps {
			failed[n] = "it could not be checked (the compile checker is being rebuilt); run its cell again"
		}
		return failed
	}
	for len(left) > 0 {
		sh := s.shadow
		from, base := globalSlots(sh), sh.FileSet().Base()
		unit, decls := s.recompileUnit(sh.FileSet(), left, infos)
		_, err := compileNode(sh, unit)
		forgetCompiled(sh)
		releaseSlots(sh, from, nil, nil)
		forgetFiles(sh.FileSet(), base)
		if err == nil {
			break
		}
		s.taintShadow = true
		ce := s.compileError(err)
		if len(ce.Traceback) > 0 && strings.HasPrefix(ce.Traceback[0], "cell ") {
			ce.Value += " (" + ce.Traceback[0] + ")"
		}
		culprit := ""
		if file, line, _, _, ok := s.parsePos(err.Error()); ok {
			for name, span := range decls {
				if span.file == file && line >= span.from && line <= span.to {
					culprit = name
				}
			}
		}
		if culprit == "" {
			for n := range left {
				failed[n] = ce.Value
			}
			return failed
		}
		failed[culprit] = ce.Value
		delete(left, culprit)
	}
	if len(left) == 0 {
		return failed
	}
	i := s.interp
	from := globalSlots(i)
	seen := map[varSlot]bool{}
	varSlots(i, seen)
	unit, _ := s.recompileUnit(i.FileSet(), left, infos)
	p, err := compileNode(i, unit)
	varSlots(i, seen)
	forgetCompiled(i)
	if err == nil {
		initSlots(i, from)
		err = executeDecls(i, p)
	}
	if err != nil {
		// The shadow accepted it: the interpreters disagree.
		s.taintShadow = true
		for n := range left {
			failed[n] = s.compileError(err).Value
		}
		return failed
	}
	releaseSlots(i, from, seen, s.captured)
	return failed
}

// span is the lines of a declaration in its cell.
type span struct {
	file     string
	from, to int
}

// recompileUnit parses the kept chunks declaring the functions in left,
// keeping only those functions, into one file.
func (s *Session) recompileUnit(fset *token.FileSet, left map[string]bool, infos map[string]*declInfo) (*ast.File, map[string]span) {
	byChunk := map[int]map[string]bool{}
	var idx []int
	for n := range left {
		h := infos[n].hist
		if byChunk[h] == nil {
			byChunk[h] = map[string]bool{}
			idx = append(idx, h)
		}
		byChunk[h][n] = true
	}
	sort.Ints(idx)
	unit := &ast.File{Name: ast.NewIdent("main")}
	spans := map[string]span{}
	for _, h := range idx {
		var c chunk
		for n := range byChunk[h] {
			c = infos[n].chunk
			break
		}
		c.only = byChunk[h]
		n, err := parseChunk(fset, c)
		f, ok := n.(*ast.File)
		if err != nil || !ok {
			continue
		}
		if unit.Package == token.NoPos {
			unit.Package, unit.Name = f.Package, f.Name
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				file, from := s.lines.lookup(fset.Position(fd.Pos()).Line)
				_, to := s.lines.lookup(fset.Position(fd.End()).Line)
				spans[fd.Name.Name] = span{file, from, to}
			}
		}
		unit.Decls = append(unit.Decls, f.Decls...)
	}
	return unit, spans
}

// keepOnly removes from a declaration chunk's file everything but the
// plain functions named in only.
func keepOnly(f *ast.File, only map[string]bool) {
	decls := f.Decls[:0]
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && only[fd.Name.Name] {
			decls = append(decls, d)
		}
	}
	f.Decls = decls
	f.Imports = nil
}

// executeDecls runs a unit of function declarations (which runs no cell
// code), turning an interpreter crash into an error.
func executeDecls(i *interp.Interpreter, p *interp.Program) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal interpreter error: %v", r)
		}
	}()
	_, err = i.Execute(p)
	return err
}
