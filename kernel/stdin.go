package kernel

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gograd/gograd/kernel/wire"
)

// errStdinNotAllowed is what a cell reading standard input gets when the
// front end did not allow stdin for the request.
var errStdinNotAllowed = errors.New("standard input is not available: the front end did not allow input for this cell (allow_stdin is false)")

// timeNow is time.Now, a variable for tests.
var timeNow = time.Now

// receiveStdin decodes a message from the stdin socket and hands an
// input_reply to the cell waiting for it.
func (k *Kernel) receiveStdin(frames [][]byte) (accepted bool) {
	m, err := k.codec.Decode(frames)
	if err != nil {
		k.log.Warn("message rejected", "socket", "stdin", "err", err)
		return false
	}
	if m.Header.MsgType != "input_reply" {
		k.log.Warn("unexpected message on stdin", "type", m.Header.MsgType)
		return false
	}
	select {
	case k.stdinReplies <- m:
	default:
		k.log.Warn("input_reply with no cell waiting for it; ignored")
		return false
	}
	return true
}

// input sends an input_request for the cell answering parent and waits for
// the matching input_reply, or for ctx to end (an interrupt).
func (k *Kernel) input(ctx context.Context, parent *wire.Message, prompt string, password bool) (string, error) {
	// Drop stale replies, and let the cell's earlier output reach the
	// front end before the prompt does.
	for drained := false; !drained; {
		select {
		case <-k.stdinReplies:
		default:
			drained = true
		}
	}
	if err := k.iopub.flush(ctx); err != nil {
		return "", fmt.Errorf("input interrupted: %w", err)
	}
	req, err := wire.NewMessage("input_request", k.session, parent, wire.InputRequest{Prompt: prompt, Password: password})
	if err != nil {
		return "", err
	}
	frames, err := k.codec.Encode(req)
	if err != nil {
		return "", err
	}
	if err := k.stdin.send(frames); err != nil {
		return "", fmt.Errorf("input request: %w", err)
	}
	for {
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("input interrupted: %w", ctx.Err())
		case m := <-k.stdinReplies:
			var p wire.Header
			if err := m.DecodeParent(&p); err == nil && p.MsgID != "" && p.MsgID != req.Header.MsgID {
				k.log.Warn("input_reply for another request; ignored", "parent", p.MsgID)
				continue
			}
			var c wire.InputReply
			if err := m.DecodeContent(&c); err != nil {
				return "", err
			}
			return c.Value, nil
		}
	}
}
