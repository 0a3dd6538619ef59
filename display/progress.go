package display

import (
	"fmt"
	"html"
	"math"
	"strings"
	"sync"
	"time"
)

// ProgressInterval is the least time between two in-place updates of a
// progress bar: at most ten a second, however fast the loop advances it.
const ProgressInterval = 100 * time.Millisecond

// ProgressBar is a live progress bar for a loop. It is shown when created
// and redrawn in place (update_display_data) as it advances, at most once
// per ProgressInterval; a state held back by the throttle is published
// when the interval has passed, and the final state is always shown.
// It displays the count, the percentage, the elapsed time, the rate and
// the estimated time left, as HTML and as text/plain (tqdm style).
//
// Its methods are safe for concurrent use. Once finished or closed, a bar
// ignores further changes.
type ProgressBar struct {
	mu      sync.Mutex
	t       throttle
	total   int
	n       int
	desc    string
	start   time.Time
	stopped bool // closed before reaching the total
}

// Progress shows a new progress bar for total steps and returns it. A
// total ≤ 0 means the total is unknown: the bar shows the count and rate
// but no percentage or time left. The bar publishes to the sink current
// when it is created, so updates from goroutines reach the cell that
// created it.
func Progress(total int) *ProgressBar {
	return newProgress(total, time.Now, afterFunc)
}

func newProgress(total int, now func() time.Time, schedule func(time.Duration, func())) *ProgressBar {
	if total < 0 {
		total = 0
	}
	p := &ProgressBar{total: total}
	p.t = newThrottle(&p.mu, ProgressInterval, now, schedule, p.renderLocked)
	p.start = now()
	p.mu.Lock()
	p.t.publishLocked(p.start)
	p.mu.Unlock()
	return p
}

// Describe sets the label shown before the bar and returns the bar.
func (p *ProgressBar) Describe(desc string) *ProgressBar {
	p.change(func() { p.desc = desc })
	return p
}

// Add advances the bar by n steps (n may be negative). Reaching the total
// finishes the bar.
func (p *ProgressBar) Add(n int) { p.change(func() { p.n += n }) }

// Increment advances the bar by one step.
func (p *ProgressBar) Increment() { p.Add(1) }

// Set sets the number of steps done. Reaching the total finishes the bar.
func (p *ProgressBar) Set(n int) { p.change(func() { p.n = n }) }

// Finish completes the bar: the count becomes the total (when known) and
// the final state is shown. It is idempotent.
func (p *ProgressBar) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.t.done {
		return
	}
	if p.total > 0 {
		p.n = p.total
	}
	p.t.finishLocked(true)
}

// Close ends the bar where it stands: the final state is shown, marked as
// stopped if the total was not reached (a loop that broke early). It is
// idempotent and does nothing after Finish.
func (p *ProgressBar) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.t.done {
		return
	}
	p.stopped = p.total > 0 && p.n < p.total
	p.t.finishLocked(true)
}

// Count returns the number of steps done.
func (p *ProgressBar) Count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// ID returns the bar's display id.
func (p *ProgressBar) ID() string { return p.t.id }

// String returns the bar's text/plain form.
func (p *ProgressBar) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.textLocked(p.t.now())
}

// change applies f and publishes the new state if the throttle allows,
// else schedules a trailing publication. Reaching the total finishes the
// bar and always shows the final state.
func (p *ProgressBar) change(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.t.done {
		return
	}
	f()
	if p.total > 0 && p.n >= p.total {
		p.n = p.total
		p.t.finishLocked(true)
		return
	}
	p.t.changedLocked()
}

func (p *ProgressBar) renderLocked(now time.Time) (Bundle, bool) {
	return Bundle{
		Data: map[string]any{
			"text/plain": p.textLocked(now),
			"text/html":  p.htmlLocked(now),
		},
		Metadata: map[string]any{},
	}, true
}

