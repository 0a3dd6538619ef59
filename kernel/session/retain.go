package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"slices"
	"strings"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// What yaegi v0.16.1 keeps from every compiled unit, and how the session
// lets it go (see "Memory" in doc.go). yaegi cannot be patched, and these
// are unexported fields: they are found by name and type through
// reflection, once, and the session leaves them alone when one is missing
// or has another type (TestRetainFieldsFound fails then, so that a yaegi
// upgrade is noticed).
//
//   - Interpreter.roots appends the node tree of every unit compiled (only
//     its debugger reads it): set to nil after each compile.
//   - scope.child appends every block scope to its parent and is never
//     read: the package scopes' lists are cut after each compile.
//   - The global frame (Interpreter.frame.data, laid out by the universe
//     scope's types) gets a slot for every temporary of top-level code
//     (each call result, each function literal, each operand) and for each
//     := of a package-level name, also when it redeclares one. A slot keeps
//     the value it last held for the life of the session: a tensor, a
//     gradient closure and with it a copy of the whole global frame. After
//     each chunk has run, releaseSlots drops the values of the slots no
//     package-level name owns and cuts the frame's layout back to its last
//     owned slot, so that the next chunk reuses the slots (see
//     releaseSlots and initSlots).
type yaegiFields struct {
	ok bool
	// Interpreter
	roots, frame, universe, scopes uintptr
	scopesIndex                    int
	// frame
	data uintptr
	// scope
	child, types uintptr
	symIndex     int
	// symbol
	kind, index uintptr
	varSym      uint64
}

var (
	yf        = findYaegiFields()
	scopeType reflect.Type
)

func findYaegiFields() (f yaegiFields) {
	field := func(t reflect.Type, name string, kind reflect.Kind) (reflect.StructField, bool) {
		sf, ok := t.FieldByName(name)
		return sf, ok && sf.Type.Kind() == kind && len(sf.Index) == 1
	}
	it := reflect.TypeOf(interp.Interpreter{})
	roots, ok1 := field(it, "roots", reflect.Slice)
	frame, ok2 := field(it, "frame", reflect.Pointer)
	universe, ok3 := field(it, "universe", reflect.Pointer)
	scopes, ok4 := field(it, "scopes", reflect.Map)
	if !(ok1 && ok2 && ok3 && ok4) || frame.Type.Elem().Kind() != reflect.Struct || universe.Type.Elem().Kind() != reflect.Struct {
		return f
	}
	ft, st := frame.Type.Elem(), universe.Type.Elem()
	data, ok5 := field(ft, "data", reflect.Slice)
	child, ok6 := field(st, "child", reflect.Slice)
	types, ok7 := field(st, "types", reflect.Slice)
	sym, ok8 := field(st, "sym", reflect.Map)
	if !(ok5 && ok6 && ok7 && ok8) || data.Type.Elem() != reflect.TypeOf(reflect.Value{}) ||
		types.Type.Elem() != reflect.TypeOf((*reflect.Type)(nil)).Elem() || child.Type.Elem() != universe.Type ||
		roots.Type.Elem().Kind() != reflect.Pointer ||
		scopes.Type.Key().Kind() != reflect.String || scopes.Type.Elem() != universe.Type ||
		sym.Type.Key().Kind() != reflect.String || sym.Type.Elem().Kind() != reflect.Pointer {
		return f
	}
	symT := sym.Type.Elem().Elem()
	index, ok9 := field(symT, "index", reflect.Int)
	kind, ok10 := field(symT, "kind", reflect.Uint)
	if !ok9 || !ok10 {
		return f
	}
	// The kind of a variable: the sKind whose String is "varSym".
	varSym := uint64(1 << 62)
	for k := uint64(0); k < 32; k++ {
		v := reflect.New(kind.Type).Elem()
		v.SetUint(k)
		if s, ok := v.Interface().(fmt.Stringer); ok && s.String() == "varSym" {
			varSym = k
			break
		}
	}
	if varSym == 1<<62 {
		return f
	}
	scopeType = st
	return yaegiFields{ok: true, roots: roots.Offset, frame: frame.Offset, universe: universe.Offset,
		scopes: scopes.Offset, scopesIndex: scopes.Index[0], data: data.Offset, child: child.Offset,
		types: types.Offset, symIndex: sym.Index[0], kind: kind.Offset, index: index.Offset, varSym: varSym}
}

// at returns a pointer to the field at offset off of the struct at p.
func at[T any](p unsafe.Pointer, off uintptr) *T { return (*T)(unsafe.Add(p, off)) }

