package ad

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"unsafe"

	"github.com/gograd/gograd/ad/internal/vmath"
)

// The passes that turn a recording into a program. Each is a small
// function over the instruction list; build runs them in order.
//
//   - cse merges instructions that apply the same primitive with the same
//     parameters to the same buffers (primitives are pure functions).
//   - dce drops instructions whose result reaches no output and no guard.
//   - lower chooses how each instruction runs (a scalar fast path on
//     registers or the primitive's Forward) and plans the buffers: the
//     intermediate results a later instruction no longer reads are handed
//     back to the allocator (recycle) right after their last use, so the
//     next instruction of that length reuses them.
//
// The recording is already in a topological order: an instruction is
// recorded after the instructions that computed its arguments.

// build runs the passes on r with the outputs outs.
func build(r *jitRec, outs []int32) *jitProg {
	outs = append([]int32(nil), outs...)
	code := reuseTrig(r) // a copy of the recording, in one slice
	code = cse(code, outs, len(r.bufs))
	code = dce(code, outs, len(r.bufs))
	code = recipDivs(r, code)
	code = divChains(r, code, outs)
	return lower(r, code, outs)
}

// reuseTrig returns the recorded instructions in one slice, with the
// fused rules SinGrad(g, x) = g·cos x and CosGrad(g, x) = −g·sin x, when
// Cos(x) (Sin(x)) has been computed before with x's shape, rewritten as
// Mul(g, Cos(x)) and Mul(Neg(g), Sin(x)): the same arithmetic with the
// same math.Cos/math.Sin, so the same bits (tested by
// TestJitTrigIdentities), one transcendental function less per element.
// (W2's backward pass evaluates both rules once per step.)
func reuseTrig(r *jitRec) []jitInstr {
	nCos, nSin := 0, 0 // CosGrad instructions (each may become two), SinGrad ones
	r.eachInstr(func(in *jitInstr) {
		switch in.p {
		case primCosGrad:
			nCos++
		case primSinGrad:
			nSin++
		}
	})
	code := make([]jitInstr, 0, r.numInstr()+nCos)
	if nCos == 0 && nSin == 0 {
		r.eachInstr(func(in *jitInstr) { code = append(code, *in) })
		return code
	}
	// cosOf[x] (sinOf[x]) is 1 + the buffer holding Cos(x) (Sin(x)), 0
	// for none.
	nbuf := len(r.bufs)
	cosOf, sinOf := make([]int32, nbuf), make([]int32, nbuf)
	r.eachInstr(func(pin *jitInstr) {
		in := *pin
		if in.guard == nil && len(in.args) == 1 && sameShape(r.shapeOf(in.args[0]), r.shapeOf(in.out)) {
			switch x := in.args[0]; in.p {
			case primCos:
				if cosOf[x] == 0 {
					cosOf[x] = in.out + 1
				}
			case primSin:
				if sinOf[x] == 0 {
					sinOf[x] = in.out + 1
				}
			}
		}
		if in.guard == nil && len(in.args) == 2 && sameShape(r.shapeOf(in.args[0]), r.shapeOf(in.args[1])) {
			g, x := in.args[0], in.args[1]
			switch in.p {
			case primSinGrad:
				if c := cosOf[x]; c != 0 {
					in = jitInstr{p: primMul, args: []int32{g, c - 1}, out: in.out, alias: -1}
				}
			case primCosGrad:
				if s := sinOf[x]; s != 0 {
					n := r.newBuf(bufValue, r.shapeOf(g), 0)
					code = append(code, jitInstr{p: primNeg, args: []int32{g}, out: n, alias: -1})
					in = jitInstr{p: primMul, args: []int32{n, s - 1}, out: in.out, alias: -1}
				}
			}
		}
		code = append(code, in)
	})
	return code
}

// cseKey identifies an instruction up to the number of its result:
// primitives of up to three arguments with comparable parameters by value,
// others through a printed form of their parameters (str).
type cseKey struct {
	p      *Primitive
	n      int
	a      [3]int32
	params any
	str    string
}

func makeCSEKey(in *jitInstr) (cseKey, bool) {
	k := cseKey{p: in.p, n: len(in.args)}
	if len(in.args) <= 3 {
		copy(k.a[:], in.args)
	} else {
		k.str = fmt.Sprint(in.args)
	}
	if in.params != nil {
		t := reflect.TypeOf(in.params)
		switch {
		case t.Kind() == reflect.Func || t.Kind() == reflect.Chan || t.Kind() == reflect.UnsafePointer:
			return k, false
		case t.Comparable():
			k.params = in.params
		default:
			k.str += fmt.Sprintf("|%T%#v", in.params, in.params)
		}
	}
	return k, true
}

