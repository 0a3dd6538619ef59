package main

import (
	"os"
	"runtime/debug"
	"time"

	"github.com/gograd/gograd/ad"
)

// Garbage-collector settings of the kernel and runner processes.
//
// Differentiating a loop of small operations (a scalar loop, an RNN step by
// step) allocates one small graph node per operation and keeps them all
// alive until the backward pass; with Go's default GOGC=100 and its 4 MiB
// minimum heap, collection then takes about half of the CPU time. A notebook
// process can afford a larger heap, so tuneGC raises the GC percentage to
// kernelGCPercent and, to keep that from growing the heap without bound,
// sets a soft memory limit of half the memory available at start (the
// runtime collects more often as the heap nears it). GOGC and GOMEMLIMIT in
// the environment take precedence: each setting is only made when its
// variable is unset.

// kernelGCPercent is the GC percentage of the kernel process (Go's default
// is 100): a collection starts when the heap has grown by 400% since the
// last one.
const kernelGCPercent = 400

// idleGCPercent is the kernel's GC percentage between cells and during
// a cell's (or widget callback's) first 5 ms, when tuneGC set
// kernelGCPercent; cells that run longer continue with kernelGCPercent
// (see session.Options.IdleGCPercent). An idle kernel, or one running
// short cells back to back, keeps room for half its live heap more, not
// four times more: about 25 MiB less resident memory for a fresh session
// than with 400 throughout, and 4 MiB less than Go's default 100, for
// about 0.5 ms more collector CPU time per small cell (BenchmarkLongSession:
// a cell of grad, ad ops and a print, 2000 times, 2.9 -> 3.4 ms CPU per
// cell, median latency unchanged).
const idleGCPercent = 50

// releaseFree is the free heap (bytes) above which an idle kernel returns
// it to the system a second after a cell or widget callback (see
// session.Options.ReleaseFree): what the collector's headroom left
// resident, some 5-10 MiB for a fresh session.
const releaseFree = 1 << 20

// warmDelay is how long after start the kernel builds what the first cell
// needs (session.Session.Warm): after the front end's first requests.
const warmDelay = 200 * time.Millisecond

// tuneGC applies the kernel's GC settings (see above) and reports what it
// set: the GC percentage (0 if left alone) and the memory limit in bytes (0
// if left alone).
func tuneGC() (percent int, limit int64) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(kernelGCPercent)
		percent = kernelGCPercent
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		if avail := ad.AvailableMemory(); avail > 0 {
			limit = avail / 2
			debug.SetMemoryLimit(limit)
		}
	}
	return percent, limit
}
