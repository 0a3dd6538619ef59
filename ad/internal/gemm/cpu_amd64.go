//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

//go:noescape
func kern6x8(k int, a *float64, aks, ars int, b *float64, bks int, c *float64, ldc int, alpha, beta float64, load bool)

//go:noescape
func dot4(n int, a *float64, lda int, x *float64, out *[4]float64)

//go:noescape
func axpy4(n int, a *float64, lda int, s *[4]float64, y *float64)

// asmSupported reports whether the CPU and the operating system support
// AVX2 and FMA3 (x/sys/cpu also checks that the OS saves the YMM registers).
func asmSupported() bool { return cpu.X86.HasAVX2 && cpu.X86.HasFMA }

// avx512Supported reports whether AVX-512F is usable too (x/sys/cpu checks
// that the OS saves the opmask and ZMM state).
func avx512Supported() bool { return asmSupported() && cpu.X86.HasAVX512F }

//go:noescape
func dot8z(n int, a *float64, lda int, x *float64, out *[8]float64)

//go:noescape
func kern4x8(k int, a *float64, aks, ars int, b *float64, bks int, c *float64, ldc int, alpha, beta float64, load bool)

//go:noescape
func packT8(k int, src *float64, ld int, dst *float64)

//go:noescape
func packT6(k int, src *float64, ld int, dst *float64)

//go:noescape
func packN8(k int, src *float64, ld int, dst *float64)

//go:noescape
func packN6(k int, src *float64, ld int, dst *float64)

//go:noescape
func packN8w(k, w int, src *float64, ld int, dst *float64, ds int)
