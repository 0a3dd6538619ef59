package session

import (
	"fmt"
	"log"
	"os"
	"sync"
	"sync/atomic"
)

// The process-level capture: file descriptor 1 of the process, and the
// os.Stderr variable and the log package's output, redirected to pipes whose
// text goes to the cell running (or that last ran), so that compiled code
// writing to standard output or error reaches the cell too. Descriptor 2
// stays the real standard error, for the Go runtime's fatal errors.
var (
	captureMu   sync.Mutex
	captured    []*forwarder
	routed      atomic.Pointer[Session]
	origStderr  *os.File
	captureDone bool
)

// CaptureProcessOutput redirects the process's standard output (file
// descriptor 1) and standard error (the os.Stderr variable and the log
// package's output; descriptor 2 itself stays the real standard error, where
// the Go runtime reports fatal errors) to pipes forwarded to the IO of the cell
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
		if fd.n == 2 {
			// Descriptor 2 itself stays the real standard error: the Go
			// runtime writes a fatal error ("fatal error: …", "goroutine
			// stack exceeds …") and its traceback straight to it, and
			// that text must reach the kernel's log when the process
			// dies, which a pipe the dying process owns cannot do.
			// Compiled Go code writes through the os.Stderr variable and
			// the log package, so those are what is redirected.
			os.Stderr = w
			log.SetOutput(w)
			fws = append(fws, forwarderOn(fd.name, r, w, emitProcess))
			continue
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
