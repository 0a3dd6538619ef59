//go:build unix

package ad

import (
	"syscall"
	"testing"
)

// cpuTimer reports, besides wall time, the process CPU time per operation
// ("cpu-ns/op") and the page faults per operation that the process took
// without I/O ("faults/op": memory the runtime had returned to the system
// and touched again, or new memory). With GOMAXPROCS=1 the CPU time is the
// single-core cost, which stays meaningful on a machine shared with other
// work.
type cpuTimer struct {
	b             *testing.B
	start, faults int64
}

func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// processFaults returns the minor page faults of the process so far.
func processFaults() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return int64(ru.Minflt)
}

// startCPU resets the benchmark timer and starts counting CPU time and
// page faults.
func startCPU(b *testing.B) *cpuTimer {
	b.ResetTimer()
	return &cpuTimer{b: b, start: processCPU(), faults: processFaults()}
}

// stop reports the CPU time and the page faults per operation.
func (c *cpuTimer) stop() {
	c.b.StopTimer()
	if c.b.N > 0 {
		c.b.ReportMetric(float64(processCPU()-c.start)/float64(c.b.N), "cpu-ns/op")
		c.b.ReportMetric(float64(processFaults()-c.faults)/float64(c.b.N), "faults/op")
	}
}
