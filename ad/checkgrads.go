package ad

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// CheckOptions configures CheckGradsWith. Zero fields take their defaults.
type CheckOptions struct {
	// Order is the highest derivative order checked (default 1).
	Order int
	// SkipForward and SkipReverse leave out one mode.
	SkipForward, SkipReverse bool
	// Eps is the central-difference step along the unit-variance random
	// direction (default 1e-6).
	Eps float64
	// Tol is the largest accepted relative error (default 1e-6); see
	// GradCheckResult.RelErr.
	Tol float64
	// Seed seeds the random directions (default 0: reproducible).
	Seed uint64
}

// GradCheckResult is one comparison of CheckGrads: a derivative computed by
// ad (Analytic) against central differences (Numeric), both as the scalar
// uᵀ·J·v for random directions u and v.
type GradCheckResult struct {
	// Arg is the index of the argument differentiated (0 for a function of
	// one tensor).
	Arg int
	// Order is the derivative order.
	Order int
	// Mode names the derivative path: "rev" or "fwd" at order 1; at order 2
	// "fwd(rev)" is the forward-mode derivative of the reverse-mode
	// derivative, and so on.
	Mode string
	// Analytic and Numeric are the two values compared.
	Analytic, Numeric float64
	// RelErr is |Analytic − Numeric| / max(|Analytic|, |Numeric|, 1).
	RelErr float64
	// OK reports RelErr ≤ the tolerance.
	OK bool
}

// GradCheckReport is the outcome of CheckGrads: every comparison made and
// whether all passed. Its String method renders a table.
type GradCheckReport struct {
	Tol     float64
	Results []GradCheckResult
	OK      bool
}

// CheckGrads compares f's derivatives at x, up to the given order, in both
// reverse and forward mode, with central finite differences along random
// directions (autograd's check_grads). Order 2 checks the four mixtures of
// modes too. f must be smooth near x. Errors raised by f propagate as panics.
func CheckGrads(f func(*Tensor) *Tensor, x *Tensor, order int) *GradCheckReport {
	return CheckGradsWith(f, x, CheckOptions{Order: order})
}

// CheckGradsWith is CheckGrads with options.
func CheckGradsWith(f func(*Tensor) *Tensor, x *Tensor, opts CheckOptions) *GradCheckReport {
	return CheckGradsSlice(func(xs []*Tensor) *Tensor { return f(xs[0]) }, []*Tensor{x}, opts)
}

// CheckGradsSlice checks a function of several tensors, differentiating with
// respect to each argument in turn with the others held fixed.
func CheckGradsSlice(f func([]*Tensor) *Tensor, xs []*Tensor, opts CheckOptions) *GradCheckReport {
	if f == nil {
		panic(errorf(ErrNil, "CheckGrads", "nil function"))
	}
	if opts.Order == 0 {
		opts.Order = 1
	}
	if opts.Order < 0 || opts.Order > 8 {
		panic(errorf(ErrArgument, "CheckGrads", "order %d out of range 1..8", opts.Order))
	}
	if opts.Eps == 0 {
		opts.Eps = 1e-6
	}
	if opts.Tol == 0 {
		opts.Tol = 1e-6
	}
	if opts.SkipForward && opts.SkipReverse {
		panic(errorf(ErrArgument, "CheckGrads", "both modes skipped"))
	}
	c := &checker{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15)), rep: &GradCheckReport{Tol: opts.Tol, OK: true}}
	plainXs := make([]*Tensor, len(xs))
	for i, x := range xs {
		plainXs[i] = plain(mustTensor("CheckGrads", x))
	}
	for i := range plainXs {
		h := func(xi *Tensor) *Tensor {
			args := append([]*Tensor(nil), plainXs...)
			args[i] = xi
			return f(args)
		}
		c.check(i, h, plainXs[i], 1, "")
	}
	return c.rep
}

type checker struct {
	opts CheckOptions
	rng  *rand.Rand
	rep  *GradCheckReport
}

func (c *checker) randn(shape []int) *Tensor {
	d := make([]float64, shapeSize("CheckGrads", shape))
	for i := range d {
		d[i] = c.rng.NormFloat64()
	}
	return newRaw(append([]int{}, shape...), d)
}

func dot(a, b *Tensor) float64 {
	s := 0.0
	for i, v := range a.data {
		s += v * b.data[i]
	}
	return s
}