// cse merges repeated instructions in place and renames the uses of the
// dropped ones' results, outs included.
func cse(code []jitInstr, outs []int32, nbuf int) []jitInstr {
	rename := make([]int32, nbuf)
	for i := range rename {
		rename[i] = int32(i)
	}
	seen := map[cseKey]int32{}
	// Most instructions have no parameters and at most three arguments:
	// they are found through a hash table of positions in kept (plus
	// one; 0 is an empty entry), with linear probing.
	size := 16
	for size < 2*len(code) {
		size *= 2
	}
	table := make([]int32, size)
	kept := code[:0]
	for _, in := range code {
		if in.guard != nil {
			in.out = rename[in.out]
			kept = append(kept, in)
			continue
		}
		for i, a := range in.args {
			in.args[i] = rename[a] // the recording is not used after build
		}
		if in.params == nil && len(in.args) <= 3 {
			h := cseHash(&in) & uint64(size-1)
			for table[h] != 0 && !sameInstr(&kept[table[h]-1], &in) {
				h = (h + 1) & uint64(size-1)
			}
			if table[h] != 0 {
				rename[in.out] = kept[table[h]-1].out
				continue
			}
			table[h] = int32(len(kept) + 1)
		} else if k, ok := makeCSEKey(&in); ok {
			if prev, dup := seen[k]; dup {
				rename[in.out] = prev
				continue
			}
			seen[k] = in.out
		}
		kept = append(kept, in)
	}
	for i, o := range outs {
		outs[i] = rename[o]
	}
	return kept
}

// cseHash hashes an instruction's primitive and arguments.
func cseHash(in *jitInstr) uint64 {
	h := uint64(uintptr(unsafe.Pointer(in.p)))*0x9e3779b97f4a7c15 ^ uint64(len(in.args))
	for _, a := range in.args {
		h = (h ^ uint64(uint32(a))) * 0xff51afd7ed558ccd
	}
	return h ^ h>>32
}

// sameInstr reports whether a and b, instructions without parameters,
// apply the same primitive to the same buffers.
func sameInstr(a, b *jitInstr) bool {
	if a.p != b.p || a.params != nil || a.guard != nil || len(a.args) != len(b.args) {
		return false
	}
	for i, x := range a.args {
		if b.args[i] != x {
			return false
		}
	}
	return true
}

// dce keeps the instructions whose results the outputs or a guard need.
func dce(code []jitInstr, outs []int32, nbuf int) []jitInstr {
	live := make([]bool, nbuf)
	for _, o := range outs {
		live[o] = true
	}
	keep := make([]bool, len(code))
	for i := len(code) - 1; i >= 0; i-- {
		in := &code[i]
		if in.guard == nil && !live[in.out] {
			continue
		}
		keep[i] = true
		if in.guard != nil {
			live[in.out] = true
			continue
		}
		for _, a := range in.args {
			live[a] = true
		}
	}
	kept := code[:0]
	for i, in := range code {
		if keep[i] {
			kept = append(kept, in)
		}
	}
	return kept
}

// Operation kinds of a program.
const (
	opCall      = iota // the primitive's Forward on tensors
	opScalar1          // scalar1 on registers
	opScalar2          // scalar2 on registers
	opGuard            // compare a buffer with the values read while tracing
	opElem             // an elementwise kernel into a planned buffer
	opScalarRun        // a run of scalar operations (run)
	opFused            // consecutive elementwise operations run strip by strip (group)
	opInto             // an operation into a provided buffer (into; jit_into.go)
	opView             // a Reshape of a planned buffer: a header made once
)

// Fusion of elementwise chains: consecutive elementwise operations of one
// length n (at least regionMin values) run as one region (jitRegion): every
// operation's kernel on the values [lo, hi) of a block before the next
// block. For n of at least fuseMin the blocks are strips of fuseStrip
// values, so that the strip of each intermediate result is still in the
// cache when the next operation reads it; shorter vectors are one block,
// or, when the region has enough work for two cores (regionParWork), a
// few blocks that the cores share. The kernels compute each element
// independently (vmath's contract), so the results are those of the
// operations one after the other. A region is also a compact form of its
// operations (jitRop: a kernel and four indices), which the replay runs
// with less work per operation than the general loop.
const (
	fuseMin       = 4096
	fuseStrip     = 512
	regionMin     = 8
	regionParWork = 1 << 17 // operations × values
)

