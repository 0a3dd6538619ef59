//go:build !linux

package gemm

import "time"

// nap waits for about d; see napFor.
func nap(d time.Duration) { time.Sleep(d) }
