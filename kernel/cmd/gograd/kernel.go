package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gograd/gograd/kernel"
	"github.com/gograd/gograd/kernel/session"
)

// runKernel runs the Jupyter kernel described by a connection file until a
// shutdown_request or a termination signal. SIGINT interrupts the running
// cell instead of ending the process.
func runKernel(args []string, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("kernel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	connFile := fs.String("connection-file", "", "path of the Jupyter connection file (JSON)")
	debug := fs.Bool("debug", false, "log every message received and sent")
	maxMsg := fs.String("max-message-size", "", "drop (and disconnect) a peer's message larger than this, e.g. 256MiB (default 64MiB, or $GOGRAD_MAX_MESSAGE_SIZE)")
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
	// where the log goes.
	fail := func(err error) error {
		fmt.Fprintf(logOut, "gograd kernel: %v\n", err)
		return fmt.Errorf("%w: %v", errReported, err)
	}
	log := kernel.NewLogger(logOut, *debug)
	log.Debug(crashNote)
	tuneGC()

	sess, err := session.New(session.Options{})
	if err != nil {
		return fail(fmt.Errorf("starting the Go interpreter: %w", err))
	}
	defer sess.Close()

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
	if err := k.Run(context.Background()); err != nil {
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
