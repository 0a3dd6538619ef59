package runner

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"
)

// ansiRE matches ANSI terminal escape sequences (colours in tracebacks).
var ansiRE = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]")

// stripANSI removes terminal escape sequences.
func stripANSI(s string) string { return ansiRE.ReplaceAllString(s, "") }

// Title returns the notebook's title: the text of its first Markdown
// heading, or fallback when it has none.
func (nb *Notebook) Title(fallback string) string {
	for _, c := range nb.Cells {
		if c.Type != MarkdownCell {
			continue
		}
		for _, line := range strings.Split(c.Source, "\n") {
			if m := headingRE.FindStringSubmatch(line); m != nil {
				return strings.TrimSpace(stripMarkup(m[2]))
			}
		}
	}
	return fallback
}

// stripMarkup removes inline Markdown punctuation for plain-text titles.
func stripMarkup(s string) string {
	return strings.NewReplacer("`", "", "**", "", "*", "", "$", "").Replace(s)
}

// WriteHTML writes nb as one standalone HTML page: Markdown cells
// rendered, code cells highlighted with their execution counts, and every
// output inline (figures as data: URLs). The page loads nothing from
// elsewhere; math is typeset by the browser as MathML (see texToMathML).
func (nb *Notebook) WriteHTML(w io.Writer, title string) error {
	nb.widgetCount = 0
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString("<meta name=\"generator\" content=\"gograd run\">\n")
	b.WriteString("<title>" + html.EscapeString(title) + "</title>\n<style>\n" + pageCSS + widgetCSS + "</style>\n</head>\n<body>\n<main>\n")
	for _, c := range nb.Cells {
		switch c.Type {
		case MarkdownCell:
			b.WriteString(`<section class="cell markdown" id="cell-` + html.EscapeString(c.ID) + `">` + "\n")
			b.WriteString(markdownToHTML(c.Source))
			b.WriteString("</section>\n")
		case RawCell:
			b.WriteString(`<section class="cell raw" id="cell-` + html.EscapeString(c.ID) + `"><pre>` + html.EscapeString(c.Source) + "</pre></section>\n")
		case CodeCell:
			nb.writeCodeCellHTML(&b, c)
		}
	}
	b.WriteString("</main>\n")
	if nb.widgetCount > 0 {
		b.WriteString(widgetScript)
	}
	b.WriteString("</body>\n</html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func prompt(n *int) string {
	if n == nil {
		return "[ ]:"
	}
	return fmt.Sprintf("[%d]:", *n)
}

func (nb *Notebook) writeCodeCellHTML(b *strings.Builder, c *Cell) {
	b.WriteString(`<section class="cell code" id="cell-` + html.EscapeString(c.ID) + `">` + "\n")
	b.WriteString(`<div class="input"><div class="prompt">In&nbsp;` + prompt(c.ExecutionCount) + `</div>`)
	b.WriteString(`<pre class="code"><code>` + highlightGo(c.Source) + "</code></pre></div>\n")
	for _, o := range c.Outputs {
		label := ""
		if o.Type == ResultOutput {
			label = "Out&nbsp;" + prompt(o.ExecutionCount)
		}
		b.WriteString(`<div class="output"><div class="prompt">` + label + `</div><div class="body">`)
		if !nb.writeWidgetHTML(b, o) {
			writeOutputHTML(b, o)
		}
		b.WriteString("</div></div>\n")
	}
	b.WriteString("</section>\n")
}

// mimeOrder is the preference order of rich outputs, as in JupyterLab
// except that a PNG is preferred to an SVG of the same figure (it looks
// the same in every browser).
var mimeOrder = []string{"text/html", "text/markdown", "text/latex", "image/png", "image/jpeg", "image/gif", "image/svg+xml", "application/json", "text/plain"}

func writeOutputHTML(b *strings.Builder, o *Output) {
	switch o.Type {
	case StreamOutput:
		b.WriteString(`<pre class="stream ` + html.EscapeString(o.Name) + `">` + html.EscapeString(stripANSI(strings.TrimSuffix(o.Text, "\r"))) + "</pre>")
		return
	case ErrorOutput:
		text := strings.Join(o.Traceback, "\n")
		if text == "" {
			text = o.EName + ": " + o.EValue
		}
		b.WriteString(`<pre class="error">` + html.EscapeString(stripANSI(text)) + "</pre>")
		return
	}
	for _, mime := range mimeOrder {
		v, ok := o.Data[mime]
		if !ok {
			continue
		}
		s, _ := v.(string)
		switch mime {
		case "text/html":
			b.WriteString(`<div class="html">` + s + "</div>")
		case "text/markdown":
			b.WriteString(`<div class="markdown">` + markdownToHTML(s) + "</div>")
		case "text/latex":
			b.WriteString(`<div class="math">` + latexHTML(s) + "</div>")
		case "image/png", "image/jpeg", "image/gif":
			b.WriteString(`<img src="data:` + mime + ";base64," + html.EscapeString(strings.TrimSpace(s)) + `"` + imageSize(o.Metadata, mime) + ` alt="figure">`)
		case "image/svg+xml":
			b.WriteString(`<img src="data:image/svg+xml;charset=utf-8,` + svgDataEscape(s) + `"` + imageSize(o.Metadata, mime) + ` alt="figure">`)
		case "application/json":
			j, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				j = []byte(fmt.Sprint(v))
			}
			b.WriteString(`<pre class="json">` + html.EscapeString(string(j)) + "</pre>")
		case "text/plain":
			b.WriteString(`<pre>` + html.EscapeString(stripANSI(s)) + "</pre>")
		}
		return
	}
}

