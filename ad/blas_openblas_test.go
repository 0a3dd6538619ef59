//go:build openblas && cgo

package ad

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

func TestOpenBLASInstalled(t *testing.T) {
	if _, ok := blas64.Implementation().(openBLAS); !ok {
		t.Fatalf("blas64 implementation is %T, want openBLAS in a build with -tags openblas", blas64.Implementation())
	}
}

// TestOpenBLASMatchesGonum compares OpenBLAS's GEMM and GEMV with gonum's on
// every transpose combination, with strides larger than the matrices.
func TestOpenBLASMatchesGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var ref gonum.Implementation
	o := openBLAS{}
	const m, n, k, pad = 7, 5, 6, 3
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
			a, b := opsRandData(r, ra*(ca+pad)), opsRandData(r, rb*(cb+pad))
			c1, c2 := opsRandData(r, m*(n+pad)), make([]float64, m*(n+pad))
			copy(c2, c1)
			o.Dgemm(tA, tB, m, n, k, 1.5, a, ca+pad, b, cb+pad, 0.5, c1, n+pad)
			ref.Dgemm(tA, tB, m, n, k, 1.5, a, ca+pad, b, cb+pad, 0.5, c2, n+pad)
			if !opsCloseSlices(c1, c2, 1e-12) {
				t.Errorf("Dgemm %v %v differs from gonum", tA, tB)
			}
		}
		x := opsRandData(r, 2*max(m, n))
		y1 := opsRandData(r, 2*max(m, n))
		y2 := append([]float64(nil), y1...)
		a := opsRandData(r, m*(n+pad))
		o.Dgemv(tA, m, n, 2, a, n+pad, x, 2, 0.5, y1, 2)
		ref.Dgemv(tA, m, n, 2, a, n+pad, x, 2, 0.5, y2, 2)
		if !opsCloseSlices(y1, y2, 1e-12) {
			t.Errorf("Dgemv %v differs from gonum", tA)
		}
	}
}
