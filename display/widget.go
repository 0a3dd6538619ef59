package display

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
)

// The Jupyter widgets protocol as ipywidgets 8 speaks it.
const (
	// WidgetTarget is the comm target of widget models.
	WidgetTarget = "jupyter.widget"
	// WidgetControlTarget is the comm target a front end opens to ask for
	// the state of every widget at once (request_states).
	WidgetControlTarget = "jupyter.widget.control"
	// WidgetProtocolVersion is the version of the widget messaging
	// protocol, sent in the metadata of every comm_open.
	WidgetProtocolVersion = "2.1.0"
	// WidgetViewMIME is the MIME type of a displayed widget view.
	WidgetViewMIME = "application/vnd.jupyter.widget-view+json"
	// WidgetStateMIME is the notebook metadata key holding saved widget
	// state.
	WidgetStateMIME = "application/vnd.jupyter.widget-state+json"

	controlsModule  = "@jupyter-widgets/controls"
	baseModule      = "@jupyter-widgets/base"
	outputModule    = "@jupyter-widgets/output"
	controlsVersion = "2.0.0"
	baseVersion     = "2.0.0"
	outputVersion   = "1.0.0"
)

// CommMessage is one comm message between display and the front end:
// comm_open (with TargetName), comm_msg or comm_close.
type CommMessage struct {
	CommID     string
	TargetName string
	Data       map[string]any
	Metadata   map[string]any
	Buffers    [][]byte
}

// CommSink carries widget messages to the front end. The kernel installs
// one with SetCommSink when it starts; the headless runner installs one
// that records widget state. Comms belong to the process, not to a cell.
type CommSink interface {
	CommOpen(m CommMessage)
	CommMsg(m CommMessage)
	CommClose(m CommMessage)
}

// registry holds every open widget, by comm id, and the comm sink.
type registry struct {
	mu      sync.Mutex
	sink    CommSink
	widgets map[string]*Widget
	order   []string // creation order, for stable state listings
}

var widgets = &registry{widgets: map[string]*Widget{}}

// SetCommSink installs s as the destination of widget messages. A nil s
// keeps widgets local (their state still changes; nothing is sent).
func SetCommSink(s CommSink) {
	widgets.mu.Lock()
	widgets.sink = s
	widgets.mu.Unlock()
}

func commSink() CommSink {
	widgets.mu.Lock()
	defer widgets.mu.Unlock()
	return widgets.sink
}

// Change describes a change of one widget attribute, as passed to Observe
// callbacks.
type Change struct {
	Widget *Widget
	Name   string
	Old    any
	New    any
}

// observer is a callback on an attribute; out, when set, is the Output
// widget its output goes to.
type observer struct {
	name string
	fn   func(Change)
	out  *Widget
}

// Widget is one widget model synchronised with the front end over a comm:
// a slider, a button, a box, an Output area... Its state is a map of
// attributes (the model's traits); the front end draws its views.
// Methods are safe for concurrent use.
type Widget struct {
	id   string
	kind string // constructor name, for messages

	mu        sync.Mutex
	state     map[string]any
	observers []observer
	clicks    []observer
	layout    *Widget
	style     *Widget
	closed    bool
	// opened is set when the widget's comm is opened: when it, or a
	// widget that refers to it, is first displayed.
	opened bool
	// interaction is set on the box an Interact shows.
	interaction *interaction
}

// newWidget creates a model and registers it. Its comm is opened when it
// is first displayed (see open).
func newWidget(kind, model, module, version string, state map[string]any) *Widget {
	w := &Widget{id: newDisplayID(), kind: kind, state: map[string]any{
		"_model_name":           model,
		"_model_module":         module,
		"_model_module_version": version,
		"_view_count":           nil,
	}}
	for k, v := range state {
		w.state[k] = v
	}
	widgets.mu.Lock()
	widgets.widgets[w.id] = w
	widgets.order = append(widgets.order, w.id)
	widgets.mu.Unlock()
	return w
}

