package ad

import (
	"fmt"
	"math"
	"sync"
	"testing"
)

// The backward pass recycles the buffers of cotangents it can prove dead
// (see backward and recycle). These tests check that no recycled buffer is
// still in use: gradients stay unchanged after later computations reuse
// buffers, inputs and forward values are untouched, and every gradient is
// bit for bit the one computed without recycling. The reference is the same
// gradient computed inside an enclosing forward-mode trace: there every rule
// application is traced, so nothing is recycled, and the primal values are
// computed with the same arithmetic.

// noRecycleGrads returns f's gradients computed with recycling off.
func noRecycleGrads(f func([]*Tensor) *Tensor, xs []*Tensor) []*Tensor {
	out := make([]*Tensor, len(xs))
	for i := range xs {
		// Box xs[i] at a forward trace (tangent zero) and record the primal
		// values of the gradients.
		JVP(func(xi *Tensor) *Tensor {
			ys := append([]*Tensor{}, xs...)
			ys[i] = xi
			gs := GradSlice(f)(ys)
			for j, g := range gs {
				if j == i || out[j] == nil {
					out[j] = plain(g)
				}
			}
			return gs[0]
		})(xs[i], ZerosLike(xs[i]))
	}
	return out
}

func bitsEqual(a, b *Tensor) bool {
	if !sameShape(a.shape, b.shape) || len(a.data) != len(b.data) {
		return false
	}
	for i := range a.data {
		if math.Float64bits(a.data[i]) != math.Float64bits(b.data[i]) && !(math.IsNaN(a.data[i]) && math.IsNaN(b.data[i])) {
			return false
		}
	}
	return true
}

