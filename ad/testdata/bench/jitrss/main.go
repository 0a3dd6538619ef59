// Command jitrss measures the resident memory of 100 jitted W3 gradients
// (../../../bench_test.go's W3: value and gradient of a tanh MLP with
// softmax cross-entropy, X 128×784, W1 784×256, b1 256, W2 256×10, b2 10)
// in a fresh process, for jit_rss.py, which runs it beside PyTorch's
// jit_rss_torch.py. It prints one JSON line.
//
// Before the loop it resets the peak (VmHWM) to the current resident size
// by writing 5 to /proc/self/clear_refs, so the peak growth is
// VmHWM after − VmRSS before. Run it with the GOGC setting to measure
// (Go's default 100, or the kernel's 400).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/gograd/gograd/ad"
)

// status returns VmRSS and VmHWM from /proc/self/status, in KiB.
func status() (rss, hwm int64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		panic(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = v
		case "VmHWM:":
			hwm = v
		}
	}
	return rss, hwm
}

func main() {
	n := flag.Int("n", 100, "gradients")
	eager := flag.Bool("eager", false, "without ad.Jit")
	keep := flag.Bool("keep-traced", false, "trace (first call) before the baseline")
	release := flag.Bool("release", false, "ad.Release the results after use")
	donate := flag.Bool("donate", false, "donate the results to the next call (ad.JitSliceTo)")
	heap := flag.String("heapprofile", "", "write a heap profile after the loop to this file")
	flag.Parse()

	r := ad.NewRNG(3)
	const batch, in, hidden, out = 128, 784, 256, 10
	x := r.Normal(batch, in)
	y := make([]float64, batch*out)
	for i := 0; i < batch; i++ {
		y[i*out+r.Intn(out)] = 1
	}
	yt := ad.New(y, batch, out)
	params := []*ad.Tensor{
		ad.Mul(r.Normal(in, hidden), 1/math.Sqrt(in)), ad.Zeros(hidden),
		ad.Mul(r.Normal(hidden, out), 1/math.Sqrt(hidden)), ad.Zeros(out),
	}
	loss := func(p []*ad.Tensor) *ad.Tensor {
		h := ad.Tanh(ad.Add(ad.MatMul(x, p[0]), p[1]))
		z := ad.Add(ad.MatMul(h, p[2]), p[3])
		lse := ad.LogSumExpKeepDims(z, 1)
		return ad.Div(ad.Neg(ad.Sum(ad.Mul(yt, ad.Sub(z, lse)))), float64(batch))
	}
	vg := ad.ValueAndGradSlice(loss)
	f := func(xs []*ad.Tensor) []*ad.Tensor {
		v, gs := vg(xs)
		return append([]*ad.Tensor{v}, gs...)
	}
	var step func(dst, xs []*ad.Tensor) []*ad.Tensor
	switch {
	case *donate:
		step = ad.JitSliceTo(f)
	case !*eager:
		f = ad.JitSlice(f)
	}
	var outs []*ad.Tensor
	grad := func() {
		if step != nil {
			outs = step(outs, params)
			return
		}
		if *release {
			ad.Release(outs...)
		}
		outs = f(params)
	}
	if *keep {
		// (The first results are the trace's, which a later call does
		// not reuse: the loop's first gradient makes new buffers.)
		grad()
	}
	runtime.GC()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		fmt.Fprintln(os.Stderr, "jitrss: cannot reset VmHWM:", err)
		os.Exit(1)
	}
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	rss0, hwm0 := status()
	start := time.Now()
	check := 0.0
	for i := 0; i < *n; i++ {
		grad()
		check = outs[0].Item()
	}
	elapsed := time.Since(start)
	rss1, hwm1 := status()
	runtime.ReadMemStats(&ms1)
	if *heap != "" {
		runtime.GC()
		w, err := os.Create(*heap)
		if err != nil {
			panic(err)
		}
		pprof.WriteHeapProfile(w)
		w.Close()
	}
	gogc := debug.SetGCPercent(100)
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"peer": "gograd", "mode": map[bool]string{false: "jit", true: "eager"}[*eager], "n": *n,
		"release": *release, "donate": *donate,
		"gogc": gogc, "gomaxprocs": runtime.GOMAXPROCS(0), "traced_before": *keep,
		"rss0_kb": rss0, "hwm0_kb": hwm0, "rss1_kb": rss1, "hwm1_kb": hwm1,
		"peak_growth_kb": hwm1 - rss0, "rss_growth_kb": rss1 - rss0,
		"heap_sys0_kb": ms0.HeapSys >> 10, "heap_sys1_kb": ms1.HeapSys >> 10, "num_gc": ms1.NumGC - ms0.NumGC,
		"total_alloc_kb": (ms1.TotalAlloc - ms0.TotalAlloc) >> 10, "seconds": elapsed.Seconds(), "check": check,
	})
}