// open opens the widget's comm, with its whole state, after opening the
// comms of the widgets its state refers to (layout, style, children), so
// that the front end knows every model a view needs. Widgets are opened
// lazily, when first displayed, so that a widget that is never shown (a
// slider given to an Interact that refused its function) leaves no model
// behind in the front end. Opening twice, or a closed widget, does
// nothing.
func (w *Widget) open() {
	w.mu.Lock()
	if w.opened || w.closed {
		w.mu.Unlock()
		return
	}
	w.opened = true
	refs := refsIn(w.state)
	w.mu.Unlock()
	for _, id := range refs {
		if c := lookupWidget(id); c != nil {
			c.open()
		}
	}
	sink := commSink()
	if sink == nil {
		return
	}
	st, paths, bufs := splitBuffers(w.State())
	sink.CommOpen(CommMessage{
		CommID: w.id, TargetName: WidgetTarget,
		Data:     map[string]any{"state": st, "buffer_paths": paths},
		Metadata: map[string]any{"version": WidgetProtocolVersion},
		Buffers:  bufs,
	})
}

// isOpen reports whether the widget's comm is open.
func (w *Widget) isOpen() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.opened && !w.closed
}

// refsIn returns the ids of the widgets v refers to ("IPY_MODEL_<id>"
// strings, at any depth), in order.
func refsIn(v any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if id, ok := strings.CutPrefix(x, "IPY_MODEL_"); ok {
				out = append(out, id)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, k := range sortedKeys(x) {
				walk(x[k])
			}
		}
	}
	walk(v)
	return out
}

// newDOMWidget creates a controls model with its view, a Layout and a
// style model (styleModel may be empty for models without style).
func newDOMWidget(kind, model, view, styleModel string, state map[string]any) *Widget {
	layout := newWidget("Layout", "LayoutModel", baseModule, baseVersion, map[string]any{
		"_view_name": "LayoutView", "_view_module": baseModule, "_view_module_version": baseVersion,
	})
	st := map[string]any{
		"_view_name": view, "_view_module": controlsModule, "_view_module_version": controlsVersion,
		"_dom_classes": []any{}, "layout": ref(layout), "tabbable": nil, "tooltip": nil,
	}
	var style *Widget
	if styleModel != "" {
		style = newWidget("Style", styleModel, controlsModule, controlsVersion, map[string]any{
			"_view_name": "StyleView", "_view_module": baseModule, "_view_module_version": baseVersion,
			"description_width": "",
		})
		st["style"] = ref(style)
	}
	for k, v := range state {
		st[k] = v
	}
	w := newWidget(kind, model, controlsModule, controlsVersion, st)
	w.layout, w.style = layout, style
	return w
}

func ref(w *Widget) string { return "IPY_MODEL_" + w.id }

// lookupWidget returns the open widget with comm id id.
func lookupWidget(id string) *Widget {
	widgets.mu.Lock()
	defer widgets.mu.Unlock()
	return widgets.widgets[id]
}

// ID returns the widget's model id (its comm id).
func (w *Widget) ID() string { return w.id }

// Kind returns the name of the constructor that made the widget, e.g.
// "FloatSlider".
func (w *Widget) Kind() string { return w.kind }

// State returns a copy of the widget's state.
func (w *Widget) State() map[string]any {
	w.mu.Lock()
	defer w.mu.Unlock()
	return cloneState(w.state)
}

// Get returns the attribute name of the state, or nil.
func (w *Widget) Get(name string) any {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.state[name]
}

// Value returns the widget's value attribute.
func (w *Widget) Value() any { return w.Get("value") }

// Float returns the value as a float64 (0 when it is not a number).
func (w *Widget) Float() float64 { f, _ := toFloat(w.Value()); return f }

// Int returns the value as an int (0 when it is not a number).
func (w *Widget) Int() int { f, _ := toFloat(w.Value()); return int(math.Round(f)) }

// Bool returns the value as a bool.
func (w *Widget) Bool() bool { b, _ := w.Value().(bool); return b }

// Text returns the value as a string (the selected label of a Dropdown).
func (w *Widget) Text() string {
	if w.Get("_model_name") == "DropdownModel" {
		return w.selectedLabel()
	}
	s, _ := w.Value().(string)
	return s
}

