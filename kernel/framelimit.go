package kernel

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

// The size limit on received messages.
//
// zmq4 reads a ZMTP frame by allocating a buffer of the size the frame's
// header announces and filling it, before anything of the message can be
// checked: one unsigned message with a 1 GiB frame cost the kernel 1 GiB
// of memory. zmq4 has no option for a maximum message size (libzmq's
// ZMQ_MAXMSGSIZE), and we do not patch it. We route around it from
// outside: the kernel's sockets listen on transports of their own
// ("gograd-tcp", "gograd-ipc", registered with zmq4.RegisterTransport)
// that wrap every accepted connection in a limitConn. limitConn follows
// the ZMTP 3 framing of the bytes zmq4 reads (the 64-byte greeting, then
// frames: a flags byte, a 1- or 8-byte size, the body) and reads each
// frame header whole before handing any of it on. When a frame, or the
// frames of one multipart message added up, would exceed the limit, it
// logs the fact and closes the connection instead, as libzmq does with
// ZMQ_MAXMSGSIZE: zmq4 sees a read error, drops the connection and
// allocates nothing. The limit is carried to the transport in the
// socket's context (zmq4 passes it to Transport.Listen).

// DefaultMaxMessageSize is the default limit on the size of one received
// message on the shell, control and stdin sockets (its frames added up):
// 64 MiB, eight times the largest cell or widget buffer seen in practice.
const DefaultMaxMessageSize = 64 << 20

// smallSocketLimit bounds messages on the heartbeat and iopub sockets,
// which receive only pings and subscriptions.
const smallSocketLimit = 1 << 20

// zmtpGreetingLen is the size of the ZMTP 3 greeting that precedes the
// frames.
const zmtpGreetingLen = 64

// errTooLarge is the read error a limitConn returns after cutting a peer
// off.
var errTooLarge = errors.New("message larger than the kernel's limit")

// frameLimit is what the limiting transport needs to know about one
// socket; it travels in the socket's context.
type frameLimit struct {
	socket string
	max    int64
	log    *slog.Logger
	// rel, when set, releases the memory of the frames read from a
	// connection cut off in the middle of a large message.
	rel *memoryReleaser
}

type frameLimitKey struct{}

// withFrameLimit returns ctx carrying the limit for the socket to be
// created with it.
func withFrameLimit(ctx context.Context, socket string, max int64, log *slog.Logger, rel *memoryReleaser) context.Context {
	return context.WithValue(ctx, frameLimitKey{}, &frameLimit{socket: socket, max: max, log: log, rel: rel})
}

var registerTransports = sync.OnceValue(func() error {
	for name, network := range map[string]string{"tcp": "tcp", "ipc": "unix"} {
		if err := zmq4.RegisterTransport("gograd-"+name, limitTransport{transport.New(network)}); err != nil {
			return err
		}
	}
	return nil
})

// limitedEndpoint turns "tcp://ip:port" (or ipc) into the endpoint of the
// same address on the limiting transport.
func limitedEndpoint(endpoint string) (string, error) {
	if err := registerTransports(); err != nil {
		return "", fmt.Errorf("registering the kernel's transports: %w", err)
	}
	scheme, addr, ok := strings.Cut(endpoint, "://")
	if !ok || (scheme != "tcp" && scheme != "ipc") {
		return "", fmt.Errorf("endpoint %q: want tcp:// or ipc://", endpoint)
	}
	return "gograd-" + scheme + "://" + addr, nil
}

// listenError is the cause of zmq4's Listen error, which names the
// endpoint on the limiting transport rather than the user's.
func listenError(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}

// limitTransport is a zmq4 transport whose listeners wrap each accepted
// connection in a limitConn. Dialing is not limited (the kernel does not
// dial).
type limitTransport struct{ transport.Transport }

func (t limitTransport) Listen(ctx context.Context, addr string) (net.Listener, error) {
	l, err := t.Transport.Listen(ctx, addr)
	if err != nil {
		return nil, err
	}
	lim, _ := ctx.Value(frameLimitKey{}).(*frameLimit)
	if lim == nil || lim.max <= 0 {
		return l, nil
	}
	return limitListener{l, lim}, nil
}

type limitListener struct {
	net.Listener
	lim *frameLimit
}

func (l limitListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &limitConn{Conn: c, lim: l.lim, greeting: zmtpGreetingLen}, nil
}