// fuseElems groups the runs of at least two such operations; viewed[id]
// tells that a view (Reshape) shares buffer id's slot.
func (p *jitProg) fuseElems(code []jitOp, viewed []bool) []jitOp {
	numel := func(op *jitOp) int { return shapeNumel(p.shape(op.out)) }
	fusable := func(i int) bool { return code[i].kind == opElem && numel(&code[i]) >= regionMin }
	first := -1 // the first operation of a group
	for i := 0; i+1 < len(code) && first < 0; i++ {
		if fusable(i) && code[i+1].kind == opElem && numel(&code[i+1]) == numel(&code[i]) {
			first = i
		}
	}
	if first < 0 {
		return code
	}
	out := append(make([]jitOp, 0, len(code)), code[:first]...)
	var uses []int32
	for i := first; i < len(code); {
		op := code[i]
		if !fusable(i) {
			out = append(out, op)
			i++
			continue
		}
		n, j := numel(&op), i+1
		for j < len(code) && code[j].kind == opElem && numel(&code[j]) == n {
			j++
		}
		if j-i < 2 {
			out = append(out, op)
			i++
			continue
		}
		g := jitOp{kind: opFused, out: code[j-1].out, group: append([]jitOp(nil), code[i:j]...)}
		for k := range g.group {
			g.free = append(g.free, g.group[k].free...) // recycled after the whole pass
			g.group[k].free = nil
		}
		if uses == nil {
			uses = p.useCounts(code)
		}
		g.region = p.newRegion(g.group, n, uses)
		g.region.dynamic(p)
		g.region.privates(p, g.group, uses, viewed)
		g.region.id = p.nregions
		p.nregions++
		out = append(out, g)
		i = j
	}
	return out
}

// jitRegion is a fused group of elementwise operations on n values.
type jitRegion struct {
	id   int // index among the program's regions (jitState.rstats)
	n    int
	ops  []jitRop
	bufs []int32 // the buffers the operations use (jitRop's indices)
	dyn  []int32 // the indices in bufs of buffers new at each replay
	// private: the indices in bufs of the buffers that only this region
	// reads and writes (see privates), for a short region shared by the
	// cores.
	private []int32
	// chunk is the number of values a core takes at a time, strip the
	// number each operation computes at a time; par tells whether the
	// chunks are shared among the cores.
	chunk, strip int
	par          bool
}

// jitRop is one operation of a region: its kernel on buffers
// bufs[out], bufs[a], … (a, b, c: -1 for none), with the strides sa and
// sb of a binary kernel's operands.
type jitRop struct {
	e                     *elemKernel
	out, a, b, c, d, h, l int32
	sa, sb                uint8
	nargs                 uint8
	kind                  uint8 // 0: e's kernel; ropAddNegMulDiv: bufs[a] + DivGradB(bufs[b], bufs[c], bufs[d])
}

// Kinds of region operations other than a call of e's kernel: a pair
// (ropAddNegMulDiv), or a primitive whose kernel is one of vmath's, called
// directly with the same operands (the kernels of Add, Sub and Mul when
// blocks are at least vecMin long: see addLoop; of Div: divLoop; of Neg
// and DivGradB: vmath.Neg and vmath.NegMulDiv; of DivRecip and
// DivGradBRecip, jit_recip.go: vmath.DivRecip and vmath.NegMulDivRecip),
// and the pair DivGradBRecip, Add (ropAddNegMulDivRecip: bufs[a] +
// DivGradBRecip(bufs[b], bufs[c], bufs[d], bufs[h], bufs[l])).
const (
	ropKernel = iota
	ropAddNegMulDiv
	ropAdd
	ropSub
	ropMul
	ropDiv
	ropNeg
	ropNegMulDiv
	ropDivRecip
	ropNegMulDivRecip
	ropAddNegMulDivRecip
	ropNMDRMulti // consecutive DivGradBRecips by one divisor: bufs[c:c+3d] (out, g, q each), b, hi, lo = bufs[b], bufs[h], bufs[l]
	ropChain     // DivGradBRecipSum: bufs[out] = bufs[a] (-1: none), the terms bufs[c:c+2d], b, hi, lo = bufs[b], bufs[h], bufs[l]
)

