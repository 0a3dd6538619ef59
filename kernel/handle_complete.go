package kernel

import (
	"context"
	"unicode/utf8"

	"github.com/gograd/gograd/kernel/wire"
)

// handleComplete answers complete_request from the engine.
func (k *Kernel) handleComplete(_ context.Context, req *Request) {
	var c wire.CompleteRequest
	if err := req.Msg.DecodeContent(&c); err != nil {
		req.ReplyError("BadRequest", err.Error())
		return
	}
	cursor := clampCursor(c.Code, c.CursorPos)
	matches, start, end := k.engine.Complete(c.Code, cursor)
	if matches == nil {
		matches = []string{}
	}
	if start < 0 || end < start || end > utf8.RuneCountInString(c.Code) {
		start, end = cursor, cursor
	}
	req.Reply(wire.CompleteReply{Status: wire.StatusOK, Matches: matches, CursorStart: start, CursorEnd: end, Metadata: map[string]any{}})
}

// clampCursor keeps a cursor position (in code points) inside code.
func clampCursor(code string, cursor int) int {
	n := utf8.RuneCountInString(code)
	if cursor < 0 || cursor > n {
		return n
	}
	return cursor
}
