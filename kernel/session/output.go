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

	// out, when set, buffers the writes of cell code in front of w.
	out *coalescer

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
	if err := f.writeMarker(id); err != nil {
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

// writeMarker writes the flush marker id after the buffered text.
func (f *forwarder) writeMarker(id uint64) error {
	if f.out != nil {
		f.out.mu.Lock()
		defer f.out.mu.Unlock()
		if err := f.out.flushLocked(); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(f.w, "%s%016x\x00", flushPrefix, id)
	return err
}

// close closes the write end and waits for the forwarder to drain.
func (f *forwarder) close() error {
	if f.out != nil {
		f.out.Flush()
	}
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

// RedirectStreams sends the text printed from now on to to (an Interact's
// first call, whose prints belong in its Output widget), until restore.
func (o orderedSink) RedirectStreams(to display.StreamSink) (restore func()) {
	o.s.flush()
	old := o.s.cur.Load()
	box := &ioBox{io: redirectIO{StreamSink: to, io: o.io}}
	o.s.cur.Store(box)
	return func() {
		o.s.flush()
		// Only if nothing replaced it since: a cell that began
		// meanwhile (an Interact made by a goroutine of an earlier
		// cell) keeps its own IO.
		o.s.cur.CompareAndSwap(box, old)
	}
}

// redirectIO is an IO whose text and displays go to a StreamSink; input
// still comes from the cell's IO.
type redirectIO struct {
	display.StreamSink
	io IO
}

func (r redirectIO) Input(prompt string, password bool) (string, error) {
	return r.io.Input(prompt, password)
}

// coalesceSize is the most text a coalescer holds before writing it.
const coalesceSize = 32 << 10

// coalesceDelay is how long a coalescer holds text at most, so that the
// output of a long cell still streams.
const coalesceDelay = 10 * time.Millisecond

// coalescer is the standard output of cell code: it gathers writes and
// passes them to the pipe in large pieces (one pipe write per line would
// cost more than the interpreter's printing itself). Text is written to
// the pipe when coalesceSize is reached, coalesceDelay after the first
// held write, and by the forwarder's flush (end of cell, before a display,
// before a read of standard input); a write of the pipe happens under the
// lock, so the order of writes is kept.
type coalescer struct {
	mu    sync.Mutex
	w     *os.File
	buf   []byte
	timer *time.Timer
	armed bool
}

// Write implements io.Writer.
func (c *coalescer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.buf)+len(p) > coalesceSize {
		if err := c.flushLocked(); err != nil {
			return 0, err
		}
		if len(p) >= coalesceSize {
			return c.w.Write(p)
		}
	}
	c.buf = append(c.buf, p...)
	if !c.armed {
		c.armed = true
		if c.timer == nil {
			c.timer = time.AfterFunc(coalesceDelay, func() { c.Flush() })
		} else {
			c.timer.Reset(coalesceDelay)
		}
	}
	return len(p), nil
}

// WriteString implements io.StringWriter.
func (c *coalescer) WriteString(s string) (int, error) { return c.Write([]byte(s)) }

// Flush writes the held text to the pipe.
func (c *coalescer) Flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.flushLocked()
}

// Sync writes the held text to the pipe, like (*os.File).Sync.
func (c *coalescer) Sync() error { return c.Flush() }

// Fd returns the pipe's file descriptor, after writing the held text.
func (c *coalescer) Fd() uintptr {
	c.Flush()
	return c.w.Fd()
}

// Name returns the pipe's name.
func (c *coalescer) Name() string { return c.w.Name() }

func (c *coalescer) flushLocked() error {
	c.armed = false
	if len(c.buf) == 0 {
		return nil
	}
	_, err := c.w.Write(c.buf)
	if cap(c.buf) > 4*coalesceSize {
		c.buf = nil
	} else {
		c.buf = c.buf[:0]
	}
	return err
}
