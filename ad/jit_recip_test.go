package ad

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/gograd/gograd/ad/internal/vmath"
)

// recipOperands returns n values for the tests of recipDivs: random
// significands over exponents −300…300 (inside and outside the
// reciprocal's safe range), with special values every few elements —
// zeros of both signs, NaNs with payloads, infinities, subnormals, the
// edges 2^±250 and 2^251, powers of two, and (as divisors) significands
// next to 2, in and below the excluded sliver.
func recipOperands(r *rand.Rand, n int) *Tensor {
	specials := []float64{0, math.Copysign(0, -1), math.Float64frombits(0x7ff8000000000123),
		math.Float64frombits(0xfff0000000000456), math.Inf(1), math.Inf(-1), 5e-324, -1e-310,
		0x1p-250, -0x1p250, 0x1p251, math.Nextafter(0x1p-250, 0), 0.5, -4, 0x1p-1022,
		math.Float64frombits(0x3fffffffffffffff), math.Float64frombits(0x3ffffffffffff000),
		math.Float64frombits(0xbfffffffffffefff), math.Float64frombits(0x4ffffffffffffff0)}
	x := make([]float64, n)
	for i := range x {
		if i%7 == 3 {
			x[i] = specials[r.IntN(len(specials))]
			continue
		}
		x[i] = math.Ldexp(1+r.Float64(), r.IntN(600)-300)
		if r.IntN(2) == 0 {
			x[i] = -x[i]
		}
	}
	return New(x, n)
}

// TestJitRecipDivs checks programs whose divisions share a divisor, which
// recipDivs rewrites to divide by a reciprocal with a correction (where
// vmath.RecipPays): the replays' results must be eager's bit for bit, NaN
// payloads included, for the quotients (Div), the derivatives with respect
// to the divisor (DivGradB, alone and added to a cotangent), at lengths
// with partial blocks, on one core and two; and the rewrite must have
// happened.
func TestJitRecipDivs(t *testing.T) {
	quotients := func(xs []*Tensor) []*Tensor {
		x, y := xs[0], xs[1]
		acc := Div(x, y)
		for i := 1; i < 40; i++ {
			acc = Add(acc, Div(Mul(x, float64(i)+0.3), y))
		}
		// ∂/∂y of Σ x·c/y: DivGradB terms added up (AddNegMulDiv), and
		// one alone.
		dy := ElementwiseGrad(func(y *Tensor) *Tensor {
			s := Div(x, y)
			for i := 1; i < 40; i++ {
				s = Add(s, Div(Mul(x, float64(i)+0.7), y))
			}
			return s
		})(y)
		return []*Tensor{acc, dy, divGradB(x, Square(x), y)}
	}
	r := rand.New(rand.NewPCG(3, 4))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		for _, n := range []int{8, 13, 203, 1001} {
			checkJitCase(t, jitCase{
				name: fmt.Sprintf("n=%d GOMAXPROCS=%d", n, procs),
				f:    quotients,
				in:   func(k int) []*Tensor { return []*Tensor{recipOperands(r, n), recipOperands(r, n)} },
			})
		}
	}
	_, rec, ids := record("JitSlice", quotients, []*Tensor{recipOperands(r, 200), recipOperands(r, 200)})
	p := build(rec, ids)
	kinds := map[uint8]int{}
	his := 0
	for _, op := range p.code {
		if op.p == primRecipHi {
			his++
		}
		for _, g := range op.group {
			if g.p == primRecipHi {
				his++
			}
		}
		if op.kind == opFused {
			for _, o := range op.region.ops {
				kinds[o.kind]++
			}
		}
	}
	if vmath.RecipPays() && (his != 1 || kinds[ropDivRecip] == 0 || kinds[ropChain] == 0) {
		t.Errorf("program: %d reciprocals (want 1), %d DivRecip, %d DivGradBRecipSum", his,
			kinds[ropDivRecip], kinds[ropChain])
	}
	if !vmath.RecipPays() && his != 0 {
		t.Errorf("program: %d reciprocals where they do not pay", his)
	}
}

