package session

import (
	"syscall"
	"testing"
)

// TestPeakMemory checks that the guard tests' refused allocations never
// happened: the process's peak resident memory stays far below the
// requests (1 TiB make, 320 GB ad.Zeros).
func TestPeakMemory(t *testing.T) {
	skipIfRace(t)
	s := newSession(t)
	for _, c := range []string{"make([]float64, 1<<40)", "ad.Zeros(200000, 200000)", "func f(n int) int { return f(n+1) + 1 }\nf(0)"} {
		if _, res := run(t, s, c); res.Err == nil {
			t.Errorf("%q: no error", c)
		}
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Skip("getrusage:", err)
	}
	peak := int64(ru.Maxrss) << 10 // kilobytes on Linux
	t.Logf("peak resident memory: %s", fmtBytes(peak))
	if peak > 2<<30 {
		t.Errorf("peak resident memory %s, want below 2 GiB", fmtBytes(peak))
	}
}
