package session

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"path"
	"reflect"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	"github.com/traefik/yaegi/stdlib/generic"

	"github.com/gograd/gograd/kernel/symbols"
)

// symImporter gives go/types the packages a cell can import, built from
// the interpreter's own symbol tables (reflect values of every exported
// function, variable, constant and type) rather than from export data or
// GOROOT sources: the type checker then sees exactly what the interpreter
// sees, and the kernel needs no Go installation where it runs. The
// generic packages yaegi interprets from source (cmp, maps, slices) are
// type-checked from that same source. Packages are built on first import
// and shared by all sessions of the process.
//
// What reflection cannot show is missing: unexported methods of named
// types and the generic functions of other packages. The session
// therefore never refuses a cell on the type checker's word alone (see
// typecheck.go).
type symImporter struct {
	mu      sync.Mutex
	exports interp.Exports
	pkgs    map[string]*types.Package // by import path
	names   map[string]string         // import path -> package name
	named   map[reflect.Type]*types.Named
	generic map[string]string // import path -> generic source
	fset    *token.FileSet
}

var (
	theImporterOnce sync.Once
	theImporter     *symImporter
)

// cellImporter returns the process's importer. Its symbol tables are the
// interpreter's: the standard library, the generated tables and the
// session's overrides (whose types do not depend on the session).
func cellImporter(overrides func() interp.Exports) *symImporter {
	theImporterOnce.Do(func() {
		ex := interp.Exports{}
		for _, tab := range []interp.Exports{stdlib.Symbols, symbols.Symbols, overrides()} {
			for k, syms := range tab {
				m := ex[k]
				if m == nil {
					m = map[string]reflect.Value{}
					ex[k] = m
				}
				for n, v := range syms {
					m[n] = v
				}
			}
		}
		im := &symImporter{exports: ex, pkgs: map[string]*types.Package{}, names: map[string]string{},
			named: map[reflect.Type]*types.Named{}, generic: map[string]string{}, fset: token.NewFileSet()}
		for k := range ex {
			if i := strings.LastIndexByte(k, '/'); i > 0 {
				im.names[k[:i]] = k[i+1:]
			}
		}
		for _, src := range generic.Sources {
			f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.PackageClauseOnly)
			if err == nil {
				im.generic[f.Name.Name] = src // cmp, maps, slices: path == name
				im.names[f.Name.Name] = f.Name.Name
			}
		}
		theImporter = im
	})
	return theImporter
}

// Import implements types.Importer.
func (im *symImporter) Import(p string) (*types.Package, error) {
	im.mu.Lock()
	defer im.mu.Unlock()
	return im.load(p)
}

func (im *symImporter) load(p string) (*types.Package, error) {
	if pkg, ok := im.pkgs[p]; ok && pkg.Complete() {
		return pkg, nil
	}
	name, ok := im.names[p]
	if !ok {
		return nil, fmt.Errorf("package %s is not available in gograd", p)
	}
	pkg := im.pkg(p)
	if src, ok := im.generic[p]; ok {
		im.checkGeneric(pkg, src)
	}
	syms := im.exports[p+"/"+name]
	scope := pkg.Scope()
	for n, v := range syms {
		if strings.HasPrefix(n, "_") || scope.Lookup(n) != nil {
			continue
		}
		if obj := im.object(pkg, n, v); obj != nil {
			scope.Insert(obj)
		}
	}
	pkg.MarkComplete()
	return pkg, nil
}

// checkGeneric type-checks a generic package's source into pkg.
func (im *symImporter) checkGeneric(pkg *types.Package, src string) {
	f, err := parser.ParseFile(im.fset, pkg.Path()+".go", src, parser.SkipObjectResolution)
	if err != nil {
		return
	}
	conf := types.Config{Importer: lockedImporter{im}, Error: func(error) {}, IgnoreFuncBodies: true}
	checker := types.NewChecker(&conf, im.fset, pkg, nil)
	checker.Files([]*ast.File{f})
}

