package ad

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// kernelRand returns n standard normal values from a fixed seed.
func kernelRand(seed uint64, n int) []float64 {
	r := rand.New(rand.NewPCG(seed, 7))
	d := make([]float64, n)
	for i := range d {
		d[i] = r.NormFloat64()
	}
	return d
}

// naiveMatMul multiplies batch m×k by k×n blocks with plain loops.
func naiveMatMul(a, b []float64, batch, m, k, n int) []float64 {
	out := make([]float64, batch*m*n)
	for bi := 0; bi < batch; bi++ {
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var s float64
				for l := 0; l < k; l++ {
					s += a[bi*m*k+i*k+l] * b[bi*k*n+l*n+j]
				}
				out[bi*m*n+i*n+j] = s
			}
		}
	}
	return out
}

// naiveT transposes batch m×n blocks.
func naiveT(a []float64, batch, m, n int) []float64 {
	out := make([]float64, len(a))
	for bi := 0; bi < batch; bi++ {
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				out[bi*m*n+j*m+i] = a[bi*m*n+i*n+j]
			}
		}
	}
	return out
}

// spdBatch returns batch random SPD n×n matrices A Aᵀ + n I.
func spdBatch(seed uint64, batch, n int) []float64 {
	a := kernelRand(seed, batch*n*n)
	s := naiveMatMul(a, naiveT(a, batch, n, n), batch, n, n, n)
	for bi := 0; bi < batch; bi++ {
		for i := 0; i < n; i++ {
			s[bi*n*n+i*n+i] += float64(n)
		}
	}
	return s
}

func closeSlices(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(got[i] - want[i]); d > tol*(1+math.Abs(want[i])) || math.IsNaN(got[i]) {
			t.Fatalf("%s: element %d: got %v want %v", what, i, got[i], want[i])
		}
	}
}

func TestKernelCholeskyAndSolves(t *testing.T) {
	t.Parallel()
	// The last case is large enough for the column-parallel triangular solve.
	for _, c := range []struct{ batch, n, k int }{{1, 1, 1}, {1, 4, 2}, {3, 5, 3}, {2, 8, 1}, {1, 130, 150}} {
		a := spdBatch(1, c.batch, c.n)
		l, err := kCholesky(a, c.batch, c.n)
		if err != nil {
			t.Fatal(err)
		}
		closeSlices(t, "L Lᵀ", naiveMatMul(l, naiveT(l, c.batch, c.n, c.n), c.batch, c.n, c.n, c.n), a, 1e-12)
		for bi := 0; bi < c.batch; bi++ {
			for i := 0; i < c.n; i++ {
				for j := i + 1; j < c.n; j++ {
					if l[bi*c.n*c.n+i*c.n+j] != 0 {
						t.Fatalf("L not lower triangular at (%d,%d)", i, j)
					}
				}
			}
		}
		b := kernelRand(2, c.batch*c.n*c.k)
		for _, trans := range []bool{false, true} {
			x, err := kSolveTriangular(l, b, c.batch, c.n, c.k, true, trans)
			if err != nil {
				t.Fatal(err)
			}
			op := l
			if trans {
				op = naiveT(l, c.batch, c.n, c.n)
			}
			closeSlices(t, "triangular solve", naiveMatMul(op, x, c.batch, c.n, c.n, c.k), b, 1e-10)
		}
		x, err := kSolve(a, b, c.batch, c.n, c.k)
		if err != nil {
			t.Fatal(err)
		}
		closeSlices(t, "solve", naiveMatMul(a, x, c.batch, c.n, c.n, c.k), b, 1e-10)
		inv, err := kInv(a, c.batch, c.n)
		if err != nil {
			t.Fatal(err)
		}
		eye := make([]float64, len(a))
		for bi := 0; bi < c.batch; bi++ {
			for i := 0; i < c.n; i++ {
				eye[bi*c.n*c.n+i*c.n+i] = 1
			}
		}
		closeSlices(t, "A inv(A)", naiveMatMul(a, inv, c.batch, c.n, c.n, c.n), eye, 1e-10)
	}
}

