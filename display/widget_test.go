package display_test

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gograd/gograd/ad"
	"github.com/gograd/gograd/display"
)

// comms records the widget messages display sends.
type comms struct {
	mu     sync.Mutex
	opened map[string]display.CommMessage
	order  []string // comm ids in the order they were opened
	msgs   []display.CommMessage
	closed []string
}

func (c *comms) CommOpen(m display.CommMessage) {
	c.mu.Lock()
	c.opened[m.CommID] = m
	c.order = append(c.order, m.CommID)
	c.mu.Unlock()
}
func (c *comms) CommMsg(m display.CommMessage) {
	c.mu.Lock()
	c.msgs = append(c.msgs, m)
	c.mu.Unlock()
}
func (c *comms) CommClose(m display.CommMessage) {
	c.mu.Lock()
	c.closed = append(c.closed, m.CommID)
	c.mu.Unlock()
}

// last returns the last message sent on comm id with the given method.
func (c *comms) last(id, method string) (display.CommMessage, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.msgs) - 1; i >= 0; i-- {
		if c.msgs[i].CommID == id && c.msgs[i].Data["method"] == method {
			return c.msgs[i], true
		}
	}
	return display.CommMessage{}, false
}

func withComms(t *testing.T) *comms {
	c := &comms{opened: map[string]display.CommMessage{}}
	display.SetCommSink(c)
	t.Cleanup(func() { display.SetCommSink(nil) })
	return c
}

// Not parallel: the comm sink is process-wide.
func TestWidgetModels(t *testing.T) {
	c := withComms(t)
	cases := []struct {
		w     *display.Widget
		model string
		value any
	}{
		{display.FloatSlider("a", -3, 3, 0.1, 0.5), "FloatSliderModel", 0.5},
		{display.FloatSlider("clamped", 0, 1, 0.1, 7), "FloatSliderModel", 1.0},
		{display.IntSlider("n", 0, 10, 1, 3), "IntSliderModel", 3.0},
		{display.LogSlider("h", 1e-12, 1e-1, 1e-4), "FloatLogSliderModel", 1e-4},
		{display.FloatRangeSlider("r", 0, 1, 0.1, 0.8, 0.2), "FloatRangeSliderModel", []any{0.2, 0.8}},
		{display.IntRangeSlider("ir", 0, 9, 1, 2, 5), "IntRangeSliderModel", []any{2.0, 5.0}},
		{display.Dropdown("f", []string{"sin", "tanh"}, "tanh"), "DropdownModel", nil},
		{display.Checkbox("c", true), "CheckboxModel", true},
		{display.ToggleButton("t", false), "ToggleButtonModel", false},
		{display.Text("s", "x"), "TextModel", "x"},
		{display.Button("go"), "ButtonModel", nil},
		{display.Play("step", 0, 50, 1, 100), "PlayModel", 0.0},
		{display.FloatProgress("p", 0, 1, 0.3), "FloatProgressModel", 0.3},
		{display.Label("$x^2$"), "LabelModel", "$x^2$"},
		{display.HTMLMath("<b>$f'(a)$</b>"), "HTMLMathModel", "<b>$f'(a)$</b>"},
		{display.Output(), "OutputModel", nil},
		{display.HBox(display.Label("l")), "HBoxModel", nil},
		{display.GridBox(2, display.Label("l")), "GridBoxModel", nil},
	}
	for _, tc := range cases {
		if _, ok := c.opened[tc.w.ID()]; ok {
			t.Errorf("%s: comm opened before the widget was displayed", tc.model)
		}
		b := tc.w.MIMEBundle()
		open, ok := c.opened[tc.w.ID()]
		if !ok {
			t.Errorf("%s: no comm_open when displayed", tc.model)
			continue
		}
		st := open.Data["state"].(map[string]any)
		if open.TargetName != display.WidgetTarget || open.Metadata["version"] != display.WidgetProtocolVersion {
			t.Errorf("%s: comm_open target %q metadata %v", tc.model, open.TargetName, open.Metadata)
		}
		if st["_model_name"] != tc.model {
			t.Errorf("_model_name: got %v, want %s", st["_model_name"], tc.model)
		}
		want := "2.0.0"
		if tc.model == "OutputModel" {
			want = "1.0.0"
		}
		if st["_model_module_version"] != want {
			t.Errorf("%s: _model_module_version %v, want %s", tc.model, st["_model_module_version"], want)
		}
		if lay, _ := st["layout"].(string); !strings.HasPrefix(lay, "IPY_MODEL_") {
			t.Errorf("%s: layout %v is not a model reference", tc.model, st["layout"])
		} else if i, j := slices.Index(c.order, strings.TrimPrefix(lay, "IPY_MODEL_")), slices.Index(c.order, tc.w.ID()); i < 0 || i > j {
			t.Errorf("%s: its layout model was not opened before it", tc.model)
		}
		if tc.value != nil && !reflect.DeepEqual(st["value"], tc.value) {
			t.Errorf("%s value: got %v, want %v", tc.model, st["value"], tc.value)
		}
		if v := b[display.WidgetViewMIME].(map[string]any); v["model_id"] != tc.w.ID() || v["version_major"] != 2 {
			t.Errorf("%s view: %v", tc.model, v)
		}
	}
	if got := cases[6].w.Text(); got != "tanh" {
		t.Errorf("Dropdown.Text(): got %q, want tanh", got)
	}
	if lo, hi := display.LogSlider("h", 1e-12, 1e-1, 1).Get("min"), 0.0; lo != -12.0 || hi != 0 {
		t.Errorf("LogSlider min exponent: got %v, want -12", lo)
	}
}

