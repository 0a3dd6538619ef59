package runner

import (
	"html"
	"regexp"
	"strings"
)

// markdownToHTML renders the Markdown subset notebooks' prose uses:
// ATX headings, paragraphs, fenced code blocks (Go highlighted), bullet and
// numbered lists (nested by indentation), block quotes, horizontal rules,
// and inline code, emphasis, strong emphasis, links and images. Math
// ($…$, $$…$$, \(…\), \[…\]) passes through unchanged, HTML-escaped, in
// elements of class "math". Raw HTML in the source is escaped, never
// interpreted.
func markdownToHTML(src string) string {
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var b strings.Builder
	renderBlocks(&b, lines)
	return b.String()
}

var (
	headingRE = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	bulletRE  = regexp.MustCompile(`^(\s*)([-*+])\s+(.*)$`)
	orderedRE = regexp.MustCompile(`^(\s*)(\d{1,9})[.)]\s+(.*)$`)
	ruleRE    = regexp.MustCompile(`^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$`)
	fenceRE   = regexp.MustCompile("^\\s{0,3}(```+|~~~+)\\s*([\\w+-]*)")
)

// renderBlocks renders a sequence of block-level lines.
func renderBlocks(b *strings.Builder, lines []string) {
	for i := 0; i < len(lines); {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			i++
		case fenceRE.MatchString(line):
			m := fenceRE.FindStringSubmatch(line)
			fence, lang := m[1], m[2]
			j := i + 1
			var code []string
			for j < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[j]), fence) {
				code = append(code, lines[j])
				j++
			}
			writeCodeBlock(b, strings.Join(code, "\n"), lang)
			i = j + 1
		case strings.HasPrefix(trimmed, "$$"):
			// Display math: up to the closing $$ (possibly on the same line).
			j := i
			var math []string
			rest := strings.TrimPrefix(trimmed, "$$")
			if k := strings.Index(rest, "$$"); k >= 0 {
				math = append(math, rest[:k])
				j = i + 1
			} else {
				math = append(math, rest)
				for j = i + 1; j < len(lines); j++ {
					t := strings.TrimSpace(lines[j])
					if k := strings.Index(t, "$$"); k >= 0 {
						math = append(math, t[:k])
						j++
						break
					}
					math = append(math, lines[j])
				}
			}
			b.WriteString(`<div class="math">` + mathHTML(strings.TrimSpace(strings.Join(math, "\n")), "$$") + "</div>\n")
			i = j
		case headingRE.MatchString(line) && !strings.HasPrefix(line, " "):
			m := headingRE.FindStringSubmatch(line)
			level := len(m[1])
			tag := "h" + string(rune('0'+level))
			b.WriteString("<" + tag + ` id="` + anchor(m[2]) + `">` + inlineToHTML(m[2]) + "</" + tag + ">\n")
			i++
		case ruleRE.MatchString(line):
			b.WriteString("<hr>\n")
			i++
		case strings.HasPrefix(trimmed, ">"):
			var quote []string
			for i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), ">") {
				q := strings.TrimPrefix(strings.TrimSpace(lines[i]), ">")
				quote = append(quote, strings.TrimPrefix(q, " "))
				i++
			}
			b.WriteString("<blockquote>\n")
			renderBlocks(b, quote)
			b.WriteString("</blockquote>\n")
		case bulletRE.MatchString(line) || orderedRE.MatchString(line):
			i = renderList(b, lines, i)
		default:
			var para []string
			for i < len(lines) {
				l := lines[i]
				t := strings.TrimSpace(l)
				if t == "" || fenceRE.MatchString(l) || (headingRE.MatchString(l) && !strings.HasPrefix(l, " ")) ||
					strings.HasPrefix(t, ">") || strings.HasPrefix(t, "$$") ||
					(len(para) > 0 && (bulletRE.MatchString(l) || orderedRE.MatchString(l) || ruleRE.MatchString(l))) {
					break
				}
				para = append(para, t)
				i++
			}
			b.WriteString("<p>" + inlineToHTML(strings.Join(para, "\n")) + "</p>\n")
		}
	}
}

