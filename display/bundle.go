package display

// Bundle is one rich output: MIME type to data, plus metadata, as sent in
// Jupyter's display_data, update_display_data and execute_result messages.
//
// Data values are strings for text and base64-encoded binary types
// (image/png), and any JSON-marshalable value for application/json.
// text/plain is always present in bundles built by this package.
type Bundle struct {
	Data     map[string]any
	Metadata map[string]any
	// DisplayID, when not empty, is sent as transient.display_id so the
	// output can later be replaced with an update.
	DisplayID string
}

// Sink receives what cell code displays. The kernel (and the headless
// runner) installs one for each cell with SetSink; display never imports
// the kernel.
type Sink interface {
	// Display publishes a new output (display_data).
	Display(b Bundle)
	// Update replaces the output previously published with b.DisplayID
	// (update_display_data).
	Update(b Bundle)
	// Clear clears the cell's output (clear_output); with wait, the clear
	// happens when the next output arrives.
	Clear(wait bool)
}
