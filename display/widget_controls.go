package display

import (
	"fmt"
	"math"
)

// The constructors below create widget models of @jupyter-widgets/controls
// 2.0.0 (and the Output model of @jupyter-widgets/output 1.0.0) and open
// their comms. A widget shows itself when it is a cell's last value, or
// with Show. They panic with an *Error on invalid arguments (min > max, a
// step that is not positive, a value not among a dropdown's options).

// FloatSlider returns a slider over [min, max] in steps of step, starting
// at value (clamped to the range).
func FloatSlider(description string, min, max, step, value float64) *Widget {
	checkRange("FloatSlider", min, max, step)
	return newDOMWidget("FloatSlider", "FloatSliderModel", "FloatSliderView", "SliderStyleModel", map[string]any{
		"description": description, "description_allow_html": false, "min": min, "max": max, "step": step,
		"value": clamp(value, min, max), "behavior": "drag-tap", "continuous_update": true, "disabled": false,
		"orientation": "horizontal", "readout": true, "readout_format": readoutFormat(step),
	})
}

// IntSlider returns an integer slider over [min, max] in steps of step.
func IntSlider(description string, min, max, step, value int) *Widget {
	checkRange("IntSlider", float64(min), float64(max), float64(step))
	return newDOMWidget("IntSlider", "IntSliderModel", "IntSliderView", "SliderStyleModel", map[string]any{
		"description": description, "description_allow_html": false, "min": float64(min), "max": float64(max),
		"step": float64(step), "value": clamp(float64(value), float64(min), float64(max)), "behavior": "drag-tap",
		"continuous_update": true, "disabled": false, "orientation": "horizontal", "readout": true, "readout_format": "d",
	})
}

// LogSlider returns a slider on a logarithmic scale over [min, max] (both
// positive), e.g. a finite-difference step from 1e-12 to 1e-1. It moves in
// steps of a tenth of a decade (coarser for ranges of more than 20
// decades), and its value is the number itself, not its exponent.
func LogSlider(description string, min, max, value float64) *Widget {
	if !(min > 0) || !(max > min) || math.IsInf(max, 0) {
		panic(errorf("LogSlider", "the range must satisfy 0 < min < max, got min=%g max=%g", min, max))
	}
	lo, hi := math.Log10(min), math.Log10(max)
	step := 0.1
	if hi-lo > 20 {
		step = (hi - lo) / 200
	}
	return newDOMWidget("LogSlider", "FloatLogSliderModel", "FloatLogSliderView", "SliderStyleModel", map[string]any{
		"description": description, "description_allow_html": false, "base": 10.0, "min": lo, "max": hi, "step": step,
		"value": clamp(value, min, max), "behavior": "drag-tap", "continuous_update": true, "disabled": false,
		"orientation": "horizontal", "readout": true, "readout_format": ".3g",
	})
}

// FloatRangeSlider returns a slider with two handles, low and high, over
// [min, max]. Its value is []float64{low, high}.
func FloatRangeSlider(description string, min, max, step, low, high float64) *Widget {
	checkRange("FloatRangeSlider", min, max, step)
	if low > high {
		low, high = high, low
	}
	return newDOMWidget("FloatRangeSlider", "FloatRangeSliderModel", "FloatRangeSliderView", "SliderStyleModel", map[string]any{
		"description": description, "description_allow_html": false, "min": min, "max": max, "step": step,
		"value": []any{clamp(low, min, max), clamp(high, min, max)}, "behavior": "drag-tap", "continuous_update": true,
		"disabled": false, "orientation": "horizontal", "readout": true, "readout_format": readoutFormat(step),
	})
}

// IntRangeSlider is FloatRangeSlider for integers.
func IntRangeSlider(description string, min, max, step, low, high int) *Widget {
	checkRange("IntRangeSlider", float64(min), float64(max), float64(step))
	if low > high {
		low, high = high, low
	}
	return newDOMWidget("IntRangeSlider", "IntRangeSliderModel", "IntRangeSliderView", "SliderStyleModel", map[string]any{
		"description": description, "description_allow_html": false, "min": float64(min), "max": float64(max),
		"step": float64(step), "value": []any{clamp(float64(low), float64(min), float64(max)), clamp(float64(high), float64(min), float64(max))},
		"behavior": "drag-tap", "continuous_update": true, "disabled": false, "orientation": "horizontal",
		"readout": true, "readout_format": "d",
	})
}

