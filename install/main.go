// Command install builds the gograd kernel and installs its Jupyter
// kernelspec. Run it from the repository:
//
//	go run ./install                 # for the current user
//	go run ./install --sys-prefix    # into the active virtual environment
//	go run ./install --prefix DIR    # into DIR/share/jupyter
//	go run ./install --uninstall     # remove it again
//
// See package github.com/gograd/gograd/install/kernelspec for where each
// choice puts the spec; `gograd install` does the same with the gograd
// executable it runs from.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/gograd/gograd/install/kernelspec"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	dir, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(os.Stderr, "install: %v\n", err)
		os.Exit(1)
	}
	err = kernelspec.RunCommand(ctx, os.Args[1:], kernelspec.BuildFromSource(dir), os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, kernelspec.ErrUsage):
		fmt.Fprintf(os.Stderr, "install: %v\nusage: go run ./install %s\n", err, kernelspec.Usage)
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "install: %v\n", err)
		os.Exit(1)
	}
}