// latexHTML renders a text/latex output: math between $ or $$ delimiters
// as MathML (see texToMathML), anything else as its source.
func latexHTML(s string) string {
	t := strings.TrimSpace(s)
	for _, d := range []string{"$$", "$"} {
		if len(t) > 2*len(d) && strings.HasPrefix(t, d) && strings.HasSuffix(t, d) {
			return mathHTML(t[len(d):len(t)-len(d)], d)
		}
	}
	return html.EscapeString(s)
}

// imageSize returns width and height attributes from output metadata
// ({"image/png": {"width": w, "height": h}}).
func imageSize(meta map[string]any, mime string) string {
	m, _ := meta[mime].(map[string]any)
	var attrs string
	for _, k := range []string{"width", "height"} {
		switch v := m[k].(type) {
		case float64:
			attrs += fmt.Sprintf(` %s="%d"`, k, int(v))
		case int:
			attrs += fmt.Sprintf(` %s="%d"`, k, v)
		}
	}
	return attrs
}

// svgDataEscape percent-encodes an SVG document for a data: URL.
func svgDataEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || strings.IndexByte(`"%#<>&'?[\]^{|}`+"`", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

const pageCSS = `:root { --fg: #1f2328; --muted: #6e7781; --code-bg: #f6f8fa; --border: #d0d7de; --accent: #007d9c; }
body { margin: 0; color: var(--fg); background: #fff; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 4rem; }
h1, h2, h3, h4 { line-height: 1.25; margin: 1.4em 0 .5em; }
h1 { border-bottom: 2px solid var(--accent); padding-bottom: .2em; }
a { color: var(--accent); }
code, pre { font: 13.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
p code, li code { background: var(--code-bg); padding: .1em .3em; border-radius: 4px; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; tab-size: 4; }
blockquote { margin: 0; padding: 0 1em; color: var(--muted); border-left: 4px solid var(--border); }
.cell { margin: .6rem 0; }
.input, .output { display: grid; grid-template-columns: 5.5rem minmax(0, 1fr); }
.prompt { color: var(--muted); font: 12.5px ui-monospace, monospace; padding: .55rem .5rem 0 0; text-align: right; }
.input pre.code { background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: .5rem .7rem; }
.markdown pre.code { background: var(--code-bg); border-radius: 6px; padding: .5rem .7rem; }
.output .body { padding: .35rem 0; overflow-x: auto; }
.output img { max-width: 100%; height: auto; }
pre.stderr { background: #fff5f5; }
pre.error { background: #ffebe9; border-left: 4px solid #cf222e; padding: .4rem .6rem; }
.math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", serif; color: #333; }
div.math { margin: .6em 0; text-align: center; }
span.k { color: #cf222e; } span.b { color: #8250df; } span.s { color: #0a3069; } span.n { color: #0550ae; } span.c { color: #6e7781; font-style: italic; }
table { border-collapse: collapse; } td, th { border: 1px solid var(--border); padding: .2em .5em; }
@media (max-width: 40rem) { .input, .output { grid-template-columns: minmax(0, 1fr); } .prompt { text-align: left; padding: 0; } }
`
