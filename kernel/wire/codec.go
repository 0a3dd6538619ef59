package wire

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
)

// Sentinel errors wrapped by the errors Decode returns.
var (
	// ErrNoDelimiter: the frames contain no <IDS|MSG> delimiter.
	ErrNoDelimiter = errors.New("wire: no <IDS|MSG> delimiter")
	// ErrFrameCount: fewer than the five frames signature, header,
	// parent_header, metadata and content follow the delimiter.
	ErrFrameCount = errors.New("wire: too few frames")
	// ErrBadSignature: the signature frame is not the HMAC of the message.
	ErrBadSignature = errors.New("wire: bad signature")
	// ErrReplay: a message with this signature was accepted before.
	ErrReplay = errors.New("wire: replayed message")
	// ErrBadJSON: a JSON frame is not a JSON object.
	ErrBadJSON = errors.New("wire: bad JSON")
	// ErrHeader: the header lacks msg_id or msg_type.
	ErrHeader = errors.New("wire: bad header")
)

// DefaultReplayWindow is how many recent signatures a Codec remembers.
const DefaultReplayWindow = 1 << 16

// Codec encodes, signs, decodes and verifies messages with one connection
// key. It is safe for concurrent use.
type Codec struct {
	key []byte

	mu     sync.Mutex
	seen   map[string]struct{}
	ring   []string // the remembered signatures, oldest at next
	next   int
	window int
}

// NewCodec returns a codec signing with key (the connection file's key,
// used as raw bytes). An empty key disables signing and verification.
func NewCodec(key []byte) *Codec {
	return NewCodecWindow(key, DefaultReplayWindow)
}

// NewCodecWindow is NewCodec remembering the last window signatures for
// replay rejection. It panics if window is not positive.
func NewCodecWindow(key []byte, window int) *Codec {
	if window <= 0 {
		panic(fmt.Sprintf("wire.NewCodecWindow: window %d is not positive", window))
	}
	return &Codec{
		key:    append([]byte(nil), key...),
		seen:   make(map[string]struct{}),
		window: window,
	}
}

// Signing reports whether the codec signs and verifies (its key is not
// empty).
func (c *Codec) Signing() bool { return len(c.key) > 0 }

// Sign returns the hex HMAC-SHA256 of the four JSON frames, or "" when the
// key is empty.
func (c *Codec) Sign(header, parent, metadata, content []byte) string {
	if len(c.key) == 0 {
		return ""
	}
	return hex.EncodeToString(c.mac(header, parent, metadata, content))
}

func (c *Codec) mac(header, parent, metadata, content []byte) []byte {
	h := hmac.New(sha256.New, c.key)
	h.Write(header)
	h.Write(parent)
	h.Write(metadata)
	h.Write(content)
	return h.Sum(nil)
}

// Encode returns the frames of m, signed. Nil Parent, Metadata and
// Content are sent as {}.
func (c *Codec) Encode(m *Message) ([][]byte, error) {
	header, err := json.Marshal(m.Header)
	if err != nil {
		return nil, fmt.Errorf("wire: marshal header: %w", err)
	}
	parent := orEmptyObject(m.Parent)
	metadata := orEmptyObject(m.Metadata)
	content := orEmptyObject(m.Content)
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames,
		[]byte(Delimiter),
		[]byte(c.Sign(header, parent, metadata, content)),
		header, parent, metadata, content)
	frames = append(frames, m.Buffers...)
	return frames, nil
}

func orEmptyObject(b json.RawMessage) []byte {
	if len(b) == 0 {
		return []byte("{}")
	}
	return b
}

// Decode parses and verifies frames as received from a ROUTER socket (the
// identities first). See the package documentation for the checks made.
// A message that passes the signature check is remembered, so the same
// frames decoded again fail with ErrReplay.
func (c *Codec) Decode(frames [][]byte) (*Message, error) {
	delim := -1
	for i, f := range frames {
		if string(f) == Delimiter {
			delim = i
			break
		}
	}
	if delim < 0 {
		return nil, fmt.Errorf("%w among %d frames", ErrNoDelimiter, len(frames))
	}
	rest := frames[delim+1:]
	if len(rest) < 5 {
		return nil, fmt.Errorf("%w: %d after the delimiter, want at least 5 (signature, header, parent_header, metadata, content)", ErrFrameCount, len(rest))
	}
	sig, header, parent, metadata, content := rest[0], rest[1], rest[2], rest[3], rest[4]

	if len(c.key) > 0 {
		if err := c.verify(sig, header, parent, metadata, content); err != nil {
			return nil, err
		}
	}

	m := &Message{
		Identities: cloneFrames(frames[:delim]),
		RawHeader:  json.RawMessage(bytes.Clone(header)),
		Parent:     json.RawMessage(bytes.Clone(parent)),
		Metadata:   json.RawMessage(bytes.Clone(metadata)),
		Content:    json.RawMessage(bytes.Clone(content)),
		Buffers:    cloneFrames(rest[5:]),
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{"header", header}, {"parent_header", parent}, {"metadata", metadata}, {"content", content}} {
		if err := checkObject(f.data); err != nil {
			return nil, fmt.Errorf("%w: %s frame: %v", ErrBadJSON, f.name, err)
		}
	}
	if err := json.Unmarshal(header, &m.Header); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrHeader, err)
	}
	if m.Header.MsgID == "" {
		return nil, fmt.Errorf("%w: msg_id missing or empty", ErrHeader)
	}
	if m.Header.MsgType == "" {
		return nil, fmt.Errorf("%w: msg_type missing or empty", ErrHeader)
	}
	return m, nil
}

// verify checks the signature in constant time and rejects replays.
func (c *Codec) verify(sig, header, parent, metadata, content []byte) error {
	if len(sig) != hex.EncodedLen(sha256.Size) {
		return fmt.Errorf("%w: %d characters, want %d hex digits", ErrBadSignature, len(sig), hex.EncodedLen(sha256.Size))
	}
	got := make([]byte, sha256.Size)
	if _, err := hex.Decode(got, sig); err != nil {
		return fmt.Errorf("%w: not hexadecimal", ErrBadSignature)
	}
	if !hmac.Equal(got, c.mac(header, parent, metadata, content)) {
		return fmt.Errorf("%w: HMAC mismatch", ErrBadSignature)
	}
	// Hex case is free in the frame, so remember the canonical form.
	key := string(got)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, dup := c.seen[key]; dup {
		return fmt.Errorf("%w: signature %.16s… already seen", ErrReplay, sig)
	}
	if len(c.ring) < c.window {
		c.ring = append(c.ring, key)
	} else {
		delete(c.seen, c.ring[c.next])
		c.ring[c.next] = key
		c.next = (c.next + 1) % c.window
	}
	c.seen[key] = struct{}{}
	return nil
}

// checkObject reports whether b is a single JSON object.
func checkObject(b []byte) error {
	t := bytes.TrimLeft(b, " \t\r\n")
	if len(t) == 0 {
		return errors.New("empty")
	}
	if t[0] != '{' {
		return fmt.Errorf("want a JSON object, got %q…", firstBytes(t, 16))
	}
	if !json.Valid(b) {
		return errors.New("invalid JSON")
	}
	return nil
}

func firstBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

func cloneFrames(fs [][]byte) [][]byte {
	if len(fs) == 0 {
		return nil
	}
	out := make([][]byte, len(fs))
	for i, f := range fs {
		out[i] = bytes.Clone(f)
		if out[i] == nil {
			out[i] = []byte{}
		}
	}
	return out
}
