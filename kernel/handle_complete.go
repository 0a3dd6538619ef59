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
	var (
		matches    []string
		start, end int
		items      []CompletionItem
	)
	if ic, ok := k.engine.(ItemCompleter); ok {
		items, start, end = ic.CompleteItems(c.Code, cursor)
		for _, it := range items {
			matches = append(matches, it.Text)
		}
	} else {
		matches, start, end = k.engine.Complete(c.Code, cursor)
	}
	if matches == nil {
		matches = []string{}
	}
	if start < 0 || end < start || end > utf8.RuneCountInString(c.Code) {
		start, end = cursor, cursor
	}
	metadata := map[string]any{}
	if items != nil {
		// ipykernel's shape: one entry per match, with the range it
		// replaces, its type and, for functions, its signature.
		typed := make([]map[string]any, len(items))
		for i, it := range items {
			typed[i] = map[string]any{"start": start, "end": end, "text": it.Text, "type": it.Type, "signature": it.Signature}
		}
		metadata["_jupyter_types_experimental"] = typed
	}
	req.Reply(wire.CompleteReply{Status: wire.StatusOK, Matches: matches, CursorStart: start, CursorEnd: end, Metadata: metadata})
}

// clampCursor keeps a cursor position (in code points) inside code.
func clampCursor(code string, cursor int) int {
	n := utf8.RuneCountInString(code)
	if cursor < 0 || cursor > n {
		return n
	}
	return cursor
}