// Floats returns the value of a range slider as [low, high].
func (w *Widget) Floats() []float64 {
	vs, _ := w.Value().([]any)
	out := make([]float64, len(vs))
	for i, v := range vs {
		out[i], _ = toFloat(v)
	}
	return out
}

// Set sets attribute name to v, sends the change to the front end and
// calls the observers of name (on the calling goroutine). It panics with
// an *Error if v is not valid for the attribute (a value out of a
// slider's range is clamped, as the front end would). It returns w.
func (w *Widget) Set(name string, v any) *Widget {
	v, err := w.validate(name, v)
	if err != nil {
		panic(&Error{Func: "Widget.Set", Err: err})
	}
	old, changed := w.setLocal(name, v)
	if !changed {
		return w
	}
	if w.isOpen() {
		// New children of an open box are opened before it refers to them.
		for _, id := range refsIn(v) {
			if c := lookupWidget(id); c != nil {
				c.open()
			}
		}
	}
	w.sendState(map[string]any{name: v}, "update")
	for _, o := range w.observersOf(name) {
		o.fn(Change{Widget: w, Name: name, Old: old, New: v})
	}
	return w
}

// SetValue sets the value attribute, like Set("value", v); for a
// Dropdown, v is the label of the option to select.
func (w *Widget) SetValue(v any) *Widget {
	if w.Get("_model_name") == "DropdownModel" {
		w.mu.Lock()
		labels, _ := w.state["_options_labels"].([]any)
		w.mu.Unlock()
		for i, l := range labels {
			if l == v {
				return w.Set("index", float64(i))
			}
		}
		panic(errorf("Widget.SetValue", "%v is not one of the dropdown's options", v))
	}
	return w.Set("value", v)
}

// Observe calls fn after every change of the widget's value, from the
// front end or from Set. Calls caused by the front end run like a cell
// (serialised with cells, interruptible); during a fast drag only the
// latest value is delivered. Observe returns w.
func (w *Widget) Observe(fn func(Change)) *Widget { return w.ObserveName(valueAttr(w), fn) }

// ObserveName is Observe for attribute name.
func (w *Widget) ObserveName(name string, fn func(Change)) *Widget {
	if fn == nil {
		panic(errorf("Widget.Observe", "the callback is nil"))
	}
	w.mu.Lock()
	w.observers = append(w.observers, observer{name: name, fn: fn})
	w.mu.Unlock()
	return w
}

// observeInto registers an observer whose output goes to out.
func (w *Widget) observeInto(name string, out *Widget, fn func(Change)) {
	w.mu.Lock()
	w.observers = append(w.observers, observer{name: name, fn: fn, out: out})
	w.mu.Unlock()
}

// OnClick calls fn when the button is clicked. It returns w.
func (w *Widget) OnClick(fn func()) *Widget {
	if fn == nil {
		panic(errorf("Widget.OnClick", "the callback is nil"))
	}
	w.mu.Lock()
	w.clicks = append(w.clicks, observer{name: "click", fn: func(Change) { fn() }})
	w.mu.Unlock()
	return w
}

// SetLayout sets a CSS property of the widget's layout ("width",
// "height", "border", "grid_template_columns", ...), with underscores for
// dashes as in ipywidgets. It returns w.
func (w *Widget) SetLayout(name, value string) *Widget {
	if w.layout == nil {
		panic(errorf("SetLayout", "%s has no layout", w.kind))
	}
	w.layout.Set(name, value)
	return w
}

// SetStyle sets a style attribute ("description_width", "handle_color",
// "bar_color", "button_color", "font_weight", ...). It returns w.
func (w *Widget) SetStyle(name string, value any) *Widget {
	if w.style == nil {
		panic(errorf("SetStyle", "%s has no style", w.kind))
	}
	w.style.Set(name, value)
	return w
}

