package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/gograd/gograd/kernel/runner"
)

// runUsage is the argument synopsis of the run command.
const runUsage = "NOTEBOOK.ipynb|NOTEBOOK.md [-o OUT.ipynb] [--html OUT.html] [--figures DIR] [--allow-errors] [--timeout D]"

// runRun executes a notebook headless (see package kernel/runner): one
// progress line per cell on stderr, outputs into -o, a standalone page into
// --html, images into --figures. Cells run with the notebook's directory
// as working directory, as under Jupyter (see workDir). A Markdown source (.md) is read
// as a notebook whose ```go blocks are the code cells.
func runRun(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the executed notebook to `OUT.ipynb` (may be the input itself)")
	htmlOut := fs.String("html", "", "write a standalone HTML page of the executed notebook to `OUT.html`")
	figures := fs.String("figures", "", "write every figure as PNG and SVG files into `DIR`")
	allowErrors := fs.Bool("allow-errors", false, "run every cell even after one fails (exit status 0)")
	timeout := fs.Duration("timeout", 0, "interrupt a cell that runs longer than `D` (e.g. 5m; 0 = no limit)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: gograd run %s\n\nExecutes a notebook without Jupyter.\n\n", runUsage)
		fs.PrintDefaults()
	}
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if len(positional) != 1 {
		return fmt.Errorf("%w: want exactly one notebook, got %d arguments", errUsage, len(positional))
	}
	input := positional[0]
	tuneGC()

	// Resolve every path before changing directory.
	abs := func(p string) (string, error) {
		if p == "" {
			return "", nil
		}
		return filepath.Abs(p)
	}
	var inAbs, outAbs, htmlAbs, figAbs string
	for _, pair := range []struct {
		dst *string
		src string
	}{{&inAbs, input}, {&outAbs, *out}, {&htmlAbs, *htmlOut}, {&figAbs, *figures}} {
		if *pair.dst, err = abs(pair.src); err != nil {
			return err
		}
	}

	nb, err := readNotebook(inAbs)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	dir := workDir(inAbs, outAbs)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.Chdir(dir); err != nil {
		return err
	}
	defer os.Chdir(wd)

	fmt.Fprintf(stderr, "running %s\n", input)
	sum, runErr := runner.Run(ctx, nb, runner.Options{
		AllowErrors: *allowErrors,
		CellTimeout: *timeout,
		Progress:    stderr,
		Prerender:   htmlAbs != "",
	})
	if sum == nil {
		return runErr // the session did not start
	}

	// Write whatever ran, even after a failure: the outputs show the error.
	stem := strings.TrimSuffix(filepath.Base(inAbs), filepath.Ext(inAbs))
	if outAbs != "" {
		var buf bytes.Buffer
		if err := nb.Write(&buf); err != nil {
			return err
		}
		if err := writeFile(outAbs, buf.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s\n", *out)
	}
	if htmlAbs != "" {
		var buf bytes.Buffer
		if err := nb.WriteHTML(&buf, nb.Title(stem)); err != nil {
			return err
		}
		if err := writeFile(htmlAbs, buf.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s\n", *htmlOut)
	}
	if figAbs != "" {
		paths, err := nb.WriteFigures(figAbs, stem)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %d figure files to %s\n", len(paths), *figures)
	}

	status := "ok"
	if sum.Errors > 0 {
		status = fmt.Sprintf("%d cell(s) failed", sum.Errors)
	}
	fmt.Fprintf(stderr, "%d code cells in %.2fs: %s\n", len(sum.Cells), sum.Duration.Seconds(), status)
	var ce *runner.CellError
	if errors.As(runErr, &ce) {
		fmt.Fprintln(stderr)
		for _, line := range ce.Traceback {
			fmt.Fprintln(stderr, line)
		}
	}
	return runErr
}

// workDir is the directory cells run in: the notebook's own, as under
// Jupyter. For a Markdown source written to -o, it is the directory of the
// notebook produced, so notebooks/src/x.md -o notebooks/x.ipynb runs
// exactly as notebooks/x.ipynb will.
func workDir(in, out string) string {
	if out != "" && strings.EqualFold(filepath.Ext(in), ".md") {
		return filepath.Dir(out)
	}
	return filepath.Dir(in)
}

// readNotebook reads an .ipynb notebook, or a Markdown notebook source.
func readNotebook(path string) (*runner.Notebook, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if strings.EqualFold(filepath.Ext(path), ".md") {
		stem := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		return runner.ReadMarkdown(f, cellIDPrefix(stem))
	}
	nb, err := runner.Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return nb, nil
}

// cellIDPrefix makes a valid cell id prefix from a file stem.
func cellIDPrefix(stem string) string {
	var b strings.Builder
	for _, r := range stem {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := b.String()
	if len(s) > 50 {
		s = s[:50]
	}
	if s == "" {
		s = "cell"
	}
	return s
}

// writeFile writes data to path, creating its directory, through a
// temporary file so a failed write never leaves half a notebook.
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gograd-run-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// parseInterspersed parses flags that may come before or after positional
// arguments ("run nb.ipynb -o out.ipynb").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}