// ropDirect returns the direct kind of p's kernel, ropKernel for none.
func ropDirect(p *Primitive) uint8 {
	switch p {
	case primAdd:
		return ropAdd
	case primSub:
		return ropSub
	case primMul:
		return ropMul
	case primDiv:
		return ropDiv
	case primNeg:
		return ropNeg
	case primDivGradB:
		return ropNegMulDiv
	case primDivRecip:
		return ropDivRecip
	case primDivGradBRecip:
		return ropNegMulDivRecip
	}
	return ropKernel
}

// newRegion builds the region of the operations group, all on n values.
func (p *jitProg) newRegion(group []jitOp, n int, uses []int32) *jitRegion {
	r := &jitRegion{n: n}
	index := map[int32]int32{}
	ix := func(id int32) int32 {
		if i, ok := index[id]; ok {
			return i
		}
		i := int32(len(r.bufs))
		index[id] = i
		r.bufs = append(r.bufs, id)
		return i
	}
	r.chunk, r.strip = n, n
	if n >= fuseMin {
		r.chunk, r.strip = interruptStride, fuseStrip
	}
	if len(group)*n >= regionParWork && n >= 2*regionMin {
		r.par = true
		switch {
		case n < fuseMin:
			// Two blocks, each a whole number of vectors.
			r.chunk = (n/2 + 7) / 8 * 8
			r.strip = r.chunk
		case n < 2*interruptStride:
			r.chunk = (n/2 + fuseStrip - 1) / fuseStrip * fuseStrip
		}
	}
	// Where every block is at least vecMin long, so that Add, Sub and Mul
	// run vmath's kernels (see addLoop), the most common kernels are
	// called directly (ropDirect), and the pair DivGradB, Add of its
	// result (its only use) to a value runs as one kernel.
	direct := vmath.Accelerated() && r.minBlock() >= vecMin
	r.ops = make([]jitRop, 0, len(group))
	for k := 0; k < len(group); k++ {
		g := &group[k]
		if direct && k+1 < len(group) && addsDivGradB(g, &group[k+1], uses) {
			h := &group[k+1]
			o := jitRop{kind: ropAddNegMulDiv, out: ix(h.out), a: ix(h.args[0]),
				b: ix(g.args[0]), c: ix(g.args[1]), d: ix(g.args[2])}
			if g.p == primDivGradBRecip {
				o.kind, o.h, o.l = ropAddNegMulDivRecip, ix(g.args[3]), ix(g.args[4])
			}
			r.ops = append(r.ops, o)
			k++
			continue
		}
		if g.elem.chain {
			// The terms' entries of bufs are contiguous (added again
			// when already there; -1 for a missing q), so that their
			// addresses are one slice of the region's.
			x, gq, b, hi, lo := chainTerms(g.args, g.params.(divChainParams))
			o := jitRop{kind: ropChain, a: -1, b: ix(b), h: ix(hi), l: ix(lo)}
			if x >= 0 {
				o.a = ix(x)
			}
			o.c, o.d = int32(len(r.bufs)), int32(len(gq)/2)
			r.bufs = append(r.bufs, gq...)
			o.out = ix(g.out)
			r.ops = append(r.ops, o)
			continue
		}
		o := jitRop{e: g.elem, a: -1, b: -1, c: -1, sa: 1, sb: 1, nargs: uint8(len(g.args))}
		if g.elem.k2 != nil {
			o.sa, o.sb = uint8(g.sa), uint8(g.sb)
		}
		if direct {
			o.kind = ropDirect(g.p)
		}
		for i, a := range g.args {
			v := ix(a)
			switch i {
			case 0:
				o.a = v
			case 1:
				o.b = v
			case 2:
				o.c = v
			case 3:
				o.d = v
			default:
				o.h = v
			}
		}
		o.out = ix(g.out)
		r.ops = append(r.ops, o)
	}
	r.groupDivisions()
	return r
}

// groupDivisions runs each run of two or more consecutive DivGradBRecips
// by one divisor as one operation (vmath.NegMulDivRecipMulti: b, hi and lo
// loaded once per block for all of them; the quotients computed block by
// block in their order, so one may read an earlier one's result, as
// consecutive operations of a region may).
func (r *jitRegion) groupDivisions() {
	ops := r.ops[:0]
	for i := 0; i < len(r.ops); {
		o := r.ops[i]
		j := i + 1
		if o.kind == ropNegMulDivRecip {
			for j < len(r.ops) && r.ops[j].kind == ropNegMulDivRecip &&
				r.ops[j].c == o.c && r.ops[j].d == o.d && r.ops[j].h == o.h {
				j++
			}
		}
		if j-i < 2 {
			ops = append(ops, o)
			i++
			continue
		}
		m := jitRop{kind: ropNMDRMulti, b: o.c, h: o.d, l: o.h, c: int32(len(r.bufs)), d: int32(j - i)}
		for _, g := range r.ops[i:j] {
			r.bufs = append(r.bufs, r.bufs[g.out], r.bufs[g.a], r.bufs[g.b])
		}
		ops = append(ops, m)
		i = j
	}
	r.ops = ops
}

