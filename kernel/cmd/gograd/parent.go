package main

import (
	"context"
	"os"
	"time"
)

// The kernel ends when the process that started it dies.
//
// A Jupyter server (jupyter_client) starts each kernel in a session of its
// own and sets JPY_PARENT_PID; when the server itself is stopped without
// shutting its kernels down first — JupyterHub's local spawners stopping a
// student's server, the idle culler, a crash or an OOM kill — nobody is left
// to send the kernel a shutdown_request or a signal, and it would run on
// for ever, holding its memory (deploy/README.md, tests/hub_load.py).
// ipykernel watches its parent for the same reason. So when JPY_PARENT_PID
// is set, the kernel checks its parent process id every parentPollInterval
// and shuts down (as for SIGTERM) once it has changed: the parent died and
// the kernel was re-parented to init or a subreaper.

const parentPollInterval = time.Second

// watchParent returns a context that ends when getppid's answer changes
// from the one it gave first (and a function to stop watching). It watches
// only when the JPY_PARENT_PID variable is set, as Jupyter sets it, and the
// first answer is not 1 (already orphaned: no parent to watch).
func watchParent(ctx context.Context, getenv func(string) string, getppid func() int, interval time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	parent := getppid()
	if getenv("JPY_PARENT_PID") == "" || parent <= 1 {
		return ctx, cancel
	}
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if getppid() != parent {
					cancel()
					return
				}
			}
		}
	}()
	return ctx, cancel
}

// osParent is the real process's parent id.
func osParent() int { return os.Getppid() }
