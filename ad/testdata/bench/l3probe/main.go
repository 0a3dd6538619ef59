// Command l3probe tells where the host has put this VM's two vCPUs just
// now: it bounces a cache line between two spinning goroutines (one per
// vCPU while nothing else runs) and prints the fastest round trip of 15
// trials of 10 000 bounces (another process can only make a trial slower), with a guess at the placement. On the Zen 4 VM
// of ad/BENCHMARKS.md (helper w7big, 2026-12-08) the host moved the vCPUs
// from minute to minute between one L3 (85–105 ns) and two (450–600 ns),
// and parallel products, gograd's and OpenBLAS's, ran at different speeds
// in each; w7_numpy.py prints this before every run when L3PROBE names a
// build of it:
//
//	go build -o /tmp/l3probe ./ad/testdata/bench/l3probe
package main

import (
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"time"
)

type line struct {
	v atomic.Int64
	_ [56]byte
}

var pp [2]line

func trial(rounds int64) float64 {
	pp[0].v.Store(0)
	pp[1].v.Store(0)
	done := make(chan struct{})
	go func() {
		for i := int64(1); i <= rounds; i++ {
			for pp[0].v.Load() != i {
			}
			pp[1].v.Store(i)
		}
		close(done)
	}()
	t0 := time.Now()
	for i := int64(1); i <= rounds; i++ {
		pp[0].v.Store(i)
		for pp[1].v.Load() != i {
		}
	}
	<-done
	return float64(time.Since(t0).Nanoseconds()) / float64(rounds)
}

func main() {
	if runtime.GOMAXPROCS(0) < 2 {
		fmt.Println("l3probe: needs two CPUs")
		return
	}
	var ts []float64
	for range 15 {
		ts = append(ts, trial(10000))
	}
	slices.Sort(ts)
	m := ts[0]
	where := "one L3"
	switch {
	case m < 60:
		where = "SMT siblings?"
	case m > 250:
		where = "two L3s"
	}
	fmt.Printf("round trip %.0f ns (%s)\n", m, where)
}
