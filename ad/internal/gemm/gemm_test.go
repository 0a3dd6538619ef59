package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
)

// refGemm is the naive triple loop: C = alpha·op(A)·op(B) + beta·C, with C
// overwritten when beta is 0.
func refGemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv float64
				if tA != blas.NoTrans {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if tB != blas.NoTrans {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
			}
			if alpha == 0 {
				s = 0
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
			}
		}
	}
}

func refGemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
	if m == 0 || n == 0 {
		return // BLAS's quick return: y is left alone
	}
	rows, cols := m, n
	if tA != blas.NoTrans {
		rows, cols = n, m
	}
	for i := 0; i < rows; i++ {
		var s float64
		for j := 0; j < cols; j++ {
			var av float64
			if tA != blas.NoTrans {
				av = a[j*lda+i]
			} else {
				av = a[i*lda+j]
			}
			s += av * x[j]
		}
		if alpha == 0 {
			s = 0
		}
		if beta == 0 {
			y[i] = alpha * s
		} else {
			y[i] = alpha*s + beta*y[i]
		}
	}
}

func randSlice(r *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = r.Float64()*2 - 1
	}
	return s
}

// randOperands returns random operands of an m×k by k×n product, stored
// transposed (row-major op(X)ᵀ, leading dimension its row length) where
// tA or tB says so.
func randOperands(r *rand.Rand, m, n, k int, tA, tB blas.Transpose) (A, B mat) {
	A = mat{randSlice(r, m*k), k, tA != blas.NoTrans}
	if A.t {
		A.ld = m
	}
	B = mat{randSlice(r, k*n), n, tB != blas.NoTrans}
	if B.t {
		B.ld = k
	}
	return A, B
}

// close compares with a tolerance relative to the magnitude of the sums
// (scale) and requires NaN and infinities in the same places.
func closeTo(got, want float64, tol float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	if math.IsInf(want, 0) || math.IsInf(got, 0) {
		return got == want
	}
	return math.Abs(got-want) <= tol*(1+math.Abs(want))
}

// withAsm runs f with the assembly path on and off (the on case only where
// the CPU supports it).
func withAsm(t *testing.T, f func(t *testing.T)) {
	saved := useAsm
	defer func() { useAsm = saved }()
	modes := []bool{false}
	if asmSupported() {
		modes = append(modes, true)
	} else {
		t.Log("no AVX2/FMA: testing the fallback only")
	}
	for _, on := range modes {
		useAsm = on
		t.Run(fmt.Sprintf("asm=%v", on), f)
	}
}

// withGemvPaths runs f on every Dgemv path this CPU has: gonum, the AVX2
// kernels and (where supported) the AVX-512 kernels.
func withGemvPaths(t *testing.T, f func(t *testing.T)) {
	savedAsm, saved512 := useAsm, useAVX512
	defer func() { useAsm, useAVX512 = savedAsm, saved512 }()
	type mode struct{ asm, avx512 bool }
	modes := []mode{{false, false}}
	if asmSupported() {
		modes = append(modes, mode{true, false})
	} else {
		t.Log("no AVX2/FMA: testing the fallback only")
	}
	if avx512Supported() {
		modes = append(modes, mode{true, true})
	} else {
		t.Log("no AVX-512: the AVX-512 kernels are not tested")
	}
	for _, md := range modes {
		useAsm, useAVX512 = md.asm, md.avx512
		t.Run(fmt.Sprintf("asm=%v,avx512=%v", md.asm, md.avx512), f)
	}
}

var transposes = []blas.Transpose{blas.NoTrans, blas.Trans}

type gemmCase struct {
	tA, tB       blas.Transpose
	m, n, k, pad int
	alpha, beta  float64
}

// checkGemm runs one case through Dgemm and the reference on the same
// random inputs (with garbage in the padding) and compares every element of
// C, padding included (it must be left alone).
func checkGemm(t *testing.T, r *rand.Rand, cs gemmCase, nanC bool, poison func(a, b []float64)) {
	t.Helper()
	ra, ca := cs.m, cs.k
	if cs.tA != blas.NoTrans {
		ra, ca = cs.k, cs.m
	}
	rb, cb := cs.k, cs.n
	if cs.tB != blas.NoTrans {
		rb, cb = cs.n, cs.k
	}
	lda, ldb, ldc := max(1, ca+cs.pad), max(1, cb+cs.pad), max(1, cs.n+cs.pad)
	a := randSlice(r, max(0, (ra-1)*lda+ca))
	b := randSlice(r, max(0, (rb-1)*ldb+cb))
	if poison != nil {
		poison(a, b)
	}
	c := randSlice(r, max(0, (cs.m-1)*ldc+cs.n))
	if nanC {
		for i := range c {
			c[i] = math.NaN()
		}
	}
	want := append([]float64(nil), c...)
	refGemm(cs.tA, cs.tB, cs.m, cs.n, cs.k, cs.alpha, a, lda, b, ldb, cs.beta, want, ldc)
	Dgemm(cs.tA, cs.tB, cs.m, cs.n, cs.k, cs.alpha, a, lda, b, ldb, cs.beta, c, ldc)
	for i := range c {
		if !closeTo(c[i], want[i], 1e-12*float64(cs.k+1)) {
			t.Fatalf("%+v nanC=%v: c[%d] (row %d col %d) = %v, want %v", cs, nanC, i, i/ldc, i%ldc, c[i], want[i])
		}
	}
}