// Dropdown returns a drop-down list of options with value selected. Its
// value (Text) is the selected option.
func Dropdown(description string, options []string, value string) *Widget {
	if len(options) == 0 {
		panic(errorf("Dropdown", "no options"))
	}
	index := -1
	labels := make([]any, len(options))
	for i, o := range options {
		labels[i] = o
		if o == value {
			index = i
		}
	}
	if index < 0 {
		panic(errorf("Dropdown", "the value %q is not one of the options %q", value, options))
	}
	return newDOMWidget("Dropdown", "DropdownModel", "DropdownView", "DescriptionStyleModel", map[string]any{
		"description": description, "description_allow_html": false, "_options_labels": labels,
		"index": float64(index), "disabled": false,
	})
}

// selectedLabel returns the label at the dropdown's index.
func (w *Widget) selectedLabel() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	labels, _ := w.state["_options_labels"].([]any)
	i, ok := toFloat(w.state["index"])
	if !ok || int(i) < 0 || int(i) >= len(labels) {
		return ""
	}
	s, _ := labels[int(i)].(string)
	return s
}

// Checkbox returns a check box.
func Checkbox(description string, value bool) *Widget {
	return newDOMWidget("Checkbox", "CheckboxModel", "CheckboxView", "CheckboxStyleModel", map[string]any{
		"description": description, "description_allow_html": false, "value": value, "disabled": false, "indent": true,
	})
}

// ToggleButton returns a button that stays pressed (value true) until
// clicked again.
func ToggleButton(description string, value bool) *Widget {
	return newDOMWidget("ToggleButton", "ToggleButtonModel", "ToggleButtonView", "ToggleButtonStyleModel", map[string]any{
		"description": description, "description_allow_html": false, "value": value, "disabled": false,
		"button_style": "", "icon": "", "tooltip": nil,
	})
}

// Text returns a one-line text field. Its value is sent when the user
// presses Enter or leaves the field.
func Text(description, value string) *Widget {
	return newDOMWidget("Text", "TextModel", "TextView", "TextStyleModel", map[string]any{
		"description": description, "description_allow_html": false, "value": value, "placeholder": "",
		"disabled": false, "continuous_update": false,
	})
}

// Button returns a push button; OnClick registers what it does.
func Button(description string) *Widget {
	return newDOMWidget("Button", "ButtonModel", "ButtonView", "ButtonStyleModel", map[string]any{
		"description": description, "disabled": false, "button_style": "", "icon": "", "tooltip": nil,
	})
}

// Play returns a play/pause control whose value advances from min to max
// by step every intervalMS milliseconds while playing, e.g. the steps of
// gradient descent. Its value is an int.
func Play(description string, min, max, step, intervalMS int) *Widget {
	checkRange("Play", float64(min), float64(max), float64(step))
	if intervalMS <= 0 {
		panic(errorf("Play", "the interval must be positive, got %d ms", intervalMS))
	}
	return newDOMWidget("Play", "PlayModel", "PlayView", "DescriptionStyleModel", map[string]any{
		"description": description, "description_allow_html": false, "min": float64(min), "max": float64(max),
		"step": float64(step), "value": float64(min), "interval": float64(intervalMS), "disabled": false,
		"playing": false, "repeat": false, "show_repeat": true,
	})
}

// FloatProgress returns a progress bar widget over [min, max] (Progress
// is the simpler text-and-HTML progress bar that needs no widgets).
func FloatProgress(description string, min, max, value float64) *Widget {
	if !(max > min) {
		panic(errorf("FloatProgress", "max (%g) must be greater than min (%g)", max, min))
	}
	return newDOMWidget("FloatProgress", "FloatProgressModel", "ProgressView", "ProgressStyleModel", map[string]any{
		"description": description, "description_allow_html": false, "min": min, "max": max,
		"value": clamp(value, min, max), "bar_style": "", "orientation": "horizontal",
	})
}

