package gemm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
)

// Benchmarks report GFLOP/s (2mnk per product) for the assembly path and,
// as "gonum", for the fallback.

type benchShape struct {
	name    string
	tA, tB  blas.Transpose
	m, n, k int
}

var benchShapes = []benchShape{
	{"W7_1000", blas.NoTrans, blas.NoTrans, 1000, 1000, 1000},
	{"W3_fwd_128x784x256", blas.NoTrans, blas.NoTrans, 128, 256, 784},
	{"W3_dW1_TN_784x128x256", blas.Trans, blas.NoTrans, 784, 256, 128},
	{"W3_dX_NT_128x256x784", blas.NoTrans, blas.Trans, 128, 784, 256},
	{"W3_HW2_128x256x10", blas.NoTrans, blas.NoTrans, 128, 10, 256},
	{"W3_dW2_TN_256x128x10", blas.Trans, blas.NoTrans, 256, 10, 128},
	{"sq150", blas.NoTrans, blas.NoTrans, 150, 150, 150},
	{"sq150_TN", blas.Trans, blas.NoTrans, 150, 150, 150},
	{"sq150_NT", blas.NoTrans, blas.Trans, 150, 150, 150},
	{"r200x100x200", blas.NoTrans, blas.NoTrans, 200, 100, 200},
	{"W6_16x32x64", blas.NoTrans, blas.NoTrans, 16, 64, 32},
	{"W6_16x64x64", blas.NoTrans, blas.NoTrans, 16, 64, 64},
	{"W6_TN_32x16x64", blas.Trans, blas.NoTrans, 32, 64, 16},
	{"W6_NT_16x64x64", blas.NoTrans, blas.Trans, 16, 64, 64},
}

func BenchmarkDgemm(b *testing.B) {
	saved := useAsm
	defer func() { useAsm = saved }()
	for _, s := range benchShapes {
		for _, on := range []bool{true, false} {
			if on && !asmSupported() {
				continue
			}
			name := s.name
			if !on {
				name += "/gonum"
			}
			b.Run(name, func(b *testing.B) {
				useAsm = on
				r := rand.New(rand.NewPCG(1, 1))
				lda, ldb := s.k, s.n
				if s.tA != blas.NoTrans {
					lda = s.m
				}
				if s.tB != blas.NoTrans {
					ldb = s.k
				}
				a, bb, c := randSlice(r, s.m*s.k), randSlice(r, s.k*s.n), make([]float64, s.m*s.n)
				cpu0 := cpuSeconds()
				for b.Loop() {
					Dgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
				}
				reportFlops(b, 2*float64(s.m*s.n*s.k), cpuSeconds()-cpu0)
			})
		}
	}
}

func BenchmarkDgemv(b *testing.B) {
	saved := useAsm
	defer func() { useAsm = saved }()
	for _, sh := range [][2]int{{10000, 100}, {1000, 100}, {4000, 2000}} {
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, on := range []bool{true, false} {
				if on && !asmSupported() {
					continue
				}
				name := fmt.Sprintf("%dx%d_%c", sh[0], sh[1], tA)
				if sh == [2]int{10000, 100} {
					name = "W4_" + name
				}
				if !on {
					name += "/gonum"
				}
				m, n := sh[0], sh[1]
				b.Run(name, func(b *testing.B) {
					useAsm = on
					r := rand.New(rand.NewPCG(1, 1))
					a := randSlice(r, m*n)
					x, y := randSlice(r, max(m, n)), make([]float64, max(m, n))
					cpu0 := cpuSeconds()
					for b.Loop() {
						Dgemv(tA, m, n, 1, a, n, x, 1, 0, y, 1)
					}
					reportFlops(b, 2*float64(m*n), cpuSeconds()-cpu0)
				})
			}
		}
	}
}