// TestJitDivChains checks the sums of quotients by one divisor that
// divChains turns into one DivGradBRecipSum: chains started by a value or
// by a quotient, with terms added as they are, two chains by one divisor
// interleaved, a chain cut where its divisor changes, a sum read twice
// (which ends its chain), a chain whose sum is a result, chains inside a
// fused region and alone (runChain, also over several interrupt strides),
// on one core and two; replays must be eager's bits, and the rewrite must
// have happened where it pays.
func TestJitDivChains(t *testing.T) {
	const terms = 20 // ≥ recipMinUses divisions by y
	sums := func(xs []*Tensor) []*Tensor {
		x, y, z := xs[0], xs[1], xs[2]
		q := Div(x, y)
		a := Square(x)              // chain a: started by a value
		c := divGradB(Exp(q), q, y) // chain c: started by a quotient
		e := Neg(x)                 // chain e: by y, then by z, then by y
		var mid *Tensor
		for i := 0; i < terms; i++ {
			g := Mul(x, float64(i)-4.5)
			a = Add(a, divGradB(g, q, y))
			if i%3 == 1 {
				a = Add(a, Mul(g, 0.25)) // a term added as it is
			}
			c = Add(c, divGradB(Sin(g), x, y))
			if i == terms/2 {
				mid = a // read twice: a's chain ends here and restarts from it
			}
			d := y
			if i >= terms/3 && i < 2*terms/3 {
				d = z
			}
			e = Add(e, divGradB(g, x, d))
		}
		for i := 0; i < terms; i++ {
			e = Add(e, divGradB(Mul(x, float64(i)), Cos(x), z))
		}
		return []*Tensor{Mul(a, 2.0), c, mid, Sub(a, mid), e}
	}
	// Terms read from the rows of an input: the chain stands alone
	// between operations that are not elementwise kernels.
	alone := func(xs []*Tensor) []*Tensor {
		g, q, y := xs[0], xs[1], xs[2]
		acc := divGradB(Index(g, 0), q, y)
		for i := 1; i < terms; i++ {
			acc = Add(acc, divGradB(Index(g, i), q, y))
		}
		return []*Tensor{acc}
	}
	r := rand.New(rand.NewPCG(5, 6))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		for _, n := range []int{8, 13, 203, fuseMin + 3, interruptStride + 9, 2*interruptStride + 5} {
			checkJitCase(t, jitCase{
				name: fmt.Sprintf("sums n=%d GOMAXPROCS=%d", n, procs),
				f:    sums,
				in: func(k int) []*Tensor {
					return []*Tensor{recipOperands(r, n), recipOperands(r, n), recipOperands(r, n)}
				},
			})
			checkJitCase(t, jitCase{
				name: fmt.Sprintf("alone n=%d GOMAXPROCS=%d", n, procs),
				f:    alone,
				in: func(k int) []*Tensor {
					g := make([]*Tensor, terms)
					for i := range g {
						g[i] = recipOperands(r, n)
					}
					return []*Tensor{Stack(g, 0), recipOperands(r, n), recipOperands(r, n)}
				},
			})
		}
	}
	if !vmath.RecipPays() {
		return
	}
	// The rewrite: in sums, chains in a region, with x and without; in
	// alone, one operation outside a region.
	count := func(f func([]*Tensor) []*Tensor, xs []*Tensor) (inRegion, withX, outside, plain int) {
		_, rec, ids := record("JitSlice", f, xs)
		p := build(rec, ids)
		for _, op := range p.code {
			if op.kind == opElem && op.elem.chain {
				outside++
			}
			if op.kind == opFused {
				for _, o := range op.region.ops {
					if o.kind == ropChain {
						inRegion++
						if o.a >= 0 {
							withX++
						}
						for _, id := range op.region.bufs[o.c : o.c+2*o.d] {
							if id < 0 {
								plain++
							}
						}
					}
				}
			}
		}
		return
	}
	if in, x, out, plain := count(sums, []*Tensor{recipOperands(r, 200), recipOperands(r, 200), recipOperands(r, 200)}); in < 5 || x == 0 || x == in || out != 0 || plain == 0 {
		t.Errorf("sums: %d chains in regions (%d with x, %d terms added as they are), %d outside; want at least 5 (with and without x, with such terms), none outside", in, x, plain, out)
	}
	xs := []*Tensor{Stack([]*Tensor{recipOperands(r, 200)}, 0), recipOperands(r, 200), recipOperands(r, 200)}
	xs[0] = Tile(xs[0], terms, 1)
	if in, _, out, _ := count(alone, xs); in != 0 || out != 1 {
		t.Errorf("alone: %d chains in regions, %d outside; want 0 and 1", in, out)
	}
}

// TestDivChainForward checks DivGradBRecipSum's Forward (which replays run
// only when its kernel cannot) against the Adds and DivGradBs it stands
// for, with and without x, with terms added as they are.
func TestDivChainForward(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 37
	x, g1, q1, t2, g3, q3, b := recipOperands(r, n), recipOperands(r, n), recipOperands(r, n), recipOperands(r, n), recipOperands(r, n), recipOperands(r, n), recipOperands(r, n)
	hi, lo := make([]float64, n), make([]float64, n)
	vmath.RecipHi(hi, b.data)
	vmath.RecipLo(lo, b.data, hi)
	H, L := New(hi, n), New(lo, n)
	c := &Call{Args: []*Tensor{x, g1, q1, t2, g3, q3, b, H, L}, Params: divChainParams{x: true, plain: []bool{false, true, false}}}
	got := primDivChain.Forward(c)
	want := Add(Add(Add(x, divGradB(g1, q1, b)), t2), divGradB(g3, q3, b))
	if d, err := jitDiff(want, got); err != nil || d != 0 {
		t.Fatalf("with x: differs from the Adds by %g (%v)", d, err)
	}
	c = &Call{Args: []*Tensor{g1, q1, t2, g3, q3, b, H, L}, Params: divChainParams{x: false, plain: []bool{true, false}}}
	got = primDivChain.Forward(c)
	want = Add(Add(divGradB(g1, q1, b), t2), divGradB(g3, q3, b))
	if d, err := jitDiff(want, got); err != nil || d != 0 {
		t.Fatalf("without x: differs from the Adds by %g (%v)", d, err)
	}
}
