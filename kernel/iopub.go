package kernel

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/gograd/gograd/kernel/wire"
)

// Publisher limits. The queue is bounded by item count and stream chunk
// size, so it holds at most maxQueued*maxStreamChunk bytes of text; a
// producer that finds it full waits (output is throttled, never dropped).
const (
	maxQueued      = 256
	maxStreamChunk = 256 << 10
)

// streamLinger is how long stream text that nothing follows in the queue
// may wait for more text before it is sent. A few milliseconds is not
// perceptible, and turns a flood of small writes into a few large
// messages (ipykernel waits up to 200 ms).
const streamLinger = 5 * time.Millisecond

// closeLinger is how long close waits, after handing the last message to
// the socket, before closing it. zmq4's PUB socket queues messages and
// writes them on its own goroutine, with no way to wait for that queue to
// drain; closing at once can lose the last messages (the shutdown_reply
// broadcast, the final idle), as ZMQ_LINGER=0 would in libzmq.
const closeLinger = 200 * time.Millisecond

// publisher is the single writer of the iopub PUB socket. Messages are
// sent in the order they were queued. Consecutive stream text for the same
// parent and stream name is coalesced into one message while it waits, so
// a flood of small writes becomes a few large messages.
type publisher struct {
	sock    zmq4.Socket
	codec   *wire.Codec
	session string
	log     *slog.Logger

	mu       sync.Mutex
	changed  *sync.Cond // signalled when items, sending or closed change
	items    []*pubItem
	sending  bool // the loop holds an item it has not finished sending
	started  bool // the loop was started
	closed   bool
	loopDone chan struct{}
}

// pubItem is one queued message: a complete message, or stream text still
// open for coalescing.
type pubItem struct {
	msg *wire.Message

	parent  *wire.Message
	name    string
	text    strings.Builder
	created time.Time
}

func listenPublisher(ctx context.Context, endpoint string, codec *wire.Codec, session string, log *slog.Logger) (*publisher, error) {
	ep, err := limitedEndpoint(endpoint)
	if err != nil {
		return nil, fmt.Errorf("iopub socket: %w", err)
	}
	s := zmq4.NewPub(withFrameLimit(ctx, "iopub", smallSocketLimit, log, nil), zmq4.WithLogger(slogLogger(log, "iopub")))
	if err := s.Listen(ep); err != nil {
		s.Close()
		return nil, fmt.Errorf("iopub socket on %s: %w", endpoint, listenError(err))
	}
	p := &publisher{sock: s, codec: codec, session: session, log: log.With("socket", "iopub"), loopDone: make(chan struct{})}
	p.changed = sync.NewCond(&p.mu)
	return p, nil
}

// start launches the publishing goroutine.
func (p *publisher) start() {
	p.mu.Lock()
	p.started = true
	p.mu.Unlock()
	go p.loop()
}

// publish queues a message of type msgType answering parent.
func (p *publisher) publish(parent *wire.Message, msgType string, content any) {
	m, err := wire.NewMessage(msgType, p.session, parent, content)
	if err != nil {
		// Content that cannot be encoded (say, a display bundle holding a
		// func) must not vanish silently: tell the cell's stderr.
		p.log.Error("cannot build message", "type", msgType, "err", err)
		p.stream(parent, "stderr", fmt.Sprintf("gograd: %s could not be sent: %v\n", msgType, err))
		return
	}
	p.enqueue(&pubItem{msg: m}, nil)
}

// stream queues text written to the named stream by the cell answering
// parent, merging it with the previous queued text of the same stream.
func (p *publisher) stream(parent *wire.Message, name, text string) {
	for len(text) > 0 {
		n := min(len(text), maxStreamChunk)
		chunk := text[:n]
		text = text[n:]
		p.enqueue(&pubItem{parent: parent, name: name, created: time.Now()}, func(it *pubItem) bool {
			if it.msg != nil || it.parent != parent || it.name != name || it.text.Len()+len(chunk) > maxStreamChunk {
				return false
			}
			it.text.WriteString(chunk)
			return true
		})
	}
}

