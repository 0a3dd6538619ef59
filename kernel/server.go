package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gograd/gograd/display"
	"github.com/gograd/gograd/kernel/wire"
)

// Options configure a Kernel. Engine is required.
type Options struct {
	// Engine runs the cells.
	Engine Engine
	// Logger receives the kernel's log; nil logs warnings and errors to
	// standard error.
	Logger *slog.Logger
	// Version is the implementation_version in kernel_info_reply.
	Version string
	// Banner is the banner in kernel_info_reply; empty uses a default.
	Banner string
	// LanguageVersion is language_info.version; empty uses the Go version
	// the kernel was built with.
	LanguageVersion string
	// SendTimeout bounds every ROUTER send; zero means 10 s.
	SendTimeout time.Duration
	// BeforeCell, when set, runs before each cell (e.g. ad.ResetInterrupt).
	BeforeCell func()
	// OnInterrupt, when set, runs when a running cell is interrupted, in
	// addition to cancelling its context (e.g. ad.Interrupt).
	OnInterrupt func()
	// HandleSignals makes Run turn SIGINT into an interrupt of the running
	// cell and SIGTERM into a shutdown.
	HandleSignals bool
	// MaxMessageSize limits the size of one message received on the
	// shell, control and stdin sockets, its frames added up; zero means
	// DefaultMaxMessageSize. A peer that sends a larger message is logged
	// and disconnected before the message is read (framelimit.go).
	MaxMessageSize int64
}

// Kernel is a Jupyter kernel bound to the sockets of one connection file.
// Create it with New, serve with Run, stop with Shutdown or a
// shutdown_request.
type Kernel struct {
	info    ConnectionInfo
	opts    Options
	engine  Engine
	codec   *wire.Codec
	session string
	log     *slog.Logger

	ctx    context.Context // cancelled by Shutdown
	cancel context.CancelFunc

	shell, control, stdin *router
	iopub                 *publisher
	hb                    *heartbeat

	shellHandlers, controlHandlers map[string]Handler
	shellQueue                     chan *Request
	stdinReplies                   chan *wire.Message

	// Touched only by the shell goroutine.
	execCount   int
	history     []historyEntry
	abortBefore time.Time // execute_requests received before this are aborted

	comms comms

	mu         sync.Mutex
	parent     *wire.Message      // the shell request served (or last served)
	cancelCell context.CancelFunc // non-nil while a cell runs
	started    bool               // Run was called
	stopped    bool               // Shutdown was called

	stopOnce     sync.Once
	stop         chan struct{} // closed to ask Run to return
	shutdownOnce sync.Once
	shutdownErr  error
	shellDone    chan struct{}
}

// New validates info, binds the five sockets on the transport and ip it
// names (and nowhere else), and returns a kernel ready to Run.
func New(info ConnectionInfo, opts Options) (*Kernel, error) {
	if opts.Engine == nil {
		return nil, errors.New("kernel: Options.Engine is nil")
	}
	if err := info.Validate(); err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if opts.SendTimeout <= 0 {
		opts.SendTimeout = 10 * time.Second
	}
	if opts.MaxMessageSize <= 0 {
		opts.MaxMessageSize = DefaultMaxMessageSize
	}
	k := &Kernel{
		info:         info,
		opts:         opts,
		engine:       opts.Engine,
		codec:        wire.NewCodec([]byte(info.Key)),
		session:      wire.NewID(),
		log:          opts.Logger,
		shellQueue:   make(chan *Request, 1024),
		stdinReplies: make(chan *wire.Message, 1),
		stop:         make(chan struct{}),
		shellDone:    make(chan struct{}),
	}
	if info.Key == "" {
		k.log.Warn("the connection file has an empty key: messages are not signed and anyone who can reach the ports can run code")
	}
	k.ctx, k.cancel = context.WithCancel(context.Background())
	k.registerHandlers()
	k.registerCommTargets()

	// Returns the memory of rejected messages to the system; ends with k.ctx.
	rel := startMemoryReleaser(k.ctx)
	var err error
	fail := func(e error) (*Kernel, error) {
		k.closeSockets()
		k.cancel()
		return nil, e
	}
	if k.shell, err = listenRouter(k.ctx, "shell", info.Endpoint(info.ShellPort), opts.MaxMessageSize, opts.SendTimeout, k.log, rel); err != nil {
		return fail(err)
	}
	if k.control, err = listenRouter(k.ctx, "control", info.Endpoint(info.ControlPort), opts.MaxMessageSize, opts.SendTimeout, k.log, rel); err != nil {
		return fail(err)
	}
	if k.stdin, err = listenRouter(k.ctx, "stdin", info.Endpoint(info.StdinPort), opts.MaxMessageSize, opts.SendTimeout, k.log, rel); err != nil {
		return fail(err)
	}
	if k.iopub, err = listenPublisher(k.ctx, info.Endpoint(info.IOPubPort), k.codec, k.session, k.log); err != nil {
		return fail(err)
	}
	if k.hb, err = listenHeartbeat(k.ctx, info.Endpoint(info.HBPort), k.log); err != nil {
		return fail(err)
	}
	return k, nil
}