func TestDgemmShapes(t *testing.T) {
	withAsm(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		sizes := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 31, 32, 33, 64, 100}
		for _, tA := range transposes {
			for _, tB := range transposes {
				for _, m := range sizes {
					for _, n := range []int{0, 1, 3, 7, 8, 9, 16, 17, 33} {
						for _, k := range []int{0, 1, 2, 5, 17, 64} {
							checkGemm(t, r, gemmCase{tA, tB, m, n, k, (m + n + k) % 3, 1, 0}, false, nil)
						}
					}
				}
				for _, s := range sizes {
					checkGemm(t, r, gemmCase{tA, tB, s, s, s, 2, 1, 0.5}, false, nil)
				}
			}
		}
	})
}

func TestDgemmAlphaBetaStrides(t *testing.T) {
	withAsm(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 4))
		shapes := [][3]int{{1, 1, 1}, {6, 8, 1}, {7, 9, 3}, {16, 64, 32}, {32, 16, 64}, {31, 33, 32}, {127, 129, 100}, {13, 300, 270}, {130, 70, 520}}
		for _, tA := range transposes {
			for _, tB := range transposes {
				for _, s := range shapes {
					for _, pad := range []int{0, 3} {
						for _, alpha := range []float64{0, 1, -2.5} {
							for _, beta := range []float64{0, 1, 0.5} {
								checkGemm(t, r, gemmCase{tA, tB, s[0], s[1], s[2], pad, alpha, beta}, false, nil)
							}
						}
					}
				}
			}
		}
	})
}

// TestDgemmBetaZeroNaN: with beta = 0, NaN in the old C must not survive
// (C is overwritten, not scaled), on every path (direct, packed, edges).
func TestDgemmBetaZeroNaN(t *testing.T) {
	withAsm(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(5, 6))
		for _, s := range [][3]int{{1, 1, 1}, {6, 8, 4}, {7, 9, 3}, {16, 64, 64}, {127, 129, 100}, {200, 300, 40}} {
			for _, tA := range transposes {
				for _, tB := range transposes {
					for _, alpha := range []float64{0, 1, -2.5} {
						checkGemm(t, r, gemmCase{tA, tB, s[0], s[1], s[2], 1, alpha, 0}, true, nil)
					}
				}
			}
		}
	})
}

// TestDgemmNonFinite: NaN and ±Inf in A or B propagate as in the naive
// product (alpha ≠ 0).
func TestDgemmNonFinite(t *testing.T) {
	withAsm(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(7, 8))
		for _, s := range [][3]int{{1, 1, 1}, {7, 9, 3}, {16, 64, 64}, {127, 129, 100}, {200, 300, 40}} {
			for _, tA := range transposes {
				for _, tB := range transposes {
					poison := func(a, b []float64) {
						a[len(a)/2] = math.NaN()
						a[len(a)/3] = math.Inf(1)
						b[len(b)-1] = math.Inf(-1)
					}
					checkGemm(t, r, gemmCase{tA, tB, s[0], s[1], s[2], 2, 1.5, 0.5}, false, poison)
				}
			}
		}
	})
}

func TestDgemmStop(t *testing.T) {
	if !useAsm { // no AVX2/FMA, or GOGRAD_GEMM=purego: gonum's Dgemm cannot stop
		t.Skip("DgemmStop only stops early on the assembly path")
	}
	var stop atomic.Bool
	stop.Store(true)
	// Serial packed, parallel with one and with three k panels, with
	// private packing by columns and by rows (privPlan), by home rows
	// (homePlan).
	for _, s := range [][3]int{{30, 30, 2000}, {300, 300, 300}, {600, 600, 600}, {128, 256, 784}, {784, 256, 128}, {1000, 100, 300}} {
		m, n, k := s[0], s[1], s[2]
		a, b, c := make([]float64, m*k), make([]float64, k*n), make([]float64, m*n)
		if DgemmStop(&stop, blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n) {
			t.Errorf("DgemmStop completed a %v product with stop raised", s)
		}
	}
	stop.Store(false)
	const n = 600
	c := make([]float64, n*n)
	r := rand.New(rand.NewPCG(9, 9))
	a, b := randSlice(r, n*n), randSlice(r, n*n)
	if !DgemmStop(&stop, blas.NoTrans, blas.Trans, n, n, n, 1, a, n, b, n, 0, c, n) {
		t.Error("DgemmStop did not complete with stop lowered")
	}
	want := make([]float64, n*n)
	refGemm(blas.NoTrans, blas.Trans, n, n, n, 1, a, n, b, n, 0, want, n)
	for i := range c {
		if !closeTo(c[i], want[i], 1e-11) {
			t.Fatalf("c[%d] = %v, want %v", i, c[i], want[i])
		}
	}
}

func TestDgemmInvalidPanics(t *testing.T) {
	withAsm(t, func(t *testing.T) {
		for name, f := range map[string]func(){
			"lda": func() {
				Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, make([]float64, 6), 2, make([]float64, 6), 2, 0, make([]float64, 4), 2)
			},
			"shortC": func() {
				Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, make([]float64, 4), 2, make([]float64, 4), 2, 0, make([]float64, 3), 2)
			},
			"m<0": func() { Dgemm(blas.NoTrans, blas.NoTrans, -1, 2, 2, 1, nil, 2, nil, 2, 0, nil, 2) },
		} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: no panic", name)
					}
				}()
				f()
			}()
		}
	})
}