// dynamic sets r.dyn: the entries of r.bufs whose tensors are new at
// every replay (inputs, results, outputs of Forward: p.clear), not held
// in a register.
func (r *jitRegion) dynamic(p *jitProg) {
	fresh := map[int32]bool{}
	for _, id := range p.clear {
		fresh[id] = true
	}
	for i, id := range r.bufs {
		if id >= 0 && fresh[id] && !p.reg[id] {
			r.dyn = append(r.dyn, int32(i))
		}
	}
}

// privates sets r.private for a short region shared by the cores (par,
// n < fuseMin): the entries of r.bufs whose buffer is an arena slot that
// an operation of group computes and that nothing but group reads (no
// output, no view, no later operation). The second block of such a
// region computes these buffers in a copy of the arena of its own
// (jitState.priv): two cores writing the two halves of the same 200-value
// buffers slowed each other through the cache (W1: both halves at once in
// 69–75 µs on one arena, 40.6 µs on two, against 69 µs for the whole
// region on one core; BENCHMARKS.md). Each value is computed from values
// of the same index only, so the results are the same.
func (r *jitRegion) privates(p *jitProg, group []jitOp, uses []int32, viewed []bool) {
	if !r.par || r.n >= fuseMin {
		return
	}
	inside := map[int32]int32{} // reads within group
	made := map[int32]bool{}
	for k := range group {
		g := &group[k]
		for _, a := range g.args {
			inside[a]++
		}
		if g.res == nil {
			made[g.out] = true
		}
	}
	out := map[int32]bool{}
	for _, o := range p.outs {
		out[o] = true
	}
	for i, id := range r.bufs {
		if id >= 0 && made[id] && !p.reg[id] && p.slotOf[id] >= 0 && !viewed[id] && !out[id] && inside[id] == uses[id] {
			r.private = append(r.private, int32(i))
		}
	}
}

// minBlock returns the length of the shortest block r computes at a time.
func (r *jitRegion) minBlock() int {
	m := r.n
	for lo := 0; lo < r.n; lo += r.chunk {
		hi := min(lo+r.chunk, r.n)
		m = min(m, min(r.strip, hi-lo))
		if rest := (hi - lo) % r.strip; rest > 0 {
			m = min(m, rest)
		}
	}
	return m
}

// addsDivGradB tells whether h adds (as its second operand) g's result, a
// DivGradB on full operands used nowhere else, to a full operand: the
// pattern of cotangents accumulated through a division (W1: 828 of its
// 1247 DivGradBs, which, with AVX-512, divChains now takes into sums
// instead; the pairs left are those of no chain). x + (−g·q/b) in one
// kernel (vmath.AddNegMulDiv) gives the same bits as the two, NaNs
// included; so does DivGradBRecip's (vmath.AddNegMulDivRecip).
func addsDivGradB(g, h *jitOp, uses []int32) bool {
	return (g.p == primDivGradB && g.elem != nil && g.elem.k3 != nil ||
		g.p == primDivGradBRecip && g.elem != nil && g.elem.k5 != nil) && g.res == nil &&
		h.p == primAdd && h.elem != nil && h.elem.k2 != nil && h.sa == 1 && h.sb == 1 &&
		len(h.args) == 2 && h.args[1] == g.out && h.args[0] != g.out && uses[g.out] == 1
}

// useCounts returns how many times each buffer is read by code (as an
// argument or by a guard) or returned.
func (p *jitProg) useCounts(code []jitOp) []int32 {
	uses := make([]int32, p.nbuf)
	var count func(ops []jitOp)
	count = func(ops []jitOp) {
		for i := range ops {
			op := &ops[i]
			for _, a := range op.args {
				uses[a]++
			}
			if op.kind == opGuard {
				uses[op.out]++
			}
			for _, s := range op.run {
				uses[s.a]++
				uses[s.b]++
			}
			count(op.group)
		}
	}
	count(code)
	for _, o := range p.outs {
		uses[o]++
	}
	return uses
}

