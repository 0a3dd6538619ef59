package display

import (
	"fmt"
	"reflect"
	"strings"
)

// Interact shows the controls and, below them, what f returns for their
// values; moving a control calls f again and replaces the result in
// place. f takes one argument per control, in order — float64 for a
// FloatSlider or LogSlider, int for an IntSlider or Play, []float64 for a
// range slider, bool for a Checkbox or ToggleButton, string for a
// Dropdown or Text (any accepts whatever the control holds) — and returns
// a displayable value (a string, a *Figure, a tensor, ...), or nothing
// when it displays its output itself. A last result of type error that is
// not nil is shown as the error.
//
//	display.Interact(func(a, h float64) any {
//		return display.Curves(...)
//	}, display.FloatSlider("a", -3, 3, 0.1, 0.5), display.LogSlider("h", 1e-12, 1e-1, 1e-4))
//
// f runs once at once, in the cell (what it prints goes to the result's
// place too, when the sink allows, as the session's does); later calls run
// in the kernel like a cell (serialised with cells, interruptible), and their printed text,
// displays and errors appear in the result's place. During a fast drag
// only the latest position is computed. Interact panics with an *Error if
// f is not a function of matching arguments; a float control's value is
// never passed as an integer argument (it would be truncated: take a
// float64, or use an IntSlider).
func Interact(f any, controls ...*Widget) {
	Show(NewInteractive(f, controls...))
}

// NewInteractive builds what Interact shows — a VBox of the controls and
// an Output widget holding f's result — without showing it, and returns
// the box.
func NewInteractive(f any, controls ...*Widget) *Widget {
	it := newInteraction(f, controls)
	it.box = VBox(append(append([]*Widget(nil), controls...), it.out)...)
	it.box.interaction = it
	cp := newCapture(it.out)
	it.runInto(cp)
	cp.flush()
	for _, c := range controls {
		c.observeInto(valueAttr(c), it.out, func(Change) { it.run() })
	}
	return it.box
}

// interaction is the state of one Interact.
type interaction struct {
	fn       reflect.Value
	controls []*Widget
	out      *Widget
	box      *Widget
}

func newInteraction(f any, controls []*Widget) *interaction {
	const fname = "Interact"
	fv := reflect.ValueOf(f)
	if f == nil || fv.Kind() != reflect.Func {
		panic(errorf(fname, "the first argument must be a function, got %T", f))
	}
	if fv.IsNil() {
		panic(errorf(fname, "the function is nil"))
	}
	ft := fv.Type()
	if ft.IsVariadic() {
		panic(errorf(fname, "the function must not be variadic (one argument per control), got %v", ft))
	}
	if ft.NumIn() != len(controls) {
		panic(errorf(fname, "the function takes %d argument(s) but %d control(s) were given; it needs one argument per control", ft.NumIn(), len(controls)))
	}
	for i, c := range controls {
		if c == nil {
			panic(errorf(fname, "control %d is nil", i+1))
		}
		if _, err := argFor(c, ft.In(i)); err != nil {
			panic(errorf(fname, "argument %d of the function: %v", i+1, err))
		}
	}
	return &interaction{fn: fv, controls: controls, out: Output()}
}

// valueAttr is the attribute holding a control's value.
func valueAttr(w *Widget) string {
	if w.Get("_model_name") == "DropdownModel" {
		return "index"
	}
	return "value"
}

