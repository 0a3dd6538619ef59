package kernel

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/gograd/gograd/display"
	"github.com/gograd/gograd/kernel/wire"
)

// historyEntry is one executed cell, for history_request.
type historyEntry struct {
	line   int    // the execution count
	input  string // the code
	output string // text/plain of the execute_result, if any
}

// handleExecute runs a cell: execute_input, the cell's output, then
// execute_result or error, and the execute_reply.
func (k *Kernel) handleExecute(ctx context.Context, req *Request) {
	var c wire.ExecuteRequest
	if err := req.Msg.DecodeContent(&c); err != nil {
		req.ReplyError("BadRequest", err.Error())
		return
	}
	// stop_on_error: requests queued before a failed cell are aborted.
	if req.Received.Before(k.abortBefore) {
		k.log.Info("execute_request aborted after an earlier error", "msg_id", req.Msg.Header.MsgID)
		req.Reply(wire.ExecuteReply{Status: wire.StatusAborted, ExecutionCount: k.execCount})
		return
	}
	store := c.ShouldStoreHistory()
	if store {
		k.execCount++
	}
	count := k.execCount
	if !c.Silent {
		req.Publish("execute_input", wire.ExecuteInput{Code: c.Code, ExecutionCount: count})
	}
	hist := -1
	if store {
		k.history = append(k.history, historyEntry{line: count, input: c.Code})
		hist = len(k.history) - 1
	}

	io := &cellIO{k: k, parent: req.Msg, allowStdin: c.AllowStdin}
	res := k.execute(ctx, c.Code, io)

	if res.Err != nil {
		// Before replying: a request sent after the client sees the
		// reply must not be aborted.
		if c.ShouldStopOnError() {
			k.abortBefore = timeNow()
		}
		req.Publish("error", wire.ErrorContent{Ename: res.Err.Name, Evalue: res.Err.Value, Traceback: nonNil(res.Err.Traceback)})
		req.Reply(wire.ExecuteReply{
			Status: wire.StatusError, ExecutionCount: count,
			Ename: res.Err.Name, Evalue: res.Err.Value, Traceback: nonNil(res.Err.Traceback),
			UserExpressions: map[string]any{}, Payload: []any{},
		})
		return
	}
	if res.Value != nil && !c.Silent {
		req.Publish("execute_result", wire.ExecuteResult{
			ExecutionCount: count, Data: nonNilMap(res.Value.Data), Metadata: nonNilMap(res.Value.Metadata),
		})
		if hist >= 0 {
			if s, ok := res.Value.Data["text/plain"].(string); ok {
				k.history[hist].output = s
			}
		}
	}
	req.Reply(wire.ExecuteReply{
		Status: wire.StatusOK, ExecutionCount: count,
		UserExpressions: k.userExpressions(ctx, c.UserExpressions), Payload: []any{},
	})
}

// execute runs code on the engine under a cancellable context registered
// for interrupt_request. A panic escaping the engine becomes a cell error.
func (k *Kernel) execute(ctx context.Context, code string, io *cellIO) (res Result) {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	io.ctx = cctx
	k.startRunning(cancel)
	defer k.setRunning(nil)
	defer func() {
		if p := recover(); p != nil {
			k.log.Error("engine panicked", "panic", p, "stack", string(debug.Stack()))
			res = Result{Err: &CellError{
				Name:      "KernelError",
				Value:     fmt.Sprintf("internal error: %v", p),
				Traceback: []string{fmt.Sprintf("KernelError: internal error: %v", p)},
			}}
		}
	}()
	return k.engine.Execute(cctx, code, io)
}

// userExpressions evaluates the execute_request's user_expressions after a
// successful cell. Each result is a MIME bundle with status ok, or an error
// description with status error. Their output is discarded.
func (k *Kernel) userExpressions(ctx context.Context, exprs map[string]string) map[string]any {
	out := make(map[string]any, len(exprs))
	for name, expr := range exprs {
		res := k.execute(ctx, expr, &cellIO{k: k, quiet: true})
		switch {
		case res.Err != nil:
			out[name] = map[string]any{
				"status": wire.StatusError, "ename": res.Err.Name, "evalue": res.Err.Value,
				"traceback": nonNil(res.Err.Traceback),
			}
		case res.Value != nil:
			out[name] = map[string]any{"status": wire.StatusOK, "data": nonNilMap(res.Value.Data), "metadata": nonNilMap(res.Value.Metadata)}
		default:
			out[name] = map[string]any{"status": wire.StatusOK, "data": map[string]any{}, "metadata": map[string]any{}}
		}
	}
	return out
}

// cellIO is the IO of one execute_request: stream and display messages go
// to iopub with the request as parent; Input asks on stdin.
type cellIO struct {
	k          *Kernel
	parent     *wire.Message
	allowStdin bool
	quiet      bool // discard everything (user_expressions)
	ctx        context.Context
}

// Stream publishes text on the named stream ("stdout" unless "stderr").
func (c *cellIO) Stream(name, text string) {
	if c.quiet || text == "" {
		return
	}
	if name != "stderr" {
		name = "stdout"
	}
	c.k.iopub.stream(c.parent, name, text)
}

// Display publishes display_data.
func (c *cellIO) Display(b display.Bundle) {
	if c.quiet {
		return
	}
	c.k.iopub.publish(c.parent, "display_data", displayContent(b))
}

// Update publishes update_display_data; without a display id there is
// nothing to update, so it displays instead.
func (c *cellIO) Update(b display.Bundle) {
	if c.quiet {
		return
	}
	if b.DisplayID == "" {
		c.Display(b)
		return
	}
	c.k.iopub.publish(c.parent, "update_display_data", displayContent(b))
}

// Clear publishes clear_output.
func (c *cellIO) Clear(wait bool) {
	if c.quiet {
		return
	}
	c.k.iopub.publish(c.parent, "clear_output", wire.ClearOutput{Wait: wait})
}

// Input asks the front end for a line on the stdin channel.
func (c *cellIO) Input(prompt string, password bool) (string, error) {
	if c.quiet || !c.allowStdin {
		return "", errStdinNotAllowed
	}
	ctx := c.ctx
	if ctx == nil {
		ctx = c.k.ctx
	}
	return c.k.input(ctx, c.parent, prompt, password)
}

func displayContent(b display.Bundle) wire.DisplayData {
	return wire.DisplayData{Data: nonNilMap(b.Data), Metadata: nonNilMap(b.Metadata), Transient: wire.Transient{DisplayID: b.DisplayID}}
}

func nonNilMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
