package kernel_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkRoundTrip measures an execute_request of a trivial cell on the
// fake engine, from request to status idle: the kernel's own overhead over
// loopback ZeroMQ, without the interpreter.
func BenchmarkRoundTrip(b *testing.B) {
	tk := startKernel(b, "secret", nil)
	ctx := context.Background()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := tk.c.Execute(ctx, "value 1", nil); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2])/1e6, "p50-ms")
	b.ReportMetric(float64(times[len(times)*99/100])/1e6, "p99-ms")
}

// BenchmarkStreamLines measures 100 000 lines written by single Stream
// calls, from request to status idle, all received.
func BenchmarkStreamLines(b *testing.B) {
	tk := startKernel(b, "secret", nil)
	ctx := context.Background()
	const n = 100000
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e, err := tk.c.Execute(ctx, fmt.Sprintf("lines %d", n), nil)
		if err != nil {
			b.Fatal(err)
		}
		if got := strings.Count(e.Stdout(), "\n"); got != n {
			b.Fatalf("%d lines, want %d", got, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "lines/s")
}
