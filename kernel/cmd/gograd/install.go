package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/gograd/gograd/install/kernelspec"
)

// runInstall installs (or with --uninstall removes) the gograd kernelspec,
// copying this executable into it. It shares its flags and logic with
// `go run ./install`, which builds the executable from source instead.
func runInstall(args []string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := kernelspec.RunCommand(ctx, args, kernelspec.CurrentExecutable(), stdout, stderr)
	if errors.Is(err, kernelspec.ErrUsage) {
		return fmt.Errorf("%w: %s", errUsage, strings.TrimPrefix(err.Error(), kernelspec.ErrUsage.Error()+": "))
	}
	return err
}
