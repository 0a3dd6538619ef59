//go:build unix

package ad

import (
	"syscall"
	"testing"
)

// cpuTimer reports, besides wall time, the process CPU time per operation
// ("cpu-ns/op"). With GOMAXPROCS=1 it is the single-core cost, which stays
// meaningful on a machine shared with other work.
type cpuTimer struct {
	b     *testing.B
	start int64
}

func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// startCPU resets the benchmark timer and starts counting CPU time.
func startCPU(b *testing.B) *cpuTimer {
	b.ResetTimer()
	return &cpuTimer{b: b, start: processCPU()}
}

// stop reports the CPU time per operation.
func (c *cpuTimer) stop() {
	c.b.StopTimer()
	if c.b.N > 0 {
		c.b.ReportMetric(float64(processCPU()-c.start)/float64(c.b.N), "cpu-ns/op")
	}
}
