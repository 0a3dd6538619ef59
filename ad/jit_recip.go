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
