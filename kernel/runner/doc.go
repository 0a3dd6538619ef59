// Package runner executes Jupyter notebooks headless with the gograd
// session, the way `gograd run` does, and writes the results as a notebook,
// a standalone HTML page and figure files.
//
// # Overview
//
// Read parses an nbformat 4 notebook; ReadMarkdown builds one from a
// Markdown source whose ```go blocks are the code cells (the tutorials in
// notebooks/src are written that way). Run executes its code cells in order
// in one fresh session (github.com/gograd/gograd/kernel/session), with no
// Jupyter and no ZeroMQ, recording every output into the cells. Write
// saves the executed notebook as nbformat 4.5; WriteHTML renders it as one
// self-contained page; WriteFigures saves its images as files.
//
// # Outputs are what the kernel would send
//
// The session writes to a Recorder, which builds each cell's outputs from
// the same calls the ZeroMQ kernel turns into iopub messages, applying them
// as JupyterLab's output area does (see Recorder): streams merge per name,
// display_data carries PNG and SVG with their metadata, update_display_data
// replaces outputs by display id, clear_output honours wait, an
// execute_result carries the cell's execution count and an error carries
// ename, evalue and traceback. Saving the notebook from JupyterLab after
// "Run All" gives the same outputs.
//
// # Execution
//
// Code cells run in order and are numbered from 1; cells whose source is
// only white space are skipped, as nbclient and JupyterLab do, and keep no
// execution count. Markdown and raw cells are kept as they are. A cell that
// fails stops the run (its error is recorded, later code cells lose their
// stale outputs) unless Options.AllowErrors is set. Cells asking for
// standard input get ErrNoInput. Each cell may have a time limit, after
// which it is interrupted like a kernel interrupt.
//
// # Widgets
//
// During a run, the runner is display's CommSink: it follows every widget
// model the notebook opens, updates and closes, as JupyterLab's widget
// manager would, and saves the state of the models still open in the
// notebook's metadata (widgets → application/vnd.jupyter.widget-state+json,
// version 2.0, binary buffers base64-encoded with their paths), so the saved
// notebook reopened in JupyterLab shows the widgets as they were.
//
// With Options.Prerender (gograd run --html sets it), each display.Interact
// a cell shows is computed ahead over a grid of its controls' values
// (display.Widget.Prerender: at most display.MaxPrerenderCombinations = 400
// combinations and display.PrerenderBudget = 4 MB of outputs per Interact,
// each figure as the smaller of its PNG and SVG — the SVG for line plots,
// which makes tutorial 07's page 3 MB instead of 18 MB; sliders thinned to evenly spaced positions that
// include their starting value, checkboxes and dropdowns in full, range
// sliders and text fields fixed). Each call runs like a widget callback in
// the kernel (session.Call). WriteHTML then shows the Interact with live
// HTML controls (range inputs, check boxes, selects) and a small inline
// script that swaps in the pre-rendered output for the controls'
// positions: the page stays interactive offline, in a plain browser, with
// no kernel and no network. A line under the controls says when a range
// was thinned or a control left fixed. Other widgets are shown as their
// text and a note that they are live in Jupyter. Pre-rendering time counts
// in the cell's time.
//
// # Files
//
// Write emits Jupyter's layout (sorted keys, one-space indent, strings
// split into lines), so a notebook run twice with the same results is
// byte-identical and diffs stay small. Every cell gets a valid, unique id.
// WriteHTML embeds figures as data: URLs and loads nothing from elsewhere;
// its Markdown covers headings, paragraphs, lists, code, emphasis, links and
// images, and TeX math is converted to MathML, which the browser typesets
// itself (no script, font or network: MathML Core is in Chromium 109+,
// Firefox and Safari) — fractions, scripts and primes, roots, Greek and
// operator symbols, accents, \left…\right, spacing, matrices and cases —
// or shown as source when it uses commands the converter does not know.
package runner