func TestDgemv(t *testing.T) {
	withGemvPaths(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(11, 12))
		shapes := [][2]int{{0, 3}, {3, 0}, {1, 1}, {1, 17}, {17, 1}, {3, 5}, {4, 8}, {5, 9}, {7, 16}, {9, 23}, {33, 31}, {64, 100}, {100, 64}, {1000, 100}, {100, 1000}, {10000, 13}, {5, 5000}}
		for _, tA := range transposes {
			for _, s := range shapes {
				m, n := s[0], s[1]
				for _, pad := range []int{0, 2} {
					for _, alpha := range []float64{0, 1, -2.5} {
						for _, beta := range []float64{0, 1, 0.5} {
							for _, nan := range []bool{false, true} {
								if nan && beta != 0 {
									continue
								}
								lda := max(1, n+pad)
								a := randSlice(r, max(0, (m-1)*lda+n))
								lx, ly := n, m
								if tA != blas.NoTrans {
									lx, ly = m, n
								}
								x := randSlice(r, lx)
								y := randSlice(r, ly)
								if nan {
									for i := range y {
										y[i] = math.NaN()
									}
									if len(a) > 0 {
										a[len(a)/2] = math.Inf(1)
									}
								}
								want := append([]float64(nil), y...)
								refGemv(tA, m, n, alpha, a, lda, x, beta, want)
								Dgemv(tA, m, n, alpha, a, lda, x, 1, beta, y, 1)
								for i := range y {
									if !closeTo(y[i], want[i], 1e-12*float64(lx+1)) {
										t.Fatalf("%v %dx%d pad %d alpha %v beta %v nan %v: y[%d] = %v, want %v", tA, m, n, pad, alpha, beta, nan, i, y[i], want[i])
									}
								}
							}
						}
					}
				}
			}
		}
		// Non-unit strides go to gonum.
		a := []float64{1, 2, 3, 4}
		x := []float64{1, 0, 1}
		y := []float64{0, 9, 0}
		Dgemv(blas.NoTrans, 2, 2, 1, a, 2, x, 2, 0, y, 2)
		if y[0] != 3 || y[1] != 9 || y[2] != 7 {
			t.Errorf("strided Dgemv: y = %v, want [3 9 7]", y)
		}
	})
}

func FuzzDgemm(f *testing.F) {
	f.Add(uint8(5), uint8(7), uint8(3), uint8(0), uint8(1), false, false, 1.0, 0.0)
	f.Add(uint8(40), uint8(70), uint8(90), uint8(3), uint8(2), true, true, -2.5, 0.5)
	f.Add(uint8(130), uint8(9), uint8(255), uint8(1), uint8(3), true, false, 1.0, 1.0)
	f.Fuzz(func(t *testing.T, m, n, k, pad, seed uint8, ta, tb bool, alpha, beta float64) {
		if math.IsNaN(alpha) || math.IsInf(alpha, 0) || math.IsNaN(beta) || math.IsInf(beta, 0) ||
			math.Abs(alpha) > 1e6 || math.Abs(beta) > 1e6 {
			return
		}
		tA, tB := blas.NoTrans, blas.NoTrans
		if ta {
			tA = blas.Trans
		}
		if tb {
			tB = blas.Trans
		}
		r := rand.New(rand.NewPCG(uint64(seed), 1))
		withAsm(t, func(t *testing.T) {
			checkGemm(t, r, gemmCase{tA, tB, int(m), int(n), int(k), int(pad % 5), alpha, beta}, false, nil)
		})
	})
}

// TestDgemmLarge covers a parallel product with several k panels (more
// than shared's panel buffers), with edges in every dimension.
func TestDgemmLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large naive products")
	}
	withAsm(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(13, 14))
		const m, n, k = 301, 401, 499
		if m*n*k < ParallelMin || k <= nslots*kc/2 {
			t.Fatalf("%d×%d×%d: not parallel or too few k panels", m, n, k)
		}
		for _, tA := range transposes {
			for _, tB := range transposes {
				checkGemm(t, r, gemmCase{tA, tB, m, n, k, 3, -2.5, 0.5}, false, nil)
			}
		}
		checkGemm(t, r, gemmCase{blas.NoTrans, blas.NoTrans, m, n, k, 1, 1, 0}, true, nil)
	})
}

// TestDgemmPackedMedium covers the cache-blocked path with odd panel depths (the vector
// packing copies rows in pairs) and edges in every dimension, and the
// in-place path for operands just under smallMax.
func TestDgemmPackedMedium(t *testing.T) {
	withAsm(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(21, 22))
		// The first three run in place (direct, operands up to smallMax),
		// the others packed.
		shapes := [][3]int{{130, 131, 197}, {128, 256, 157}, {200, 13, 301},
			{130, 131, 397}, {128, 256, 257}, {37, 200, 513}, {200, 13, 331}, {6, 300, 255}}
		for i, s := range shapes {
			if packed := s[0]*s[2]+s[2]*s[1] > smallMax; packed != (i >= 3) {
				t.Fatalf("%v: packed = %v", s, packed)
			}
			for _, tA := range transposes {
				for _, tB := range transposes {
					checkGemm(t, r, gemmCase{tA, tB, s[0], s[1], s[2], 1, 1, 0}, false, nil)
					checkGemm(t, r, gemmCase{tA, tB, s[0], s[1], s[2], 0, -0.5, 2}, false, nil)
				}
			}
		}
	})
}