// renderList renders the list starting at lines[i] and returns the index
// of the first line after it. Lines indented deeper than an item's marker
// belong to the item (nested lists, continuation paragraphs).
func renderList(b *strings.Builder, lines []string, i int) int {
	ordered := !bulletRE.MatchString(lines[i])
	indent := leadingSpaces(lines[i])
	tag := "ul"
	if ordered {
		tag = "ol"
		if m := orderedRE.FindStringSubmatch(lines[i]); m[2] != "1" {
			b.WriteString(`<ol start="` + strings.TrimLeft(m[2], "0") + `">` + "\n")
		} else {
			b.WriteString("<ol>\n")
		}
	} else {
		b.WriteString("<ul>\n")
	}
	for i < len(lines) {
		line := lines[i]
		var m []string
		if ordered {
			m = orderedRE.FindStringSubmatch(line)
		} else {
			m = bulletRE.FindStringSubmatch(line)
		}
		if m == nil || leadingSpaces(line) != indent {
			break
		}
		item := []string{m[3]}
		i++
		for i < len(lines) {
			l := lines[i]
			if strings.TrimSpace(l) == "" {
				// A blank line continues the item only if an indented
				// line follows.
				if i+1 < len(lines) && leadingSpaces(lines[i+1]) > indent && strings.TrimSpace(lines[i+1]) != "" {
					item = append(item, "")
					i++
					continue
				}
				break
			}
			if leadingSpaces(l) <= indent {
				if bulletRE.MatchString(l) || orderedRE.MatchString(l) || fenceRE.MatchString(l) || headingRE.MatchString(l) {
					break
				}
				// A lazy continuation line of the item's paragraph.
			}
			item = append(item, dedent(l, indent+2))
			i++
		}
		b.WriteString("<li>")
		if len(item) == 1 || !hasBlock(item[1:]) {
			b.WriteString(inlineToHTML(strings.TrimSpace(strings.Join(trimAll(item), "\n"))))
		} else {
			// First line inline, the rest as blocks.
			k := 1
			for k < len(item) && strings.TrimSpace(item[k]) != "" && !isBlockStart(item[k]) {
				k++
			}
			b.WriteString(inlineToHTML(strings.Join(trimAll(item[:k]), "\n")) + "\n")
			renderBlocks(b, item[k:])
		}
		b.WriteString("</li>\n")
		// Skip blank lines between items of the same list.
		j := i
		for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
			j++
		}
		if j > i && j < len(lines) && leadingSpaces(lines[j]) == indent &&
			((ordered && orderedRE.MatchString(lines[j])) || (!ordered && bulletRE.MatchString(lines[j]))) {
			i = j
		}
	}
	b.WriteString("</" + tag + ">\n")
	return i
}

func isBlockStart(l string) bool {
	return bulletRE.MatchString(l) || orderedRE.MatchString(l) || fenceRE.MatchString(l) || strings.HasPrefix(strings.TrimSpace(l), "$$")
}

func hasBlock(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) == "" || isBlockStart(l) {
			return true
		}
	}
	return false
}

func trimAll(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimSpace(l)
	}
	return out
}

func leadingSpaces(s string) int {
	n := 0
	for _, r := range s {
		switch r {
		case ' ':
			n++
		case '\t':
			n += 4
		default:
			return n
		}
	}
	return n
}

// dedent removes up to n leading spaces.
func dedent(s string, n int) string {
	for n > 0 && strings.HasPrefix(s, " ") {
		s = s[1:]
		n--
	}
	return s
}

