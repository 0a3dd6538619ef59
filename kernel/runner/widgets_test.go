package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/gograd/gograd/display"
)

// TestWidgetsInNotebookAndPage runs a notebook with two Interacts in a
// real session: the saved notebook carries the widget state, and the page
// has live controls over pre-rendered outputs, one per combination.
func TestWidgetsInNotebookAndPage(t *testing.T) {
	nb := notebookOf(
		"# Widgets",
		`a := display.IntSlider("a", 0, 4, 1, 2)
display.Interact(func(a int) string { return fmt.Sprint("a squared is ", a*a) }, a)`,
		`c := display.Checkbox("double", false)
d := display.Dropdown("f", []string{"sin", "cos", "tan"}, "cos")
display.Interact(func(on bool, f string) string { return fmt.Sprint(f, " ", on) }, c, d)`,
		`a.SetValue(3)`,
	)
	if _, err := Run(context.Background(), nb, Options{Prerender: true}); err != nil {
		t.Fatal(err)
	}
	md, _ := nb.Metadata["widgets"].(map[string]any)
	ws, _ := md[display.WidgetStateMIME].(map[string]any)
	states, _ := ws["state"].(map[string]any)
	if ws["version_major"] != 2 || len(states) == 0 {
		t.Fatalf("widget state metadata: %v", nb.Metadata["widgets"])
	}
	found := false
	for _, s := range states {
		m := s.(map[string]any)
		st := m["state"].(map[string]any)
		if m["model_name"] == "IntSliderModel" {
			found = true
			if st["value"] != 3.0 {
				t.Errorf("saved IntSlider value: got %v, want 3 (set by the last cell)", st["value"])
			}
		}
		if m["model_module_version"] == nil || st["_model_name"] != m["model_name"] {
			t.Errorf("saved model %v lacks its module version or name", m)
		}
	}
	if !found {
		t.Errorf("no IntSliderModel in the saved state")
	}
	// The notebook round-trips through JSON.
	var buf bytes.Buffer
	if err := nb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(buf.Bytes()) {
		t.Fatal("written notebook is not JSON")
	}

	buf.Reset()
	if err := nb.WriteHTML(&buf, "w"); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if n := strings.Count(page, `class="widget-interact"`); n != 2 {
		t.Fatalf("page has %d interactive widgets, want 2", n)
	}
	datas := regexp.MustCompile(`<script type="application/json" class="wdata">(.*?)</script>`).FindAllStringSubmatch(page, -1)
	want := [][]string{
		{"a squared is 0", "a squared is 1", "a squared is 4", "a squared is 9", "a squared is 16"},
		// The checkbox varies slowest, then the dropdown.
		{"sin false", "cos false", "tan false", "sin true", "cos true", "tan true"},
	}
	for i, d := range datas {
		var frags []string
		if err := json.Unmarshal([]byte(d[1]), &frags); err != nil {
			t.Fatal(err)
		}
		if len(frags) != len(want[i]) {
			t.Errorf("widget %d: %d outputs, want %d", i, len(frags), len(want[i]))
			continue
		}
		for k, w := range want[i] {
			if !strings.Contains(frags[k], w) {
				t.Errorf("widget %d output %d: got %q, want %q", i, k, frags[k], w)
			}
		}
	}
	// The page opens on the cell's values, and has the script and no
	// reference to anything outside it.
	if !strings.Contains(page, `<div class="wout"><pre>a squared is 4</pre></div>`) ||
		!strings.Contains(page, `<div class="wout"><pre>cos false</pre></div>`) {
		t.Errorf("initial outputs missing from the page")
	}
	if !strings.Contains(page, "querySelectorAll('.widget-interact')") || strings.Contains(page, "http") && regexp.MustCompile(`src="http`).MatchString(page) {
		t.Errorf("page script missing, or it loads something")
	}
}
