package ad

import (
	"math"
	"strconv"
	"strings"
)

// Printing follows numpy's print(x) (numpy.array_str with the default print
// options) so that a notebook reads the same as its numpy counterpart:
//
//   - a 0-d tensor prints like a Python float: the shortest representation
//     that round-trips ("3.0", "0.1", "1e-05", "1e+16", "nan", "-inf");
//   - an n-d tensor prints nested brackets, rows separated by newlines (and
//     one blank line more per extra axis), elements right-aligned in a common
//     width, lines wrapped at 75 characters;
//   - elements use at most 8 fractional digits, with trailing zeros
//     suppressed ("1.", "0.5", "0.33333333"); all elements switch to
//     scientific notation with a common number of digits when the largest
//     magnitude is at least 1e8, the smallest non-zero one is below 1e-4, or
//     their ratio exceeds 1000;
//   - a tensor of more than 1000 elements is summarised: along every axis
//     longer than 6 only the first and last 3 entries are shown, around
//     "...", and the format is chosen from the shown entries only;
//   - a tensor with no elements prints "[]".
const (
	printPrecision = 8    // numpy's precision option
	printThreshold = 1000 // numpy's threshold option
	printEdgeItems = 3    // numpy's edgeitems option
	printLineWidth = 75   // numpy's linewidth option
)

// formatArray renders data, laid out row-major with the given shape, as numpy
// prints an array of that shape. See the printing rules above.
func formatArray(shape []int, data []float64) string {
	if len(shape) == 0 {
		if len(data) == 0 {
			return "[]"
		}
		return formatPyFloat(data[0])
	}
	if len(data) == 0 {
		return "[]"
	}
	p := &arrayPrinter{shape: shape, data: data, strides: rowMajorStrides(shape)}
	p.summarise = len(data) > printThreshold
	p.chooseFormat()
	return p.format(0, 0, " ", printLineWidth)
}

// formatPyFloat formats v like Python's repr of a float: the shortest
// round-tripping digits, positional when the decimal exponent is in
// [-5, 15], scientific otherwise, always with a decimal point or exponent.
func formatPyFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	if v == 0 {
		if math.Signbit(v) {
			return "-0.0"
		}
		return "0.0"
	}
	e := decimalExponent(v)
	if e < -4 || e >= 16 {
		return strconv.FormatFloat(v, 'e', -1, 64)
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.ContainsRune(s, '.') {
		s += ".0"
	}
	return s
}

// decimalExponent returns the exponent of v's shortest scientific
// representation (1.5e-05 has exponent -5). v must be finite and non-zero.
func decimalExponent(v float64) int {
	s := strconv.FormatFloat(v, 'e', -1, 64)
	i := strings.IndexByte(s, 'e')
	e, _ := strconv.Atoi(s[i+1:])
	return e
}

// rowMajorStrides returns the element strides of a contiguous row-major
// array of the given shape.
func rowMajorStrides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

// arrayPrinter holds the state of one formatArray call: the array and the
// element format chosen for it (numpy's FloatingFormat).
type arrayPrinter struct {
	shape     []int
	data      []float64
	strides   []int
	summarise bool

	expFormat bool // scientific notation for every element
	padLeft   int  // width of the integer part (with sign)
	padRight  int  // width of everything after the decimal point
	fracLen   int  // scientific mode: fraction digits of every element
	expLen    int  // scientific mode: exponent digits of every element
}

// shown calls fn with the flat index of every element that is printed: all
// of them, or the leading and trailing edge items when summarising.
func (p *arrayPrinter) shown(fn func(i int)) {
	var walk func(axis, off int)
	walk = func(axis, off int) {
		if axis == len(p.shape) {
			fn(off)
			return
		}
		n := p.shape[axis]
		for i := 0; i < n; i++ {
			if p.summarise && n > 2*printEdgeItems && i == printEdgeItems {
				i = n - printEdgeItems
			}
			walk(axis+1, off+i*p.strides[axis])
		}
	}
	walk(0, 0)
}

// chooseFormat decides between positional and scientific notation and the
// paddings, from the printed elements, as numpy's FloatingFormat does with
// floatmode "maxprec" and suppress=False.
func (p *arrayPrinter) chooseFormat() {
	maxAbs, minAbs := 0.0, math.Inf(1)
	finite, nonFinite, negInf := 0, 0, false
	p.shown(func(i int) {
		v := p.data[i]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			nonFinite++
			if math.IsInf(v, -1) {
				negInf = true
			}
			return
		}
		finite++
		if a := math.Abs(v); a != 0 {
			maxAbs = math.Max(maxAbs, a)
			minAbs = math.Min(minAbs, a)
		}
	})
	if maxAbs > 0 && (maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs/minAbs > 1000) {
		p.expFormat = true
	}
	if finite > 0 {
		p.shown(func(i int) {
			v := p.data[i]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return
			}
			if p.expFormat {
				mant, exp := sciParts(v)
				intPart, frac, _ := strings.Cut(mant, ".")
				p.padLeft = max(p.padLeft, len(intPart))
				p.fracLen = max(p.fracLen, len(frac))
				p.expLen = max(p.expLen, len(exp)-1)
			} else {
				intPart, frac, _ := strings.Cut(positional(v), ".")
				p.padLeft = max(p.padLeft, len(intPart))
				p.padRight = max(p.padRight, len(frac))
			}
		})
		if p.expFormat {
			p.padRight = p.expLen + 2 + p.fracLen
		}
	}
	if nonFinite > 0 {
		offset := p.padRight + 1
		neg := 0
		if negInf {
			neg = 1
		}
		p.padLeft = max(p.padLeft, len("nan")-offset, len("inf")+neg-offset)
	}
}

