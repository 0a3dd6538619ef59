package runner

import (
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestTexToMathML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{`x^2`, `<msup><mi>x</mi><mn>2</mn></msup>`},
		{`x_{i+1}`, `<msub><mi>x</mi><mrow><mi>i</mi><mo>+</mo><mn>1</mn></mrow></msub>`},
		{`e^{-x}`, `<msup><mi>e</mi><mrow><mo>−</mo><mi>x</mi></mrow></msup>`},
		{`x_i^2`, `<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>`},
		{`\frac{1 - e^{-x}}{1 + e^{-x}}`, `<mfrac><mrow><mn>1</mn><mo>−</mo><msup><mi>e</mi><mrow><mo>−</mo><mi>x</mi></mrow></msup></mrow><mrow><mn>1</mn><mo>+</mo><msup><mi>e</mi><mrow><mo>−</mo><mi>x</mi></mrow></msup></mrow></mfrac>`},
		{`\frac12`, `<mfrac><mn>1</mn><mn>2</mn></mfrac>`},
		{`\tfrac n2`, `<mfrac displaystyle="false"><mi>n</mi><mn>2</mn></mfrac>`},
		{`f''`, `<msup><mi>f</mi><mo>″</mo></msup>`},
		{`f'(a)`, `<msup><mi>f</mi><mo>′</mo></msup><mo stretchy="false">(</mo><mi>a</mi><mo stretchy="false">)</mo>`},
		{`f''' = 0`, `<msup><mi>f</mi><mo>‴</mo></msup><mo>=</mo><mn>0</mn>`},
		{`\tanh(x/2)`, `<mi>tanh</mi><mo stretchy="false">(</mo><mi>x</mi><mo>/</mo><mn>2</mn><mo stretchy="false">)</mo>`},
		{`\sin x`, `<mrow><mi>sin</mi><mspace width="0.1667em"></mspace></mrow><mi>x</mi>`},
		{`\log_2 n`, `<mrow><msub><mi>log</mi><mn>2</mn></msub><mspace width="0.1667em"></mspace></mrow><mi>n</mi>`},
		{`\tanh^2 x`, `<mrow><msup><mi>tanh</mi><mn>2</mn></msup><mspace width="0.1667em"></mspace></mrow><mi>x</mi>`},
		{`\alpha \cdot \beta`, `<mi>α</mi><mo>·</mo><mi>β</mi>`},
		{`\sqrt{2}`, `<msqrt><mn>2</mn></msqrt>`},
		{`\sqrt[3]{x}`, `<mroot><mi>x</mi><mn>3</mn></mroot>`},
		{`\text{fan-in}`, `<mtext>fan-in</mtext>`},
		{`a < b`, `<mi>a</mi><mo>&lt;</mo><mi>b</mi>`},
		{`K^\top`, `<msup><mi>K</mi><mi>⊤</mi></msup>`},
		{`3.14`, `<mn>3.14</mn>`},
		{`\sum_{i=1}^n x_i`, `<munderover><mo largeop="true" movablelimits="true">∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover><msub><mi>x</mi><mi>i</mi></msub>`},
		{`\hat x`, `<mover accent="true"><mi>x</mi><mo>^</mo></mover>`},
		{`a\,b`, `<mi>a</mi><mspace width="0.1667em"></mspace><mi>b</mi>`},
		{`\left( x \right)`, `<mrow><mo stretchy="true" fence="true">(</mo><mi>x</mi><mo stretchy="true">)</mo></mrow>`},
		{`\left. x \right|_{0}`, `<msub><mrow><mi>x</mi><mo stretchy="true">|</mo></mrow><mn>0</mn></msub>`},
		{`\begin{pmatrix} a & b \\ c & d \end{pmatrix}`, `<mrow><mo stretchy="true" fence="true">(</mo><mtable><mtr><mtd><mi>a</mi></mtd><mtd><mi>b</mi></mtd></mtr><mtr><mtd><mi>c</mi></mtd><mtd><mi>d</mi></mtd></mtr></mtable><mo stretchy="true" fence="true">)</mo></mrow>`},
		{`a \\ b`, `<mtable><mtr><mtd><mi>a</mi></mtd></mtr><mtr><mtd><mi>b</mi></mtd></mtr></mtable>`},
		{`\mathbb{R}^n`, `<msup><mi>ℝ</mi><mi>n</mi></msup>`},
		{`\mathrm{d}x`, `<mi mathvariant="normal">d</mi><mi>x</mi>`},
		{`a \not= b`, `<mi>a</mi><mo>≠</mo><mi>b</mi>`},
		{``, `<mrow></mrow>`},
		{`x^`, `<msup><mi>x</mi><mrow></mrow></msup>`},
		{`\frac{a`, `<mfrac><mi>a</mi><mrow></mrow></mfrac>`},
		{`}{`, `<mrow></mrow>`},
	}
	for _, tt := range tests {
		got, ok := texToMathML(tt.in, false)
		want := `<math>` + mrow(tt.want) + `</math>`
		if got != want || !ok {
			t.Errorf("texToMathML(%q)\n got %s, %v\nwant %s", tt.in, got, ok, want)
		}
		if err := checkWellFormed(got); err != nil {
			t.Errorf("texToMathML(%q) is not well-formed: %v\n%s", tt.in, err, got)
		}
	}
	for _, in := range []string{`\unknown{x}`, `\frac{\weird}{2}`, `x^{\foo}`, `\begin{tabular}x\end{tabular}`, `\not\subset`} {
		if _, ok := texToMathML(in, false); ok {
			t.Errorf("texToMathML(%q) ok, want not ok for an unknown command", in)
		}
	}
	if got, _ := texToMathML(`x`, true); got != `<math display="block"><mi>x</mi></math>` {
		t.Errorf("display math got %s", got)
	}
}

// TestTutorialMathIsMathML converts every formula of the tutorials: each
// must be known and well-formed.
func TestTutorialMathIsMathML(t *testing.T) {
	t.Parallel()
	total := 0
	for _, nb := range readTutorialSources(t) {
		total += len(nb.math)
		for _, tex := range nb.math {
			out, ok := texToMathML(tex, false)
			if !ok {
				t.Errorf("%s: $%s$ uses a command texToMathML does not know", nb.name, tex)
				continue
			}
			if err := checkWellFormed(out); err != nil {
				t.Errorf("%s: $%s$: %v\n%s", nb.name, tex, err, out)
			}
		}
	}
	if total < 50 {
		t.Errorf("found %d formulas in the tutorials, want at least 50: is the pattern still right?", total)
	}
}

// checkWellFormed parses s as XML.
func checkWellFormed(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

type tutorialMath struct {
	name string
	math []string
}

var (
	fencedCode = regexp.MustCompile("(?s)```.*?```")
	texMath    = regexp.MustCompile(`(?s)\$\$(.+?)\$\$|\$([^$\n]+?)\$`)
)

// readTutorialSources returns the TeX of every formula in the tutorials'
// Markdown sources, outside code blocks.
func readTutorialSources(t *testing.T) []tutorialMath {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(notebooksDir, "src", "*.md"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no tutorial sources: %v", err)
	}
	var out []tutorialMath
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		nb := tutorialMath{name: filepath.Base(path)}
		for _, m := range texMath.FindAllStringSubmatch(fencedCode.ReplaceAllString(string(src), ""), -1) {
			nb.math = append(nb.math, m[1]+m[2])
		}
		out = append(out, nb)
	}
	return out
}
