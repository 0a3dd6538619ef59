// Package kerneltest is a small Jupyter client over real ZeroMQ for testing
// and benchmarking kernels: it connects DEALER sockets to shell, control and
// stdin, a SUB socket to iopub and a REQ socket to the heartbeat, signs what
// it sends and verifies what it receives with package wire.
package kerneltest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/gograd/gograd/kernel"
	"github.com/gograd/gograd/kernel/wire"
)

// Channel names accepted by Client methods.
const (
	Shell   = "shell"
	Control = "control"
	Stdin   = "stdin"
)

// Client is a connected Jupyter client. Its methods are safe for
// concurrent use, but each received-message stream (per channel) should be
// consumed by one goroutine.
type Client struct {
	Codec   *wire.Codec
	Session string

	ctx    context.Context
	cancel context.CancelFunc
	socks  map[string]zmq4.Socket
	iopub  zmq4.Socket
	hb     zmq4.Socket
	hbMu   sync.Mutex
	sendMu sync.Mutex

	recv map[string]chan *wire.Message // shell, control, stdin, iopub
	// stash holds messages skipped by Reply and IOPubUntilIdle, per
	// channel, so that concurrent requests can each find theirs.
	stashMu sync.Mutex
	stash   map[string][]*wire.Message
	// Rejected counts received messages that failed to decode.
	rejected int
	mu       sync.Mutex
}

