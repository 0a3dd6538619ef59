package display

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// fakeClock is a manual clock and scheduler for progress bars.
type fakeClock struct {
	t       time.Time
	pending []func()
	delays  []time.Duration
}

func (c *fakeClock) now() time.Time { return c.t }
func (c *fakeClock) schedule(d time.Duration, f func()) {
	c.pending = append(c.pending, f)
	c.delays = append(c.delays, d)
}
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// fire runs the scheduled functions, as their timers would.
func (c *fakeClock) fire() {
	fs := c.pending
	c.pending = nil
	for _, f := range fs {
		f()
	}
}

func newFakeBar(t *testing.T, total int) (*ProgressBar, *recorder, *fakeClock) {
	r := withRecorder(t)
	c := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	return newProgress(total, c.now, c.schedule), r, c
}

func TestProgressThrottles(t *testing.T) {
	p, r, c := newFakeBar(t, 1000)
	if len(r.shown) != 1 || r.shown[0].DisplayID != p.ID() {
		t.Fatalf("bar not shown once with its id: %v", r.shown)
	}
	// 999 steps 1 ms apart: ~1 s of work, so about 10 updates.
	for range 999 {
		c.advance(time.Millisecond)
		p.Increment()
	}
	if n := len(r.updated); n < 9 || n > 10 {
		t.Errorf("got %d updates in 1 s, want 9 or 10", n)
	}
	for i, b := range r.updated {
		if b.DisplayID != p.ID() {
			t.Errorf("update %d has id %q, want %q", i, b.DisplayID, p.ID())
		}
	}
	before := len(r.updated)
	c.advance(time.Millisecond)
	p.Increment() // reaches the total: shown at once, throttle or not
	if len(r.updated) != before+1 {
		t.Fatalf("final step not published immediately")
	}
	final := r.updated[len(r.updated)-1].Data["text/plain"].(string)
	if want := "100%|████████████████████| 1000/1000 [00:01<00:00, 1000.00 it/s]"; final != want {
		t.Errorf("final text got %q, want %q", final, want)
	}
	p.Increment()
	p.Finish()
	p.Close()
	if len(r.updated) != before+1 {
		t.Errorf("finished bar published again")
	}
	if p.Count() != 1000 {
		t.Errorf("count got %d, want 1000", p.Count())
	}
}

func TestProgressTrailingUpdate(t *testing.T) {
	p, r, c := newFakeBar(t, 10)
	c.advance(10 * time.Millisecond)
	p.Add(3) // within the interval of the initial display: held back
	if len(r.updated) != 0 {
		t.Fatalf("update published within %v of the last", ProgressInterval)
	}
	if len(c.pending) != 1 || c.delays[0] != 90*time.Millisecond {
		t.Fatalf("got pending %d with delays %v, want one flush after 90ms", len(c.pending), c.delays)
	}
	p.Add(1) // still held back; no second timer
	if len(c.pending) != 1 {
		t.Fatalf("got %d timers, want 1", len(c.pending))
	}
	c.advance(90 * time.Millisecond)
	c.fire()
	if len(r.updated) != 1 {
		t.Fatalf("trailing flush did not publish")
	}
	if got := r.updated[0].Data["text/plain"].(string); !strings.Contains(got, " 4/10 ") {
		t.Errorf("flushed state got %q, want 4/10", got)
	}
	c.fire() // nothing pending, nothing new
	if len(r.updated) != 1 {
		t.Errorf("extra publication without a change")
	}
}

func TestProgressText(t *testing.T) {
	tests := []struct {
		name  string
		total int
		steps int
		wait  time.Duration
		end   func(*ProgressBar)
		want  string
		html  []string
	}{
		{"half", 8, 4, 2 * time.Second, nil, "train  50%|██████████          | 4/8 [00:02<00:02, 2.00 it/s]",
			[]string{"<span>train</span>", "width:50.0%", "#0072B2", "4/8", "00:02 &lt; 00:02"}},
		{"closed early", 8, 2, 4 * time.Second, (*ProgressBar).Close, "train  25%|█████               | 2/8 [00:04, 2.00 s/it] stopped",
			[]string{"#D55E00", "stopped"}},
		{"finished", 8, 2, time.Second, (*ProgressBar).Finish, "train 100%|████████████████████| 8/8 [00:01<00:00, 8.00 it/s]",
			[]string{"#009E73", "width:100.0%"}},
		{"unknown total", 0, 5, time.Second, nil, "train 5 [00:01, 5.00 it/s]", []string{"<span>5</span>"}},
		{"partial cell", 24, 1, time.Second, nil, "train   4%|▊                   | 1/24 [00:01<00:23, 1.00 it/s]", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, r, c := newFakeBar(t, tt.total)
			p.Describe("train")
			c.advance(tt.wait)
			p.Add(tt.steps)
			if tt.end != nil {
				tt.end(p)
			}
			last := r.shown[0]
			if len(r.updated) > 0 {
				last = r.updated[len(r.updated)-1]
			}
			if got := last.Data["text/plain"]; got != tt.want {
				t.Errorf("text got %q, want %q", got, tt.want)
			}
			for _, h := range tt.html {
				if !strings.Contains(last.Data["text/html"].(string), h) {
					t.Errorf("html lacks %q: %s", h, last.Data["text/html"])
				}
			}
		})
	}
}

func TestRateString(t *testing.T) {
	tests := []struct {
		rate float64
		want string
	}{
		{0.25, "4.00 s/it"}, {0, "0.00 it/s"}, {128.3, "128.30 it/s"}, {9999, "9999.00 it/s"},
		{14700, "14.7k it/s"}, {1467093.1, "1.47M it/s"}, {math.NaN(), "? it/s"},
	}
	for _, tt := range tests {
		if got := rateString(tt.rate); got != tt.want {
			t.Errorf("rateString(%g) got %q, want %q", tt.rate, got, tt.want)
		}
	}
}

func TestClockFormat(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{{0, "00:00"}, {61 * time.Second, "01:01"}, {3725 * time.Second, "1:02:05"}}
	for _, tt := range tests {
		if got := clock(tt.d); got != tt.want {
			t.Errorf("clock(%v) got %q, want %q", tt.d, got, tt.want)
		}
	}
}

func ExampleProgress() {
	bar := Progress(3).Describe("epochs")
	for range 3 {
		bar.Increment()
	}
	bar.Finish()
	fmt.Println(bar.Count())
	// Output: 3
}
