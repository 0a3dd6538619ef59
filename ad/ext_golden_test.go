package ad

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// goldenCase is one reference value from testdata/ext_golden.json, computed
// by scipy/numpy (see testdata/gen_ext_golden.py).
type goldenCase struct {
	Name  string          `json:"name"`
	Args  json.RawMessage `json:"args"`
	Value []float64       `json:"value"`
}

func TestExtAgainstScipy(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/ext_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		Cases []goldenCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &golden); err != nil {
		t.Fatal(err)
	}
	scalar := map[string]func(a []float64) float64{
		"erf":           func(a []float64) float64 { return Erf(Scalar(a[0])).Item() },
		"erfc":          func(a []float64) float64 { return Erfc(Scalar(a[0])).Item() },
		"gammaln":       func(a []float64) float64 { return Gammaln(Scalar(a[0])).Item() },
		"digamma":       func(a []float64) float64 { return Digamma(Scalar(a[0])).Item() },
		"polygamma":     func(a []float64) float64 { return Polygamma(int(a[0]), Scalar(a[1])).Item() },
		"normlogpdf":    func(a []float64) float64 { return NormLogPDF(a[0], a[1], a[2]).Item() },
		"normcdf":       func(a []float64) float64 { return NormCDF(a[0], a[1], a[2]).Item() },
		"tlogpdf":       func(a []float64) float64 { return StudentTLogPDF(a[0], a[1], a[2], a[3]).Item() },
		"poissonlogpmf": func(a []float64) float64 { return PoissonLogPMF(a[0], a[1]).Item() },
	}
	type obj struct {
		A, V, X, Mean, Cov, M []float64
	}
	tensorCase := map[string]func(o obj) *Tensor{
		"convolve2d-full":  func(o obj) *Tensor { return Convolve(New(o.A, 4, 3), New(o.V, 2, 2), "full") },
		"convolve2d-same":  func(o obj) *Tensor { return Convolve(New(o.A, 4, 3), New(o.V, 2, 2), "same") },
		"convolve2d-valid": func(o obj) *Tensor { return Convolve(New(o.A, 4, 3), New(o.V, 2, 2), "valid") },
		"mvnlogpdf":        func(o obj) *Tensor { return MVNLogPDF(New(o.X, 4, 3), New(o.Mean), New(o.Cov, 3, 3)) },
		"norm-nuc":         func(o obj) *Tensor { return NormNuc(New(o.M, 3, 4)) },
		"norm-fro":         func(o obj) *Tensor { return NormFro(New(o.M, 3, 4)) },
		"norm-p3-axis1":    func(o obj) *Tensor { return NormP(New(o.M, 3, 4), 3, 1) },
		"pinv":             func(o obj) *Tensor { return Pinv(New(o.M, 3, 4)) },
		"eigh-w":           func(o obj) *Tensor { w, _ := Eigh(New(o.M, 3, 3)); return w },
		"slogdet":          func(o obj) *Tensor { _, l := SlogDet(New(o.M, 3, 3)); return l },
	}
	seen := 0
	for _, c := range golden.Cases {
		var got []float64
		if f, ok := scalar[c.Name]; ok {
			var args []float64
			if err := json.Unmarshal(c.Args, &args); err != nil {
				t.Fatal(err)
			}
			got = []float64{f(args)}
		} else if f, ok := tensorCase[c.Name]; ok {
			var o obj
			if err := json.Unmarshal(c.Args, &o); err != nil {
				t.Fatal(err)
			}
			got = f(o).Data()
		} else {
			t.Errorf("golden case %q has no test", c.Name)
			continue
		}
		seen++
		if len(got) != len(c.Value) {
			t.Errorf("%s%s: got %d values want %d", c.Name, c.Args, len(got), len(c.Value))
			continue
		}
		for i := range got {
			want := c.Value[i]
			if d := math.Abs(got[i] - want); d > 1e-12*math.Max(1, math.Abs(want)) || math.IsNaN(got[i]) != math.IsNaN(want) {
				t.Errorf("%s%s[%d]: got %.17g want %.17g (scipy)", c.Name, c.Args, i, got[i], want)
			}
		}
	}
	if seen < 80 {
		t.Errorf("checked %d golden cases, want at least 80", seen)
	}
}
