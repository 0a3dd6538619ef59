package ad

// Scalar kernels of the special functions: digamma and the polygamma
// functions, whose derivatives are each other.

import "math"

// polyShift is the argument above which the asymptotic series are used; the
// recurrence ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x+1) − (−1)ⁿ n!/x^(n+1) shifts smaller arguments.
const polyShift = 12

// bernoulli2k holds B₂, B₄, …, B₁₈.
var bernoulli2k = []float64{1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6, -3617.0 / 510, 43867.0 / 798}

// digamma returns ψ(x) = d/dx ln Γ(x). It is NaN at the negative integers
// and -Inf at zero, like scipy.special.digamma.
func digamma(x float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsInf(x, -1):
		return math.NaN()
	case math.IsInf(x, 1):
		return x
	case x == 0:
		return math.Copysign(math.Inf(1), -x)
	case x < 0:
		if x == math.Floor(x) {
			return math.NaN()
		}
		// Reflection: ψ(1−x) − ψ(x) = π cot(πx).
		return digamma(1-x) - math.Pi/math.Tan(math.Pi*x)
	}
	var acc float64
	for x < polyShift {
		acc -= 1 / x
		x++
	}
	// ψ(x) ~ ln x − 1/(2x) − Σ B₂ₖ / (2k x²ᵏ).
	x2 := 1 / (x * x)
	s, p := 0.0, x2
	for k, b := range bernoulli2k[:7] {
		s += b / float64(2*(k+1)) * p
		p *= x2
	}
	return acc + math.Log(x) - 0.5/x - s
}

// polygamma returns the n-th derivative of digamma, ψ⁽ⁿ⁾(x), for n ≥ 0. For
// n ≥ 1 it is +Inf (n odd) or NaN (n even) at the non-positive integers.
func polygamma(n int, x float64) float64 {
	if n == 0 {
		return digamma(x)
	}
	if math.IsNaN(x) || math.IsInf(x, -1) {
		return math.NaN()
	}
	if math.IsInf(x, 1) {
		return 0
	}
	if x <= 0 && x == math.Floor(x) {
		if n%2 == 1 {
			return math.Inf(1)
		}
		return math.NaN()
	}
	sign := -1.0 // (−1)^(n+1)
	if n%2 == 1 {
		sign = 1
	}
	nf := factorial(n)
	var acc float64
	if x < -1e6 {
		return math.NaN() // the recurrence would need too many steps
	}
	for x < polyShift+float64(n) {
		acc += sign * nf / math.Pow(x, float64(n+1))
		x++
	}
	// ψ⁽ⁿ⁾(x) ~ (−1)^(n+1) [ (n−1)!/xⁿ + n!/(2x^(n+1)) + Σ B₂ₖ (2k+n−1)!/((2k)! x^(2k+n)) ].
	s := factorial(n-1)/math.Pow(x, float64(n)) + nf/(2*math.Pow(x, float64(n+1)))
	for k, b := range bernoulli2k {
		kk := 2 * (k + 1)
		s += b * factorial(kk+n-1) / factorial(kk) / math.Pow(x, float64(kk+n))
	}
	return acc + sign*s
}

// factorial returns n! as a float64.
func factorial(n int) float64 {
	f := 1.0
	for i := 2; i <= n; i++ {
		f *= float64(i)
	}
	return f
}
