package display

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Limits of pre-rendering an Interact for a page without a kernel (gograd
// run --html): at most MaxPrerenderCombinations combinations of control
// values are computed, and the outputs of one Interact may take at most
// PrerenderBudget bytes (a figure keeps the smaller of its PNG and SVG,
// usually the SVG). When a control
// has more positions than fit, its range is thinned to every k-th
// position through the value it started at (evenly spaced, so the labels
// step evenly) and Notes says so.
const (
	MaxPrerenderCombinations = 400
	PrerenderBudget          = 4 << 20
)

// Prerendering is what an Interact shows over a grid of control values.
type Prerendering struct {
	Controls []PrerenderedControl
	// Outputs holds the outputs (nbformat output objects) for each
	// combination; combination k has control i at position
	// (k / stride_i) % len(Controls[i].Labels), with the last control
	// varying fastest.
	Outputs [][]any
	// Notes say, in words, which controls were thinned or left fixed.
	Notes []string
}

// PrerenderedControl is one control of a Prerendering: its positions, as
// labels shown in the page, and the position it starts at.
type PrerenderedControl struct {
	ID, Kind, Description string
	Labels                []string
	Start                 int
	// Full is the number of positions the control has; more than
	// len(Labels) when it was thinned.
	Full int
	// Fixed is set for a control that is not varied (a text field, a
	// range slider).
	Fixed bool
}

// LookupWidget returns the open widget with model id id, or nil.
func LookupWidget(id string) *Widget { return lookupWidget(id) }

// Interactive reports whether w is the box an Interact showed.
func (w *Widget) Interactive() bool { return w.interaction != nil }

// Prerender computes the outputs of the Interact w showed for a grid of
// its controls' values (see MaxPrerenderCombinations). run runs a Call
// like a cell (the runner passes one built on session.Call) and reports
// the error that stopped it, if any, so the Call can show it. Controls
// are set without notifying observers or the front end, and restored
// afterwards. It returns an error if w is not an Interact's box.
func (w *Widget) Prerender(run func(c *Call)) (*Prerendering, error) {
	it := w.interaction
	if it == nil {
		return nil, fmt.Errorf("display: %s is not the box of an Interact", w.kind)
	}
	axes := make([]axis, len(it.controls))
	pr := &Prerendering{}
	for i, c := range it.controls {
		vals, labels, start := positions(c)
		axes[i] = axis{values: vals, labels: labels, start: start, full: len(vals)}
		pc := PrerenderedControl{ID: c.id, Kind: c.kind, Full: len(vals)}
		pc.Description, _ = c.Get("description").(string)
		if len(vals) <= 1 {
			pc.Fixed = true
			if len(vals) == 0 {
				pr.Notes = append(pr.Notes, fmt.Sprintf("%s %q is fixed at its value in this page", c.kind, pc.Description))
			}
		}
		pr.Controls = append(pr.Controls, pc)
	}
	// Thin the largest axis until the grid fits.
	thin := func(limit int) {
		for {
			total := 1
			big := -1
			for i, a := range axes {
				total *= max(1, len(a.values))
				if big < 0 || len(a.values) > len(axes[big].values) {
					big = i
				}
			}
			if total <= limit || big < 0 || len(axes[big].values) <= 2 {
				return
			}
			a := &axes[big]
			keep := max(2, len(a.values)*limit/total)
			if keep >= len(a.values) {
				keep = len(a.values) - 1
			}
			a.values, a.labels, a.start = thinAxis(a.values, a.labels, a.start, keep)
		}
	}
	thin(MaxPrerenderCombinations)

	saved := make([]any, len(it.controls))
	attrs := make([]string, len(it.controls))
	for i, c := range it.controls {
		attrs[i] = valueAttr(c)
		saved[i] = c.Get(attrs[i])
	}
	defer func() {
		for i, c := range it.controls {
			c.setLocal(attrs[i], saved[i])
		}
	}()
	render := func(idx []int) []any {
		for i, c := range it.controls {
			if len(axes[i].values) > 0 {
				c.setLocal(attrs[i], axes[i].values[idx[i]])
			}
		}
		call := &Call{steps: []step{{fn: func() {
			ClearOutput(true)
			it.show(it.call())
		}, out: it.out}}}
		// Start from an empty area: only this call's outputs.
		call.caps = []*capture{{out: it.out}}
		run(call)
		return smallerImage(call.caps[0].result())
	}
	// Estimate the size of one output to respect the budget.
	first := render(startIndex(axes))
	size := jsonSize(first)
	if n := PrerenderBudget / max(1, size); n < MaxPrerenderCombinations {
		thin(max(1, n))
	}
	total := 1
	for _, a := range axes {
		total *= max(1, len(a.values))
	}
	pr.Outputs = make([][]any, total)
	idx := make([]int, len(axes))
	for k := 0; k < total; k++ {
		rem := k
		for i := len(axes) - 1; i >= 0; i-- {
			n := max(1, len(axes[i].values))
			idx[i] = rem % n
			rem /= n
		}
		pr.Outputs[k] = render(idx)
	}
	for i, a := range axes {
		pc := &pr.Controls[i]
		pc.Labels, pc.Start = a.labels, a.start
		if len(a.values) < a.full {
			pr.Notes = append(pr.Notes, fmt.Sprintf("%s %q: %d of its %d positions were computed for this page", pc.Kind, pc.Description, len(a.values), a.full))
		}
	}
	return pr, nil
}

// axis is the positions of one control in a pre-rendering.
type axis struct {
	values []any
	labels []string
	start  int
	full   int
}

func startIndex(axes []axis) []int {
	idx := make([]int, len(axes))
	for i, a := range axes {
		idx[i] = a.start
	}
	return idx
}

// positions lists the values a control can take, their labels and the
// index of its current value. Controls that are not varied return none.
func positions(c *Widget) (vals []any, labels []string, start int) {
	model, _ := c.Get("_model_name").(string)
	num := func(name string) float64 { f, _ := toFloat(c.Get(name)); return f }
	switch model {
	case "FloatSliderModel", "IntSliderModel", "PlayModel", "FloatLogSliderModel":
		lo, hi, step := num("min"), num("max"), num("step")
		n := int(math.Floor((hi-lo)/step+1e-9)) + 1
		if n > 100000 {
			n = 100000
		}
		cur := num("value")
		log := model == "FloatLogSliderModel"
		if log {
			cur = math.Log10(cur)
		}
		best := math.Inf(1)
		for k := 0; k < n; k++ {
			x := lo + float64(k)*step
			if model != "FloatSliderModel" && !log {
				x = math.Round(x)
			}
			if d := math.Abs(x - cur); d < best {
				best, start = d, k
			}
			v := x
			if log {
				v = math.Pow(10, x)
			}
			vals = append(vals, v)
			labels = append(labels, formatReadout(v, c))
		}
		// The starting value exactly, so the page opens on the cell's output.
		if start < len(vals) {
			vals[start] = c.Get("value")
			f, _ := toFloat(vals[start])
			labels[start] = formatReadout(f, c)
		}
		return vals, labels, start
	case "CheckboxModel", "ToggleButtonModel":
		b, _ := c.Get("value").(bool)
		if b {
			start = 1
		}
		return []any{false, true}, []string{"false", "true"}, start
	case "DropdownModel":
		opts, _ := c.Get("_options_labels").([]any)
		cur, _ := toFloat(c.Get("index"))
		for k, o := range opts {
			vals = append(vals, float64(k))
			s, _ := o.(string)
			labels = append(labels, s)
		}
		return vals, labels, int(cur)
	}
	return nil, nil, 0
}

// formatReadout formats a slider value the way its readout shows it.
func formatReadout(v float64, c *Widget) string {
	switch c.Get("_model_name") {
	case "IntSliderModel", "PlayModel":
		return strconv.Itoa(int(math.Round(v)))
	case "FloatLogSliderModel":
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	f, _ := c.Get("readout_format").(string)
	d := 2
	if len(f) >= 3 && f[0] == '.' {
		if n, err := strconv.Atoi(f[1 : len(f)-1]); err == nil {
			d = n
		}
	}
	return strconv.FormatFloat(v, 'f', d, 64)
}

// thinAxis keeps keep evenly spaced positions, including start.
func thinAxis(vals []any, labels []string, start, keep int) ([]any, []string, int) {
	// Every step-th position through start: evenly spaced, so the
	// slider's labels step evenly (a log slider's by a constant factor),
	// at most keep of them; the ends may fall between two positions.
	n := len(vals)
	step := max(1, (n-1+keep-2)/max(1, keep-1))
	first := start % step
	out, outL := make([]any, 0, keep), make([]string, 0, keep)
	for p := first; p < n; p += step {
		out = append(out, vals[p])
		outL = append(outL, labels[p])
	}
	return out, outL, (start - first) / step
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// result returns the collected outputs, applying a pending clear.
func (cp *capture) result() []any {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if cp.clearNext {
		return []any{}
	}
	return cloneValue(append([]any{}, cp.outputs...)).([]any)
}

// smallerImage keeps one image of each figure that has both a PNG and an
// SVG: the smaller, counting the SVG at 1.5 times its length (what
// percent-encoding it for a data: URL costs, about) against the PNG's
// base64. A line plot's SVG is about five times smaller than its PNG at
// twice the resolution, and sharp at any zoom; a heat map's SVG embeds an
// image and is not.
func smallerImage(outs []any) []any {
	for _, o := range outs {
		m, _ := o.(map[string]any)
		data, _ := m["data"].(map[string]any)
		png, ok1 := data["image/png"].(string)
		svg, ok2 := data["image/svg+xml"].(string)
		if !ok1 || !ok2 {
			continue
		}
		if len(svg)*3/2 >= len(png) {
			delete(data, "image/svg+xml")
			continue
		}
		delete(data, "image/png")
		// The PNG's size metadata (its CSS size) is the SVG's too.
		if md, ok := m["metadata"].(map[string]any); ok {
			if sz, ok := md["image/png"]; ok {
				md["image/svg+xml"] = sz
				delete(md, "image/png")
			}
		}
	}
	return outs
}

func jsonSize(v any) int {
	raw, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(raw)
}
