package runner

import "testing"

func TestTexToHTML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{`x^2`, `x<sup>2</sup>`},
		{`x_{i+1}`, `x<sub>i+1</sub>`},
		{`e^{-x}`, `e<sup>-x</sup>`},
		{`\frac{1 - e^{-x}}{1 + e^{-x}}`, `(1 - e<sup>-x</sup>)/(1 + e<sup>-x</sup>)`},
		{`\frac12`, `1/2`},
		{`\tanh(x/2)`, `tanh(x/2)`},
		{`\alpha \cdot \beta`, `α · β`},
		{`\sqrt{2}`, `√2`},
		{`\text{fan-in}`, `fan-in`},
		{`a < b`, `a &lt; b`},
		{`\begin{pmatrix} a & b \\ c & d \end{pmatrix}`, `[a ,  b ;  c ,  d]`},
		{`\left( x \right)`, `( x )`},
		{``, ``},
		{`x^`, `x<sup></sup>`},
		{`\frac{a`, `a/`},
	}
	for _, tt := range tests {
		if got, ok := texToHTML(tt.in); got != tt.want || !ok {
			t.Errorf("texToHTML(%q) = %q, %v; want %q, true", tt.in, got, ok, tt.want)
		}
	}
	for _, in := range []string{`\unknown{x}`, `\frac{\weird}{2}`, `x^{\foo}`} {
		if _, ok := texToHTML(in); ok {
			t.Errorf("texToHTML(%q) ok, want not ok for an unknown command", in)
		}
	}
}