// lockedImporter imports for a check made while im.mu is held.
type lockedImporter struct{ im *symImporter }

func (l lockedImporter) Import(p string) (*types.Package, error) { return l.im.load(p) }

// pkg returns the package of import path p, created empty if needed.
func (im *symImporter) pkg(p string) *types.Package {
	if pkg, ok := im.pkgs[p]; ok {
		return pkg
	}
	name, ok := im.names[p]
	if !ok {
		name = path.Base(p)
	}
	pkg := types.NewPackage(p, name)
	im.pkgs[p] = pkg
	return pkg
}

// object converts one symbol table entry.
func (im *symImporter) object(pkg *types.Package, name string, v reflect.Value) types.Object {
	if !v.IsValid() {
		return nil
	}
	t := v.Type()
	switch {
	case v.CanAddr():
		return types.NewVar(token.NoPos, pkg, name, im.typ(t))
	case t.Kind() == reflect.Pointer && v.IsNil():
		// A type: the symbol is a nil pointer to it.
		tt := im.typ(t.Elem())
		if n, ok := tt.(*types.Named); ok && n.Obj().Pkg() == pkg && n.Obj().Name() == name {
			return n.Obj()
		}
		return types.NewTypeName(token.NoPos, pkg, name, tt) // an alias
	case t.Kind() == reflect.Func:
		sig, _ := im.typ(t).(*types.Signature)
		return types.NewFunc(token.NoPos, pkg, name, sig)
	}
	if c, ok := v.Interface().(constant.Value); ok {
		kinds := map[constant.Kind]types.BasicKind{constant.Bool: types.UntypedBool, constant.String: types.UntypedString,
			constant.Int: types.UntypedInt, constant.Float: types.UntypedFloat, constant.Complex: types.UntypedComplex}
		if k, ok := kinds[c.Kind()]; ok {
			return types.NewConst(token.NoPos, pkg, name, types.Typ[k], c)
		}
		return nil
	}
	var c constant.Value
	switch t.Kind() {
	case reflect.Bool:
		c = constant.MakeBool(v.Bool())
	case reflect.String:
		c = constant.MakeString(v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c = constant.MakeInt64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		c = constant.MakeUint64(v.Uint())
	case reflect.Float32, reflect.Float64:
		c = constant.MakeFloat64(v.Float())
	default:
		return types.NewVar(token.NoPos, pkg, name, im.typ(t))
	}
	return types.NewConst(token.NoPos, pkg, name, im.typ(t), c)
}

var basicKinds = map[reflect.Kind]types.BasicKind{
	reflect.Bool: types.Bool, reflect.Int: types.Int, reflect.Int8: types.Int8, reflect.Int16: types.Int16,
	reflect.Int32: types.Int32, reflect.Int64: types.Int64, reflect.Uint: types.Uint, reflect.Uint8: types.Uint8,
	reflect.Uint16: types.Uint16, reflect.Uint32: types.Uint32, reflect.Uint64: types.Uint64,
	reflect.Uintptr: types.Uintptr, reflect.Float32: types.Float32, reflect.Float64: types.Float64,
	reflect.Complex64: types.Complex64, reflect.Complex128: types.Complex128, reflect.String: types.String,
	reflect.UnsafePointer: types.UnsafePointer,
}

var errorType = reflect.TypeOf((*error)(nil)).Elem()

// typ converts a reflect type; named types are converted once.
func (im *symImporter) typ(t reflect.Type) types.Type {
	if t == errorType {
		return types.Universe.Lookup("error").Type()
	}
	if t.Name() != "" && t.PkgPath() == "" {
		if t.Kind() == reflect.Uint8 && t.Name() == "uint8" {
			return types.Typ[types.Uint8]
		}
		if k, ok := basicKinds[t.Kind()]; ok {
			return types.Typ[k]
		}
	}
	if t.Name() != "" && t.PkgPath() != "" {
		if n, ok := im.named[t]; ok {
			return n
		}
		pkg := im.pkg(t.PkgPath())
		obj := types.NewTypeName(token.NoPos, pkg, t.Name(), nil)
		n := types.NewNamed(obj, nil, nil)
		im.named[t] = n
		n.SetUnderlying(im.structure(t))
		if t.Kind() != reflect.Interface && t.Kind() != reflect.Pointer {
			im.methods(n, t)
		}
		return n
	}
	return im.structure(t)
}

// methods adds the exported methods of t and *t to n.
func (im *symImporter) methods(n *types.Named, t reflect.Type) {
	seen := map[string]bool{}
	add := func(rt reflect.Type, ptr bool) {
		for i := 0; i < rt.NumMethod(); i++ {
			m := rt.Method(i)
			if seen[m.Name] {
				continue
			}
			seen[m.Name] = true
			recvT := types.Type(n)
			if ptr {
				recvT = types.NewPointer(n)
			}
			recv := types.NewVar(token.NoPos, n.Obj().Pkg(), "", recvT)
			sig := im.signature(m.Type, 1, recv)
			n.AddMethod(types.NewFunc(token.NoPos, n.Obj().Pkg(), m.Name, sig))
		}
	}
	add(t, false)
	add(reflect.PointerTo(t), true)
}

// signature converts a func type, skipping its first skip parameters (a
// method's receiver).
func (im *symImporter) signature(t reflect.Type, skip int, recv *types.Var) *types.Signature {
	var params, results []*types.Var
	for i := skip; i < t.NumIn(); i++ {
		params = append(params, types.NewParam(token.NoPos, nil, "", im.typ(t.In(i))))
	}
	for i := 0; i < t.NumOut(); i++ {
		results = append(results, types.NewParam(token.NoPos, nil, "", im.typ(t.Out(i))))
	}
	return types.NewSignatureType(recv, nil, nil, types.NewTuple(params...), types.NewTuple(results...), t.IsVariadic())
}

// structure converts the structure of t (its underlying type).
func (im *symImporter) structure(t reflect.Type) types.Type {
	switch t.Kind() {
	case reflect.Pointer:
		return types.NewPointer(im.typ(t.Elem()))
	case reflect.Slice:
		return types.NewSlice(im.typ(t.Elem()))
	case reflect.Array:
		return types.NewArray(im.typ(t.Elem()), int64(t.Len()))
	case reflect.Map:
		return types.NewMap(im.typ(t.Key()), im.typ(t.Elem()))
	case reflect.Chan:
		dir := types.SendRecv
		switch t.ChanDir() {
		case reflect.SendDir:
			dir = types.SendOnly
		case reflect.RecvDir:
			dir = types.RecvOnly
		}
		return types.NewChan(dir, im.typ(t.Elem()))
	case reflect.Func:
		return im.signature(t, 0, nil)
	case reflect.Struct:
		var fields []*types.Var
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			pkg := im.pkg(t.PkgPath())
			if f.PkgPath != "" {
				pkg = im.pkg(f.PkgPath)
			}
			fields = append(fields, types.NewField(token.NoPos, pkg, f.Name, im.typ(f.Type), f.Anonymous))
		}
		return types.NewStruct(fields, nil)
	case reflect.Interface:
		var ms []*types.Func
		for i := 0; i < t.NumMethod(); i++ {
			m := t.Method(i)
			pkg := im.pkg(t.PkgPath())
			if m.PkgPath != "" {
				pkg = im.pkg(m.PkgPath)
			}
			ms = append(ms, types.NewFunc(token.NoPos, pkg, m.Name, im.signature(m.Type, 0, nil)))
		}
		return types.NewInterfaceType(ms, nil).Complete()
	}
	if k, ok := basicKinds[t.Kind()]; ok {
		return types.Typ[k]
	}
	return types.Typ[types.Invalid]
}
