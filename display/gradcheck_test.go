package display

import (
	"strings"
	"testing"

	"github.com/gograd/gograd/ad"
)

func TestGradCheckBundle(t *testing.T) {
	x := ad.New([]float64{0.3, -1.2, 2}, 3)
	good := ad.CheckGrads(func(x *ad.Tensor) *ad.Tensor { return ad.Tanh(ad.Mul(x, x)) }, x, 2)
	if !good.OK {
		t.Fatalf("gradient check of tanh(x²) failed: %v", good)
	}
	b, ok := Render(good)
	if !ok {
		t.Fatal("no bundle")
	}
	h := b.Data["text/html"].(string)
	if !strings.Contains(h, "Gradient check passed") {
		t.Errorf("passing report lacks the pass line: %s", h)
	}
	if rows := strings.Count(h, "<tr style=\"border-bottom:1px solid #eee\">"); rows != len(good.Results) {
		t.Errorf("got %d rows, want %d", rows, len(good.Results))
	}
	if b.Data["text/plain"] != good.String() {
		t.Errorf("text/plain is not the report's String")
	}

	bad := &ad.GradCheckReport{Tol: 1e-6, Results: []ad.GradCheckResult{
		{Arg: 0, Order: 1, Mode: "rev", Analytic: 2, Numeric: 1, RelErr: 0.5, OK: false},
		{Arg: 1, Order: 1, Mode: "fwd", Analytic: 1, Numeric: 1, RelErr: 0, OK: true},
	}}
	h = GradCheckBundle(bad).Data["text/html"].(string)
	for _, want := range []string{"1 of 2 comparisons exceed relative error 1.0e-06", "5.0e-01", "#F8D0C0", "✗", "<td style=\"padding:2px 10px\">1</td>"} {
		if !strings.Contains(h, want) {
			t.Errorf("failing report lacks %q", want)
		}
	}
}
