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
	mu        sync.Mutex
	sink      Sink // the sink current when the curve was created
	id        string
	title     string
	losses    []float64
	last      time.Time
	published bool
	dirty     bool
	timerSet  bool
	done      bool

	now      func() time.Time
	schedule func(time.Duration, func())
}

// LiveLoss returns a live loss curve titled "Training loss". It shows
// nothing until the first loss is added. Like a ProgressBar it publishes
// to the sink current when it is created.
func LiveLoss() *LiveLossCurve {
	return newLiveLoss(time.Now, func(d time.Duration, f func()) { time.AfterFunc(d, f) })
}

func newLiveLoss(now func() time.Time, schedule func(time.Duration, func())) *LiveLossCurve {
	return &LiveLossCurve{sink: CurrentSink(), id: newDisplayID(), title: "Training loss", now: now, schedule: schedule}
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
	if l.done {
		return
	}
	l.losses = append(l.losses, loss)
	l.dirty = true
	now := l.now()
	if l.published {
		if wait := l.last.Add(LiveInterval).Sub(now); wait > 0 {
			if !l.timerSet {
				l.timerSet = true
				l.schedule(wait, l.flush)
			}
			return
		}
	}
	l.publishLocked(now)
}

// Finish draws the final state; later calls to Add are ignored. It is
// idempotent.
func (l *LiveLossCurve) Finish() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done {
		return
	}
	l.done = true
	if l.dirty {
		l.publishLocked(l.now())
	}
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
func (l *LiveLossCurve) ID() string { return l.id }

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

func (l *LiveLossCurve) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.timerSet = false
	if l.dirty && !l.done {
		l.publishLocked(l.now())
	}
}

func (l *LiveLossCurve) publishLocked(now time.Time) {
	l.last, l.dirty = now, false
	fig := l.figureLocked()
	if fig == nil || l.sink == nil {
		return
	}
	b := fig.Bundle()
	b.DisplayID = l.id
	if l.published {
		l.sink.Update(b)
	} else {
		l.published = true
		l.sink.Display(b)
	}
}
