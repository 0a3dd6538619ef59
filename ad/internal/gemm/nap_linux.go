//go:build linux

package gemm

import (
	"syscall"
	"time"
)

// nap blocks the calling thread for about d (plus the kernel's wake-up
// latency) in nanosleep; see napFor.
func nap(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	syscall.Nanosleep(&ts, nil)
}
