//go:build openblas && cgo

package ad

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

func TestOpenBLASInstalled(t *testing.T) {
	if _, ok := blas64.Implementation().(openBLAS); !ok {
		t.Fatalf("blas64 implementation is %T, want openBLAS in a build with -tags openblas", blas64.Implementation())
	}
	if !blasThreaded {
		t.Error("blasThreaded is false in the OpenBLAS build: ad would split products over goroutines on top of OpenBLAS's threads")
	}
}

// TestOpenBLASMatchesReference compares OpenBLAS's GEMM and GEMV with a
// naive IEEE reference (and with gonum on finite data) on every transpose
// combination, over sizes from 0 and 1 to sizes that are not multiples of
// any kernel width and that OpenBLAS runs multi-threaded, with strides
// larger than the matrices, several alpha and beta (beta = 0 must ignore NaN
// in C, alpha = 0 must ignore NaN in A and B, as the BLAS specifies), and
// NaN and ±Inf in the operands. (gonum's GEMM skips zero elements of A, so
// 0·Inf gives 0 there but NaN in OpenBLAS and the reference.)
func TestOpenBLASMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var ref gonum.Implementation
	o := openBLAS{}
	sizes := [][3]int{{0, 3, 4}, {3, 0, 4}, {3, 4, 0}, {1, 1, 1}, {1, 7, 5}, {7, 5, 1}, {7, 1, 5},
		{7, 6, 5}, {17, 33, 65}, {64, 64, 64}, {130, 7, 3}, {3, 129, 200}, {257, 131, 67}}
	scales := [][2]float64{{1, 0}, {1.5, 0.5}, {-2, 1}, {0, 2}, {0, 0}}
	const tol = 1e-9 // relative to 1+|value|; the data are multiples of 0.1 below ~40
	for _, s := range sizes {
		m, k, n := s[0], s[1], s[2]
		for _, pad := range []int{0, 3} {
			for _, special := range []bool{false, true} {
				for _, ab := range scales {
					alpha, beta := ab[0], ab[1]
					for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
						for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
							ra, ca := m, k
							if tA == blas.Trans {
								ra, ca = k, m
							}
							rb, cb := k, n
							if tB == blas.Trans {
								rb, cb = n, k
							}
							lda, ldb, ldc := max(1, ca+pad), max(1, cb+pad), max(1, n+pad)
							a, b := opsRandData(r, max(1, ra*lda)), opsRandData(r, max(1, rb*ldb))
							c1 := opsRandData(r, max(1, m*ldc))
							if special && len(a) > 2 && len(b) > 3 {
								a[1], b[2], b[3] = math.NaN(), math.Inf(1), math.Inf(-1)
							}
							if beta == 0 {
								c1[0] = math.NaN() // must be overwritten, not propagated
							}
							c2 := append([]float64(nil), c1...)
							c3 := append([]float64(nil), c1...)
							o.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c1, ldc)
							naiveGemm(tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c2, ldc)
							if !sameFloats(c1, c2, tol) {
								t.Errorf("Dgemm %v %v m=%d k=%d n=%d pad=%d special=%v alpha=%g beta=%g differs from the reference%s",
									tA, tB, m, k, n, pad, special, alpha, beta, firstDiff(c1, c2))
							}
							if !special {
								ref.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c3, ldc)
								if !sameFloats(c1, c3, tol) {
									t.Errorf("Dgemm %v %v m=%d k=%d n=%d pad=%d alpha=%g beta=%g differs from gonum",
										tA, tB, m, k, n, pad, alpha, beta)
								}
							}
						}
					}
					for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
						lenX, lenY := n, m
						if tA == blas.Trans {
							lenX, lenY = m, n
						}
						for _, inc := range []int{1, 2} {
							lda := max(1, n+pad)
							a := opsRandData(r, max(1, m*lda))
							x := opsRandData(r, max(1, 1+(lenX-1)*inc))
							y1 := opsRandData(r, max(1, 1+(lenY-1)*inc))
							if special && len(a) > 2 && len(x) > 1 {
								a[2], x[0] = math.Inf(-1), math.NaN()
							}
							if beta == 0 {
								y1[0] = math.NaN()
							}
							y2 := append([]float64(nil), y1...)
							o.Dgemv(tA, m, n, alpha, a, lda, x, inc, beta, y1, inc)
							naiveGemv(tA != blas.NoTrans, m, n, alpha, a, lda, x, inc, beta, y2, inc)
							if !sameFloats(y1, y2, tol) {
								t.Errorf("Dgemv %v m=%d n=%d pad=%d inc=%d special=%v alpha=%g beta=%g differs from the reference",
									tA, m, n, pad, inc, special, alpha, beta)
							}
						}
					}
				}
			}
		}
	}
}