// TestDgemvParallel covers the matrices from gemvChunkMin elements on,
// split into blocks of rows shared with the pool's helpers (partial sums
// for Aᵀ·x), with short and long y, and checks that the result is bit for
// bit the same whether helpers join or not (GOMAXPROCS 1 and 2).
func TestDgemvParallel(t *testing.T) {
	if testing.Short() {
		t.Skip("large naive products")
	}
	withGemvPaths(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(31, 32))
		for _, s := range [][2]int{{30001, 71}, {1101, 2003}, {6, 60001}, {10000, 100}} {
			m, n := s[0], s[1]
			if m*n < gemvChunkMin {
				t.Fatalf("%d×%d is below gemvChunkMin", m, n)
			}
			lda := n + 1
			a := randSlice(r, (m-1)*lda+n)
			for _, tA := range transposes {
				for _, beta := range []float64{0, 0.5} {
					lx, ly := n, m
					if tA != blas.NoTrans {
						lx, ly = m, n
					}
					x, y := randSlice(r, lx), randSlice(r, ly)
					want := append([]float64(nil), y...)
					refGemv(tA, m, n, -1.5, a, lda, x, beta, want)
					y0 := append([]float64(nil), y...)
					Dgemv(tA, m, n, -1.5, a, lda, x, 1, beta, y, 1)
					for i := range y {
						if !closeTo(y[i], want[i], 1e-12*float64(lx+1)) {
							t.Fatalf("%v %dx%d beta %v: y[%d] = %v, want %v", tA, m, n, beta, i, y[i], want[i])
						}
					}
					for _, procs := range []int{1, 2, 1, 2} {
						prev := runtime.GOMAXPROCS(procs)
						y1 := append([]float64(nil), y0...)
						Dgemv(tA, m, n, -1.5, a, lda, x, 1, beta, y1, 1)
						runtime.GOMAXPROCS(prev)
						for i := range y {
							if math.Float64bits(y1[i]) != math.Float64bits(y[i]) {
								t.Fatalf("%v %dx%d beta %v GOMAXPROCS %d: y[%d] = %v, want %v as before", tA, m, n, beta, procs, i, y1[i], y[i])
							}
						}
					}
				}
			}
		}
	})
}

// TestDgemvWidths covers every row length 0…40 (all kernel remainders, the
// masked AVX-512 tails included) with odd and even row counts (8-, 4- and
// 1-row blocks), lda > n, alpha/beta and NaN/Inf, on every path. The
// padding of A holds NaN, which must never reach y.
func TestDgemvWidths(t *testing.T) {
	withGemvPaths(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(41, 42))
		for _, tA := range transposes {
			for n := 0; n <= 40; n++ {
				for _, m := range []int{1, 3, 7, 8, 9, 13, 16, 17, 23, 31} {
					for _, pad := range []int{0, 1, 5} {
						for _, ab := range [][2]float64{{1, 0}, {-2.5, 0.5}, {0.75, 1}} {
							alpha, beta := ab[0], ab[1]
							lda := max(1, n+pad)
							a := randSlice(r, max(0, (m-1)*lda+n))
							for i := 0; i+1 < m; i++ {
								for j := n; j < lda; j++ {
									a[i*lda+j] = math.NaN()
								}
							}
							lx, ly := n, m
							if tA != blas.NoTrans {
								lx, ly = m, n
							}
							x := randSlice(r, lx)
							y := randSlice(r, ly)
							if pad == 1 && lx > 0 {
								x[lx-1] = math.Inf(-1)
							}
							want := append([]float64(nil), y...)
							refGemv(tA, m, n, alpha, a, lda, x, beta, want)
							Dgemv(tA, m, n, alpha, a, lda, x, 1, beta, y, 1)
							for i := range y {
								if !closeTo(y[i], want[i], 1e-12*float64(lx+1)) {
									t.Fatalf("%v %dx%d lda %d alpha %v beta %v: y[%d] = %v, want %v", tA, m, n, lda, alpha, beta, i, y[i], want[i])
								}
							}
						}
					}
				}
			}
		}
	})
}

func FuzzDgemv(f *testing.F) {
	f.Add(uint8(9), uint8(13), uint8(2), uint8(1), false, 1.0, 0.0)
	f.Add(uint8(17), uint8(100), uint8(0), uint8(2), true, -2.5, 0.5)
	f.Fuzz(func(t *testing.T, m, n, pad, seed uint8, trans bool, alpha, beta float64) {
		if math.IsNaN(alpha) || math.IsInf(alpha, 0) || math.IsNaN(beta) || math.IsInf(beta, 0) ||
			math.Abs(alpha) > 1e6 || math.Abs(beta) > 1e6 {
			t.Skip()
		}
		tA := blas.NoTrans
		if trans {
			tA = blas.Trans
		}
		withGemvPaths(t, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(seed), 7))
			mm, nn := int(m), int(n)
			lda := max(1, nn+int(pad%8))
			a := randSlice(r, max(0, (mm-1)*lda+nn))
			lx, ly := nn, mm
			if trans {
				lx, ly = mm, nn
			}
			x, y := randSlice(r, lx), randSlice(r, ly)
			want := append([]float64(nil), y...)
			refGemv(tA, mm, nn, alpha, a, lda, x, beta, want)
			Dgemv(tA, mm, nn, alpha, a, lda, x, 1, beta, y, 1)
			for i := range y {
				if !closeTo(y[i], want[i], 1e-9*float64(lx+1)*(1+math.Abs(alpha)+math.Abs(beta))) {
					t.Fatalf("%v %dx%d lda %d: y[%d] = %v, want %v", tA, mm, nn, lda, i, y[i], want[i])
				}
			}
		})
	})
}

