package ad

import "github.com/gograd/gograd/ad/internal/vmath"

// Divisions by a shared divisor. The derivatives of a quotient divide
// again and again by its denominator (W1: 1280 divisions per value by one
// buffer). recipDivs gives such a divisor b, used by at least recipMinUses
// divisions, a reciprocal computed once per replay — hi = 1/b and lo, the
// instructions RecipHi(b) and RecipLo(b, hi) inserted before its first
// division — and rewrites those divisions into DivRecip(a, b, hi, lo) and
// DivGradBRecip(g, q, b, hi, lo), whose kernels (vmath's DivRecip,
// NegMulDivRecip and AddNegMulDivRecip) give the bits of the division
// kernels they replace, NaN payloads included: quotients from the
// reciprocal with an exact correction where that is proven to round as the
// division does, and by VDIVPD elsewhere (vmath/recip.go). Only where
// vmath.RecipPays: with AVX-512, whose kernels keep the divider busy with
// half of the blocks while the FMA units correct the other half.

// recipMinUses is the number of same-shaped divisions by one buffer from
// which recipDivs computes its reciprocal. On 200 values (Zen 4) the
// reciprocal costs 84 ns (RecipHi 62, RecipLo 22) and each division by it
// saves about 9 (AddNegMulDiv: 53 against 63 ns), so ten uses pay it back;
// sixteen leave a margin.
const recipMinUses = 16

// Primitives of the rewritten divisions; only programs contain them.
var (
	primRecipHi       *Primitive
	primRecipLo       *Primitive
	primDivRecip      *Primitive
	primDivGradBRecip *Primitive
)

func init() {
	recipHiForward := func(c *Call) *Tensor {
		b := c.Args[0]
		out := newResult("RecipHi", b.shape, len(b.data))
		vmath.RecipHi(out.data, b.data)
		return out
	}
	recipLoForward := func(c *Call) *Tensor {
		b, hi := c.Args[0], c.Args[1]
		out := newResult("RecipLo", b.shape, len(b.data))
		vmath.RecipLo(out.data, b.data, hi.data)
		return out
	}
	divRecipForward := func(c *Call) *Tensor {
		a, b, hi, lo := c.Args[0], c.Args[1], c.Args[2], c.Args[3]
		out := newResult("DivRecip", a.shape, len(a.data))
		vmath.DivRecip(out.data, a.data, b.data, hi.data, lo.data)
		return out
	}
	divGradBRecipForward := func(c *Call) *Tensor {
		g, q, b, hi, lo := c.Args[0], c.Args[1], c.Args[2], c.Args[3], c.Args[4]
		out := newResult("DivGradBRecip", g.shape, len(g.data))
		vmath.NegMulDivRecip(out.data, g.data, q.data, b.data, hi.data, lo.data)
		return out
	}
	primRecipHi = &Primitive{Name: "RecipHi", Forward: recipHiForward}
	primRecipLo = &Primitive{Name: "RecipLo", Forward: recipLoForward}
	primDivRecip = &Primitive{Name: "DivRecip", Forward: divRecipForward}
	primDivGradBRecip = &Primitive{Name: "DivGradBRecip", Forward: divGradBRecipForward}
	elemKernels.Store(funcAddr(recipHiForward), &elemKernel{op: "RecipHi", k1: vmath.RecipHi})
	elemKernels.Store(funcAddr(recipLoForward), &elemKernel{op: "RecipLo",
		k2: func(dst, b, hi []float64, _, _ int) { vmath.RecipLo(dst, b[:len(dst)], hi[:len(dst)]) }})
	elemKernels.Store(funcAddr(divRecipForward), &elemKernel{op: "DivRecip", k4: vmath.DivRecip})
	elemKernels.Store(funcAddr(divGradBRecipForward), &elemKernel{op: "DivGradBRecip", k5: vmath.NegMulDivRecip})
}

// recipDivisor returns the divisor of in when in is a division that
// recipDivs may rewrite (Div or DivGradB on operands of one shape, of at
// least regionMin values), or -1.
func recipDivisor(r *jitRec, in *jitInstr) int32 {
	if in.guard != nil || in.alias >= 0 {
		return -1
	}
	var b int32
	switch {
	case in.p == primDiv && len(in.args) == 2:
		b = in.args[1]
	case in.p == primDivGradB && len(in.args) == 3:
		b = in.args[2]
	default:
		return -1
	}
	shape := r.shapeOf(b)
	if shapeNumel(shape) < regionMin {
		return -1
	}
	for _, a := range in.args {
		if !sameShape(r.shapeOf(a), shape) {
			return -1
		}
	}
	return b
}