// enqueue appends it, or merges into the last queued item when merge
// accepts. It waits while the queue is full. After close it drops the item
// with a debug log (the kernel is exiting).
func (p *publisher) enqueue(it *pubItem, merge func(last *pubItem) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if merge != nil && len(p.items) > 0 && merge(p.items[len(p.items)-1]) {
		return
	}
	for len(p.items) >= maxQueued && !p.closed {
		p.changed.Wait()
	}
	if p.closed {
		p.log.Debug("iopub closed; message not sent")
		return
	}
	if merge != nil {
		// A fresh stream item: merge into it (always fits: chunks are at
		// most maxStreamChunk).
		p.items = append(p.items, it)
		merge(it)
	} else {
		p.items = append(p.items, it)
	}
	p.changed.Broadcast()
}

// loop sends queued items in order until the publisher is closed and
// drained.
func (p *publisher) loop() {
	defer close(p.loopDone)
	for {
		p.mu.Lock()
		for len(p.items) == 0 && !p.closed {
			p.changed.Wait()
		}
		if len(p.items) == 0 {
			p.mu.Unlock()
			return
		}
		it := p.items[0]
		if it.msg == nil && len(p.items) == 1 && !p.closed && it.text.Len() < maxStreamChunk {
			if wait := streamLinger - time.Since(it.created); wait > 0 {
				// Let more text join this message, unless something is
				// queued behind it or the publisher closes.
				t := time.AfterFunc(wait, func() {
					p.mu.Lock()
					p.changed.Broadcast()
					p.mu.Unlock()
				})
				p.changed.Wait()
				t.Stop()
				p.mu.Unlock()
				continue
			}
		}
		p.items[0] = nil
		p.items = p.items[1:]
		p.sending = true
		m := it.msg
		if m == nil {
			var err error
			m, err = wire.NewMessage("stream", p.session, it.parent, wire.Stream{Name: it.name, Text: it.text.String()})
			if err != nil { // unreachable: the content is two strings
				p.log.Error("cannot build stream message", "err", err)
			}
		}
		p.changed.Broadcast()
		p.mu.Unlock()

		if m != nil {
			p.send(m)
		}

		p.mu.Lock()
		p.sending = false
		p.changed.Broadcast()
		p.mu.Unlock()
	}
}

func (p *publisher) send(m *wire.Message) {
	m.Identities = [][]byte{[]byte("kernel." + p.session + "." + m.Header.MsgType)}
	frames, err := p.codec.Encode(m)
	if err != nil {
		p.log.Error("cannot encode", "type", m.Header.MsgType, "err", err)
		return
	}
	if err := p.sock.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		p.log.Warn("send failed", "type", m.Header.MsgType, "err", err)
		return
	}
	if p.log.Enabled(context.Background(), slog.LevelDebug) {
		p.log.Debug("sent", "type", m.Header.MsgType, "content", truncate(string(m.Content), 200))
	}
}

// flush waits until everything queued so far has been handed to the
// socket, or ctx ends.
func (p *publisher) flush(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		p.mu.Lock()
		p.changed.Broadcast()
		p.mu.Unlock()
	})
	defer stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	for (len(p.items) > 0 || p.sending) && !p.closed {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		p.changed.Wait()
	}
	return nil
}

// close stops accepting messages, sends what is queued (until ctx ends)
// and closes the socket. It is idempotent.
func (p *publisher) close(ctx context.Context) error {
	p.mu.Lock()
	already, started := p.closed, p.started
	p.closed = true
	p.changed.Broadcast()
	p.mu.Unlock()
	var err error
	if started && !already {
		select {
		case <-p.loopDone:
			select {
			case <-time.After(closeLinger):
			case <-ctx.Done():
			}
		case <-ctx.Done():
			err = fmt.Errorf("iopub: %d messages unsent: %w", p.queued(), ctx.Err())
		}
	}
	if !already {
		p.sock.Close()
	}
	return err
}

func (p *publisher) queued() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.items)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
