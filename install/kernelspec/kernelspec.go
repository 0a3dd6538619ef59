package kernelspec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
)

// DefaultName is the kernelspec name front ends store in notebook metadata.
const DefaultName = "gograd"

// DefaultDisplayName is the name front ends show in their kernel pickers.
const DefaultDisplayName = "Go (gograd)"

// KernelPackage is the import path of the kernel executable that Build
// compiles.
const KernelPackage = "github.com/gograd/gograd/kernel/cmd/gograd"

// Location selects the Jupyter data directory a kernelspec goes to.
type Location int

const (
	// User is the per-user data directory (see the package doc).
	User Location = iota
	// SysPrefix is the active Python environment's share/jupyter.
	SysPrefix
	// Prefix is share/jupyter under Options.Prefix.
	Prefix
)

// String returns the location's command-line spelling.
func (l Location) String() string {
	switch l {
	case User:
		return "user"
	case SysPrefix:
		return "sys-prefix"
	case Prefix:
		return "prefix"
	}
	return fmt.Sprintf("Location(%d)", int(l))
}

// Options says where and under which name the kernelspec is installed.
// The zero value installs "gograd" for the current user.
type Options struct {
	// Name is the kernelspec's directory name; DefaultName when empty. It
	// must match Jupyter's rule: ASCII letters, digits, '.', '_' and '-'.
	Name string
	// DisplayName is shown in kernel pickers; DefaultDisplayName when
	// empty.
	DisplayName string
	// Location selects the data directory.
	Location Location
	// Prefix is the directory for Location Prefix (ignored otherwise).
	Prefix string
}

// KernelJSON is the content of kernel.json, as Jupyter reads it.
type KernelJSON struct {
	Argv          []string       `json:"argv"`
	DisplayName   string         `json:"display_name"`
	Language      string         `json:"language"`
	InterruptMode string         `json:"interrupt_mode"`
	Metadata      map[string]any `json:"metadata"`
}

// Result reports what Install wrote.
type Result struct {
	// Dir is the kernelspec directory, <data dir>/kernels/<name>.
	Dir string
	// Binary is the absolute path of the installed kernel executable.
	Binary string
	// Spec is the kernel.json written.
	Spec KernelJSON
}

var validName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// name returns the effective kernelspec name, or an error naming the
// problem when it is not a valid Jupyter kernel name.
func (o Options) name() (string, error) {
	n := o.Name
	if n == "" {
		n = DefaultName
	}
	if !validName.MatchString(n) || n == "." || n == ".." {
		return "", fmt.Errorf("kernelspec: invalid kernel name %q: use ASCII letters, digits, '.', '_' and '-'", n)
	}
	return n, nil
}

// Dir returns the kernelspec directory the options select,
// <data dir>/kernels/<name>, as an absolute path.
func (o Options) Dir() (string, error) {
	name, err := o.name()
	if err != nil {
		return "", err
	}
	data, err := DataDir(o.Location, o.Prefix)
	if err != nil {
		return "", err
	}
	return filepath.Join(data, "kernels", name), nil
}

// DataDir returns the absolute Jupyter data directory of a location. For
// Prefix, prefix must not be empty.
func DataDir(loc Location, prefix string) (string, error) {
	var dir string
	switch loc {
	case User:
		d, err := userDataDir()
		if err != nil {
			return "", err
		}
		dir = d
	case SysPrefix:
		p, err := PythonSysPrefix()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(p, "share", "jupyter")
	case Prefix:
		if prefix == "" {
			return "", errors.New("kernelspec: --prefix needs a directory")
		}
		dir = filepath.Join(prefix, "share", "jupyter")
	default:
		return "", fmt.Errorf("kernelspec: unknown location %v", loc)
	}
	return filepath.Abs(dir)
}

// userDataDir follows jupyter_core.paths.jupyter_data_dir.
func userDataDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("kernelspec: no home directory for the user data dir (set JUPYTER_DATA_DIR): %w", err)
	}
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Jupyter"), nil
	case "windows":
		if appdata := os.Getenv("APPDATA"); appdata != "" {
			return filepath.Join(appdata, "jupyter"), nil
		}
		return filepath.Join(home, "AppData", "Roaming", "jupyter"), nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "jupyter"), nil
	}
	return filepath.Join(home, ".local", "share", "jupyter"), nil
}