// FreeConnectionInfo returns a tcp connection description on 127.0.0.1
// with five ports that were free a moment ago, and the given key. The
// ports are below the system's ephemeral range where it is known (see
// listenFree), so that outgoing connections do not take them before the
// kernel binds them.
func FreeConnectionInfo(key string) (kernel.ConnectionInfo, error) {
	ports := make([]int, 5)
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for i := range ports {
		l, err := listenFree()
		if err != nil {
			return kernel.ConnectionInfo{}, err
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return kernel.ConnectionInfo{
		Transport: "tcp", IP: "127.0.0.1",
		ShellPort: ports[0], ControlPort: ports[1], StdinPort: ports[2], IOPubPort: ports[3], HBPort: ports[4],
		Key: key, SignatureScheme: "hmac-sha256", KernelName: "gograd",
	}, nil
}

// Dial connects to the kernel described by info. The connections are
// established lazily by ZeroMQ; use WaitReady before relying on iopub.
func Dial(info kernel.ConnectionInfo) (*Client, error) {
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client{
		Codec:   wire.NewCodec([]byte(info.Key)),
		Session: wire.NewID(),
		ctx:     ctx,
		cancel:  cancel,
		socks:   map[string]zmq4.Socket{},
		recv:    map[string]chan *wire.Message{},
		stash:   map[string][]*wire.Message{},
	}
	id := zmq4.SocketIdentity(c.Session)
	opts := []zmq4.Option{zmq4.WithID(id), zmq4.WithDialerRetry(2 * time.Millisecond), zmq4.WithDialerMaxRetries(2500), zmq4.WithTimeout(10 * time.Second)}
	for name, port := range map[string]int{Shell: info.ShellPort, Control: info.ControlPort, Stdin: info.StdinPort} {
		s := zmq4.NewDealer(ctx, opts...)
		if err := s.Dial(info.Endpoint(port)); err != nil {
			c.Close()
			return nil, fmt.Errorf("dial %s: %w", name, err)
		}
		c.socks[name] = s
		c.recv[name] = make(chan *wire.Message, 1024)
		go c.readLoop(s, c.recv[name])
	}
	c.iopub = zmq4.NewSub(ctx, zmq4.WithDialerRetry(2*time.Millisecond), zmq4.WithDialerMaxRetries(2500))
	if err := c.iopub.Dial(info.Endpoint(info.IOPubPort)); err != nil {
		c.Close()
		return nil, fmt.Errorf("dial iopub: %w", err)
	}
	if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		c.Close()
		return nil, err
	}
	c.recv["iopub"] = make(chan *wire.Message, 1<<16)
	go c.readLoop(c.iopub, c.recv["iopub"])
	c.hb = zmq4.NewReq(ctx, zmq4.WithDialerRetry(2*time.Millisecond), zmq4.WithDialerMaxRetries(2500))
	if err := c.hb.Dial(info.Endpoint(info.HBPort)); err != nil {
		c.Close()
		return nil, fmt.Errorf("dial heartbeat: %w", err)
	}
	return c, nil
}

// DialRetry is Dial, retried until ctx ends (the kernel may still be
// binding its sockets).
func DialRetry(ctx context.Context, info kernel.ConnectionInfo) (*Client, error) {
	for {
		c, err := Dial(info)
		if err == nil {
			return c, nil
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func (c *Client) readLoop(s zmq4.Socket, ch chan *wire.Message) {
	for {
		msg, err := s.Recv()
		if err != nil {
			if c.ctx.Err() != nil {
				return
			}
			time.Sleep(5 * time.Millisecond)
			continue
		}
		m, err := c.Codec.Decode(msg.Frames)
		if err != nil {
			c.mu.Lock()
			c.rejected++
			c.mu.Unlock()
			continue
		}
		select {
		case ch <- m:
		case <-c.ctx.Done():
			return
		}
	}
}

// Rejected returns how many received messages failed verification.
func (c *Client) Rejected() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rejected
}

// Close disconnects.
func (c *Client) Close() error {
	c.cancel()
	for _, s := range c.socks {
		s.Close()
	}
	if c.iopub != nil {
		c.iopub.Close()
	}
	if c.hb != nil {
		c.hb.Close()
	}
	return nil
}

// NewRequest builds a request of msgType with content in the client's
// session.
func (c *Client) NewRequest(msgType string, content any) *wire.Message {
	m, err := wire.NewMessage(msgType, c.Session, nil, content)
	if err != nil {
		panic(err) // content is always marshalable in tests
	}
	m.Header.Username = "test"
	return m
}

// Send signs and sends m on channel.
func (c *Client) Send(channel string, m *wire.Message) error {
	frames, err := c.Codec.Encode(m)
	if err != nil {
		return err
	}
	return c.SendFrames(channel, frames)
}

// SendFrames sends raw frames (starting at the delimiter) on channel.
func (c *Client) SendFrames(channel string, frames [][]byte) error {
	s, ok := c.socks[channel]
	if !ok {
		return fmt.Errorf("no channel %q", channel)
	}
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	return s.SendMulti(zmq4.NewMsgFrom(frames...))
}

// Request sends a request of msgType on channel and returns it.
func (c *Client) Request(channel, msgType string, content any) (*wire.Message, error) {
	m := c.NewRequest(msgType, content)
	return m, c.Send(channel, m)
}

// Next returns the next message received on channel ("iopub" included).
func (c *Client) Next(ctx context.Context, channel string) (*wire.Message, error) {
	ch, ok := c.recv[channel]
	if !ok {
		return nil, fmt.Errorf("no channel %q", channel)
	}
	select {
	case m := <-ch:
		return m, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting on %s: %w", channel, ctx.Err())
	}
}

// Reply waits for the message on channel whose parent is req. Messages
// for other parents received meanwhile are kept for later calls, and also
// returned as skipped.
func (c *Client) Reply(ctx context.Context, channel string, req *wire.Message) (reply *wire.Message, skipped []*wire.Message, err error) {
	m, skipped, err := c.nextFor(ctx, channel, req.Header.MsgID)
	return m, skipped, err
}

// nextFor returns the next message on channel whose parent has msg_id
// parentID, from the stash or from the socket.
func (c *Client) nextFor(ctx context.Context, channel, parentID string) (*wire.Message, []*wire.Message, error) {
	c.stashMu.Lock()
	for i, m := range c.stash[channel] {
		if ParentID(m) == parentID {
			c.stash[channel] = append(c.stash[channel][:i:i], c.stash[channel][i+1:]...)
			c.stashMu.Unlock()
			return m, nil, nil
		}
	}
	c.stashMu.Unlock()
	var skipped []*wire.Message
	for {
		m, err := c.Next(ctx, channel)
		if err != nil {
			return nil, skipped, err
		}
		if ParentID(m) == parentID {
			return m, skipped, nil
		}
		skipped = append(skipped, m)
		c.stashMu.Lock()
		c.stash[channel] = append(c.stash[channel], m)
		c.stashMu.Unlock()
	}
}

// ParentID returns the msg_id of m's parent header ("" when none).
func ParentID(m *wire.Message) string {
	var h wire.Header
	if m.DecodeParent(&h) != nil {
		return ""
	}
	return h.MsgID
}

// IOPubUntilIdle collects the iopub messages whose parent is req up to and
// including its status idle. Messages for other parents are kept for later
// calls.
func (c *Client) IOPubUntilIdle(ctx context.Context, req *wire.Message) ([]*wire.Message, error) {
	var out []*wire.Message
	for {
		m, _, err := c.nextFor(ctx, "iopub", req.Header.MsgID)
		if err != nil {
			return out, err
		}
		out = append(out, m)
		if m.Header.MsgType == "status" {
			var s wire.KernelStatus
			if err := m.DecodeContent(&s); err == nil && s.ExecutionState == "idle" {
				return out, nil
			}
		}
	}
}

// WaitReady sends kernel_info_request on shell until one is answered and
// iopub has delivered its status messages, so that no later iopub message
// is lost to the PUB/SUB join delay.
func (c *Client) WaitReady(ctx context.Context) error {
	for {
		attempt, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
		req, err := c.Request(Shell, "kernel_info_request", nil)
		if err == nil {
			if _, _, err = c.Reply(attempt, Shell, req); err == nil {
				_, err = c.IOPubUntilIdle(attempt, req)
			}
		}
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("kernel not ready: %w", err)
		}
		c.drain()
	}
}

// drain discards everything received so far.
func (c *Client) drain() {
	c.stashMu.Lock()
	c.stash = map[string][]*wire.Message{}
	c.stashMu.Unlock()
	for _, ch := range c.recv {
		for {
			select {
			case <-ch:
				continue
			default:
			}
			break
		}
	}
}

// Heartbeat sends a ping on the heartbeat channel and waits for its echo.
func (c *Client) Heartbeat(ctx context.Context, payload []byte) error {
	c.hbMu.Lock()
	defer c.hbMu.Unlock()
	errc := make(chan error, 1)
	go func() {
		if err := c.hb.Send(zmq4.NewMsg(payload)); err != nil {
			errc <- err
			return
		}
		m, err := c.hb.Recv()
		if err == nil && string(m.Bytes()) != string(payload) {
			err = fmt.Errorf("heartbeat echoed %q, want %q", m.Bytes(), payload)
		}
		errc <- err
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return errors.New("heartbeat: no echo: " + ctx.Err().Error())
	}
}

// Execution is what one execute_request produced.
type Execution struct {
	Request *wire.Message
	Reply   wire.ExecuteReply
	// IOPub holds the iopub messages with the request as parent, from
	// status busy to status idle.
	IOPub []*wire.Message
}

// Stdout returns the concatenated stdout stream text.
func (e *Execution) Stdout() string { return e.stream("stdout") }

// Stderr returns the concatenated stderr stream text.
func (e *Execution) Stderr() string { return e.stream("stderr") }

func (e *Execution) stream(name string) string {
	var s strings.Builder
	for _, m := range e.IOPub {
		if m.Header.MsgType == "stream" {
			var st wire.Stream
			if m.DecodeContent(&st) == nil && st.Name == name {
				s.WriteString(st.Text)
			}
		}
	}
	return s.String()
}

// Types lists the iopub message types in order.
func (e *Execution) Types() []string {
	var ts []string
	for _, m := range e.IOPub {
		ts = append(ts, m.Header.MsgType)
	}
	return ts
}

// Find returns the first iopub message of msgType, or nil.
func (e *Execution) Find(msgType string) *wire.Message {
	for _, m := range e.IOPub {
		if m.Header.MsgType == msgType {
			return m
		}
	}
	return nil
}

// Execute runs code with the given extra request fields (nil for
// defaults) and collects the reply and the iopub messages.
func (c *Client) Execute(ctx context.Context, code string, req *wire.ExecuteRequest) (*Execution, error) {
	content := wire.ExecuteRequest{Code: code}
	if req != nil {
		content = *req
		content.Code = code
	}
	if content.UserExpressions == nil {
		content.UserExpressions = map[string]string{}
	}
	m, err := c.Request(Shell, "execute_request", content)
	if err != nil {
		return nil, err
	}
	return c.Finish(ctx, m)
}

// Finish collects the reply and iopub messages of an execute_request
// already sent.
func (c *Client) Finish(ctx context.Context, m *wire.Message) (*Execution, error) {
	e := &Execution{Request: m}
	reply, _, err := c.Reply(ctx, Shell, m)
	if err != nil {
		return e, err
	}
	if err := reply.DecodeContent(&e.Reply); err != nil {
		return e, err
	}
	e.IOPub, err = c.IOPubUntilIdle(ctx, m)
	return e, err
}
