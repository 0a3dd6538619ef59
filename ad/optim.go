package ad

// Optimisers: first-order methods over a parameter set (a slice or a map of
// tensors, the forms GradSlice and GradMap accept), and Minimize, which
// drives gonum's optimize package (BFGS, L-BFGS, CG, Newton) with ad's exact
// gradients and Hessians.

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// Optimizer is a first-order optimiser: plain or momentum SGD, RMSProp or
// Adam. Its exported fields are the hyper-parameters and may be changed
// between steps (a learning-rate schedule, say); its internal state (the
// velocities and moment estimates) is kept per parameter, by position for
// slices and by key for maps. Create one with NewSGD, NewRMSProp or NewAdam.
// An Optimizer is not safe for concurrent use.
type Optimizer struct {
	// Method is "sgd", "rmsprop" or "adam".
	Method string
	// LR is the learning rate (step size).
	LR float64
	// Momentum is SGD's momentum coefficient μ: v ← μv + g, x ← x − LR·v.
	Momentum float64
	// Decay is RMSProp's averaging coefficient γ for the squared gradient.
	Decay float64
	// Beta1 and Beta2 are Adam's averaging coefficients.
	Beta1, Beta2 float64
	// Eps guards RMSProp's and Adam's divisions.
	Eps float64

	t     int                  // steps taken (Adam's bias correction)
	state map[string][]float64 // per-parameter first state (velocity, mean)
	sq    map[string][]float64 // per-parameter second state (mean square)
}

// NewSGD returns stochastic gradient descent with learning rate lr and
// momentum (0 for plain gradient descent): v ← momentum·v + g, x ← x − lr·v.
func NewSGD(lr, momentum float64) *Optimizer {
	return &Optimizer{Method: "sgd", LR: lr, Momentum: momentum}
}

// NewRMSProp returns RMSProp with learning rate lr and averaging coefficient
// decay (0.9 is usual): s ← decay·s + (1−decay)·g², x ← x − lr·g/(√s + 1e-8).
func NewRMSProp(lr, decay float64) *Optimizer {
	return &Optimizer{Method: "rmsprop", LR: lr, Decay: decay, Eps: 1e-8}
}