// PythonSysPrefix returns sys.prefix of the active Python environment:
// $VIRTUAL_ENV, else $CONDA_PREFIX, else the answer of python3 (python on
// Windows). It returns an error naming the interpreter when none runs.
func PythonSysPrefix() (string, error) {
	for _, v := range []string{"VIRTUAL_ENV", "CONDA_PREFIX"} {
		if p := os.Getenv(v); p != "" {
			return p, nil
		}
	}
	python := "python3"
	if runtime.GOOS == "windows" {
		python = "python"
	}
	out, err := exec.Command(python, "-c", "import sys; print(sys.prefix)").Output()
	if err != nil {
		return "", fmt.Errorf("kernelspec: --sys-prefix: cannot ask %s for sys.prefix (activate a virtual environment or use --prefix): %w", python, err)
	}
	p := strings.TrimSpace(string(out))
	if p == "" {
		return "", fmt.Errorf("kernelspec: --sys-prefix: %s printed an empty sys.prefix", python)
	}
	return p, nil
}

// BinaryName is the kernel executable's file name inside the spec.
func BinaryName() string {
	if runtime.GOOS == "windows" {
		return "gograd.exe"
	}
	return "gograd"
}

// Spec returns the kernel.json for a kernel executable at binary.
func Spec(binary, displayName string) KernelJSON {
	if displayName == "" {
		displayName = DefaultDisplayName
	}
	return KernelJSON{
		Argv:          []string{binary, "kernel", "--connection-file", "{connection_file}"},
		DisplayName:   displayName,
		Language:      "go",
		InterruptMode: "message",
		Metadata:      map[string]any{"debugger": false},
	}
}

// Install writes the kernelspec selected by opts, copying the kernel
// executable at binary into it. Installing over an existing spec replaces
// it.
func Install(opts Options, binary string) (Result, error) {
	dir, err := opts.Dir()
	if err != nil {
		return Result{}, err
	}
	if fi, err := os.Stat(binary); err != nil {
		return Result{}, fmt.Errorf("kernelspec: kernel executable: %w", err)
	} else if !fi.Mode().IsRegular() {
		return Result{}, fmt.Errorf("kernelspec: kernel executable %s is not a regular file", binary)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Result{}, fmt.Errorf("kernelspec: %w", err)
	}
	bin := filepath.Join(dir, BinaryName())
	if err := copyExecutable(binary, bin); err != nil {
		return Result{}, err
	}
	spec := Spec(bin, opts.DisplayName)
	js, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return Result{}, fmt.Errorf("kernelspec: %w", err)
	}
	files := map[string][]byte{
		"kernel.json":  append(js, '\n'),
		"logo-svg.svg": []byte(LogoSVG()),
	}
	for _, size := range []int{32, 64} {
		p, err := LogoPNG(size)
		if err != nil {
			return Result{}, err
		}
		files[fmt.Sprintf("logo-%dx%d.png", size, size)] = p
	}
	for name, content := range files {
		if err := writeFileAtomic(filepath.Join(dir, name), content, 0o644); err != nil {
			return Result{}, err
		}
	}
	return Result{Dir: dir, Binary: bin, Spec: spec}, nil
}

// Uninstall removes the kernelspec selected by opts. It reports whether a
// spec was there; a directory without kernel.json is left alone and is an
// error.
func Uninstall(opts Options) (dir string, removed bool, err error) {
	dir, err = opts.Dir()
	if err != nil {
		return "", false, err
	}
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return dir, false, nil
	}
	if _, err := os.Stat(filepath.Join(dir, "kernel.json")); err != nil {
		return dir, false, fmt.Errorf("kernelspec: %s has no kernel.json; not removing it", dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return dir, false, fmt.Errorf("kernelspec: %w", err)
	}
	return dir, true, nil
}

// Build compiles the kernel executable (KernelPackage) to out with
// `go build`, run in dir, which must lie inside the gograd module (or a
// module requiring it). Build output goes to stderr.
func Build(ctx context.Context, dir, out string, stderr io.Writer) error {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("kernelspec: building the kernel needs the go command: %w", err)
	}
	var errBuf bytes.Buffer
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", out, KernelPackage)
	cmd.Dir = dir
	cmd.Stdout = stderr
	cmd.Stderr = io.MultiWriter(stderr, &errBuf)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("kernelspec: go build %s: %w: %s", KernelPackage, err, strings.TrimSpace(errBuf.String()))
	}
	return nil
}

// copyExecutable copies src to dst through a temporary file renamed into
// place, so a kernel running from dst keeps its (unlinked) old image.
func copyExecutable(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("kernelspec: %w", err)
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".gograd-*.tmp")
	if err != nil {
		return fmt.Errorf("kernelspec: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return fmt.Errorf("kernelspec: copying the kernel executable: %w", err)
	}
	if err := tmp.Chmod(0o755); err != nil {
		tmp.Close()
		return fmt.Errorf("kernelspec: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("kernelspec: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("kernelspec: %w", err)
	}
	return nil
}

// writeFileAtomic writes data to path through a temporary file renamed
// into place.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("kernelspec: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("kernelspec: writing %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return fmt.Errorf("kernelspec: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("kernelspec: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("kernelspec: %w", err)
	}
	return nil
}
