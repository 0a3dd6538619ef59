package kernel

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
)

// zmtpFrame encodes one ZMTP 3 frame: flags (more, command) and body,
// with a long size when long is set or the body needs it.
func zmtpFrame(body []byte, more, command, long bool) []byte {
	var flags byte
	if more {
		flags |= 0x01
	}
	if command {
		flags |= 0x04
	}
	if long || len(body) > 255 {
		var h [9]byte
		h[0] = flags | 0x02
		binary.BigEndian.PutUint64(h[1:], uint64(len(body)))
		return append(h[:], body...)
	}
	return append([]byte{flags, byte(len(body))}, body...)
}

// longHeader is the header of a frame announcing size bytes, with no body.
func longHeader(size uint64, more bool) []byte {
	var h [9]byte
	h[0] = 0x02
	if more {
		h[0] |= 0x01
	}
	binary.BigEndian.PutUint64(h[1:], size)
	return h[:]
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestLimitConn(t *testing.T) {
	t.Parallel()
	greeting := bytes.Repeat([]byte{0xAA}, zmtpGreetingLen)
	ready := zmtpFrame([]byte("\x05READY\x0bSocket-Type\x00\x00\x00\x06DEALER"), false, true, false)
	const max = 1000
	cases := []struct {
		name string
		in   []byte
		// passed is how many leading bytes of in reach the reader; the
		// rest is refused with errTooLarge (all of in when passed < 0).
		passed int
	}{
		{"greeting only", greeting, -1},
		{"handshake and short frames", cat(greeting, ready, zmtpFrame([]byte("a"), true, false, false), zmtpFrame([]byte("bc"), false, false, false)), -1},
		{"a frame of exactly the limit", cat(greeting, ready, zmtpFrame(make([]byte, max), false, false, true)), -1},
		{"a long header with a small size", cat(greeting, zmtpFrame([]byte("xyz"), false, false, true)), -1},
		{"messages each under the limit", cat(greeting, zmtpFrame(make([]byte, 600), true, false, false), zmtpFrame(make([]byte, 400), false, false, false), zmtpFrame(make([]byte, 900), false, false, false)), -1},
		{"a frame one byte over the limit", cat(greeting, ready, longHeader(max+1, false), make([]byte, 10)), zmtpGreetingLen + len(ready)},
		{"a huge frame", cat(greeting, longHeader(1<<40, false)), zmtpGreetingLen},
		{"the largest size a header can say", cat(greeting, longHeader(1<<64-1, false)), zmtpGreetingLen},
		{"frames adding up over the limit", cat(greeting, zmtpFrame(make([]byte, 600), true, false, false), longHeader(401, false)), zmtpGreetingLen + 9 + 600},
		{"a huge command before the handshake", cat(greeting, []byte{0x06}, longHeader(1<<33, false)[1:]), zmtpGreetingLen},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			server, client := net.Pipe()
			var logged strings.Builder
			lim := &frameLimit{socket: "shell", max: max, log: slog.New(slog.NewTextHandler(&logged, nil))}
			lc := &limitConn{Conn: server, lim: lim, greeting: zmtpGreetingLen}
			go func() {
				client.Write(c.in) // fails once the server side is closed
				client.Close()
			}()
			// Read the way zmq4 does: small reads of exact sizes.
			var got []byte
			buf := make([]byte, 7)
			var err error
			for {
				var n int
				n, err = lc.Read(buf)
				got = append(got, buf[:n]...)
				if err != nil {
					break
				}
			}
			want := c.in
			if c.passed >= 0 {
				want = c.in[:c.passed]
				if !errors.Is(err, errTooLarge) {
					t.Errorf("err = %v, want errTooLarge", err)
				}
				if !strings.Contains(logged.String(), "message too large") {
					t.Errorf("nothing logged: %q", logged.String())
				}
				if _, err := lc.Read(buf); !errors.Is(err, errTooLarge) {
					t.Errorf("a read after the cut: %v, want errTooLarge again", err)
				}
			} else if err != io.EOF {
				t.Errorf("err = %v, want io.EOF", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the reader got %d bytes, want the first %d of %d", len(got), len(want), len(c.in))
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want int64
	}{
		{"1048576", 1 << 20}, {"64MiB", 64 << 20}, {"64 MiB", 64 << 20}, {"64mb", 64 << 20}, {"512KiB", 512 << 10},
		{"1GiB", 1 << 30}, {"2G", 2 << 30}, {"100B", 100}, {"0", -1}, {"-5MiB", -1}, {"lots", -1}, {"", -1}, {"9999999999GiB", -1},
	} {
		got, err := ParseSize(c.in)
		if c.want < 0 {
			if err == nil {
				t.Errorf("ParseSize(%q) = %d, want an error", c.in, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
}