// NewAdam returns Adam (Kingma and Ba) with learning rate lr and the usual
// β₁ = 0.9, β₂ = 0.999, ε = 1e-8, with bias correction.
func NewAdam(lr float64) *Optimizer {
	return &Optimizer{Method: "adam", LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// Reset forgets the optimiser's state, as if no step had been taken.
func (o *Optimizer) Reset() { o.t, o.state, o.sq = 0, nil, nil }

// update applies one step to the values x with gradient g, in place, using
// the state stored under key.
func (o *Optimizer) update(key string, x, g []float64) {
	if o.state == nil {
		o.state, o.sq = map[string][]float64{}, map[string][]float64{}
	}
	m := o.state[key]
	if len(m) != len(x) {
		m = make([]float64, len(x))
		o.state[key] = m
	}
	switch o.Method {
	case "sgd":
		for i := range x {
			m[i] = o.Momentum*m[i] + g[i]
			x[i] -= o.LR * m[i]
		}
	case "rmsprop":
		for i := range x {
			m[i] = o.Decay*m[i] + (1-o.Decay)*g[i]*g[i]
			x[i] -= o.LR * g[i] / (math.Sqrt(m[i]) + o.Eps)
		}
	case "adam":
		v := o.sq[key]
		if len(v) != len(x) {
			v = make([]float64, len(x))
			o.sq[key] = v
		}
		c1 := 1 - math.Pow(o.Beta1, float64(o.t))
		c2 := 1 - math.Pow(o.Beta2, float64(o.t))
		for i := range x {
			m[i] = o.Beta1*m[i] + (1-o.Beta1)*g[i]
			v[i] = o.Beta2*v[i] + (1-o.Beta2)*g[i]*g[i]
			x[i] -= o.LR * (m[i] / c1) / (math.Sqrt(v[i]/c2) + o.Eps)
		}
	default:
		panic(errorf(ErrArgument, "Optimizer", "unknown method %q: want \"sgd\", \"rmsprop\" or \"adam\"", o.Method))
	}
}

// stepOne returns the updated copy of one parameter.
func (o *Optimizer) stepOne(key string, p, g *Tensor) *Tensor {
	mustTensor("Step", p)
	mustTensor("Step", g)
	if !sameShape(p.shape, g.shape) {
		panic(errorf(ErrShape, "Step", "gradient of shape %s for parameter %s of shape %s", fmtShape(g.shape), key, fmtShape(p.shape)))
	}
	x := alloc("Step", len(p.data))
	copy(x, p.data)
	o.update(key, x, g.data)
	return newRaw(append([]int{}, p.shape...), x)
}

// Step returns the parameters after one step along the gradients (one per
// parameter, same shapes). The inputs are not modified. Step panics with
// ErrShape when the lists or shapes differ.
func (o *Optimizer) Step(params, grads []*Tensor) []*Tensor {
	if len(params) != len(grads) {
		panic(errorf(ErrShape, "Step", "%d parameters but %d gradients", len(params), len(grads)))
	}
	o.t++
	out := make([]*Tensor, len(params))
	for i := range params {
		out[i] = o.stepOne(strconv.Itoa(i), params[i], grads[i])
	}
	return out
}

// StepMap is Step for a named parameter set; grads must have the same keys.
func (o *Optimizer) StepMap(params, grads map[string]*Tensor) map[string]*Tensor {
	if len(params) != len(grads) {
		panic(errorf(ErrShape, "Step", "%d parameters but %d gradients", len(params), len(grads)))
	}
	o.t++
	out := make(map[string]*Tensor, len(params))
	for _, k := range sortedKeys(params) {
		g, ok := grads[k]
		if !ok {
			panic(errorf(ErrShape, "Step", "no gradient for parameter %q", k))
		}
		out[k] = o.stepOne("k:"+k, params[k], g)
	}
	return out
}

func sortedKeys(m map[string]*Tensor) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Run minimises the scalar loss f over params by iters steps and returns the
// final parameters. After each step it calls callback (when not nil) with
// the step number (from 1), the loss before the step and the new
// parameters, for printing progress or plotting a loss curve. Run stops with
// an ErrInterrupted panic when the kernel interrupts it.
func (o *Optimizer) Run(f func([]*Tensor) *Tensor, params []*Tensor, iters int, callback func(iter int, loss float64, params []*Tensor)) []*Tensor {
	vg := ValueAndGradSlice(f)
	for it := 1; it <= iters; it++ {
		checkInterrupt("Optimizer.Run")
		loss, grads := vg(params)
		params = o.Step(params, grads)
		if callback != nil {
			callback(it, loss.Item(), params)
		}
	}
	return params
}

// RunMap is Run for a named parameter set.
func (o *Optimizer) RunMap(f func(map[string]*Tensor) *Tensor, params map[string]*Tensor, iters int, callback func(iter int, loss float64, params map[string]*Tensor)) map[string]*Tensor {
	vg := ValueAndGradMap(f)
	for it := 1; it <= iters; it++ {
		checkInterrupt("Optimizer.Run")
		loss, grads := vg(params)
		params = o.StepMap(params, grads)
		if callback != nil {
			callback(it, loss.Item(), params)
		}
	}
	return params
}

// MinimizeOptions configure Minimize. The zero value of a field selects its
// default.
type MinimizeOptions struct {
	// Method is "BFGS" (the default), "LBFGS", "CG" or "Newton" (with the
	// exact Hessian from Hessian), case-insensitive.
	Method string
	// GradTol stops when the largest gradient component is below it
	// (default 1e-9).
	GradTol float64
	// MaxIter bounds the number of major iterations (default 10000).
	MaxIter int
}

// MinimizeResult is the outcome of Minimize.
type MinimizeResult struct {
	// X is the minimiser found, shaped like the starting point; F is f(X)
	// and Grad the gradient there.
	X    *Tensor
	F    float64
	Grad *Tensor
	// Path holds the starting point and every iterate, and Values f at
	// each, for plotting the optimiser's trajectory.
	Path   []*Tensor
	Values []float64
	// Iterations, FuncEvals, GradEvals and HessEvals count the work done.
	Iterations, FuncEvals, GradEvals, HessEvals int
	// Status is gonum's termination status ("GradientThreshold",
	// "FunctionConvergence", "IterationLimit", …).
	Status string
}

// String summarises the result on one line.
func (r *MinimizeResult) String() string {
	return fmt.Sprintf("Minimize: %s after %d iterations (%d function, %d gradient evaluations): f = %.10g",
		r.Status, r.Iterations, r.FuncEvals, r.GradEvals, r.F)
}

// Minimize minimises the scalar function f from x0 with method "BFGS",
// "LBFGS", "CG" or "Newton", using gonum's optimize package with ad's
// gradients (and, for Newton, ad's exact Hessian). See MinimizeWith.
func Minimize(f func(*Tensor) *Tensor, x0 *Tensor, method string) (*MinimizeResult, error) {
	return MinimizeWith(f, x0, MinimizeOptions{Method: method})
}

// pathRecorder collects the starting point and the iterates gonum reports
// as major iterations.
type pathRecorder struct {
	shape  []int
	path   []*Tensor
	values []float64
}

// Init implements optimize.Recorder.
func (r *pathRecorder) Init() error { return nil }

// Record implements optimize.Recorder, keeping each major iterate.
func (r *pathRecorder) Record(loc *optimize.Location, op optimize.Operation, _ *optimize.Stats) error {
	if op == optimize.MajorIteration {
		r.path = append(r.path, New(loc.X, r.shape...))
		r.values = append(r.values, loc.F)
	}
	return nil
}

// MinimizeWith minimises the scalar function f from x0 (any shape) with the
// given options. It returns the result together with a non-nil error when
// the method failed (a failed line search, say) or f panicked — the result
// then holds the best point reached. f is evaluated on gonum's worker
// goroutines, so f must not depend on goroutine-local state.
func MinimizeWith(f func(*Tensor) *Tensor, x0 *Tensor, opts MinimizeOptions) (*MinimizeResult, error) {
	if f == nil {
		panic(errorf(ErrNil, "Minimize", "nil function"))
	}
	mustTensor("Minimize", x0)
	var method optimize.Method
	switch strings.ToLower(opts.Method) {
	case "", "bfgs":
		method = &optimize.BFGS{}
	case "lbfgs", "l-bfgs":
		method = &optimize.LBFGS{}
	case "cg":
		method = &optimize.CG{}
	case "newton":
		method = &optimize.Newton{}
	default:
		panic(errorf(ErrArgument, "Minimize", "unknown method %q: want \"BFGS\", \"LBFGS\", \"CG\" or \"Newton\"", opts.Method))
	}
	shape := append([]int{}, x0.shape...)
	n := len(x0.data)
	flat := func(x *Tensor) *Tensor { return f(Reshape(x, shape...)) }

	// Evaluations run on gonum's goroutines: a panic there would kill the
	// process, so it is caught, recorded and turned into a failed status.
	var mu sync.Mutex
	var failure error
	guard := func(fn func()) bool {
		err := catchAny(fn)
		if err == nil {
			return true
		}
		mu.Lock()
		if failure == nil {
			failure = err
		}
		mu.Unlock()
		return false
	}
	// f and its gradient are computed together and cached by point.
	var cacheX, cacheG []float64
	var cacheF float64
	valueGrad := func(x []float64) (float64, []float64) {
		mu.Lock()
		if cacheX != nil && slices.Equal(cacheX, x) {
			fx, g := cacheF, cacheG
			mu.Unlock()
			return fx, g
		}
		mu.Unlock()
		var fx float64
		var g []float64
		ok := guard(func() {
			v, gr := ValueAndGrad(func(t *Tensor) *Tensor { return checkScalar(flat(t)) })(New(x))
			fx, g = v.Item(), gr.data
		})
		if !ok {
			return math.NaN(), make([]float64, len(x))
		}
		mu.Lock()
		cacheX, cacheF, cacheG = append([]float64(nil), x...), fx, g
		mu.Unlock()
		return fx, g
	}
	hess := Hessian(func(t *Tensor) *Tensor { return checkScalar(flat(t)) })
	problem := optimize.Problem{
		Func: func(x []float64) float64 { fx, _ := valueGrad(x); return fx },
		Grad: func(grad, x []float64) { _, g := valueGrad(x); copy(grad, g) },
		Hess: func(h *mat.SymDense, x []float64) {
			var hd []float64
			if !guard(func() { hd = hess(New(x)).data }) {
				hd = make([]float64, n*n)
			}
			for i := 0; i < n; i++ {
				for j := i; j < n; j++ {
					h.SetSym(i, j, 0.5*(hd[i*n+j]+hd[j*n+i]))
				}
			}
		},
		Status: func() (optimize.Status, error) {
			mu.Lock()
			defer mu.Unlock()
			if failure != nil {
				return optimize.Failure, failure
			}
			if Interrupted() {
				return optimize.Failure, errorf(ErrInterrupted, "Minimize", "interrupted")
			}
			return optimize.NotTerminated, nil
		},
	}
	gradTol, maxIter := opts.GradTol, opts.MaxIter
	if gradTol <= 0 {
		gradTol = 1e-9
	}
	if maxIter <= 0 {
		maxIter = 10000
	}
	rec := &pathRecorder{shape: shape, path: []*Tensor{plain(x0)}}
	settings := &optimize.Settings{
		GradientThreshold: gradTol,
		MajorIterations:   maxIter,
		Recorder:          rec,
		Converger:         &optimize.FunctionConverge{Absolute: 1e-15, Relative: 1e-15, Iterations: 50},
	}
	f0, _ := valueGrad(x0.data)
	rec.values = []float64{f0}
	res, err := optimize.Minimize(problem, append([]float64(nil), x0.data...), settings, method)
	mu.Lock()
	if failure != nil {
		err = failure
	}
	mu.Unlock()
	if res == nil {
		return nil, err
	}
	if last := rec.path[len(rec.path)-1]; !slices.Equal(last.data, res.X) {
		rec.path = append(rec.path, New(res.X, shape...))
		rec.values = append(rec.values, res.F)
	}
	out := &MinimizeResult{
		X:          New(res.X, shape...),
		F:          res.F,
		Path:       rec.path,
		Values:     rec.values,
		Iterations: res.MajorIterations,
		FuncEvals:  res.FuncEvaluations,
		GradEvals:  res.GradEvaluations,
		HessEvals:  res.HessEvaluations,
		Status:     res.Status.String(),
	}
	if len(res.Gradient) == n {
		out.Grad = New(res.Gradient, shape...)
	}
	var e *Error
	if err != nil && !errors.As(err, &e) {
		err = fmt.Errorf("ad.Minimize: %s: %w", out.Status, err)
	}
	return out, err
}

// catchAny runs f and returns any panic it raised as an error: the *Error
// itself for ad errors, and an error quoting the value (with a "panic:"
// prefix) otherwise. It is for code running on goroutines ad does not own,
// where an unrecovered panic would end the process.
func catchAny(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			switch v := r.(type) {
			case *Error:
				err = v
			case error:
				err = fmt.Errorf("panic: %w", v)
			default:
				err = fmt.Errorf("panic: %v", v)
			}
		}
	}()
	f()
	return nil
}

// checkScalar panics with ErrNonScalar unless y has one element, and returns
// it as a 0-d tensor.
func checkScalar(y *Tensor) *Tensor {
	if y == nil {
		panic(errorf(ErrNil, "Minimize", "the function returned a nil *Tensor"))
	}
	if len(y.data) != 1 {
		panic(errorf(ErrNonScalar, "Minimize", "the function returned shape %s, want a scalar", fmtShape(y.shape)))
	}
	if len(y.shape) != 0 {
		return Reshape(y, []int{}...)
	}
	return y
}
