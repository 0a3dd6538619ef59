// Package wire is the Jupyter messaging protocol (version 5.3) on the wire:
// the multipart frame layout, HMAC-SHA256 signing and verification, replay
// rejection, and typed structs for the content of every message the gograd
// kernel sends or receives.
//
// # Frames
//
// A message travels as a multipart ZeroMQ message:
//
//	identity… "<IDS|MSG>" signature header parent_header metadata content buffer…
//
// The routing identities before the delimiter are kept verbatim so a reply
// reaches the peer that asked. The signature is the lowercase hex
// HMAC-SHA256, keyed with the connection key, of the four JSON frames
// header, parent_header, metadata and content, in that order. With an empty
// key, messages are neither signed nor checked (the signature frame is
// empty), as the specification allows.
//
// # Invariants
//
// [Codec.Decode] never panics, whatever the frames. It checks, in order,
// that the delimiter is present, that at least five frames follow it, that
// the signature is valid (compared in constant time), that the signature has
// not been seen among the recent messages (a replay), and that the four JSON
// frames are JSON objects with a header carrying non-empty msg_id and
// msg_type strings. Each failure is an error wrapping one of the sentinel
// errors of this package ([ErrNoDelimiter], [ErrFrameCount],
// [ErrBadSignature], [ErrReplay], [ErrBadJSON], [ErrHeader]) and naming the
// frame at fault.
//
// [Codec.Encode] always produces frames that [Codec.Decode] (of a codec with
// the same key and a fresh replay cache) accepts.
//
// # Replay protection
//
// A signed message is accepted once: the codec remembers the signatures of
// the most recent messages (65 536 by default, as ipykernel does) and
// rejects a message whose signature it has seen. With an empty key there is
// nothing to remember and no replay protection.
package wire
