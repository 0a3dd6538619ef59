package runner

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMarkdownToHTML(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"heading", "# Derivatives of *tanh*", `<h1 id="derivatives-of-tanh">Derivatives of <em>tanh</em></h1>` + "\n"},
		{"paragraph joins lines", "one\ntwo", "<p>one\ntwo</p>\n"},
		{"paragraphs split on blank", "a\n\nb", "<p>a</p>\n<p>b</p>\n"},
		{"escapes html", "a <b> & c", "<p>a &lt;b&gt; &amp; c</p>\n"},
		{"inline code", "call `ad.Grad(f)` now", "<p>call <code>ad.Grad(f)</code> now</p>\n"},
		{"strong and em", "**bold** and _it_ and *it*", "<p><strong>bold</strong> and <em>it</em> and <em>it</em></p>\n"},
		{"snake_case is not emphasis", "use value_and_grad here", "<p>use value_and_grad here</p>\n"},
		{"link", "see [autograd](https://github.com/HIPS/autograd)", `<p>see <a href="https://github.com/HIPS/autograd">autograd</a></p>` + "\n"},
		{"javascript link neutralised", "[x](javascript:alert(1))", `<p><a href="#">x</a></p>` + "\n"},
		{"image", "![fig](docs/tanh.png)", `<p><img src="docs/tanh.png" alt="fig"></p>` + "\n"},
		{"inline math", "slope $f'(x) = 1 - \\tanh^2 x$ here", `<p>slope <span class="math"><math><mrow><msup><mi>f</mi><mo>′</mo></msup><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo><mo>=</mo><mn>1</mn><mo>−</mo><mrow><msup><mi>tanh</mi><mn>2</mn></msup><mspace width="0.1667em"></mspace></mrow><mi>x</mi></mrow></math></span> here</p>` + "\n"},
		{"math keeps underscores", "$a_1 * b_2$", `<p><span class="math"><math><mrow><msub><mi>a</mi><mn>1</mn></msub><mo>*</mo><msub><mi>b</mi><mn>2</mn></msub></mrow></math></span></p>` + "\n"},
		{"display math", "$$\n\\sum_i x_i\n$$", `<div class="math"><math display="block"><mrow><munder><mo largeop="true" movablelimits="true">∑</mo><mi>i</mi></munder><msub><mi>x</mi><mi>i</mi></msub></mrow></math></div>` + "\n"},
		{"unknown math kept as source", `$\oiiint x$`, `<p><span class="math">$\oiiint x$</span></p>` + "\n"},
		{"paren math", `see \(x^2\)`, `<p>see <span class="math"><math><msup><mi>x</mi><mn>2</mn></msup></math></span></p>` + "\n"},
		{"bullets", "- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"},
		{"ordered", "1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n"},
		{"ordered start", "3. c", "<ol start=\"3\">\n<li>c</li>\n</ol>\n"},
		{"nested list", "- a\n  - b\n- c", "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n<li>c</li>\n</ul>\n"},
		{"fenced go", "```go\nx := 1 // one\n```", `<pre class="code"><code>x := <span class="n">1</span> <span class="c">// one</span></code></pre>` + "\n"},
		{"fenced text", "```text\n<a>\n```", `<pre class="code"><code>&lt;a&gt;</code></pre>` + "\n"},
		{"quote", "> note", "<blockquote>\n<p>note</p>\n</blockquote>\n"},
		{"rule", "---", "<hr>\n"},
		{"escaped star", `2 \* 3`, "<p>2 * 3</p>\n"},
		{"lone dollar", "costs $5", "<p>costs $5</p>\n"},
	}
	for _, tt := range tests {
		if got := markdownToHTML(tt.in); got != tt.want {
			t.Errorf("%s: markdownToHTML(%q)\n got %q\nwant %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestHighlightGo(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`for i := 0; i < n; i++ {}`, `<span class="k">for</span> i := <span class="n">0</span>; i &lt; n; i++ {}`},
		{`s := "a<b>"`, `s := <span class="s">&#34;a&lt;b&gt;&#34;</span>`},
		{"x := len(y) // n\n", "x := <span class=\"b\">len</span>(y) <span class=\"c\">// n</span>\n"},
		{"broken \"string", `broken <span class="s">&#34;string</span>`},
		{"", ""},
	}
	for _, tt := range tests {
		if got := highlightGo(tt.in); got != tt.want {
			t.Errorf("highlightGo(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// onePixelPNG is a valid 1×1 PNG.
const onePixelPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

func executedNotebook() *Notebook {
	one, two := 1, 2
	return &Notebook{
		Metadata: map[string]any{},
		Cells: []*Cell{
			{ID: "m", Type: MarkdownCell, Source: "# The *title*\n\nSome prose."},
			{ID: "c1", Type: CodeCell, Source: `fmt.Println("hi")`, ExecutionCount: &one, Outputs: []*Output{
				{Type: StreamOutput, Name: "stdout", Text: "hi <there>\n"},
				{Type: DisplayOutput, Data: map[string]any{"image/png": onePixelPNG, "image/svg+xml": `<svg xmlns="http://www.w3.org/2000/svg"/>`, "text/plain": "fig"},
					Metadata: map[string]any{"image/png": map[string]any{"width": 300.0, "height": 200.0}}},
			}},
			{ID: "c2", Type: CodeCell, Source: "x", ExecutionCount: &two, Outputs: []*Output{
				{Type: ResultOutput, Data: map[string]any{"text/plain": "42"}, ExecutionCount: &two},
				{Type: ErrorOutput, EName: "panic", EValue: "boom", Traceback: []string{"\x1b[31mpanic: boom\x1b[0m"}},
			}},
		},
	}
}

func TestWriteHTML(t *testing.T) {
	t.Parallel()
	nb := executedNotebook()
	var buf bytes.Buffer
	if err := nb.WriteHTML(&buf, nb.Title("fallback")); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		"<title>The title</title>",
		`<h1 id="the-title">The <em>title</em></h1>`,
		"In&nbsp;[1]:",
		"Out&nbsp;[2]:",
		"hi &lt;there&gt;",
		`<img src="data:image/png;base64,` + onePixelPNG + `" width="300" height="200"`,
		"<pre>42</pre>",
		`<pre class="error">panic: boom</pre>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"\x1b", "<script", "http://", "https://"} {
		if strings.Contains(strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, ""), bad) {
			t.Errorf("page contains %q (must be standalone and inert)", bad)
		}
	}
	// The page is well-formed enough for an XML parser once the doctype
	// and void elements are accounted for: check tags balance roughly.
	if strings.Count(page, "<section") != strings.Count(page, "</section>") {
		t.Error("unbalanced <section> tags")
	}
}

func TestWriteHTMLSVGOnly(t *testing.T) {
	t.Parallel()
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>`
	nb := &Notebook{Cells: []*Cell{{ID: "a", Type: CodeCell, Outputs: []*Output{
		{Type: DisplayOutput, Data: map[string]any{"image/svg+xml": svg, "text/plain": "fig"}},
	}}}}
	var buf bytes.Buffer
	if err := nb.WriteHTML(&buf, "t"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `src="data:image/svg+xml;charset=utf-8,%3Csvg`) {
		t.Errorf("SVG not embedded as a data URL:\n%s", buf.String())
	}
}

func TestTitleFallback(t *testing.T) {
	t.Parallel()
	nb := &Notebook{Cells: []*Cell{{Type: CodeCell, Source: "# not a heading in code"}}}
	if got := nb.Title("file"); got != "file" {
		t.Errorf("Title = %q, want the fallback", got)
	}
}

func TestWriteFigures(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "figs")
	paths, err := executedNotebook().WriteFigures(dir, "nb")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "nb-2-1.png"), filepath.Join(dir, "nb-2-1.svg")}
	if strings.Join(paths, ",") != strings.Join(want, ",") {
		t.Fatalf("wrote %v, want %v", paths, want)
	}
	png, err := os.ReadFile(want[0])
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(onePixelPNG)
	if !bytes.Equal(png, raw) {
		t.Error("PNG file differs from the decoded output")
	}
	svg, _ := os.ReadFile(want[1])
	if err := xml.Unmarshal(svg, new(struct{})); err != nil {
		t.Errorf("SVG file is not XML: %v", err)
	}

	bad := &Notebook{Cells: []*Cell{{Type: CodeCell, Outputs: []*Output{{Type: DisplayOutput, Data: map[string]any{"image/png": "!!!"}}}}}}
	if _, err := bad.WriteFigures(t.TempDir(), "x"); err == nil || !strings.Contains(err.Error(), "base64") {
		t.Errorf("bad PNG data: err = %v, want a base64 error", err)
	}
}
