package vmath

import "unsafe"

// Sums of quotients by one shared divisor (ad's Jit: the cotangent of a
// quotient's divisor accumulated over its uses). With hi = RecipHi(b) and
// lo = RecipLo(b, hi), AddNegMulDivRecipChain computes, element by
// element,
//
//	acc = x                                   (or, without x, NegMulDivRecip(g₀, q₀))
//	acc = acc + (−g_j·q_j)/b   for each later pair (g_j, q_j), in order,
//	                           or acc = acc + g_j where q_j is missing
//
// with every step's bits those of AddNegMulDivRecip (so of AddNegMulDiv),
// or of Add:
// the same operations in the same order, only acc stays in a register
// instead of going to memory between the steps, and b, hi and lo are
// loaded once per block for all of them.

// AddNegMulDivRecipChain sets dst to the chain above over the pairs
// gq[0], gq[1] (g₀, q₀), gq[2], gq[3], …, a nil q for a term added as it
// is; x may be nil (then the first pair, with its q, starts the chain). Every slice has dst's length; dst may be x, but
// no other operand (the others are read by every step).
func AddNegMulDivRecipChain(dst, x []float64, gq [][]float64, b, hi, lo []float64) {
	checkRecip("AddNegMulDivRecipChain", dst, dst, b, hi, lo)
	if x != nil {
		check("AddNegMulDivRecipChain", dst, x)
	}
	if len(gq)%2 != 0 || x == nil && (len(gq) == 0 || gq[1] == nil) {
		panic("vmath: AddNegMulDivRecipChain: odd number of operands, or no quotient to start without x")
	}
	ps := make([]unsafe.Pointer, len(gq))
	for i, s := range gq {
		if s == nil && i%2 == 1 {
			continue
		}
		check("AddNegMulDivRecipChain", dst, s)
		if len(s) > 0 {
			ps[i] = unsafe.Pointer(&s[0])
		}
	}
	if len(dst) == 0 {
		return
	}
	var xp unsafe.Pointer
	if x != nil {
		xp = unsafe.Pointer(&x[0])
	}
	AddNegMulDivRecipChainAt(unsafe.Pointer(&dst[0]), xp, ps, unsafe.Pointer(&b[0]),
		unsafe.Pointer(&hi[0]), unsafe.Pointer(&lo[0]), 0, len(dst))
}

// AddNegMulDivRecipChainAt is AddNegMulDivRecipChain on the elements
// [start, end) of buffers given by the address of their element 0 (x and
// the addresses of gq as there, nil for a missing q; gq must start with a
// quotient when x is nil). It
// checks nothing: every buffer must hold at least end values.
func AddNegMulDivRecipChainAt(dst, x unsafe.Pointer, gq []unsafe.Pointer, b, hi, lo unsafe.Pointer, start, end int) {
	if end <= start {
		return
	}
	if useAVX512 {
		negMulDivRecipChainAVX512(dst, x, unsafe.SliceData(gq), len(gq)/2, b, hi, lo, start, end)
		return
	}
	// One step at a time (the kernels this chain stands for), into dst.
	n := end - start
	at := func(p unsafe.Pointer) []float64 { return unsafe.Slice((*float64)(unsafe.Add(p, 8*start)), n) }
	d, bs, hs, ls := at(dst), at(b), at(hi), at(lo)
	k := 0
	if x != nil {
		copy(d, at(x))
	} else {
		NegMulDivRecip(d, at(gq[0]), at(gq[1]), bs, hs, ls)
		k = 2
	}
	for ; k < len(gq); k += 2 {
		if gq[k+1] == nil {
			Add(d, d, at(gq[k]), 1, 1)
			continue
		}
		AddNegMulDivRecip(d, d, at(gq[k]), at(gq[k+1]), bs, hs, ls)
	}
}

// NegMulDivRecipMulti sets dst[j] = NegMulDivRecip(g[j], q[j], b, hi, lo)
// for every j, with the same bits, in one pass that loads b, hi and lo
// once per block for all of them (ad's Jit: runs of such divisions by one
// divisor). The quotients are computed block by block in the order of j,
// so a g[j] or q[j] may be an earlier dst[i]; a dst[j] must not be a later
// g or q, nor b, hi or lo.
func NegMulDivRecipMulti(dst, g, q [][]float64, b, hi, lo []float64) {
	if len(g) != len(dst) || len(q) != len(dst) {
		panic("vmath: NegMulDivRecipMulti: operand lists of different lengths")
	}
	ps := make([]unsafe.Pointer, 0, 3*len(dst))
	for j := range dst {
		checkRecip("NegMulDivRecipMulti", dst[j], g[j], b, hi, lo)
		check("NegMulDivRecipMulti", dst[j], q[j])
	}
	if len(b) == 0 {
		return
	}
	for j := range dst {
		ps = append(ps, unsafe.Pointer(&dst[j][0]), unsafe.Pointer(&g[j][0]), unsafe.Pointer(&q[j][0]))
	}
	NegMulDivRecipMultiAt(ps, unsafe.Pointer(&b[0]), unsafe.Pointer(&hi[0]), unsafe.Pointer(&lo[0]), 0, len(b))
}

// NegMulDivRecipMultiAt is NegMulDivRecipMulti on the elements [start,
// end) of buffers given by the address of their element 0: ps holds dst,
// g and q of each quotient in turn. It checks nothing: every buffer must
// hold at least end values.
func NegMulDivRecipMultiAt(ps []unsafe.Pointer, b, hi, lo unsafe.Pointer, start, end int) {
	if end <= start || len(ps) == 0 {
		return
	}
	if useAVX512 {
		negMulDivRecipMultiAVX512(unsafe.SliceData(ps), len(ps)/3, b, hi, lo, start, end)
		return
	}
	n := end - start
	at := func(p unsafe.Pointer) []float64 { return unsafe.Slice((*float64)(unsafe.Add(p, 8*start)), n) }
	for j := 0; j+2 < len(ps); j += 3 {
		NegMulDivRecip(at(ps[j]), at(ps[j+1]), at(ps[j+2]), at(b), at(hi), at(lo))
	}
}