// reportFlops reports GFLOP/s of wall time and, as cpu-GFLOP/s, per second
// of CPU time of the process (all cores: equal to GFLOP/s per core on one).
func reportFlops(b *testing.B, flops, cpu float64) {
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	if cpu > 0 {
		b.ReportMetric(flops*float64(b.N)/cpu/1e9, "cpu-GFLOP/s")
		b.ReportMetric(cpu*1e9/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkW7 is workload W7 of shared/bench (a dense n×n product, GFLOP/s
// = 2n³/t) at the sizes of issue 17, through Dgemm with the default
// GOMAXPROCS. cpu-GFLOP/s (per CPU second of the process) is the figure
// to compare on a loaded machine; med-GFLOP/s is that of the median call
// (as testdata/bench/w7_numpy.py reports numpy's).
func BenchmarkW7(b *testing.B) {
	if !asmSupported() {
		b.Skip("no AVX2/FMA")
	}
	for _, n := range []int{128, 256, 512, 1000, 2000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(7, 7))
			a, bb, c := randSlice(r, n*n), randSlice(r, n*n), make([]float64, n*n)
			var calls []time.Duration
			cpu0 := cpuSeconds()
			for b.Loop() {
				t0 := time.Now()
				Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, bb, n, 0, c, n)
				calls = append(calls, time.Since(t0))
			}
			flops := 2 * float64(n*n*n)
			reportFlops(b, flops, cpuSeconds()-cpu0)
			slices.Sort(calls)
			b.ReportMetric(flops/calls[len(calls)/2].Seconds()/1e9, "med-GFLOP/s")
		})
	}
}

// productShapes are the products that dominate ad.Jit's W3 (value and
// gradient of the 784-256-10 tanh MLP on a batch of 128: X·W1 and the
// gradient Xᵀ·G1, then the small 128×256·256×10 ones) and W7's sizes that
// run as parallel products.
var productShapes = []benchShape{
	{"W3_XW1_NN_128x256x784", blas.NoTrans, blas.NoTrans, 128, 256, 784},
	{"W3_XtG_TN_784x256x128", blas.Trans, blas.NoTrans, 784, 256, 128},
	{"W3_GW1t_NT_128x784x256", blas.NoTrans, blas.Trans, 128, 784, 256},
	{"W3_HW2_NN_128x10x256", blas.NoTrans, blas.NoTrans, 128, 10, 256},
	{"W3_GW2t_NT_128x256x10", blas.NoTrans, blas.Trans, 128, 256, 10},
	{"W3_HtG_TN_256x10x128", blas.Trans, blas.NoTrans, 256, 10, 128},
	{"W7_512", blas.NoTrans, blas.NoTrans, 512, 512, 512},
	{"W7_2000", blas.NoTrans, blas.NoTrans, 2000, 2000, 2000},
}

// BenchmarkProducts times productShapes through Dgemm with the default
// GOMAXPROCS: GFLOP/s of the mean call, of the median call (med-GFLOP/s)
// and per CPU second of the process (cpu-GFLOP/s). A/B two builds with
// testdata/bench/gemm_ab.py.
func BenchmarkProducts(b *testing.B) {
	if !asmSupported() {
		b.Skip("no AVX2/FMA")
	}
	for _, s := range productShapes {
		b.Run(s.name, func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 1))
			lda, ldb := s.k, s.n
			if s.tA != blas.NoTrans {
				lda = s.m
			}
			if s.tB != blas.NoTrans {
				ldb = s.k
			}
			a, bb, c := randSlice(r, s.m*s.k), randSlice(r, s.k*s.n), make([]float64, s.m*s.n)
			var calls []time.Duration
			cpu0 := cpuSeconds()
			for b.Loop() {
				t0 := time.Now()
				Dgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
				calls = append(calls, time.Since(t0))
			}
			flops := 2 * float64(s.m*s.n*s.k)
			reportFlops(b, flops, cpuSeconds()-cpu0)
			slices.Sort(calls)
			b.ReportMetric(flops/calls[len(calls)/2].Seconds()/1e9, "med-GFLOP/s")
		})
	}
}