// TestSharedBitIdentical checks that the parallel product (shared: pool
// helpers, items claimed dynamically) gives exactly the bits of the serial
// cache-blocked product for any number of workers, over shapes with several
// chunks of rows, several nc panels of columns and more k panels than panel
// buffers, every transpose, edges, alpha and beta.
func TestSharedBitIdentical(t *testing.T) {
	if !asmSupported() {
		t.Skip("no AVX2/FMA")
	}
	shapes := [][3]int{{1230, 4093, 37}, {200, 300, 1100}, {128, 256, 784}, {13, 900, 300}, {700, 9, 260}, {7, 7, 7}, {1931, 20, 70}}
	if testing.Short() {
		shapes = shapes[1:]
	}
	r := rand.New(rand.NewPCG(41, 42))
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, tA := range transposes {
			for _, tB := range transposes {
				A, B := randOperands(r, m, n, k, tA, tB)
				c0 := randSlice(r, m*n)
				want := append([]float64(nil), c0...)
				packed(nil, A, B, m, n, k, -1.5, 0.5, want, n)
				for _, w := range []int{2, 3, 5} {
					got := append([]float64(nil), c0...)
					if !shared(nil, A, B, m, n, k, -1.5, 0.5, got, n, w) {
						t.Fatalf("%v: shared stopped", s)
					}
					if i := bitDiff(got, want); i >= 0 {
						t.Fatalf("%v tA=%c tB=%c workers=%d: c[%d] = %v, serial %v", s, tA, tB, w, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestDgemmConcurrent runs parallel products from many goroutines at once
// (as ad's parallel Jacobian does): each must get its own exact result.
func TestDgemmConcurrent(t *testing.T) {
	const m, n, k = 150, 170, 260
	r := rand.New(rand.NewPCG(43, 44))
	type op struct{ a, b, want []float64 }
	ops := make([]op, 8)
	for i := range ops {
		a, b := randSlice(r, m*k), randSlice(r, k*n)
		want := make([]float64, m*n)
		Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, want, n)
		ops[i] = op{a, b, want}
	}
	done := make(chan error)
	for i := range ops {
		go func() {
			o := ops[i]
			c := make([]float64, m*n)
			for range 5 {
				Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, o.a, k, o.b, n, 0, c, n)
				for j := range c {
					if c[j] != o.want[j] {
						done <- fmt.Errorf("op %d: c[%d] = %v, want %v", i, j, c[j], o.want[j])
						return
					}
				}
			}
			done <- nil
		}()
	}
	for range ops {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestHelpersExit checks that the pool's helpers do not outlive their use:
// after a parallel product they exit once idle, so a program (or a test
// counting its goroutines) is left with none.
func TestHelpersExit(t *testing.T) {
	if !useAsm {
		t.Skip("the pool serves the assembly path only")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	base := runtime.NumGoroutine()
	const n = 300
	a, b, c := make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
	Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n)
	const wait = 5 * time.Second // 10·helperIdle
	deadline := time.Now().Add(wait)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := runtime.NumGoroutine(); got > base {
		t.Errorf("%d goroutines %v after the product, %d before", got, wait, base)
	}
}

// TestPackBs checks the grouped packing of B (packN8w over runs of full
// slivers) against packB1 sliver by sliver: any sliver range, partial last
// slivers, leading dimensions with padding, both layouts of B.
func TestPackBs(t *testing.T) {
	if !asmSupported() {
		t.Skip("no AVX2/FMA")
	}
	r := rand.New(rand.NewPCG(51, 52))
	type tc struct{ kcb, ncb, pad, s0, s1 int }
	cases := []tc{
		{1, 8, 0, 0, 1}, {7, 64, 0, 0, 8}, {5, 63, 3, 0, 8}, {256, 100, 1, 0, 13},
		{33, 100, 0, 3, 13}, {4, 40, 5, 1, 4}, {9, 17, 0, 0, 3}, {12, 32, 0, 2, 3}, {3, 7, 2, 0, 1},
	}
	for _, c := range cases {
		for _, bt := range []bool{false, true} {
			const p0, j0 = 2, 5
			rows, cols := p0+c.kcb, j0+c.ncb
			ld := cols + c.pad
			if bt {
				rows, cols = cols, rows
				ld = cols + c.pad
			}
			B := mat{randSlice(r, rows*ld), ld, bt}
			want := make([]float64, (c.s1+1)*nr*c.kcb)
			got := make([]float64, len(want))
			for i := range got {
				want[i], got[i] = -7, -7
			}
			for s := c.s0; s < c.s1; s++ {
				packB1(want[s*nr*c.kcb:], B, p0, c.kcb, j0+s*nr, min(nr, c.ncb-s*nr))
			}
			packBs(got, B, p0, c.kcb, j0, c.ncb, c.s0, c.s1)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%+v B.t=%v: packed[%d] = %v, want %v", c, bt, i, got[i], want[i])
				}
			}
		}
	}
}

// TestDirectShared checks the direct product shared with the pool's
// helpers (directShared, from directParMin multiply-adds) against the
// naive product and, bit for bit, against the serial direct product, for
// every transpose, edge rows and columns, alpha and beta, and any number of
// workers.
func TestDirectShared(t *testing.T) {
	if !asmSupported() {
		t.Skip("no AVX2/FMA")
	}
	shapes := [][3]int{{128, 128, 128}, {101, 131, 97}, {130, 60, 150}, {64, 200, 100}, {310, 17, 200},
		{128, 10, 256}, {256, 10, 128}, {128, 256, 10}, {131, 5, 420}, {64, 64, 64}}
	r := rand.New(rand.NewPCG(53, 54))
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		if !isDirect(m, n, k) || m*n*k < directParMin || m*n*k >= ParallelMin {
			t.Fatalf("%v: not a shared direct product", s)
		}
		for _, tA := range transposes {
			for _, tB := range transposes {
				A, B := randOperands(r, m, n, k, tA, tB)
				c0 := randSlice(r, m*n)
				for _, ab := range [][2]float64{{1, 0}, {-1.5, 0.5}} {
					ref := append([]float64(nil), c0...)
					refGemm(tA, tB, m, n, k, ab[0], A.d, A.ld, B.d, B.ld, ab[1], ref, n)
					want := append([]float64(nil), c0...)
					direct(A, B, m, n, k, ab[0], ab[1], want, n)
					for _, w := range []int{2, 3} {
						got := append([]float64(nil), c0...)
						directShared(A, B, m, n, k, ab[0], ab[1], got, n, w)
						for i := range got {
							if !closeTo(got[i], ref[i], 1e-12*float64(k+1)) {
								t.Fatalf("%v tA=%c tB=%c workers=%d: c[%d] = %v, want %v", s, tA, tB, w, i, got[i], ref[i])
							}
							if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
								t.Fatalf("%v tA=%c tB=%c workers=%d: c[%d] = %v, serial %v", s, tA, tB, w, i, got[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}

// TestDirectBackoff checks the back-off of shared direct products: after a
// late helper (directBackoff set in the future) a direct product of
// directParMin multiply-adds or more runs serially, and it is shared again
// once the back-off has passed; the result is the same either way.
func TestDirectBackoff(t *testing.T) {
	if !useAsm {
		t.Skip("the pool serves the assembly path only")
	}
	saved := directBackoff.Load()
	defer directBackoff.Store(saved)
	directBackoff.Store(time.Now().Add(time.Hour).UnixNano())
	if directShouldShare() {
		t.Fatal("directShouldShare during a back-off")
	}
	const n = 128
	r := rand.New(rand.NewPCG(55, 56))
	a, b := randSlice(r, n*n), randSlice(r, n*n)
	serialC, sharedC := make([]float64, n*n), make([]float64, n*n)
	Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, serialC, n)
	directBackoff.Store(time.Now().Add(-time.Second).UnixNano())
	if !directShouldShare() {
		t.Fatal("directShouldShare false after the back-off")
	}
	Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, sharedC, n)
	for i := range sharedC {
		if math.Float64bits(sharedC[i]) != math.Float64bits(serialC[i]) {
			t.Fatalf("c[%d] = %v shared, %v serial", i, sharedC[i], serialC[i])
		}
	}
}

// TestJobReuse runs parallel products (shared and directShared, whose jobs
// are reused from a free list) back to back over shapes of growing and
// shrinking sizes, from two goroutines at once, and checks each against
// the serial product bit for bit: a job reset while a helper still worked
// in it, or a helper joining a later run of a job with a stale ticket,
// would give a wrong product here (and a data race under -race).
func TestJobReuse(t *testing.T) {
	if !asmSupported() {
		t.Skip("no AVX2/FMA")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	type prod struct {
		A, B    mat
		m, n, k int
		direct  bool
		c0      []float64
		want    []float64
	}
	r := rand.New(rand.NewPCG(61, 62))
	var prods []prod
	for i, s := range [][3]int{{200, 300, 1100}, {7, 7, 7}, {13, 900, 300}, {128, 128, 128}, {150, 170, 260}, {700, 9, 260}, {64, 200, 100}, {256, 256, 256}, {9, 40, 3}} {
		m, n, k := s[0], s[1], s[2]
		p := prod{A: mat{randSlice(r, m*k), k, i%2 == 1}, B: mat{randSlice(r, k*n), n, i%3 == 1}, m: m, n: n, k: k}
		if p.A.t {
			p.A.ld = m
		}
		if p.B.t {
			p.B.ld = k
		}
		p.direct = isDirect(m, n, k) && n >= 2*nr
		p.c0 = randSlice(r, m*n)
		p.want = append([]float64(nil), p.c0...)
		if p.direct {
			direct(p.A, p.B, m, n, k, -1.5, 0.5, p.want, n)
		} else {
			packed(nil, p.A, p.B, m, n, k, -1.5, 0.5, p.want, n)
		}
		prods = append(prods, p)
	}
	rounds := 30
	if testing.Short() {
		rounds = 8
	}
	errs := make(chan error, 2)
	for g := range 2 {
		go func() {
			got := make([]float64, 0, 300*1100)
			for round := range rounds {
				for i := range prods {
					p := &prods[(i*(g+1)+round)%len(prods)] // the goroutines' orders differ
					got = append(got[:0], p.c0...)
					w := 2 + (round+i)%2
					if p.direct {
						directShared(p.A, p.B, p.m, p.n, p.k, -1.5, 0.5, got, p.n, w)
					} else if !shared(nil, p.A, p.B, p.m, p.n, p.k, -1.5, 0.5, got, p.n, w) {
						errs <- fmt.Errorf("%dx%dx%d: shared stopped", p.m, p.n, p.k)
						return
					}
					for j := range got {
						if math.Float64bits(got[j]) != math.Float64bits(p.want[j]) {
							errs <- fmt.Errorf("goroutine %d round %d %dx%dx%d workers=%d: c[%d] = %v, serial %v", g, round, p.m, p.n, p.k, w, j, got[j], p.want[j])
							return
						}
					}
				}
			}
			errs <- nil
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestParallelAllocs checks that parallel products allocate nothing in
// steady state (the jobs, their slices and the packing buffers are reused):
// a 256³ Dgemm (shared by 2 workers) and a 128³ one (direct, shared).
// testing.AllocsPerRun cannot count them: it sets GOMAXPROCS to 1, which
// makes every product serial.
func TestParallelAllocs(t *testing.T) {
	if !useAsm { // no AVX2/FMA, or GOGRAD_GEMM=purego: gonum's Dgemm allocates
		t.Skip("the assembly path only")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	for _, n := range []int{1000, 256, 128} {
		r := rand.New(rand.NewPCG(63, 64))
		a, b, c := randSlice(r, n*n), randSlice(r, n*n), make([]float64, n*n)
		if n*n*n < ParallelMin && (!isDirect(n, n, n) || n*n*n < directParMin) {
			t.Fatalf("%d: not a parallel product", n)
		}
		got := parallelAllocs(50, func() {
			Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n)
		})
		// Not exactly 0: under load a helper can still hold the job (and
		// packing buffer) of the previous product when the next one
		// starts, which then takes new ones (the free lists are short
		// and capped). CI's first stage, with other packages' tests
		// running, saw 0.1. A product that allocated its jobs again
		// would count at least 1.
		if got >= 0.5 {
			t.Errorf("n=%d: %v allocations per product, want 0 (< 0.5 under load)", n, got)
		}
		t.Logf("n=%d: %v allocations per product", n, got)
	}
}

// parallelAllocs is testing.AllocsPerRun without its GOMAXPROCS of 1: the
// mean number of heap allocations of the process per call of f, after a
// warm-up call.
func parallelAllocs(runs int, f func()) float64 {
	f()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m0 := ms.Mallocs
	for range runs {
		f()
	}
	runtime.ReadMemStats(&ms)
	return float64(ms.Mallocs-m0) / float64(runs)
}

// TestPrivSharedBitIdentical checks that the parallel product with private
// packing (privShared, both orientations) gives exactly the bits of the
// serial cache-blocked product for any number of workers: every transpose,
// every residue of m mod 6 (edge tiles of 1–5 rows, in place or packed),
// partial slivers, one and several k panels (k = 1 too), items by rows
// taller than a packed block of A (3001 rows), alpha and beta.
func TestPrivSharedBitIdentical(t *testing.T) {
	if !asmSupported() {
		t.Skip("no AVX2/FMA")
	}
	shapes := [][3]int{{128, 256, 784}, {784, 256, 128}, {131, 77, 300}, {97, 130, 1}, {100, 9, 520},
		{1, 200, 70}, {61, 1, 257}, {256, 256, 256}, {35, 41, 13}, {3001, 9, 300}, {20, 24, 50}, {8, 17, 9}}
	r := rand.New(rand.NewPCG(71, 72))
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, tA := range transposes {
			for _, tB := range transposes {
				A, B := randOperands(r, m, n, k, tA, tB)
				// (Beta 0 or 1 with m mod 6 = 2 ends in tiles of 4, setTiles; 0.3·c is
				// rounded, where 0.5·c is exact, so merge and the kernel differ.)
				for _, ab := range [][2]float64{{1, 0}, {-1.5, 0.5}, {0.7, 0.3}} {
					c0 := randSlice(r, m*n)
					want := append([]float64(nil), c0...)
					packed(nil, A, B, m, n, k, ab[0], ab[1], want, n)
					for _, byRows := range []bool{false, true} {
						for _, w := range []int{1, 2, 3, 5} {
							got := append([]float64(nil), c0...)
							if !privShared(nil, A, B, m, n, k, ab[0], ab[1], got, n, w, byRows) {
								t.Fatalf("%v: privShared stopped", s)
							}
							if i := bitDiff(got, want); i >= 0 {
								t.Fatalf("%v tA=%c tB=%c alpha,beta=%v byRows=%v workers=%d: c[%d] = %v, serial %v",
									s, tA, tB, ab, byRows, w, i, got[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}

// TestDgemmTallBlocks runs a product whose blocks of A are 2·mc rows tall
// (blockRows), serial and parallel, against the reference.
func TestDgemmTallBlocks(t *testing.T) {
	if !asmSupported() {
		t.Skip("no AVX2/FMA")
	}
	if blockRows(1925) <= mc {
		t.Fatalf("blockRows(1925) = %d: not taller than mc", blockRows(1925))
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	r := rand.New(rand.NewPCG(77, 78))
	for _, cs := range []gemmCase{
		{blas.NoTrans, blas.NoTrans, 1925, 200, 330, 1, 1, 0}, // parallel, home rows
		{blas.Trans, blas.NoTrans, 1931, 7, 41, 2, -1.5, 0.5}, // serial, packed
	} {
		checkGemm(t, r, cs, false, nil)
	}
}

// TestPrivClaim checks privJob's claims: the caller's (front) get the
// items from 0 up, the helpers' (back) from the last down, every item goes
// to exactly one claim whatever the interleaving, and claims past the end
// get -1.
func TestPrivClaim(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		items int
		order string // f: a front claim, b: a back claim
		want  []int
	}{
		{1, "fb", []int{0, -1}},
		{1, "bf", []int{0, -1}},
		{4, "ffff", []int{0, 1, 2, 3}},
		{4, "bbbbb", []int{3, 2, 1, 0, -1}},
		{5, "fbfbfb", []int{0, 4, 1, 3, 2, -1}},
		{6, "ffbfbbff", []int{0, 1, 5, 2, 4, 3, -1, -1}},
	} {
		j := &privJob{items: c.items}
		got := make([]int, len(c.order))
		for i, o := range c.order {
			got[i] = j.claim(o == 'f')
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%d items, claims %q: got %v, want %v", c.items, c.order, got, c.want)
		}
	}
}

// TestPrivPlan checks which products run with private packing: W3's two
// large products (one by columns, one by rows), and W7's 512³ and larger
// products not.
func TestPrivPlan(t *testing.T) {
	for _, c := range []struct {
		m, n, k    int
		ok, byRows bool
	}{
		{128, 256, 784, true, false},
		{784, 256, 128, true, true},
		{128, 784, 256, true, false},
		{512, 512, 512, false, false},
		{1000, 1000, 1000, false, false},
	} {
		ok, byRows := privPlan(c.m, c.n, c.k, 2)
		if ok != c.ok || byRows != c.byRows {
			t.Errorf("privPlan(%d, %d, %d, 2) = %v, %v; want %v, %v", c.m, c.n, c.k, ok, byRows, c.ok, c.byRows)
		}
	}
}

// TestDgemmPrivShapes runs products that Dgemm computes with private
// packing (privPlan) against the reference: odd sizes near W3's, every
// transpose, k = 1, n = 1, alpha and beta.
func TestDgemmPrivShapes(t *testing.T) {
	if !asmSupported() {
		t.Skip("no AVX2/FMA")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	r := rand.New(rand.NewPCG(73, 74))
	for _, cs := range []gemmCase{
		{blas.NoTrans, blas.NoTrans, 130, 250, 790, 1, 1, 0},
		{blas.Trans, blas.NoTrans, 790, 250, 130, 0, 1, 0},
		{blas.NoTrans, blas.Trans, 127, 781, 255, 2, -1.5, 0.5},
		{blas.Trans, blas.Trans, 100, 1000, 70, 1, 2, 1},
		{blas.NoTrans, blas.NoTrans, 2600, 2600, 1, 0, 1, 0},
		{blas.Trans, blas.NoTrans, 7001, 1, 1000, 3, 1, 0.5},
	} {
		if ok, _ := privPlan(cs.m, cs.n, cs.k, 2); !ok || cs.m*cs.n*cs.k < ParallelMin {
			t.Fatalf("%+v: not a private parallel product", cs)
		}
		checkGemm(t, r, cs, false, nil)
	}
}

// TestHomeSharedBitIdentical checks that the parallel product in which each
// goroutine keeps to its rows of C (homeShared) gives exactly the bits of
// the serial cache-blocked product for any number of workers: every
// transpose, every residue of m mod 6, several k panels and k = 1, two
// column panels (the second, and so the last phase, of 2 slivers), more
// blocks than row tiles, alpha and beta.
func TestHomeSharedBitIdentical(t *testing.T) {
	if !asmSupported() {
		t.Skip("no AVX2/FMA")
	}
	shapes := [][3]int{{1000, 64, 300}, {1925, 37, 260}, {950, 4090, 9}, {907, 21, 1}, {13, 20, 7}, {601, 8, 530}, {512, 100, 512}}
	if testing.Short() {
		shapes = shapes[1:]
	}
	r := rand.New(rand.NewPCG(81, 82))
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, tA := range transposes {
			for _, tB := range transposes {
				A, B := randOperands(r, m, n, k, tA, tB)
				for _, ab := range [][2]float64{{1, 0}, {-1.5, 0.5}} {
					c0 := randSlice(r, m*n)
					want := append([]float64(nil), c0...)
					packed(nil, A, B, m, n, k, ab[0], ab[1], want, n)
					for _, w := range []int{1, 2, 3, 5} {
						got := append([]float64(nil), c0...)
						if !homeShared(nil, A, B, m, n, k, ab[0], ab[1], got, n, w) {
							t.Fatalf("%v: homeShared stopped", s)
						}
						if i := bitDiff(got, want); i >= 0 {
							t.Fatalf("%v tA=%c tB=%c alpha,beta=%v workers=%d: c[%d] = %v, serial %v",
								s, tA, tB, ab, w, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// TestHomePlan checks which parallel products keep each goroutine to its
// rows of C: W7's n = 512 and above, not n = 300 (W3's 784 rows would, but
// privPlan takes that product first).
func TestHomePlan(t *testing.T) {
	for _, c := range []struct {
		m, workers int
		want       bool
	}{
		{512, 2, true},
		{1000, 2, true},
		{2000, 2, true},
		{511, 2, false},
		{300, 2, false},
		{1000, 4, false},
		{1024, 4, true},
	} {
		if got := homePlan(c.m, c.workers); got != c.want {
			t.Errorf("homePlan(%d, %d) = %v, want %v", c.m, c.workers, got, c.want)
		}
	}
}

// TestHomeHelperIndex: helpers of a homeJob never take worker 0's rows,
// which are the caller's (participateCaller), whenever they join.
func TestHomeHelperIndex(t *testing.T) {
	for _, c := range []struct {
		workers int
		want    []int
	}{
		{1, []int{0, 0}},
		{2, []int{1, 1, 1}},
		{3, []int{1, 2, 1, 2}},
	} {
		j := &homeJob{workers: c.workers}
		var got []int
		for range c.want {
			got = append(got, j.helperIndex())
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("workers %d: helpers joined as %v, want %v", c.workers, got, c.want)
		}
	}
}

// bitDiff returns the first index at which got and want differ in any
// bit (so a NaN or a zero's sign counts), or -1 when they are the same.
func bitDiff(got, want []float64) int {
	for i := range got {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			return i
		}
	}
	return -1
}
