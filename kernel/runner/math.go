package runner

import (
	"html"
	"strings"
)

// texSymbols maps TeX commands to the text that stands for them.
var texSymbols = map[string]string{
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
	"zeta": "ζ", "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
	"xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ",
	"chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ",
	"Lambda": "Λ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
	"cdot": "·", "times": "×", "approx": "≈", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
	"ne": "≠", "neq": "≠", "infty": "∞", "sum": "∑", "prod": "∏", "int": "∫", "partial": "∂",
	"nabla": "∇", "to": "→", "rightarrow": "→", "leftarrow": "←", "mapsto": "↦", "mid": " | ",
	"pm": "±", "in": "∈", "ldots": "…", "dots": "…", "cdots": "⋯", "prime": "′",
	"quad": "\u2003", "qquad": "\u2003\u2003", ",": "\u2009", ";": "\u2005", "!": "", " ": " ",
	"{": "{", "}": "}", "|": "‖", "%": "%", "$": "$", "&": "&amp;",
	"log": "log", "ln": "ln", "exp": "exp", "sin": "sin", "cos": "cos", "tan": "tan",
	"tanh": "tanh", "sinh": "sinh", "cosh": "cosh", "sech": "sech", "max": "max", "min": "min",
	"arg": "arg", "det": "det",
	// Sizing and spacing commands that only affect layout.
	"left": "", "right": "", "big": "", "Big": "", "bigg": "", "Bigg": "", "displaystyle": "",
	"tfrac": "", "dfrac": "", // handled as \frac
}

// texToHTML renders a TeX math expression (without its $ delimiters) as
// plain HTML: Greek letters and operators as Unicode, ^ and _ as <sup>
// and <sub>, \frac as a/b, \sqrt as √, \text as text, matrices as rows
// in brackets. The result is meant for reading, not typesetting. ok is
// false when the expression uses a command it does not know; callers then
// show the TeX source instead.
func texToHTML(tex string) (out string, ok bool) {
	var b strings.Builder
	p := &texParser{s: tex}
	p.render(&b, false)
	return b.String(), !p.unknown
}

// texArg renders a nested argument, propagating unknown commands.
func (p *texParser) texArg(s string) string {
	out, ok := texToHTML(s)
	if !ok {
		p.unknown = true
	}
	return out
}

type texParser struct {
	s       string
	i       int
	unknown bool
}

// group returns the next argument: a {…} group's content or one token.
func (p *texParser) group() string {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
	if p.i >= len(p.s) {
		return ""
	}
	if p.s[p.i] == '{' {
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
	if p.s[p.i] == '\\' {
		j := p.i + 1
		for j < len(p.s) && isLetter(p.s[j]) {
			j++
		}
		if j == p.i+1 && j < len(p.s) {
			j++
		}
		g := p.s[p.i:j]
		p.i = j
		return g
	}
	g := p.s[p.i : p.i+1]
	p.i++
	return g
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// render writes the expression from the current position to the end.
func (p *texParser) render(b *strings.Builder, inMatrix bool) {
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '^' || c == '_':
			p.i++
			tag := "sup"
			if c == '_' {
				tag = "sub"
			}
			b.WriteString("<" + tag + ">" + p.texArg(p.group()) + "</" + tag + ">")
		case c == '{' || c == '}':
			p.i++
		case c == '&' && inMatrix:
			b.WriteString(", ")
			p.i++
		case c == '\\' && p.i+1 < len(p.s) && p.s[p.i+1] == '\\':
			p.i += 2
			if inMatrix {
				b.WriteString("; ")
			} else {
				b.WriteString("<br>")
			}
		case c == '\\':
			j := p.i + 1
			for j < len(p.s) && isLetter(p.s[j]) {
				j++
			}
			if j == p.i+1 && j < len(p.s) {
				j++
			}
			name := p.s[p.i+1 : j]
			p.i = j
			p.command(b, name)
		default:
			b.WriteString(html.EscapeString(string(c)))
			p.i++
		}
	}
}

func (p *texParser) command(b *strings.Builder, name string) {
	switch name {
	case "frac", "tfrac", "dfrac":
		num, den := p.group(), p.group()
		b.WriteString(wrapOperand(p.texArg(num)) + "/" + wrapOperand(p.texArg(den)))
	case "sqrt":
		b.WriteString("√" + wrapOperand(p.texArg(p.group())))
	case "text", "mathrm", "textrm", "operatorname", "mathit", "mathbf", "boldsymbol", "mathcal", "mathbb":
		b.WriteString(html.EscapeString(p.group()))
	case "begin":
		env := p.group()
		end := `\end{` + env + `}`
		k := strings.Index(p.s[p.i:], end)
		body := p.s[p.i:]
		if k >= 0 {
			body = p.s[p.i : p.i+k]
			p.i += k + len(end)
		} else {
			p.i = len(p.s)
		}
		inner := &texParser{s: body}
		var ib strings.Builder
		inner.render(&ib, true)
		if inner.unknown {
			p.unknown = true
		}
		b.WriteString("[" + strings.TrimSpace(ib.String()) + "]")
	default:
		if sym, ok := texSymbols[name]; ok {
			b.WriteString(sym)
			return
		}
		p.unknown = true
		b.WriteString(html.EscapeString(`\` + name))
	}
}

// wrapOperand parenthesises a rendered fraction operand longer than one
// symbol.
func wrapOperand(s string) string {
	plain := strings.TrimSpace(s)
	if len([]rune(plain)) <= 1 || !strings.ContainsAny(plain, " +-−·×/,") {
		return plain
	}
	return "(" + plain + ")"
}
