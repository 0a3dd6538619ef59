//go:build !amd64 && !arm64

package session

import "unsafe"

// stackMeasured reports whether stackUsed measures the real stack. On this
// architecture it does not: the recursion guard is off and only the
// runtime's maximum stack size (set by New) bounds recursion.
const stackMeasured = false

func stackUsed() uintptr { return 0 }

// getg is not available on this architecture: goroutines are not told
// apart (see getG).
func getg() unsafe.Pointer { return nil }
