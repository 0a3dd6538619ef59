// Command gensym regenerates the yaegi symbol tables and the documentation
// table of package symbols in the current directory. It is run by
// `go generate ./kernel/symbols/`. With -docs it regenerates only the
// documentation table (zz_docs.go), in seconds: enough after a change to
// doc comments alone, which TestSymbolsUpToDate also checks.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gograd/gograd/kernel/symbols/internal/gensym"
)

func main() {
	docsOnly := flag.Bool("docs", false, "regenerate only the documentation table ("+gensym.DocsFile+")")
	flag.Parse()
	if err := run(*docsOnly); err != nil {
		fmt.Fprintln(os.Stderr, "gensym:", err)
		os.Exit(1)
	}
}

func run(docsOnly bool) error {
	if !docsOnly {
		return gensym.Write(".", "symbols")
	}
	f, err := gensym.Docs("symbols")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(".", f.Name), f.Content, 0o644)
}