// stats returns the elapsed time, the rate in steps per second (NaN before
// any time has passed) and the estimated time left (negative if unknown).
func (p *ProgressBar) stats(now time.Time) (elapsed time.Duration, rate float64, left time.Duration) {
	elapsed = now.Sub(p.start)
	rate, left = math.NaN(), -1
	if elapsed > 0 {
		rate = float64(p.n) / elapsed.Seconds()
	}
	if p.total > 0 && rate > 0 && !p.t.done {
		left = time.Duration(float64(p.total-p.n) / rate * float64(time.Second))
	}
	if p.t.done && !p.stopped {
		left = 0
	}
	return elapsed, rate, left
}

// textLocked renders like tqdm:
// "train  42%|████▏     | 420/1000 [00:03<00:04, 128.30 it/s]".
func (p *ProgressBar) textLocked(now time.Time) string {
	elapsed, rate, left := p.stats(now)
	var b strings.Builder
	if p.desc != "" {
		b.WriteString(p.desc + " ")
	}
	if p.total > 0 {
		frac := clamp01(float64(p.n) / float64(p.total))
		fmt.Fprintf(&b, "%3.0f%%|%s| %d/%d", 100*frac, textBar(frac, 20), p.n, p.total)
	} else {
		fmt.Fprintf(&b, "%d", p.n)
	}
	fmt.Fprintf(&b, " [%s", clock(elapsed))
	if left >= 0 && p.total > 0 {
		fmt.Fprintf(&b, "<%s", clock(left))
	}
	fmt.Fprintf(&b, ", %s]", rateString(rate))
	if p.stopped {
		b.WriteString(" stopped")
	}
	return b.String()
}

func (p *ProgressBar) htmlLocked(now time.Time) string {
	elapsed, rate, left := p.stats(now)
	color := "#0072B2"
	switch {
	case p.stopped:
		color = "#D55E00"
	case p.t.done:
		color = "#009E73"
	}
	var b strings.Builder
	b.WriteString(`<div class="gograd-progress" style="display:flex;align-items:center;gap:8px;font-family:monospace;font-size:13px;white-space:nowrap">`)
	if p.desc != "" {
		fmt.Fprintf(&b, "<span>%s</span>", html.EscapeString(p.desc))
	}
	if p.total > 0 {
		frac := clamp01(float64(p.n) / float64(p.total))
		fmt.Fprintf(&b, `<span style="min-width:4ch;text-align:right">%.0f%%</span>`, 100*frac)
		fmt.Fprintf(&b, `<div style="width:260px;height:12px;background:#e8e8e8;border-radius:3px;overflow:hidden">`+
			`<div style="width:%.1f%%;height:100%%;background:%s"></div></div>`, 100*frac, color)
		fmt.Fprintf(&b, "<span>%d/%d</span>", p.n, p.total)
	} else {
		fmt.Fprintf(&b, "<span>%d</span>", p.n)
	}
	fmt.Fprintf(&b, `<span style="color:#555">%s`, clock(elapsed))
	if left >= 0 && p.total > 0 {
		fmt.Fprintf(&b, " &lt; %s", clock(left))
	}
	fmt.Fprintf(&b, ", %s", rateString(rate))
	if p.stopped {
		b.WriteString(", stopped")
	}
	b.WriteString("</span></div>")
	return b.String()
}

// textBar draws frac of width cells with eighth-block characters.
func textBar(frac float64, width int) string {
	eighths := int(frac * float64(width) * 8)
	full, part := eighths/8, eighths%8
	var b strings.Builder
	b.WriteString(strings.Repeat("█", full))
	if full < width {
		if part > 0 {
			b.WriteRune([]rune(" ▏▎▍▌▋▊▉")[part])
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(strings.Repeat(" ", width-full-1))
	}
	return b.String()
}

// clock formats d as mm:ss, or h:mm:ss from an hour up.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

// rateString formats steps per second, switching to seconds per step for
// slow loops and to k and M suffixes for fast ones.
func rateString(rate float64) string {
	switch {
	case math.IsNaN(rate) || math.IsInf(rate, 0):
		return "? it/s"
	case rate > 0 && rate < 1:
		return fmt.Sprintf("%.2f s/it", 1/rate)
	case rate >= 1e6:
		return fmt.Sprintf("%.3gM it/s", rate/1e6)
	case rate >= 1e4:
		return fmt.Sprintf("%.3gk it/s", rate/1e3)
	}
	return fmt.Sprintf("%.2f it/s", rate)
}

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }
