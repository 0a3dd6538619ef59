package session

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gograd/gograd/display"
)

// flushPrefix starts the marker written into an output pipe to learn when
// everything written before it has been forwarded. The marker is one
// write shorter than PIPE_BUF, so concurrent writers cannot split it.
const flushPrefix = "\x00\x1bgograd-flush:"

// markerLen is the length of a full marker: prefix, 16 hex digits, NUL.
const markerLen = len(flushPrefix) + 16 + 1

// flushTimeout bounds how long a flush waits for the forwarder: output is
// never dropped, but a stuck consumer must not hang the kernel forever.
const flushTimeout = 10 * time.Second

// forwarder reads one pipe and forwards its text, in order, to a stream
// callback; it answers flush markers.
type forwarder struct {
	name string
	r, w *os.File
	emit func(name, text string)

	seq     atomic.Uint64
	mu      sync.Mutex
	waiters map[uint64]chan struct{}
	done    chan struct{}
}

// newForwarder creates a pipe whose read end is forwarded to emit under
// stream name.
func newForwarder(name string, emit func(name, text string)) (*forwarder, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("session: %s pipe: %w", name, err)
	}
	f := &forwarder{name: name, r: r, w: w, emit: emit, waiters: map[uint64]chan struct{}{}, done: make(chan struct{})}
	go f.loop()
	return f, nil
}

// forwarderOn forwards an existing read end r; markers are written to w.
func forwarderOn(name string, r, w *os.File, emit func(name, text string)) *forwarder {
	f := &forwarder{name: name, r: r, w: w, emit: emit, waiters: map[uint64]chan struct{}{}, done: make(chan struct{})}
	go f.loop()
	return f
}

func (f *forwarder) loop() {
	defer close(f.done)
	buf := make([]byte, 64<<10)
	var pending []byte
	for {
		n, err := f.r.Read(buf)
		if n > 0 {
			pending = append(pending, buf[:n]...)
			pending = f.process(pending)
		}
		if err != nil {
			if len(pending) > 0 {
				f.emit(f.name, string(pending))
			}
			f.releaseAll()
			return
		}
	}
}

// process forwards the complete text in data and answers the markers in
// it. It returns what must wait for more bytes: a possible marker prefix or
// an incomplete UTF-8 sequence at the end.
func (f *forwarder) process(data []byte) []byte {
	for {
		i := bytes.Index(data, []byte(flushPrefix))
		if i < 0 {
			break
		}
		if len(data)-i < markerLen {
			f.send(data[:i])
			return append(data[:0:0], data[i:]...)
		}
		f.send(data[:i])
		id, err := strconv.ParseUint(string(data[i+len(flushPrefix):i+markerLen-1]), 16, 64)
		if err == nil {
			f.release(id)
		}
		data = data[i+markerLen:]
	}
	// Keep a tail that could begin a marker.
	keep := 0
	for k := min(len(data), len(flushPrefix)-1); k > 0; k-- {
		if bytes.HasPrefix([]byte(flushPrefix), data[len(data)-k:]) {
			keep = k
			break
		}
	}
	// Keep an incomplete UTF-8 sequence.
	if keep == 0 {
		keep = incompleteUTF8(data)
	}
	f.send(data[:len(data)-keep])
	return append(data[:0:0], data[len(data)-keep:]...)
}

// incompleteUTF8 returns the length of an incomplete multi-byte sequence at
// the end of b (0 when b ends on a rune boundary or with invalid bytes).
func incompleteUTF8(b []byte) int {
	for k := 1; k <= 3 && k <= len(b); k++ {
		c := b[len(b)-k]
		if c < 0x80 {
			return 0
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-k:]) {
				return k
			}
			return 0
		}
	}
	return 0
}

func (f *forwarder) send(b []byte) {
	if len(b) > 0 {
		f.emit(f.name, string(b))
	}
}

func (f *forwarder) release(id uint64) {
	f.mu.Lock()
	ch := f.waiters[id]
	delete(f.waiters, id)
	f.mu.Unlock()
	if ch != nil {
		close(ch)
	}
}

func (f *forwarder) releaseAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, ch := range f.waiters {
		close(ch)
		delete(f.waiters, id)
	}
}

// flush returns once everything written to the pipe before the call has
// been forwarded (or after flushTimeout, or when the pipe is closed).
func (f *forwarder) flush() {
	id := f.seq.Add(1)
	ch := make(chan struct{})
	f.mu.Lock()
	f.waiters[id] = ch
	f.mu.Unlock()
	if _, err := fmt.Fprintf(f.w, "%s%016x\x00", flushPrefix, id); err != nil {
		f.release(id)
		return
	}
	t := time.NewTimer(flushTimeout)
	defer t.Stop()
	select {
	case <-ch:
	case <-f.done:
	case <-t.C:
	}
}

// close closes the write end and waits for the forwarder to drain.
func (f *forwarder) close() error {
	err := f.w.Close()
	<-f.done
	f.r.Close()
	return err
}

// orderedSink is the display sink of a cell. Text goes to IO through the
// output pipes and their forwarders, displays go to IO directly: before
// each display, update or clear, it waits until everything written to the
// pipes so far has been forwarded, so that IO receives the cell's output
// in the order the cell produced it. It holds no lock while waiting, so
// displays from several goroutines cannot deadlock.
type orderedSink struct {
	s  *Session
	io IO
}

func (o orderedSink) Display(b display.Bundle) { o.s.flush(); o.io.Display(b) }
func (o orderedSink) Update(b display.Bundle)  { o.s.flush(); o.io.Update(b) }
func (o orderedSink) Clear(wait bool)          { o.s.flush(); o.io.Clear(wait) }
