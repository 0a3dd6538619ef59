package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gograd/gograd/kernel/kerneltest"
	"github.com/gograd/gograd/kernel/wire"
)

// A benchKernel is one kernel to measure: how to start it and the cells
// that do the same thing in its language.
type benchKernel struct {
	name    string
	argv    func(connectionFile string) []string
	trivial string // a cell that does almost nothing
	flood   string // prints the numbers 0 to 99 999, one per line
	spin    string // prints "started", then loops until interrupted
}

const floodLines = 100000

// benchKernels returns gograd, the gograd executable named by
// $GOGRAD_BENCH_PEER_BIN if set, and ipykernel when a Python with ipykernel
// is found ($GOGRAD_BENCH_PYTHON, else python3).
func benchKernels(b *testing.B) []benchKernel {
	ks := []benchKernel{{
		name:    "gograd",
		argv:    func(f string) []string { return []string{gogradBin, "kernel", "--connection-file", f} },
		trivial: "x := 1",
		flood:   fmt.Sprintf("for i := 0; i < %d; i++ { fmt.Println(i) }", floodLines),
		spin:    "fmt.Println(\"started\")\nfor {}",
	}}
	// Another gograd build (an older commit's) measured in the same run.
	if peer := os.Getenv("GOGRAD_BENCH_PEER_BIN"); peer != "" {
		k := ks[0]
		k.name = "gograd-peer"
		k.argv = func(f string) []string { return []string{peer, "kernel", "--connection-file", f} }
		ks = append(ks, k)
	}
	python := os.Getenv("GOGRAD_BENCH_PYTHON")
	if python == "" {
		python = "python3"
	}
	if err := exec.Command(python, "-c", "import ipykernel").Run(); err != nil {
		b.Logf("ipykernel not measured: %s cannot import ipykernel (set GOGRAD_BENCH_PYTHON to a Python that can)", python)
		return ks
	}
	return append(ks, benchKernel{
		name:    "ipykernel",
		argv:    func(f string) []string { return []string{python, "-m", "ipykernel_launcher", "-f", f} },
		trivial: "x = 1",
		flood:   fmt.Sprintf("for i in range(%d): print(i)", floodLines),
		spin:    "print('started', flush=True)\nwhile True: pass",
	})
}

// BenchmarkStartup measures process start to the first kernel_info_reply.
func BenchmarkStartup(b *testing.B) {
	for _, k := range benchKernels(b) {
		b.Run(k.name, func(b *testing.B) {
			var times []time.Duration
			for i := 0; i < b.N; i++ {
				times = append(times, startupOnce(b, k))
			}
			reportPercentiles(b, times)
		})
	}
}

func startupOnce(b *testing.B, k benchKernel) time.Duration {
	info, err := kerneltest.FreeConnectionInfo(wire.NewID())
	if err != nil {
		b.Fatal(err)
	}
	data, _ := json.Marshal(info)
	file := filepath.Join(b.TempDir(), "kernel.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		b.Fatal(err)
	}
	args := k.argv(file)
	cmd := exec.Command(args[0], args[1:]...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	c, err := kerneltest.DialRetry(ctx, info)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	req, err := c.Request(kerneltest.Shell, "kernel_info_request", nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := c.Reply(ctx, kerneltest.Shell, req); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// BenchmarkExecuteRoundTrip measures execute_request to execute_reply and
// status idle for a trivial cell.
func BenchmarkExecuteRoundTrip(b *testing.B) {
	for _, k := range benchKernels(b) {
		b.Run(k.name, func(b *testing.B) {
			p := startProcess(b, k.argv)
			ctx := context.Background()
			for i := 0; i < 20; i++ { // warm up
				if _, err := p.c.Execute(ctx, k.trivial, nil); err != nil {
					b.Fatal(err)
				}
			}
			times := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				e, err := p.c.Execute(ctx, k.trivial, nil)
				if err != nil || e.Reply.Status != "ok" {
					b.Fatalf("%v %+v", err, e)
				}
				times = append(times, time.Since(start))
			}
			reportPercentiles(b, times)
		})
	}
}

// BenchmarkPrintLines measures a cell printing 100 000 lines, from request
// to idle, with every line received and checked.
func BenchmarkPrintLines(b *testing.B) {
	for _, k := range benchKernels(b) {
		b.Run(k.name, func(b *testing.B) {
			p := startProcess(b, k.argv)
			ctx := context.Background()
			var total time.Duration
			for i := 0; i < b.N; i++ {
				start := time.Now()
				e, err := p.c.Execute(ctx, k.flood, nil)
				total += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				if n := strings.Count(e.Stdout(), "\n"); n != floodLines {
					b.Fatalf("received %d lines, want %d", n, floodLines)
				}
			}
			b.ReportMetric(float64(floodLines*b.N)/total.Seconds(), "lines/s")
		})
	}
}

// BenchmarkInterrupt measures interrupt_request to the interrupted cell's
// execute_reply, for a busy loop.
func BenchmarkInterrupt(b *testing.B) {
	for _, k := range benchKernels(b) {
		b.Run(k.name, func(b *testing.B) {
			p := startProcess(b, k.argv)
			var times []time.Duration
			for i := 0; i < b.N; i++ {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				run, err := p.c.Request(kerneltest.Shell, "execute_request", wire.ExecuteRequest{Code: k.spin, UserExpressions: map[string]string{}})
				if err != nil {
					b.Fatal(err)
				}
				for {
					m, err := p.c.Next(ctx, "iopub")
					if err != nil {
						b.Fatal(err)
					}
					if m.Header.MsgType == "stream" && kerneltest.ParentID(m) == run.Header.MsgID {
						break
					}
				}
				time.Sleep(20 * time.Millisecond)
				start := time.Now()
				if _, err := p.c.Request(kerneltest.Control, "interrupt_request", nil); err != nil {
					b.Fatal(err)
				}
				if _, _, err := p.c.Reply(ctx, kerneltest.Shell, run); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
				if _, err := p.c.IOPubUntilIdle(ctx, run); err != nil {
					b.Fatal(err)
				}
				cancel()
			}
			reportPercentiles(b, times)
		})
	}
}

// reportPercentiles reports the median and 99th percentile in ms.
func reportPercentiles(b *testing.B, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) float64 {
		i := int(q * float64(len(s)-1))
		return float64(s[i]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op") // wall time per op is not meaningful here
}
