package kernelspec_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gograd/gograd/install/kernelspec"
)

// Install a kernelspec into a prefix, as `gograd install --prefix DIR`
// does, and read back what Jupyter will run.
func ExampleInstall() {
	prefix, _ := os.MkdirTemp("", "prefix")
	defer os.RemoveAll(prefix)
	exe, _ := os.Executable() // any executable; gograd installs itself
	res, err := kernelspec.Install(kernelspec.Options{Location: kernelspec.Prefix, Prefix: prefix}, exe)
	if err != nil {
		fmt.Println(err)
		return
	}
	rel, _ := filepath.Rel(prefix, res.Dir)
	fmt.Println(filepath.ToSlash(rel))
	fmt.Println(res.Spec.DisplayName, res.Spec.Language, res.Spec.InterruptMode)
	fmt.Println(res.Spec.Argv[1:])
	// Output:
	// share/jupyter/kernels/gograd
	// Go (gograd) go message
	// [kernel --connection-file {connection_file}]
}