// sliceHeader is the layout of a slice.
type sliceHeader struct {
	ptr      unsafe.Pointer
	len, cap int
}

// packageScopes returns the interpreter's package scopes.
func packageScopes(i *interp.Interpreter) []unsafe.Pointer {
	var out []unsafe.Pointer
	m := reflect.ValueOf(i).Elem().Field(yf.scopesIndex)
	for it := m.MapRange(); it.Next(); {
		if p := it.Value().UnsafePointer(); p != nil {
			out = append(out, p)
		}
	}
	return out
}

func universe(i *interp.Interpreter) unsafe.Pointer {
	return *at[unsafe.Pointer](unsafe.Pointer(i), yf.universe)
}

// eachSymbol calls fn with the name, kind and frame index of every symbol
// of the scope at sc.
func eachSymbol(sc unsafe.Pointer, fn func(name string, kind uint64, index int)) {
	m := reflect.NewAt(scopeType, sc).Elem().Field(yf.symIndex)
	for it := m.MapRange(); it.Next(); {
		s := it.Value().UnsafePointer()
		if s == nil {
			continue
		}
		fn(it.Key().String(), uint64(*at[uint](s, yf.kind)), *at[int](s, yf.index))
	}
}

// forgetCompiled drops what yaegi keeps of the units compiled so far that
// nothing reads: the node trees in roots and the scopes' lists of child
// scopes. Not while a unit of i compiles.
func forgetCompiled(i *interp.Interpreter) {
	if !yf.ok {
		return
	}
	*at[sliceHeader](unsafe.Pointer(i), yf.roots) = sliceHeader{}
	for _, sc := range packageScopes(i) {
		*at[sliceHeader](sc, yf.child) = sliceHeader{}
	}
	if u := universe(i); u != nil {
		*at[sliceHeader](u, yf.child) = sliceHeader{}
	}
}

// globalSlots returns the number of slots of the global frame's layout,
// or -1 when unknown.
func globalSlots(i *interp.Interpreter) int {
	if !yf.ok {
		return -1
	}
	u := universe(i)
	if u == nil {
		return -1
	}
	return at[sliceHeader](u, yf.types).len
}

// varSlot is a package-level variable's frame slot.
type varSlot struct {
	name  string
	index int
}

// varSlots adds the slots of i's package-level variables to set.
func varSlots(i *interp.Interpreter, set map[varSlot]bool) {
	if !yf.ok {
		return
	}
	for _, sc := range packageScopes(i) {
		eachSymbol(sc, func(name string, kind uint64, index int) {
			if kind == yf.varSym && index >= 0 {
				set[varSlot{name, index}] = true
			}
		})
	}
}

// releaseSlots lets go of the global frame's slots that no code can read
// any more, once a cell has run (no code of i may run). from is the
// number of slots before the cell; seen holds every variable slot that
// existed before or during the cell (see varSlots); captured the names
// that function bodies mention.
//
// A slot from from on that no symbol owns held a temporary of the cell's
// top-level code, which has finished: its value is dropped, and slots past
// the last one still owned are removed from the layout, so the next cell
// reuses them. (A closure the cell made has its own copy of the frame's
// slice, whose values share storage with the frame's; replacing a slot's
// Value, rather than setting it, changes nothing the closure sees.) A
// variable slot a := redeclaration left behind is still read by functions
// compiled before that mention the name (they keep seeing the old
// variable), so its value is dropped only when no function body ever
// mentioned the name.
func releaseSlots(i *interp.Interpreter, from int, seen map[varSlot]bool, captured map[string]bool) {
	if !yf.ok || from < 0 {
		return
	}
	fr := *at[unsafe.Pointer](unsafe.Pointer(i), yf.frame)
	u := universe(i)
	if fr == nil || u == nil {
		return
	}
	scopes := append(packageScopes(i), u)
	keep := map[int]bool{}
	current := map[varSlot]bool{}
	for _, sc := range scopes {
		eachSymbol(sc, func(name string, kind uint64, index int) {
			if index >= from {
				keep[index] = true
			}
			if kind == yf.varSym && index >= 0 {
				current[varSlot{name, index}] = true
			}
		})
	}
	data := at[[]reflect.Value](fr, yf.data)
	for v := range seen {
		switch {
		case current[v]:
		case captured[v.name]:
			keep[v.index] = true
		case v.index < len(*data):
			(*data)[v.index] = reflect.Value{}
		}
	}
	end := from
	for k := from; k < len(*data); k++ {
		if keep[k] {
			end = k + 1
		} else {
			(*data)[k] = reflect.Value{}
		}
	}
	for k := range keep {
		end = max(end, k+1)
	}
	// The layout is cut back; the frame keeps its length (goroutines of
	// earlier cells may be reading it), and initSlots prepares the slots
	// the next unit takes again.
	for _, sc := range scopes {
		if t := at[[]reflect.Type](sc, yf.types); len(*t) > end {
			*t = (*t)[:end]
		}
	}
}

