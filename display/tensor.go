package display

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"

	"github.com/gograd/gograd/ad"
)

// Limits on the tensors that get rich representations; larger ones are
// shown as text/plain only (which ad summarises like numpy).
const (
	// MaxHTMLRows and MaxHTMLCols bound the HTML table of a 1-d or 2-d
	// tensor.
	MaxHTMLRows = 50
	MaxHTMLCols = 20
	// MaxLaTeXDim bounds each dimension of the LaTeX bmatrix of a 1-d or
	// 2-d tensor.
	MaxLaTeXDim = 10
)

// TensorBundle returns the bundle of a tensor: text/plain from
// t.String() (numpy-like, summarised when large), text/html with a table
// when t is 1-d or 2-d and has at most MaxHTMLRows rows and MaxHTMLCols
// columns (a 1-d tensor is one row), and text/latex with a bmatrix when t
// is 1-d or 2-d with every dimension at most MaxLaTeXDim. It panics with
// an *Error if t is nil.
func TensorBundle(t *ad.Tensor) Bundle {
	if t == nil {
		panic(errorf("TensorBundle", "tensor is nil"))
	}
	b := textBundle(t.String())
	rows, cols, ok := matrixDims(t)
	if !ok {
		return b
	}
	data := t.Data()
	if rows <= MaxHTMLRows && cols <= MaxHTMLCols {
		b.Data["text/html"] = tensorHTML(data, t.Shape(), rows, cols)
	}
	if rows <= MaxLaTeXDim && cols <= MaxLaTeXDim {
		b.Data["text/latex"] = tensorLaTeX(data, rows, cols)
	}
	return b
}

// matrixDims views a 1-d or non-empty 2-d tensor as a rows×cols matrix.
func matrixDims(t *ad.Tensor) (rows, cols int, ok bool) {
	shape := t.Shape()
	switch {
	case len(shape) == 1 && shape[0] > 0:
		return 1, shape[0], true
	case len(shape) == 2 && shape[0] > 0 && shape[1] > 0:
		return shape[0], shape[1], true
	}
	return 0, 0, false
}

func tensorHTML(data []float64, shape []int, rows, cols int) string {
	var b strings.Builder
	b.WriteString(`<table class="gograd-tensor" style="font-family:monospace;border-collapse:collapse">`)
	fmt.Fprintf(&b, `<caption style="caption-side:bottom;text-align:left;color:#666;white-space:nowrap">Tensor %s</caption>`,
		html.EscapeString(shapeString(shape)))
	const th = `<th style="padding:1px 8px;color:#888;font-weight:normal">`
	b.WriteString("<thead><tr>" + th + "</th>")
	for j := range cols {
		fmt.Fprintf(&b, th+"%d</th>", j)
	}
	b.WriteString("</tr></thead><tbody>")
	for i := range rows {
		fmt.Fprintf(&b, "<tr>"+th+"%d</th>", i)
		for j := range cols {
			fmt.Fprintf(&b, `<td style="padding:1px 8px;text-align:right">%s</td>`, formatNumber(data[i*cols+j]))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	return b.String()
}

func tensorLaTeX(data []float64, rows, cols int) string {
	var b strings.Builder
	b.WriteString(`$\begin{bmatrix}`)
	for i := range rows {
		if i > 0 {
			b.WriteString(` \\ `)
		}
		for j := range cols {
			if j > 0 {
				b.WriteString(" & ")
			}
			b.WriteString(latexNumber(data[i*cols+j]))
		}
	}
	b.WriteString(`\end{bmatrix}$`)
	return b.String()
}

// shapeString formats a shape like numpy: (2, 3), (4,), ().
func shapeString(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	if len(shape) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// formatNumber formats v with up to 6 significant digits.
func formatNumber(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// latexNumber formats v with up to 4 significant digits, writing
// exponents as "\times 10^{k}".
func latexNumber(v float64) string {
	switch {
	case math.IsNaN(v):
		return `\mathrm{NaN}`
	case math.IsInf(v, 1):
		return `\infty`
	case math.IsInf(v, -1):
		return `-\infty`
	}
	s := strconv.FormatFloat(v, 'g', 4, 64)
	mant, exp, ok := strings.Cut(s, "e")
	if !ok {
		return s
	}
	e, _ := strconv.Atoi(exp)
	return fmt.Sprintf(`%s \times 10^{%d}`, mant, e)
}