func axpy(x *Tensor, a float64, v *Tensor) *Tensor {
	d := make([]float64, len(x.data))
	for i := range d {
		d[i] = x.data[i] + a*v.data[i]
	}
	return newRaw(x.shape, d)
}

// check compares h's derivative at x in each mode, then recurses on the
// derivative functions while order allows.
func (c *checker) check(arg int, h func(*Tensor) *Tensor, x *Tensor, order int, path string) {
	y := h(x)
	u, v := c.randn(y.shape), c.randn(x.shape)
	eps := c.opts.Eps
	yp, ym := plain(h(axpy(x, eps, v))), plain(h(axpy(x, -eps, v)))
	numeric := (dot(u, yp) - dot(u, ym)) / (2 * eps)
	type mode struct {
		name string
		skip bool
	}
	for _, m := range []mode{{"rev", c.opts.SkipReverse}, {"fwd", c.opts.SkipForward}} {
		if m.skip {
			continue
		}
		var analytic float64
		var next func(*Tensor) *Tensor
		if m.name == "rev" {
			_, pb := makeVJP("CheckGrads", h, x)
			analytic = dot(plain(pb(u)), v)
			next = func(x *Tensor) *Tensor {
				_, pb := makeVJP("CheckGrads", h, x)
				return pb(u)
			}
		} else {
			_, t := makeJVP("CheckGrads", h, x, v)
			analytic = dot(u, plain(t))
			next = func(x *Tensor) *Tensor {
				_, t := makeJVP("CheckGrads", h, x, v)
				return t
			}
		}
		name := m.name
		if path != "" {
			name = m.name + "(" + path + ")"
		}
		rel := math.Abs(analytic-numeric) / math.Max(1, math.Max(math.Abs(analytic), math.Abs(numeric)))
		ok := rel <= c.opts.Tol
		if !ok {
			c.rep.OK = false
		}
		c.rep.Results = append(c.rep.Results, GradCheckResult{Arg: arg, Order: order, Mode: name, Analytic: analytic, Numeric: numeric, RelErr: rel, OK: ok})
		if order < c.opts.Order {
			c.check(arg, next, x, order+1, name)
		}
	}
}

// Failed returns the results that exceeded the tolerance.
func (r *GradCheckReport) Failed() []GradCheckResult {
	var out []GradCheckResult
	for _, res := range r.Results {
		if !res.OK {
			out = append(out, res)
		}
	}
	return out
}

// Err returns nil when every check passed, and otherwise an error wrapping
// ErrGradCheck that lists the failed checks.
func (r *GradCheckReport) Err() error {
	if r.OK {
		return nil
	}
	var b strings.Builder
	for i, res := range r.Failed() {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "arg %d order %d %s: analytic %.10g, numeric %.10g (rel. error %.2g)", res.Arg, res.Order, res.Mode, res.Analytic, res.Numeric, res.RelErr)
	}
	return errorf(ErrGradCheck, "CheckGrads", "%d of %d checks failed: %s", len(r.Failed()), len(r.Results), b.String())
}

// String renders the report as a table with a summary line.
func (r *GradCheckReport) String() string {
	var b strings.Builder
	failed := len(r.Failed())
	if failed == 0 {
		fmt.Fprintf(&b, "gradient check: %d checks passed (tolerance %.0e)\n", len(r.Results), r.Tol)
	} else {
		fmt.Fprintf(&b, "gradient check: %d of %d checks FAILED (tolerance %.0e)\n", failed, len(r.Results), r.Tol)
	}
	fmt.Fprintf(&b, "%3s %5s  %-16s %16s %16s %9s  %s\n", "arg", "order", "mode", "analytic", "numeric", "rel.err", "ok")
	for _, res := range r.Results {
		ok := "ok"
		if !res.OK {
			ok = "FAIL"
		}
		fmt.Fprintf(&b, "%3d %5d  %-16s %16.9g %16.9g %9.2e  %s\n", res.Arg, res.Order, res.Mode, res.Analytic, res.Numeric, res.RelErr, ok)
	}
	return b.String()
}

// TB is the part of testing.TB that AssertGrads uses, so that the package
// need not import testing.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// AssertGrads runs CheckGrads and reports a test failure with the report's
// table when a check fails. It returns whether all checks passed.
func AssertGrads(t TB, f func(*Tensor) *Tensor, x *Tensor, order int) bool {
	t.Helper()
	r := CheckGrads(f, x, order)
	if !r.OK {
		t.Errorf("%s", r)
	}
	return r.OK
}
