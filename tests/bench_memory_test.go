package tests

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A longKind is one kind of cell run again and again in a long session,
// with its setup cell, in gograd and (as the reference) in Python.
type longKind struct {
	name             string
	goSetup, goCell  string
	pySetup, pyCell  string
	goCellN, pyCellN func(i int) string // cells that change with the run number, or nil
}

// longKinds are the cells of issue 13: a small cell (redefine a func, a
// gradient of a function literal on 10 points, two ad ops, a print) and
// each of its parts alone, a gradient function kept in a variable, plus a
// function redefined with a new body each time.
var longKinds = []longKind{
	{
		name: "full",
		goCell: `func f(x float64) float64 { return x*x + 1 }
g := ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(x, ad.Sin(x))) })(ad.Linspace(0, 1, 10))
y := ad.Mul(ad.Sin(g), 2.0)
z := ad.Sum(y)
fmt.Println(f(2), z)`,
		pySetup: "import math",
		pyCell: `def f(x): return x*x + 1
g = (lambda x: [math.sin(v) + v*math.cos(v) for v in x])([i/9 for i in range(10)])
y = [2*math.sin(v) for v in g]
z = sum(y)
print(f(2), z)`,
	},
	{
		name:    "grad",
		goCell:  `g := ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(x, ad.Sin(x))) })(ad.Linspace(0, 1, 10))`,
		pySetup: "import math",
		pyCell:  `g = (lambda x: [math.sin(v) + v*math.cos(v) for v in x])([i/9 for i in range(10)])`,
	},
	{
		// The gradient function kept in a notebook variable and called:
		// each run's literal kept the previous run's function until
		// kernel/session put the call in parentheses (yaegi_fixes.go).
		name:    "grad-kept",
		goSetup: "x0 := ad.Linspace(0, 1, 10)",
		goCell: `g := ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(x, ad.Tanh(x))) })
fmt.Println(g(x0))`,
		pySetup: "import math\nx0 = [i/9 for i in range(10)]",
		pyCell: `g = lambda x: [math.tanh(v) + v*(1 - math.tanh(v)**2) for v in x]
print(g(x0))`,
	},
	{
		name:    "ops",
		goSetup: "x0 := ad.Linspace(0, 1, 10)",
		goCell:  "y := ad.Mul(ad.Sin(x0), 2.0)\nz := ad.Sum(y)",
		pySetup: "import math\nx0 = [i/9 for i in range(10)]",
		pyCell:  "y = [2*math.sin(v) for v in x0]\nz = sum(y)",
	},
	{
		name:   "redefine",
		goCell: "func f(x float64) float64 { return x*x + 1 }",
		pyCell: "def f(x): return x*x + 1",
	},
	{
		name:    "redefine-new-body",
		goCellN: func(i int) string { return fmt.Sprintf("func f(x float64) float64 { return x*x + %d }", i) },
		pyCellN: func(i int) string { return fmt.Sprintf("def f(x): return x*x + %d", i) },
	},
	{
		name:   "print",
		goCell: `fmt.Println("hello", 42)`,
		pyCell: `print("hello", 42)`,
	},
}

// BenchmarkLongSession runs $GOGRAD_BENCH_CELLS (default 2000) executions
// of each kind of cell in a fresh kernel process, gograd with its own GC
// setting (GOGC and GOMEMLIMIT are removed from its environment) and
// ipykernel as the reference, and reports the growth of the resident set
// per cell (RSS from /proc): from the kernel's first reply to after the
// last cell (KiB/cell), from the settled kernel (started, warmed up and
// idle for two seconds, as a user first meets it) to after the last cell,
// and to two seconds after the last (an idle gograd kernel returns the
// free heap its cells left resident); the RSS at those points and after
// 250 and 1000 cells; the kernel's CPU time per cell; and the 99th
// percentile and the median of the execute round trip over the first and
// the last 200 cells. Run it with -benchtime=1x; each kind is one session
// whatever b.N is. Cells run back to back fill the collector's headroom
// (the heap may reach one and a half times the live heap while short
// cells run, five times while long ones do) once over the first few
// hundred; the growth over the second half of the run is the per-cell
// figure.
//
//	go test ./tests -run '^$' -bench LongSession -benchtime=1x -timeout 60m
func BenchmarkLongSession(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("RSS is read from /proc")
	}
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("GOGRAD_BENCH_CELLS")); err == nil && v >= 400 {
		n = v
	}
	for _, k := range benchKernels(b) {
		for _, kind := range longKinds {
			b.Run(k.name+"/"+kind.name, func(b *testing.B) {
				setup, cell, cellN := kind.goSetup, kind.goCell, kind.goCellN
				if k.name != "gograd" {
					setup, cell, cellN = kind.pySetup, kind.pyCell, kind.pyCellN
				}
				longSession(b, k, n, setup, cell, cellN)
			})
		}
	}
}

