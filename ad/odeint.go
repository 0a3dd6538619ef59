package ad

import "math"

// Odeint integrates the system dy/dt = f(y, t) from y(ts[0]) = y0 and
// returns y at every time of ts, stacked as (len(ts), y0's shape...), like
// scipy.integrate.odeint (whose gradient autograd defines) with its default
// tolerances rtol = atol = 1.49012e-8. See OdeintTol.
func Odeint(f func(y *Tensor, t float64) *Tensor, y0 *Tensor, ts []float64) *Tensor {
	return OdeintTol(f, y0, ts, 1.49012e-8, 1.49012e-8)
}

// OdeintTol is Odeint with explicit relative and absolute tolerances.
//
// The solver is the adaptive Dormand–Prince 5(4) Runge–Kutta method, its
// steps ending exactly on the times of ts, written with ad's operations:
// the result is differentiable, to any order and in both modes, with
// respect to y0 and to anything f captures (parameters of the system),
// through the steps taken. The step sizes are chosen from the values only,
// so derivatives agree with those of the exact solution to about the
// tolerance. ts must be strictly monotonic (increasing or decreasing);
// times themselves get no gradient. It panics with ErrArgument for bad
// times or tolerances, with ErrShape when f returns a tensor not shaped
// like y, and with ErrArgument after 100 000 steps (a stiff system, for
// which an explicit method is not suited).
func OdeintTol(f func(y *Tensor, t float64) *Tensor, y0 *Tensor, ts []float64, rtol, atol float64) *Tensor {
	const op = "Odeint"
	if f == nil {
		panic(errorf(ErrNil, op, "nil function"))
	}
	mustTensor(op, y0)
	if len(ts) == 0 {
		panic(errorf(ErrArgument, op, "no output times"))
	}
	if !(rtol >= 0) || !(atol >= 0) || rtol+atol == 0 {
		panic(errorf(ErrArgument, op, "tolerances rtol = %g, atol = %g: want ≥ 0, not both 0", rtol, atol))
	}
	dir := 0.0
	for i, t := range ts {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			panic(errorf(ErrArgument, op, "time %d is %g", i, t))
		}
		if i > 0 {
			d := math.Copysign(1, ts[i]-ts[i-1])
			if ts[i] == ts[i-1] || (dir != 0 && d != dir) {
				panic(errorf(ErrArgument, op, "times must be strictly increasing or decreasing (ts[%d] = %g, ts[%d] = %g)", i-1, ts[i-1], i, ts[i]))
			}
			dir = d
		}
	}
	call := func(y *Tensor, t float64) *Tensor {
		k := f(y, t)
		if k == nil {
			panic(errorf(ErrNil, op, "the function returned a nil *Tensor"))
		}
		if !sameShape(k.shape, y0.shape) {
			panic(errorf(ErrShape, op, "the function returned shape %s for y of shape %s", fmtShape(k.shape), fmtShape(y0.shape)))
		}
		return k
	}
	out := make([]*Tensor, len(ts))
	out[0] = y0
	y, t := y0, ts[0]
	if len(ts) == 1 {
		return Stack(out, 0)
	}
	k1 := call(y, t)
	h := initialStep(plain(y), plain(k1), ts[len(ts)-1]-t, rtol, atol)
	steps := 0
	for i := 1; i < len(ts); i++ {
		for t != ts[i] {
			checkInterrupt(op)
			if steps++; steps > 100000 {
				panic(errorf(ErrArgument, op, "more than 100000 steps before t = %g (a stiff system? a smaller interval?)", ts[i]))
			}
			last := false
			if math.Abs(h) >= math.Abs(ts[i]-t) {
				h, last = ts[i]-t, true
			}
			ynew, k7, errNorm := dopriStep(call, y, t, h, k1, rtol, atol)
			if errNorm <= 1 || math.Abs(h) <= 1e-14*math.Max(1, math.Abs(t)) {
				y, k1 = ynew, k7
				if last {
					t = ts[i]
				} else {
					t += h
				}
			}
			fac := 5.0
			if errNorm > 0 {
				fac = math.Min(5, math.Max(0.2, 0.9*math.Pow(errNorm, -0.2)))
			}
			h *= fac
		}
		out[i] = y
	}
	return Stack(out, 0)
}

// initialStep guesses a first step from the scale of y and y′ (Hairer,
// Nørsett and Wanner's simple rule), signed like span and not beyond it.
func initialStep(y, dy *Tensor, span, rtol, atol float64) float64 {
	var d0, d1 float64
	for i, v := range y.data {
		sc := atol + rtol*math.Abs(v)
		d0 += (v / sc) * (v / sc)
		d1 += (dy.data[i] / sc) * (dy.data[i] / sc)
	}
	h := 1e-6
	if d0 > 1e-10 && d1 > 1e-10 {
		h = 0.01 * math.Sqrt(d0/d1)
	}
	h = math.Min(h, math.Abs(span))
	return math.Copysign(h, span)
}

// Dormand–Prince 5(4) coefficients.
var (
	dopriC = [7]float64{0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1}
	dopriA = [7][6]float64{
		{},
		{1.0 / 5},
		{3.0 / 40, 9.0 / 40},
		{44.0 / 45, -56.0 / 15, 32.0 / 9},
		{19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
		{9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
		{35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84},
	}
	// dopriE is the difference between the 5th- and 4th-order weights.
	dopriE = [7]float64{71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40}
)

// dopriStep takes one step of size h from (t, y) with y′ = k1 already known,
// returning the 5th-order solution, its derivative (the next step's k1) and
// the scaled error norm (≤ 1 to accept), computed on plain values.
func dopriStep(call func(*Tensor, float64) *Tensor, y *Tensor, t, h float64, k1 *Tensor, rtol, atol float64) (*Tensor, *Tensor, float64) {
	var k [7]*Tensor
	k[0] = k1
	var ynew *Tensor
	for s := 1; s < 7; s++ {
		acc := y
		for j := 0; j < s; j++ {
			if a := dopriA[s][j]; a != 0 {
				acc = Add(acc, Mul(k[j], h*a))
			}
		}
		if s == 6 {
			ynew = acc
		}
		k[s] = call(acc, t+dopriC[s]*h)
	}
	yp, yn := plain(y), plain(ynew)
	var kp [7][]float64
	for s := range k {
		kp[s] = plain(k[s]).data
	}
	var sum float64
	for i := range yp.data {
		var e float64
		for s := 0; s < 7; s++ {
			e += dopriE[s] * kp[s][i]
		}
		e *= h
		sc := atol + rtol*math.Max(math.Abs(yp.data[i]), math.Abs(yn.data[i]))
		sum += (e / sc) * (e / sc)
	}
	errNorm := 0.0
	if n := len(yp.data); n > 0 {
		errNorm = math.Sqrt(sum / float64(n))
	}
	if math.IsNaN(errNorm) {
		errNorm = math.Inf(1)
	}
	return ynew, k[6], errNorm
}
