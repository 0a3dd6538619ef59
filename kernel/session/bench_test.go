package session

import (
	"context"
	"testing"
)

// benchCalls runs fib(20) (21 891 interpreted calls) per iteration and
// reports the time per interpreted call.
func benchCalls(b *testing.B, guard bool) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.noGuard = !guard
	r := &recorder{}
	if res := s.Execute(context.Background(), "func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }", r); res.Err != nil {
		b.Fatal(res.Err)
	}
	const calls = 21891
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := s.Execute(context.Background(), "_ = fib(20)", r); res.Err != nil {
			b.Fatal(res.Err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*calls), "ns/call")
}

// BenchmarkCallGuarded measures interpreted calls with the recursion guard.
func BenchmarkCallGuarded(b *testing.B) { benchCalls(b, true) }

// BenchmarkCallUnguarded measures interpreted calls without the guard.
func BenchmarkCallUnguarded(b *testing.B) { benchCalls(b, false) }

// BenchmarkStackUsed measures the guard's stack measurement alone.
func BenchmarkStackUsed(b *testing.B) {
	var sink uintptr
	for i := 0; i < b.N; i++ {
		sink += stackUsed()
	}
	_ = sink
}

// BenchmarkTrivialCell measures a whole Execute of a trivial cell.
func BenchmarkTrivialCell(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := &recorder{}
	for i := 0; i < b.N; i++ {
		s.Execute(context.Background(), "1 + 1", r)
	}
}