// positional formats v with the shortest round-tripping digits, rounded to
// at most printPrecision fractional digits, with trailing zeros removed but
// the decimal point kept ("1.", "0.5").
func positional(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	if len(frac) > printPrecision {
		s = strconv.FormatFloat(v, 'f', printPrecision, 64)
		intPart, frac, _ = strings.Cut(s, ".")
		frac = strings.TrimRight(frac, "0")
	}
	return intPart + "." + frac
}

// sciParts formats v in scientific notation with the shortest
// round-tripping digits, rounded to at most printPrecision fraction digits
// and with trailing zeros removed. It returns the mantissa ("1.5", "-2.")
// and the signed exponent ("-05", "+100").
func sciParts(v float64) (mant, exp string) {
	s := strconv.FormatFloat(v, 'e', -1, 64)
	mant, exp, _ = strings.Cut(s, "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	if len(frac) > printPrecision {
		s = strconv.FormatFloat(v, 'e', printPrecision, 64)
		mant, exp, _ = strings.Cut(s, "e")
		intPart, frac, _ = strings.Cut(mant, ".")
		frac = strings.TrimRight(frac, "0")
	}
	return intPart + "." + frac, exp
}

// element formats one value in the chosen format and width.
func (p *arrayPrinter) element(v float64) string {
	width := p.padLeft + p.padRight + 1
	if math.IsNaN(v) || math.IsInf(v, 0) {
		s := formatPyFloat(v)
		return strings.Repeat(" ", max(0, width-len(s))) + s
	}
	var b strings.Builder
	b.Grow(width)
	if p.expFormat {
		mant, exp := sciParts(v)
		intPart, frac, _ := strings.Cut(mant, ".")
		writeSpaces(&b, p.padLeft-len(intPart))
		b.WriteString(intPart)
		b.WriteByte('.')
		b.WriteString(frac)
		for range p.fracLen - len(frac) {
			b.WriteByte('0')
		}
		b.WriteByte('e')
		b.WriteByte(exp[0])
		digits := exp[1:]
		for range p.expLen - len(digits) {
			b.WriteByte('0')
		}
		b.WriteString(digits)
		return b.String()
	}
	intPart, frac, _ := strings.Cut(positional(v), ".")
	writeSpaces(&b, p.padLeft-len(intPart))
	b.WriteString(intPart)
	b.WriteByte('.')
	b.WriteString(frac)
	writeSpaces(&b, p.padRight-len(frac))
	return b.String()
}

func writeSpaces(b *strings.Builder, n int) {
	for range n {
		b.WriteByte(' ')
	}
}

// format renders the sub-array at axis starting at flat offset off, as
// numpy's _formatArray does for print (separator " ", hanging indent
// growing by one space per axis, lines wrapped at width).
func (p *arrayPrinter) format(axis, off int, indent string, width int) string {
	const sep = " "
	n := p.shape[axis]
	left := len(p.shape) - axis
	nextIndent := indent + " "
	nextWidth := width - len("]")
	lead, trail := 0, n
	summary := p.summarise && n > 2*printEdgeItems
	if summary {
		lead, trail = printEdgeItems, printEdgeItems
	}
	child := func(i int) string {
		if left == 1 {
			return p.element(p.data[off+i*p.strides[axis]])
		}
		return p.format(axis+1, off+i*p.strides[axis], nextIndent, nextWidth)
	}

	var s strings.Builder
	if left == 1 {
		elemWidth := width - max(len(strings.TrimRight(sep, " ")), len("]"))
		line := indent
		extend := func(word string) {
			if len(line)+len(word) > elemWidth && len(line) > len(indent) {
				s.WriteString(strings.TrimRight(line, " "))
				s.WriteByte('\n')
				line = indent
			}
			line += word
		}
		for i := 0; i < lead; i++ {
			extend(child(i))
			line += sep
		}
		if summary {
			extend("...")
			line += sep
		}
		for i := trail; i > 1; i-- {
			extend(child(n - i))
			line += sep
		}
		extend(child(n - 1))
		s.WriteString(line)
	} else {
		lineSep := strings.TrimRight(sep, " ") + strings.Repeat("\n", left-1)
		for i := 0; i < lead; i++ {
			s.WriteString(indent)
			s.WriteString(child(i))
			s.WriteString(lineSep)
		}
		if summary {
			s.WriteString(indent)
			s.WriteString("...")
			s.WriteString(lineSep)
		}
		for i := trail; i > 1; i-- {
			s.WriteString(indent)
			s.WriteString(child(n - i))
			s.WriteString(lineSep)
		}
		s.WriteString(indent)
		s.WriteString(child(n - 1))
	}
	return "[" + s.String()[len(indent):] + "]"
}
