//go:build openblas && cgo

package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBLASDescriptionOpenBLAS checks the version line of the OpenBLAS build.
func TestBLASDescriptionOpenBLAS(t *testing.T) {
	d := blasDescription()
	if !strings.HasPrefix(d, "OpenBLAS 0.") || !strings.Contains(d, " (core "+openBLASCore()+", ") || !strings.Contains(d, " thread") {
		t.Errorf("blasDescription() = %q, want OpenBLAS VERSION (core %s, N threads)", d, openBLASCore())
	}
}

// reexecChildEnv tells the test binary, started by TestReexecWithCore, to act
// as the program whose main calls reexecWithCore.
const reexecChildEnv = "GOGRAD_TEST_REEXEC_CHILD"

// TestReexecWithCore runs this test binary as a child with OPENBLAS_CORETYPE
// unset; the child pretends OpenBLAS detected the generic Prescott core,
// which must make it re-execute itself (same arguments) with the core
// chooseCore picks for this CPU, once, and the re-executed process must then
// be running that core.
func TestReexecWithCore(t *testing.T) {
	if os.Getenv(reexecChildEnv) != "" {
		reexecWithCore("Prescott")
		// Reached in the re-executed process, or if no re-execution was due.
		os.Stdout.WriteString("core=" + openBLASCore() + " marker=" + os.Getenv(reexecMarkerEnv) + " env=" + os.Getenv(coreTypeEnv) + "\n")
		os.Exit(0)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, coreTypeEnv+"=") && !strings.HasPrefix(kv, reexecMarkerEnv+"=") {
			env = append(env, kv)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestReexecWithCore$", "-test.count=1")
	cmd.Env = append(env, reexecChildEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, stderr.String())
	}
	want := chooseCore("Prescott", hostCPU(), func(string) string { return "" })
	line := strings.TrimSpace(string(out))
	if want == "" {
		// A CPU without AVX2 and FMA: no re-execution, no variable set.
		if !strings.HasSuffix(line, " marker= env=") {
			t.Errorf("child printed %q, want no re-execution on a CPU without AVX2+FMA", line)
		}
		return
	}
	if wantLine := "core=" + want + " marker=Prescott env=" + want; line != wantLine {
		t.Errorf("child printed %q, want %q", line, wantLine)
	}
}
