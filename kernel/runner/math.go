package runner

import (
	"html"
	"strings"
)

// TeX math in a page is typeset by the browser itself as MathML (MathML
// Core: Chromium 109+, Firefox, Safari), so the page needs no script, no
// font and no network. texToMathML converts the TeX that notebooks use —
// letters, numbers and operators, ^ and _, primes, \frac, \sqrt, \text,
// Greek letters and symbols, accents, \left…\right, spacing, matrices
// (matrix, pmatrix, bmatrix, Bmatrix, vmatrix, Vmatrix, cases, aligned)
// and \\ line breaks — and refuses anything else, in which case the page
// shows the TeX source.

// texIdentifiers maps TeX commands to the letters and letter-like symbols
// they stand for (MathML <mi>).
var texIdentifiers = map[string]string{
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
	"zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
	"lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
	"varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
	"varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
	"Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
	"Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "ell": "ℓ", "hbar": "ℏ", "infty": "∞",
	"partial": "∂", "nabla": "∇", "top": "⊤", "emptyset": "∅", "Re": "ℜ", "Im": "ℑ",
}

// texFunctions are the upright operator names (\sin, \log, …).
var texFunctions = map[string]bool{
	"log": true, "ln": true, "exp": true, "sin": true, "cos": true, "tan": true, "cot": true,
	"sec": true, "csc": true, "tanh": true, "sinh": true, "cosh": true, "coth": true,
	"sech": true, "arcsin": true, "arccos": true, "arctan": true, "max": true, "min": true,
	"sup": true, "inf": true, "arg": true, "det": true, "dim": true, "lim": true, "deg": true,
	"gcd": true, "ker": true, "Pr": true, "tr": true, "diag": true, "sgn": true,
}

// texOperators maps TeX commands to operator symbols (MathML <mo>).
var texOperators = map[string]string{
	"cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "approx": "≈", "sim": "∼",
	"simeq": "≃", "equiv": "≡", "propto": "∝", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
	"ll": "≪", "gg": "≫", "ne": "≠", "neq": "≠", "to": "→", "rightarrow": "→",
	"leftarrow": "←", "Rightarrow": "⇒", "Leftarrow": "⇐", "iff": "⟺", "implies": "⟹",
	"mapsto": "↦", "mid": "|", "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆",
	"cup": "∪", "cap": "∩", "forall": "∀", "exists": "∃", "neg": "¬", "land": "∧",
	"lor": "∨", "wedge": "∧", "vee": "∨", "circ": "∘", "otimes": "⊗", "oplus": "⊕",
	"odot": "⊙", "ast": "∗", "star": "⋆", "ldots": "…", "dots": "…", "cdots": "⋯",
	"vdots": "⋮", "ddots": "⋱", "prime": "′", "langle": "⟨", "rangle": "⟩",
	"lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "vert": "|", "Vert": "‖",
	"|": "‖", "{": "{", "}": "}", "%": "%", "$": "$", "&": "&amp;", "#": "#", "_": "_",
	"setminus": "∖", "perp": "⊥", "parallel": "∥", "angle": "∠", "colon": ":",
}

// texLargeOperators are drawn large in display math, with limits.
var texLargeOperators = map[string]string{
	"sum": "∑", "prod": "∏", "int": "∫", "iint": "∬", "oint": "∮", "bigcup": "⋃", "bigcap": "⋂",
}

// texSpaces maps spacing commands to widths.
var texSpaces = map[string]string{
	",": "0.1667em", ":": "0.2222em", ">": "0.2222em", ";": "0.2778em", " ": "0.25em",
	"quad": "1em", "qquad": "2em", "!": "-0.1667em", "enspace": "0.5em", "thinspace": "0.1667em",
}

// texAccents maps accent commands to the mark drawn over their argument.
var texAccents = map[string]string{
	"hat": "^", "widehat": "^", "bar": "¯", "overline": "¯", "tilde": "~", "widetilde": "~",
	"vec": "→", "dot": "˙", "ddot": "¨", "check": "ˇ", "breve": "˘", "acute": "´", "grave": "`",
}

// texIgnored are sizing and style commands that only affect layout.
var texIgnored = map[string]bool{
	"displaystyle": true, "textstyle": true, "scriptstyle": true, "limits": true, "nolimits": true,
	"big": true, "Big": true, "bigg": true, "Bigg": true, "bigl": true, "bigr": true,
	"Bigl": true, "Bigr": true, "biggl": true, "biggr": true, "Biggl": true, "Biggr": true,
}

