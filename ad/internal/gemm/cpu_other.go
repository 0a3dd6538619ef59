//go:build !amd64 || purego

package gemm

// Without the amd64 kernels every call goes to gonum; these stubs are never
// reached (useAsm stays false).

func kern6x8(k int, a *float64, aks, ars int, b *float64, bks int, c *float64, ldc int, alpha, beta float64, load bool) {
	panic("gemm: no assembly kernel on this platform")
}

func dot4(n int, a *float64, lda int, x *float64, out *[4]float64) {
	panic("gemm: no assembly kernel on this platform")
}

func axpy4(n int, a *float64, lda int, s *[4]float64, y *float64) {
	panic("gemm: no assembly kernel on this platform")
}

func asmSupported() bool { return false }

func avx512Supported() bool { return false }

func dot8z(n int, a *float64, lda int, x *float64, out *[8]float64) {
	panic("gemm: no assembly kernels")
}

func kern4x8(k int, a *float64, aks, ars int, b *float64, bks int, c *float64, ldc int, alpha, beta float64, load bool) {
	panic("gemm: no assembly kernel on this platform")
}

func packT8(k int, src *float64, ld int, dst *float64) {
	panic("gemm: no assembly kernel on this platform")
}

func packT6(k int, src *float64, ld int, dst *float64) {
	panic("gemm: no assembly kernel on this platform")
}

func packN8(k int, src *float64, ld int, dst *float64) {
	panic("gemm: no assembly kernel on this platform")
}

func packN6(k int, src *float64, ld int, dst *float64) {
	panic("gemm: no assembly kernel on this platform")
}

func packN8w(k, w int, src *float64, ld int, dst *float64, ds int) {
	panic("gemm: no assembly kernel on this platform")
}
