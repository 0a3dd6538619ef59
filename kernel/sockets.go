package kernel

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
)

// errSendTimeout is returned when a ROUTER send does not complete within
// the kernel's send timeout (the peer is gone or not reading).
var errSendTimeout = errors.New("send timed out")

// errClosed is returned by sends after the kernel has shut down.
var errClosed = errors.New("socket closed")

// router owns one ROUTER socket (shell, control or stdin). One goroutine
// reads it and hands each frame set to recv; another is the only writer,
// fed by send, so that a send can time out without leaving a half-written
// message and without blocking its caller forever.
type router struct {
	name    string
	sock    zmq4.Socket
	log     *slog.Logger
	timeout time.Duration
	rel     *memoryReleaser // returns rejected messages' memory to the system

	out       chan sendReq
	done      chan struct{} // closed by close
	closeOnce sync.Once
	wg        sync.WaitGroup
}

type sendReq struct {
	frames [][]byte
	errc   chan error
}

// listenRouter binds a ROUTER socket to endpoint; a peer that sends a
// message larger than maxMsg bytes is cut off (framelimit.go).
func listenRouter(ctx context.Context, name, endpoint string, maxMsg int64, timeout time.Duration, log *slog.Logger, rel *memoryReleaser) (*router, error) {
	ep, err := limitedEndpoint(endpoint)
	if err != nil {
		return nil, fmt.Errorf("%s socket: %w", name, err)
	}
	s := zmq4.NewRouter(withFrameLimit(ctx, name, maxMsg, log, rel), zmq4.WithTimeout(timeout), zmq4.WithLogger(slogLogger(log, name)))
	if err := s.Listen(ep); err != nil {
		s.Close()
		return nil, fmt.Errorf("%s socket on %s: %w", name, endpoint, listenError(err))
	}
	return &router{
		name:    name,
		sock:    s,
		log:     log.With("socket", name),
		timeout: timeout,
		rel:     rel,
		out:     make(chan sendReq),
		done:    make(chan struct{}),
	}, nil
}

// start launches the reader and writer goroutines; recv is called on the
// reader goroutine for every multipart message received, and reports
// whether the message was accepted. The memory of a large rejected
// message is handed back to the system at once.
func (r *router) start(recv func(frames [][]byte) bool) {
	r.wg.Add(2)
	go r.readLoop(recv)
	go r.writeLoop()
}

func (r *router) readLoop(recv func([][]byte) bool) {
	defer r.wg.Done()
	for {
		msg, err := r.sock.Recv()
		if err != nil {
			select {
			case <-r.done:
				return
			default:
			}
			if errors.Is(err, context.Canceled) {
				return // the kernel is shutting down
			}
			r.log.Warn("receive failed", "err", err)
			// Recv fails only once the socket's context ends; do not spin.
			select {
			case <-r.done:
				return
			case <-time.After(50 * time.Millisecond):
			}
			continue
		}
		size := 0
		for _, f := range msg.Frames {
			size += len(f)
		}
		if !recv(msg.Frames) && size >= releaseThreshold {
			msg = zmq4.Msg{} // the last reference to the frames
			r.rel.release()
		}
	}
}

func (r *router) writeLoop() {
	defer r.wg.Done()
	for {
		select {
		case <-r.done:
			return
		case req := <-r.out:
			req.errc <- r.sock.SendMulti(zmq4.NewMsgFrom(req.frames...))
		}
	}
}

// send queues frames (identities first) and waits for them to be written,
// at most the socket's timeout.
func (r *router) send(frames [][]byte) error {
	if len(frames) == 0 || len(frames[0]) == 0 {
		return fmt.Errorf("%s: message has no routing identity", r.name)
	}
	timer := time.NewTimer(r.timeout)
	defer timer.Stop()
	req := sendReq{frames: frames, errc: make(chan error, 1)}
	select {
	case r.out <- req:
	case <-timer.C:
		return fmt.Errorf("%s: %w after %v (writer busy)", r.name, errSendTimeout, r.timeout)
	case <-r.done:
		return fmt.Errorf("%s: %w", r.name, errClosed)
	}
	select {
	case err := <-req.errc:
		if err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		return nil
	case <-timer.C:
		return fmt.Errorf("%s: %w after %v", r.name, errSendTimeout, r.timeout)
	}
}

// close stops both goroutines and closes the socket. It is idempotent.
func (r *router) close() {
	r.closeOnce.Do(func() {
		close(r.done)
		r.sock.Close()
		r.wg.Wait()
	})
}

// heartbeat owns the REP heartbeat socket and echoes every message on its
// own goroutine.
type heartbeat struct {
	sock      zmq4.Socket
	log       *slog.Logger
	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

func listenHeartbeat(ctx context.Context, endpoint string, log *slog.Logger) (*heartbeat, error) {
	ep, err := limitedEndpoint(endpoint)
	if err != nil {
		return nil, fmt.Errorf("heartbeat socket: %w", err)
	}
	s := zmq4.NewRep(withFrameLimit(ctx, "heartbeat", smallSocketLimit, log, nil), zmq4.WithLogger(slogLogger(log, "heartbeat")))
	if err := s.Listen(ep); err != nil {
		s.Close()
		return nil, fmt.Errorf("heartbeat socket on %s: %w", endpoint, listenError(err))
	}
	return &heartbeat{sock: s, log: log.With("socket", "heartbeat"), done: make(chan struct{})}, nil
}

func (h *heartbeat) start() {
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		for {
			msg, err := h.sock.Recv()
			if err == nil {
				err = h.sock.Send(msg)
			}
			if err != nil {
				select {
				case <-h.done:
					return
				case <-time.After(50 * time.Millisecond):
				}
				h.log.Debug("heartbeat error", "err", err)
			}
		}
	}()
}

func (h *heartbeat) close() {
	h.closeOnce.Do(func() {
		close(h.done)
		h.sock.Close()
		h.wg.Wait()
	})
}

// slogLogger adapts the kernel's logger to the *log.Logger zmq4 wants.
func slogLogger(l *slog.Logger, socket string) *log.Logger {
	return slog.NewLogLogger(l.With("socket", socket).Handler(), slog.LevelWarn)
}
