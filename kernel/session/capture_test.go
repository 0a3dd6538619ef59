//go:build unix

package session

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// TestCaptureProcessOutput runs itself in a child process (capturing
// redirects the test binary's own descriptors 1 and 2) where a cell makes
// compiled code write to os.Stdout and os.Stderr and to descriptor 1
// directly; all of it must reach the cell's IO before Execute returns.
func TestCaptureProcessOutput(t *testing.T) {
	if os.Getenv("GOGRAD_CAPTURE_CHILD") == "1" {
		captureChild()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCaptureProcessOutput$")
	cmd.Env = append(os.Environ(), "GOGRAD_CAPTURE_CHILD=1")
	var errBuf strings.Builder
	cmd.Stderr = &errBuf
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\nstdout: %s\nstderr: %s", err, out, errBuf.String())
	}
	got := errBuf.String()
	for _, want := range []string{
		"stdout=\"from os.Stdout\\nfrom fd 1\\n\"",
		"stderr=\"from os.Stderr\\n\"",
		"log line on the original stderr",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("child report lacks %q:\n%s", want, got)
		}
	}
	if len(out) != 0 {
		t.Errorf("captured output leaked to the real stdout: %q", out)
	}
}

func captureChild() {
	orig, err := CaptureProcessOutput()
	if err != nil {
		fmt.Fprintln(os.Stderr, "capture:", err)
		os.Exit(2)
	}
	fmt.Fprintln(orig, "log line on the original stderr")
	s, err := New(Options{})
	if err != nil {
		fmt.Fprintln(orig, "new:", err)
		os.Exit(2)
	}
	s.testHook = func() {
		fmt.Fprint(os.Stdout, "from os.Stdout\n")
		syscall.Write(1, []byte("from fd 1\n"))
		fmt.Fprint(os.Stderr, "from os.Stderr\n")
	}
	r := &recorder{}
	res := s.Execute(context.Background(), "__gograd.TestHook()", r)
	fmt.Fprintf(orig, "stdout=%q stderr=%q err=%v\n", r.stdout(), r.stderr(), res.Err)
	// The test framework's PASS line would go to the captured stdout.
	os.Exit(0)
}
