package display

import (
	"math"
	"testing"
	"time"
)

func TestLiveLossThrottles(t *testing.T) {
	r := withRecorder(t)
	c := &fakeClock{t: time.Unix(0, 0)}
	l := newLiveLoss(c.now, c.schedule).Title("fit")
	if len(r.shown) != 0 {
		t.Fatal("live curve shown before any loss")
	}
	// 200 steps, 10 ms apart: 2 s of training, so at most 5 redraws.
	for i := range 200 {
		l.Add(1 / float64(i+1))
		c.advance(10 * time.Millisecond)
	}
	if len(r.shown) != 1 {
		t.Fatalf("got %d displays, want 1", len(r.shown))
	}
	if n := len(r.updated); n < 3 || n > 4 {
		t.Errorf("got %d updates in 2 s, want 3 or 4", n)
	}
	before := len(r.updated)
	l.Finish()
	if len(r.updated) != before+1 {
		t.Fatalf("Finish did not draw the final state")
	}
	final := r.updated[len(r.updated)-1]
	if final.DisplayID != l.ID() || final.DisplayID != r.shown[0].DisplayID {
		t.Errorf("final update has id %q, want %q", final.DisplayID, l.ID())
	}
	if got := final.Data["text/plain"]; got != "<Figure 640×400: fit>" {
		t.Errorf("final text got %v", got)
	}
	decodeBundlePNG(t, final)
	l.Add(5)
	l.Finish()
	if len(r.updated) != before+1 || len(l.Losses()) != 200 {
		t.Errorf("finished curve changed: %d updates, %d losses", len(r.updated), len(l.Losses()))
	}
}

func TestLiveLossTrailingDraw(t *testing.T) {
	r := withRecorder(t)
	c := &fakeClock{t: time.Unix(0, 0)}
	l := newLiveLoss(c.now, c.schedule)
	l.Add(3)
	c.advance(100 * time.Millisecond)
	l.Add(2)
	l.Add(math.Inf(1)) // recorded, not drawn
	if len(r.updated) != 0 || len(c.pending) != 1 || c.delays[0] != 400*time.Millisecond {
		t.Fatalf("got %d updates, %d timers %v; want 0 updates and one timer of 400ms", len(r.updated), len(c.pending), c.delays)
	}
	c.advance(400 * time.Millisecond)
	c.fire()
	if len(r.updated) != 1 {
		t.Fatalf("trailing draw missing")
	}
	if got := l.Losses(); len(got) != 3 || !math.IsInf(got[2], 1) {
		t.Errorf("losses got %v", got)
	}
	l.Finish() // nothing new since the trailing draw
	if len(r.updated) != 1 {
		t.Errorf("Finish redrew an unchanged curve")
	}
}
