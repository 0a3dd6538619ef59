package session

import (
	"sort"
	"sync"
)

// lineTable numbers the lines of all cells of a session in one sequence.
// The interpreter scopes imports by file name, so every cell is compiled
// under the same file name (posFile) and a position's line must say which
// cell it belongs to: each cell is given a base, and its line L is written
// base+L. Bases are allocated in order with a gap after each cell's last
// line, so the numbers grow with the session's total line count (Go's
// scanner accepts lines up to 2^30, a billion lines of notebook), not with
// the number of cells.
type lineTable struct {
	mu    sync.Mutex
	bases []int    // increasing
	files []string // the cell of each base
	next  int
}

// add allocates the base of a cell of n lines.
func (t *lineTable) add(file string, n int) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	base := t.next
	t.bases = append(t.bases, base)
	t.files = append(t.files, file)
	// Line n+1 (a wrapper's closing brace) still belongs to the cell.
	t.next = base + n + 2
	return base
}

// lookup maps a line of the global numbering back to a cell and its line.
func (t *lineTable) lookup(big int) (string, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := sort.SearchInts(t.bases, big) - 1 // last base < big
	if k < 0 {
		return "cell0", big
	}
	return t.files[k], big - t.bases[k]
}
