package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gograd/gograd/kernel/kerneltest"
	"github.com/gograd/gograd/kernel/wire"
)

// A session's normal traffic: cells with output and an error, an
// interrupt, a comm for an unknown target, completion, then shutdown.
func normalSession(t *testing.T, p *proc) {
	t.Helper()
	p.exec(t, "fmt.Println(\"hello\")\nx := 2")
	p.exec(t, "undefinedThing + 1")
	interruptAfterStart(t, p, "fmt.Println(\"start\")\nfor {}")
	comm, err := p.c.Request(kerneltest.Shell, "comm_open", wire.CommOpen{CommID: "c", TargetName: "nobody", Data: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.c.IOPubUntilIdle(ctxFor(t, 30*time.Second), comm); err != nil {
		t.Fatal(err)
	}
	p.request(t, kerneltest.Shell, "complete_request", wire.CompleteRequest{Code: "ad.Gr", CursorPos: 5}, nil)
	ctx := ctxFor(t, 30*time.Second)
	req, _ := p.c.Request(kerneltest.Control, "shutdown_request", wire.ShutdownRequest{})
	if _, _, err := p.c.Reply(ctx, kerneltest.Control, req); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exited:
		p.exited <- err // for the cleanup
	case <-ctx.Done():
		t.Fatal("the kernel did not exit after shutdown_request")
	}
}

// TestE2ELogging checks where the kernel's own log goes: nothing on
// standard error in normal operation (front ends such as jupyter console,
// nbconvert and papermill show the kernel's standard error), everything
// from info up in a --log-file, and --log-level changes it.
func TestE2ELogging(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		args       []string
		toFile     bool
		wantStderr []string // nil: standard error must stay empty
		wantFile   []string
	}{
		{"default", nil, false, nil, nil},
		{"log-level info", []string{"--log-level", "info"}, false, []string{"level=INFO", "kernel running", "interrupt_request"}, nil},
		{"log-file", nil, true, nil, []string{"kernel running", "interrupt_request", "shutdown_request"}},
		{"log-file at debug", []string{"--log-level", "debug"}, true, nil, []string{"kernel running", "level=DEBUG", "msg=received"}},
		{"log-file at error", []string{"--log-level", "error"}, true, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			args := c.args
			logFile := filepath.Join(t.TempDir(), "gograd.log")
			if c.toFile {
				args = append(args, "--log-file", logFile)
			}
			p := startKernelProcess(t, args...)
			normalSession(t, p)
			stderr := p.stderr.String()
			if c.wantStderr == nil && stderr != "" {
				t.Errorf("the kernel wrote to standard error in normal operation:\n%s", truncate(stderr, 3000))
			}
			for _, w := range c.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("standard error lacks %q:\n%s", w, truncate(stderr, 3000))
				}
			}
			if !c.toFile {
				return
			}
			data, err := os.ReadFile(logFile)
			if err != nil {
				t.Fatal(err)
			}
			if c.wantFile == nil && len(data) != 0 {
				t.Errorf("log file at level error has records after a normal session:\n%s", truncate(string(data), 3000))
			}
			for _, w := range c.wantFile {
				if !strings.Contains(string(data), w) {
					t.Errorf("log file lacks %q:\n%s", w, truncate(string(data), 3000))
				}
			}
		})
	}
}
