package display

import (
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// recorder is a Sink that records every call, safe for concurrent use.
type recorder struct {
	mu      sync.Mutex
	shown   []Bundle
	updated []Bundle
	clears  []bool
}

func (r *recorder) Display(b Bundle) { r.mu.Lock(); r.shown = append(r.shown, b); r.mu.Unlock() }
func (r *recorder) Update(b Bundle)  { r.mu.Lock(); r.updated = append(r.updated, b); r.mu.Unlock() }
func (r *recorder) Clear(wait bool)  { r.mu.Lock(); r.clears = append(r.clears, wait); r.mu.Unlock() }

// withRecorder installs a fresh recorder for the duration of the test.
// Tests using the global sink must not run in parallel with each other.
func withRecorder(t *testing.T) *recorder {
	t.Helper()
	r := &recorder{}
	SetSink(r)
	t.Cleanup(func() { SetSink(nil) })
	return r
}

func TestPublishers(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	tests := []struct {
		name string
		call func()
		want map[string]any
	}{
		{"HTML", func() { HTML("<b>hi</b>") }, map[string]any{"text/html": "<b>hi</b>", "text/plain": "<HTML>"}},
		{"Markdown", func() { Markdown("# T") }, map[string]any{"text/markdown": "# T", "text/plain": "# T"}},
		{"LaTeX", func() { LaTeX("$x^2$") }, map[string]any{"text/latex": "$x^2$", "text/plain": "$x^2$"}},
		{"SVG", func() { SVG("<svg/>") }, map[string]any{"image/svg+xml": "<svg/>", "text/plain": "<SVG image>"}},
		{"JSON", func() { JSON(map[string]int{"a": 1}) }, map[string]any{
			"application/json": map[string]any{"a": 1.0}, "text/plain": "{\n  \"a\": 1\n}"}},
		{"Show string", func() { Show("hi") }, map[string]any{"text/plain": `"hi"`}},
		{"Show int", func() { Show(42) }, map[string]any{"text/plain": "42"}},
		{"Publish adds plain", func() { Publish(Bundle{Data: map[string]any{"text/html": "x"}}) },
			map[string]any{"text/html": "x", "text/plain": "<HTML>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := withRecorder(t)
			tt.call()
			if len(r.shown) != 1 {
				t.Fatalf("got %d outputs, want 1", len(r.shown))
			}
			if got := r.shown[0].Data; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestImageAndPNG(t *testing.T) {
	r := withRecorder(t)
	img := image.NewRGBA(image.Rect(0, 0, 7, 5))
	Image(img)
	if len(r.shown) != 1 {
		t.Fatalf("got %d outputs, want 1", len(r.shown))
	}
	b := r.shown[0]
	raw, err := base64.StdEncoding.DecodeString(b.Data["image/png"].(string))
	if err != nil {
		t.Fatal(err)
	}
	got := decodePNG(t, raw)
	if got.Bounds().Dx() != 7 || got.Bounds().Dy() != 5 {
		t.Errorf("got %v, want 7×5", got.Bounds())
	}
	want := map[string]any{"width": 7, "height": 5}
	if md := b.Metadata["image/png"]; !reflect.DeepEqual(md, want) {
		t.Errorf("metadata got %v, want %v", md, want)
	}
	PNG(raw)
	if len(r.shown) != 2 || r.shown[1].Data["image/png"] != b.Data["image/png"] {
		t.Errorf("PNG did not republish the same data")
	}
}

func TestBadInputPanicsWithError(t *testing.T) {
	tests := []struct {
		name string
		call func()
		want string
	}{
		{"PNG garbage", func() { PNG([]byte("nope")) }, "display.PNG: data is not a PNG image"},
		{"JSON chan", func() { JSON(make(chan int)) }, "display.JSON: value cannot be marshalled"},
		{"Image nil", func() { Image(nil) }, "display.Image: image is nil"},
		{"Plot nil", func() { Plot(nil) }, "display.Plot: plot is nil"},
		{"HandleFor empty", func() { HandleFor("") }, "display.HandleFor: display id is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := catch(tt.call)
			var de *Error
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a *display.Error", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("got %q, want prefix %q", err, tt.want)
			}
		})
	}
}

// catch runs f and returns the error it panicked with, if any.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = errors.New("non-error panic")
			}
		}
	}()
	f()
	return nil
}

func TestHandleUpdatesInPlace(t *testing.T) {
	r := withRecorder(t)
	h := NewHandle()
	if h.ID() == "" || h.ID() == NewHandle().ID() {
		t.Fatalf("display ids not unique: %q", h.ID())
	}
	h.Show("first")
	h.Update("second")
	UpdateID(h.ID(), 3)
	if len(r.shown) != 1 || len(r.updated) != 2 {
		t.Fatalf("got %d shown, %d updated; want 1, 2", len(r.shown), len(r.updated))
	}
	for i, b := range append(r.shown, r.updated...) {
		if b.DisplayID != h.ID() {
			t.Errorf("bundle %d has display id %q, want %q", i, b.DisplayID, h.ID())
		}
	}
	if got := r.updated[1].Data["text/plain"]; got != "3" {
		t.Errorf("last update got %v, want 3", got)
	}
}

func TestClearOutput(t *testing.T) {
	r := withRecorder(t)
	ClearOutput(true)
	ClearOutput(false)
	if !reflect.DeepEqual(r.clears, []bool{true, false}) {
		t.Errorf("got %v, want [true false]", r.clears)
	}
}

func TestNilSinkDiscards(t *testing.T) {
	SetSink(nil)
	if CurrentSink() != nil {
		t.Fatal("CurrentSink is not nil after SetSink(nil)")
	}
	// None of these may panic with no sink installed.
	Show(1)
	HTML("x")
	ClearOutput(false)
	NewHandle().Update(2)
}

func TestSetSinkConcurrent(t *testing.T) {
	r1, r2 := &recorder{}, &recorder{}
	t.Cleanup(func() { SetSink(nil) })
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 200 {
				if (i+j)%2 == 0 {
					SetSink(r1)
				} else {
					SetSink(r2)
				}
				Show(j)
			}
		}()
	}
	wg.Wait()
	if n := len(r1.shown) + len(r2.shown); n != 8*200 {
		t.Errorf("got %d outputs, want %d", n, 8*200)
	}
}
