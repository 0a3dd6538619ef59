package display

import (
	"strings"
	"testing"

	"github.com/gograd/gograd/ad"
)

func TestTensorBundle(t *testing.T) {
	tests := []struct {
		name      string
		t         *ad.Tensor
		html      string // "" means absent
		latex     string // "" means absent
		plainHave string
	}{
		{
			name: "matrix",
			t:    ad.New([]float64{1, 2.5, -3, 1e-7}, 2, 2),
			html: `<table class="gograd-tensor" style="font-family:monospace;border-collapse:collapse">` +
				`<caption style="caption-side:bottom;text-align:left;color:#666;white-space:nowrap">Tensor (2, 2)</caption>` +
				`<thead><tr><th style="padding:1px 8px;color:#888;font-weight:normal"></th>` +
				`<th style="padding:1px 8px;color:#888;font-weight:normal">0</th>` +
				`<th style="padding:1px 8px;color:#888;font-weight:normal">1</th></tr></thead><tbody>` +
				`<tr><th style="padding:1px 8px;color:#888;font-weight:normal">0</th>` +
				`<td style="padding:1px 8px;text-align:right">1</td><td style="padding:1px 8px;text-align:right">2.5</td></tr>` +
				`<tr><th style="padding:1px 8px;color:#888;font-weight:normal">1</th>` +
				`<td style="padding:1px 8px;text-align:right">-3</td><td style="padding:1px 8px;text-align:right">1e-07</td></tr>` +
				`</tbody></table>`,
			latex: `$\begin{bmatrix}1 & 2.5 \\ -3 & 1 \times 10^{-7}\end{bmatrix}$`,
		},
		{
			name:  "vector",
			t:     ad.New([]float64{0.5, 1}, 2),
			html:  "Tensor (2,)",
			latex: `$\begin{bmatrix}0.5 & 1\end{bmatrix}$`,
		},
		{name: "scalar", t: ad.Scalar(3)},
		{name: "3-d", t: ad.New(make([]float64, 8), 2, 2, 2)},
		{name: "wide: html but no latex", t: ad.New(make([]float64, 12), 12), html: ">11</th>"},
		{name: "large: text only", t: ad.New(make([]float64, 1000), 1000)},
		{name: "empty", t: ad.New(nil, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := TensorBundle(tt.t)
			if got := b.Data["text/plain"]; got != tt.t.String() {
				t.Errorf("text/plain got %q, want %q", got, tt.t.String())
			}
			checkPart(t, b, "text/html", tt.html)
			checkPart(t, b, "text/latex", tt.latex)
		})
	}
}

// checkPart checks that b has mime containing want, or lacks it when want
// is empty. A want starting with "<table" or "$" must match exactly.
func checkPart(t *testing.T, b Bundle, mime, want string) {
	t.Helper()
	got, ok := b.Data[mime].(string)
	switch {
	case want == "" && ok:
		t.Errorf("%s present, want absent: %q", mime, got)
	case want != "" && !ok:
		t.Errorf("%s absent, want %q", mime, want)
	case want != "" && (strings.HasPrefix(want, "<table") || strings.HasPrefix(want, "$")) && got != want:
		t.Errorf("%s got\n%s\nwant\n%s", mime, got, want)
	case want != "" && !strings.Contains(got, want):
		t.Errorf("%s got %q, want it to contain %q", mime, got, want)
	}
}

func TestLatexNumber(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0"}, {-1.5, "-1.5"}, {123456, `1.235 \times 10^{5}`}, {2e-9, `2 \times 10^{-9}`},
	}
	for _, tt := range tests {
		if got := latexNumber(tt.v); got != tt.want {
			t.Errorf("latexNumber(%g) got %q, want %q", tt.v, got, tt.want)
		}
	}
}

func BenchmarkTensorBundle10x10(b *testing.B) {
	t := ad.New(make([]float64, 100), 10, 10)
	for b.Loop() {
		TensorBundle(t)
	}
}
