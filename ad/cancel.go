package ad

import "sync/atomic"

// interrupted is the process-wide cancellation flag raised by Interrupt.
var interrupted atomic.Bool

// Interrupt asks every long-running ad computation to stop. Elementwise
// kernels, reductions, products and the backward pass check the flag every
// few thousand elements (or once per graph node) and panic with an *Error
// wrapping ErrInterrupted. Results already returned stay valid: an
// interrupted operation never publishes a partial tensor. The flag stays
// raised until ResetInterrupt.
func Interrupt() { interrupted.Store(true) }

// ResetInterrupt clears the flag raised by Interrupt. The kernel calls it
// before running each cell.
func ResetInterrupt() { interrupted.Store(false) }

// Interrupted reports whether Interrupt has been called since the last
// ResetInterrupt.
func Interrupted() bool { return interrupted.Load() }

// checkInterrupt panics with ErrInterrupted, naming op, when the flag is up.
// Long loops call it every interruptStride elements.
func checkInterrupt(op string) {
	if interrupted.Load() {
		panic(errorf(ErrInterrupted, op, "interrupted"))
	}
}

// interruptStride is how many elements a kernel processes between two checks
// of the cancellation flag: small enough to stop within microseconds, large
// enough that the check costs nothing measurable.
const interruptStride = 1 << 14
