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
// acc read only by the next Add, with other terms added in between
// (acc = Add(acc, t)). divChains replaces each such chain of Adds, of two
// terms or more, by one instruction
// DivGradBRecipSum(x, terms…, b, hi, lo) — a term is g, q for a quotient
// read only by its Add, or t for any other — without x when a
// DivGradBRecip read only by the first Add starts it, placed where the
// chain's last Add was. Its kernel (vmath.AddNegMulDivRecipChain) keeps
// acc in a register over the terms and loads b, hi and lo once per block,
// with the bits of the Adds and divisions one after the other (the same
// operations, in the same order). The terms' operands stay live until the
// chain runs; the intermediate sums are never stored. A chain without a
// quotient is a sum all the same (its b, hi and lo are any operand, not
// used).

// primDivChain is the primitive of those sums (only programs contain it).
var primDivChain *Primitive

// divChainParams is DivGradBRecipSum's parameter: whether args[0] is x,
// and which terms are added as they are (one argument; a quotient takes
// two), the chain's start excluded.
type divChainParams struct {
	x     bool
	plain []bool
}

// chainTerms returns the buffers of a DivGradBRecipSum's arguments args:
// x (-1 without), the terms' g and q (q -1 for a term added as it is),
// and b, hi and lo.
func chainTerms(args []int32, p divChainParams) (x int32, gq []int32, b, hi, lo int32) {
	n := len(args)
	b, hi, lo = args[n-3], args[n-2], args[n-1]
	rest := args[:n-3]
	x = -1
	if p.x {
		x, rest = rest[0], rest[1:]
	} else {
		gq = append(gq, rest[0], rest[1])
		rest = rest[2:]
	}
	for _, plain := range p.plain {
		if plain {
			gq, rest = append(gq, rest[0], -1), rest[1:]
		} else {
			gq, rest = append(gq, rest[0], rest[1]), rest[2:]
		}
	}
	return
}

func init() {
	divChainForward := func(c *Call) *Tensor {
		x, gq, b, hi, lo := chainTerms(callIDs(len(c.Args)), c.Params.(divChainParams))
		var xs []float64
		if x >= 0 {
			xs = c.Args[x].data
		}
		ts := make([][]float64, len(gq))
		for i, a := range gq {
			if a >= 0 {
				ts[i] = c.Args[a].data
			}
		}
		bt := c.Args[b]
		out := newResult("DivGradBRecipSum", bt.shape, len(bt.data))
		vmath.AddNegMulDivRecipChain(out.data, xs, ts, bt.data, c.Args[hi].data, c.Args[lo].data)
		return out
	}
	primDivChain = &Primitive{Name: "DivGradBRecipSum", Forward: divChainForward}
	elemKernels.Store(funcAddr(divChainForward), &elemKernel{op: "DivGradBRecipSum", chain: true})
}

// callIDs returns 0, 1, …, n−1 (for chainTerms on a Call's arguments).
func callIDs(n int) []int32 {
	ids := make([]int32, n)
	for i := range ids {
		ids[i] = int32(i)
	}
	return ids
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

// divChains rewrites the chains above.
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
	// step[i] tells that code[i] is an Add of two same-shaped operands
	// into a result of their shape (a step of a chain); term[i] is then 1
	// + the DivGradBRecip it adds (read by it only), 0 for another term.
	step := make([]bool, len(code))
	term := make([]int32, len(code))
	nquot := 0
	for i := range code {
		in := &code[i]
		if in.p != primAdd || in.guard != nil || in.alias >= 0 || len(in.args) != 2 || in.args[0] == in.args[1] {
			continue
		}
		x, t := in.args[0], in.args[1]
		shape := r.shapeOf(in.out)
		if !sameShape(r.shapeOf(x), shape) || !sameShape(r.shapeOf(t), shape) || shapeNumel(shape) < regionMin ||
			shortLastChunk(shapeNumel(shape)) {
			continue
		}
		step[i] = true
		if j := quot(t); j >= 0 {
			term[i] = int32(j + 1)
			nquot++
		}
	}
	if nquot == 0 {
		return code
	}
	divisor := func(j int) int32 { return code[j].args[2] }
	// next[k]: 1 + the step adding to the result of step k (read by it
	// only); first[i]: step i adds to no other step's result.
	next := make([]int32, len(code))
	first := make([]bool, len(code))
	for i := range code {
		if !step[i] {
			continue
		}
		x := code[i].args[0]
		if k := prod[x] - 1; k >= 0 && uses[x] == 1 && step[k] {
			next[k] = int32(i + 1)
		} else {
			first[i] = true
		}
	}
	drop := make([]bool, len(code))
	at := map[int]jitInstr{} // the sum instructions, by the position of their chain's last Add
	var seg []int            // the steps of the segment being collected
	// emit turns seg, whose quotients divide by b (-1: it has none), into
	// a sum when it has two terms or more (counting a quotient that starts
	// it), else leaves it as it is.
	emit := func(b int32) {
		defer func() { seg = seg[:0] }()
		i := seg[0]
		h := -1 // a DivGradBRecip by b read only by the first Add, which starts the sum
		if k := quot(code[i].args[0]); k >= 0 && (b < 0 || divisor(k) == b) {
			h = k
		}
		if len(seg) < 2 && h < 0 {
			return
		}
		params := divChainParams{x: h < 0, plain: make([]bool, len(seg))}
		args := make([]int32, 0, 2*len(seg)+5)
		if h < 0 {
			args = append(args, code[i].args[0])
		} else {
			args = append(args, code[h].args[0], code[h].args[1])
			drop[h] = true
		}
		var d *jitInstr
		for n, k := range seg {
			drop[k] = true
			if term[k] == 0 {
				params.plain[n] = true
				args = append(args, code[k].args[1])
				continue
			}
			d = &code[term[k]-1]
			args = append(args, d.args[0], d.args[1])
			drop[term[k]-1] = true
		}
		if d == nil && h >= 0 {
			d = &code[h]
		}
		if d != nil {
			args = append(args, d.args[2], d.args[3], d.args[4])
		} else {
			// No quotient: b, hi and lo are loaded but not used.
			t := code[i].args[1]
			args = append(args, t, t, t)
		}
		last := seg[len(seg)-1]
		at[last] = jitInstr{p: primDivChain, params: params, args: args, out: code[last].out, alias: -1}
	}
	for i := range code {
		if !step[i] || !first[i] {
			continue
		}
		// Follow the chain, cut into segments of one divisor.
		b := int32(-1)
		for k := i; ; k = int(next[k] - 1) {
			if term[k] != 0 {
				if d := divisor(int(term[k] - 1)); b >= 0 && d != b {
					emit(b)
					b = d
				} else {
					b = d
				}
			}
			seg = append(seg, k)
			if next[k] == 0 {
				break
			}
		}
		emit(b)
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