// naiveGemm is the BLAS definition of GEMM on row-major data, summed in
// order: C = alpha·op(A)·op(B) + beta·C, where C is not read when beta = 0
// and A and B are not read when alpha = 0.
func naiveGemm(ta, tb bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	for i := range m {
		for j := range n {
			var s float64
			if alpha != 0 {
				for l := range k {
					var x, y float64
					if ta {
						x = a[l*lda+i]
					} else {
						x = a[i*lda+l]
					}
					if tb {
						y = b[j*ldb+l]
					} else {
						y = b[l*ldb+j]
					}
					s += x * y
				}
				s *= alpha
			}
			if beta != 0 {
				s += beta * c[i*ldc+j]
			}
			c[i*ldc+j] = s
		}
	}
}

// naiveGemv is the BLAS definition of GEMV on row-major data (positive
// increments), with the same rules for alpha = 0 and beta = 0 as naiveGemm;
// like the reference BLAS, it returns at once (y unscaled) when m or n is 0.
func naiveGemv(ta bool, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if m == 0 || n == 0 {
		return
	}
	lenX, lenY := n, m
	if ta {
		lenX, lenY = m, n
	}
	for i := range lenY {
		var s float64
		if alpha != 0 {
			for l := range lenX {
				var v float64
				if ta {
					v = a[l*lda+i]
				} else {
					v = a[i*lda+l]
				}
				s += v * x[l*incX]
			}
			s *= alpha
		}
		if beta != 0 {
			s += beta * y[i*incY]
		}
		y[i*incY] = s
	}
}

// firstDiff describes the first element where got and want differ.
func firstDiff(got, want []float64) string {
	for i := range min(len(got), len(want)) {
		if !sameFloats(got[i:i+1], want[i:i+1], 1e-9) {
			return fmt.Sprintf(": element %d is %v, want %v", i, got[i], want[i])
		}
	}
	return ""
}

// sameFloats is opsCloseSlices that also requires NaN exactly where the
// reference has NaN and infinities of the same sign.
func sameFloats(got, want []float64, tol float64) bool {
	if !opsCloseSlices(got, want, tol) {
		return false
	}
	for i := range got {
		if math.IsNaN(got[i]) != math.IsNaN(want[i]) || (math.IsInf(want[i], 0) && got[i] != want[i]) {
			return false
		}
	}
	return true
}

// countingBLAS is the OpenBLAS implementation that records the largest
// number of multiply-adds of one GEMM or GEMV call, and raises the interrupt
// flag after raiseAfter calls (never if 0).
type countingBLAS struct {
	openBLAS
	calls, maxMACs *int
	raiseAfter     int
}

func (c countingBLAS) count(macs int) {
	*c.calls++
	*c.maxMACs = max(*c.maxMACs, macs)
	if *c.calls == c.raiseAfter {
		Interrupt()
	}
}

func (c countingBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, cc []float64, ldc int) {
	c.openBLAS.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, cc, ldc)
	c.count(m * n * k)
}

func (c countingBLAS) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	c.openBLAS.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
	c.count(m * n)
}

