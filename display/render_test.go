package display

import (
	"errors"
	"image"
	"reflect"
	"strings"
	"testing"

	"github.com/gograd/gograd/ad"
	"gonum.org/v1/plot"
)

type htmlAndLatex struct{}

func (htmlAndLatex) HTML() string   { return "<i>v</i>" }
func (htmlAndLatex) LaTeX() string  { return "$v$" }
func (htmlAndLatex) String() string { return "v" }

type mdOnly struct{ n int }

func (m mdOnly) Markdown() string { return "**md**" }

type svgOnly struct{}

func (svgOnly) SVG() string { return "<svg/>" }

type bundler struct{}

func (bundler) MIMEBundle() map[string]any {
	return map[string]any{"text/html": "<p>b</p>", "application/json": []any{1.0}}
}
func (bundler) HTML() string { return "ignored: MIMEBundle wins" }

type badPNG struct{}

func (badPNG) PNG() []byte { return []byte("xx") }

type panicky struct{}

func (panicky) HTML() string { panic("boom") }

func TestRender(t *testing.T) {
	var nilTensor *ad.Tensor
	tests := []struct {
		name string
		v    any
		want map[string]any
	}{
		{"int", 3, map[string]any{"text/plain": "3"}},
		{"float", 2.5, map[string]any{"text/plain": "2.5"}},
		{"string quoted", "a\nb", map[string]any{"text/plain": `"a\nb"`}},
		{"error", errors.New("bad"), map[string]any{"text/plain": "bad"}},
		{"slice", []int{1, 2}, map[string]any{"text/plain": "[1 2]"}},
		{"html+latex", htmlAndLatex{}, map[string]any{"text/html": "<i>v</i>", "text/latex": "$v$", "text/plain": "v"}},
		{"markdown", mdOnly{1}, map[string]any{"text/markdown": "**md**", "text/plain": "{1}"}},
		{"svg", svgOnly{}, map[string]any{"image/svg+xml": "<svg/>", "text/plain": "{}"}},
		{"bundler", bundler{}, map[string]any{"text/html": "<p>b</p>", "application/json": []any{1.0}, "text/plain": "{}"}},
		{"bad png", badPNG{}, map[string]any{"text/plain": "<display.badPNG.PNG: data is not a PNG image: unexpected EOF>"}},
		{"panicking renderer", panicky{}, map[string]any{"text/plain": "<display: rendering display.panicky failed: boom>"}},
		{"nil tensor", nilTensor, map[string]any{"text/plain": "<nil>"}},
		{"bundle", Bundle{Data: map[string]any{"text/html": "h"}}, map[string]any{"text/html": "h", "text/plain": "<HTML>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, ok := Render(tt.v)
			if !ok {
				t.Fatal("Render reported no value")
			}
			if !reflect.DeepEqual(b.Data, tt.want) {
				t.Errorf("got %#v, want %#v", b.Data, tt.want)
			}
		})
	}
}

func TestRenderNil(t *testing.T) {
	if b, ok := Render(nil); ok {
		t.Errorf("Render(nil) = %v, true; want false", b)
	}
}

func TestRenderRichValuesHavePlainText(t *testing.T) {
	p := plot.New()
	tests := []struct {
		name  string
		v     any
		mimes []string
	}{
		{"tensor", ad.New([]float64{1, 2}, 2), []string{"text/plain", "text/html", "text/latex"}},
		{"plot", p, []string{"text/plain", "image/png", "image/svg+xml"}},
		{"figure", NewFigure(p).Size(100, 80), []string{"text/plain", "image/png", "image/svg+xml"}},
		{"image", image.NewGray(image.Rect(0, 0, 4, 4)), []string{"text/plain", "image/png"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, ok := Render(tt.v)
			if !ok {
				t.Fatal("Render reported no value")
			}
			var got []string
			for k := range b.Data {
				got = append(got, k)
			}
			for _, m := range tt.mimes {
				if _, ok := b.Data[m]; !ok {
					t.Errorf("missing %s; have %s", m, strings.Join(got, ", "))
				}
			}
			if len(b.Data) != len(tt.mimes) {
				t.Errorf("got types %v, want %v", got, tt.mimes)
			}
		})
	}
}

func TestRenderDoesNotAliasBundle(t *testing.T) {
	in := Bundle{Data: map[string]any{"text/html": "h"}}
	b, _ := Render(in)
	b.Data["text/html"] = "changed"
	if in.Data["text/html"] != "h" {
		t.Error("Render returned the caller's map")
	}
	if _, ok := in.Data["text/plain"]; ok {
		t.Error("Render added text/plain to the caller's map")
	}
}

func TestRich(t *testing.T) {
	tests := []struct {
		name string
		r    *Rich
		want map[string]any
	}{
		{"html and text", NewRich(1).SetHTML(htmlAndLatex{}).SetText(htmlAndLatex{}),
			map[string]any{"text/html": "<i>v</i>", "text/plain": "v"}},
		{"latex, plain from value", NewRich(7).SetLaTeX(htmlAndLatex{}),
			map[string]any{"text/latex": "$v$", "text/plain": "7"}},
		{"bundle wins", NewRich(bundler{}).SetBundle(bundler{}).SetHTML(htmlAndLatex{}),
			map[string]any{"text/html": "<p>b</p>", "application/json": []any{1.0}, "text/plain": "{}"}},
		{"nothing recorded", NewRich("s"), map[string]any{"text/plain": `"s"`}},
		{"nil value", NewRich(nil), map[string]any{"text/plain": "<nil>"}},
		{"panicking renderer", NewRich(0).SetHTML(panicky{}),
			map[string]any{"text/plain": "<display: rendering int failed: boom>"}},
		{"bad png", NewRich(0).SetPNG(badPNG{}), map[string]any{"text/plain": "<int.PNG: data is not a PNG image: unexpected EOF>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, ok := Render(tt.r)
			if !ok {
				t.Fatal("no bundle")
			}
			if !reflect.DeepEqual(b.Data, tt.want) {
				t.Errorf("got %#v, want %#v", b.Data, tt.want)
			}
		})
	}
}
