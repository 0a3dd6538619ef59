package runner

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"sync"

	"github.com/gograd/gograd/display"
	"github.com/gograd/gograd/kernel/session"
)

// widgetState is display's CommSink during a run: it follows the state of
// every widget model the notebook opens, as a front end's widget manager
// would, so that the saved notebook carries it (metadata
// application/vnd.jupyter.widget-state+json) and JupyterLab shows the
// widgets as they were when the notebook is reopened.
type widgetState struct {
	mu     sync.Mutex
	models map[string]map[string]any // comm id -> {model_name, ..., state}
	order  []string
}

func newWidgetState() *widgetState { return &widgetState{models: map[string]map[string]any{}} }

func (w *widgetState) CommOpen(m display.CommMessage) {
	if m.TargetName != display.WidgetTarget {
		return
	}
	st, _ := m.Data["state"].(map[string]any)
	st = withBuffers(st, m.Data["buffer_paths"], m.Buffers)
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.models[m.CommID]; !ok {
		w.order = append(w.order, m.CommID)
	}
	w.models[m.CommID] = map[string]any{
		"model_name": st["_model_name"], "model_module": st["_model_module"],
		"model_module_version": st["_model_module_version"], "state": st,
	}
}

func (w *widgetState) CommMsg(m display.CommMessage) {
	method, _ := m.Data["method"].(string)
	if method != "update" && method != "echo_update" {
		return
	}
	st, _ := m.Data["state"].(map[string]any)
	st = withBuffers(st, m.Data["buffer_paths"], m.Buffers)
	w.mu.Lock()
	defer w.mu.Unlock()
	model, ok := w.models[m.CommID]
	if !ok {
		return
	}
	cur := model["state"].(map[string]any)
	for k, v := range st {
		cur[k] = v
	}
}

func (w *widgetState) CommClose(m display.CommMessage) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.models, m.CommID)
}

// withBuffers returns a copy of state with the buffers at their paths
// (top-level keys only, which is what display sends for its models; deeper
// paths keep the buffer at the top key).
func withBuffers(state map[string]any, paths any, bufs [][]byte) map[string]any {
	out := make(map[string]any, len(state))
	for k, v := range state {
		out[k] = v
	}
	ps, _ := paths.([]any)
	for i, p := range ps {
		path, _ := p.([]any)
		if i >= len(bufs) || len(path) == 0 {
			continue
		}
		if k, ok := path[0].(string); ok && len(path) == 1 {
			out[k] = bufs[i]
		}
	}
	return out
}

// metadata returns the notebook metadata entry for the widgets still open,
// or nil when there are none. Binary buffers are saved base64-encoded
// with their paths, as nbformat's widget state schema says.
func (w *widgetState) metadata() map[string]any {
	w.mu.Lock()
	defer w.mu.Unlock()
	states := map[string]any{}
	for _, id := range w.order {
		model, ok := w.models[id]
		if !ok {
			continue
		}
		st, paths, bufs := display.SplitBuffers(model["state"].(map[string]any))
		entry := map[string]any{
			"model_name": model["model_name"], "model_module": model["model_module"],
			"model_module_version": model["model_module_version"], "state": st,
		}
		if len(bufs) > 0 {
			var saved []any
			for i, b := range bufs {
				saved = append(saved, map[string]any{"path": paths[i], "encoding": "base64", "data": base64.StdEncoding.EncodeToString(b)})
			}
			entry["buffers"] = saved
		}
		states[id] = entry
	}
	if len(states) == 0 {
		return nil
	}
	return map[string]any{display.WidgetStateMIME: map[string]any{"version_major": 2, "version_minor": 0, "state": states}}
}

// caller is an Executor that can also run widget callbacks (a
// *session.Session).
type caller interface {
	Call(ctx context.Context, fn func(), io session.IO) session.Result
}

// callIO is the IO of a pre-rendering callback.
type callIO struct{ *display.Call }

func (callIO) Input(string, bool) (string, error) { return "", ErrNoInput }

