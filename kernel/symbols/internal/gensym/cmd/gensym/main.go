// Command gensym regenerates the yaegi symbol tables and the documentation
// table of package symbols in the current directory. It is run by
// `go generate ./kernel/symbols/`.
package main

import (
	"fmt"
	"os"

	"github.com/gograd/gograd/kernel/symbols/internal/gensym"
)

func main() {
	if err := gensym.Write(".", "symbols"); err != nil {
		fmt.Fprintln(os.Stderr, "gensym:", err)
		os.Exit(1)
	}
}
