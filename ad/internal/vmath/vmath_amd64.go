package vmath

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// Kernels of vmath_amd64.s. Each takes any n ≥ 0; dst may equal x.

//go:noescape
func expAVX2(dst, x *float64, n int)

//go:noescape
func logAVX2(dst, x *float64, n int)

//go:noescape
func log1pAVX2(dst, x *float64, n int)

//go:noescape
func tanhAVX2(dst, x *float64, n int)

//go:noescape
func sigmoidAVX2(dst, x *float64, n int)

//go:noescape
func softplusAVX2(dst, x *float64, n int)

//go:noescape
func logAddExpAVX2(dst, a, b *float64, n, astep int)

//go:noescape
func logAVX512(dst, x *float64, n int)

//go:noescape
func log1pAVX512(dst, x *float64, n int)

//go:noescape
func expAVX512(dst, x *float64, n int)

//go:noescape
func tanhAVX512(dst, x *float64, n int)

//go:noescape
func sigmoidAVX512(dst, x *float64, n int)

//go:noescape
func softplusAVX512(dst, x *float64, n int)

//go:noescape
func logAddExpAVX512(dst, a, b *float64, n, astep int)

//go:noescape
func divAVX2(dst, a, b *float64, n, astep, bstep int)

//go:noescape
func addNegMulDivAVX2(dst, x, gp, q, b *float64, n int)

//go:noescape
func addNegMulDivAVX512(dst, x, gp, q, b *float64, n int)

//go:noescape
func negMulDivAVX512(dst, gp, q, b *float64, n int)

//go:noescape
func negAVX2(dst, x *float64, n int)

//go:noescape
func negMulDivAVX2(dst, gp, q, b *float64, n int)

//go:noescape
func addAVX2(dst, a, b *float64, n, astep, bstep int)

//go:noescape
func subAVX2(dst, a, b *float64, n, astep, bstep int)

//go:noescape
func mulAVX2(dst, a, b *float64, n, astep, bstep int)

// The kernels need AVX2 and FMA3, and the OS saving the YMM registers; the
// AVX-512 forms need AVX-512 F and DQ and the OS saving the ZMM and mask
// registers (x/sys/cpu checks the OS support with each feature).
func init() {
	useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	useAVX512 = useAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ
}

func expAsm(dst, x []float64) {
	if useAVX512 {
		expAVX512(ptr(dst), ptr(x), len(x))
		return
	}
	expAVX2(ptr(dst), ptr(x), len(x))
}
func logAsm(dst, x []float64) {
	if useAVX512 {
		logAVX512(ptr(dst), ptr(x), len(x))
		return
	}
	logAVX2(ptr(dst), ptr(x), len(x))
}
func log1pAsm(dst, x []float64) {
	if useAVX512 {
		log1pAVX512(ptr(dst), ptr(x), len(x))
		return
	}
	log1pAVX2(ptr(dst), ptr(x), len(x))
}
func tanhAsm(dst, x []float64) {
	if useAVX512 {
		tanhAVX512(ptr(dst), ptr(x), len(x))
		return
	}
	tanhAVX2(ptr(dst), ptr(x), len(x))
}
func sigmoidAsm(dst, x []float64) {
	if useAVX512 {
		sigmoidAVX512(ptr(dst), ptr(x), len(x))
		return
	}
	sigmoidAVX2(ptr(dst), ptr(x), len(x))
}
func softplusAsm(dst, x []float64) {
	if useAVX512 {
		softplusAVX512(ptr(dst), ptr(x), len(x))
		return
	}
	softplusAVX2(ptr(dst), ptr(x), len(x))
}

func logAddExpAsm(dst, a, b []float64) {
	if useAVX512 {
		logAddExpAVX512(ptr(dst), ptr(a), ptr(b), len(b), 64)
		return
	}
	logAddExpAVX2(ptr(dst), ptr(a), ptr(b), len(b), 32)
}

func logAddExpScalarAsm(dst []float64, a float64, b []float64) {
	av := [8]float64{a, a, a, a, a, a, a, a}
	if useAVX512 {
		logAddExpAVX512(ptr(dst), &av[0], ptr(b), len(b), 0)
		return
	}
	logAddExpAVX2(ptr(dst), &av[0], ptr(b), len(b), 0)
}

func divAsm(dst, a, b []float64) { divAVX2(ptr(dst), ptr(a), ptr(b), len(dst), 32, 32) }

func divScalarAAsm(dst []float64, a float64, b []float64) {
	av := [4]float64{a, a, a, a}
	divAVX2(ptr(dst), &av[0], ptr(b), len(dst), 0, 32)
}

func divScalarBAsm(dst, a []float64, b float64) {
	bv := [4]float64{b, b, b, b}
	divAVX2(ptr(dst), ptr(a), &bv[0], len(dst), 32, 0)
}

