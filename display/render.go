package display

import (
	"fmt"
	"image"
	"reflect"

	"github.com/gograd/gograd/ad"
	"gonum.org/v1/plot"
)

// HTMLer is implemented by values that render themselves as HTML.
type HTMLer interface{ HTML() string }

// Markdowner is implemented by values that render themselves as Markdown.
type Markdowner interface{ Markdown() string }

// LaTeXer is implemented by values that render themselves as LaTeX math.
type LaTeXer interface{ LaTeX() string }

// SVGer is implemented by values that render themselves as an SVG image.
type SVGer interface{ SVG() string }

// PNGer is implemented by values that render themselves as PNG data.
type PNGer interface{ PNG() []byte }

// MIMEBundler is implemented by values that build their whole bundle: a
// map from MIME type to data (strings, or JSON values for JSON types).
// It takes precedence over the other renderer interfaces.
type MIMEBundler interface{ MIMEBundle() map[string]any }

// Render builds the bundle shown for v as a cell's last value, and
// reports false only when v is nil (no value to show). In order:
//
//   - a Bundle or *Bundle is returned as is (with text/plain added);
//   - a MIMEBundler supplies its own data;
//   - *ad.Tensor: text/plain like numpy, plus an HTML table for small
//     1-d and 2-d tensors and LaTeX for small matrices (see TensorBundle);
//   - *ad.GradCheckReport: an HTML table (see GradCheckBundle);
//   - *ad.Graph: the computation graph as SVG (see Graph);
//   - *Rich: the renderers recorded on it (see Rich);
//   - *Figure and *plot.Plot: PNG at 2× resolution and SVG;
//   - image.Image: PNG;
//   - values implementing HTMLer, Markdowner, LaTeXer, SVGer or PNGer get
//     every type they implement;
//   - anything else is text/plain, formatted with fmt's %v (strings are
//     quoted with %q, as a REPL shows them).
//
// Every bundle has text/plain: the value's String method or %v form when
// the value provides no text/plain itself. Rendering never panics: a value
// whose renderer fails or panics is shown as text/plain with the error.
func Render(v any) (b Bundle, ok bool) {
	if v == nil {
		return Bundle{}, false
	}
	defer func() {
		if r := recover(); r != nil {
			b, ok = textBundle(fmt.Sprintf("<display: rendering %T failed: %v>", v, r)), true
		}
	}()
	switch x := v.(type) {
	case Bundle:
		return withPlain(cloneBundle(x), ""), true
	case *Bundle:
		if x == nil {
			return textBundle("<nil>"), true
		}
		return withPlain(cloneBundle(*x), ""), true
	case MIMEBundler:
		return withPlain(Bundle{Data: cloneMap(x.MIMEBundle()), Metadata: map[string]any{}}, plainOf(v)), true
	case *ad.Tensor:
		if x == nil {
			return textBundle("<nil>"), true
		}
		return TensorBundle(x), true
	case *ad.GradCheckReport:
		if x == nil {
			return textBundle("<nil>"), true
		}
		return GradCheckBundle(x), true
	case *ad.Graph:
		if x == nil {
			return textBundle("<nil>"), true
		}
		return withPlain(Bundle{Data: GraphOf(x).MIMEBundle(), Metadata: map[string]any{}}, ""), true
	case *Rich:
		if x == nil {
			return textBundle("<nil>"), true
		}
		return x.bundle(), true
	case *Figure:
		if x == nil {
			return textBundle("<nil>"), true
		}
		return x.Bundle(), true
	case *plot.Plot:
		if x == nil {
			return textBundle("<nil>"), true
		}
		return NewFigure(x).Bundle(), true
	case image.Image:
		if isNilPointer(v) {
			return textBundle("<nil>"), true
		}
		ib, err := imageBundle(x)
		if err != nil {
			return textBundle(fmt.Sprintf("<image: %v>", err)), true
		}
		return ib, true
	case string:
		return textBundle(fmt.Sprintf("%q", x)), true
	}
	b = Bundle{Data: map[string]any{}, Metadata: map[string]any{}}
	if r, ok := v.(HTMLer); ok {
		b.Data["text/html"] = r.HTML()
	}
	if r, ok := v.(Markdowner); ok {
		b.Data["text/markdown"] = r.Markdown()
	}
	if r, ok := v.(LaTeXer); ok {
		b.Data["text/latex"] = r.LaTeX()
	}
	if r, ok := v.(SVGer); ok {
		b.Data["image/svg+xml"] = r.SVG()
	}
	if r, ok := v.(PNGer); ok {
		pb, err := pngBundle(r.PNG(), 1)
		if err != nil {
			b.Data["text/plain"] = fmt.Sprintf("<%T.PNG: %v>", v, err)
		} else {
			b.Data["image/png"] = pb.Data["image/png"]
			b.Metadata["image/png"] = pb.Metadata["image/png"]
		}
	}
	if _, ok := b.Data["text/plain"]; !ok {
		b.Data["text/plain"] = plainOf(v)
	}
	return b, true
}

