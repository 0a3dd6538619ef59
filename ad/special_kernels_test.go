package ad

import (
	"math"
	"testing"
)

func TestDigammaPolygammaKnownValues(t *testing.T) {
	t.Parallel()
	const euler = 0.57721566490153286061
	zeta3 := 1.2020569031595942854
	tests := []struct {
		n    int
		x    float64
		want float64
	}{
		// Reference values from mpmath at 30 digits where no closed form is used.
		{0, 1, -euler},
		{0, 0.5, -euler - 2*math.Ln2},
		{0, 4, 1 + 0.5 + 1.0/3 - euler},
		{0, 100, 4.600161852738087},
		{0, 1e-3, -1000.5755719318103},
		{0, -0.5, 0.03648997397857652},
		{0, -2.5, 1.1031566406452432},
		{1, 1, math.Pi * math.Pi / 6},
		{1, 0.5, math.Pi * math.Pi / 2},
		{1, 30, 0.033895060357739944},
		{2, 1, -2 * zeta3},
		{3, 1, math.Pow(math.Pi, 4) / 15},
		{1, -0.5, 8.934802200544704},
		{2, 2.5, -0.2362040516417274},
	}
	for _, tc := range tests {
		got := polygamma(tc.n, tc.x)
		if math.Abs(got-tc.want) > 1e-13*math.Max(1, math.Abs(tc.want)) {
			t.Errorf("polygamma(%d, %v): got %.17g want %.17g", tc.n, tc.x, got, tc.want)
		}
	}
	if !math.IsNaN(digamma(-3)) || !math.IsInf(digamma(0), -1) {
		t.Errorf("digamma poles: got ψ(-3)=%v ψ(0)=%v, want NaN and -Inf", digamma(-3), digamma(0))
	}
}

func TestPolygammaIsDerivativeOfPrevious(t *testing.T) {
	t.Parallel()
	for n := 0; n < 3; n++ {
		for _, x := range []float64{0.3, 1.7, 5, 11.9, 12.1, 40, -1.3} {
			h := 1e-5 * math.Max(1, math.Abs(x))
			fd := (polygamma(n, x+h) - polygamma(n, x-h)) / (2 * h)
			got := polygamma(n+1, x)
			if math.Abs(fd-got) > 1e-6*math.Max(1, math.Abs(got)) {
				t.Errorf("d/dx polygamma(%d, %v): finite difference %v, polygamma(%d) %v", n, x, fd, n+1, got)
			}
		}
	}
}
