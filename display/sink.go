package display

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"sync/atomic"

	"gonum.org/v1/plot"
)

// sinkBox wraps the installed Sink so that atomic.Pointer can hold any
// implementation, including nil.
type sinkBox struct{ s Sink }

var current atomic.Pointer[sinkBox]

// SetSink installs s as the destination of everything displayed from now
// on, in any goroutine. A nil s discards output. The kernel and the
// headless runner call it before each cell.
func SetSink(s Sink) {
	current.Store(&sinkBox{s: s})
}

// CurrentSink returns the installed sink, or nil when output is discarded.
func CurrentSink() Sink {
	if b := current.Load(); b != nil {
		return b.s
	}
	return nil
}

// Publish sends b to the current sink as a new output (display_data). A
// bundle without text/plain gets one, so every published bundle has it.
func Publish(b Bundle) {
	b = withPlain(b, "")
	if s := CurrentSink(); s != nil {
		s.Display(b)
	}
}

// publishUpdate sends b as update_display_data for b.DisplayID.
func publishUpdate(b Bundle) {
	b = withPlain(b, "")
	if s := CurrentSink(); s != nil {
		s.Update(b)
	}
}

// Show displays v as it would appear as a cell's last value (see Render).
// A nil v displays nothing.
func Show(v any) {
	if b, ok := Render(v); ok {
		Publish(b)
	}
}

// HTML displays an HTML fragment.
func HTML(html string) { Publish(htmlBundle(html)) }

// Markdown displays Markdown text.
func Markdown(md string) { Publish(markdownBundle(md)) }

// LaTeX displays LaTeX math, for example "$x^2$" or "\\begin{equation}…".
// Front ends render it with MathJax or KaTeX.
func LaTeX(tex string) { Publish(latexBundle(tex)) }

// SVG displays an SVG document or fragment.
func SVG(svg string) { Publish(svgBundle(svg)) }

// PNG displays PNG-encoded image data. The image's pixel size is sent as
// metadata. It panics with an *Error if data is not a PNG image.
func PNG(data []byte) {
	b, err := pngBundle(data, 1)
	if err != nil {
		panic(&Error{Func: "PNG", Err: err})
	}
	Publish(b)
}

// JSON displays v as application/json (shown as a collapsible tree by
// JupyterLab). It panics with an *Error if v cannot be marshalled.
func JSON(v any) {
	b, err := jsonBundle(v)
	if err != nil {
		panic(&Error{Func: "JSON", Err: err})
	}
	Publish(b)
}

// Image displays img as a PNG. It panics with an *Error if img is nil.
func Image(img image.Image) {
	if img == nil {
		panic(&Error{Func: "Image", Msg: "image is nil"})
	}
	b, err := imageBundle(img)
	if err != nil {
		panic(&Error{Func: "Image", Err: err})
	}
	Publish(b)
}

// Plot displays p at the default figure size (DefaultWidth × DefaultHeight
// CSS pixels) as PNG and SVG. It panics with an *Error if p is nil.
func Plot(p *plot.Plot) {
	if p == nil {
		panic(&Error{Func: "Plot", Msg: "plot is nil"})
	}
	Publish(NewFigure(p).Bundle())
}

// ClearOutput clears the cell's output. With wait, the front end clears it
// only when the next output arrives, which avoids flicker in animations.
func ClearOutput(wait bool) {
	if s := CurrentSink(); s != nil {
		s.Clear(wait)
	}
}

// Handle is a display that can be replaced in place: Show publishes it the
// first time, Update replaces it (update_display_data). The zero Handle is
// not usable; create one with NewHandle.
type Handle struct {
	id string
}

// NewHandle returns a handle with a fresh, unique display id.
func NewHandle() *Handle { return &Handle{id: newDisplayID()} }

// HandleFor returns a handle for an existing display id, so that an output
// shown by one cell can be updated by another. It panics with an *Error if
// id is empty.
func HandleFor(id string) *Handle {
	if id == "" {
		panic(&Error{Func: "HandleFor", Msg: "display id is empty"})
	}
	return &Handle{id: id}
}

// ID returns the handle's display id.
func (h *Handle) ID() string { return h.id }

// Show publishes v (rendered as by Render) as a new output carrying the
// handle's display id.
func (h *Handle) Show(v any) {
	b, ok := Render(v)
	if !ok {
		b = textBundle("")
	}
	b.DisplayID = h.id
	Publish(b)
}

