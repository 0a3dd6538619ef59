package wire

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Delimiter separates the routing identities from the message proper.
const Delimiter = "<IDS|MSG>"

// ProtocolVersion is the Jupyter messaging protocol version this package
// speaks.
const ProtocolVersion = "5.3"

// Header is a message header. Every field is a string on the wire.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	// Date is the ISO 8601 creation time of the message.
	Date    string `json:"date"`
	MsgType string `json:"msg_type"`
	Version string `json:"version"`
}

// Message is one decoded (or to-be-encoded) Jupyter message.
type Message struct {
	// Identities are the routing frames before the delimiter, verbatim.
	Identities [][]byte
	Header     Header
	// RawHeader is the header frame exactly as received; Decode sets it so
	// that replies can carry the request's header verbatim as their parent.
	// Encode ignores it and marshals Header.
	RawHeader json.RawMessage
	// Parent is the parent header as a JSON object; nil encodes as {}.
	Parent json.RawMessage
	// Metadata is a JSON object; nil encodes as {}.
	Metadata json.RawMessage
	// Content is a JSON object; nil encodes as {}.
	Content json.RawMessage
	// Buffers are the binary frames after the content, carried through.
	Buffers [][]byte
}

// ParentHeader returns the header to use as the parent of a message
// answering m: the header frame m arrived with, or m.Header marshalled.
func (m *Message) ParentHeader() json.RawMessage {
	if len(m.RawHeader) > 0 {
		return m.RawHeader
	}
	b, err := json.Marshal(m.Header)
	if err != nil { // unreachable: Header holds only strings
		return json.RawMessage("{}")
	}
	return b
}

// DecodeContent unmarshals m.Content into v, returning an error that names
// the message type and the offending field when the content does not fit.
func (m *Message) DecodeContent(v any) error {
	content := m.Content
	if len(bytes.TrimSpace(content)) == 0 {
		content = json.RawMessage("{}")
	}
	if err := json.Unmarshal(content, v); err != nil {
		return fmt.Errorf("%w: content of %s: %v", ErrBadJSON, m.Header.MsgType, err)
	}
	return nil
}

// NewMessage returns a message of type msgType in the given session, with
// a fresh msg_id and the current time, answering parent (which may be nil)
// and carrying content marshalled to JSON. The identities are the parent's,
// so a reply built this way is routed back to the requester.
func NewMessage(msgType, session string, parent *Message, content any) (*Message, error) {
	c, err := json.Marshal(content)
	if err != nil {
		return nil, fmt.Errorf("wire: marshal %s content: %w", msgType, err)
	}
	if content == nil {
		c = []byte("{}")
	}
	m := &Message{
		Header: Header{
			MsgID:    NewID(),
			Session:  session,
			Username: "kernel",
			Date:     time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"),
			MsgType:  msgType,
			Version:  ProtocolVersion,
		},
		Content: c,
	}
	if parent != nil {
		m.Parent = parent.ParentHeader()
		m.Identities = parent.Identities
	}
	return m, nil
}

// NewID returns a random identifier in the form of a version 4 UUID, as
// used for msg_id and session ids.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand.Read does not fail on supported platforms.
		panic("wire: crypto/rand: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// DecodeParent unmarshals m.Parent into h; an empty parent leaves h zero.
func (m *Message) DecodeParent(h *Header) error {
	if len(bytes.TrimSpace(m.Parent)) == 0 {
		return nil
	}
	if err := json.Unmarshal(m.Parent, h); err != nil {
		return fmt.Errorf("%w: parent_header of %s: %v", ErrBadJSON, m.Header.MsgType, err)
	}
	return nil
}
