//go:build !purego

package gemm

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax, edx uint32)

//go:noescape
func kern6x8(k int, a *float64, aks, ars int, b *float64, bks int, c *float64, ldc int, alpha, beta float64, load bool)

//go:noescape
func dot4(n int, a *float64, lda int, x *float64, out *[4]float64)

//go:noescape
func axpy4(n int, a *float64, lda int, s *[4]float64, y *float64)

// hasAVX2FMA reports whether the CPU and the operating system support AVX2
// and FMA3 (the OS must save the YMM registers: OSXSAVE and XCR0 bits 1–2).
func hasAVX2FMA() bool {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0
}

func asmSupported() bool { return hasAVX2FMA() }

// hasAVX512 reports whether the CPU supports AVX-512F and the operating
// system saves its state (XCR0 bits 1–2 and 5–7: XMM/YMM, opmask, ZMM).
func hasAVX512() bool {
	if !hasAVX2FMA() {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&0xe6 != 0xe6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<16) != 0
}

func avx512Supported() bool { return hasAVX512() }

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