func TestKernelDet(t *testing.T) {
	t.Parallel()
	a := []float64{2, -1, 0, 1, 3, 4, 0, 5, -2 /**/, 0, 1, 0, 1, 0, 0, 0, 0, 1}
	// Closed forms: 2(3·-2 − 4·5) + 1(1·-2 − 0) = -52 − 2 = -54; a row swap = -1.
	want := []float64{-54, -1}
	closeSlices(t, "det", kDet(a, 2, 3), want, 1e-13)
	sign, logabs := kSlogDet(a, 2, 3)
	closeSlices(t, "sign", sign, []float64{-1, -1}, 0)
	closeSlices(t, "logabs", logabs, []float64{math.Log(54), 0}, 1e-13)
	sing := []float64{1, 2, 2, 4}
	sign, logabs = kSlogDet(sing, 1, 2)
	if sign[0] != 0 || !math.IsInf(logabs[0], -1) {
		t.Errorf("slogdet of a singular matrix: got (%v, %v) want (0, -Inf)", sign[0], logabs[0])
	}
}

func TestKernelFailures(t *testing.T) {
	t.Parallel()
	sing := []float64{1, 2, 2, 4}
	if _, err := kInv(sing, 1, 2); !errors.Is(err, errSingular) {
		t.Errorf("kInv singular: got %v want errSingular", err)
	}
	if _, err := kSolve(sing, []float64{1, 1}, 1, 2, 1); !errors.Is(err, errSingular) {
		t.Errorf("kSolve singular: got %v want errSingular", err)
	}
	if _, err := kCholesky([]float64{1, 2, 2, 1}, 1, 2); !errors.Is(err, errNotPD) {
		t.Errorf("kCholesky indefinite: got %v want errNotPD", err)
	}
	if _, err := kSolveTriangular([]float64{1, 0, 3, 0}, []float64{1, 1}, 1, 2, 1, true, false); !errors.Is(err, errSingular) {
		t.Errorf("kSolveTriangular zero diagonal: got %v want errSingular", err)
	}
}

func TestKernelEighSVD(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ batch, m, n int }{{1, 1, 1}, {2, 4, 4}, {1, 5, 3}, {3, 2, 6}} {
		if c.m == c.n {
			a := spdBatch(3, c.batch, c.n)
			w, v, err := kEigh(a, c.batch, c.n)
			if err != nil {
				t.Fatal(err)
			}
			// A V = V diag(w).
			av := naiveMatMul(a, v, c.batch, c.n, c.n, c.n)
			vw := make([]float64, len(v))
			for bi := 0; bi < c.batch; bi++ {
				for i := 0; i < c.n; i++ {
					for j := 0; j < c.n; j++ {
						vw[bi*c.n*c.n+i*c.n+j] = v[bi*c.n*c.n+i*c.n+j] * w[bi*c.n+j]
					}
				}
				for j := 1; j < c.n; j++ {
					if w[bi*c.n+j] < w[bi*c.n+j-1] {
						t.Fatalf("eigenvalues not ascending: %v", w)
					}
				}
			}
			closeSlices(t, "A V", av, vw, 1e-10)
		}
		a := kernelRand(4, c.batch*c.m*c.n)
		u, s, vt, err := kSVD(a, c.batch, c.m, c.n)
		if err != nil {
			t.Fatal(err)
		}
		k := min(c.m, c.n)
		us := make([]float64, len(u))
		for bi := 0; bi < c.batch; bi++ {
			for i := 0; i < c.m; i++ {
				for j := 0; j < k; j++ {
					us[bi*c.m*k+i*k+j] = u[bi*c.m*k+i*k+j] * s[bi*k+j]
				}
			}
		}
		closeSlices(t, "U S Vt", naiveMatMul(us, vt, c.batch, c.m, k, c.n), a, 1e-10)
	}
}