func TestWidgetBadArguments(t *testing.T) {
	withComms(t)
	cases := []struct {
		name string
		f    func()
		want string
	}{
		{"min>max", func() { display.FloatSlider("a", 1, 0, 0.1, 0) }, "display.FloatSlider: the range must satisfy min < max"},
		{"step", func() { display.IntSlider("a", 0, 10, 0, 0) }, "display.IntSlider: the step must be positive, got 0"},
		{"log", func() { display.LogSlider("h", 0, 1, 0.5) }, "display.LogSlider: the range must satisfy 0 < min < max"},
		{"dropdown", func() { display.Dropdown("f", []string{"a"}, "b") }, `display.Dropdown: the value "b" is not one of the options`},
		{"set", func() { display.Checkbox("c", false).SetValue(3) }, "display.Widget.Set: Checkbox value must be a bool, got 3"},
		{"not func", func() { display.Interact(3, display.Checkbox("c", false)) }, "display.Interact: the first argument must be a function, got int"},
		{"arity", func() {
			display.Interact(func(a, b float64) any { return nil }, display.FloatSlider("a", 0, 1, 0.1, 0))
		},
			"display.Interact: the function takes 2 argument(s) but 1 control(s) were given"},
		{"type", func() { display.Interact(func(s string) any { return nil }, display.FloatSlider("a", 0, 1, 0.1, 0)) },
			"display.Interact: argument 1 of the function: a FloatSlider gives a float64, which cannot be passed as string"},
		// A float control passed as an integer would be truncated (0.7
		// shown as 0) without a word.
		{"truncated", func() { display.Interact(func(a int) any { return a }, display.FloatSlider("a", 0, 1, 0.1, 0.7)) },
			"display.Interact: argument 1 of the function: a FloatSlider gives float64 values, which would be truncated to int: take a float64 argument, or use an IntSlider"},
		{"truncated log", func() { display.Interact(func(h int64) any { return h }, display.LogSlider("h", 1e-3, 10, 0.1)) },
			"which would be truncated to int64"},
		{"truncated range", func() {
			display.Interact(func(r [2]int) any { return r }, display.FloatRangeSlider("r", 0, 1, 0.1, 0.2, 0.5))
		}, "which would be truncated to [2]int"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				err, ok := r.(*display.Error)
				if !ok || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("panic: got %v, want an *Error containing %q", r, tc.want)
				}
			}()
			tc.f()
		})
	}
}