// prerenderCell pre-renders every Interact whose view the cell's outputs
// show, for the HTML page.
func (nb *Notebook) prerenderCell(ctx context.Context, c *Cell, ex Executor) []error {
	call, ok := ex.(caller)
	if !ok {
		return nil
	}
	var errs []error
	for _, o := range c.Outputs {
		id := widgetViewID(o)
		if id == "" {
			continue
		}
		w := display.LookupWidget(id)
		if w == nil || !w.Interactive() {
			continue
		}
		pr, err := w.Prerender(func(dc *display.Call) {
			res := call.Call(ctx, dc.Run, callIO{dc})
			if res.Err != nil {
				dc.Fail(res.Err.Name, res.Err.Value, res.Err.Traceback)
			}
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if nb.prerendered == nil {
			nb.prerendered = map[string]*display.Prerendering{}
		}
		nb.prerendered[id] = pr
	}
	return errs
}

// widgetViewID returns the model id of a widget view output, or "".
func widgetViewID(o *Output) string {
	if o.Type != DisplayOutput && o.Type != ResultOutput {
		return ""
	}
	v, _ := o.Data[display.WidgetViewMIME].(map[string]any)
	id, _ := v["model_id"].(string)
	return id
}

// writeWidgetHTML writes a widget view: the pre-rendered Interact with
// live controls when there is one, otherwise a note that the widget needs
// a kernel. It reports whether the output was a widget view.
func (nb *Notebook) writeWidgetHTML(b *strings.Builder, o *Output) bool {
	id := widgetViewID(o)
	if id == "" {
		return false
	}
	pr := nb.prerendered[id]
	if pr == nil {
		plain, _ := o.Data["text/plain"].(string)
		b.WriteString(`<div class="widget-static">` + html.EscapeString(plain) + ` <span class="note">(a widget: it is live in Jupyter with the gograd kernel)</span></div>`)
		return true
	}
	nb.widgetCount++
	b.WriteString(fmt.Sprintf(`<div class="widget-interact" id="widget-%d">`, nb.widgetCount))
	b.WriteString(`<div class="controls">`)
	start := 0
	for _, c := range pr.Controls {
		n := max(1, len(c.Labels))
		start = start*n + c.Start
		label := html.EscapeString(c.Description)
		switch {
		case len(c.Labels) == 0:
			b.WriteString(`<label>` + label + ` <input type="range" disabled data-n="1"> <output>(fixed)</output></label>`)
		case c.Kind == "Checkbox" || c.Kind == "ToggleButton":
			checked := ""
			if c.Start == 1 {
				checked = " checked"
			}
			b.WriteString(`<label><input type="checkbox" data-n="2"` + checked + `> ` + label + `</label>`)
		case c.Kind == "Dropdown":
			b.WriteString(`<label>` + label + ` <select data-n="` + fmt.Sprint(n) + `">`)
			for i, l := range c.Labels {
				sel := ""
				if i == c.Start {
					sel = " selected"
				}
				b.WriteString(fmt.Sprintf(`<option value="%d"%s>%s</option>`, i, sel, html.EscapeString(l)))
			}
			b.WriteString(`</select></label>`)
		default:
			labels, _ := json.Marshal(c.Labels)
			b.WriteString(fmt.Sprintf(`<label>%s <input type="range" min="0" max="%d" step="1" value="%d" data-n="%d" data-labels="%s"> <output>%s</output></label>`,
				label, n-1, c.Start, n, html.EscapeString(string(labels)), html.EscapeString(c.Labels[c.Start])))
		}
	}
	b.WriteString(`</div>`)
	frags := make([]string, len(pr.Outputs))
	for k, outs := range pr.Outputs {
		var fb strings.Builder
		for _, raw := range outs {
			data, err := json.Marshal(raw)
			if err != nil {
				continue
			}
			out, err := readOutput(data)
			if err != nil {
				continue
			}
			writeOutputHTML(&fb, out)
		}
		frags[k] = fb.String()
	}
	initial := ""
	if start < len(frags) {
		initial = frags[start]
	}
	b.WriteString(`<div class="wout">` + initial + `</div>`)
	if len(pr.Notes) > 0 {
		b.WriteString(`<p class="note">Computed ahead for this page (no kernel): ` + html.EscapeString(strings.Join(pr.Notes, "; ")) + `.</p>`)
	}
	data, _ := json.Marshal(frags) // escapes <, > and & so the script cannot end early
	b.WriteString(`<script type="application/json" class="wdata">` + string(data) + `</script></div>`)
	return true
}

// widgetScript swaps the pre-rendered outputs as the controls move.
const widgetScript = `<script>
document.querySelectorAll('.widget-interact').forEach(function (box) {
  var outs = JSON.parse(box.querySelector('script.wdata').textContent);
  var inputs = box.querySelectorAll('[data-n]');
  function update() {
    var k = 0;
    inputs.forEach(function (el) {
      var n = +el.dataset.n, v = 0;
      if (el.type === 'checkbox') v = el.checked ? 1 : 0;
      else if (!el.disabled) v = +el.value;
      k = k * n + v;
      var o = el.parentNode.querySelector('output');
      if (o && el.dataset.labels) o.textContent = JSON.parse(el.dataset.labels)[v];
    });
    box.querySelector('.wout').innerHTML = outs[k];
  }
  inputs.forEach(function (el) { el.addEventListener('input', update); el.addEventListener('change', update); });
});
</script>
`

const widgetCSS = `.widget-interact .controls { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; margin-bottom: .4rem; }
.widget-interact label { display: inline-flex; align-items: center; gap: .4rem; font-size: 14px; }
.widget-interact input[type=range] { width: 16rem; }
.widget-interact output { font: 13px ui-monospace, monospace; min-width: 4.5rem; }
.note { color: var(--muted); font-size: 13px; }
`