// recipDivs rewrites the divisions by divisors used at least recipMinUses
// times (see above).
func recipDivs(r *jitRec, code []jitInstr) []jitInstr {
	if !vmath.RecipPays() {
		return code
	}
	uses := make([]int32, len(r.bufs))
	shared, rewrites := 0, 0 // divisors with enough uses, their divisions
	for i := range code {
		if b := recipDivisor(r, &code[i]); b >= 0 {
			if uses[b]++; uses[b] == recipMinUses {
				shared++
			}
		}
	}
	if shared == 0 {
		return code
	}
	for _, n := range uses {
		if n >= recipMinUses {
			rewrites += int(n)
		}
	}
	// recip[b] holds hi and lo once inserted; the new argument lists are
	// carved from one slab.
	recip := map[int32][2]int32{}
	slab := make([]int32, 0, 5*rewrites+3*shared)
	args := func(a ...int32) []int32 {
		slab = append(slab, a...)
		return slab[len(slab)-len(a) : len(slab) : len(slab)]
	}
	out := make([]jitInstr, 0, len(code)+2*shared)
	for i := range code {
		in := code[i]
		b := recipDivisor(r, &in)
		if b < 0 || uses[b] < recipMinUses {
			out = append(out, in)
			continue
		}
		hl, ok := recip[b]
		if !ok {
			shape := r.shapeOf(b)
			hl = [2]int32{r.newBuf(bufValue, shape, 0), r.newBuf(bufValue, shape, 0)}
			out = append(out,
				jitInstr{p: primRecipHi, args: args(b), out: hl[0], alias: -1},
				jitInstr{p: primRecipLo, args: args(b, hl[0]), out: hl[1], alias: -1})
			recip[b] = hl
		}
		if in.p == primDiv {
			in.p, in.args = primDivRecip, args(in.args[0], b, hl[0], hl[1])
		} else {
			in.p, in.args = primDivGradBRecip, args(in.args[0], in.args[1], b, hl[0], hl[1])
		}
		out = append(out, in)
	}
	return out
}

// Sums of quotients by one divisor. The cotangent of a quotient's divisor
// is a sum over the quotient's uses, and the backward pass accumulates it
// one term at a time: acc = Add(acc, DivGradBRecip(g, q, b, hi, lo)), each
// acc read only by the next Add (W1: one such chain of 358 terms, 80 of
// two or more holding 901 of its 1 247 divisions). divChains replaces each
// chain by one instruction DivGradBRecipSum(x, g₁, q₁, …, g_k, q_k, b, hi,
// lo) (without x when a DivGradBRecip read only by the first Add starts
// it), placed where the chain's last Add was: its kernel
// (vmath.AddNegMulDivRecipChain) keeps acc in a register over the terms
// and loads b, hi and lo once per block, with the bits of the Adds and
// divisions one after the other (the same operations, in the same order).
// The terms' operands stay live until the chain runs; the intermediate
// sums are never stored.

// primDivChain is the primitive of those sums (only programs contain it);
// its parameter tells whether the first argument is x.
var primDivChain *Primitive

// divChainParams is DivGradBRecipSum's parameter: whether args[0] is x.
type divChainParams struct{ x bool }

func init() {
	divChainForward := func(c *Call) *Tensor {
		a := c.Args
		n := len(a)
		b, hi, lo := a[n-3], a[n-2], a[n-1]
		pairs := a[:n-3]
		var x []float64
		if c.Params.(divChainParams).x {
			x, pairs = a[0].data, a[1:n-3]
		}
		gq := make([][]float64, len(pairs))
		for i, t := range pairs {
			gq[i] = t.data
		}
		out := newResult("DivGradBRecipSum", b.shape, len(b.data))
		vmath.AddNegMulDivRecipChain(out.data, x, gq, b.data, hi.data, lo.data)
		return out
	}
	primDivChain = &Primitive{Name: "DivGradBRecipSum", Forward: divChainForward}
	elemKernels.Store(funcAddr(divChainForward), &elemKernel{op: "DivGradBRecipSum", chain: true})
}