// texMatrixFences are the delimiters of the matrix environments.
var texMatrixFences = map[string][2]string{
	"matrix": {"", ""}, "pmatrix": {"(", ")"}, "bmatrix": {"[", "]"}, "Bmatrix": {"{", "}"},
	"vmatrix": {"|", "|"}, "Vmatrix": {"‖", "‖"}, "smallmatrix": {"", ""},
	"cases": {"{", ""}, "aligned": {"", ""}, "align": {"", ""}, "align*": {"", ""},
	"array": {"", ""}, "gathered": {"", ""}, "split": {"", ""},
}

// texToMathML converts a TeX math expression (without its delimiters) to
// a MathML <math> element, displayed as a block when display is true. ok
// is false when the expression uses a command it does not know; callers
// then show the TeX source instead.
func texToMathML(tex string, display bool) (out string, ok bool) {
	p := &texParser{s: tex}
	body := p.rows(false)
	if p.unknown {
		return "", false
	}
	attr := ""
	if display {
		attr = ` display="block"`
	}
	return `<math` + attr + `>` + body + `</math>`, true
}

type texParser struct {
	s       string
	i       int
	unknown bool // a command it does not know was met
}

// rows parses to the end of the input (or of the enclosing group or
// environment body, which the caller cut out): one row, or a table of rows
// split at \\ (and cells at & when inTable).
func (p *texParser) rows(inTable bool) string {
	var rows [][]string
	cells := []string{p.list()}
	for p.i < len(p.s) {
		switch {
		case strings.HasPrefix(p.s[p.i:], `\\`):
			p.i += 2
			rows = append(rows, cells)
			cells = []string{p.list()}
		case p.s[p.i] == '&':
			p.i++
			cells = append(cells, p.list())
		case strings.HasPrefix(p.s[p.i:], `\right`):
			// A \right without its \left: draw the delimiter.
			p.i += len(`\right`)
			cells[len(cells)-1] += p.delimiter("right") + p.list()
		default:
			p.i++ // a stray closing brace
			cells[len(cells)-1] += p.list()
		}
	}
	rows = append(rows, cells)
	if !inTable && len(rows) == 1 && len(rows[0]) == 1 {
		return mrow(rows[0][0])
	}
	var b strings.Builder
	b.WriteString(`<mtable>`)
	for _, r := range rows {
		b.WriteString(`<mtr>`)
		for _, c := range r {
			b.WriteString(`<mtd>` + c + `</mtd>`)
		}
		b.WriteString(`</mtr>`)
	}
	b.WriteString(`</mtable>`)
	return b.String()
}

// list parses atoms, with their scripts, up to the end of the input, a
// closing brace, & or \\.
func (p *texParser) list() string {
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '}' || c == '&' || strings.HasPrefix(p.s[p.i:], `\\`) {
			break
		}
		if strings.HasPrefix(p.s[p.i:], `\right`) {
			break
		}
		b.WriteString(p.scripted())
	}
	return b.String()
}

// scripted parses one atom and the subscript, superscript and primes that
// follow it.
func (p *texParser) scripted() string {
	base, large := p.atom()
	return p.scripts(base, large)
}

// scripts parses the subscript, superscript and primes after base, and
// returns base with them (as limits when large).
func (p *texParser) scripts(base string, large bool) string {
	var sub, sup string
	primes := 0
	for p.i < len(p.s) {
		p.skipSpace()
		if p.i >= len(p.s) {
			break
		}
		switch p.s[p.i] {
		case '\'':
			primes++
			p.i++
			continue
		case '_':
			p.i++
			sub = mrow(p.argument())
			continue
		case '^':
			p.i++
			sup = mrow(p.argument())
			continue
		}
		break
	}
	if primes > 0 {
		mark := `<mo>` + strings.Repeat("′", primes) + `</mo>`
		if primes == 3 {
			mark = `<mo>‴</mo>`
		} else if primes == 2 {
			mark = `<mo>″</mo>`
		}
		if sup != "" {
			sup = `<mrow>` + mark + sup + `</mrow>`
		} else {
			sup = mark
		}
	}
	if base == "" {
		base = `<mrow></mrow>`
	}
	under, over := "munder", "mover"
	both := "munderover"
	if !large {
		under, over, both = "msub", "msup", "msubsup"
	}
	switch {
	case sub != "" && sup != "":
		return "<" + both + ">" + base + sub + sup + "</" + both + ">"
	case sub != "":
		return "<" + under + ">" + base + sub + "</" + under + ">"
	case sup != "":
		return "<" + over + ">" + base + sup + "</" + over + ">"
	}
	return base
}

