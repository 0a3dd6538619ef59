package session

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
)

// The process-level capture: file descriptors 1 and 2 of the process
// redirected to pipes whose text goes to the cell running (or that last
// ran), so that compiled code writing to os.Stdout or os.Stderr, or to the
// descriptors directly, reaches the cell too.
var (
	captureMu   sync.Mutex
	captured    []*forwarder
	routed      atomic.Pointer[Session]
	origStderr  *os.File
	captureDone bool
)

// CaptureProcessOutput redirects the process's standard output and error
// (file descriptors 1 and 2) to pipes forwarded to the IO of the cell
// running in the most recently used session, or discarded when there is
// none. It returns a file writing to the original standard error, for the
// kernel's own logs. It may be called once; later calls return the same
// file. It is not supported on every platform.
func CaptureProcessOutput() (*os.File, error) {
	captureMu.Lock()
	defer captureMu.Unlock()
	if captureDone {
		return origStderr, nil
	}
	errFd, err := dup(2)
	if err != nil {
		return nil, fmt.Errorf("session: capture output: %w", err)
	}
	orig := os.NewFile(uintptr(errFd), "/dev/stderr")
	var fws []*forwarder
	for _, fd := range []struct {
		n    int
		name string
	}{{1, "stdout"}, {2, "stderr"}} {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, fmt.Errorf("session: capture output: %w", err)
		}
		if err := dup2(int(w.Fd()), fd.n); err != nil {
			return nil, fmt.Errorf("session: capture output: %w", err)
		}
		w.Close()
		// Markers go through the descriptor itself, after everything
		// written to it before.
		target := os.Stdout
		if fd.n == 2 {
			target = os.Stderr
		}
		fws = append(fws, forwarderOn(fd.name, r, target, emitProcess))
	}
	captured, origStderr, captureDone = fws, orig, true
	return orig, nil
}

// emitProcess forwards captured process output to the routed session.
func emitProcess(name, text string) {
	if s := routed.Load(); s != nil {
		s.emit(name, text)
	}
}

// routeProcess makes s the destination of captured process output.
func routeProcess(s *Session) { routed.Store(s) }

// flushProcess waits until captured process output written so far has been
// forwarded.
func flushProcess() {
	captureMu.Lock()
	fws := captured
	captureMu.Unlock()
	for _, f := range fws {
		f.flush()
	}
}