// releaseShadowed lets go, before a chunk just compiled runs, of the
// values of the variables the chunk declares again in slots of their own
// (seen holds the variable slots from before its compile, see varSlots):
// those that no function body ever mentioned (captured) and that the
// chunk src does not mention but to declare them (see readNames; the
// chunk is parsed only when it declared a variable again), so that
// nothing can read them any more. releaseSlots would drop them after
// the chunk; dropped before, a function literal the chunk makes does not
// keep them in its copy of the global frame. Kept, the copy of each run
// held the previous run's value and so every run before it: `var g
// func(*ad.Tensor) *ad.Tensor = ad.Grad(func(x *ad.Tensor) *ad.Tensor
// {…})`, run again and again, grew the live heap by ~45 KiB per run.
func releaseShadowed(i *interp.Interpreter, seen map[varSlot]bool, captured map[string]bool, src string) {
	if !yf.ok || len(seen) == 0 {
		return
	}
	fr := *at[unsafe.Pointer](unsafe.Pointer(i), yf.frame)
	if fr == nil {
		return
	}
	current := map[varSlot]bool{}
	varSlots(i, current)
	data := *at[[]reflect.Value](fr, yf.data)
	var read map[string]bool
	for v := range seen {
		if current[v] || captured[v.name] || v.index >= len(data) {
			continue
		}
		if read == nil {
			var ok bool
			if read, ok = readNames(src); !ok {
				return
			}
		}
		if !read[v.name] {
			data[v.index] = reflect.Value{}
		}
	}
}

// readNames returns the identifiers of the chunk src other than the
// names its var declarations and := statements declare (everything, when
// src cannot be parsed: nil and false).
func readNames(src string) (map[string]bool, bool) {
	f, err := parser.ParseFile(token.NewFileSet(), posFile, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, false
	}
	declared := map[*ast.Ident]bool{}
	names := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			for _, id := range n.Names {
				declared[id] = true
			}
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, e := range n.Lhs {
					if id, ok := e.(*ast.Ident); ok {
						declared[id] = true
					}
				}
			}
		case *ast.Ident:
			if !declared[n] {
				names[n.Name] = true
			}
		}
		return true
	})
	return names, true
}

// initSlots gives the global frame's slots from index from on that a unit
// just compiled laid out, and that the frame already has (released by
// releaseSlots), a zero value of their new type, as yaegi does for the
// slots it adds to the frame. Before the unit runs.
func initSlots(i *interp.Interpreter, from int) {
	if !yf.ok || from < 0 {
		return
	}
	fr := *at[unsafe.Pointer](unsafe.Pointer(i), yf.frame)
	u := universe(i)
	if fr == nil || u == nil {
		return
	}
	data := *at[[]reflect.Value](fr, yf.data)
	types := *at[[]reflect.Type](u, yf.types)
	for k := from; k < len(types) && k < len(data); k++ {
		if types[k] != nil {
			data[k] = reflect.New(types[k]).Elem()
		}
	}
}

// reserveSlots makes the global frame n slots longer than its layout, if
// it is not already: the slots the chunks of a cell lay out then exist
// before its first chunk runs (initSlots gives them values), so that yaegi
// does not grow the frame, a new slice written without synchronisation,
// while goroutines the cell started read it. Not while code of i runs.
func reserveSlots(i *interp.Interpreter, n int) {
	if !yf.ok || n <= 0 {
		return
	}
	fr := *at[unsafe.Pointer](unsafe.Pointer(i), yf.frame)
	u := universe(i)
	if fr == nil || u == nil {
		return
	}
	data := at[[]reflect.Value](fr, yf.data)
	types := *at[[]reflect.Type](u, yf.types)
	want := len(types) + n
	if len(*data) >= want {
		return
	}
	grown := make([]reflect.Value, want, want+want/4)
	copy(grown, *data)
	// Slots laid out but not yet in the frame get zero values, as yaegi
	// gives them when it grows the frame; the rest initSlots fills.
	for k := len(*data); k < len(types); k++ {
		if types[k] != nil {
			grown[k] = reflect.New(types[k]).Elem()
		}
	}
	*data = grown
}

