//go:build amd64 && !purego

package gemm

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkKernel times the micro-kernels alone on packed operands that stay
// in L1 (kc = 256): the in-kernel flop rate, without packing or edges.
func BenchmarkKernel(b *testing.B) {
	if !asmSupported() {
		b.Skip("no AVX2/FMA")
	}
	r := rand.New(rand.NewPCG(1, 1))
	ap, bp := randSlice(r, mr*kc), randSlice(r, nr*kc)
	c := make([]float64, mr*64)
	cpu0 := cpuSeconds()
	for b.Loop() {
		for range 16 {
			kern6x8(kc, &ap[0], mr, 1, &bp[0], nr, &c[0], 64, 1, 1, true)
		}
	}
	reportFlops(b, 16*2*mr*nr*kc, cpuSeconds()-cpu0)
}
