package kernel

import (
	"context"

	"github.com/gograd/gograd/kernel/wire"
)

// handleInspect answers inspect_request from the engine.
func (k *Kernel) handleInspect(_ context.Context, req *Request) {
	var c wire.InspectRequest
	if err := req.Msg.DecodeContent(&c); err != nil {
		req.ReplyError("BadRequest", err.Error())
		return
	}
	b, found := k.engine.Inspect(c.Code, clampCursor(c.Code, c.CursorPos), c.DetailLevel)
	reply := wire.InspectReply{Status: wire.StatusOK, Found: found, Data: map[string]any{}, Metadata: map[string]any{}}
	if found {
		reply.Data = nonNilMap(b.Data)
		reply.Metadata = nonNilMap(b.Metadata)
	}
	req.Reply(reply)
}
