package ad

import (
	"strings"
	"unsafe"
)

// Buffers without zeroing. make zeroes what it allocates; for a result
// that its kernel overwrites entirely (allocFull) that is a wasted pass
// over the memory, done by one core before the kernel starts: for EW's
// 8 MB output about 0.5 ms of the 1.3 ms a jitted or eager Tanh took
// (BENCHMARKS.md). The runtime allocates without zeroing for
// strings.Builder.Grow (its bytes are written before they are read), and
// that is the only public way to such memory: makeNoZero grows a Builder
// and takes its buffer, through a mirror of the Builder's two fields,
// checked once (noZeroOK) against what its methods report; when the
// check fails (a Go release that changed the layout), make is used. The
// buffer is an ordinary garbage-collected allocation of bytes holding no
// pointers, at the start of its allocation (so gcReturn's finalizer
// applies) and, being large, aligned to a page.

// noZeroMin is the least number of values allocFull allocates without
// zeroing: above gcReturnMax, whose buffers come back through the garbage
// collector and are zeroed only once.
const noZeroMin = gcReturnMax + 1

// builderLayout mirrors strings.Builder.
type builderLayout struct {
	addr *strings.Builder
	buf  []byte
}

// noZeroOK tells whether builderLayout matches strings.Builder.
var noZeroOK = func() bool {
	if unsafe.Sizeof(strings.Builder{}) != unsafe.Sizeof(builderLayout{}) {
		return false
	}
	var b strings.Builder
	b.Grow(100)
	b.WriteString("gograd")
	h := (*builderLayout)(unsafe.Pointer(&b))
	return h.addr == &b && cap(h.buf) == b.Cap() && len(h.buf) == b.Len() && string(h.buf) == b.String()
}()

// makeNoZero returns a new buffer of n values with arbitrary contents, or
// nil when noZeroOK is false.
func makeNoZero(n int) []float64 {
	if !noZeroOK || n <= 0 {
		return nil
	}
	var b strings.Builder
	b.Grow(8 * n)
	h := (*builderLayout)(unsafe.Pointer(&b))
	if cap(h.buf) < 8*n || uintptr(unsafe.Pointer(unsafe.SliceData(h.buf)))%8 != 0 {
		return nil
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(h.buf))), n)
}
