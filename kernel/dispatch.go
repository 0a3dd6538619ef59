package kernel

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gograd/gograd/kernel/wire"
)

// Handler serves one kind of request. The dispatcher publishes status busy
// before and idle after it, recovers its panics, and answers with an error
// reply if it panicked or returned without replying to a *_request.
type Handler interface {
	ServeJupyter(ctx context.Context, req *Request)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, req *Request)

// ServeJupyter calls f(ctx, req).
func (f HandlerFunc) ServeJupyter(ctx context.Context, req *Request) { f(ctx, req) }

// Request is a message being served, with the means to answer it.
type Request struct {
	Msg *wire.Message
	// Channel is "shell" or "control".
	Channel string
	// Received is when the message was read from its socket.
	Received time.Time

	k       *Kernel
	sock    *router
	replied bool
	// superseded marks a widget update followed in the queue by another
	// update of the same comm: its callbacks are skipped.
	superseded bool
}

// Type returns the message type.
func (r *Request) Type() string { return r.Msg.Header.MsgType }

// ReplyType returns the reply type for the request: foo_request → foo_reply.
func (r *Request) ReplyType() string {
	return strings.TrimSuffix(r.Type(), "_request") + "_reply"
}

// Reply sends the request's *_reply with content on the request's channel.
// Only the first reply is sent; later calls are logged and ignored.
func (r *Request) Reply(content any) error {
	if r.replied {
		r.k.log.Error("second reply suppressed", "type", r.ReplyType(), "msg_id", r.Msg.Header.MsgID)
		return fmt.Errorf("%s already answered", r.Type())
	}
	r.replied = true
	err := r.k.sendTo(r.sock, r.Msg, r.ReplyType(), content)
	var ee *encodeError
	if errors.As(err, &ee) {
		// The requester still gets its one reply.
		return r.k.sendTo(r.sock, r.Msg, r.ReplyType(), wire.ErrorReply{
			Status: wire.StatusError, Ename: "KernelError", Evalue: ee.Error(),
			Traceback: []string{"KernelError: " + ee.Error()},
		})
	}
	return err
}

// encodeError reports reply content that cannot be marshalled.
type encodeError struct{ err error }

func (e *encodeError) Error() string { return "the reply could not be encoded: " + e.err.Error() }
func (e *encodeError) Unwrap() error { return e.err }

// ReplyError answers with status "error".
func (r *Request) ReplyError(ename, evalue string) error {
	return r.Reply(wire.ErrorReply{Status: wire.StatusError, Ename: ename, Evalue: evalue, Traceback: []string{ename + ": " + evalue}})
}

// Publish sends a message on iopub with the request as parent.
func (r *Request) Publish(msgType string, content any) {
	r.k.iopub.publish(r.Msg, msgType, content)
}

// Handle registers h for msgType on the shell channel (and on control too
// when control is true), replacing any handler registered before. Call it
// before Run.
func (k *Kernel) Handle(msgType string, h Handler, control bool) {
	k.shellHandlers[msgType] = h
	if control {
		k.controlHandlers[msgType] = h
	}
}

// registerHandlers fills the handler tables.
func (k *Kernel) registerHandlers() {
	k.shellHandlers = map[string]Handler{}
	k.controlHandlers = map[string]Handler{}
	k.Handle("kernel_info_request", HandlerFunc(k.handleKernelInfo), true)
	k.Handle("execute_request", HandlerFunc(k.handleExecute), false)
	k.Handle("complete_request", HandlerFunc(k.handleComplete), false)
	k.Handle("inspect_request", HandlerFunc(k.handleInspect), false)
	k.Handle("is_complete_request", HandlerFunc(k.handleIsComplete), false)
	k.Handle("history_request", HandlerFunc(k.handleHistory), false)
	k.Handle("comm_info_request", HandlerFunc(k.handleCommInfo), true)
	k.Handle("comm_open", HandlerFunc(k.handleCommOpen), false)
	k.Handle("comm_msg", HandlerFunc(k.handleCommMsg), false)
	k.Handle("comm_close", HandlerFunc(k.handleCommClose), false)
	k.Handle("interrupt_request", HandlerFunc(k.handleInterrupt), true)
	k.Handle("shutdown_request", HandlerFunc(k.handleShutdown), true)
}

// serve runs the handler for req from table, bracketed by busy and idle.
func (k *Kernel) serve(ctx context.Context, req *Request, table map[string]Handler) {
	req.Publish("status", wire.KernelStatus{ExecutionState: "busy"})
	defer req.Publish("status", wire.KernelStatus{ExecutionState: "idle"})
	isRequest := strings.HasSuffix(req.Type(), "_request")

	h := table[req.Type()]
	if h == nil {
		k.log.Warn("unknown message type", "type", req.Type(), "channel", req.Channel)
		if isRequest {
			req.ReplyError("UnknownMessageType", fmt.Sprintf("%s is not handled on the %s channel", req.Type(), req.Channel))
		}
		return
	}
	defer func() {
		if p := recover(); p != nil {
			k.log.Error("handler panicked", "type", req.Type(), "panic", p, "stack", string(debug.Stack()))
			if isRequest && !req.replied {
				req.ReplyError("KernelError", fmt.Sprintf("internal error while handling %s: %v", req.Type(), p))
			}
		}
	}()
	h.ServeJupyter(ctx, req)
	if isRequest && !req.replied {
		k.log.Error("handler did not reply", "type", req.Type())
		req.ReplyError("KernelError", "no reply was produced for "+req.Type())
	}
}

// sendTo sends a message of msgType answering parent on sock.
func (k *Kernel) sendTo(sock *router, parent *wire.Message, msgType string, content any) error {
	m, err := wire.NewMessage(msgType, k.session, parent, content)
	if err != nil {
		k.log.Error("cannot build message", "type", msgType, "err", err)
		return &encodeError{err}
	}
	frames, err := k.codec.Encode(m)
	if err != nil {
		k.log.Error("cannot encode message", "type", msgType, "err", err)
		return err
	}
	if err := sock.send(frames); err != nil {
		k.log.Warn("send failed", "type", msgType, "err", err)
		return err
	}
	k.log.Debug("sent", "socket", sock.name, "type", msgType, "content", truncate(string(m.Content), 200))
	return nil
}