// plainOf is v's text/plain form: its String method, else %v.
func plainOf(v any) string {
	if isNilPointer(v) {
		return "<nil>"
	}
	if s, ok := v.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%v", v)
}

func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Interface, reflect.Chan:
		return rv.IsNil()
	}
	return false
}

func cloneMap(m map[string]any) map[string]any {
	c := make(map[string]any, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	return c
}

func cloneBundle(b Bundle) Bundle {
	return Bundle{Data: cloneMap(b.Data), Metadata: cloneMap(b.Metadata), DisplayID: b.DisplayID}
}

// Rich carries a value together with the renderers it implements, given
// explicitly. It exists for the yaegi interpreter: the methods of a type
// declared in a cell are invisible to compiled code when the value is
// passed as any (so Render and Show see a plain struct), but yaegi makes
// them callable when the value is passed to a parameter of the
// interface's type. The kernel session therefore renders a cell's last
// value of a cell-declared type by calling, inside the interpreter,
//
//	r := display.NewRich(v)
//	r.SetHTML(v)      // for each interface v's type implements
//
// and rendering r. Cell code can do the same; more simply, it can show
// one representation directly, as in display.HTML(v.HTML()).
type Rich struct {
	value    any
	bundler  MIMEBundler
	html     HTMLer
	markdown Markdowner
	latex    LaTeXer
	svg      SVGer
	png      PNGer
	text     fmt.Stringer
}

// NewRich returns a Rich for v with no renderers yet.
func NewRich(v any) *Rich { return &Rich{value: v} }

// SetBundle records v's MIMEBundle method and returns r.
func (r *Rich) SetBundle(v MIMEBundler) *Rich { r.bundler = v; return r }

// SetHTML records v's HTML method and returns r.
func (r *Rich) SetHTML(v HTMLer) *Rich { r.html = v; return r }

// SetMarkdown records v's Markdown method and returns r.
func (r *Rich) SetMarkdown(v Markdowner) *Rich { r.markdown = v; return r }

// SetLaTeX records v's LaTeX method and returns r.
func (r *Rich) SetLaTeX(v LaTeXer) *Rich { r.latex = v; return r }

// SetSVG records v's SVG method and returns r.
func (r *Rich) SetSVG(v SVGer) *Rich { r.svg = v; return r }

// SetPNG records v's PNG method and returns r.
func (r *Rich) SetPNG(v PNGer) *Rich { r.png = v; return r }

// SetText records v's String method, used for text/plain, and returns r.
func (r *Rich) SetText(v fmt.Stringer) *Rich { r.text = v; return r }

// Value returns the value r was made for.
func (r *Rich) Value() any { return r.value }

// String returns the text/plain form: the recorded String method, else
// the value formatted with %v.
func (r *Rich) String() string {
	if r.text != nil {
		return r.text.String()
	}
	return plainOf(r.value)
}

// bundle renders r like Render renders a value implementing the recorded
// interfaces; a renderer that panics gives a text/plain error.
func (r *Rich) bundle() (b Bundle) {
	defer func() {
		if p := recover(); p != nil {
			b = textBundle(fmt.Sprintf("<display: rendering %T failed: %v>", r.value, p))
		}
	}()
	if r.bundler != nil {
		return withPlain(Bundle{Data: cloneMap(r.bundler.MIMEBundle()), Metadata: map[string]any{}}, r.String())
	}
	if r.text == nil && r.html == nil && r.markdown == nil && r.latex == nil && r.svg == nil && r.png == nil {
		if b, ok := Render(r.value); ok { // nothing recorded: the value's own rendering
			return b
		}
		return textBundle("<nil>")
	}
	b = Bundle{Data: map[string]any{"text/plain": r.String()}, Metadata: map[string]any{}}
	if r.html != nil {
		b.Data["text/html"] = r.html.HTML()
	}
	if r.markdown != nil {
		b.Data["text/markdown"] = r.markdown.Markdown()
	}
	if r.latex != nil {
		b.Data["text/latex"] = r.latex.LaTeX()
	}
	if r.svg != nil {
		b.Data["image/svg+xml"] = r.svg.SVG()
	}
	if r.png != nil {
		pb, err := pngBundle(r.png.PNG(), 1)
		if err != nil {
			b.Data["text/plain"] = fmt.Sprintf("<%T.PNG: %v>", r.value, err)
		} else {
			b.Data["image/png"] = pb.Data["image/png"]
			b.Metadata["image/png"] = pb.Metadata["image/png"]
		}
	}
	return b
}
