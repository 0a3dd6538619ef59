package runner

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/gograd/gograd/display"
)

// Notebook is a Jupyter notebook in nbformat 4. Reading accepts any 4.x
// minor version; writing produces 4.5 (every cell has an id).
type Notebook struct {
	Metadata map[string]any
	Cells    []*Cell
	// NBFormatMinor is the minor version read; Write always writes 5.
	NBFormatMinor int

	// prerendered holds, by widget model id, the Interacts computed ahead
	// for the HTML page (Options.Prerender); widgetCount numbers them in
	// the page being written.
	prerendered map[string]*display.Prerendering
	widgetCount int
}

// Cell types.
const (
	CodeCell     = "code"
	MarkdownCell = "markdown"
	RawCell      = "raw"
)

// Cell is one notebook cell.
type Cell struct {
	ID     string
	Type   string // CodeCell, MarkdownCell or RawCell
	Source string
	// Metadata and Attachments are kept as read.
	Metadata    map[string]any
	Attachments map[string]any
	// ExecutionCount is nil for a code cell that has not run.
	ExecutionCount *int
	Outputs        []*Output
}

// Output types, the output_type field of an output.
const (
	StreamOutput  = "stream"
	DisplayOutput = "display_data"
	ResultOutput  = "execute_result"
	ErrorOutput   = "error"
)

// Output is one output of a code cell, as stored in a notebook.
type Output struct {
	Type string // StreamOutput, DisplayOutput, ResultOutput or ErrorOutput

	// Stream: Name is "stdout" or "stderr".
	Name string
	Text string

	// Display data and execute results.
	Data           map[string]any
	Metadata       map[string]any
	ExecutionCount *int // execute_result only

	// Errors.
	EName     string
	EValue    string
	Traceback []string

	// displayID is the transient display id (never written).
	displayID string
}

var validCellID = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// Read parses an nbformat 4 notebook. It returns an error naming the
// problem for JSON that is not a notebook, another major version, or a
// malformed cell.
func Read(r io.Reader) (*Notebook, error) {
	var raw struct {
		NBFormat      *int              `json:"nbformat"`
		NBFormatMinor int               `json:"nbformat_minor"`
		Metadata      map[string]any    `json:"metadata"`
		Cells         []json.RawMessage `json:"cells"`
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("notebook: not a JSON notebook: %w", err)
	}
	if raw.NBFormat == nil {
		return nil, fmt.Errorf("notebook: no nbformat field; not a Jupyter notebook")
	}
	if *raw.NBFormat != 4 {
		return nil, fmt.Errorf("notebook: nbformat %d is not supported; convert it with `jupyter nbconvert --to notebook --nbformat 4`", *raw.NBFormat)
	}
	nb := &Notebook{Metadata: raw.Metadata, NBFormatMinor: raw.NBFormatMinor}
	if nb.Metadata == nil {
		nb.Metadata = map[string]any{}
	}
	for i, rc := range raw.Cells {
		c, err := readCell(rc)
		if err != nil {
			return nil, fmt.Errorf("notebook: cell %d: %w", i+1, err)
		}
		nb.Cells = append(nb.Cells, c)
	}
	nb.fixIDs()
	return nb, nil
}

func readCell(data json.RawMessage) (*Cell, error) {
	var rc struct {
		ID             string            `json:"id"`
		CellType       string            `json:"cell_type"`
		Source         multiline         `json:"source"`
		Metadata       map[string]any    `json:"metadata"`
		Attachments    map[string]any    `json:"attachments"`
		ExecutionCount *int              `json:"execution_count"`
		Outputs        []json.RawMessage `json:"outputs"`
	}
	if err := json.Unmarshal(data, &rc); err != nil {
		return nil, err
	}
	switch rc.CellType {
	case CodeCell, MarkdownCell, RawCell:
	default:
		return nil, fmt.Errorf("unknown cell_type %q", rc.CellType)
	}
	c := &Cell{ID: rc.ID, Type: rc.CellType, Source: string(rc.Source), Metadata: rc.Metadata,
		Attachments: rc.Attachments, ExecutionCount: rc.ExecutionCount}
	if c.Metadata == nil {
		c.Metadata = map[string]any{}
	}
	if c.Type != CodeCell {
		c.ExecutionCount = nil
		return c, nil
	}
	for j, ro := range rc.Outputs {
		o, err := readOutput(ro)
		if err != nil {
			return nil, fmt.Errorf("output %d: %w", j+1, err)
		}
		c.Outputs = append(c.Outputs, o)
	}
	return c, nil
}

func readOutput(data json.RawMessage) (*Output, error) {
	var ro struct {
		OutputType     string               `json:"output_type"`
		Name           string               `json:"name"`
		Text           multiline            `json:"text"`
		Data           map[string]multiJSON `json:"data"`
		Metadata       map[string]any       `json:"metadata"`
		ExecutionCount *int                 `json:"execution_count"`
		EName          string               `json:"ename"`
		EValue         string               `json:"evalue"`
		Traceback      []string             `json:"traceback"`
	}
	if err := json.Unmarshal(data, &ro); err != nil {
		return nil, err
	}
	o := &Output{Type: ro.OutputType}
	switch ro.OutputType {
	case StreamOutput:
		o.Name, o.Text = ro.Name, string(ro.Text)
	case DisplayOutput, ResultOutput:
		o.Data = map[string]any{}
		for k, v := range ro.Data {
			o.Data[k] = v.value
		}
		o.Metadata = ro.Metadata
		if ro.OutputType == ResultOutput {
			o.ExecutionCount = ro.ExecutionCount
		}
	case ErrorOutput:
		o.EName, o.EValue, o.Traceback = ro.EName, ro.EValue, ro.Traceback
	default:
		return nil, fmt.Errorf("unknown output_type %q", ro.OutputType)
	}
	return o, nil
}

