package runner

import (
	"fmt"
	"io"
	"regexp"
	"strings"
)

// ReadMarkdown builds a notebook from a Markdown document, the way the
// tutorials in notebooks/src are written: every fenced code block whose
// info string is "go" becomes a code cell, and the prose between code
// blocks becomes one Markdown cell (a line "<!-- cell -->" starts another).
// Other fenced blocks stay in the prose. Cells get the stable ids
// "<idPrefix>-<n>" (n from 1), so regenerating a notebook from an edited
// source changes only the cells that moved.
//
// It returns an error for an unterminated code block or an invalid id
// prefix.
func ReadMarkdown(r io.Reader, idPrefix string) (*Notebook, error) {
	if !validCellID.MatchString(idPrefix + "-1") {
		return nil, fmt.Errorf("notebook: invalid cell id prefix %q", idPrefix)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	nb := &Notebook{Metadata: map[string]any{}, NBFormatMinor: 5}
	var prose []string
	flushProse := func() {
		text := strings.Trim(strings.Join(prose, "\n"), "\n")
		prose = prose[:0]
		if strings.TrimSpace(text) == "" {
			return
		}
		nb.Cells = append(nb.Cells, &Cell{Type: MarkdownCell, Source: text, Metadata: map[string]any{}})
	}
	goFence := regexp.MustCompile("^(```+)\\s*go\\s*$")
	otherFence := regexp.MustCompile("^(```+|~~~+)")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if m := goFence.FindStringSubmatch(line); m != nil {
			start := i
			var code []string
			for i++; i < len(lines) && strings.TrimSpace(lines[i]) != m[1]; i++ {
				code = append(code, lines[i])
			}
			if i == len(lines) {
				return nil, fmt.Errorf("notebook: line %d: code block never closed", start+1)
			}
			flushProse()
			nb.Cells = append(nb.Cells, &Cell{Type: CodeCell, Source: strings.Join(code, "\n"), Metadata: map[string]any{}})
			continue
		}
		if m := otherFence.FindStringSubmatch(line); m != nil {
			// Copy a non-Go fenced block into the prose verbatim.
			prose = append(prose, line)
			for i++; i < len(lines); i++ {
				prose = append(prose, lines[i])
				if strings.HasPrefix(strings.TrimSpace(lines[i]), m[1]) {
					break
				}
			}
			continue
		}
		if strings.TrimSpace(line) == "<!-- cell -->" {
			flushProse()
			continue
		}
		prose = append(prose, line)
	}
	flushProse()
	for i, c := range nb.Cells {
		c.ID = fmt.Sprintf("%s-%d", idPrefix, i+1)
	}
	return nb, nil
}