func recycleCases() []struct {
	name string
	f    func([]*Tensor) *Tensor
	xs   []*Tensor
} {
	r := NewRNG(11)
	const batch, in, hidden, steps = 16, 12, 32, 6
	xs := make([]*Tensor, steps)
	for t := range xs {
		xs[t] = r.Normal(batch, in)
	}
	b := Mul(r.Normal(hidden), 0.1)
	big := r.Normal(40, 50)
	tall := r.Normal(400, 30)
	labels := Greater(r.Normal(400), 0.0)
	return []struct {
		name string
		f    func([]*Tensor) *Tensor
		xs   []*Tensor
	}{
		{"rnn", func(w []*Tensor) *Tensor {
			h := Zeros(batch, hidden)
			for _, x := range xs {
				h = Tanh(Add(Add(MatMul(x, w[0]), MatMul(h, w[1])), w[2]))
			}
			return Sum(Square(h))
		}, []*Tensor{Mul(r.Normal(in, hidden), 0.3), Mul(r.Normal(hidden, hidden), 0.15), b}},
		{"views-and-reuse", func(w []*Tensor) *Tensor {
			x := w[0]
			y := Reshape(Mul(x, x), 50, 40)
			z := Transpose(y)
			s := Add(Sum(Mul(z, x)), Sum(Exp(Mul(y, 0.01))))
			return Add(s, Sum(Div(x, Add(Square(x), 1.0))))
		}, []*Tensor{big}},
		{"identity-and-broadcast", func(w []*Tensor) *Tensor {
			x, v := w[0], w[1]
			return Add(Sum(x), Sum(Mul(Add(x, v), v)))
		}, []*Tensor{r.Normal(30, 20), r.Normal(20)}},
		{"mlp", func(w []*Tensor) *Tensor {
			h := Tanh(Add(MatMul(big, w[0]), w[1]))
			z := MatMul(h, w[2])
			lse := LogSumExpKeepDims(z, 1)
			return Neg(Sum(Sub(z, lse)))
		}, []*Tensor{Mul(r.Normal(50, 64), 0.1), Zeros(64), Mul(r.Normal(64, 10), 0.1)}},
		{"grad-of-grad", func(w []*Tensor) *Tensor {
			inner := func(x *Tensor) *Tensor {
				h := Tanh(MatMul(big, Reshape(x, 50, 4)))
				return Add(Sum(Square(h)), Sum(Mul(Sin(x), x)))
			}
			g := Grad(inner)(w[0])
			return Sum(Mul(g, g))
		}, []*Tensor{r.Normal(200)}},
		// Add hands one cotangent buffer to two leaves: both gradients
		// share it and it must never be recycled.
		{"shared-leaves", func(w []*Tensor) *Tensor {
			return Sum(Square(Tanh(Add(w[0], w[1]))))
		}, []*Tensor{r.Normal(20, 15), r.Normal(20, 15)}},
		// u's slot first shares t's buffer with w's slot, then gets a
		// fresh contribution from Exp: it must add into the fresh one,
		// not into the buffer w still reads.
		{"shared-then-fresh", func(w []*Tensor) *Tensor {
			x := w[0]
			u, v := Sin(x), Cos(x)
			e := Exp(u)
			t := Add(u, v)
			return Sum(Mul(t, e))
		}, []*Tensor{r.Normal(300)}},
		// One node used twice by Add (both edges share the buffer) and a
		// fan-out through Sub and Reshape views.
		{"fan-out-views", func(w []*Tensor) *Tensor {
			h := Tanh(w[0])
			d := Add(h, h)
			s := Sub(Reshape(d, 30, 10), Reshape(Mul(h, h), 30, 10))
			return Add(Sum(Square(s)), Sum(Mul(Reshape(s, 300), h)))
		}, []*Tensor{r.Normal(300)}},
		// Sum's and Mean's cotangents are passed on unbroadcast (lazily)
		// through elementwise rules; every way out of that state is
		// exercised: an elementwise rule (LogAddExp, Sub's Neg, Mul),
		// accumulation, a leaf, MatMul, an argument broadcast in the
		// forward pass, and a LogAddExp whose g has many elements.
		{"mean-logaddexp", func(w []*Tensor) *Tensor {
			z := MatMul(tall, w[0])
			return Mean(Sub(LogAddExp(0.0, z), Mul(labels, z)))
		}, []*Tensor{Mul(r.Normal(30), 0.3)}},
		{"lazy-sum-paths", func(w []*Tensor) *Tensor {
			x, row := w[0], w[1]
			a := Add(Mul(x, row), Tanh(x))               // row broadcast in the forward pass
			s1 := Sum(Sigmoid(a), 0)                     // g (1, 20) lazy to (30, 20)
			s2 := Mean(Sub(Exp(Mul(x, 0.1)), Square(a))) // one-element g
			s3 := Sum(x)                                 // straight to the leaf, then accumulated
			s4 := Sum(MatMul(x, Transpose(x)))           // MatMul materializes
			s5 := Sum(LogAddExp(x, Mul(x, 0.5)), 1)      // LogAddExp with a (30, 1) g
			s6 := Sum(Add(x, row), 0)                    // lazy g meets a broadcast argument
			s7 := Add(Mean(Mul(Tanh(x), row)), Mean(Add(x, Reshape(row, 1, 20))))
			return Add(Add(Add(Sum(Mul(s1, s1)), s2), Add(s3, Mul(s4, 0.001))), Add(Add(Sum(s5), Sum(Square(s6))), s7))
		}, []*Tensor{r.Normal(30, 20), r.Normal(20)}},
		{"lazy-to-leaf", func(w []*Tensor) *Tensor {
			return Mean(w[0])
		}, []*Tensor{r.Normal(300)}},
		{"sin-cos-sigmoid-log", func(w []*Tensor) *Tensor {
			x := w[0]
			return Sum(Mul(Sigmoid(Sin(x)), Log(Add(Sqrt(Square(Cos(x))), 1.0))))
		}, []*Tensor{r.Normal(300)}},
	}
}

