package kernel

import (
	"context"

	"github.com/gograd/gograd/kernel/wire"
)

// handleIsComplete answers is_complete_request from the engine.
func (k *Kernel) handleIsComplete(_ context.Context, req *Request) {
	var c wire.IsCompleteRequest
	if err := req.Msg.DecodeContent(&c); err != nil {
		req.ReplyError("BadRequest", err.Error())
		return
	}
	status, indent := k.engine.IsComplete(c.Code)
	switch status {
	case "complete", "invalid", "unknown":
		indent = ""
	case "incomplete":
	default:
		k.log.Warn("engine returned an unknown is_complete status", "status", status)
		status, indent = "unknown", ""
	}
	req.Reply(wire.IsCompleteReply{Status: status, Indent: indent})
}