func (p *texParser) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\n' || p.s[p.i] == '\t') {
		p.i++
	}
}

// argument parses the argument of a command or script: a {…} group or
// one atom.
func (p *texParser) argument() string {
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == '{' {
		return p.group()
	}
	if p.i < len(p.s) && (p.s[p.i] >= '0' && p.s[p.i] <= '9') {
		// \frac12: one digit, not the whole number.
		d := p.s[p.i : p.i+1]
		p.i++
		return `<mn>` + d + `</mn>`
	}
	a, _ := p.atom()
	return a
}

// group parses a {…} group at the current position.
func (p *texParser) group() string {
	p.i++ // {
	inner := p.list()
	for p.i < len(p.s) && p.s[p.i] != '}' {
		// & or \\ inside a group: keep them as text of the group.
		p.i++
		inner += p.list()
	}
	if p.i < len(p.s) {
		p.i++ // }
	}
	return mrow(inner)
}

// rawGroup returns the source text of a {…} group (for \text and
// environment names).
func (p *texParser) rawGroup() string {
	p.skipSpace()
	if p.i >= len(p.s) || p.s[p.i] != '{' {
		if p.i < len(p.s) {
			p.i++
			return p.s[p.i-1 : p.i]
		}
		return ""
	}
	depth := 0
	for j := p.i; j < len(p.s); j++ {
		switch p.s[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				g := p.s[p.i+1 : j]
				p.i = j + 1
				return g
			}
		}
	}
	g := p.s[p.i+1:]
	p.i = len(p.s)
	return g
}

// atom parses one atom; large reports an operator that takes its scripts
// as limits.
func (p *texParser) atom() (out string, large bool) {
	p.skipSpace()
	if p.i >= len(p.s) {
		return "", false
	}
	c := p.s[p.i]
	switch {
	case c == '{':
		return p.group(), false
	case c == '\\':
		return p.command()
	case c >= '0' && c <= '9' || c == '.' && p.i+1 < len(p.s) && p.s[p.i+1] >= '0' && p.s[p.i+1] <= '9':
		j := p.i
		for j < len(p.s) && (p.s[j] >= '0' && p.s[j] <= '9' || p.s[j] == '.') {
			j++
		}
		n := p.s[p.i:j]
		p.i = j
		return `<mn>` + n + `</mn>`, false
	case isLetter(c):
		p.i++
		return `<mi>` + string(c) + `</mi>`, false
	case c == '-':
		p.i++
		return `<mo>−</mo>`, false
	case c == '^' || c == '_' || c == '\'':
		// A script with no base: attach it to an empty one.
		return `<mrow></mrow>`, false
	}
	// Any other character (UTF-8 letters included) is an operator or an
	// identifier.
	r := []rune(p.s[p.i:])[0]
	p.i += len(string(r))
	if r > 127 && (r >= 'α' && r <= 'ω' || r >= 'Α' && r <= 'Ω') {
		return `<mi>` + string(r) + `</mi>`, false
	}
	if strings.ContainsRune("()[]|", r) {
		// Plain brackets keep their size, as in TeX (MathML would
		// stretch them to the row); \left and \right stretch.
		return `<mo stretchy="false">` + string(r) + `</mo>`, false
	}
	return `<mo>` + html.EscapeString(string(r)) + `</mo>`, false
}