// Close closes the widget's comm (and its layout's and style's): the
// front end removes its views. Closing an interactive (NewInteractive)
// also closes its output and stops its controls from calling its
// function, so that nothing keeps the function; the controls stay open
// (other interactives may use them). Closing twice does nothing.
func (w *Widget) Close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	opened := w.opened
	w.mu.Unlock()
	widgets.mu.Lock()
	delete(widgets.widgets, w.id)
	sink := widgets.sink
	widgets.mu.Unlock()
	if sink != nil && opened {
		sink.CommClose(CommMessage{CommID: w.id, Data: map[string]any{}})
	}
	for _, c := range []*Widget{w.layout, w.style} {
		if c != nil {
			c.Close()
		}
	}
	if it := w.interaction; it != nil {
		for _, c := range it.controls {
			c.dropObservers(it.out)
		}
		it.out.Close()
	}
}

// dropObservers removes the observers that write into out.
func (w *Widget) dropObservers(out *Widget) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.observers = slices.DeleteFunc(w.observers, func(o observer) bool { return o.out == out })
}

// MIMEBundle shows the widget's view: application/vnd.jupyter.widget-view+json
// for front ends with the widget manager, text/plain for the others.
func (w *Widget) MIMEBundle() map[string]any {
	w.open()
	return map[string]any{
		WidgetViewMIME: map[string]any{"version_major": 2, "version_minor": 0, "model_id": w.id},
		"text/plain":   w.String(),
	}
}

// String describes the widget, e.g. `FloatSlider(value=0.5, description="a")`.
func (w *Widget) String() string {
	if w.interaction != nil {
		return w.interaction.describe()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var parts []string
	if v, ok := w.state["value"]; ok {
		parts = append(parts, fmt.Sprintf("value=%v", v))
	}
	if d, ok := w.state["description"].(string); ok && d != "" {
		parts = append(parts, fmt.Sprintf("description=%q", d))
	}
	return w.kind + "(" + strings.Join(parts, ", ") + ")"
}

// setLocal stores v and reports the old value and whether it changed.
func (w *Widget) setLocal(name string, v any) (old any, changed bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	old = w.state[name]
	if equalJSON(old, v) {
		return old, false
	}
	w.state[name] = v
	return old, true
}

func (w *Widget) observersOf(name string) []observer {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []observer
	for _, o := range w.observers {
		if o.name == name {
			out = append(out, o)
		}
	}
	return out
}

// sendState sends part of the state with method "update" or
// "echo_update".
func (w *Widget) sendState(state map[string]any, method string) {
	sink := commSink()
	if sink == nil || !w.isOpen() {
		return
	}
	st, paths, bufs := splitBuffers(state)
	sink.CommMsg(CommMessage{CommID: w.id, Data: map[string]any{"method": method, "state": st, "buffer_paths": paths}, Buffers: bufs})
}

// validate checks and normalises a value for attribute name.
func (w *Widget) validate(name string, v any) (any, error) {
	v = normalize(v)
	if name != "value" {
		return v, nil
	}
	model, _ := w.Get("_model_name").(string)
	switch model {
	case "FloatSliderModel", "IntSliderModel", "FloatLogSliderModel", "FloatProgressModel", "IntProgressModel", "PlayModel":
		f, ok := toFloat(v)
		if !ok || math.IsNaN(f) {
			return nil, fmt.Errorf("%s value must be a number, got %v (%T)", w.kind, v, v)
		}
		lo, _ := toFloat(w.Get("min"))
		hi, _ := toFloat(w.Get("max"))
		if model == "FloatLogSliderModel" {
			base, _ := toFloat(w.Get("base"))
			lo, hi = math.Pow(base, lo), math.Pow(base, hi)
		}
		f = math.Max(lo, math.Min(hi, f))
		if model == "IntSliderModel" || model == "IntProgressModel" || model == "PlayModel" {
			return math.Round(f), nil
		}
		return f, nil
	case "FloatRangeSliderModel", "IntRangeSliderModel":
		vs, ok := v.([]any)
		if !ok || len(vs) != 2 {
			return nil, fmt.Errorf("%s value must be a pair [low, high], got %v", w.kind, v)
		}
		a, ok1 := toFloat(vs[0])
		b, ok2 := toFloat(vs[1])
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%s value must be a pair of numbers, got %v", w.kind, v)
		}
		lo, _ := toFloat(w.Get("min"))
		hi, _ := toFloat(w.Get("max"))
		a, b = math.Max(lo, math.Min(hi, a)), math.Max(lo, math.Min(hi, b))
		if a > b {
			a, b = b, a
		}
		if model == "IntRangeSliderModel" {
			a, b = math.Round(a), math.Round(b)
		}
		return []any{a, b}, nil
	case "CheckboxModel", "ToggleButtonModel":
		if _, ok := v.(bool); !ok {
			return nil, fmt.Errorf("%s value must be a bool, got %v (%T)", w.kind, v, v)
		}
	case "TextModel", "LabelModel", "HTMLMathModel":
		if _, ok := v.(string); !ok {
			return nil, fmt.Errorf("%s value must be a string, got %v (%T)", w.kind, v, v)
		}
	}
	return v, nil
}

