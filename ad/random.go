package ad

import (
	"math"
	"math/rand/v2"
	"sync"
)

// RNG is a seeded random number generator producing tensors. Two generators
// made with the same seed produce the same sequence of values, on every
// platform and Go version that keeps math/rand/v2's PCG and its normal
// sampler unchanged. An RNG is safe for concurrent use; the order in which
// concurrent calls draw their values is then unspecified.
//
// There is no global generator: a notebook makes one (rng := ad.NewRNG(0))
// and passes it where randomness is needed, so every run is reproducible.
type RNG struct {
	mu sync.Mutex
	r  *rand.Rand
}

// pcgStream is the second PCG seed word, fixed so that one uint64 names a
// generator.
const pcgStream = 0x9e3779b97f4a7c15

// NewRNG returns a generator seeded with seed (a PCG generator from
// math/rand/v2).
func NewRNG(seed uint64) *RNG {
	return &RNG{r: rand.New(rand.NewPCG(seed, pcgStream))}
}

// Normal returns a tensor of the given shape whose elements are independent
// standard normal samples (mean 0, standard deviation 1). Normal() is a
// scalar. It panics with ErrShape for a negative dimension and with
// ErrMemory when the result would not fit in available memory.
func (g *RNG) Normal(shape ...int) *Tensor {
	noteImpure("RNG.Normal")
	d := alloc("RNG.Normal", shapeSize("RNG.Normal", shape))
	g.mu.Lock()
	defer g.mu.Unlock()
	for i := range d {
		if i%interruptStride == interruptStride-1 {
			checkInterrupt("RNG.Normal")
		}
		d[i] = g.r.NormFloat64()
	}
	return newRaw(append([]int{}, shape...), d)
}

// Uniform returns a tensor of the given shape whose elements are independent
// samples uniform on [lo, hi) (on (hi, lo] when hi < lo, as numpy allows).
// It panics with ErrArgument when lo or hi is not finite, and like Normal
// for a bad shape.
func (g *RNG) Uniform(lo, hi float64, shape ...int) *Tensor {
	noteImpure("RNG.Uniform")
	if math.IsNaN(lo) || math.IsInf(lo, 0) || math.IsNaN(hi) || math.IsInf(hi, 0) {
		panic(errorf(ErrArgument, "RNG.Uniform", "bounds %g and %g must be finite", lo, hi))
	}
	d := alloc("RNG.Uniform", shapeSize("RNG.Uniform", shape))
	g.mu.Lock()
	defer g.mu.Unlock()
	w := hi - lo
	for i := range d {
		if i%interruptStride == interruptStride-1 {
			checkInterrupt("RNG.Uniform")
		}
		d[i] = lo + w*g.r.Float64()
	}
	return newRaw(append([]int{}, shape...), d)
}

// Perm returns a random permutation of 0, 1, …, n-1. It panics with
// ErrArgument for n < 0.
func (g *RNG) Perm(n int) []int {
	noteImpure("RNG.Perm")
	if n < 0 {
		panic(errorf(ErrArgument, "RNG.Perm", "negative length %d", n))
	}
	checkAlloc("RNG.Perm", n)
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.r.Perm(n)
}

// Intn returns a uniform random integer in [0, n). It panics with
// ErrArgument for n <= 0.
func (g *RNG) Intn(n int) int {
	noteImpure("RNG.Intn")
	if n <= 0 {
		panic(errorf(ErrArgument, "RNG.Intn", "n = %d, want n > 0", n))
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.r.IntN(n)
}

// Float64 returns a uniform random number in [0, 1).
func (g *RNG) Float64() float64 {
	noteImpure("RNG.Float64")
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.r.Float64()
}