// arithAsm runs the kernel of op (opAdd, opSub, opMul) with strides sa,
// sb (0: a one-element operand, broadcast to four lanes here).
func arithAsm(op int, dst, a, b []float64, sa, sb int) {
	var av, bv [4]float64
	pa, pb, as, bs := ptr(a), ptr(b), 32, 32
	if sa == 0 {
		av = [4]float64{a[0], a[0], a[0], a[0]}
		pa, as = &av[0], 0
	}
	if sb == 0 {
		bv = [4]float64{b[0], b[0], b[0], b[0]}
		pb, bs = &bv[0], 0
	}
	switch op {
	case opAdd:
		addAVX2(ptr(dst), pa, pb, len(dst), as, bs)
	case opSub:
		subAVX2(ptr(dst), pa, pb, len(dst), as, bs)
	default:
		mulAVX2(ptr(dst), pa, pb, len(dst), as, bs)
	}
}

func negMulDivAsm(dst, g, q, b []float64) {
	if useAVX512 {
		negMulDivAVX512(ptr(dst), ptr(g), ptr(q), ptr(b), len(dst))
		return
	}
	negMulDivAVX2(ptr(dst), ptr(g), ptr(q), ptr(b), len(dst))
}

func addNegMulDivAsm(dst, x, g, q, b []float64) {
	if useAVX512 {
		addNegMulDivAVX512(ptr(dst), ptr(x), ptr(g), ptr(q), ptr(b), len(dst))
		return
	}
	addNegMulDivAVX2(ptr(dst), ptr(x), ptr(g), ptr(q), ptr(b), len(dst))
}

func negAsm(dst, x []float64) { negAVX2(ptr(dst), ptr(x), len(dst)) }

// ptr returns the address of s's first element, or nil for an empty s.
func ptr(s []float64) *float64 {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

// Kernels of recip_amd64.s: dst = x + (−g·q)/b, (−g·q)/b or g/b from
// hi = RecipHi(b) and lo = RecipLo(b, hi); x and q are not read where
// unused.

//go:noescape
func divRecipAVX2(dst, x, gp, q, b, hi, lo *float64, n int)

//go:noescape
func negMulDivRecipAVX2(dst, x, gp, q, b, hi, lo *float64, n int)

//go:noescape
func addNegMulDivRecipAVX2(dst, x, gp, q, b, hi, lo *float64, n int)

//go:noescape
func divRecipAVX512(dst, x, gp, q, b, hi, lo *float64, n int)

//go:noescape
func negMulDivRecipAVX512(dst, x, gp, q, b, hi, lo *float64, n int)

//go:noescape
func addNegMulDivRecipAVX512(dst, x, gp, q, b, hi, lo *float64, n int)

func divRecipAsm(dst, a, b, hi, lo []float64) {
	if useAVX512 {
		divRecipAVX512(ptr(dst), nil, ptr(a), nil, ptr(b), ptr(hi), ptr(lo), len(dst))
		return
	}
	divRecipAVX2(ptr(dst), nil, ptr(a), nil, ptr(b), ptr(hi), ptr(lo), len(dst))
}

func negMulDivRecipAsm(dst, g, q, b, hi, lo []float64) {
	if useAVX512 {
		negMulDivRecipAVX512(ptr(dst), nil, ptr(g), ptr(q), ptr(b), ptr(hi), ptr(lo), len(dst))
		return
	}
	negMulDivRecipAVX2(ptr(dst), nil, ptr(g), ptr(q), ptr(b), ptr(hi), ptr(lo), len(dst))
}

func addNegMulDivRecipAsm(dst, x, g, q, b, hi, lo []float64) {
	if useAVX512 {
		addNegMulDivRecipAVX512(ptr(dst), ptr(x), ptr(g), ptr(q), ptr(b), ptr(hi), ptr(lo), len(dst))
		return
	}
	addNegMulDivRecipAVX2(ptr(dst), ptr(x), ptr(g), ptr(q), ptr(b), ptr(hi), ptr(lo), len(dst))
}

//go:noescape
func recipHiAVX512(hi, b *float64, n int)

//go:noescape
func recipLoAVX512(lo, b, hi *float64, n int)

func recipHiAsm(hi, b []float64) { recipHiAVX512(ptr(hi), ptr(b), len(hi)) }

func recipLoAsm(lo, b, hi []float64) { recipLoAVX512(ptr(lo), ptr(b), ptr(hi), len(lo)) }

// negMulDivRecipChainAVX512 runs AddNegMulDivRecipChainAt's chain over the
// k pairs of pointers at gq, on the elements [start, end) (recip_amd64.s).
//
//go:noescape
func negMulDivRecipChainAVX512(dst, x unsafe.Pointer, gq *unsafe.Pointer, k int, b, hi, lo unsafe.Pointer, start, end int)

// negMulDivRecipMultiAVX512 runs NegMulDivRecipMultiAt's k quotients (ps:
// dst, g, q each) on the elements [start, end) (recip_amd64.s).
//
//go:noescape
func negMulDivRecipMultiAVX512(ps *unsafe.Pointer, k int, b, hi, lo unsafe.Pointer, start, end int)