func TestHandleWidgetMsg(t *testing.T) {
	c := withComms(t)
	s := display.FloatSlider("a", 0, 10, 0.5, 1)
	s.MIMEBundle() // displayed: its comm is open
	var seen []display.Change
	s.Observe(func(ch display.Change) { seen = append(seen, ch) })

	// update: clamped, applied, echoed, observers returned in a Call.
	call, err := display.HandleWidgetMsg(s.ID(), map[string]any{"method": "update", "state": map[string]any{"value": 42.0}, "buffer_paths": []any{}}, nil)
	if err != nil || call == nil || call.Len() != 1 {
		t.Fatalf("update: call %v err %v, want one callback", call, err)
	}
	if echo, ok := c.last(s.ID(), "echo_update"); !ok || echo.Data["state"].(map[string]any)["value"] != 10.0 {
		t.Errorf("echo_update: got %v, want value 10 (clamped)", echo.Data)
	}
	if len(seen) != 0 {
		t.Errorf("observer ran before Call.Run")
	}
	call.Run()
	if len(seen) != 1 || seen[0].Old != 1.0 || seen[0].New != 10.0 || seen[0].Name != "value" {
		t.Errorf("observer: got %+v, want one change 1 -> 10", seen)
	}
	// The same value again changes nothing: no call.
	if call, err := display.HandleWidgetMsg(s.ID(), map[string]any{"method": "update", "state": map[string]any{"value": 10.0}}, nil); call != nil || err != nil {
		t.Errorf("unchanged update: got call %v err %v", call, err)
	}
	// request_state sends everything.
	if _, err := display.HandleWidgetMsg(s.ID(), map[string]any{"method": "request_state"}, nil); err != nil {
		t.Fatal(err)
	}
	if up, ok := c.last(s.ID(), "update"); !ok || up.Data["state"].(map[string]any)["_model_name"] != "FloatSliderModel" {
		t.Errorf("request_state: got %v", up.Data)
	}
	// Binary buffers: put in at their paths, echoed back as buffers.
	blob := []byte{0, 1, 255}
	_, err = display.HandleWidgetMsg(s.ID(), map[string]any{"method": "update",
		"state": map[string]any{"data": map[string]any{"x": nil}}, "buffer_paths": []any{[]any{"data", "x"}}}, [][]byte{blob})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get("data").(map[string]any)["x"].([]byte)
	if !reflect.DeepEqual(got, blob) {
		t.Errorf("buffer in state: got %v, want %v", got, blob)
	}
	echo, _ := c.last(s.ID(), "echo_update")
	if !reflect.DeepEqual(echo.Buffers, [][]byte{blob}) || !reflect.DeepEqual(echo.Data["buffer_paths"], []any{[]any{"data", "x"}}) {
		t.Errorf("echo of a buffer: buffers %v paths %v", echo.Buffers, echo.Data["buffer_paths"])
	}
	// Errors name the problem.
	bad := []struct {
		id   string
		data map[string]any
		bufs [][]byte
		want string
	}{
		{"nope", map[string]any{"method": "update"}, nil, `no widget has comm id "nope"`},
		{s.ID(), map[string]any{"method": "fly"}, nil, `unknown widget message method "fly"`},
		{s.ID(), map[string]any{"method": "update", "state": map[string]any{"value": "x"}}, nil, "FloatSlider value must be a number"},
		{s.ID(), map[string]any{"method": "update", "state": map[string]any{"b": nil}, "buffer_paths": []any{[]any{"b"}}}, nil, "1 buffer paths for 0 buffers"},
	}
	for _, b := range bad {
		if _, err := display.HandleWidgetMsg(b.id, b.data, b.bufs); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("HandleWidgetMsg(%v): got %v, want an error containing %q", b.data, err, b.want)
		}
	}
	// Button clicks.
	clicks := 0
	btn := display.Button("go").OnClick(func() { clicks++ })
	btn.MIMEBundle()
	call, _ = display.HandleWidgetMsg(btn.ID(), map[string]any{"method": "custom", "content": map[string]any{"event": "click"}}, nil)
	if call == nil {
		t.Fatal("click: no call")
	}
	call.Run()
	if clicks != 1 {
		t.Errorf("clicks: got %d, want 1", clicks)
	}
	// Close sends comm_close for the widget, its layout and style.
	s.Close()
	if len(c.closed) != 3 || c.closed[0] != s.ID() {
		t.Errorf("Close: closed %v", c.closed)
	}
	if _, err := display.HandleWidgetMsg(s.ID(), map[string]any{"method": "request_state"}, nil); err == nil {
		t.Errorf("a closed widget still answers")
	}
	// A widget never displayed has no comm: nothing to close.
	hidden := display.Checkbox("never shown", false)
	if _, err := display.HandleWidgetMsg(hidden.ID(), map[string]any{"method": "request_state"}, nil); err == nil {
		t.Errorf("a widget never displayed answers")
	}
	hidden.Close()
	if slices.Contains(c.closed, hidden.ID()) {
		t.Errorf("Close of a widget never displayed sent comm_close")
	}
}

