package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// notebooksDir is the repository's tutorials folder.
const notebooksDir = "../../notebooks"

// TestCommittedNotebooksMatchSources checks every tutorial against its
// Markdown source: same cells (ids, types, sources), executed top to
// bottom, no errors. Regenerate with notebooks/regenerate.sh.
func TestCommittedNotebooksMatchSources(t *testing.T) {
	t.Parallel()
	sources, err := filepath.Glob(filepath.Join(notebooksDir, "src", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) == 0 {
		t.Fatalf("no notebook sources in %s/src", notebooksDir)
	}
	for _, src := range sources {
		stem := strings.TrimSuffix(filepath.Base(src), ".md")
		t.Run(stem, func(t *testing.T) {
			t.Parallel()
			want := readMarkdownFile(t, src, stem)
			f, err := os.Open(filepath.Join(notebooksDir, stem+".ipynb"))
			if err != nil {
				t.Fatalf("no committed notebook for %s: %v (run notebooks/regenerate.sh %s)", src, err, stem)
			}
			defer f.Close()
			got, err := Read(f)
			if err != nil {
				t.Fatal(err)
			}
			if got.NBFormatMinor != 5 {
				t.Errorf("nbformat 4.%d, want 4.5", got.NBFormatMinor)
			}
			if len(got.Cells) != len(want.Cells) {
				t.Fatalf("%d cells, source has %d: stale, run notebooks/regenerate.sh %s", len(got.Cells), len(want.Cells), stem)
			}
			count := 0
			for i, c := range got.Cells {
				w := want.Cells[i]
				if c.ID != w.ID || c.Type != w.Type || c.Source != w.Source {
					t.Errorf("cell %d (%s) differs from its source: stale, run notebooks/regenerate.sh %s", i+1, w.ID, stem)
					continue
				}
				if c.Type != CodeCell || strings.TrimSpace(c.Source) == "" {
					continue
				}
				count++
				if c.ExecutionCount == nil || *c.ExecutionCount != count {
					t.Errorf("cell %s: execution count %v, want %d (run top to bottom)", c.ID, c.ExecutionCount, count)
				}
				for _, o := range c.Outputs {
					if o.Type == ErrorOutput {
						t.Errorf("cell %s committed with an error: %s: %s", c.ID, o.EName, o.EValue)
					}
				}
			}
			if ks, _ := got.Metadata["kernelspec"].(map[string]any); ks["name"] != "gograd" {
				t.Errorf("kernelspec metadata = %v, want name gograd", got.Metadata["kernelspec"])
			}
		})
	}
}

func readMarkdownFile(t *testing.T, path, stem string) *Notebook {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	nb, err := ReadMarkdown(f, stem)
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

// TestRunTanhNotebook executes the first tutorial in a real session and
// checks the numbers and figures a newcomer sees.
func TestRunTanhNotebook(t *testing.T) {
	nb := readMarkdownFile(t, filepath.Join(notebooksDir, "src", "01-tanh.md"), "01-tanh")
	sum, err := Run(context.Background(), nb, Options{})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if sum.Errors != 0 {
		t.Fatalf("%d cells failed", sum.Errors)
	}
	var stdout strings.Builder
	figures := 0
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			switch o.Type {
			case StreamOutput:
				stdout.WriteString(o.Text)
			case ResultOutput, DisplayOutput:
				if _, ok := o.Data["image/png"].(string); ok {
					if _, ok := o.Data["image/svg+xml"].(string); !ok {
						t.Errorf("figure without SVG: %v", o.Data["text/plain"])
					}
					meta, _ := o.Metadata["image/png"].(map[string]any)
					if meta["width"] == nil || meta["height"] == nil {
						t.Errorf("figure without width/height metadata: %v", o.Metadata)
					}
					figures++
				}
			}
		}
	}
	if !strings.Contains(stdout.String(), "0.39322386648296376\n") {
		t.Errorf("printed output lacks the exact derivative 0.39322386648296376:\n%s", stdout.String())
	}
	if figures != 3 {
		t.Errorf("%d figures, want 3 (the six-derivative figure twice, then in panels)", figures)
	}
}

// BenchmarkRunTanhNotebook measures a whole headless run of the first
// tutorial: a fresh session, eight cells, three figures.
func BenchmarkRunTanhNotebook(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(notebooksDir, "src", "01-tanh.md"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		nb, err := ReadMarkdown(strings.NewReader(string(src)), "01-tanh")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Run(context.Background(), nb, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
