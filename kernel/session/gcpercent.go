package session

import (
	"runtime/debug"
	"sync"
	"time"
)

// The GC percentage while a cell runs (Options.IdleGCPercent).
//
// A kernel collects rarely while a long cell runs (GOGC=400, for
// differentiating loops of small operations) and keeps the heap within
// twice its live size between cells. A short cell gains nothing from the
// larger heap: it allocates too little to need a collection either way.
// But cells run back to back at GOGC=400 let the heap climb to five times
// its live size, and that peak stays resident (some 20 MiB more for a
// fresh session). So a cell starts with the idle percentage and the
// session raises it to the busy one only once the cell has run for
// busyAfter; the cell's end sets the idle percentage again. A cell that
// follows one that ran that long starts with the busy percentage: the
// user is re-running long cells, each would otherwise collect once more
// in its first milliseconds (a cell differentiating a 1000-step loop,
// about 18 ms, took some 20% more CPU time that way).

// busyAfter is how long a cell runs with the idle GC percentage.
const busyAfter = 5 * time.Millisecond

// gcRaise raises the GC percentage for the cell running once it has run
// for busyAfter.
type gcRaise struct {
	busy, idle int
	after      time.Duration

	mu     sync.Mutex
	gen    uint64 // the running cell's number; its timer raises only for it
	on     bool   // a cell runs
	raised bool   // its percentage is the busy one
	long   bool   // the last cell ran for g.after or longer
	began  time.Time
	timer  *time.Timer
}

// start begins a cell: a timer raises the percentage after g.after, or
// start raises it at once when the last cell ran that long.
func (g *gcRaise) start() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.gen++
	g.on, g.raised = true, false
	g.began = time.Now()
	if g.long {
		debug.SetGCPercent(g.busy)
		g.raised = true
		return
	}
	gen := g.gen
	g.timer = time.AfterFunc(g.after, func() { g.raise(gen) })
}

// raise sets the busy percentage if cell gen still runs.
func (g *gcRaise) raise(gen uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.on && g.gen == gen && !g.raised {
		debug.SetGCPercent(g.busy)
		g.raised = true
	}
}

// end ends the cell: the idle percentage again.
func (g *gcRaise) end() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.on = false
	if g.timer != nil {
		g.timer.Stop()
		g.timer = nil
	}
	g.long = time.Since(g.began) >= g.after
	if g.raised {
		debug.SetGCPercent(g.idle)
		g.raised = false
	}
}