func TestBackwardRecycling(t *testing.T) {
	t.Parallel()
	for _, tc := range recycleCases() {
		t.Run(tc.name, func(t *testing.T) {
			inputs := make([]*Tensor, len(tc.xs))
			for i, x := range tc.xs {
				inputs[i] = New(x.Data(), x.Shape()...)
			}
			want := noRecycleGrads(tc.f, tc.xs)
			g := GradSlice(tc.f)
			first := g(tc.xs)
			copies := make([]*Tensor, len(first))
			for i, gi := range first {
				copies[i] = New(gi.Data(), gi.Shape()...)
			}
			for round := 0; round < 4; round++ {
				again := g(tc.xs)
				for i := range again {
					if !bitsEqual(again[i], want[i]) {
						t.Fatalf("round %d: gradient %d differs from the one computed without recycling", round, i)
					}
				}
			}
			for i := range first {
				if !bitsEqual(first[i], copies[i]) {
					t.Fatalf("gradient %d changed after later computations (its buffer was recycled)", i)
				}
				if !bitsEqual(first[i], want[i]) {
					t.Fatalf("gradient %d differs from the one computed without recycling", i)
				}
			}
			for i, x := range tc.xs {
				if !bitsEqual(x, inputs[i]) {
					t.Fatalf("input %d was modified", i)
				}
			}
		})
	}
}

