//go:build !unix

package session

import "time"

// cpuTimes is not measured on this system: %time shows wall time only.
func cpuTimes() (user, sys time.Duration) { return 0, 0 }
