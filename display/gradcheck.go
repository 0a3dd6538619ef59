package display

import (
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/gograd/gograd/ad"
)

// GradCheckBundle returns the bundle of a gradient check (ad.CheckGrads):
// an HTML table with one row per comparison — argument, order, mode, the
// analytic and numerical values and their relative error, coloured by how
// it compares with the tolerance — under a summary line, and the report's
// own text as text/plain. Render uses it for a *ad.GradCheckReport, so a
// cell ending in ad.CheckGrads(f, x, 2) shows the table. It panics with
// an *Error if r is nil.
func GradCheckBundle(r *ad.GradCheckReport) Bundle {
	if r == nil {
		panic(errorf("GradCheckBundle", "report is nil"))
	}
	b := textBundle(r.String())
	b.Data["text/html"] = gradCheckHTML(r)
	return b
}

func gradCheckHTML(r *ad.GradCheckReport) string {
	failed := 0
	for _, res := range r.Results {
		if !res.OK {
			failed++
		}
	}
	var b strings.Builder
	b.WriteString(`<div class="gograd-gradcheck" style="font-family:sans-serif;font-size:13px">`)
	switch {
	case len(r.Results) == 0:
		b.WriteString(`<p style="margin:4px 0;color:#555">Gradient check: no comparisons made.</p>`)
	case failed == 0:
		fmt.Fprintf(&b, `<p style="margin:4px 0;color:#007A5A"><b>✓ Gradient check passed:</b> all %d comparisons within relative error %s.</p>`,
			len(r.Results), sci(r.Tol))
	default:
		fmt.Fprintf(&b, `<p style="margin:4px 0;color:#B34700"><b>✗ Gradient check failed:</b> %d of %d comparisons exceed relative error %s.</p>`,
			failed, len(r.Results), sci(r.Tol))
	}
	if len(r.Results) > 0 {
		b.WriteString(`<table style="border-collapse:collapse;font-variant-numeric:tabular-nums">`)
		b.WriteString(`<thead><tr style="border-bottom:1px solid #999">`)
		for _, h := range []string{"argument", "order", "mode", "analytic", "numerical", "relative error", ""} {
			fmt.Fprintf(&b, `<th style="padding:2px 10px;text-align:left">%s</th>`, h)
		}
		b.WriteString(`</tr></thead><tbody>`)
		for _, res := range r.Results {
			bg, mark := errColour(res.RelErr, r.Tol), "✓"
			if !res.OK {
				mark = "✗"
			}
			fmt.Fprintf(&b, `<tr style="border-bottom:1px solid #eee">`+
				`<td style="padding:2px 10px">%d</td><td style="padding:2px 10px">%d</td>`+
				`<td style="padding:2px 10px;font-family:monospace">%s</td>`+
				`<td style="padding:2px 10px;text-align:right;font-family:monospace">%s</td>`+
				`<td style="padding:2px 10px;text-align:right;font-family:monospace">%s</td>`+
				`<td style="padding:2px 10px;text-align:right;font-family:monospace;background:%s">%s</td>`+
				`<td style="padding:2px 10px">%s</td></tr>`,
				res.Arg, res.Order, html.EscapeString(res.Mode),
				formatFull(res.Analytic), formatFull(res.Numeric), bg, sci(res.RelErr), mark)
		}
		b.WriteString(`</tbody></table>`)
	}
	b.WriteString(`</div>`)
	return b.String()
}

// errColour shades a relative error: green well within tol, pale yellow
// near it, red beyond it.
func errColour(rel, tol float64) string {
	switch {
	case math.IsNaN(rel) || rel > tol:
		return "#F8D0C0"
	case rel > tol/100:
		return "#FFF3C4"
	}
	return "#D5F0E3"
}

func sci(v float64) string {
	if math.IsNaN(v) {
		return "nan"
	}
	return fmt.Sprintf("%.1e", v)
}

func formatFull(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return formatNumber(v)
	}
	return fmt.Sprintf("%.10g", v)
}
