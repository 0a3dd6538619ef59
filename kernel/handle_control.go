package kernel

import (
	"context"

	"github.com/gograd/gograd/kernel/wire"
)

// handleInterrupt cancels the running cell (if any) and answers at once;
// the cell's execute_reply reports the interruption.
func (k *Kernel) handleInterrupt(_ context.Context, req *Request) {
	if k.interruptCell() {
		k.log.Info("interrupt_request: cell interrupted")
	} else {
		k.log.Info("interrupt_request: no cell running")
	}
	req.Reply(wire.StatusReply{Status: wire.StatusOK})
}

// handleShutdown answers, broadcasts the reply on iopub (as ipykernel
// does, for other clients of the kernel), and asks Run to shut down. With
// restart, the kernel still exits: its manager starts a new one.
func (k *Kernel) handleShutdown(_ context.Context, req *Request) {
	var c wire.ShutdownRequest
	if err := req.Msg.DecodeContent(&c); err != nil {
		req.ReplyError("BadRequest", err.Error())
		return
	}
	reply := wire.ShutdownReply{Status: wire.StatusOK, Restart: c.Restart}
	req.Reply(reply)
	req.Publish("shutdown_reply", reply)
	k.log.Info("shutdown_request", "restart", c.Restart)
	k.interruptCell()
	k.requestStop()
}
