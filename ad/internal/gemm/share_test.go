package gemm

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// countJob is a Participant whose items are the indices 0..n-1; done[i]
// counts how often item i ran.
type countJob struct {
	next atomic.Int64
	done []atomic.Int32
}

func (j *countJob) Participate() {
	for {
		i := int(j.next.Add(1)) - 1
		if i >= len(j.done) {
			return
		}
		j.done[i].Add(1)
	}
}

// TestSharedRun: a Shared run with 0 to 3 helpers, reused for many runs
// (so that stale tickets of earlier runs reach helpers), runs every item
// exactly once and returns only when every item is done; in steady state
// a run allocates nothing.
func TestSharedRun(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	var s Shared
	j := &countJob{done: make([]atomic.Int32, 5000)}
	run := func(helpers int) {
		j.next.Store(0)
		for i := range j.done {
			j.done[i].Store(0)
		}
		s.Run(j, helpers)
	}
	for _, helpers := range []int{0, 1, 3} {
		for r := range 200 {
			run(helpers)
			for i := range j.done {
				if n := j.done[i].Load(); n != 1 {
					t.Fatalf("%d helpers, run %d: item %d ran %d times when Run returned", helpers, r, i, n)
				}
			}
		}
	}
	if got := parallelAllocs(50, func() { run(1) }); got >= 0.5 {
		t.Errorf("a run allocates %v times, want 0", got)
	}
}