// Label returns a line of text (LaTeX between $ signs is typeset).
func Label(text string) *Widget {
	return newDOMWidget("Label", "LabelModel", "LabelView", "LabelStyleModel", map[string]any{
		"description": "", "description_allow_html": false, "value": text, "placeholder": "",
	})
}

// HTMLMath returns an HTML fragment in which LaTeX math ($...$) is
// typeset.
func HTMLMath(html string) *Widget {
	return newDOMWidget("HTMLMath", "HTMLMathModel", "HTMLMathView", "HTMLMathStyleModel", map[string]any{
		"description": "", "description_allow_html": false, "value": html, "placeholder": "",
	})
}

// Output returns an output area widget: callbacks whose output belongs to
// it (an Interact's function, OutputTo observers) show their prints,
// displays and errors in it.
func Output() *Widget {
	layout := newWidget("Layout", "LayoutModel", baseModule, baseVersion, map[string]any{
		"_view_name": "LayoutView", "_view_module": baseModule, "_view_module_version": baseVersion,
	})
	w := newWidget("Output", "OutputModel", outputModule, outputVersion, map[string]any{
		"_view_name": "OutputView", "_view_module": outputModule, "_view_module_version": outputVersion,
		"_dom_classes": []any{}, "layout": ref(layout), "msg_id": "", "outputs": []any{}, "tabbable": nil, "tooltip": nil,
	})
	w.layout = layout
	return w
}

// OutputTo makes the output of w's Observe and OnClick callbacks go to
// the Output widget out (registered before or after). It returns w.
func (w *Widget) OutputTo(out *Widget) *Widget {
	if out == nil || out.Get("_model_name") != "OutputModel" {
		panic(errorf("Widget.OutputTo", "the target is not an Output widget"))
	}
	w.mu.Lock()
	for i := range w.observers {
		w.observers[i].out = out
	}
	for i := range w.clicks {
		w.clicks[i].out = out
	}
	w.mu.Unlock()
	return w
}

// HBox lays children out in a row.
func HBox(children ...*Widget) *Widget { return box("HBox", "HBoxModel", "HBoxView", children) }

// VBox lays children out in a column.
func VBox(children ...*Widget) *Widget { return box("VBox", "VBoxModel", "VBoxView", children) }

// GridBox lays children out in a grid of columns columns.
func GridBox(columns int, children ...*Widget) *Widget {
	if columns < 1 {
		panic(errorf("GridBox", "columns must be at least 1, got %d", columns))
	}
	w := box("GridBox", "GridBoxModel", "GridBoxView", children)
	w.SetLayout("grid_template_columns", fmt.Sprintf("repeat(%d, auto)", columns))
	return w
}

func box(kind, model, view string, children []*Widget) *Widget {
	refs := make([]any, len(children))
	for i, c := range children {
		if c == nil {
			panic(errorf(kind, "child %d is nil", i))
		}
		refs[i] = ref(c)
	}
	return newDOMWidget(kind, model, view, "", map[string]any{"children": refs, "box_style": ""})
}

func checkRange(fn string, min, max, step float64) {
	if math.IsNaN(min) || math.IsNaN(max) || math.IsInf(min, 0) || math.IsInf(max, 0) || !(max > min) {
		panic(errorf(fn, "the range must satisfy min < max with finite bounds, got min=%g max=%g", min, max))
	}
	if !(step > 0) || math.IsInf(step, 0) {
		panic(errorf(fn, "the step must be positive, got %g", step))
	}
}

func clamp(v, lo, hi float64) float64 {
	if math.IsNaN(v) {
		return lo
	}
	return math.Max(lo, math.Min(hi, v))
}

// readoutFormat shows as many decimals as the step has.
func readoutFormat(step float64) string {
	d := 0
	for d < 8 && math.Abs(step*math.Pow(10, float64(d))-math.Round(step*math.Pow(10, float64(d)))) > 1e-9 {
		d++
	}
	if d < 2 {
		d = 2
	}
	return fmt.Sprintf(".%df", d)
}
