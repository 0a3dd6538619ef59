package display

import (
	"fmt"
	"sync"
)

// HandleWidgetMsg applies a comm_msg from the front end to the widget with
// comm id commID, as the widget protocol says:
//
//   - "update": the state (with binary buffers put back at their
//     buffer_paths) is validated and applied, echoed back as
//     "echo_update", and the observers of the attributes that changed are
//     returned in the Call;
//   - "request_state": the full state is sent back as "update";
//   - "custom": a button's {"event": "click"} returns its OnClick
//     callbacks in the Call.
//
// The Call (nil when there is nothing to run) holds user callbacks: the
// kernel runs them like a cell. An error names what was wrong with the
// message.
func HandleWidgetMsg(commID string, data map[string]any, buffers [][]byte) (*Call, error) {
	w := lookupWidget(commID)
	if w == nil || !w.isOpen() {
		return nil, fmt.Errorf("no widget has comm id %q", commID)
	}
	method, _ := data["method"].(string)
	switch method {
	case "update":
		state, ok := data["state"].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("update for %s has no state object", w.kind)
		}
		if paths, ok := data["buffer_paths"].([]any); ok && len(paths) > 0 {
			if err := putBuffers(state, paths, buffers); err != nil {
				return nil, fmt.Errorf("update for %s: %w", w.kind, err)
			}
		}
		call := &Call{}
		echo := map[string]any{}
		for _, name := range sortedKeys(state) {
			v, err := w.validate(name, state[name])
			if err != nil {
				return nil, fmt.Errorf("update from the front end: %w", err)
			}
			echo[name] = v
			old, changed := w.setLocal(name, v)
			if !changed {
				continue
			}
			for _, o := range w.observersOf(name) {
				o := o
				ch := Change{Widget: w, Name: name, Old: old, New: v}
				call.steps = append(call.steps, step{fn: func() { o.fn(ch) }, out: o.out})
			}
		}
		w.sendState(echo, "echo_update")
		if len(call.steps) == 0 {
			return nil, nil
		}
		return call, nil
	case "request_state":
		w.sendState(w.State(), "update")
		return nil, nil
	case "custom":
		content, _ := data["content"].(map[string]any)
		if content["event"] == "click" {
			w.mu.Lock()
			clicks := append([]observer(nil), w.clicks...)
			w.mu.Unlock()
			if len(clicks) == 0 {
				return nil, nil
			}
			call := &Call{}
			for _, o := range clicks {
				o := o
				call.steps = append(call.steps, step{fn: func() { o.fn(Change{Widget: w, Name: "click"}) }, out: o.out})
			}
			return call, nil
		}
		return nil, nil
	}
	return nil, fmt.Errorf("unknown widget message method %q", method)
}

// WidgetClosed forgets the widget whose comm the front end closed.
func WidgetClosed(commID string) {
	widgets.mu.Lock()
	w := widgets.widgets[commID]
	delete(widgets.widgets, commID)
	widgets.mu.Unlock()
	if w != nil {
		w.mu.Lock()
		w.closed = true
		w.mu.Unlock()
	}
}

// CloseWidgets closes every widget (see Widget.Close) and forgets it, with
// its callbacks: the session calls it at %reset, whose fresh interpreter
// would otherwise leave the old widgets running callbacks of definitions
// it forgot. It returns how many of them had been displayed, layout and
// style models not counted.
func CloseWidgets() int {
	widgets.mu.Lock()
	all := make([]*Widget, 0, len(widgets.order))
	for _, id := range widgets.order {
		if w, ok := widgets.widgets[id]; ok {
			all = append(all, w)
		}
	}
	widgets.mu.Unlock()
	n := 0
	for _, w := range all {
		if w.isOpen() && w.kind != "Layout" && w.kind != "Style" {
			n++
		}
		w.Close()
		w.mu.Lock()
		w.observers, w.clicks, w.interaction = nil, nil, nil
		w.mu.Unlock()
	}
	widgets.mu.Lock()
	kept := widgets.order[:0]
	for _, id := range widgets.order {
		if _, ok := widgets.widgets[id]; ok {
			kept = append(kept, id)
		}
	}
	widgets.order = kept
	widgets.mu.Unlock()
	return n
}

