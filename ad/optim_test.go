package ad

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

// rosenbrock is (1−x)² + 100(y−x²)², minimal at (1, 1).
func rosenbrock(p *Tensor) *Tensor {
	x, y := Index(p, 0), Index(p, 1)
	return Add(Square(Sub(1, x)), Mul(100, Square(Sub(y, Square(x)))))
}

// leastSquares returns ‖A x − b‖² for a fixed random A (20×5), b, and the
// exact minimiser from the normal equations.
func leastSquares() (func(*Tensor) *Tensor, *Tensor) {
	a := randTensor(50, 20, 5)
	b := randTensor(51, 20)
	f := func(x *Tensor) *Tensor { return Sum(Square(Sub(MatMul(a, x), b))) }
	want := Solve(MatMul(Transpose(a), a), MatMul(Transpose(a), b))
	return f, want
}

func maxDiff(a, b *Tensor) float64 {
	var m float64
	for i, v := range a.data {
		m = math.Max(m, math.Abs(v-b.data[i]))
	}
	return m
}

func TestMinimize(t *testing.T) {
	t.Parallel()
	ls, lsWant := leastSquares()
	for _, method := range []string{"BFGS", "LBFGS", "CG", "Newton"} {
		res, err := Minimize(rosenbrock, New([]float64{-1.2, 1}), method)
		if err != nil {
			t.Errorf("%s on Rosenbrock: %v", method, err)
			continue
		}
		if d := maxDiff(res.X, New([]float64{1, 1})); d > 1e-6 {
			t.Errorf("%s on Rosenbrock: got %v (%v), want (1, 1) within 1e-6", method, res.X, res)
		}
		if len(res.Path) < 2 || maxDiff(res.Path[0], New([]float64{-1.2, 1})) != 0 || len(res.Values) != len(res.Path) ||
			maxDiff(res.Path[len(res.Path)-1], res.X) != 0 || res.Values[len(res.Values)-1] != res.F {
			t.Errorf("%s: path of %d points starting at %v, want the start and each iterate", method, len(res.Path), res.Path[0])
		}
		res, err = Minimize(ls, Zeros(5), method)
		if err != nil {
			t.Errorf("%s on least squares: %v", method, err)
			continue
		}
		if d := maxDiff(res.X, lsWant); d > 1e-8 {
			t.Errorf("%s on least squares: max error %g, want ≤ 1e-8", method, d)
		}
	}
}

func TestMinimizeMatrixShapedStart(t *testing.T) {
	t.Parallel()
	c := randTensor(60, 2, 3)
	for _, method := range []string{"Newton", "BFGS"} {
		res, err := Minimize(func(x *Tensor) *Tensor { return Sum(Square(Sub(x, c))) }, Zeros(2, 3), method)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		if !sameShape(res.X.shape, []int{2, 3}) || !sameShape(res.Grad.shape, []int{2, 3}) || maxDiff(res.X, c) > 1e-9 {
			t.Errorf("%s: got X %v (shape %v), want %v", method, res.X, res.X.shape, c)
		}
	}
}

func TestMinimizeErrors(t *testing.T) {
	t.Parallel()
	_, err := Minimize(func(x *Tensor) *Tensor { return x }, Zeros(2), "BFGS")
	if !errors.Is(err, ErrNonScalar) {
		t.Errorf("non-scalar objective: got %v want ErrNonScalar", err)
	}
	_, err = Minimize(func(x *Tensor) *Tensor { return Sum(Inv(Reshape(x, 2, 2))) }, Zeros(4), "BFGS")
	if !errors.Is(err, ErrSingular) {
		t.Errorf("objective panicking with a singular matrix: got %v want ErrSingular", err)
	}
	// A plain Go panic in the objective (it runs on gonum's goroutines)
	// becomes an error instead of ending the process.
	_, err = Minimize(func(x *Tensor) *Tensor { var s []int; _ = s[len(x.Shape())]; return Sum(x) }, Zeros(2), "LBFGS")
	if err == nil || !strings.Contains(err.Error(), "index out of range") {
		t.Errorf("objective with a runtime panic: got %v, want an error quoting it", err)
	}
	if e := Catch(func() { Minimize(rosenbrock, Zeros(2), "simplex") }); !errors.Is(e, ErrArgument) {
		t.Errorf("unknown method: got %v want ErrArgument", e)
	}
}

// annealed returns a learning-rate schedule for iters steps that decays
// geometrically from lr to lr·1e-6.
func annealed(lr float64, iters int) func(it int) float64 {
	return func(it int) float64 { return lr * math.Pow(1e-6, float64(it)/float64(iters)) }
}

