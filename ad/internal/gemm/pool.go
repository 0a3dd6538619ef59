package gemm

import (
	"runtime"
	"sync/atomic"
	"time"
)

// A parallel product is a job: a fixed sequence of work items that the
// calling goroutine and any helpers that join claim in order from an atomic
// counter. The caller never waits for a helper to start: if none joins (the
// other cores are busy, or with other callers' jobs), the caller does every
// item itself. Items may wait for earlier items in the sequence (a packed
// panel, the previous panel's update of the same block of C); since every
// dependency of a claimed item has been claimed before it, the earliest
// unfinished item can always run.
//
// Helpers are long-lived goroutines (at most GOMAXPROCS-1) parked on a
// queue of jobs, so a product does not pay for starting goroutines; one
// that has had nothing to do for helperIdle exits (a test that counts its
// goroutines sees them go).

// runner is the part of a job the pool sees.
type runner interface {
	// participate claims and runs items until none are left (or the job
	// stopped).
	participate()
}

// callerRunner is a runner whose calling goroutine runs its own share
// (participateCaller) rather than participate's: privJob's caller claims
// items from the front, its helpers from the back.
type callerRunner interface {
	participateCaller()
}

// helperIdle is how long an idle helper stays parked before it exits.
const helperIdle = 500 * time.Millisecond

// helperSpin is how long a helper that finished a job (or was warmed)
// polls the queue before parking: a parked goroutine takes ~90 µs to start
// on this VM (measured from post to first claim, median of 200 products),
// a sixth of one of W3's 0.5 ms products.
const helperSpin = 200 * time.Microsecond

var pool struct {
	queue chan ticket
	live  atomic.Int32 // helpers running or parked
}

func init() { pool.queue = make(chan ticket, 64) }

// ticket is an offer of one run of a job to a helper: the job and the
// number of the run (jobState.gen). A ticket can stay in the queue after
// its run ended, and jobs are reused (par.go): a helper that takes a stale
// ticket must not join the job's next run, whose state may be half set.
type ticket struct {
	js  *jobState
	gen uint32
}

// jobState is what the caller and the helpers share to enter and leave a
// job safely: a helper registers as active before looking at closed (and
// then gen), and the caller closes the job and waits for active to reach
// zero before it returns (and recycles the buffers the items use, or the
// job itself). A job is closed from the end of one run until the start of
// the next, while its owner resets it; a run first advances gen, then
// opens the job, so a helper that sees it open with its ticket's gen is in
// that run, and the caller waits for it.
type jobState struct {
	r      runner
	active atomic.Int32
	closed atomic.Bool
	gen    atomic.Uint32
}

// post offers run gen of the job to up to helpers helpers, starting
// helpers when fewer are alive. It never blocks.
func post(js *jobState, gen uint32, helpers int) {
	for range helpers {
		select {
		case pool.queue <- ticket{js, gen}:
		default:
		}
	}
	for {
		n := pool.live.Load()
		if int(n) >= helpers {
			return
		}
		if pool.live.CompareAndSwap(n, n+1) {
			go helper()
		}
	}
}

// warm wakes a parked helper so that it spins for helperSpin, ready for a
// parallel product that may follow: Dgemm calls it for serial products
// from warmMin multiply-adds on (in W3's backward pass, the small products
// come just before the large Xᵀ·G). Measured on W3's gradient (quiet
// machine, interleaved, n=20): 2.32 → 2.01 ms wall, CPU +5%.
func warm() {
	select {
	case pool.queue <- ticket{&idleJob, 0}:
	default:
	}
}

// idleJob is a job with nothing to do, for warm.
var idleJob jobState

func init() { idleJob.closed.Store(true) }

func helper() {
	t := time.NewTimer(helperIdle)
	defer t.Stop()
	for {
		if helperSpin > 0 {
			deadline := time.Now().Add(helperSpin)
			for len(pool.queue) == 0 && time.Now().Before(deadline) {
				runtime.Gosched()
			}
		}
		select {
		case tk := <-pool.queue:
			tk.js.join(tk.gen)
			t.Reset(helperIdle)
		case <-t.C:
			pool.live.Add(-1)
			return
		}
	}
}

// join runs a helper's share of run gen of the job (nothing if that run
// is over). Before it registers as active and sees the job open in run
// gen, a helper reads nothing else of the job.
func (js *jobState) join(gen uint32) {
	js.active.Add(1)
	defer js.active.Add(-1)
	if js.closed.Load() || js.gen.Load() != gen {
		return
	}
	js.r.participate()
}

// run executes a job with up to helpers helpers and returns when no helper
// is inside it any more: from then on the caller may reset the job and run
// it again.
func (js *jobState) run(helpers int) {
	js.runWait(helpers)
}

// runWait is run that also reports how long the caller, once out of items,
// waited for helpers to leave the job.
func (js *jobState) runWait(helpers int) (waited time.Duration) {
	gen := js.gen.Add(1)
	js.closed.Store(false)
	post(js, gen, helpers)
	if c, ok := js.r.(callerRunner); ok {
		c.participateCaller()
	} else {
		js.r.participate()
	}
	js.closed.Store(true)
	if js.active.Load() == 0 {
		return 0
	}
	t0 := time.Now()
	var w waiter
	for js.active.Load() != 0 {
		w.pause()
	}
	return time.Since(t0)
}

// spinFor is how long a goroutine waiting for another inside a job yields
// in a loop before it naps between checks: long enough for the other to
// finish a last item on a quiet machine (the last panel's items are small,
// see tailItemsPerCPU), short enough not to burn a core for long when the
// other lost its core to another process.
const spinFor = 200 * time.Microsecond

// napFor is the length of one nap of a waiter past spinFor. On Linux a nap
// is a nanosleep of the thread (nap_linux.go), not time.Sleep: the
// runtime's timers wake a sleeping goroutine at millisecond granularity
// when nothing else runs (time.Sleep(50 µs) took 1.1 ms median on this VM;
// nanosleep of 50 µs 0.12 ms, of 20 µs 0.09 ms), and a waiter that
// overslept by a millisecond at the end of a 3 ms product (n = 512) makes
// that call a third slower.
const napFor = 20 * time.Microsecond

// waiter paces one wait for another goroutine.
type waiter struct {
	n     int
	start time.Time
}

// pause is one step of the wait: yield the processor, and once spinFor
// has passed nap briefly instead.
func (w *waiter) pause() {
	w.n++
	if w.n < 16 {
		runtime.Gosched()
		return
	}
	if w.start.IsZero() {
		w.start = time.Now()
	}
	if time.Since(w.start) < spinFor {
		runtime.Gosched()
		return
	}
	nap(napFor)
}