// WidgetStates returns the state of every open widget, keyed by model id,
// in the form of the update_states reply and of saved notebook metadata:
// {"model_name", "model_module", "model_module_version", "state"}. Binary
// buffers are left in the states as []byte.
func WidgetStates() map[string]any {
	widgets.mu.Lock()
	ids := make([]string, 0, len(widgets.order))
	live := make([]*Widget, 0, len(widgets.order))
	kept := widgets.order[:0]
	for _, id := range widgets.order {
		if w, ok := widgets.widgets[id]; ok {
			kept = append(kept, id)
			if w.isOpen() {
				ids = append(ids, id)
				live = append(live, w)
			}
		}
	}
	widgets.order = kept
	widgets.mu.Unlock()
	out := make(map[string]any, len(live))
	for i, w := range live {
		st := w.State()
		out[ids[i]] = map[string]any{
			"model_name":           st["_model_name"],
			"model_module":         st["_model_module"],
			"model_module_version": st["_model_module_version"],
			"state":                st,
		}
	}
	return out
}

// step is one callback of a Call and the Output widget it writes to.
type step struct {
	fn  func()
	out *Widget
}

// Call is user code that a widget message asks to run (observers, click
// handlers, an Interact's function), with the output it produces. The
// kernel runs Run like a cell, with the Call as the cell's IO: output of a
// callback that belongs to an Output widget (an Interact's, for one) is
// collected and shown in that widget when the Call finishes; other output
// goes to Fallback.
type Call struct {
	// Fallback receives output of callbacks without an Output widget.
	Fallback StreamSink

	steps []step
	mu    sync.Mutex
	cur   *capture
	caps  []*capture
}

// StreamSink is a Sink that also receives the text a cell prints.
type StreamSink interface {
	Sink
	Stream(name, text string)
}

// StreamRedirector is implemented by sinks whose printed text can be sent
// elsewhere for a while (the session's): RedirectStreams sends the text
// printed from now on to to, until restore is called, which first passes
// on everything printed before it.
type StreamRedirector interface {
	RedirectStreams(to StreamSink) (restore func())
}

// PanicDescriber is implemented by sinks that can describe a panic of the
// code they collect output for (the session's): DescribePanic names the
// error as a cell's error would be named (ShapeError, RecursionError, ...)
// with the cell lines it went through. Interact's first call, which runs
// in the cell and shows its error in the Output widget instead of failing
// the cell, uses it; without it the error is shown as a Panic.
type PanicDescriber interface {
	DescribePanic(r any) (name, value string, traceback []string)
}

// Run runs the callbacks in order. A panic stops it (the kernel reports
// it with Fail).
func (c *Call) Run() {
	for _, s := range c.steps {
		c.mu.Lock()
		c.cur = nil
		if s.out != nil {
			c.cur = c.captureFor(s.out)
		}
		c.mu.Unlock()
		s.fn()
	}
}

// Len returns the number of callbacks.
func (c *Call) Len() int { return len(c.steps) }

func (c *Call) captureFor(out *Widget) *capture {
	for _, cp := range c.caps {
		if cp.out == out {
			return cp
		}
	}
	cp := newCapture(out)
	c.caps = append(c.caps, cp)
	return cp
}

func (c *Call) target() (*capture, StreamSink) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur, c.Fallback
}

// Stream receives text printed by the running callback.
func (c *Call) Stream(name, text string) {
	if cp, fb := c.target(); cp != nil {
		cp.Stream(name, text)
	} else if fb != nil {
		fb.Stream(name, text)
	}
}

// Display receives a display of the running callback.
func (c *Call) Display(b Bundle) {
	if cp, fb := c.target(); cp != nil {
		cp.Display(b)
	} else if fb != nil {
		fb.Display(b)
	}
}

// Update receives an update_display_data of the running callback.
func (c *Call) Update(b Bundle) {
	if cp, fb := c.target(); cp != nil {
		cp.Update(b)
	} else if fb != nil {
		fb.Update(b)
	}
}

// Clear receives a clear_output of the running callback.
func (c *Call) Clear(wait bool) {
	if cp, fb := c.target(); cp != nil {
		cp.Clear(wait)
	} else if fb != nil {
		fb.Clear(wait)
	}
}

