package session

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestDisplayThroughSession runs the display helpers as cells of a real
// session: explicit displays reach the cell's IO, and last values render
// through display.Render into the execute_result bundle.
func TestDisplayThroughSession(t *testing.T) {
	s := newSession(t)
	cases := []struct {
		name     string
		code     string
		value    []string // MIME types the execute_result must have; nil: no value
		displays int      // display and update messages the cell sends
		// live marks outputs throttled by time (progress, live loss): they
		// send between displays and maxLive messages, all with one display
		// id, however fast the machine (a slow run, under -race, redraws
		// more often).
		live     bool
		maxLive  int
		contains string // a substring of the result's text/html or image/svg+xml
	}{
		{name: "tensor value", code: "ad.New([]float64{1, 2, 3, 4}, 2, 2)",
			value: []string{"text/plain", "text/html", "text/latex"}, contains: "<table"},
		{name: "derivatives figure", code: "display.Derivatives(ad.Tanh, -7, 7, 6)",
			value: []string{"text/plain", "image/png", "image/svg+xml"}},
		{name: "contour with path", code: `f := func(p *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(p, p)) }
display.Contour(f, -1, 1, -1, 1).Path(ad.New([]float64{0.9, 0.8, 0.4, 0.3, 0, 0}, 3, 2))`,
			value: []string{"text/plain", "image/png", "image/svg+xml"}},
		{name: "graph", code: "display.Graph(f, ad.New([]float64{1, 2}, 2))",
			value: []string{"text/plain", "image/svg+xml"}, contains: ">Mul</text>"},
		{name: "gradient check", code: "ad.CheckGrads(f, ad.New([]float64{1, 2}, 2), 2)",
			value: []string{"text/plain", "text/html"}, contains: "Gradient check passed"},
		{name: "explicit displays", code: `display.HTML("<b>x</b>")
display.Markdown("*y*")
display.Show(ad.Scalar(3))`, displays: 3},
		{name: "progress", code: `bar := display.Progress(100)
for k := 0; k < 100; k++ { bar.Increment() }`, displays: 2, live: true, maxLive: 101},
		{name: "live loss", code: `curve := display.LiveLoss()
for k := 1; k <= 20; k++ { curve.Add(1 / float64(k)) }
curve.Finish()`, displays: 2, live: true, maxLive: 21},
		{name: "cell-declared renderer", code: `type Card struct{ Name string }
func (c Card) HTML() string { return "<div class=card>" + c.Name + "</div>" }
c := Card{"ace"}
display.NewRich(c).SetHTML(c)`, value: []string{"text/plain", "text/html"}, contains: "<div class=card>ace</div>"},
	}
	for _, tc := range cases {
		r, res := run(t, s, tc.code)
		if res.Err != nil {
			t.Errorf("%s: %v\n%s", tc.name, res.Err, strings.Join(res.Err.Traceback, "\n"))
			continue
		}
		switch got := len(r.displays); {
		case tc.live && (got < tc.displays || got > tc.maxLive):
			t.Errorf("%s: got %d displays, want %d to %d", tc.name, got, tc.displays, tc.maxLive)
		case tc.live:
			for _, d := range r.displays {
				if d.DisplayID == "" || d.DisplayID != r.displays[0].DisplayID {
					t.Errorf("%s: display ids %q and %q, want one id", tc.name, r.displays[0].DisplayID, d.DisplayID)
					break
				}
			}
		case got != tc.displays:
			t.Errorf("%s: got %d displays, want %d", tc.name, got, tc.displays)
		}
		if tc.value == nil {
			if res.Value != nil {
				t.Errorf("%s: unexpected value %v", tc.name, res.Value.Data["text/plain"])
			}
			continue
		}
		if res.Value == nil {
			t.Errorf("%s: no value", tc.name)
			continue
		}
		if len(res.Value.Data) != len(tc.value) {
			t.Errorf("%s: value has %d types, want %v", tc.name, len(res.Value.Data), tc.value)
		}
		for _, m := range tc.value {
			if _, ok := res.Value.Data[m]; !ok {
				t.Errorf("%s: value lacks %s", tc.name, m)
			}
		}
		if png, ok := res.Value.Data["image/png"].(string); ok {
			if _, err := base64.StdEncoding.DecodeString(png); err != nil {
				t.Errorf("%s: image/png is not base64: %v", tc.name, err)
			}
			if res.Value.Metadata["image/png"] == nil {
				t.Errorf("%s: no image size metadata", tc.name)
			}
		}
		if tc.contains != "" {
			h, _ := res.Value.Data["text/html"].(string)
			svg, _ := res.Value.Data["image/svg+xml"].(string)
			if !strings.Contains(h+svg, tc.contains) {
				t.Errorf("%s: value lacks %q", tc.name, tc.contains)
			}
		}
	}
}