// shortLastChunk tells whether eager kernels on n values end with a block
// shorter than vecMin (they run in blocks of interruptStride: parallelFor),
// which Add computes by a Go loop rather than vmath's kernel. Its NaN
// payloads can differ from the kernel's, where the compiler orders the
// operands otherwise (seen under -race), so such lengths keep their
// separate Adds.
func shortLastChunk(n int) bool {
	return n > interruptStride && n%interruptStride != 0 && n%interruptStride < vecMin
}

// divChains rewrites the chains above, of at least two quotients.
func divChains(r *jitRec, code []jitInstr, outs []int32) []jitInstr {
	if primDivGradBRecip == nil || !vmath.RecipPays() {
		return code
	}
	nbuf := len(r.bufs)
	uses := make([]int32, nbuf)
	prod := make([]int32, nbuf) // 1 + the instruction computing a buffer, 0 for none
	for i := range code {
		in := &code[i]
		if in.guard != nil {
			uses[in.out]++
			continue
		}
		for _, a := range in.args {
			uses[a]++
		}
		prod[in.out] = int32(i + 1)
	}
	for _, o := range outs {
		uses[o]++
	}
	// quot returns the instruction computing id when it is a DivGradBRecip
	// read only once, -1 otherwise.
	quot := func(id int32) int {
		if j := prod[id] - 1; j >= 0 && uses[id] == 1 && code[j].p == primDivGradBRecip {
			return int(j)
		}
		return -1
	}
	// term[i] is 1 + the DivGradBRecip that the Add code[i] adds to its
	// first operand, 0 when code[i] is no such Add.
	term := make([]int32, len(code))
	nterms := 0
	for i := range code {
		in := &code[i]
		if in.p != primAdd || in.guard != nil || in.alias >= 0 || len(in.args) != 2 || in.args[0] == in.args[1] {
			continue
		}
		x, t := in.args[0], in.args[1]
		j := quot(t)
		if j < 0 || !sameShape(r.shapeOf(x), r.shapeOf(t)) || !sameShape(r.shapeOf(in.out), r.shapeOf(t)) ||
			shortLastChunk(shapeNumel(r.shapeOf(t))) {
			continue
		}
		term[i] = int32(j + 1)
		nterms++
	}
	if nterms == 0 {
		return code
	}
	divisor := func(j int) int32 { return code[j].args[2] }
	// prev[i]: the Add before code[i] in its chain (1 + index), or, as
	// -(1 + index), the DivGradBRecip starting it.
	prev := make([]int32, len(code))
	next := make([]int32, len(code)) // 1 + the next Add of the chain
	for i := range code {
		if term[i] == 0 {
			continue
		}
		x, b := code[i].args[0], divisor(int(term[i]-1))
		k := prod[x] - 1
		if k < 0 || uses[x] != 1 {
			continue
		}
		switch {
		case term[k] != 0 && divisor(int(term[k]-1)) == b:
			prev[i], next[k] = k+1, int32(i+1)
		case code[k].p == primDivGradBRecip && divisor(int(k)) == b:
			prev[i] = -(k + 1)
		}
	}
	drop := make([]bool, len(code))
	at := map[int]jitInstr{} // the sum instructions, by the position of their chain's last Add
	for i := range code {
		if term[i] == 0 || prev[i] > 0 || next[i] == 0 && prev[i] == 0 {
			continue // not the first Add of a chain of two quotients or more
		}
		d := &code[term[i]-1]
		args := make([]int32, 0, 8)
		params := divChainParams{x: prev[i] == 0}
		if params.x {
			args = append(args, code[i].args[0])
		} else {
			h := int(-prev[i] - 1)
			args = append(args, code[h].args[0], code[h].args[1])
			drop[h] = true
		}
		last := i
		for k := i; ; k = int(next[k] - 1) {
			t := &code[term[k]-1]
			args = append(args, t.args[0], t.args[1])
			drop[k], drop[term[k]-1] = true, true
			last = k
			if next[k] == 0 {
				break
			}
		}
		args = append(args, d.args[2], d.args[3], d.args[4])
		at[last] = jitInstr{p: primDivChain, params: params, args: args, out: code[last].out, alias: -1}
	}
	out := code[:0]
	for i := range code {
		if s, ok := at[i]; ok {
			out = append(out, s)
			continue
		}
		if !drop[i] {
			out = append(out, code[i])
		}
	}
	return out
}