// command parses a command at the current position (the backslash).
func (p *texParser) command() (string, bool) {
	j := p.i + 1
	for j < len(p.s) && isLetter(p.s[j]) {
		j++
	}
	if j == p.i+1 && j < len(p.s) {
		j++ // a one-character command: \, \{ \|
	}
	name := p.s[p.i+1 : j]
	p.i = j
	if name == "begin" || name == "end" {
		env := p.rawGroup()
		if name == "end" {
			return "", false // an \end without its \begin
		}
		return p.environment(env), false
	}
	switch name {
	case "frac", "tfrac", "dfrac", "cfrac":
		num, den := p.argument(), p.argument()
		attr := ""
		if name == "tfrac" {
			attr = ` displaystyle="false"`
		}
		return `<mfrac` + attr + `>` + mrow(num) + mrow(den) + `</mfrac>`, false
	case "binom":
		top, bot := p.argument(), p.argument()
		return `<mrow><mo>(</mo><mfrac linethickness="0">` + mrow(top) + mrow(bot) + `</mfrac><mo>)</mo></mrow>`, false
	case "sqrt":
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == '[' {
			k := strings.IndexByte(p.s[p.i:], ']')
			if k > 0 {
				idx := &texParser{s: p.s[p.i+1 : p.i+k]}
				index := idx.list()
				p.unknown = p.unknown || idx.unknown
				p.i += k + 1
				return `<mroot>` + mrow(p.argument()) + mrow(index) + `</mroot>`, false
			}
		}
		return `<msqrt>` + mrow(p.argument()) + `</msqrt>`, false
	case "text", "textrm", "textit", "textbf", "mbox", "textnormal":
		return `<mtext>` + html.EscapeString(p.rawGroup()) + `</mtext>`, false
	case "mathrm", "operatorname", "mathit", "mathbf", "boldsymbol", "mathsf", "mathtt", "mathcal", "mathbb", "mathfrak", "bm":
		return p.styled(name), false
	case "left":
		// \left( … \right): one row, so the fences stretch to its height.
		open := p.delimiter(name)
		body := p.list()
		closing := ""
		if strings.HasPrefix(p.s[p.i:], `\right`) {
			p.i += len(`\right`)
			closing = p.delimiter("right")
		}
		return `<mrow>` + open + body + closing + `</mrow>`, false
	case "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr", "big", "Big", "bigg", "Bigg":
		return p.delimiter(name), false
	case "not":
		p.skipSpace()
		switch {
		case strings.HasPrefix(p.s[p.i:], "="):
			p.i++
			return `<mo>≠</mo>`, false
		case strings.HasPrefix(p.s[p.i:], `\in`):
			p.i += 3
			return `<mo>∉</mo>`, false
		}
	}
	if s, ok := texIdentifiers[name]; ok {
		return `<mi>` + s + `</mi>`, false
	}
	if texFunctions[name] {
		limits := name == "lim" || name == "max" || name == "min" || name == "sup" || name == "inf"
		if limits {
			return `<mi>` + name + `</mi>`, true
		}
		// The name with its scripts (\tanh^2), then a thin space before
		// an argument that is not in brackets (\sin x).
		out := p.scripts(`<mi>`+name+`</mi>`, false)
		p.skipSpace()
		if p.i < len(p.s) && !strings.ContainsRune("()[]{},.;=+-&", rune(p.s[p.i])) && !strings.HasPrefix(p.s[p.i:], `\left`) && !strings.HasPrefix(p.s[p.i:], `\right`) && !strings.HasPrefix(p.s[p.i:], `\\`) {
			return `<mrow>` + out + `<mspace width="0.1667em"></mspace></mrow>`, false
		}
		return out, false
	}
	if s, ok := texOperators[name]; ok {
		return `<mo>` + s + `</mo>`, false
	}
	if s, ok := texLargeOperators[name]; ok {
		return `<mo largeop="true" movablelimits="true">` + s + `</mo>`, name != "int" && name != "iint" && name != "oint"
	}
	if w, ok := texSpaces[name]; ok {
		return `<mspace width="` + w + `"></mspace>`, false
	}
	if mark, ok := texAccents[name]; ok {
		stretch := ""
		if strings.HasPrefix(name, "wide") || name == "overline" {
			stretch = ` stretchy="true"`
		}
		return `<mover accent="true">` + mrow(p.argument()) + `<mo` + stretch + `>` + html.EscapeString(mark) + `</mo></mover>`, false
	}
	if texIgnored[name] {
		return "", false
	}
	p.unknown = true
	return `<mtext>` + html.EscapeString(`\`+name) + `</mtext>`, false
}

// delimiter parses the delimiter after \left, \right or a sizing command;
// \left. and \right. draw nothing.
func (p *texParser) delimiter(cmd string) string {
	p.skipSpace()
	if p.i >= len(p.s) {
		return ""
	}
	var d string
	if p.s[p.i] == '\\' {
		a, _ := p.command()
		d = strings.TrimSuffix(strings.TrimPrefix(a, `<mo>`), `</mo>`)
		if d == a { // not an operator: \left\alpha?
			return a
		}
	} else {
		r := []rune(p.s[p.i:])[0]
		p.i += len(string(r))
		d = html.EscapeString(string(r))
	}
	if d == "." {
		return ""
	}
	attr := ` stretchy="true"`
	if cmd != "left" && cmd != "right" {
		attr = ` stretchy="true" minsize="1.6em"`
		if strings.HasPrefix(cmd, "bigg") || strings.HasPrefix(cmd, "Bigg") {
			attr = ` stretchy="true" minsize="2.4em"`
		}
	}
	if cmd == "left" {
		attr += ` fence="true"`
	}
	return `<mo` + attr + `>` + d + `</mo>`
}

// styled renders \mathbf{…} and its kin: letters in the style, or
// double-struck capitals for \mathbb.
func (p *texParser) styled(name string) string {
	raw := p.rawGroup()
	switch name {
	case "mathbb":
		var b strings.Builder
		for _, r := range raw {
			if s, ok := doubleStruck[r]; ok {
				b.WriteString(`<mi>` + s + `</mi>`)
			} else {
				b.WriteString(`<mi>` + html.EscapeString(string(r)) + `</mi>`)
			}
		}
		return b.String()
	case "mathrm", "operatorname":
		inner := &texParser{s: raw}
		body := inner.list()
		p.unknown = p.unknown || inner.unknown
		if !strings.Contains(raw, `\`) && !strings.ContainsAny(raw, "^_{}") {
			return `<mi mathvariant="normal">` + html.EscapeString(strings.TrimSpace(raw)) + `</mi>`
		}
		return `<mrow class="upright">` + body + `</mrow>`
	}
	inner := &texParser{s: raw}
	body := inner.list()
	p.unknown = p.unknown || inner.unknown
	style := map[string]string{
		"mathbf": "font-weight:bold", "boldsymbol": "font-weight:bold", "bm": "font-weight:bold",
		"mathsf": "font-family:sans-serif", "mathtt": "font-family:monospace",
		"mathcal": "font-family:cursive", "mathfrak": "font-family:fantasy", "mathit": "font-style:italic",
	}[name]
	return `<mrow style="` + style + `">` + body + `</mrow>`
}

var doubleStruck = map[rune]string{'R': "ℝ", 'N': "ℕ", 'Z': "ℤ", 'Q': "ℚ", 'C': "ℂ", 'E': "𝔼", 'P': "ℙ", '1': "𝟙"}

// environment renders \begin{env}…\end{env}; the parser is after
// \begin{env}.
func (p *texParser) environment(env string) string {
	end := `\end{` + env + `}`
	body := p.s[p.i:]
	if k := strings.Index(body, end); k >= 0 {
		body = body[:k]
		p.i += k + len(end)
	} else {
		p.i = len(p.s)
	}
	fences, ok := texMatrixFences[env]
	if !ok {
		p.unknown = true
		return `<mtext>` + html.EscapeString(`\begin{`+env+`}`) + `</mtext>`
	}
	if env == "array" {
		// Skip the column specification.
		b := &texParser{s: body}
		b.rawGroup()
		body = body[b.i:]
	}
	inner := &texParser{s: body}
	table := inner.rows(true)
	p.unknown = p.unknown || inner.unknown
	switch env {
	case "cases", "aligned", "align", "align*", "split":
		table = strings.Replace(table, `<mtable>`, `<mtable columnalign="left">`, 1)
	}
	out := table
	if fences[0] != "" || fences[1] != "" {
		open, close := "", ""
		if fences[0] != "" {
			open = `<mo stretchy="true" fence="true">` + html.EscapeString(fences[0]) + `</mo>`
		}
		if fences[1] != "" {
			close = `<mo stretchy="true" fence="true">` + html.EscapeString(fences[1]) + `</mo>`
		}
		out = `<mrow>` + open + table + close + `</mrow>`
	}
	return out
}

// mrow wraps several elements in an <mrow>, so that they count as one
// argument; a single element is returned as it is.
func mrow(s string) string {
	if s == "" {
		return `<mrow></mrow>`
	}
	if singleElement(s) {
		return s
	}
	return `<mrow>` + s + `</mrow>`
}

// singleElement reports whether s is exactly one element <t …>…</t>.
func singleElement(s string) bool {
	if !strings.HasPrefix(s, "<") {
		return false
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '<' {
			continue
		}
		closing := i+1 < len(s) && s[i+1] == '/'
		if closing {
			depth--
		} else {
			depth++
		}
		k := strings.IndexByte(s[i:], '>')
		if k < 0 {
			return false
		}
		i += k
		if depth == 0 && i != len(s)-1 {
			return false
		}
	}
	return depth == 0
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
