package display

import (
	"sync"
	"time"
)

// throttle publishes a display in place (display_data, then
// update_display_data under one display id) at most once per interval. A
// change that arrives within the interval is not dropped: it marks the
// state dirty and schedules one trailing publication for when the
// interval has passed. ProgressBar and LiveLossCurve are built on it.
//
// Fields are guarded by mu, the owner's lock; the *Locked methods expect it
// held, flush takes it itself (it runs from a timer).
type throttle struct {
	mu       *sync.Mutex
	sink     Sink // the sink current when the owner was created
	id       string
	interval time.Duration
	// render returns the bundle to publish, or false if there is nothing
	// to show yet. It is called with mu held.
	render func(now time.Time) (Bundle, bool)

	now      func() time.Time
	schedule func(d time.Duration, f func())

	last      time.Time // last publication (attempt)
	attempted bool      // publishLocked has run at least once
	published bool      // display_data was sent; later ones are updates
	dirty     bool      // state changed since the last publication
	timerSet  bool      // a trailing publication is scheduled
	done      bool      // final state shown; later changes are ignored
}

func newThrottle(mu *sync.Mutex, interval time.Duration, now func() time.Time, schedule func(time.Duration, func()), render func(time.Time) (Bundle, bool)) throttle {
	return throttle{mu: mu, sink: CurrentSink(), id: newDisplayID(), interval: interval, render: render, now: now, schedule: schedule}
}

// afterFunc is the production timer for throttled displays (tests pass a
// fake clock and timer instead).
func afterFunc(d time.Duration, f func()) { time.AfterFunc(d, f) }

// changedLocked records a change: it publishes now if the interval since
// the last publication has passed (or nothing was published yet), else
// schedules a trailing publication.
func (t *throttle) changedLocked() {
	t.dirty = true
	now := t.now()
	if t.attempted {
		if wait := t.last.Add(t.interval).Sub(now); wait > 0 {
			if !t.timerSet {
				t.timerSet = true
				t.schedule(wait, t.flush)
			}
			return
		}
	}
	t.publishLocked(now)
}

// finishLocked marks the display done and publishes its final state if
// always is set or the state changed since the last publication.
func (t *throttle) finishLocked(always bool) {
	t.done = true
	if always || t.dirty {
		t.publishLocked(t.now())
	}
}

// flush publishes a state held back by the throttle.
func (t *throttle) flush() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.timerSet = false
	if t.dirty && !t.done {
		t.publishLocked(t.now())
	}
}

func (t *throttle) publishLocked(now time.Time) {
	t.last, t.dirty, t.attempted = now, false, true
	if t.sink == nil {
		return
	}
	b, ok := t.render(now)
	if !ok {
		return
	}
	b.DisplayID = t.id
	if t.published {
		t.sink.Update(b)
	} else {
		t.published = true
		t.sink.Display(b)
	}
}
