package display

import (
	"math"
	"sync"
	"time"
)

// LiveInterval is the least time between two redraws of a live loss
// curve: rendering a figure takes tens of milliseconds, so it is redrawn
// at most twice a second however fast the training loop runs.
const LiveInterval = 500 * time.Millisecond

// LiveLossCurve is a loss curve that redraws itself in place while a
// model trains. Add records a loss and, at most once per LiveInterval,
// redraws the figure (update_display_data); a state held back by the
// throttle is drawn when the interval has passed, and Finish draws the
// final state. Its methods are safe for concurrent use.
//
//	curve := display.LiveLoss()
//	for step := 0; step < 1000; step++ {
//		curve.Add(train())
//	}
//	curve.Finish()
type LiveLossCurve struct {
	mu     sync.Mutex
	t      throttle
	title  string
	losses []float64
}

// LiveLoss returns a live loss curve titled "Training loss". It shows
// nothing until the first loss is added. Like a ProgressBar it publishes
// to the sink current when it is created.
func LiveLoss() *LiveLossCurve {
	return newLiveLoss(time.Now, afterFunc)
}

func newLiveLoss(now func() time.Time, schedule func(time.Duration, func())) *LiveLossCurve {
	l := &LiveLossCurve{title: "Training loss"}
	l.t = newThrottle(&l.mu, LiveInterval, now, schedule, l.renderLocked)
	return l
}

// Title sets the figure's title and returns the curve.
func (l *LiveLossCurve) Title(title string) *LiveLossCurve {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.title = title
	return l
}

// Add records the next loss. NaN and infinite losses are recorded (Losses
// returns them) but not drawn. Adding to a finished curve does nothing.
func (l *LiveLossCurve) Add(loss float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.t.done {
		return
	}
	l.losses = append(l.losses, loss)
	l.t.changedLocked()
}

// Finish draws the final state; later calls to Add are ignored. It is
// idempotent.
func (l *LiveLossCurve) Finish() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.t.done {
		return
	}
	l.t.finishLocked(false)
}

// Losses returns a copy of the losses added so far.
func (l *LiveLossCurve) Losses() []float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]float64(nil), l.losses...)
}

// Figure returns the loss curve of the losses so far, or nil before the
// first one.
func (l *LiveLossCurve) Figure() *Figure {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.figureLocked()
}

// ID returns the curve's display id.
func (l *LiveLossCurve) ID() string { return l.t.id }

func (l *LiveLossCurve) figureLocked() *Figure {
	if len(l.losses) == 0 {
		return nil
	}
	finite := make([]float64, len(l.losses))
	for i, v := range l.losses {
		finite[i] = v
		if math.IsInf(v, 0) {
			finite[i] = math.NaN()
		}
	}
	return LossCurve(finite).Title(l.title)
}

func (l *LiveLossCurve) renderLocked(time.Time) (Bundle, bool) {
	fig := l.figureLocked()
	if fig == nil {
		return Bundle{}, false
	}
	return fig.Bundle(), true
}