// Run serves until a shutdown_request, Shutdown, ctx's end or (with
// HandleSignals) SIGTERM, then shuts the kernel down and returns.
func (k *Kernel) Run(ctx context.Context) error {
	k.mu.Lock()
	if k.started || k.stopped {
		k.mu.Unlock()
		return errors.New("kernel: Run called twice, or after Shutdown")
	}
	k.started = true
	k.mu.Unlock()

	k.iopub.start()
	k.hb.start()
	k.shell.start(func(f [][]byte) bool { return k.receive(k.shell, f) })
	k.control.start(func(f [][]byte) bool { return k.receive(k.control, f) })
	k.stdin.start(k.receiveStdin)
	display.SetCommSink(kernelComms{k})
	go k.shellLoop()
	k.iopub.publish(nil, "status", wire.KernelStatus{ExecutionState: "starting"})
	k.log.Info("kernel running", "shell", k.info.Endpoint(k.info.ShellPort), "session", k.session)

	var sigc chan os.Signal
	if k.opts.HandleSignals {
		sigc = make(chan os.Signal, 4)
		signal.Notify(sigc, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(sigc)
	}
	for {
		select {
		case <-k.stop:
		case <-ctx.Done():
		case sig := <-sigc:
			if sig == os.Interrupt {
				k.log.Info("SIGINT: interrupting the running cell")
				k.interruptCell()
				continue
			}
			k.log.Info("signal: shutting down", "signal", sig)
		}
		break
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return k.Shutdown(sctx)
}

// Shutdown interrupts the running cell, stops reading requests, sends the
// queued iopub messages and closes the sockets, waiting at most until ctx
// ends. It is idempotent: later calls return the first call's result. It
// must not be called from a Handler (a handler asks for shutdown the way
// the shutdown_request handler does, and Run shuts down).
func (k *Kernel) Shutdown(ctx context.Context) error {
	k.shutdownOnce.Do(func() {
		k.mu.Lock()
		started := k.started
		k.stopped = true
		k.mu.Unlock()
		if !started { // nothing runs: just release the sockets
			k.requestStop()
			k.cancel()
			k.closeSockets()
			return
		}
		k.requestStop()
		k.interruptCell()
		k.cancel()
		// Stop intake first so nothing new is queued.
		k.shell.close()
		k.control.close()
		k.stdin.close()
		close(k.shellQueue)
		select {
		case <-k.shellDone:
		case <-ctx.Done():
			k.log.Warn("a cell did not stop in time; shutting down anyway")
		}
		k.shutdownErr = k.iopub.close(ctx)
		k.hb.close()
	})
	return k.shutdownErr
}

func (k *Kernel) requestStop() { k.stopOnce.Do(func() { close(k.stop) }) }

// closeSockets closes whatever New managed to bind.
func (k *Kernel) closeSockets() {
	for _, r := range []*router{k.shell, k.control, k.stdin} {
		if r != nil {
			r.close()
		}
	}
	if k.iopub != nil {
		k.iopub.close(context.Background())
	}
	if k.hb != nil {
		k.hb.close()
	}
}

// receive decodes a message from shell or control. Shell requests are
// queued for the shell goroutine; control requests are served at once on
// the control reader's goroutine, so they never wait behind a cell.
func (k *Kernel) receive(sock *router, frames [][]byte) (accepted bool) {
	now := time.Now()
	m, err := k.codec.Decode(frames)
	if err != nil {
		// Never act on a message that fails verification; say why in the log.
		k.log.Warn("message rejected", "socket", sock.name, "err", err)
		return false
	}
	k.log.Debug("received", "socket", sock.name, "type", m.Header.MsgType, "content", truncate(string(m.Content), 200))
	req := &Request{Msg: m, Channel: sock.name, Received: now, k: k, sock: sock}
	if sock == k.control {
		k.serve(k.ctx, req, k.controlHandlers)
		return true
	}
	defer func() {
		// The queue is closed by Shutdown; a message racing with it is dropped.
		if recover() != nil {
			k.log.Debug("shutting down; shell message dropped", "type", m.Header.MsgType)
		}
	}()
	select {
	case k.shellQueue <- req:
	case <-k.ctx.Done():
	}
	return true
}

// shellLoop serves shell requests one at a time, in order. Before a
// comm_msg it looks at the requests already queued behind it: a widget
// update followed by another comm_msg for the same comm is marked
// superseded, so that a fast slider drag runs the callbacks for the latest
// value only (every update is still applied and echoed, in order).
func (k *Kernel) shellLoop() {
	defer close(k.shellDone)
	var backlog []*Request
	for {
		var req *Request
		if len(backlog) > 0 {
			req, backlog = backlog[0], backlog[1:]
		} else {
			r, ok := <-k.shellQueue
			if !ok {
				return
			}
			req = r
		}
		if req.Type() == "comm_msg" {
			backlog = drainQueue(k.shellQueue, backlog)
			req.superseded = supersededBy(req, backlog)
		}
		k.setParent(req.Msg)
		k.serve(k.ctx, req, k.shellHandlers)
	}
}

// drainQueue appends the requests waiting in q without blocking (at most
// the queue's capacity).
func drainQueue(q chan *Request, backlog []*Request) []*Request {
	for range cap(q) {
		select {
		case r, ok := <-q:
			if !ok {
				return backlog
			}
			backlog = append(backlog, r)
		default:
			return backlog
		}
	}
	return backlog
}

// supersededBy reports whether req, a widget update, is followed in later
// by an update of the same comm that sets every attribute req sets.
func supersededBy(req *Request, later []*Request) bool {
	type update struct {
		CommID string `json:"comm_id"`
		Data   struct {
			Method string                     `json:"method"`
			State  map[string]json.RawMessage `json:"state"`
		} `json:"data"`
	}
	var u update
	if req.Msg.DecodeContent(&u) != nil || u.Data.Method != "update" || len(u.Data.State) == 0 {
		return false
	}
	for _, r := range later {
		if r.Type() != "comm_msg" {
			continue
		}
		var v update
		if r.Msg.DecodeContent(&v) != nil || v.CommID != u.CommID || v.Data.Method != "update" {
			continue
		}
		covers := true
		for k := range u.Data.State {
			if _, ok := v.Data.State[k]; !ok {
				covers = false
				break
			}
		}
		if covers {
			return true
		}
	}
	return false
}

// interruptCell cancels the running cell, if any. It holds k.mu while it
// does, so that it cannot interrupt a cell that startRunning is starting
// with a stale cancel function: an interrupt meant for the cell (or widget
// callback) that just ended would otherwise set ad's interrupt flag after
// the next one had cleared it, and stop that one instead.
func (k *Kernel) interruptCell() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	cancel := k.cancelCell
	if cancel == nil {
		return false
	}
	if k.opts.OnInterrupt != nil {
		k.opts.OnInterrupt()
	}
	cancel()
	return true
}

// startRunning runs BeforeCell and records the cancel function of the
// cell starting, as one step with respect to interruptCell.
func (k *Kernel) startRunning(cancel context.CancelFunc) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.opts.BeforeCell != nil {
		k.opts.BeforeCell()
	}
	k.cancelCell = cancel
}

