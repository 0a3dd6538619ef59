//go:build unix

package gemm

import "syscall"

// cpuSeconds is the CPU time (user + system) of the process so far: on a
// loaded machine it measures the work a benchmark does better than the wall
// clock.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
