package display

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gograd/gograd/ad"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

func decodePNG(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("PNG does not decode: %v", err)
	}
	return img
}

// checkXML fails the test unless s is well-formed XML.
func checkXML(t *testing.T, s string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewBufferString(s))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
	}
}

// saveFigure writes the PNG to $GOGRAD_FIGURE_DIR, when set, for a person
// to look at.
func saveFigure(t *testing.T, name string, data []byte) {
	if dir := os.Getenv("GOGRAD_FIGURE_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".png"), data, 0o644); err != nil {
			t.Error(err)
		}
	}
}

// decodeBundlePNG returns the PNG bytes of a figure bundle, checking
// they decode to twice the size in the metadata.
func decodeBundlePNG(t *testing.T, b Bundle) []byte {
	t.Helper()
	s, ok := b.Data["image/png"].(string)
	if !ok {
		t.Fatalf("bundle has no image/png: %v", b.Data["text/plain"])
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, raw)
	md := b.Metadata["image/png"].(map[string]any)
	if got := img.Bounds().Size(); got.X != 2*md["width"].(int) || got.Y != 2*md["height"].(int) {
		t.Errorf("PNG is %v pixels, metadata says %v×%v", got, md["width"], md["height"])
	}
	return raw
}

func TestFigureBundle(t *testing.T) {
	sizes := []struct{ w, h int }{{DefaultWidth, DefaultHeight}, {300, 200}, {123, 457}}
	for _, sz := range sizes {
		fig := Curves(ad.Linspace(0, 1, 5), []*ad.Tensor{ad.Linspace(1, 0, 5)}, nil).Size(sz.w, sz.h)
		b := fig.Bundle()
		raw, err := base64.StdEncoding.DecodeString(b.Data["image/png"].(string))
		if err != nil {
			t.Fatal(err)
		}
		img := decodePNG(t, raw)
		if got := img.Bounds().Size(); got.X != 2*sz.w || got.Y != 2*sz.h {
			t.Errorf("PNG is %v pixels, want %d×%d", got, 2*sz.w, 2*sz.h)
		}
		md := b.Metadata["image/png"].(map[string]any)
		if md["width"] != sz.w || md["height"] != sz.h {
			t.Errorf("metadata %v, want width %d height %d", md, sz.w, sz.h)
		}
		checkXML(t, b.Data["image/svg+xml"].(string))
		if got, want := b.Data["text/plain"], fig.String(); got != want {
			t.Errorf("text/plain got %v, want %v", got, want)
		}
	}
}

// TestLinePixels draws known lines and checks that pixels on them have
// the line's colour and pixels off them are background.
func TestLinePixels(t *testing.T) {
	x := ad.Linspace(0, 10, 11)
	flat := ad.New([]float64{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2})
	diag := ad.Linspace(0, 10, 11)
	fig := Curves(x, []*ad.Tensor{flat, diag}, nil).XRange(0, 10).YRange(0, 10).Title("")
	fig.Legend("none")
	data, err := fig.PNG()
	if err != nil {
		t.Fatal(err)
	}
	saveFigure(t, "line_pixels", data)
	img := decodePNG(t, data)

	// Locate the data area: it is where the plot maps [0,10]², so compute
	// the mapping the same way the figure does.
	w, h := fig.lengths()
	c := draw.New(vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngScale*pxPerInch)))
	inner := innerCanvas(c)
	dc := fig.plot.DataCanvas(inner)
	toPixel := func(x, y float64) (int, int) {
		px := dc.Min.X + (dc.Max.X-dc.Min.X)*vg.Length(x/10)
		py := dc.Min.Y + (dc.Max.Y-dc.Min.Y)*vg.Length(y/10)
		scale := float64(pngScale*pxPerInch) / 72
		return int(float64(px) * scale), img.Bounds().Dy() - int(float64(py)*scale)
	}
	near := func(x, y float64, want [3]uint8) bool {
		cx, cy := toPixel(x, y)
		for dx := -2; dx <= 2; dx++ {
			for dy := -2; dy <= 2; dy++ {
				r, g, b, _ := img.At(cx+dx, cy+dy).RGBA()
				if absDiff(uint8(r>>8), want[0]) < 40 && absDiff(uint8(g>>8), want[1]) < 40 && absDiff(uint8(b>>8), want[2]) < 40 {
					return true
				}
			}
		}
		return false
	}
	blue, vermillion := [3]uint8{0x00, 0x72, 0xB2}, [3]uint8{0xD5, 0x5E, 0x00}
	for _, xv := range []float64{1, 3.3, 5, 7.7, 9} {
		if !near(xv, 2, blue) {
			t.Errorf("no blue (first series) pixel at (%g, 2)", xv)
		}
		if !near(xv, xv, vermillion) {
			t.Errorf("no vermillion (second series) pixel at (%g, %g)", xv, xv)
		}
		if near(xv, 6, blue) {
			t.Errorf("blue pixel at (%g, 6), off the flat line", xv)
		}
	}
	if near(2, 8, vermillion) {
		t.Error("vermillion pixel at (2, 8), off the diagonal")
	}
}

func absDiff(a, b uint8) uint8 {
	if a > b {
		return a - b
	}
	return b - a
}

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		min, max float64
		labels   []string
	}{
		{-7, 7, []string{"-6", "-4", "-2", "0", "2", "4", "6"}},
		{0, 1, []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{0, 200, []string{"0", "50", "100", "150", "200"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tk := range (niceTicks{}).Ticks(tt.min, tt.max) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if !equalStrings(got, tt.labels) {
			t.Errorf("ticks(%g, %g) got %v, want %v", tt.min, tt.max, got, tt.labels)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