func longSession(b *testing.B, k benchKernel, n int, setup, cell string, cellN func(int) string) {
	for _, v := range []string{"GOGC", "GOMEMLIMIT"} {
		if old, ok := os.LookupEnv(v); ok {
			os.Unsetenv(v)
			defer os.Setenv(v, old)
		}
	}
	// $GOGRAD_BENCH_KERNEL_GOGC replaces the kernel's own GC setting, to
	// see how much of the growth is the collector's headroom.
	if v := os.Getenv("GOGRAD_BENCH_KERNEL_GOGC"); v != "" && k.name == "gograd" {
		os.Setenv("GOGC", v)
		defer os.Unsetenv("GOGC")
	}
	p := startProcess(b, k.argv)
	ctx := context.Background()
	run := func(code string) time.Duration {
		start := time.Now()
		e, err := p.c.Execute(ctx, code, nil)
		if err != nil || e.Reply.Status != "ok" {
			b.Fatalf("%q: %v %+v", code, err, e)
		}
		return time.Since(start)
	}
	if setup != "" {
		run(setup)
	}
	pid := p.cmd.Process.Pid
	rss0 := rssKiB(b, pid)
	// The kernel as a user first meets it: started, warmed up (200 ms
	// after start) and idle.
	time.Sleep(idleWait)
	rssSettled := rssKiB(b, pid)
	cpu0 := cpuSeconds(b, pid)
	rss := map[int]int{}
	lat := make([]time.Duration, 0, n)
	for i := 1; i <= n; i++ {
		code := cell
		if cellN != nil {
			code = cellN(i)
		}
		lat = append(lat, run(code))
		if i == 250 || i == 1000 || i == n/2 || i == n {
			rss[i] = rssKiB(b, pid)
		}
	}
	cpu := cpuSeconds(b, pid) - cpu0
	// An idle kernel returns the free heap its cells left resident a
	// second after the last cell (session.Options.ReleaseFree).
	time.Sleep(idleWait)
	rssIdle := rssKiB(b, pid)
	at := func(ds []time.Duration, q float64) float64 {
		s := slices.Clone(ds)
		slices.Sort(s)
		return float64(s[int(q*float64(len(s)-1))]) / float64(time.Millisecond)
	}
	p99 := func(ds []time.Duration) float64 { return at(ds, 0.99) }
	perCell := float64(rss[n]-rss0) / float64(n)
	firstHalf := float64(rss[n/2]-rss0) / float64(n/2)
	secondHalf := float64(rss[n]-rss[n/2]) / float64(n-n/2)
	b.ReportMetric(perCell, "KiB/cell")
	b.ReportMetric(float64(rss[n]-rssSettled)/float64(n), "KiB/cell-from-settled")
	b.ReportMetric(firstHalf, "KiB/cell-1st-half")
	b.ReportMetric(secondHalf, "KiB/cell-2nd-half")
	b.ReportMetric(float64(rss0)/1024, "MiB-at-0")
	b.ReportMetric(float64(rssSettled)/1024, "MiB-settled")
	b.ReportMetric(float64(rss[250])/1024, "MiB-at-250")
	b.ReportMetric(float64(rss[1000])/1024, "MiB-at-1000")
	b.ReportMetric(float64(rss[n])/1024, "MiB-at-end")
	b.ReportMetric(float64(rssIdle)/1024, "MiB-idle-after")
	b.ReportMetric(float64(rssIdle-rss0)/float64(n), "KiB/cell-idle-after")
	b.ReportMetric(p99(lat[:200]), "p99-first200-ms")
	b.ReportMetric(p99(lat[n-200:]), "p99-last200-ms")
	// The median is steadier than the 99th percentile (the second slowest
	// of 200) on a loaded machine.
	b.ReportMetric(at(lat[:200], 0.5), "p50-first200-ms")
	b.ReportMetric(at(lat[n-200:], 0.5), "p50-last200-ms")
	// The kernel's own CPU time per cell (both cores, the collector's
	// included), which a loaded machine disturbs less than latency.
	b.ReportMetric(cpu*1e3/float64(n), "cpu-ms/cell")
	b.ReportMetric(0, "ns/op")
}

// idleWait is how long BenchmarkLongSession waits after the last cell
// before it reads the resident set of the idle kernel.
const idleWait = 2 * time.Second

// cpuSeconds reads the CPU time (user and system) process pid has used.
func cpuSeconds(b *testing.B, pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// The fields after the command's closing parenthesis: state is the
	// first, utime and stime the 12th and 13th (man 5 proc).
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		b.Fatalf("short /proc/%d/stat: %q", pid, s)
	}
	ticks := 0
	for _, v := range f[11:13] {
		t, err := strconv.Atoi(v)
		if err != nil {
			b.Fatal(err)
		}
		ticks += t
	}
	return float64(ticks) / clockTicks
}

// clockTicks is USER_HZ, the unit of /proc's CPU times (100 on Linux's
// supported architectures).
const clockTicks = 100

// rssKiB reads the resident set size of process pid in KiB.
func rssKiB(b *testing.B, pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			v, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				b.Fatal(err)
			}
			return v
		}
	}
	b.Fatal("no VmRSS in /proc/pid/status")
	return 0
}