// setRunning records the cancel function of the running cell (nil when
// none runs).
func (k *Kernel) setRunning(cancel context.CancelFunc) {
	k.mu.Lock()
	k.cancelCell = cancel
	k.mu.Unlock()
}

// NewLogger returns the kernel's standard logger: text records of level
// at least level to w. The gograd executable logs at slog.LevelWarn to
// standard error unless told otherwise (--log-level, --log-file), so that
// nothing of the kernel's own shows in front ends' outputs (jupyter
// console, nbconvert, papermill) in normal operation.
func NewLogger(w io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// ParseLogLevel reads a log level name: debug, info, warn (or warning)
// or error, in any case.
func ParseLogLevel(s string) (slog.Level, error) {
	var l slog.Level
	name := strings.ToLower(strings.TrimSpace(s))
	if name == "warning" {
		name = "warn"
	}
	switch name {
	case "debug", "info", "warn", "error":
		if err := l.UnmarshalText([]byte(name)); err == nil {
			return l, nil
		}
	}
	return 0, fmt.Errorf("log level %q: want debug, info, warn or error", s)
}

// String describes the kernel for logs.
func (k *Kernel) String() string {
	return fmt.Sprintf("gograd kernel %s on %s", k.session, k.info.Endpoint(k.info.ShellPort))
}
