// Package symbols holds the yaegi symbol tables of the packages compiled
// into the gograd kernel (ad, display, gonum/plot and a few gonum packages),
// and a documentation table of their exported identifiers for Inspect.
//
// The tables are generated: after changing the exported API of ad or
// display, run
//
//	go generate ./kernel/symbols/
//
// and commit the result with the change. After changing only doc comments
// (package docs included), regenerating the documentation table is enough
// and takes about a second:
//
//	(cd kernel/symbols && go run ./internal/gensym/cmd/gensym -docs)
//
// TestSymbolsUpToDate fails when the committed tables are stale. Generic functions and types cannot be
// extracted by yaegi and are silently absent.
package symbols

import "reflect"

//go:generate go run ./internal/gensym/cmd/gensym

// Symbols maps "importpath/pkgname" to the package's exported symbols, in
// the form interp.Use expects.
var Symbols = map[string]map[string]reflect.Value{}

// Doc is the documentation of one exported identifier.
type Doc struct {
	// Decl is the Go declaration, without function body.
	Decl string
	// Text is the doc comment.
	Text string
}
