package kernelspec

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ErrUsage marks an error caused by bad command-line arguments.
var ErrUsage = errors.New("usage error")

// Usage is the argument synopsis of the install command.
const Usage = "[--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name NAME] [--uninstall]"

// Executable provides the kernel executable to install: its path and a
// function to call once it has been copied into the spec.
type Executable func(ctx context.Context, stderr io.Writer) (path string, done func(), err error)

// BuildFromSource returns an Executable that compiles the kernel with
// `go build` in dir (see Build) into a temporary directory.
func BuildFromSource(dir string) Executable {
	return func(ctx context.Context, stderr io.Writer) (string, func(), error) {
		tmp, err := os.MkdirTemp("", "gograd-build-")
		if err != nil {
			return "", nil, fmt.Errorf("kernelspec: %w", err)
		}
		done := func() { os.RemoveAll(tmp) }
		out := filepath.Join(tmp, BinaryName())
		fmt.Fprintf(stderr, "building %s ...\n", KernelPackage)
		if err := Build(ctx, dir, out, stderr); err != nil {
			done()
			return "", nil, err
		}
		return out, done, nil
	}
}

// CurrentExecutable returns an Executable that installs the running
// program itself (what `gograd install` does).
func CurrentExecutable() Executable {
	return func(context.Context, io.Writer) (string, func(), error) {
		p, err := os.Executable()
		if err != nil {
			return "", nil, fmt.Errorf("kernelspec: locating the running executable: %w", err)
		}
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		return p, func() {}, nil
	}
}

// RunCommand parses the install command's arguments (see Usage), then
// installs the kernelspec with the executable exe provides, or with
// --uninstall removes it, and prints where to stdout. Bad arguments give an
// error wrapping ErrUsage; -h gives flag.ErrHelp after printing the flags.
func RunCommand(ctx context.Context, args []string, exe Executable, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	fs.SetOutput(stderr)
	user := fs.Bool("user", false, "install for the current user ($JUPYTER_DATA_DIR or ~/.local/share/jupyter; the default)")
	sysPrefix := fs.Bool("sys-prefix", false, "install into the active Python environment's sys.prefix ($VIRTUAL_ENV, $CONDA_PREFIX or python3's)")
	prefix := fs.String("prefix", "", "install into `DIR`/share/jupyter")
	name := fs.String("name", DefaultName, "kernelspec `NAME`")
	display := fs.String("display-name", DefaultDisplayName, "name shown in kernel pickers")
	uninstall := fs.Bool("uninstall", false, "remove the kernelspec instead of installing it")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: gograd install %s\n\nInstalls the gograd Jupyter kernelspec.\n\n", Usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, fs.Arg(0))
	}
	opts := Options{Name: *name, DisplayName: *display}
	chosen := 0
	if *user {
		chosen++
	}
	if *sysPrefix {
		chosen++
		opts.Location = SysPrefix
	}
	if *prefix != "" {
		chosen++
		opts.Location = Prefix
		opts.Prefix = *prefix
	}
	if chosen > 1 {
		return fmt.Errorf("%w: use at most one of --user, --sys-prefix and --prefix", ErrUsage)
	}
	if _, err := opts.name(); err != nil {
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}

	if *uninstall {
		dir, removed, err := Uninstall(opts)
		if err != nil {
			return err
		}
		if removed {
			fmt.Fprintf(stdout, "removed kernelspec %s from %s\n", filepath.Base(dir), dir)
		} else {
			fmt.Fprintf(stdout, "no kernelspec at %s; nothing to remove\n", dir)
		}
		return nil
	}
	// Resolve the destination before building, so a bad --sys-prefix
	// fails fast.
	if _, err := opts.Dir(); err != nil {
		return err
	}
	bin, done, err := exe(ctx, stderr)
	if err != nil {
		return err
	}
	defer done()
	res, err := Install(opts, bin)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "installed kernelspec %s (%q) in %s\n", filepath.Base(res.Dir), res.Spec.DisplayName, res.Dir)
	fmt.Fprintf(stdout, "kernel executable: %s\n", res.Binary)
	return nil
}
