package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	percent, limit := tuneGC()
	if percent != kernelGCPercent {
		t.Errorf("GC percent: got %d, want %d", percent, kernelGCPercent)
	}
	if got := debug.SetGCPercent(kernelGCPercent); got != kernelGCPercent {
		t.Errorf("runtime GC percent: got %d, want %d", got, kernelGCPercent)
	}
	if runtime.GOOS == "linux" {
		if limit <= 0 {
			t.Errorf("memory limit: got %d, want a positive limit on Linux", limit)
		} else if got := debug.SetMemoryLimit(-1); got != limit {
			t.Errorf("runtime memory limit: got %d, want %d", got, limit)
		}
	}

	// Settings from the environment win.
	t.Setenv("GOGC", "100")
	t.Setenv("GOMEMLIMIT", "1GiB")
	if percent, limit := tuneGC(); percent != 0 || limit != 0 {
		t.Errorf("with GOGC and GOMEMLIMIT set: got (%d, %d), want (0, 0)", percent, limit)
	}
}
