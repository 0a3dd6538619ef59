// Command gograd is the gograd executable: the Jupyter kernel and its
// companion tools.
//
// Usage:
//
//	gograd kernel --connection-file FILE [--log-level LEVEL] [--log-file FILE] [--max-message-size SIZE] [--debug]
//	gograd run NOTEBOOK.ipynb [-o OUT.ipynb] [--html OUT.html] [--figures DIR] [--allow-errors]
//	gograd install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--uninstall]
//	gograd version
//	gograd help [COMMAND]
//
// Each subcommand is one entry of the commands table below; a subcommand
// parses its own flags, before doing anything else. "gograd help COMMAND"
// shows the command's synopsis, summary and flags (the flag package's
// PrintDefaults, taken from what the command prints for -h).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gograd/gograd/install/kernelspec"
)

// version is the gograd release, overridable at link time with
// -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// command is one subcommand of the executable.
type command struct {
	name    string // what the user types
	usage   string // the argument synopsis shown by help
	summary string // one line for the command list
	// run executes the subcommand with the arguments after its name. It
	// returns errUsage (possibly wrapped) for bad arguments.
	run func(args []string, stdout, stderr io.Writer) error
}

// commands is the subcommand table. To add a subcommand, add one entry here
// and put its implementation in its own file of this package.
var commands = []command{
	{"kernel", kernelUsage, "run the Jupyter kernel (what the kernelspec starts)", runKernel},
	{"run", runUsage, "execute a notebook without Jupyter; write it with outputs, as HTML and figures", runRun},
	{"install", kernelspec.Usage, "install the Jupyter kernelspec \"Go (gograd)\" using this executable", runInstall},
	{"version", "", "print the gograd version and the BLAS it uses", runVersion},
}

// The help entry is appended in init because runHelp reads the table.
func init() {
	commands = append(commands, command{"help", "[COMMAND]", "show help for gograd or for one command", runHelp})
}

// errUsage marks an error caused by bad command-line arguments; main exits
// with status 2 for it.
var errUsage = errors.New("usage error")

// errReported marks an error the subcommand has already printed (for
// example to the original standard error after redirecting the process's
// own); main exits with status 1 without printing it again.
var errReported = errors.New("error already reported")

func main() {
	// First of all: in the OpenBLAS build this may re-execute the program
	// with a faster OpenBLAS core (blas.go).
	selectBLASCore()
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

// dispatch runs the subcommand named by args[0] and returns the process
// exit status.
func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return 2
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "-help" {
		name = "help"
	}
	if name == "--version" || name == "-version" {
		name = "version"
	}
	cmd, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "gograd: unknown command %q\n\n", args[0])
		printUsage(stderr)
		return 2
	}
	if err := cmd.run(args[1:], stdout, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if errors.Is(err, errReported) {
			return 1
		}
		fmt.Fprintf(stderr, "gograd %s: %v\n", cmd.name, err)
		if errors.Is(err, errUsage) {
			fmt.Fprintf(stderr, "usage: gograd %s %s\n", cmd.name, cmd.usage)
			return 2
		}
		return 1
	}
	return 0
}

// lookup finds the subcommand called name.
func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// printUsage writes the command list to w.
func printUsage(w io.Writer) {
	fmt.Fprintln(w, "gograd: a Jupyter kernel for differentiable array computing in Go")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "usage: gograd COMMAND [ARGS]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'gograd help COMMAND' for a command's arguments.")
}

// flagsOf returns a command's flags as the flag package describes them
// (PrintDefaults), from what the command prints for -h: every line from
// the first flag on. It is "" for a command without flags. Commands parse
// their arguments before doing anything, so -h does nothing else.
func flagsOf(c command) string {
	if c.name == "help" {
		return ""
	}
	var b strings.Builder
	if err := c.run([]string{"-h"}, io.Discard, &b); !errors.Is(err, flag.ErrHelp) {
		return ""
	}
	out := b.String()
	if i := strings.Index(out, "\n  -"); i >= 0 {
		return out[i+1:]
	}
	if strings.HasPrefix(out, "  -") {
		return out
	}
	return ""
}

// runVersion prints the version and the BLAS the matrix products use.
func runVersion(args []string, stdout, _ io.Writer) error {
	if len(args) != 0 {
		return fmt.Errorf("%w: version takes no arguments", errUsage)
	}
	fmt.Fprintf(stdout, "gograd %s\nblas: %s\n", version, blasDescription())
	return nil
}

// runHelp prints the command list, or one command's synopsis.
func runHelp(args []string, stdout, _ io.Writer) error {
	switch len(args) {
	case 0:
		printUsage(stdout)
		return nil
	case 1:
		c, ok := lookup(args[0])
		if !ok {
			return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
		}
		fmt.Fprintf(stdout, "usage: gograd %s %s\n\n%s\n", c.name, c.usage, c.summary)
		if flags := flagsOf(c); flags != "" {
			fmt.Fprintf(stdout, "\nflags:\n%s", flags)
		}
		return nil
	default:
		return fmt.Errorf("%w: help takes at most one command name", errUsage)
	}
}
