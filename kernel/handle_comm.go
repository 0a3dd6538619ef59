package kernel

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/gograd/gograd/display"
	"github.com/gograd/gograd/kernel/wire"
)

// The comm layer. A comm is a channel between an object in the kernel and
// one in the front end, named by a comm id and opened for a target name.
// The kernel keeps a registry of targets and of the open comms; comm_msg
// and comm_close are routed by comm id to the comm's target. Two targets
// are registered: display.WidgetTarget ("jupyter.widget"), whose comms the
// kernel opens for display's widget models, and
// display.WidgetControlTarget ("jupyter.widget.control"), which a front
// end opens to fetch every widget's state at once. A comm_open for any
// other target is answered by closing the comm, so the front end does not
// wait on it.

// CommTarget serves the comms of one target name. Its methods run on the
// shell goroutine, bracketed by busy/idle with the message as parent.
type CommTarget interface {
	// Open is called for a comm_open from the front end; an error closes
	// the comm at once.
	Open(ctx context.Context, req *Request, commID string, data map[string]any) error
	// Msg is called for a comm_msg on an open comm of the target.
	Msg(ctx context.Context, req *Request, commID string, data map[string]any)
	// Close is called when the front end closes a comm of the target.
	Close(commID string)
}

// comms is the kernel's registry of targets and open comms.
type comms struct {
	mu      sync.Mutex
	targets map[string]CommTarget
	open    map[string]string // comm id -> target name
}

// RegisterCommTarget makes t serve comms of target name (replacing any
// target registered before). Call it before Run.
func (k *Kernel) RegisterCommTarget(name string, t CommTarget) {
	k.comms.mu.Lock()
	defer k.comms.mu.Unlock()
	k.comms.targets[name] = t
}

func (k *Kernel) registerCommTargets() {
	k.comms.targets = map[string]CommTarget{}
	k.comms.open = map[string]string{}
	k.RegisterCommTarget(display.WidgetTarget, widgetTarget{k})
	k.RegisterCommTarget(display.WidgetControlTarget, widgetControlTarget{k})
}

// commOpened records an open comm.
func (k *Kernel) commOpened(id, target string) {
	k.comms.mu.Lock()
	k.comms.open[id] = target
	k.comms.mu.Unlock()
}

// commTargetOf returns the target serving comm id, if the comm is open.
func (k *Kernel) commTargetOf(id string) (string, CommTarget) {
	k.comms.mu.Lock()
	defer k.comms.mu.Unlock()
	name, ok := k.comms.open[id]
	if !ok {
		return "", nil
	}
	return name, k.comms.targets[name]
}

func (k *Kernel) handleCommInfo(_ context.Context, req *Request) {
	var c wire.CommInfoRequest
	_ = req.Msg.DecodeContent(&c) // target_name is optional
	out := map[string]wire.CommTargetInfo{}
	k.comms.mu.Lock()
	for id, name := range k.comms.open {
		if c.TargetName == "" || c.TargetName == name {
			out[id] = wire.CommTargetInfo{TargetName: name}
		}
	}
	k.comms.mu.Unlock()
	req.Reply(wire.CommInfoReply{Status: wire.StatusOK, Comms: out})
}

func (k *Kernel) handleCommOpen(ctx context.Context, req *Request) {
	var c wire.CommOpen
	if err := req.Msg.DecodeContent(&c); err != nil {
		k.log.Warn("bad comm_open", "err", err)
		return
	}
	if c.CommID == "" {
		k.log.Warn("comm_open without a comm_id; ignored", "target", c.TargetName)
		return
	}
	k.comms.mu.Lock()
	t := k.comms.targets[c.TargetName]
	k.comms.mu.Unlock()
	if t == nil {
		k.log.Info("comm_open for an unknown target; closing it", "target", c.TargetName, "comm_id", c.CommID)
		req.Publish("comm_close", wire.CommClose{CommID: c.CommID, Data: map[string]any{}})
		return
	}
	k.commOpened(c.CommID, c.TargetName)
	if err := t.Open(ctx, req, c.CommID, nonNilMap(c.Data)); err != nil {
		k.log.Info("comm_open refused; closing it", "target", c.TargetName, "comm_id", c.CommID, "err", err)
		k.forgetComm(c.CommID)
		req.Publish("comm_close", wire.CommClose{CommID: c.CommID, Data: map[string]any{}})
	}
}

func (k *Kernel) handleCommMsg(ctx context.Context, req *Request) {
	var c wire.CommClose
	if err := req.Msg.DecodeContent(&c); err != nil {
		k.log.Warn("bad comm_msg", "err", err)
		return
	}
	name, t := k.commTargetOf(c.CommID)
	if t == nil {
		k.log.Debug("comm_msg for a comm that is not open; ignored", "comm_id", c.CommID)
		return
	}
	k.log.Debug("comm_msg", "target", name, "comm_id", c.CommID)
	t.Msg(ctx, req, c.CommID, nonNilMap(c.Data))
}

func (k *Kernel) handleCommClose(_ context.Context, req *Request) {
	var c wire.CommClose
	if err := req.Msg.DecodeContent(&c); err != nil {
		k.log.Warn("bad comm_close", "err", err)
		return
	}
	_, t := k.commTargetOf(c.CommID)
	if t == nil {
		k.log.Debug("comm_close for a comm that is not open; ignored", "comm_id", c.CommID)
		return
	}
	k.forgetComm(c.CommID)
	t.Close(c.CommID)
}