// Fail shows the error that stopped the callbacks in the Output widget of
// the one that failed (or on Fallback's stderr when it has none).
func (c *Call) Fail(name, value string, traceback []string) {
	c.mu.Lock()
	if c.cur == nil && len(c.steps) > 0 && c.steps[0].out != nil {
		// Stopped before the first callback started (an interrupt).
		c.cur = c.captureFor(c.steps[0].out)
	}
	c.mu.Unlock()
	cp, fb := c.target()
	if cp != nil {
		cp.fail(name, value, traceback)
		return
	}
	if fb != nil {
		text := name + ": " + value + "\n"
		if len(traceback) > 0 {
			text = ""
			for _, l := range traceback {
				text += l + "\n"
			}
		}
		fb.Stream("stderr", text)
	}
}

// Finish sends the collected output of each Output widget as one update,
// so a figure is replaced in place.
func (c *Call) Finish() {
	c.mu.Lock()
	caps := c.caps
	c.mu.Unlock()
	for _, cp := range caps {
		cp.flush()
	}
}

// capture builds the outputs list of an Output widget the way a front end
// builds an output area from messages.
type capture struct {
	mu        sync.Mutex
	out       *Widget
	outputs   []any
	ids       []string // display id of each output ("" for none)
	clearNext bool
	changed   bool
}

func newCapture(out *Widget) *capture {
	cp := &capture{out: out}
	if cur, ok := out.Get("outputs").([]any); ok {
		cp.outputs = cloneValue(cur).([]any)
		cp.ids = make([]string, len(cp.outputs))
	}
	return cp
}

func (cp *capture) add(o map[string]any, id string) {
	if cp.clearNext {
		cp.outputs, cp.ids, cp.clearNext = nil, nil, false
	}
	cp.outputs = append(cp.outputs, o)
	cp.ids = append(cp.ids, id)
	cp.changed = true
}

func (cp *capture) Stream(name, text string) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if !cp.clearNext && len(cp.outputs) > 0 {
		if last, ok := cp.outputs[len(cp.outputs)-1].(map[string]any); ok && last["output_type"] == "stream" && last["name"] == name {
			s, _ := last["text"].(string)
			last["text"] = s + text
			cp.changed = true
			return
		}
	}
	cp.add(map[string]any{"output_type": "stream", "name": name, "text": text}, "")
}

func (cp *capture) Display(b Bundle) {
	b = withPlain(b, "")
	cp.mu.Lock()
	defer cp.mu.Unlock()
	cp.add(map[string]any{"output_type": "display_data", "data": b.Data, "metadata": nonNilMap(b.Metadata)}, b.DisplayID)
}

func (cp *capture) Update(b Bundle) {
	b = withPlain(b, "")
	cp.mu.Lock()
	defer cp.mu.Unlock()
	for i, id := range cp.ids {
		if id != "" && id == b.DisplayID {
			cp.outputs[i] = map[string]any{"output_type": "display_data", "data": b.Data, "metadata": nonNilMap(b.Metadata)}
			cp.changed = true
		}
	}
}

func (cp *capture) Clear(wait bool) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if wait {
		cp.clearNext = true
		return
	}
	cp.outputs, cp.ids, cp.clearNext = nil, nil, false
	cp.changed = true
}

func (cp *capture) fail(name, value string, traceback []string) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	tb := make([]any, len(traceback))
	for i, l := range traceback {
		tb[i] = l
	}
	cp.add(map[string]any{"output_type": "error", "ename": name, "evalue": value, "traceback": tb}, "")
}

// flush sends the outputs to the Output widget if they changed. A clear
// that waited for output that never came clears now.
func (cp *capture) flush() {
	cp.mu.Lock()
	if cp.clearNext {
		cp.outputs, cp.ids, cp.clearNext = nil, nil, false
		cp.changed = true
	}
	if !cp.changed {
		cp.mu.Unlock()
		return
	}
	outs := cloneValue(append([]any{}, cp.outputs...)).([]any)
	cp.changed = false
	cp.mu.Unlock()
	cp.out.Set("outputs", outs)
}

func nonNilMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