// TestBackwardRecyclingConcurrent runs backward passes that recycle buffers
// from several goroutines at once (run it with -race).
func TestBackwardRecyclingConcurrent(t *testing.T) {
	t.Parallel()
	cases := recycleCases()
	wants := make([][]*Tensor, len(cases))
	for k, tc := range cases {
		wants[k] = noRecycleGrads(tc.f, tc.xs)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(cases))
	for w := 0; w < 4; w++ {
		for k, tc := range cases {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for round := 0; round < 3; round++ {
					gs := GradSlice(tc.f)(tc.xs)
					for i := range gs {
						if !bitsEqual(gs[i], wants[k][i]) {
							errs <- fmt.Errorf("%s: gradient %d differs", tc.name, i)
							return
						}
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestRecycleRNNAgainstLoops checks the RNN gradient, whose backward pass
// recycles most of its buffers, against plain loops.
func TestRecycleRNNAgainstLoops(t *testing.T) {
	t.Parallel()
	tc := recycleCases()[0]
	gs := GradSlice(tc.f)(tc.xs)
	w0, w1, b := tc.xs[0], tc.xs[1], tc.xs[2]
	in, hidden := w0.shape[0], w0.shape[1]
	r := NewRNG(11)
	const batch, steps = 16, 6
	xs := make([]*Tensor, steps)
	for s := range xs {
		xs[s] = r.Normal(batch, in)
	}
	hs := [][]float64{make([]float64, batch*hidden)}
	for s := 0; s < steps; s++ {
		h, prev := make([]float64, batch*hidden), hs[len(hs)-1]
		for i := 0; i < batch; i++ {
			for j := 0; j < hidden; j++ {
				v := b.data[j]
				for k := 0; k < in; k++ {
					v += xs[s].data[i*in+k] * w0.data[k*hidden+j]
				}
				for k := 0; k < hidden; k++ {
					v += prev[i*hidden+k] * w1.data[k*hidden+j]
				}
				h[i*hidden+j] = math.Tanh(v)
			}
		}
		hs = append(hs, h)
	}
	g0, g1, gb := make([]float64, in*hidden), make([]float64, hidden*hidden), make([]float64, hidden)
	gh := make([]float64, batch*hidden)
	for i, v := range hs[steps] {
		gh[i] = 2 * v
	}
	for s := steps - 1; s >= 0; s-- {
		h, prev := hs[s+1], hs[s]
		ga := make([]float64, batch*hidden)
		for i := range ga {
			ga[i] = gh[i] * (1 - h[i]*h[i])
		}
		next := make([]float64, batch*hidden)
		for i := 0; i < batch; i++ {
			for j := 0; j < hidden; j++ {
				gb[j] += ga[i*hidden+j]
				for k := 0; k < in; k++ {
					g0[k*hidden+j] += xs[s].data[i*in+k] * ga[i*hidden+j]
				}
				for k := 0; k < hidden; k++ {
					g1[k*hidden+j] += prev[i*hidden+k] * ga[i*hidden+j]
					next[i*hidden+k] += ga[i*hidden+j] * w1.data[k*hidden+j]
				}
			}
		}
		gh = next
	}
	for k, want := range [][]float64{g0, g1, gb} {
		for i, v := range want {
			if got := gs[k].data[i]; math.Abs(got-v) > 1e-12*(1+math.Abs(v)) {
				t.Fatalf("gradient %d [%d]: got %v, want %v", k, i, got, v)
			}
		}
	}
}

// TestRecycleSecondOrder checks reverse-over-reverse, where the inner
// backward pass runs on values traced by the outer one (whose graph keeps
// the inner cotangents, so they must not be recycled), against
// forward-over-reverse: ∇ Σ(∇f)² = 2·H·∇f.
func TestRecycleSecondOrder(t *testing.T) {
	t.Parallel()
	r := NewRNG(12)
	a := r.Normal(50, 50)
	inner := func(x *Tensor) *Tensor {
		h := Tanh(MatMul(Mul(a, 0.1), Reshape(x, 50, 4)))
		return Add(Sum(Square(h)), Sum(Mul(Sin(x), x)))
	}
	w := r.Normal(200)
	f := func(x *Tensor) *Tensor {
		g := Grad(inner)(x)
		return Sum(Mul(g, g))
	}
	for round := 0; round < 3; round++ {
		got := Grad(f)(w)
		g := Grad(inner)(w)
		_, hg := JVP(Grad(inner))(w, g)
		for i := range got.data {
			want := 2 * hg.data[i]
			if math.Abs(got.data[i]-want) > 1e-10*(1+math.Abs(want)) {
				t.Fatalf("round %d [%d]: got %v, want %v", round, i, got.data[i], want)
			}
		}
	}
}

// TestRecycleUserPrimitive checks that the cotangents of a user-defined
// primitive, whose rules may return any tensor, are never added into or
// recycled.
func TestRecycleUserPrimitive(t *testing.T) {
	t.Parallel()
	const n = 300
	fixed := Full(0.25, n)
	p := &Primitive{
		Name:    "Fixed",
		Forward: func(c *Call) *Tensor { return New(c.Args[0].Data()) },
		VJP:     []VJPRule{func(g *Tensor, c *Call) *Tensor { return fixed }},
	}
	f := func(x *Tensor) *Tensor {
		return Add(Sum(p.Apply(nil, x)), Add(Sum(p.Apply(nil, x)), Sum(Mul(x, x))))
	}
	x := Linspace(-1, 1, n)
	for round := 0; round < 3; round++ {
		g := Grad(f)(x)
		for i, v := range g.data {
			if want := 0.5 + 2*x.data[i]; math.Abs(v-want) > 1e-15 {
				t.Fatalf("round %d: gradient [%d] = %v, want %v", round, i, v, want)
			}
		}
		for i, v := range fixed.data {
			if v != 0.25 {
				t.Fatalf("round %d: the tensor returned by the user's rule was modified at %d: %v", round, i, v)
			}
		}
	}
}

// TestRecycleKeepsUserIntermediates checks that values the differentiated
// function keeps (forward results, read after the trace ended) are never
// recycled by the backward pass or later passes.
func TestRecycleKeepsUserIntermediates(t *testing.T) {
	t.Parallel()
	r := NewRNG(13)
	x := r.Normal(40, 20)
	w := r.Normal(20, 30)
	var kept []*Tensor
	f := func(w *Tensor) *Tensor {
		a := MatMul(x, w)
		h := Tanh(a)
		s := Sub(h, Mul(a, 0.5))
		kept = append(kept[:0], a, h, s)
		return Mean(Add(LogAddExp(0.0, s), Neg(s)))
	}
	want := []*Tensor{MatMul(x, w), Tanh(MatMul(x, w))}
	want = append(want, Sub(want[1], Mul(want[0], 0.5)))
	g := Grad(f)
	g0 := g(w)
	held := append([]*Tensor{}, kept...)
	for round := 0; round < 4; round++ {
		g(w) // recycles buffers of its own pass
		for i, k := range held {
			if !bitsEqual(plain(k), want[i]) {
				t.Fatalf("round %d: intermediate %d changed after later backward passes", round, i)
			}
		}
	}
	if again := g(w); !bitsEqual(again, g0) {
		t.Fatalf("gradient changed between calls")
	}
}