// anchor makes an id from heading text.
func anchor(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// writeCodeBlock writes a fenced code block, highlighting Go.
func writeCodeBlock(b *strings.Builder, code, lang string) {
	if lang == "go" || lang == "" {
		b.WriteString(`<pre class="code"><code>` + highlightGo(code) + "</code></pre>\n")
		return
	}
	b.WriteString(`<pre class="code"><code>` + html.EscapeString(code) + "</code></pre>\n")
}

// inlineToHTML renders inline Markdown: code spans, math, images, links,
// strong and plain emphasis. Everything else is HTML-escaped.
func inlineToHTML(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '(' || s[i+1] == '['):
			closer := `\)`
			if s[i+1] == '[' {
				closer = `\]`
			}
			if j := strings.Index(s[i+2:], closer); j >= 0 {
				end := i + 2 + j + 2
				b.WriteString(`<span class="math">` + mathHTML(s[i+2:end-2], s[i:i+2]) + "</span>")
				i = end
				continue
			}
			b.WriteString(html.EscapeString(s[i : i+2]))
			i += 2
		case c == '\\' && i+1 < len(s) && strings.IndexByte("\\`*_{}[]()#+-.!$", s[i+1]) >= 0:
			b.WriteString(html.EscapeString(s[i+1 : i+2]))
			i += 2
		case c == '`':
			n := 1
			for i+n < len(s) && s[i+n] == '`' {
				n++
			}
			fence := s[i : i+n]
			if j := strings.Index(s[i+n:], fence); j >= 0 {
				code := strings.TrimSpace(s[i+n : i+n+j])
				b.WriteString("<code>" + html.EscapeString(code) + "</code>")
				i += n + j + n
				continue
			}
			b.WriteString(fence)
			i += n
		case c == '$':
			delim := "$"
			if strings.HasPrefix(s[i:], "$$") {
				delim = "$$"
			}
			if j := strings.Index(s[i+len(delim):], delim); j > 0 {
				end := i + len(delim) + j + len(delim)
				b.WriteString(`<span class="math">` + mathHTML(s[i+len(delim):end-len(delim)], delim) + "</span>")
				i = end
				continue
			}
			b.WriteByte('$')
			i++
		case c == '!' && strings.HasPrefix(s[i:], "!["):
			if text, url, n, ok := parseLink(s[i+1:]); ok {
				b.WriteString(`<img src="` + html.EscapeString(safeURL(url)) + `" alt="` + html.EscapeString(text) + `">`)
				i += 1 + n
				continue
			}
			b.WriteByte('!')
			i++
		case c == '[':
			if text, url, n, ok := parseLink(s[i:]); ok {
				b.WriteString(`<a href="` + html.EscapeString(safeURL(url)) + `">` + inlineToHTML(text) + "</a>")
				i += n
				continue
			}
			b.WriteByte('[')
			i++
		case c == '*' || c == '_':
			if strings.HasPrefix(s[i:], string([]byte{c, c})) {
				d := string([]byte{c, c})
				if j := strings.Index(s[i+2:], d); j > 0 {
					b.WriteString("<strong>" + inlineToHTML(s[i+2:i+2+j]) + "</strong>")
					i += 2 + j + 2
					continue
				}
			}
			// Intraword underscores (snake_case) are not emphasis.
			if c == '_' && i > 0 && isWordByte(s[i-1]) {
				b.WriteByte(c)
				i++
				continue
			}
			if i+1 < len(s) && s[i+1] != ' ' {
				if j := strings.IndexByte(s[i+1:], c); j > 0 && s[i+j] != ' ' &&
					(c == '*' || i+1+j+1 >= len(s) || !isWordByte(s[i+1+j+1])) {
					b.WriteString("<em>" + inlineToHTML(s[i+1:i+1+j]) + "</em>")
					i += 1 + j + 1
					continue
				}
			}
			b.WriteByte(c)
			i++
		default:
			j := i + 1
			for j < len(s) && strings.IndexByte("\\`$![*_", s[j]) < 0 {
				j++
			}
			b.WriteString(html.EscapeString(s[i:j]))
			i = j
		}
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// parseLink parses "[text](url)" at the start of s, returning the text,
// the URL and the length consumed.
func parseLink(s string) (text, url string, n int, ok bool) {
	if !strings.HasPrefix(s, "[") {
		return "", "", 0, false
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				if i+1 >= len(s) || s[i+1] != '(' {
					return "", "", 0, false
				}
				// The URL ends at the parenthesis balancing the opening one.
				j, open := -1, 1
				for k := i + 2; k < len(s); k++ {
					if s[k] == '(' {
						open++
					} else if s[k] == ')' {
						if open--; open == 0 {
							j = k - (i + 2)
							break
						}
					}
				}
				if j < 0 {
					return "", "", 0, false
				}
				url = strings.TrimSpace(s[i+2 : i+2+j])
				if k := strings.IndexAny(url, " \t"); k >= 0 { // drop a "title"
					url = url[:k]
				}
				return s[1:i], url, i + 2 + j + 1, true
			}
		}
	}
	return "", "", 0, false
}

// mathHTML renders TeX math as MathML, typeset by the browser (see
// texToMathML): as a block for $$ and \[ delimiters, inline otherwise. It
// shows the source with its delimiters when the math uses commands
// texToMathML does not know.
func mathHTML(tex, delim string) string {
	if out, ok := texToMathML(tex, delim == "$$" || delim == `\[`); ok {
		return out
	}
	closer := delim
	switch delim {
	case `\(`:
		closer = `\)`
	case `\[`:
		closer = `\]`
	}
	return html.EscapeString(delim + tex + closer)
}

// safeURL neutralises javascript: and similar URLs.
func safeURL(u string) string {
	l := strings.ToLower(strings.TrimSpace(u))
	if strings.HasPrefix(l, "javascript:") || strings.HasPrefix(l, "vbscript:") ||
		(strings.HasPrefix(l, "data:") && !strings.HasPrefix(l, "data:image/")) {
		return "#"
	}
	return u
}