// TestFirstOrderOptimizers runs each optimiser on problems with a known
// minimum. SGD converges to the least-squares solution at a constant rate,
// so it is held to 1e-8. Adam with a constant rate does not converge to a
// point: once the gradient is at rounding level, m̂/√v̂ is the ratio of two
// noise averages and stays of order 1, so the iterate wanders at a distance
// set by the rate (with rate 0.05: 2e-16 after 1000 steps, 2e-5 after 3000,
// 1e-4 after 5000). Its convergence theory needs a decaying rate, so Adam
// runs on least squares with a geometrically annealed one and is then held
// to the same 1e-8 (annealed over 2000 steps or more it ends within 2e-12,
// over 3000 within 1e-15, for starting rates 0.02 to 0.2). RMSProp at a
// constant rate has the same kind of floor, of order its rate (4e-4 here);
// Rosenbrock's tolerances are those of its curved valley.
func TestFirstOrderOptimizers(t *testing.T) {
	t.Parallel()
	ls, lsWant := leastSquares()
	tests := []struct {
		name     string
		opt      *Optimizer
		schedule func(it int) float64 // learning rate after step it; nil keeps it constant
		f        func(*Tensor) *Tensor
		x0       *Tensor
		iters    int
		want     *Tensor
		tol      float64
	}{
		{"SGD on least squares", NewSGD(0.01, 0), nil, ls, Zeros(5), 2000, lsWant, 1e-8},
		{"SGD momentum on least squares", NewSGD(0.005, 0.9), nil, ls, Zeros(5), 500, lsWant, 1e-8},
		{"RMSProp on least squares", NewRMSProp(0.001, 0.9), nil, ls, Zeros(5), 3000, lsWant, 1e-2},
		{"Adam on least squares", NewAdam(0.05), annealed(0.05, 3000), ls, Zeros(5), 3000, lsWant, 1e-8},
		{"SGD momentum on Rosenbrock", NewSGD(0.0005, 0.9), nil, rosenbrock, New([]float64{-1.2, 1}), 20000, New([]float64{1, 1}), 1e-4},
		{"Adam on Rosenbrock", NewAdam(0.02), nil, rosenbrock, New([]float64{-1.2, 1}), 10000, New([]float64{1, 1}), 1e-3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			calls := 0
			var last float64
			f := func(p []*Tensor) *Tensor { return tc.f(p[0]) }
			p := tc.opt.Run(f, []*Tensor{tc.x0}, tc.iters, func(it int, loss float64, _ []*Tensor) {
				calls++
				last = loss
				if tc.schedule != nil {
					tc.opt.LR = tc.schedule(it)
				}
			})
			if calls != tc.iters || math.IsNaN(last) {
				t.Errorf("callback ran %d times (last loss %v), want %d", calls, last, tc.iters)
			}
			if d := maxDiff(p[0], tc.want); d > tc.tol {
				t.Errorf("got %v, want %v within %g (max error %g)", p[0], tc.want, tc.tol, d)
			}
		})
	}
}

func TestOptimizerMap(t *testing.T) {
	t.Parallel()
	// Fit y = w·x + b by Adam over a named parameter set.
	x := Linspace(-1, 1, 20)
	y := Add(Mul(x, 3), 0.5)
	loss := func(p map[string]*Tensor) *Tensor {
		return Mean(Square(Sub(Add(Mul(x, p["w"]), p["b"]), y)))
	}
	opt := NewAdam(0.05)
	p := opt.RunMap(loss, map[string]*Tensor{"w": Scalar(0), "b": Scalar(0)}, 2000, nil)
	if math.Abs(p["w"].Item()-3) > 1e-4 || math.Abs(p["b"].Item()-0.5) > 1e-4 {
		t.Errorf("Adam fit: got w=%v b=%v want 3 and 0.5", p["w"], p["b"])
	}
	if e := Catch(func() { opt.StepMap(p, map[string]*Tensor{"w": Scalar(0), "c": Scalar(0)}) }); !errors.Is(e, ErrShape) {
		t.Errorf("StepMap with a missing key: got %v want ErrShape", e)
	}
	if e := Catch(func() { opt.Step([]*Tensor{Zeros(2)}, []*Tensor{Zeros(3)}) }); !errors.Is(e, ErrShape) {
		t.Errorf("Step with mismatched shapes: got %v want ErrShape", e)
	}
}

func TestOptimizerInterrupt(t *testing.T) {
	// Not parallel: Interrupt is process-wide.
	p0 := []*Tensor{Ones(2)}
	Interrupt()
	defer ResetInterrupt()
	err := Catch(func() {
		NewSGD(0.1, 0).Run(func(p []*Tensor) *Tensor { return Sum(Square(p[0])) }, p0, 10, nil)
	})
	if !errors.Is(err, ErrInterrupted) {
		t.Errorf("Run after Interrupt: got %v want ErrInterrupted", err)
	}
}

func ExampleMinimize() {
	res, err := Minimize(rosenbrock, New([]float64{-1.2, 1}), "Newton")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.6f %v\n", res.X.Data(), strings.Contains(res.String(), "GradientThreshold"))
	// Output: [1.000000 1.000000] true
}

func ExampleOptimizer_Run() {
	opt := NewSGD(0.1, 0.5)
	p := opt.Run(func(p []*Tensor) *Tensor { return Sum(Square(Sub(p[0], 3))) }, []*Tensor{Scalar(0)}, 100,
		func(it int, loss float64, p []*Tensor) {
			if it%50 == 0 {
				fmt.Printf("step %d: loss below 1e-12: %v\n", it, loss < 1e-12)
			}
		})
	fmt.Printf("%.6f\n", p[0].Item())
	// Output:
	// step 50: loss below 1e-12: true
	// step 100: loss below 1e-12: true
	// 3.000000
}
