// Package display is what a gograd notebook cell shows: MIME bundles,
// inline figures, rich values, live-updating outputs and progress bars.
//
// # Overview
//
// A Bundle maps MIME types to data (text/plain always present; image/png
// base64-encoded; image/svg+xml; text/html; text/markdown; text/latex;
// application/json) plus metadata and an optional display id. display
// publishes bundles to a Sink that the kernel, or the headless notebook
// runner, installs with SetSink before each cell; display never imports
// the kernel. With no sink installed (or a nil one) output is discarded.
//
// Cell code displays things explicitly:
//
//	display.Show(v)                      // any value, as Render shows it
//	display.HTML("<b>bold</b>")          // also Markdown, LaTeX, SVG, PNG, JSON
//	display.Image(img)                   // an image.Image, as PNG
//	display.Plot(p)                      // a *plot.Plot, as PNG and SVG
//	display.ClearOutput(true)            // clear the cell's output
//
// and a cell's last expression value is displayed automatically through
// Render: tensors, *Figure, *plot.Plot, image.Image and values that
// implement the renderer interfaces (MIMEBundler, HTMLer, Markdowner,
// LaTeXer, SVGer, PNGer) get rich representations; anything else is
// text/plain.
//
// # Live updates
//
// A Handle owns a display id: Show publishes an output carrying it and
// Update replaces that output in place (update_display_data). ShowID and
// UpdateID do the same by id, so one cell can update another's output.
// Progress returns a ProgressBar drawn as HTML (and text/plain) that
// updates in place at most ten times a second, shows the rate and the
// time left, and always shows its final state. LiveLoss returns a loss
// curve that redraws itself in place while a model trains, at most twice
// a second.
//
// # Figures
//
// A Figure is a gonum plot with a size in CSS pixels (DefaultWidth ×
// DefaultHeight unless set). It renders to a PNG of twice its size in
// pixels, with width and height metadata so front ends show it sharp at
// its intended size, and to SVG; both go in the bundle. The plotting
// helpers build figures in one call with titles, axis labels, a light
// grid and the colour-blind-safe Okabe–Ito palette (OkabeIto):
//
//	display.Curves(x, ys, labels)                 // several curves against x
//	display.Derivatives(ad.Tanh, -7, 7, 6)        // f and its first 6 derivatives
//	display.DerivativePanels(ad.Tanh, -7, 7, 6)   // the same, a panel and a y scale each
//	display.Scatter(x, y)
//	display.Histogram(x, bins)
//	display.Contour(f, -2, 2, -1, 3).Path(steps)  // level sets, −∇f arrows, a path
//	display.Heatmap(f, -2, 2, -1, 3)
//	display.LossCurve(losses)
//	display.Axes("title", "x", "y").AddLine(x, y, "data")  // build your own
//	display.Panels(2, fig1, fig2, fig3)           // figures side by side in a grid
//
// Figures are made to be read at a glance. The legend goes where it
// covers no data: the first free corner of the axes, else outside them on
// the right (Legend chooses a place explicitly). A curve drawn on top of
// an earlier one with the same values (a derivative by ad beside its
// formula) is dashed, so both stay visible. Contour lines are traced by
// marching squares at quantiles of f over the grid (so both steep and
// flat regions get lines) on the grid refined threefold by cubic
// interpolation, with loops too thin for the evaluated grid to resolve
// left out, so narrow valleys show smooth lines and no stray dots; heat
// maps are coloured by rank with viridis. Every option is a setter on the returned
// figure, chainable: Title, XLabel, YLabel, Size, XRange, YRange, LogY,
// Legend, Palette, AddLine and AddScatter (more series on the same axes),
// Path, and Plot for direct access to the gonum plot. A figure shows itself when it is a
// cell's last value; Show displays it from anywhere in a cell.
//
// # Widgets
//
// Widgets are Jupyter widget models (protocol 2.1, as ipywidgets 8 speaks
// it; models of @jupyter-widgets/controls 2.0.0 and base 2.0.0, Output of
// @jupyter-widgets/output 1.0.0) that JupyterLab's stock widget manager
// draws: FloatSlider, IntSlider, LogSlider, FloatRangeSlider,
// IntRangeSlider, Dropdown, Checkbox, ToggleButton, Text, Button, Play,
// FloatProgress, Label, HTMLMath, Output, HBox, VBox and GridBox, each a
// *Widget with a Layout and (most) a style model (SetLayout, SetStyle). A
// widget shows itself as a cell's last value or with Show; its comm (and
// those of the models it refers to: layout, style, children) is opened
// when it is first displayed, so a widget that is never shown — a slider
// given to an Interact that refused its function — leaves no model in the
// front end. CloseWidgets closes them all (the session does at %reset).
// A widget's state is a map of attributes; Set changes one and tells the
// front end, Value, Float, Int, Bool, Text and Floats read the value the
// user chose.
//
// Interact is the two-line form:
//
//	display.Interact(func(a, h float64) any { ... return fig },
//		display.FloatSlider("a", -3, 3, 0.1, 0.5), display.LogSlider("h", 1e-12, 1e-1, 1e-4))
//
// shows the controls above an Output widget holding f's result; moving a
// control calls f again (through reflect, so f may be an interpreted
// function) and replaces the result in place: the Output widget's outputs
// are replaced in one update, so a figure does not flicker. The first call
// runs in the cell; the text it prints goes to the Output widget as well
// when the sink is a StreamRedirector (the session's is), and so does its
// error, named by the sink when it is a PanicDescriber (the session's
// names it as a cell's error, ShapeError or RuntimeError with the lines
// of f) — the cell itself goes on.
//
// display talks to the front end only through a CommSink that the kernel
// installs (SetCommSink); comms belong to the process, not to a cell.
// Messages from the front end reach HandleWidgetMsg: an update is
// validated (slider values are clamped to the range), applied, echoed
// back (echo_update) and returns a Call holding the Observe, OnClick or
// Interact callbacks it triggers; request_state answers with the full
// state; binary buffers are put at their buffer_paths ([]byte in the
// state) and sent back as buffers. The kernel runs a Call like a cell —
// serialised with cells, interruptible, bracketed by busy/idle with the
// comm message as parent — with the Call as the IO: output of a callback
// that belongs to an Output widget (Interact's, or OutputTo) is collected
// there, its error included; other output goes to the Call's Fallback.
// When updates of one widget queue up faster than callbacks run (a fast
// drag), the kernel applies all of them but runs the callbacks for the
// latest only. WidgetStates lists every open model's state, for
// request_states. Prerender computes an Interact's outputs over a bounded
// grid of its controls' values (MaxPrerenderCombinations,
// PrerenderBudget), which `gograd run --html` turns into a page that stays
// interactive without a kernel.
//
// # Teaching views
//
// Graph draws the computation graph of a traced function (nodes are
// primitives, edges the data flow) as a layered SVG. GradCheck shows
// ad's gradient check, analytic against numerical derivatives per
// argument with relative errors, as an HTML table.
//
// # Errors
//
// Programmer errors (a nil plot, tensors of mismatched lengths, an
// invalid figure size, data that is not a PNG) panic with an *Error that
// names the function and the problem; the kernel reports it as the cell's
// error. Rendering a value never panics: a renderer that fails shows the
// failure as text/plain.
//
// # yaegi
//
// The exported API is non-generic and every renderer interface is
// declared here, so cell code running in the yaegi interpreter can call
// all of it and implement the interfaces. One limitation of yaegi shapes
// how interpreted types opt in: the methods of a type declared in a cell
// are invisible to compiled code when its value travels as any (Show,
// Render), but callable when it is passed to a parameter of the
// interface's type. Rich bridges the two: cell code passes the value to
// the setters of the interfaces its type implements —
// display.NewRich(v).SetHTML(v) — and the Rich renders as the cell's
// value. (The session does not yet do this automatically for a cell's
// last value.) In the middle of a cell the direct form is simplest:
// display.HTML(v.HTML()).
//
// # Concurrency
//
// SetSink and every publishing function are safe for concurrent use:
// output from goroutines a cell started goes to the sink current when it
// is published. A Figure must not be used from several goroutines at
// once (rendering adjusts its axes temporarily); ProgressBar and
// LiveLossCurve methods are safe for concurrent use.
//
// # Interrupts
//
// The helpers that evaluate a function many times (Surface, Contour,
// Heatmap, Derivatives) check ad.Interrupted between rows and stop with
// an *Error wrapping ad.ErrInterrupted, so a kernel interrupt ends them
// promptly.
package display