// TestOpenBLASInterruptLatency checks what keeps Interrupt prompt in the
// OpenBLAS build, where one BLAS call cannot be stopped: big products are
// cut into calls of at most openBLASBlock multiply-adds (gemmStop), or
// gemmBlock for matrix-vector products, and no call starts once the flag is
// up (except those already started by other workers of a parallel batch).
// It runs products of every kind, once to completion and once with the flag
// raised after the first BLAS call.
func TestOpenBLASInterruptLatency(t *testing.T) {
	defer blas64.Use(blas64.Implementation())
	defer ResetInterrupt()
	r := rand.New(rand.NewPCG(3, 4))
	data := opsRandData(r, 4*400*300+4*300*600)
	cases := []struct {
		name           string
		aShape, bShape []int
		outBatch       []int
		ta, tb         bool
		wantChunks     bool // more than one BLAS call
		parallel       bool // a batch spread over goroutines
	}{
		{"700x700 NN", []int{700, 700}, []int{700, 700}, nil, false, false, true, false},
		{"700x700 TN", []int{700, 700}, []int{700, 700}, nil, true, false, true, false},
		{"700x700 NT", []int{700, 700}, []int{700, 700}, nil, false, true, true, false},
		{"700x700 TT", []int{700, 700}, []int{700, 700}, nil, true, true, true, false},
		{"batch of 2 300x700x700, b shared", []int{2, 300, 700}, []int{700, 700}, []int{2}, false, false, true, false},
		{"batch of 4 400x300x600", []int{4, 400, 300}, []int{4, 300, 600}, []int{4}, false, false, true, false},
		{"batch of 16 100x100x100", []int{16, 100, 100}, []int{16, 100, 100}, []int{16}, false, false, true, false},
		{"batch of 64 40x40x40", []int{64, 40, 40}, []int{64, 40, 40}, []int{64}, false, false, true, true},
		{"vector-matrix", []int{1, 700}, []int{700, 700}, nil, false, false, false, false},
		{"matrix-vector", []int{700, 700}, []int{700, 1}, nil, false, false, false, false},
		{"small", []int{30, 20}, []int{20, 10}, nil, false, false, false, false},
	}
	for _, tc := range cases {
		a, b := data[:sizeOf(tc.aShape)], data[:sizeOf(tc.bShape)]
		for _, raise := range []bool{false, true} {
			calls, maxMACs := 0, 0
			cb := countingBLAS{calls: &calls, maxMACs: &maxMACs}
			if raise {
				cb.raiseAfter = 1
			}
			blas64.Use(cb)
			ResetInterrupt()
			err := Catch(func() { matmulKernel("T", tc.aShape, a, tc.bShape, b, tc.outBatch, tc.ta, tc.tb) })
			blas64.Use(openBLAS{})
			ResetInterrupt()
			after := 1 // calls allowed once the flag is up (the one raising it)
			if tc.parallel {
				after = runtime.GOMAXPROCS(0)
			}
			switch {
			case calls == 0:
				t.Errorf("%s: no BLAS call was made", tc.name)
			case maxMACs > max(openBLASBlock, gemmBlock):
				t.Errorf("%s: one BLAS call of %d multiply-adds, more than %d", tc.name, maxMACs, max(openBLASBlock, gemmBlock))
			case !raise && err != nil:
				t.Errorf("%s: %v", tc.name, err)
			case !raise && tc.wantChunks && calls < 2:
				t.Errorf("%s: %d BLAS call, want the product cut into several", tc.name, calls)
			case raise && tc.wantChunks && !errors.Is(err, ErrInterrupted):
				t.Errorf("%s: error %v after the flag was raised, want ErrInterrupted", tc.name, err)
			case raise && calls > after:
				t.Errorf("%s: %d BLAS calls, want at most %d (none started after the flag was raised)", tc.name, calls, after)
			}
		}
	}
}

// TestOpenBLASConcurrentProducts runs products from several goroutines at
// once (as a notebook's goroutines may), each checked against gonum.
func TestOpenBLASConcurrentProducts(t *testing.T) {
	const n = 300
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 9))
			a, b := opsRandData(r, n*n), opsRandData(r, n*n)
			want := make([]float64, n*n)
			gonum.Implementation{}.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, want, n)
			for range 5 {
				got := matmulKernel("T", []int{n, n}, a, []int{n, n}, b, nil, false, false)
				if !opsCloseSlices(got, want, 1e-9) {
					errs <- fmt.Errorf("goroutine %d: product differs from gonum's", g)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
