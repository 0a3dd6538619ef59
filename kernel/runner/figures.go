package runner

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// WriteFigures writes every image output of nb into dir (created if
// needed) as files named STEM-CELL-K.EXT: CELL is the 1-based position of
// the cell in the notebook, K counts the cell's images from 1, and EXT is
// png, jpeg, gif or svg. An output holding both a PNG and an SVG of one
// figure gives both files with the same base name. It returns the paths
// written.
func (nb *Notebook) WriteFigures(dir, stem string) ([]string, error) {
	var paths []string
	for ci, c := range nb.Cells {
		k := 0
		for _, o := range c.Outputs {
			if o.Type != DisplayOutput && o.Type != ResultOutput {
				continue
			}
			wrote := false
			for _, f := range []struct{ mime, ext string }{
				{"image/png", "png"}, {"image/jpeg", "jpeg"}, {"image/gif", "gif"}, {"image/svg+xml", "svg"},
			} {
				s, ok := o.Data[f.mime].(string)
				if !ok {
					continue
				}
				if !wrote {
					k++
					wrote = true
				}
				var data []byte
				if f.ext == "svg" {
					data = []byte(s)
				} else {
					d, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
					if err != nil {
						return paths, fmt.Errorf("cell %d: %s output is not valid base64: %w", ci+1, f.mime, err)
					}
					data = d
				}
				if len(paths) == 0 {
					if err := os.MkdirAll(dir, 0o755); err != nil {
						return paths, err
					}
				}
				p := filepath.Join(dir, fmt.Sprintf("%s-%d-%d.%s", stem, ci+1, k, f.ext))
				if err := os.WriteFile(p, data, 0o644); err != nil {
					return paths, err
				}
				paths = append(paths, p)
			}
		}
	}
	return paths, nil
}