// normalize turns Go numbers and slices into the JSON forms the state
// holds (float64, []any, map[string]any).
func normalize(v any) any {
	switch x := v.(type) {
	case nil, bool, string, float64, []byte, map[string]any:
		return v
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case []float64:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	case []int:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = float64(e)
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	case [2]float64:
		return []any{x[0], x[1]}
	}
	if f, ok := toFloat(v); ok {
		return f
	}
	// Anything else goes through JSON.
	raw, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(raw, &out) != nil {
		return v
	}
	return out
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

func equalJSON(a, b any) bool {
	ra, err1 := json.Marshal(a)
	rb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ra) == string(rb)
}

// cloneState copies a state map deeply enough that callers cannot change
// the widget's slices and maps.
func cloneState(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneValue(v)
	}
	return out
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e)
		}
		return out
	case map[string]any:
		return cloneState(x)
	}
	return v
}

// SplitBuffers moves the []byte values of state (at any depth) out into
// binary buffers, as the widget protocol sends them: it returns the state
// without them, their paths (lists of keys and indices) and the buffers.
func SplitBuffers(state map[string]any) (map[string]any, []any, [][]byte) {
	return splitBuffers(state)
}

// splitBuffers moves the []byte values of state (at any depth) out into
// binary buffers, as the protocol sends them: it returns the state without
// them, their paths and the buffers.
func splitBuffers(state map[string]any) (map[string]any, []any, [][]byte) {
	paths := []any{}
	var bufs [][]byte
	var walk func(v any, path []any) any
	walk = func(v any, path []any) any {
		switch x := v.(type) {
		case []byte:
			paths = append(paths, append([]any(nil), path...))
			bufs = append(bufs, x)
			return nil
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = walk(e, append(path, float64(i)))
			}
			return out
		case map[string]any:
			out := make(map[string]any, len(x))
			for _, k := range sortedKeys(x) {
				out[k] = walk(x[k], append(path, k))
			}
			return out
		}
		return v
	}
	out := walk(state, nil).(map[string]any)
	return out, paths, bufs
}

// putBuffers puts buffers back into state at paths (the inverse of
// splitBuffers), as received from the front end.
func putBuffers(state map[string]any, paths []any, bufs [][]byte) error {
	if len(paths) != len(bufs) {
		return fmt.Errorf("%d buffer paths for %d buffers", len(paths), len(bufs))
	}
	for i, p := range paths {
		path, ok := p.([]any)
		if !ok || len(path) == 0 {
			return fmt.Errorf("buffer path %d is not a non-empty list: %v", i, p)
		}
		var cur any = state
		for j, key := range path {
			last := j == len(path)-1
			switch c := cur.(type) {
			case map[string]any:
				k, ok := key.(string)
				if !ok {
					return fmt.Errorf("buffer path %v: %v is not a key", path, key)
				}
				if last {
					c[k] = bufs[i]
				} else {
					cur = c[k]
				}
			case []any:
				f, ok := toFloat(key)
				n := int(f)
				if !ok || n < 0 || n >= len(c) {
					return fmt.Errorf("buffer path %v: bad index %v", path, key)
				}
				if last {
					c[n] = bufs[i]
				} else {
					cur = c[n]
				}
			default:
				return fmt.Errorf("buffer path %v does not lead into the state", path)
			}
		}
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