// limitConn passes the bytes of a ZMTP connection through, checking the
// size of every frame header before any of the header is handed on. It is
// read by one goroutine (zmq4's reader of the connection).
type limitConn struct {
	net.Conn
	lim *frameLimit

	greeting int   // greeting bytes still to pass through
	body     int64 // bytes of the current frame's body still to pass
	msgSize  int64 // bytes of the current multipart message so far
	hdr      [9]byte
	pending  []byte // header bytes read but not yet handed on
	err      error  // sticky: the connection was cut
	// dropped is the size of the cut message already handed to zmq4;
	// atomic, for Close may be called by another goroutine (shutdown).
	dropped atomic.Int64
}

// Close closes the connection. zmq4 closes it when its reader has given
// up on it, so the frames of a message cut off half-way are garbage by
// then and their memory is released.
func (c *limitConn) Close() error {
	err := c.Conn.Close()
	if c.dropped.Load() >= releaseThreshold && c.lim.rel != nil {
		c.lim.rel.release()
	}
	return err
}

func (c *limitConn) Read(p []byte) (int, error) {
	switch {
	case c.err != nil:
		return 0, c.err
	case len(c.pending) > 0:
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	case c.greeting > 0:
		n, err := c.Conn.Read(p[:min(len(p), c.greeting)])
		c.greeting -= n
		return n, err
	case c.body > 0:
		n, err := c.Conn.Read(p[:min(int64(len(p)), c.body)])
		c.body -= int64(n)
		return n, err
	}
	// A frame header: flags, then a 1-byte size or (long flag) an 8-byte one.
	if _, err := io.ReadFull(c.Conn, c.hdr[:2]); err != nil {
		return 0, err
	}
	flags, n := c.hdr[0], 2
	size := uint64(c.hdr[1])
	if flags&0x02 != 0 {
		if _, err := io.ReadFull(c.Conn, c.hdr[2:9]); err != nil {
			return 0, err
		}
		n = 9
		size = binary.BigEndian.Uint64(c.hdr[1:9])
	}
	more := flags&0x01 != 0
	if size > uint64(c.lim.max) || c.msgSize+int64(size) > c.lim.max {
		c.err = fmt.Errorf("%w (%d bytes)", errTooLarge, c.lim.max)
		c.lim.log.Warn("message too large: dropped before reading it, connection closed",
			"socket", c.lim.socket, "peer", c.Conn.RemoteAddr().String(),
			"frame_bytes", size, "message_bytes_so_far", c.msgSize, "limit_bytes", c.lim.max)
		c.dropped.Store(c.msgSize)
		c.Conn.Close()
		return 0, c.err
	}
	if more {
		c.msgSize += int64(size)
	} else {
		c.msgSize = 0
	}
	c.body = int64(size)
	k := copy(p, c.hdr[:n])
	c.pending = c.hdr[k:n]
	return k, nil
}

// ParseSize reads a byte count such as "64MiB", "512KiB", "1GiB", "64MB"
// or "1048576". Units are powers of 1024 whether written KiB or KB.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	upper := strings.ToUpper(t)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(upper, u.suffix) {
			t, mult = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q: want a positive number of bytes, such as 64MiB", s)
	}
	return n * mult, nil
}

// memoryReleaser returns the memory of rejected messages to the operating
// system: the Go runtime otherwise keeps freed pages for minutes, so a
// stranger's message would stay in the kernel's resident memory. Requests
// are coalesced and at most one release runs per releaseEvery, on the
// releaser's own goroutine, which ends with ctx.
type memoryReleaser struct {
	c chan struct{}
}

// releaseThreshold is the size of a rejected message from which its
// memory is returned to the system at once.
const releaseThreshold = 1 << 20

const releaseEvery = 100 * time.Millisecond

func startMemoryReleaser(ctx context.Context) *memoryReleaser {
	r := &memoryReleaser{c: make(chan struct{}, 1)}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-r.c:
			}
			debug.FreeOSMemory()
			select {
			case <-ctx.Done():
				return
			case <-time.After(releaseEvery):
			}
		}
	}()
	return r
}

// release asks for the free memory to be returned to the system soon. The
// caller must have dropped its references to the rejected message.
func (r *memoryReleaser) release() {
	select {
	case r.c <- struct{}{}:
	default: // a release is already due
	}
}
