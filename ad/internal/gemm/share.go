package gemm

// Work of other packages shared with the products' helpers: package ad's
// jitted replays run their long elementwise loops as jobs of this pool
// instead of starting goroutines for each loop (which allocated at every
// replay), and find the helpers that a product has just left spinning.

// Participant is a job's work as the pool sees it: Participate claims and
// runs parts of the work until none is left. The caller and every helper
// that joins call it concurrently; it must return once nothing is left to
// claim.
type Participant interface {
	Participate()
}

// Shared runs a Participant with the pool's helpers. Its zero value is
// ready to use; it must not be copied after first use, and one Shared
// runs one job at a time (keep one per goroutine that runs jobs, or take
// them from a free list).
type Shared struct {
	js jobState
	sr sharedRunner
}

// sharedRunner adapts a Participant to the pool's runner.
type sharedRunner struct{ p Participant }

func (r *sharedRunner) participate() { r.p.Participate() }

// Run calls p.Participate on the calling goroutine and offers the job to
// up to helpers helpers, which join only if they are free (the caller
// never waits for one to start); it returns once the caller's call has
// returned and no helper is inside p any more. It allocates nothing once
// the helpers are running.
func (s *Shared) Run(p Participant, helpers int) {
	s.sr.p = p
	s.js.r = &s.sr
	s.js.run(helpers)
	s.sr.p = nil
}