// jitSop is one scalar operation of a run: regs[out] = f1(regs[a]) or
// f2(regs[a], regs[b]), computed inline by the replay loop for the most
// common primitives (code), whose scalar functions are these very
// expressions.
type jitSop struct {
	code uint8
	a, b int32
	out  int32
	f1   func(float64) float64
	f2   func(float64, float64) float64
}

// appendScalar appends s to the run sops[start:], merged with an earlier
// operation of the run when that computes the same bits with less work:
// Sin(x) and Cos(x) of the same x (within a few operations, as in W2's
// loop x ← sin(x)·0.9 + 0.1·cos(x), or the forward pass of SinGrad and
// CosGrad's rules) become one math.Sincos, which reduces the argument
// once; its results are math.Sin's and math.Cos's bit for bit
// (TestJitScalarMerges). (Merging CosGrad's Neg(g) into the Mul that
// follows it was tried and made W2's replay slower on AMD EPYC.)
func appendScalar(sops []jitSop, start int, s jitSop) []jitSop {
	if s.code != sopSin && s.code != sopCos {
		return append(sops, s)
	}
	for j := len(sops) - 1; j >= max(start, len(sops)-sincosWindow); j-- {
		t := &sops[j]
		if t.a != s.a || (t.code != sopSin && t.code != sopCos) || t.code == s.code {
			continue
		}
		sin, cos := t.out, s.out
		if t.code == sopCos {
			sin, cos = s.out, t.out
		}
		*t = jitSop{code: sopSinCos, a: s.a, out: sin, b: cos}
		return sops
	}
	return append(sops, s)
}

// sincosWindow is how far back appendScalar looks for a Sin or Cos of the
// same argument.
const sincosWindow = 8

// Codes of scalar operations.
const (
	sopCall1  = iota // f1
	sopCall2         // f2
	sopAdd           // a + b
	sopSub           // a − b
	sopMul           // a · b
	sopDiv           // a / b
	sopNeg           // −a
	sopSin           // math.Sin(a)
	sopCos           // math.Cos(a)
	sopSinCos        // out, b = math.Sincos(a)
	sopNegMul        // (−a) · b
)

// scalarOp returns the operation of p applied to 0-d buffers a (and b).
func scalarOp(p *Primitive, args []int32, out int32) jitSop {
	s := jitSop{a: args[0], out: out}
	if len(args) == 1 {
		s.code, s.f1 = sopCall1, p.scalar1
		switch p {
		case primNeg:
			s.code = sopNeg
		case primSin:
			s.code = sopSin
		case primCos:
			s.code = sopCos
		}
		return s
	}
	s.b, s.code, s.f2 = args[1], sopCall2, p.scalar2
	switch p {
	case primAdd:
		s.code = sopAdd
	case primSub:
		s.code = sopSub
	case primMul:
		s.code = sopMul
	case primDiv:
		s.code = sopDiv
	}
	return s
}

// maxRun bounds a run of scalar operations, between two checks of the
// interrupt flag (some microseconds).
const maxRun = 1024

// jitOp is one operation of a program.
type jitOp struct {
	kind   uint8
	p      *Primitive
	params any
	args   []int32
	out    int32
	guard  *jitGuard
	// free lists the buffers whose last use this operation is: they are
	// recycled after it.
	free []int32
	// elem, sa and sb: the kernel of an opElem and its operand strides.
	elem   *elemKernel
	sa, sb int
	run    []jitSop // opScalarRun
	group  []jitOp  // opFused: the operations
	region *jitRegion
	into   *jitInto // opInto
	// res, for an operation computing a result of the function into a
	// provided buffer (opElem, opInto): the result's length and shape.
	res *jitOut
}

// jitProg is a program ready to replay.
type jitProg struct {
	op     string
	code   []jitOp
	nbuf   int
	inputs []int32 // buffer of each input
	outs   []int32
	outReg []bool // output i lives in a register only
	// outSole[i] tells that output i is a new tensor, the only
	// reference to its buffer (see soleOuts).
	outSole []bool
	// reg[id] tells that buffer id lives in a register only (the result
	// of a scalar operation): it is wrapped in a tensor for Forward.
	reg    []bool
	consts []int32   // constant buffers
	cvals  []*Tensor // their tensors
	scalar []bool    // 0-d buffers, kept in registers too
	// clear lists the buffers that hold a tensor of one replay (inputs,
	// results of Forward), dropped after it.
	clear []int32
	// Planned buffers: slotOf[id] is the arena slot of buffer id (-1 for
	// none); slotLen the length of each slot.
	slotOf  []int32
	slotLen []int
	// shapeOf[id] is the index of buffer id's shape in shapeTab.
	shapeOf  []int32
	shapeTab [][]int

	results map[int32]*jitOut // by result buffer

	nregions int // regions among code

	st   *jitState  // reused by a replay that finds it free
	busy sync.Mutex // held by the replay using st
}

