package session

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Warming up and returning free memory (Session.Warm, Options.ReleaseFree).
//
// A cell that allocates grows the heap towards the collector's goal (five
// times the live heap while a kernel's cells run with GOGC=400); the
// collector frees the garbage, but the runtime keeps the free pages
// resident and its background scavenger returns them only down to about
// the goal of the idle setting. A kernel waiting for its next cell keeps
// that peak resident. With Options.ReleaseFree the session returns the
// free pages once the session has been idle for releaseDelay after a cell
// that left more than ReleaseFree bytes of resident heap beyond the live
// heap (free pages and garbage; runtime/metrics tells, without stopping
// anything): debug.FreeOSMemory, run while no cell or
// callback runs. Cells run back to back never wait for it.

// heapMetrics are the free heap pages not yet returned, the heap's objects
// (garbage not yet swept included) and the live heap as the last collection
// marked it.
var heapMetrics = []string{
	"/memory/classes/heap/free:bytes",
	"/memory/classes/heap/objects:bytes",
	"/gc/heap/live:bytes",
}

// releaseDelay is how long the session must have been idle after a cell
// before it returns free pages.
const releaseDelay = time.Second

// freeHeap reports about how much of the resident heap a collection and a
// release would give back: the free pages and the objects beyond the live
// heap. (Space unused inside spans of live objects stays.)
func freeHeap() uint64 {
	s := make([]metrics.Sample, len(heapMetrics))
	for k, n := range heapMetrics {
		s[k].Name = n
	}
	metrics.Read(s)
	var v [3]uint64
	for k, x := range s {
		if x.Value.Kind() != metrics.KindUint64 {
			return 0
		}
		v[k] = x.Value.Uint64()
	}
	free, objects, live := v[0], v[1], v[2]
	if objects < live {
		return free
	}
	return free + objects - live
}

// releaser returns free heap pages once a session has been idle.
type releaser struct {
	threshold uint64
	delay     time.Duration // releaseDelay; shorter in tests
	idle      *sync.Mutex   // held while a cell or callback runs (Session.mu)

	mu    sync.Mutex
	timer *time.Timer
	count int // releases done, for tests
}

// afterCell (re)starts the idle timer; it runs with the session's lock held.
func (r *releaser) afterCell() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.timer == nil {
		r.timer = time.AfterFunc(r.delay, r.fire)
		return
	}
	r.timer.Reset(r.delay)
}

// fire returns the free pages if there are enough of them and nothing runs.
func (r *releaser) fire() {
	if freeHeap() < r.threshold || !r.idle.TryLock() {
		return // a cell runs: its end restarts the timer
	}
	defer r.idle.Unlock()
	debug.FreeOSMemory()
	r.mu.Lock()
	r.count++
	r.mu.Unlock()
}

// stop cancels a pending release.
func (r *releaser) stop() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.timer != nil {
		r.timer.Stop()
	}
}

// Warm builds, before the first cell, what the first cell would otherwise
// build: the compile checker (a second interpreter with every symbol
// table) and the type checker's view of the preloaded packages. The first
// cell then takes about a millisecond instead of some twenty, and the
// memory these take (about 5 MiB) is taken at start; with
// Options.ReleaseFree, what building them left over is returned at once.
// Warm does nothing once a cell has run or after Close; a kernel calls it
// in the background right after New.
func (s *Session) Warm() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.cellNo > 0 || s.shadow != nil {
		return
	}
	if s.ensureShadow() != nil {
		s.shadow = nil
		return
	}
	im := cellImporter(s.overrides)
	for _, p := range preImports {
		im.Import(p.path)
	}
	if s.release != nil {
		debug.FreeOSMemory()
	}
}
