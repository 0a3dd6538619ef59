package session

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// errStdinInterrupted is returned by a read of standard input interrupted
// with the cell.
var errStdinInterrupted = errors.New("stdin: the cell was interrupted")

// stdinReader is the interpreter's standard input: each read past the
// buffered text asks the cell's IO for one more line. It implements
// io.RuneScanner so that fmt.Scan* never loses text between calls.
type stdinReader struct {
	s *Session

	mu          sync.Mutex
	buf         []byte
	prev        []byte // buf before the last ReadRune, for UnreadRune
	interrupted atomic.Bool
	err         error
}

// reset discards unread input; it is called before each cell.
func (r *stdinReader) reset() {
	r.mu.Lock()
	r.buf, r.prev, r.err = nil, nil, nil
	r.interrupted.Store(false)
	r.mu.Unlock()
}

// interrupt makes future reads of this cell fail; a read waiting for the
// front end returns at once when the cell's context is cancelled.
func (r *stdinReader) interrupt() {
	r.interrupted.Store(true)
}

// fill asks for a line when the buffer is empty. r.mu is held.
func (r *stdinReader) fill() error {
	if len(r.buf) > 0 {
		return nil
	}
	if r.interrupted.Load() {
		r.s.stops.halt() // ends a goroutine of the interrupted cell
		return errStdinInterrupted
	}
	if r.err != nil {
		return r.err
	}
	b := r.s.cur.Load()
	if b == nil || b.io == nil {
		return io.EOF
	}
	// Flush first, so that a prompt printed with fmt.Print appears before
	// the input box.
	r.s.stdout.flush()
	// Ask in another goroutine, so that an interrupt ends the wait even if
	// the front end never answers.
	type answer struct {
		line string
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		line, err := b.io.Input("", false)
		ch <- answer{line, err}
	}()
	stop := r.s.stops.done()
	var line string
	var err error
	select {
	case a := <-ch:
		line, err = a.line, a.err
	case <-stop:
		r.s.stops.halt()
		return errStdinInterrupted
	}
	if err != nil {
		r.err = fmt.Errorf("stdin: %w", err)
		return r.err
	}
	r.buf = append(r.buf, line...)
	r.buf = append(r.buf, '\n')
	return nil
}

// Read implements io.Reader.
func (r *stdinReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(p) == 0 {
		return 0, nil
	}
	if err := r.fill(); err != nil {
		return 0, err
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	r.prev = nil
	return n, nil
}

// ReadRune implements io.RuneReader.
func (r *stdinReader) ReadRune() (rune, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.fill(); err != nil {
		return 0, 0, err
	}
	c, n := utf8.DecodeRune(r.buf)
	r.prev = r.buf
	r.buf = r.buf[n:]
	return c, n, nil
}

// UnreadRune implements io.RuneScanner.
func (r *stdinReader) UnreadRune() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.prev == nil {
		return errors.New("stdin: UnreadRune without ReadRune")
	}
	r.buf, r.prev = r.prev, nil
	return nil
}