// lower turns the instructions into operations and plans the buffers.
func lower(r *jitRec, code []jitInstr, outs []int32) *jitProg {
	nbuf := len(r.bufs)
	p := &jitProg{nbuf: nbuf, outs: outs, scalar: make([]bool, nbuf), shapeTab: r.shapes}
	reg := make([]bool, nbuf) // produced by a scalar operation
	p.shapeOf = make([]int32, nbuf)
	for id, b := range r.bufs {
		p.shapeOf[id] = b.shape
		p.scalar[id] = b.shape == 0
		switch b.kind {
		case bufInput:
			p.inputs = append(p.inputs, int32(id))
		case bufConst:
			p.consts = append(p.consts, int32(id))
			p.cvals = append(p.cvals, r.cvals[b.num])
		}
	}
	p.clear = append(p.clear, p.inputs...)
	// Planning: the root of a buffer is the buffer whose memory it uses
	// (itself, or the root of the argument it is a view of); a root is
	// recyclable when an instruction of a known primitive allocated it
	// and no output uses it.
	root := make([]int32, nbuf)
	owned := make([]bool, nbuf)
	for i := range root {
		root[i] = int32(i)
	}
	for i := range code {
		in := &code[i]
		if in.guard != nil {
			continue
		}
		if in.alias >= 0 {
			root[in.out] = root[in.args[in.alias]]
		} else if shapeNumel(r.shapeOf(in.out)) >= recycleMin && recyclablePrim(in.p) {
			owned[in.out] = true
		}
	}
	outRoot := make([]bool, nbuf)
	for _, o := range outs {
		owned[root[o]] = false
		outRoot[root[o]] = true
	}
	planned := make([]bool, nbuf)
	last := make([]int32, nbuf)
	for i := range last {
		last[i] = -1
	}
	for i := range code {
		in := &code[i]
		if in.guard != nil {
			last[root[in.out]] = int32(i)
			continue
		}
		for _, a := range in.args {
			last[root[a]] = int32(i)
		}
		if last[root[in.out]] < int32(i) {
			last[root[in.out]] = int32(i)
		}
	}
	// Operations: scalar instructions go straight into runs (sops), the
	// others become one operation each; opAt maps an instruction to its
	// operation (for the buffers freed after it).
	nScalar := 0
	kinds := make([]uint8, len(code))
	for i := range code {
		in := &code[i]
		switch {
		case in.guard != nil:
			kinds[i] = opGuard
		case len(in.args) == 1 && in.p.scalar1 != nil && p.scalar[in.args[0]]:
			kinds[i] = opScalar1
			reg[in.out] = true
			nScalar++
		case len(in.args) == 2 && in.p.scalar2 != nil && p.scalar[in.args[0]] && p.scalar[in.args[1]]:
			kinds[i] = opScalar2
			reg[in.out] = true
			nScalar++
		default:
			kinds[i] = opCall
		}
	}
	sops := make([]jitSop, 0, nScalar)
	ops := make([]jitOp, 0, len(code)-nScalar+nScalar/maxRun+1)
	opAt := make([]int32, len(code))
	var views []int32 // opView results
	runStart := -1    // index in sops of the open run, -1 for none
	for i := range code {
		in := &code[i]
		k := kinds[i]
		if k == opScalar1 || k == opScalar2 {
			if runStart < 0 || len(sops)-runStart >= maxRun {
				runStart = len(sops)
				ops = append(ops, jitOp{kind: opScalarRun})
			}
			sops = appendScalar(sops, runStart, scalarOp(in.p, in.args, in.out))
			ops[len(ops)-1].run = sops[runStart:len(sops):len(sops)]
			opAt[i] = int32(len(ops) - 1)
			continue
		}
		runStart = -1
		ops = append(ops, jitOp{kind: k, out: in.out, p: in.p, params: in.params, args: in.args})
		op := &ops[len(ops)-1] // built in place: a jitOp is long
		if k == opGuard {
			op.guard = in.guard
		} else if e := elemOf(in.p); e != nil && in.alias < 0 {
			var sb [5][]int
			shapes := sb[:0]
			for _, a := range in.args {
				shapes = append(shapes, r.shapeOf(a))
			}
			if sa, sb, ok := elemStrides(e, shapes); ok {
				op.kind, op.elem, op.sa, op.sb = opElem, e, sa, sb
			}
		}
		if op.kind == opCall {
			if into := intoOf(r, in); into != nil {
				op.kind, op.into = opInto, into
			}
		}
		switch {
		case op.kind == opElem || op.kind == opInto:
			// Into a planned buffer, or for a result of the function a
			// new one (jitOut).
			if outRoot[in.out] {
				op.res = p.outRes(in.out)
				p.clear = append(p.clear, in.out)
			} else {
				planned[in.out] = true
				owned[in.out] = false
			}
		case op.kind == opCall && in.p == primReshape && in.alias >= 0 && planned[root[in.out]]:
			// A view of a planned buffer: its header is made with the
			// replay state (newState), pointing at the root's slot.
			op.kind = opView
			views = append(views, in.out)
		case op.kind == opCall:
			p.clear = append(p.clear, in.out)
		}
		opAt[i] = int32(len(ops) - 1)
	}
	p.code = ops
	p.plan(code, planned, last)
	for _, v := range views {
		p.slotOf[v] = p.slotOf[root[v]]
	}
	for id, l := range last {
		if l >= 0 && owned[id] {
			op := &p.code[opAt[l]]
			op.free = append(op.free, int32(id))
		}
	}
	p.reg = reg
	viewed := make([]bool, nbuf)
	for _, v := range views {
		viewed[root[v]] = true
	}
	p.code = p.fuseElems(p.code, viewed)
	p.outReg = make([]bool, len(outs))
	for i, o := range outs {
		p.outReg[i] = reg[o]
	}
	p.soleOuts(outs, root)
	return p
}