func (k *Kernel) forgetComm(id string) {
	k.comms.mu.Lock()
	delete(k.comms.open, id)
	k.comms.mu.Unlock()
}

// publishComm sends a comm message on iopub with metadata and buffers.
func (k *Kernel) publishComm(parent *wire.Message, msgType string, content any, metadata map[string]any, buffers [][]byte) {
	m, err := wire.NewMessage(msgType, k.session, parent, content)
	if err != nil {
		k.log.Error("cannot build comm message", "type", msgType, "err", err)
		return
	}
	if len(metadata) > 0 {
		if raw, err := json.Marshal(metadata); err == nil {
			m.Metadata = raw
		}
	}
	m.Buffers = buffers
	k.iopub.enqueue(&pubItem{msg: m}, nil)
}

// kernelComms is display's CommSink: widget models opened, changed and
// closed by cell code reach the front end through it, with the request
// being served (or last served) as parent.
type kernelComms struct{ k *Kernel }

func (s kernelComms) CommOpen(m display.CommMessage) {
	s.k.commOpened(m.CommID, m.TargetName)
	s.k.publishComm(s.k.currentParent(), "comm_open",
		map[string]any{"comm_id": m.CommID, "target_name": m.TargetName, "data": nonNilMap(m.Data)},
		m.Metadata, m.Buffers)
}

func (s kernelComms) CommMsg(m display.CommMessage) {
	s.k.publishComm(s.k.currentParent(), "comm_msg", map[string]any{"comm_id": m.CommID, "data": nonNilMap(m.Data)}, m.Metadata, m.Buffers)
}

func (s kernelComms) CommClose(m display.CommMessage) {
	s.k.forgetComm(m.CommID)
	s.k.publishComm(s.k.currentParent(), "comm_close", map[string]any{"comm_id": m.CommID, "data": nonNilMap(m.Data)}, m.Metadata, m.Buffers)
}

func (k *Kernel) currentParent() *wire.Message {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.parent
}

func (k *Kernel) setParent(m *wire.Message) {
	k.mu.Lock()
	k.parent = m
	k.mu.Unlock()
}

// widgetTarget routes comm messages of widget models to display.
type widgetTarget struct{ k *Kernel }

func (t widgetTarget) Open(_ context.Context, _ *Request, commID string, _ map[string]any) error {
	return fmt.Errorf("the kernel opens widget comms; a widget model created by the front end (%s) is not supported", commID)
}

func (t widgetTarget) Msg(ctx context.Context, req *Request, commID string, data map[string]any) {
	call, err := display.HandleWidgetMsg(commID, data, req.Msg.Buffers)
	if err != nil {
		t.k.log.Warn("widget message refused", "comm_id", commID, "err", err)
		return
	}
	if call == nil {
		return
	}
	if req.superseded {
		// A later update of the same widget is already queued: its
		// callbacks will see the newest state (a fast drag runs the
		// callbacks once, for the latest value).
		t.k.log.Debug("widget callbacks skipped for a newer update", "comm_id", commID)
		return
	}
	t.k.runCall(ctx, req, call)
}

func (t widgetTarget) Close(commID string) { display.WidgetClosed(commID) }

// widgetControlTarget answers request_states with every widget's state.
type widgetControlTarget struct{ k *Kernel }

func (widgetControlTarget) Open(context.Context, *Request, string, map[string]any) error { return nil }

func (t widgetControlTarget) Msg(_ context.Context, req *Request, commID string, data map[string]any) {
	if data["method"] != "request_states" {
		t.k.log.Warn("unknown jupyter.widget.control method", "method", data["method"])
		return
	}
	// As ipywidgets does: the binary buffers of all states, with paths
	// from the top of the states object.
	states, paths, buffers := display.SplitBuffers(display.WidgetStates())
	t.k.publishComm(req.Msg, "comm_msg", map[string]any{"comm_id": commID, "data": map[string]any{
		"method": "update_states", "states": states, "buffer_paths": paths,
	}}, nil, buffers)
}

func (widgetControlTarget) Close(string) {}

// runCall runs widget callbacks like a cell: on the shell goroutine,
// interruptible by interrupt_request, their output collected by the Call
// (into an Output widget) or sent with the comm message as parent.
func (k *Kernel) runCall(ctx context.Context, req *Request, call *display.Call) {
	caller, ok := k.engine.(Caller)
	if !ok {
		k.log.Warn("the engine cannot run widget callbacks")
		return
	}
	fallback := &cellIO{k: k, parent: req.Msg}
	call.Fallback = fallback
	io := &callIO{Call: call, cell: fallback}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fallback.ctx = cctx
	k.startRunning(cancel)
	res := func() (res Result) {
		defer k.setRunning(nil)
		defer func() {
			if p := recover(); p != nil {
				res = Result{Err: &CellError{Name: "KernelError", Value: fmt.Sprintf("internal error: %v", p)}}
			}
		}()
		return caller.Call(cctx, call.Run, io)
	}()
	if res.Err != nil {
		call.Fail(res.Err.Name, res.Err.Value, res.Err.Traceback)
	}
	call.Finish()
}

// Caller is implemented by engines that can run a Go function (a widget
// callback that calls interpreted code) the way they run a cell.
// *session.Session implements it.
type Caller interface {
	Call(ctx context.Context, fn func(), io IO) Result
}

// callIO is the IO of widget callbacks: everything goes to the Call,
// which routes it; input is not available.
type callIO struct {
	*display.Call
	cell *cellIO
}

func (c *callIO) Input(string, bool) (string, error) { return "", errStdinNotAllowed }