// An Interact that refuses its function leaves no model in the front end
// (the controls' comms open only when they are displayed).
func TestInteractRefusedOpensNothing(t *testing.T) {
	c := withComms(t)
	for _, f := range []any{
		func(a, b float64) any { return a },
		func(a string) any { return a },
		func(a int) any { return a },
	} {
		func() {
			defer func() {
				if _, ok := recover().(*display.Error); !ok {
					t.Errorf("Interact(%T): no *Error", f)
				}
			}()
			display.Interact(f, display.FloatSlider("a", 0, 1, 0.1, 0.5))
		}()
	}
	if len(c.opened) != 0 || len(c.msgs) != 0 {
		t.Errorf("refused Interacts opened %d comms and sent %d messages, want none", len(c.opened), len(c.msgs))
	}
	// The same slider still works in an Interact that accepts it.
	a := display.FloatSlider("a", 0, 1, 0.1, 0.5)
	func() {
		defer func() { recover() }()
		display.Interact(func(s string) any { return s }, a)
	}()
	box := display.NewInteractive(func(x float64) string { return fmt.Sprint(x) }, a)
	box.MIMEBundle()
	if _, ok := c.opened[a.ID()]; !ok {
		t.Errorf("the slider of the accepted Interact was not opened")
	}
	if _, ok := c.opened[box.ID()]; !ok {
		t.Errorf("the box was not opened")
	}
}

