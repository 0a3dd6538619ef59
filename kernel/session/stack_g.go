//go:build amd64 || arm64

package session

import "unsafe"

// getg returns the current goroutine's runtime g. Implemented in assembly.
func getg() unsafe.Pointer

// stackMeasured reports whether stackUsed measures the real stack.
const stackMeasured = true

// stackUsed returns how many bytes of stack the calling goroutine uses: the
// distance from the top of its stack (g.stack.hi, the second word of the
// runtime's g, stable since Go 1.4) to a local variable of this function.
//
//go:nosplit
func stackUsed() uintptr {
	var here byte
	hi := *(*uintptr)(unsafe.Add(getg(), unsafe.Sizeof(uintptr(0))))
	return hi - uintptr(unsafe.Pointer(&here))
}