// argFor converts control c's value to type t.
func argFor(c *Widget, t reflect.Type) (reflect.Value, error) {
	model, _ := c.Get("_model_name").(string)
	var v any
	switch model {
	case "FloatSliderModel", "FloatLogSliderModel", "FloatProgressModel":
		v = c.Float()
	case "IntSliderModel", "IntProgressModel", "PlayModel":
		v = c.Int()
	case "FloatRangeSliderModel", "IntRangeSliderModel":
		v = c.Floats()
	case "CheckboxModel", "ToggleButtonModel":
		v = c.Bool()
	case "DropdownModel", "TextModel", "LabelModel", "HTMLMathModel":
		v = c.Text()
	default:
		return reflect.Value{}, fmt.Errorf("a %s has no value to pass", c.kind)
	}
	rv := reflect.ValueOf(v)
	// A float control's value passed as an integer would be truncated
	// without a word (0.7 becomes 0): refuse it.
	if from, to := numberKind(rv.Type()), numberKind(t); isFloat(from) && isInteger(to) {
		return reflect.Value{}, fmt.Errorf("a %s gives %v values, which would be truncated to %v: take a float64 argument, or use an IntSlider", c.kind, rv.Type(), t)
	}
	switch {
	case t.Kind() == reflect.Interface && rv.Type().Implements(t):
		out := reflect.New(t).Elem()
		out.Set(rv)
		return out, nil
	case rv.Type().AssignableTo(t):
		return rv, nil
	case isNumber(rv.Kind()) && isNumber(t.Kind()):
		return rv.Convert(t), nil
	case rv.Kind() == reflect.Slice && t.Kind() == reflect.Slice && isNumber(t.Elem().Kind()):
		out := reflect.MakeSlice(t, rv.Len(), rv.Len())
		for i := 0; i < rv.Len(); i++ {
			out.Index(i).Set(rv.Index(i).Convert(t.Elem()))
		}
		return out, nil
	case rv.Kind() == reflect.Slice && t.Kind() == reflect.Array && t.Len() == rv.Len() && isNumber(t.Elem().Kind()):
		out := reflect.New(t).Elem()
		for i := 0; i < rv.Len(); i++ {
			out.Index(i).Set(rv.Index(i).Convert(t.Elem()))
		}
		return out, nil
	}
	return reflect.Value{}, fmt.Errorf("a %s gives a %T, which cannot be passed as %v", c.kind, v, t)
}

func isNumber(k reflect.Kind) bool { return isInteger(k) || isFloat(k) }

func isInteger(k reflect.Kind) bool { return k >= reflect.Int && k <= reflect.Uint64 }

func isFloat(k reflect.Kind) bool { return k == reflect.Float32 || k == reflect.Float64 }

// numberKind is the kind of t's numbers: t's own kind, or its elements'
// for a slice or array.
func numberKind(t reflect.Type) reflect.Kind {
	if k := t.Kind(); k == reflect.Slice || k == reflect.Array {
		return t.Elem().Kind()
	}
	return t.Kind()
}

// run is the observer of every control: f's result replaces the output.
// Output goes to the Call's capture of it.out (the Call sets it up).
func (it *interaction) run() {
	ClearOutput(true)
	it.show(it.call())
}

// runInto calls f with the current values, collecting everything f shows
// into cp (the first run, inside the cell, and pre-rendering).
func (it *interaction) runInto(cp *capture) {
	prev := CurrentSink()
	if r, ok := prev.(StreamRedirector); ok {
		// f's printed text goes to the Output widget too.
		restore := r.RedirectStreams(cp)
		defer restore()
	}
	SetSink(cp)
	defer SetSink(prev)
	defer func() {
		if r := recover(); r != nil {
			const where = "in the function given to display.Interact"
			if d, ok := prev.(PanicDescriber); ok {
				name, value, tb := d.DescribePanic(r)
				cp.fail(name, value, append([]string{where}, tb...))
				return
			}
			cp.fail("Panic", fmt.Sprint(r), []string{where, fmt.Sprintf("Panic: %v", r)})
		}
	}()
	cp.Clear(true)
	it.show(it.call())
}

// call calls f with the controls' values and returns its results.
func (it *interaction) call() []reflect.Value {
	ft := it.fn.Type()
	args := make([]reflect.Value, len(it.controls))
	for i, c := range it.controls {
		a, err := argFor(c, ft.In(i))
		if err != nil {
			panic(&Error{Func: "Interact", Err: err})
		}
		args[i] = a
	}
	return it.fn.Call(args)
}

// show displays f's results: an error last result that is not nil panics
// (and is shown as the error); the others are displayed in order.
func (it *interaction) show(res []reflect.Value) {
	errType := reflect.TypeOf((*error)(nil)).Elem()
	if n := len(res); n > 0 && res[n-1].Type() == errType {
		if !res[n-1].IsNil() {
			panic(res[n-1].Interface())
		}
		res = res[:n-1]
	}
	for _, r := range res {
		if !r.IsValid() || (r.Kind() == reflect.Interface || r.Kind() == reflect.Pointer) && r.IsNil() {
			continue
		}
		v := r.Interface()
		if s, ok := v.(string); ok {
			Publish(Bundle{Data: map[string]any{"text/plain": s}, Metadata: map[string]any{}})
			continue
		}
		Show(v)
	}
}

// describe lists the controls' values, for text/plain.
func (it *interaction) describe() string {
	parts := make([]string, len(it.controls))
	for i, c := range it.controls {
		parts[i] = c.String()
	}
	return "Interact(" + strings.Join(parts, ", ") + ")"
}
