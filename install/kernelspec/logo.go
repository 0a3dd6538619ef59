package kernelspec

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
)

// The logo: tanh (white) and its derivative sech² (amber) on a rounded
// Go-blue square. Geometry is in a 64×64 design space shared by the SVG and
// the rasteriser, so the PNG and SVG logos match.
var (
	logoBackground = color.NRGBA{R: 0x00, G: 0x7D, B: 0x9C, A: 0xFF}
	logoCurve      = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
	logoDerivative = color.NRGBA{R: 0xFD, G: 0xB9, B: 0x3C, A: 0xFF}
)

const (
	logoDesign      = 64.0 // design-space side
	logoRadius      = 12.0 // corner radius of the background square
	logoStroke      = 5.0  // curve width
	logoSamples     = 48   // polyline segments per curve
	logoSupersample = 4    // subpixels per pixel side when rasterising
)

// logoCurves returns the two polylines of the logo in design space: tanh
// and its derivative over x in [-3, 3].
func logoCurves() (tanh, dtanh [][2]float64) {
	for i := 0; i <= logoSamples; i++ {
		x := -3 + 6*float64(i)/logoSamples
		px := 10 + 44*float64(i)/logoSamples
		t := math.Tanh(x)
		tanh = append(tanh, [2]float64{px, 32 - 18*t})
		d := 1 - t*t
		dtanh = append(dtanh, [2]float64{px, 50 - 36*d})
	}
	return tanh, dtanh
}

// LogoSVG returns the SVG logo.
func LogoSVG() string {
	tanh, dtanh := logoCurves()
	points := func(p [][2]float64) string {
		s := make([]string, len(p))
		for i, q := range p {
			s[i] = fmt.Sprintf("%.2f,%.2f", q[0], q[1])
		}
		return strings.Join(s, " ")
	}
	hex := func(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">`+"\n")
	fmt.Fprintf(&b, "<title>gograd</title>\n")
	fmt.Fprintf(&b, `<rect width="64" height="64" rx="%g" fill="%s"/>`+"\n", logoRadius, hex(logoBackground))
	for _, c := range []struct {
		p   [][2]float64
		col color.NRGBA
	}{{dtanh, logoDerivative}, {tanh, logoCurve}} {
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="%g" stroke-linecap="round" stroke-linejoin="round"/>`+"\n",
			points(c.p), hex(c.col), logoStroke)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// LogoPNG returns the logo rasterised to a size×size PNG. It returns an
// error for a size outside [8, 1024].
func LogoPNG(size int) ([]byte, error) {
	if size < 8 || size > 1024 {
		return nil, fmt.Errorf("kernelspec: logo size %d outside [8, 1024]", size)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, Logo(size)); err != nil {
		return nil, fmt.Errorf("kernelspec: encoding logo: %w", err)
	}
	return buf.Bytes(), nil
}

// Logo draws the logo at size×size pixels with anti-aliased edges
// (supersampled). The corners outside the rounded square are transparent.
func Logo(size int) *image.NRGBA {
	tanh, dtanh := logoCurves()
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	scale := logoDesign / float64(size)
	n := logoSupersample
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			// Accumulate premultiplied colour over the subpixels.
			var r, g, b, a float64
			for sy := 0; sy < n; sy++ {
				for sx := 0; sx < n; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/float64(n)) * scale
					y := (float64(py) + (float64(sy)+0.5)/float64(n)) * scale
					if !insideRoundedSquare(x, y) {
						continue
					}
					c := logoBackground
					if distToPolyline(x, y, tanh) <= logoStroke/2 {
						c = logoCurve
					} else if distToPolyline(x, y, dtanh) <= logoStroke/2 {
						c = logoDerivative
					}
					r += float64(c.R)
					g += float64(c.G)
					b += float64(c.B)
					a++
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(r/a + 0.5), G: uint8(g/a + 0.5), B: uint8(b/a + 0.5),
				A: uint8(255*a/float64(n*n) + 0.5),
			})
		}
	}
	return img
}

// insideRoundedSquare reports whether design-space point (x, y) lies in
// the logo's rounded background square.
func insideRoundedSquare(x, y float64) bool {
	if x < 0 || y < 0 || x > logoDesign || y > logoDesign {
		return false
	}
	cx := math.Min(math.Max(x, logoRadius), logoDesign-logoRadius)
	cy := math.Min(math.Max(y, logoRadius), logoDesign-logoRadius)
	return math.Hypot(x-cx, y-cy) <= logoRadius
}

// distToPolyline returns the distance from (x, y) to the polyline p.
func distToPolyline(x, y float64, p [][2]float64) float64 {
	best := math.Inf(1)
	for i := 1; i < len(p); i++ {
		ax, ay := p[i-1][0], p[i-1][1]
		bx, by := p[i][0], p[i][1]
		dx, dy := bx-ax, by-ay
		t := ((x-ax)*dx + (y-ay)*dy) / (dx*dx + dy*dy)
		t = math.Max(0, math.Min(1, t))
		if d := math.Hypot(x-(ax+t*dx), y-(ay+t*dy)); d < best {
			best = d
		}
	}
	return best
}