// soleOuts finds the results a replay makes for the caller alone (see
// release.go): a register's value (a new scalar) and a result computed
// into a buffer of its own (jitOut) that no other result views. It sets
// each jitOut's output index, the first one holding its buffer.
func (p *jitProg) soleOuts(outs, root []int32) {
	p.outSole = make([]bool, len(outs))
	for _, q := range p.results {
		q.idx = -1
	}
	for i, o := range outs {
		if p.outReg[i] {
			p.outSole[i] = true
			continue
		}
		q := p.results[o]
		if q == nil || root[o] != o {
			continue
		}
		if q.idx < 0 {
			q.idx = i
		}
		p.outSole[i] = true
		for _, o2 := range outs {
			if o2 != o && root[o2] == o {
				p.outSole[i] = false // another result views it
			}
		}
	}
}

// plan assigns arena slots to the planned buffers: each takes a free slot
// of its length, or a new one, when it is computed, and gives it back after
// its last use (last, by root; planned buffers are their own roots).
func (p *jitProg) plan(code []jitInstr, planned []bool, last []int32) {
	p.slotOf = make([]int32, p.nbuf)
	for i := range p.slotOf {
		p.slotOf[i] = -1
	}
	if !slices.Contains(planned, true) {
		return
	}
	free := map[int][]int32{}
	ending := make([][]int32, len(code)+1)
	for i := range code {
		in := &code[i]
		if in.guard == nil && planned[in.out] {
			n := shapeNumel(p.shape(in.out))
			var s int32
			if l := free[n]; len(l) > 0 {
				s, free[n] = l[len(l)-1], l[:len(l)-1]
			} else {
				s = int32(len(p.slotLen))
				p.slotLen = append(p.slotLen, n)
			}
			p.slotOf[in.out] = s
			e := max(int(last[in.out]), i)
			ending[e] = append(ending[e], in.out)
		}
		for _, id := range ending[i] {
			n := p.slotLen[p.slotOf[id]]
			free[n] = append(free[n], p.slotOf[id])
		}
	}
}

// outRes returns the description of result buffer id.
func (p *jitProg) outRes(id int32) *jitOut {
	if q, ok := p.results[id]; ok {
		return q
	}
	if p.results == nil {
		p.results = map[int32]*jitOut{}
	}
	q := newJitOut(p.shape(id))
	p.results[id] = q
	return q
}

// shape returns the shape of buffer id.
func (p *jitProg) shape(id int32) []int { return p.shapeTab[p.shapeOf[id]] }

func shapeNumel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
