package session

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// TestForwarderProcess feeds text with flush markers and multi-byte runes
// to the forwarder's parser in random pieces: the forwarded text must be
// the input without markers, every piece valid UTF-8, and every marker
// answered.
func TestForwarderProcess(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for trial := 0; trial < 200; trial++ {
		var want strings.Builder
		var in []byte
		var ids []uint64
		for k := 0; k < 30; k++ {
			text := strings.Repeat("héllo wörld ∂f/∂x 😀 ", rng.Intn(5)) + fmt.Sprint(k) + "\n"
			want.WriteString(text)
			in = append(in, text...)
			if rng.Intn(3) == 0 {
				id := uint64(rng.Int63())
				ids = append(ids, id)
				in = append(in, fmt.Sprintf("%s%016x\x00", flushPrefix, id)...)
			}
		}
		var mu sync.Mutex
		var got strings.Builder
		f := &forwarder{name: "stdout", waiters: map[uint64]chan struct{}{}, emit: func(_, text string) {
			mu.Lock()
			defer mu.Unlock()
			if !utf8.ValidString(text) {
				t.Errorf("trial %d: invalid UTF-8 piece %q", trial, text)
			}
			got.WriteString(text)
		}}
		chans := map[uint64]chan struct{}{}
		for _, id := range ids {
			ch := make(chan struct{})
			f.waiters[id], chans[id] = ch, ch
		}
		var pending []byte
		for len(in) > 0 {
			n := 1 + rng.Intn(40)
			if n > len(in) {
				n = len(in)
			}
			pending = f.process(append(pending, in[:n]...))
			in = in[n:]
		}
		if len(pending) != 0 {
			t.Fatalf("trial %d: %q left pending", trial, pending)
		}
		if got.String() != want.String() {
			t.Fatalf("trial %d: forwarded text differs\ngot  %q\nwant %q", trial, got.String(), want.String())
		}
		for id, ch := range chans {
			select {
			case <-ch:
			default:
				t.Errorf("trial %d: marker %x not answered", trial, id)
			}
		}
	}
}

// TestOutputFromGoroutines checks that concurrent writers in a cell lose
// nothing.
func TestOutputFromGoroutines(t *testing.T) {
	s := newSession(t)
	r, res := run(t, s, `import "sync"
var wg sync.WaitGroup
for g := 0; g < 8; g++ {
	wg.Add(1)
	go func(g int) {
		defer wg.Done()
		for i := 0; i < 500; i++ { fmt.Printf("g%d-%d\n", g, i) }
	}(g)
}
wg.Wait()`)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout(), "\n"), "\n")
	if len(lines) != 8*500 {
		t.Fatalf("got %d lines, want %d", len(lines), 8*500)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		seen[l] = true
	}
	if len(seen) != 8*500 {
		t.Errorf("got %d distinct lines, want %d", len(seen), 8*500)
	}
}