// outputs returns the outputs last sent to an Output widget, as JSON.
func outputsJSON(t *testing.T, c *comms, out string) string {
	t.Helper()
	m, ok := c.last(out, "update")
	if !ok {
		// Not updated since it was opened: the outputs it was opened with.
		c.mu.Lock()
		m, ok = c.opened[out]
		c.mu.Unlock()
		if !ok {
			return ""
		}
	}
	raw, err := json.Marshal(m.Data["state"].(map[string]any)["outputs"])
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestInteract(t *testing.T) {
	c := withComms(t)
	a := display.FloatSlider("a", -3, 3, 0.1, 0.5)
	n := display.IntSlider("n", 1, 5, 1, 2)
	r := display.FloatRangeSlider("r", 0, 1, 0.1, 0.2, 0.4)
	box := display.NewInteractive(func(a float64, n int, r [2]float64) (string, error) {
		return strings.Repeat("x", n) + " " + display.FloatSlider("tmp", 0, 1, 1, 0).Kind(), nil
	}, a, n, r)
	box.MIMEBundle()
	out := strings.TrimPrefix(box.Get("children").([]any)[3].(string), "IPY_MODEL_")
	if got := outputsJSON(t, c, out); !strings.Contains(got, `"xx FloatSlider"`) {
		t.Errorf("first run: outputs %s", got)
	}
	call, err := display.HandleWidgetMsg(n.ID(), map[string]any{"method": "update", "state": map[string]any{"value": 4.0}}, nil)
	if err != nil || call == nil {
		t.Fatalf("update: %v %v", call, err)
	}
	display.SetSink(call)
	call.Run()
	display.SetSink(nil)
	call.Finish()
	got := outputsJSON(t, c, out)
	if !strings.Contains(got, `"xxxx FloatSlider"`) || strings.Contains(got, `"xx FloatSlider"`) {
		t.Errorf("after n=4: outputs %s, want only the new result", got)
	}
	// A failing call shows its error in the Output widget.
	call, _ = display.HandleWidgetMsg(n.ID(), map[string]any{"method": "update", "state": map[string]any{"value": 5.0}}, nil)
	call.Fail("Panic", "boom", []string{"Panic: boom"})
	call.Finish()
	if got := outputsJSON(t, c, out); !strings.Contains(got, `"ename":"Panic"`) {
		t.Errorf("after a failure: outputs %s", got)
	}
}

// TestInteractFromYaegi passes an interpreted function (a reflect func
// made by yaegi) to Interact, and moves the slider.
func TestInteractFromYaegi(t *testing.T) {
	c := withComms(t)
	i := newInterp(t)
	_, err := i.Eval(`
s := display.FloatSlider("a", 0, 2, 0.5, 1)
box := display.NewInteractive(func(a float64) *display.Figure {
	return display.Axes("line", "x", "y").AddLine(ad.New([]float64{0, 1}, 2), ad.New([]float64{0, a}, 2), "line")
}, s)`)
	if err != nil {
		t.Fatal(err)
	}
	v, err := i.Eval("box")
	if err != nil {
		t.Fatal(err)
	}
	box, ok := v.Interface().(*display.Widget)
	if !ok {
		t.Fatalf("box is a %T", v.Interface())
	}
	box.MIMEBundle()
	kids := box.Get("children").([]any)
	slider := strings.TrimPrefix(kids[0].(string), "IPY_MODEL_")
	out := strings.TrimPrefix(kids[1].(string), "IPY_MODEL_")
	first := outputsJSON(t, c, out)
	if !strings.Contains(first, "image/png") {
		t.Fatalf("first run: outputs %.200s, want a figure", first)
	}
	call, err := display.HandleWidgetMsg(slider, map[string]any{"method": "update", "state": map[string]any{"value": 2.0}}, nil)
	if err != nil || call == nil {
		t.Fatal(call, err)
	}
	display.SetSink(call)
	call.Run()
	display.SetSink(nil)
	call.Finish()
	second := outputsJSON(t, c, out)
	if !strings.Contains(second, "image/png") || second == first {
		t.Errorf("after moving the slider the figure did not change")
	}
}

func TestPrerenderThinsToTheLimit(t *testing.T) {
	withComms(t)
	x := display.FloatSlider("x", 0, 100, 0.1, 37.3) // 1001 positions
	n := display.IntSlider("n", 0, 49, 1, 7)         // 50 positions
	calls := 0
	box := display.NewInteractive(func(x float64, n int) string {
		calls++
		return strings.Repeat("n", n) + " " + fmt.Sprintf("%.1f", x)
	}, x, n)
	pr, err := box.Prerender(func(c *display.Call) {
		display.SetSink(c)
		defer display.SetSink(nil)
		c.Run()
	})
	if err != nil {
		t.Fatal(err)
	}
	total := 1
	for _, c := range pr.Controls {
		total *= len(c.Labels)
	}
	if total > display.MaxPrerenderCombinations || total < display.MaxPrerenderCombinations/4 || len(pr.Outputs) != total {
		t.Errorf("grid: %d combinations (%d outputs), want at most %d and not far below", total, len(pr.Outputs), display.MaxPrerenderCombinations)
	}
	if len(pr.Notes) == 0 || !strings.Contains(strings.Join(pr.Notes, ";"), `FloatSlider "x"`) {
		t.Errorf("notes: %q, want the thinned x named", pr.Notes)
	}
	// The starting values are positions of the grid, and the page opens on them.
	xs, ns := pr.Controls[0], pr.Controls[1]
	// The thinned positions are evenly spaced.
	var prev, gap float64
	for i, l := range xs.Labels {
		v, _ := strconv.ParseFloat(l, 64)
		if i == 1 {
			gap = v - prev
		} else if i > 1 && math.Abs(v-prev-gap) > 1e-9 {
			t.Errorf("x's positions are not evenly spaced: %q", xs.Labels)
			break
		}
		prev = v
	}
	if xs.Labels[xs.Start] != "37.30" || ns.Labels[ns.Start] != "7" {
		t.Errorf("start positions: x %q n %q, want 37.30 and 7", xs.Labels[xs.Start], ns.Labels[ns.Start])
	}
	k := xs.Start*len(ns.Labels) + ns.Start
	raw, _ := json.Marshal(pr.Outputs[k])
	if !strings.Contains(string(raw), `"nnnnnnn 37.3"`) {
		t.Errorf("output at the start position: %s", raw)
	}
	// The controls are back at their values, and nothing was sent for them.
	if x.Float() != 37.3 || n.Int() != 7 {
		t.Errorf("controls not restored: x %g n %d", x.Float(), n.Int())
	}
}

func TestCloseWidgets(t *testing.T) {
	c := withComms(t)
	display.CloseWidgets() // widgets of earlier tests
	ran := false
	a := display.FloatSlider("a", 0, 1, 0.1, 0.5)
	box := display.NewInteractive(func(x float64) string { ran = true; return fmt.Sprint(x) }, a)
	box.MIMEBundle()
	hidden := display.Checkbox("never shown", false)
	ran = false
	if n := display.CloseWidgets(); n != 3 {
		t.Errorf("CloseWidgets: got %d, want 3 (slider, output, box)", n)
	}
	for _, w := range []*display.Widget{a, box} {
		if !slices.Contains(c.closed, w.ID()) {
			t.Errorf("%s was not closed", w.Kind())
		}
	}
	if slices.Contains(c.closed, hidden.ID()) {
		t.Errorf("a widget never displayed was sent comm_close")
	}
	if _, err := display.HandleWidgetMsg(a.ID(), map[string]any{"method": "update", "state": map[string]any{"value": 1.0}}, nil); err == nil {
		t.Errorf("a closed slider still takes updates")
	}
	if ran || len(display.WidgetStates()) != 0 {
		t.Errorf("after CloseWidgets: callback ran %v, states %v", ran, display.WidgetStates())
	}
}

// TestCloseInteractive closes an interactive: its output goes with it,
// its control stays open and no longer calls the function (which nothing
// keeps then), and another interactive on the same control still runs.
func TestCloseInteractive(t *testing.T) {
	c := withComms(t)
	display.CloseWidgets()
	ran, other := 0, 0
	a := display.FloatSlider("a", 0, 1, 0.1, 0.5)
	box := display.NewInteractive(func(x float64) string { ran++; return fmt.Sprint(x) }, a)
	box2 := display.NewInteractive(func(x float64) string { other++; return fmt.Sprint(x) }, a)
	box.MIMEBundle()
	box2.MIMEBundle()
	out := strings.TrimPrefix(box.Get("children").([]any)[1].(string), "IPY_MODEL_")
	box.Close()
	for _, id := range []string{box.ID(), out} {
		if !slices.Contains(c.closed, id) {
			t.Errorf("%s was not closed", id)
		}
	}
	if slices.Contains(c.closed, a.ID()) {
		t.Errorf("the control was closed with the interactive")
	}
	ran, other = 0, 0
	call, err := display.HandleWidgetMsg(a.ID(), map[string]any{"method": "update", "state": map[string]any{"value": 0.7}}, nil)
	if err != nil || call == nil {
		t.Fatalf("update of the open control: %v %v", call, err)
	}
	display.SetSink(call)
	call.Run()
	display.SetSink(nil)
	call.Finish()
	if ran != 0 || other != 1 {
		t.Errorf("after closing one interactive: its function ran %d times, the other's %d, want 0 and 1", ran, other)
	}
}

// Pre-rendered figures keep one image each, the smaller: a line plot's
// SVG (about five times smaller than its PNG), with the PNG's CSS size.
func TestPrerenderKeepsTheSmallerImage(t *testing.T) {
	withComms(t)
	box := display.NewInteractive(func(a float64) *display.Figure {
		return display.Line(ad.Linspace(0, 1, 50), ad.Mul(ad.Linspace(0, 1, 50), a))
	}, display.FloatSlider("a", 0, 1, 0.5, 0))
	pr, err := box.Prerender(func(c *display.Call) {
		display.SetSink(c)
		defer display.SetSink(nil)
		c.Run()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pr.Outputs) != 3 {
		t.Fatalf("outputs for 3 positions: got %d", len(pr.Outputs))
	}
	for k, outs := range pr.Outputs {
		if len(outs) != 1 {
			t.Fatalf("position %d: got %d outputs, want 1", k, len(outs))
		}
		o := outs[0].(map[string]any)
		data, md := o["data"].(map[string]any), o["metadata"].(map[string]any)
		if _, ok := data["image/png"]; ok {
			t.Errorf("position %d: the PNG was kept beside or instead of the smaller SVG", k)
		}
		if svg, _ := data["image/svg+xml"].(string); !strings.HasPrefix(svg, "<?xml") && !strings.HasPrefix(svg, "<svg") {
			t.Errorf("position %d: no SVG: %.60q", k, svg)
		}
		if sz, _ := md["image/svg+xml"].(map[string]any); sz["width"] != display.DefaultWidth {
			t.Errorf("position %d: SVG size metadata %v, want the figure's CSS size", k, md)
		}
	}
}
