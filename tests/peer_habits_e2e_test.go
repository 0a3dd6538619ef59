package tests

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestE2EPeerHabitsNotebook runs testdata/peer_habits.ipynb, Go as
// gophernotes' and GoNB's notebooks write it, with `gograd run`: the
// package clause is ignored, func main runs once after the cell declaring
// it and never again, a cell type with an HTML method displays as HTML,
// and a plotutil figure renders.
func TestE2EPeerHabitsNotebook(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "out.ipynb")
	cmd := exec.Command(gogradBin, "run", "testdata/peer_habits.ipynb", "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gograd run: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			CellType string `json:"cell_type"`
			Outputs  []struct {
				OutputType string         `json:"output_type"`
				Name       string         `json:"name"`
				Text       any            `json:"text"`
				Data       map[string]any `json:"data"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatal(err)
	}
	text := func(v any) string {
		switch v := v.(type) {
		case string:
			return v
		case []any:
			var b strings.Builder
			for _, s := range v {
				b.WriteString(s.(string))
			}
			return b.String()
		}
		return ""
	}
	// Per code cell: the outputs' kinds ("stdout:TEXT" or the sorted MIME
	// types of a result) and a text the result's HTML or plain text holds.
	want := []struct {
		kinds    []string
		contains string
	}{
		{kinds: []string{"stdout:Hello World!\n"}},
		{kinds: nil},
		{kinds: []string{"text/plain"}, contains: "42"},
		{kinds: []string{"text/plain"}, contains: `"GOPHERNOTES"`},
		{kinds: []string{"stdout:x = 40\n"}},
		{kinds: []string{"text/html text/plain"}, contains: `<span class="badge">go</span>`},
		{kinds: []string{"image/png image/svg+xml text/plain"}},
	}
	var code int
	for _, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		if code >= len(want) {
			t.Fatalf("more code cells than expected")
		}
		w := want[code]
		code++
		var kinds []string
		found := w.contains == ""
		for _, o := range c.Outputs {
			switch o.OutputType {
			case "stream":
				kinds = append(kinds, o.Name+":"+text(o.Text))
			case "execute_result", "display_data":
				var mimes []string
				for m, v := range o.Data {
					mimes = append(mimes, m)
					if w.contains != "" && strings.Contains(text(v), w.contains) {
						found = true
					}
				}
				slices.Sort(mimes)
				kinds = append(kinds, strings.Join(mimes, " "))
			default:
				kinds = append(kinds, o.OutputType)
			}
		}
		if !slices.Equal(kinds, w.kinds) || !found {
			t.Errorf("code cell %d: outputs %q, want %q containing %q", code, kinds, w.kinds, w.contains)
		}
	}
	if code != len(want) {
		t.Errorf("%d code cells, want %d", code, len(want))
	}
}