// multiline is a notebook string field, stored as a string or a list of
// lines.
type multiline string

func (m *multiline) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*m = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*m = multiline(s)
		return nil
	}
	var lines []string
	if err := json.Unmarshal(b, &lines); err != nil {
		return fmt.Errorf("want a string or a list of strings, got %s", abbreviate(b))
	}
	*m = multiline(strings.Join(lines, ""))
	return nil
}

// multiJSON is a MIME bundle value: a multiline string for text types,
// any JSON value for JSON types.
type multiJSON struct{ value any }

func (m *multiJSON) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if list, ok := v.([]any); ok {
		var sb strings.Builder
		for _, x := range list {
			s, ok := x.(string)
			if !ok {
				m.value = v // a JSON array, not lines
				return nil
			}
			sb.WriteString(s)
		}
		m.value = sb.String()
		return nil
	}
	m.value = v
	return nil
}

func abbreviate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}

// fixIDs gives every cell a valid id that is unique in the notebook,
// keeping the ids it has when they are valid and unique (nbformat 4.5).
func (nb *Notebook) fixIDs() {
	seen := map[string]bool{}
	for _, c := range nb.Cells {
		if !validCellID.MatchString(c.ID) || seen[c.ID] {
			c.ID = ""
		} else {
			seen[c.ID] = true
		}
	}
	for _, c := range nb.Cells {
		for c.ID == "" {
			id := newCellID()
			if !seen[id] {
				c.ID = id
				seen[id] = true
			}
		}
	}
}

// newCellID returns a random 8-hex-digit id, like nbformat's.
func newCellID() string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// Write encodes nb as nbformat 4.5 JSON the way Jupyter does: keys
// sorted, one-space indent, multi-line strings split into lists of lines,
// non-ASCII kept, a final newline.
func (nb *Notebook) Write(w io.Writer) error {
	nb.fixIDs()
	cells := make([]any, 0, len(nb.Cells))
	for _, c := range nb.Cells {
		cells = append(cells, c.jsonValue())
	}
	meta := nb.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	doc := map[string]any{
		"cells":          cells,
		"metadata":       meta,
		"nbformat":       4,
		"nbformat_minor": 5,
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("notebook: encoding: %w", err)
	}
	return nil
}

func (c *Cell) jsonValue() map[string]any {
	meta := c.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	m := map[string]any{
		"id":        c.ID,
		"cell_type": c.Type,
		"metadata":  meta,
		"source":    splitLines(c.Source),
	}
	if c.Type != CodeCell {
		if len(c.Attachments) > 0 {
			m["attachments"] = c.Attachments
		}
		return m
	}
	m["execution_count"] = intOrNil(c.ExecutionCount)
	outs := make([]any, 0, len(c.Outputs))
	for _, o := range c.Outputs {
		outs = append(outs, o.jsonValue())
	}
	m["outputs"] = outs
	return m
}

func (o *Output) jsonValue() map[string]any {
	m := map[string]any{"output_type": o.Type}
	switch o.Type {
	case StreamOutput:
		m["name"] = o.Name
		m["text"] = splitLines(o.Text)
	case DisplayOutput, ResultOutput:
		data := map[string]any{}
		for k, v := range o.Data {
			if s, ok := v.(string); ok && !isJSONMime(k) {
				data[k] = splitLines(s)
			} else {
				data[k] = v
			}
		}
		m["data"] = data
		meta := o.Metadata
		if meta == nil {
			meta = map[string]any{}
		}
		m["metadata"] = meta
		if o.Type == ResultOutput {
			m["execution_count"] = intOrNil(o.ExecutionCount)
		}
	case ErrorOutput:
		m["ename"] = o.EName
		m["evalue"] = o.EValue
		tb := o.Traceback
		if tb == nil {
			tb = []string{}
		}
		m["traceback"] = tb
	}
	return m
}

// isJSONMime reports whether a MIME type's value is JSON data rather than
// text (application/json and any +json type).
func isJSONMime(mime string) bool {
	return mime == "application/json" || strings.HasSuffix(mime, "+json")
}

func intOrNil(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// splitLines splits s after each newline, as Python's
// str.splitlines(True) does for "\n"; "" gives an empty list.
func splitLines(s string) []string {
	lines := []string{}
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// CodeCells returns the code cells in order.
func (nb *Notebook) CodeCells() []*Cell {
	var cs []*Cell
	for _, c := range nb.Cells {
		if c.Type == CodeCell {
			cs = append(cs, c)
		}
	}
	return cs
}

// sortedKeys returns m's keys in order.
func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
