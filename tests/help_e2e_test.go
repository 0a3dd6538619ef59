package tests

import (
	"strings"
	"testing"

	"github.com/gograd/gograd/kernel/kerneltest"
	"github.com/gograd/gograd/kernel/wire"
)

// TestE2EHelpAtCursor checks completion and inspection as a front end sees
// them over the wire (issue 14): completion of a package imported by the
// cell being typed, with each item's type in
// metadata._jupyter_types_experimental as ipykernel sends it, and
// Shift+Tab inside a call's parentheses.
func TestE2EHelpAtCursor(t *testing.T) {
	t.Parallel()
	p := startKernelProcess(t)
	code := "import \"strings\"\nstrings.ToUpp"
	var cr wire.CompleteReply
	p.request(t, kerneltest.Shell, "complete_request", wire.CompleteRequest{Code: code, CursorPos: len(code)}, &cr)
	if !contains(cr.Matches, "ToUpper") || cr.CursorStart != len(code)-len("ToUpp") || cr.CursorEnd != len(code) {
		t.Errorf("complete_reply %+v, want ToUpper replacing ToUpp", cr)
	}
	typed, _ := cr.Metadata["_jupyter_types_experimental"].([]any)
	if len(typed) != len(cr.Matches) {
		t.Fatalf("_jupyter_types_experimental has %d entries for %d matches: %v", len(typed), len(cr.Matches), cr.Metadata)
	}
	var found bool
	for i, e := range typed {
		m, _ := e.(map[string]any)
		if m["text"] != cr.Matches[i] || m["start"] != float64(cr.CursorStart) || m["end"] != float64(cr.CursorEnd) {
			t.Errorf("entry %d %v does not match the reply's match %q and range", i, m, cr.Matches[i])
		}
		if m["text"] == "ToUpper" {
			found = true
			if m["type"] != "function" || m["signature"] != "func(string) string" {
				t.Errorf("ToUpper's entry %v, want type function and signature func(string) string", m)
			}
		}
	}
	if !found {
		t.Errorf("no entry for ToUpper in %v", typed)
	}

	for _, c := range []struct{ code, want string }{
		{"ad.Grad(", "func Grad("},
		{"ad.Grad(ad.Tanh)(", "called: ad.Grad(…), a func("},
	} {
		var ir wire.InspectReply
		p.request(t, kerneltest.Shell, "inspect_request", wire.InspectRequest{Code: c.code, CursorPos: len([]rune(c.code))}, &ir)
		if text, _ := ir.Data["text/plain"].(string); !ir.Found || !strings.Contains(text, c.want) {
			t.Errorf("inspect_reply for %q: found %v, %q; want it to contain %q", c.code, ir.Found, text, c.want)
		}
	}
}