// Update replaces every output carrying the handle's display id with v.
func (h *Handle) Update(v any) {
	b, ok := Render(v)
	if !ok {
		b = textBundle("")
	}
	b.DisplayID = h.id
	publishUpdate(b)
}

// ShowID displays v with the given display id, like HandleFor(id).Show(v).
func ShowID(id string, v any) { HandleFor(id).Show(v) }

// UpdateID replaces the output shown with display id id by v, like
// HandleFor(id).Update(v).
func UpdateID(id string, v any) { HandleFor(id).Update(v) }

func newDisplayID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+).
	return hex.EncodeToString(b[:])
}

// Error is the error display panics with on bad input: Func names the
// function and Msg or Err says what was wrong.
type Error struct {
	Func string
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	switch {
	case e.Err != nil && e.Msg != "":
		return fmt.Sprintf("display.%s: %s: %v", e.Func, e.Msg, e.Err)
	case e.Err != nil:
		return fmt.Sprintf("display.%s: %v", e.Func, e.Err)
	}
	return fmt.Sprintf("display.%s: %s", e.Func, e.Msg)
}

// Unwrap returns the underlying error, if any.
func (e *Error) Unwrap() error { return e.Err }

func errorf(fn, format string, args ...any) *Error {
	return &Error{Func: fn, Msg: fmt.Sprintf(format, args...)}
}

// withPlain returns b with a text/plain entry (plain, or a placeholder
// when plain is empty) if it has none. It does not modify b's maps.
func withPlain(b Bundle, plain string) Bundle {
	if _, ok := b.Data["text/plain"]; ok {
		return b
	}
	data := make(map[string]any, len(b.Data)+1)
	for k, v := range b.Data {
		data[k] = v
	}
	if plain == "" {
		plain = placeholder(data)
	}
	data["text/plain"] = plain
	b.Data = data
	return b
}

// placeholder is the text/plain shown by front ends that render none of
// the rich types, e.g. "<HTML>" or "<Figure 640×400>".
func placeholder(data map[string]any) string {
	for _, m := range []struct{ mime, name string }{
		{"image/png", "image"}, {"image/svg+xml", "SVG image"}, {"text/html", "HTML"},
		{"text/markdown", "Markdown"}, {"text/latex", "LaTeX"}, {"application/json", "JSON"},
	} {
		if _, ok := data[m.mime]; ok {
			return "<" + m.name + ">"
		}
	}
	return ""
}

func textBundle(s string) Bundle {
	return Bundle{Data: map[string]any{"text/plain": s}, Metadata: map[string]any{}}
}

func htmlBundle(s string) Bundle {
	return Bundle{Data: map[string]any{"text/html": s, "text/plain": "<HTML>"}, Metadata: map[string]any{}}
}

func markdownBundle(s string) Bundle {
	return Bundle{Data: map[string]any{"text/markdown": s, "text/plain": s}, Metadata: map[string]any{}}
}

func latexBundle(s string) Bundle {
	return Bundle{Data: map[string]any{"text/latex": s, "text/plain": s}, Metadata: map[string]any{}}
}

func svgBundle(s string) Bundle {
	return Bundle{Data: map[string]any{"image/svg+xml": s, "text/plain": "<SVG image>"}, Metadata: map[string]any{}}
}

// pngBundle checks data is a PNG and returns its bundle. The metadata
// width and height are the pixel size divided by scale, the size at which
// front ends should show it.
func pngBundle(data []byte, scale int) (Bundle, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Bundle{}, fmt.Errorf("data is not a PNG image: %w", err)
	}
	w, h := cfg.Width/scale, cfg.Height/scale
	return Bundle{
		Data: map[string]any{
			"image/png":  base64.StdEncoding.EncodeToString(data),
			"text/plain": fmt.Sprintf("<image %d×%d>", w, h),
		},
		Metadata: map[string]any{"image/png": map[string]any{"width": w, "height": h}},
	}, nil
}

func imageBundle(img image.Image) (Bundle, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Bundle{}, err
	}
	return pngBundle(buf.Bytes(), 1)
}

func jsonBundle(v any) (Bundle, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return Bundle{}, fmt.Errorf("value cannot be marshalled to JSON: %w", err)
	}
	// Send the decoded form so the kernel's encoder embeds it as JSON, not
	// as a string.
	var decoded any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		return Bundle{}, err
	}
	indented, _ := json.MarshalIndent(decoded, "", "  ")
	return Bundle{
		Data:     map[string]any{"application/json": decoded, "text/plain": string(indented)},
		Metadata: map[string]any{},
	}, nil
}