// methodValues returns the selector expressions of f that are not called
// where they are written (x.M, not x.M()): method values, unless they
// select a field or a package's member. yaegi makes a method value read its
// receiver from the frame slot of the receiver expression each time it is
// called, so that slot must keep its value for as long as the method value
// lives.
func methodValues(f ast.Node) []*ast.SelectorExpr {
	called := map[*ast.SelectorExpr]bool{}
	var out []*ast.SelectorExpr
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok {
				called[sel] = true
			}
		case *ast.SelectorExpr:
			if !called[n] {
				out = append(out, n)
			}
		}
		return true
	})
	return out
}

// keepsFrameSlots reports whether the chunk src may leave a
// method value reading a temporary of its top-level code (x.M where x is
// not a package name), or cannot be parsed: such a chunk's slots are not
// released.
func keepsFrameSlots(src string, pkgs func(string) bool) bool {
	f, err := parser.ParseFile(token.NewFileSet(), posFile, src, parser.SkipObjectResolution)
	if err != nil {
		return true
	}
	for _, sel := range methodValues(f) {
		if id, ok := ast.Unparen(sel.X).(*ast.Ident); ok && pkgs(id.Name) {
			continue
		}
		return true
	}
	return false
}

// mentionedInFuncs adds to names every identifier that appears in a
// function body, a function literal, or a go or defer statement of f, and
// in the receiver of a method value: the package-level variables such
// code may read after the cell.
func mentionedInFuncs(f *ast.File, names map[string]bool) {
	for _, sel := range methodValues(f) {
		ast.Inspect(sel.X, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				names[id.Name] = true
			}
			return true
		})
	}
	var in func(n ast.Node) bool
	collect := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				names[id.Name] = true
			}
			return true
		})
	}
	in = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Name.Name != stmtWrapper {
				collect(n)
				return false
			}
		case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt:
			collect(n)
			return false
		}
		return true
	}
	ast.Inspect(f, in)
}

// Positions. The interpreter's file set gets a file for every unit
// compiled. It reads positions while it compiles (messages, and the file
// name that scopes imports) and when a panic unwinds through a node (the
// trace the session reads), never otherwise. So the shadow, which never
// runs, forgets the file of each statement chunk once compiled, and the
// live interpreter that of each statement chunk that leaves no code
// behind (no function literal, go or defer statement) once it has run.
// Chunks declaring types keep theirs.

// declaresCode reports whether the chunk src holds code that outlives the
// run of its unit (a function, function literal, go or defer statement)
// or declares something (or cannot be parsed).
func declaresCode(src string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), posFile, src, parser.SkipObjectResolution)
	if err != nil {
		return true
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			found = n.Name.Name != stmtWrapper
		case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt, *ast.GenDecl:
			found = true
		}
		return !found
	})
	return found
}

// declaresTypes reports whether the chunk src declares a type (or cannot
// be parsed).
func declaresTypes(src string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), posFile, src, parser.SkipObjectResolution)
	if err != nil {
		return true
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if _, ok := n.(*ast.TypeSpec); ok {
			found = true
		}
		return !found
	})
	return found
}

// forgetFiles removes from fset the files added from base on.
func forgetFiles(fset *token.FileSet, base int) {
	for {
		f := fset.File(token.Pos(base))
		if f == nil || f.Base() < base {
			return
		}
		base = f.Base() + f.Size() + 1
		fset.RemoveFile(f)
	}
}

// historyOf returns what the session keeps of a cell's chunks to rebuild
// the shadow interpreter: every chunk that declares a package-level name
// (a declaration chunk, a top-level := or var), without the fields only
// its first compile needs. Statement chunks that declare nothing leave no
// trace a later compile could depend on.
func historyOf(chunks []chunk) []chunk {
	var out []chunk
	for _, c := range chunks {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, posFile, c.src, parser.SkipObjectResolution)
		h := chunk{kind: c.kind, src: c.src, dropImports: c.dropImports, result: c.result, renames: c.renames, noGuard: c.noGuard, fixes: c.fixes, frames: c.frames, rich: c.rich,
			liveFile: c.liveFile, shadowFile: c.shadowFile, uid: c.uid, leaves: c.leaves}
		if err != nil {
			out = append(out, h)
			continue
		}
		if c.kind == stmtChunk && c.fixes != nil && len(c.fixes.reassign) > 0 {
			// An assignment now: it declares nothing.
			if fd, ok := f.Decls[len(f.Decls)-1].(*ast.FuncDecl); ok && fd.Body != nil {
				applyReassigns(fset, fd.Body, c.fixes.reassign)
			}
		}
		declares, defs, own := namesOf(f, c.kind)
		if !declares {
			continue
		}
		h.defs = defs
		var refs strings.Builder
		seen := map[string]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && !own[id] && !seen[id.Name] {
				seen[id.Name] = true
				refs.WriteString(id.Name)
				refs.WriteByte(' ')
			}
			return true
		})
		h.refs = refs.String()
		out = append(out, h)
	}
	return out
}

