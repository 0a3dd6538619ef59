package kernel

import (
	"context"

	"github.com/gograd/gograd/kernel/wire"
)

// The kernel registers no comm targets. Comm messages are answered without
// harm: comm_info lists no comms, and a comm_open is refused by closing the
// comm at once, so the front end does not wait on it.

func (k *Kernel) handleCommInfo(_ context.Context, req *Request) {
	req.Reply(wire.CommInfoReply{Status: wire.StatusOK, Comms: map[string]wire.CommTargetInfo{}})
}

func (k *Kernel) handleCommOpen(_ context.Context, req *Request) {
	var c wire.CommOpen
	if err := req.Msg.DecodeContent(&c); err != nil {
		k.log.Warn("bad comm_open", "err", err)
		return
	}
	k.log.Info("comm_open for an unknown target; closing it", "target", c.TargetName, "comm_id", c.CommID)
	if c.CommID != "" {
		req.Publish("comm_close", wire.CommClose{CommID: c.CommID, Data: map[string]any{}})
	}
}

func (k *Kernel) handleCommMsg(_ context.Context, req *Request) {
	k.log.Debug("comm_msg for a comm that is not open; ignored")
}

func (k *Kernel) handleCommClose(_ context.Context, req *Request) {
	k.log.Debug("comm_close for a comm that is not open; ignored")
}
