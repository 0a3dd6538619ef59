package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/gograd/gograd/kernel"
	"github.com/gograd/gograd/kernel/session"
)

// kernelUsage is the kernel command's argument synopsis.
const kernelUsage = "--connection-file FILE [--log-level LEVEL] [--log-file FILE] [--max-message-size SIZE] [--debug]"

// runKernel runs the Jupyter kernel described by a connection file until a
// shutdown_request, a termination signal or, when Jupyter started it, its
// parent's death. SIGINT interrupts the running cell instead of ending the
// process.
func runKernel(args []string, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("kernel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	connFile := fs.String("connection-file", "", "path of the Jupyter connection file (JSON)")
	debug := fs.Bool("debug", false, "log every message received and sent (--log-level debug)")
	logLevel := fs.String("log-level", "", "least severe log records written: debug, info, warn or error (default: warn on standard error, info in a --log-file)")
	logFile := fs.String("log-file", "", "append the kernel's log to this file instead of standard error")
	maxMsg := fs.String("max-message-size", "", "drop (and disconnect) a peer's message larger than this, e.g. 256MiB (default 64MiB, or $GOGRAD_MAX_MESSAGE_SIZE)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: gograd kernel %s\n\nRuns the Jupyter kernel (what the kernelspec starts).\n\n", kernelUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *connFile == "" {
		return fmt.Errorf("%w: --connection-file is required", errUsage)
	}
	limit, err := maxMessageSize(*maxMsg, os.Getenv("GOGRAD_MAX_MESSAGE_SIZE"))
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	level, err := logLevelFor(*logLevel, *debug, *logFile != "")
	if err != nil {
		return fmt.Errorf("%w: --log-level: %v", errUsage, err)
	}
	var logFileW io.Writer
	if *logFile != "" {
		f, err := os.OpenFile(*logFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("--log-file: %w", err)
		}
		defer f.Close()
		logFileW = f
	}
	info, err := kernel.ReadConnectionFile(*connFile)
	if err != nil {
		return err
	}

	// Cells' writes to the process's stdout and stderr (compiled code
	// included) go to the front end; the kernel logs to the original
	// standard error.
	logOut := stderr
	crashNote := "fatal runtime errors go to standard error"
	if orig, err := session.CaptureProcessOutput(); err != nil {
		fmt.Fprintf(stderr, "gograd kernel: warning: process output is not captured: %v\n", err)
	} else {
		if stderr == io.Writer(os.Stderr) {
			logOut = orig
		}
		// A fatal runtime error (a stack overflow past the recursion
		// guard, concurrent map writes, running out of memory) cannot be
		// recovered; the Go runtime prints it to file descriptor 2, which
		// the capture leaves as the original standard error, so the
		// kernel's log says why the front end saw it restart.
		crashNote = "fatal runtime errors are printed to the original standard error (descriptor 2 is not captured)"
	}
	// From here on, the process's stderr goes to the cells: report errors
	// on the original standard error (the front end shows it when the
	// kernel fails to start), and in the log file too.
	errOut := logOut
	if logFileW != nil {
		logOut = logFileW
		errOut = io.MultiWriter(errOut, logFileW)
	}
	fail := func(err error) error {
		fmt.Fprintf(errOut, "gograd kernel: %v\n", err)
		return fmt.Errorf("%w: %v", errReported, err)
	}
	log := kernel.NewLogger(logOut, level)
	log.Debug(crashNote)
	percent, _ := tuneGC()
	opts := session.Options{}
	if percent > 0 {
		// Collect rarely while cells run, as usual between them.
		opts.IdleGCPercent = idleGCPercent
	}
	opts.ReleaseFree = releaseFree
	sess, err := session.New(opts)
	if err != nil {
		return fail(fmt.Errorf("starting the Go interpreter: %w", err))
	}
	defer sess.Close()
	// What the first cell would build, built once the front end has
	// connected (startup is not slowed by it) and before the user's first
	// cell, most likely.
	go func() {
		time.Sleep(warmDelay)
		sess.Warm()
	}()

	k, err := kernel.New(info, kernel.Options{
		Engine:         sess,
		Logger:         log,
		Version:        version,
		HandleSignals:  true,
		MaxMessageSize: limit,
	})
	if err != nil {
		return fail(err)
	}
	// The kernel also ends when its parent does (see parent.go).
	ctx, stopWatching := watchParent(context.Background(), os.Getenv, osParent, parentPollInterval)
	defer stopWatching()
	if err := k.Run(ctx); err != nil {
		return fail(err)
	}
	return nil
}

// maxMessageSize is the kernel's limit on a received message: the flag's
// value, else the environment's, else kernel.DefaultMaxMessageSize.
func maxMessageSize(flagValue, envValue string) (int64, error) {
	switch {
	case flagValue != "":
		n, err := kernel.ParseSize(flagValue)
		if err != nil {
			return 0, fmt.Errorf("--max-message-size: %v", err)
		}
		return n, nil
	case envValue != "":
		n, err := kernel.ParseSize(envValue)
		if err != nil {
			return 0, fmt.Errorf("GOGRAD_MAX_MESSAGE_SIZE: %v", err)
		}
		return n, nil
	}
	return kernel.DefaultMaxMessageSize, nil
}

// logLevelFor is the kernel's log level: the --log-level flag's, else
// debug with --debug, else info when logging to a file and warn on
// standard error — so that nothing of the kernel's own reaches a front
// end's output (jupyter console, nbconvert, papermill show the kernel's
// standard error) in normal operation.
func logLevelFor(flagValue string, debug, toFile bool) (slog.Level, error) {
	switch {
	case flagValue != "":
		return kernel.ParseLogLevel(flagValue)
	case debug:
		return slog.LevelDebug, nil
	case toFile:
		return slog.LevelInfo, nil
	}
	return slog.LevelWarn, nil
}