// namesOf tells whether the chunk f declares package-level names, and,
// when a later chunk declaring the same names could replace it (it
// declares only variables and plain functions), which names, and the
// identifiers that name them in their declarations.
func namesOf(f *ast.File, kind chunkKind) (declares bool, defs []string, own map[*ast.Ident]bool) {
	own = map[*ast.Ident]bool{}
	replaceable := true
	def := func(id *ast.Ident) {
		own[id] = true
		if id.Name != "_" {
			defs = append(defs, id.Name)
		}
	}
	gen := func(d *ast.GenDecl) {
		declares = true
		if d.Tok != token.VAR {
			replaceable = false
			return
		}
		for _, sp := range d.Specs {
			for _, n := range sp.(*ast.ValueSpec).Names {
				def(n)
			}
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			gen(d)
		case *ast.FuncDecl:
			if kind == stmtChunk && d.Name.Name == stmtWrapper {
				if d.Body == nil {
					continue
				}
				for _, st := range d.Body.List {
					switch st := st.(type) {
					case *ast.DeclStmt:
						if gd, ok := st.Decl.(*ast.GenDecl); ok {
							gen(gd)
						}
					case *ast.AssignStmt:
						if st.Tok == token.DEFINE {
							declares = true
							for _, l := range st.Lhs {
								if id, ok := l.(*ast.Ident); ok {
									def(id)
								}
							}
						}
					}
				}
				continue
			}
			declares = true
			if d.Recv != nil || d.Type.TypeParams != nil {
				replaceable = false
				continue
			}
			def(d.Name)
		}
	}
	if !replaceable || len(defs) == 0 {
		defs = nil
	}
	return declares, defs, own
}

// compactHistory drops the history entries that a later entry replaces:
// an entry declaring only variables and plain functions is dropped when a
// later entry declares the same names (or more), no entry kept between
// them nor the later one mentions them, and no entry that is not
// replaceable (types, constants, imports, methods) lies between them.
// Replaying the history then declares the same names with the same types,
// since every dropped entry's names are declared anew before anything kept
// uses them. This keeps the history of cells run again and again (or of a
// function redefined again and again) from growing.
func compactHistory(h []chunk) (kept, gone []chunk) {
	dropped := make([]bool, len(h))
	byName := map[string][]int{} // entries declaring each name, in order
	lastFixed := make([]int, len(h))
	fixed := -1
	for k, c := range h {
		if c.defs == nil {
			fixed = k
		}
		lastFixed[k] = fixed
		for _, n := range c.defs {
			byName[n] = append(byName[n], k)
		}
	}
	mentions := func(c chunk, names []string) bool {
		for _, n := range names {
			if strings.Contains(" "+c.refs, " "+n+" ") {
				return true
			}
		}
		return false
	}
	for j := len(h) - 1; j >= 0; j-- {
		if dropped[j] || h[j].defs == nil {
			continue
		}
		for {
			// The nearest earlier entry kept declaring one of the names.
			i := -1
			for _, n := range h[j].defs {
				idx := byName[n]
				for m := len(idx) - 1; m >= 0; m-- {
					if k := idx[m]; k < j && !dropped[k] {
						i = max(i, k)
						break
					}
				}
			}
			if i < 0 || lastFixed[j] > i || !isSubset(h[i].defs, h[j].defs) {
				break
			}
			replaced := true
			for k := i + 1; k <= j; k++ {
				if !dropped[k] && mentions(h[k], h[i].defs) {
					replaced = false
					break
				}
			}
			if !replaced {
				break
			}
			dropped[i] = true
		}
	}
	out := h[:0]
	for k, c := range h {
		if dropped[k] {
			gone = append(gone, c)
		} else {
			out = append(out, c)
		}
	}
	clear(h[len(out):])
	return out, gone
}

func isSubset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
