package kernel

import (
	"context"

	"github.com/gograd/gograd/kernel/wire"
)

// historySession is the session number this kernel reports in history
// replies. History covers this kernel process only; requests for other
// (earlier) sessions get an empty list.
const historySession = 1

// handleHistory answers history_request: tail (the last n cells), range
// (cells start ≤ line < stop of this session; session 0 means this one) and
// search (cells matching a glob pattern, last n, optionally unique).
func (k *Kernel) handleHistory(_ context.Context, req *Request) {
	var c wire.HistoryRequest
	if err := req.Msg.DecodeContent(&c); err != nil {
		req.ReplyError("BadRequest", err.Error())
		return
	}
	var entries []historyEntry
	switch c.HistAccessType {
	case "tail":
		entries = lastN(k.history, c.N)
	case "range":
		if c.Session == 0 || c.Session == historySession {
			for _, e := range k.history {
				if e.line >= c.Start && (c.Stop <= 0 || e.line < c.Stop) {
					entries = append(entries, e)
				}
			}
		}
	case "search":
		var matched []historyEntry
		for _, e := range k.history {
			if globMatch(c.Pattern, e.input) {
				matched = append(matched, e)
			}
		}
		if c.Unique {
			matched = uniqueByInput(matched)
		}
		entries = lastN(matched, c.N)
	default:
		req.ReplyError("BadRequest", "hist_access_type "+quote(c.HistAccessType)+" is not one of range, tail, search")
		return
	}
	out := make([][]any, 0, len(entries))
	for _, e := range entries {
		if c.Output {
			var output any
			if e.output != "" {
				output = e.output
			}
			out = append(out, []any{historySession, e.line, []any{e.input, output}})
		} else {
			out = append(out, []any{historySession, e.line, e.input})
		}
	}
	req.Reply(wire.HistoryReply{Status: wire.StatusOK, History: out})
}

// lastN returns the last n entries, or all of them when n ≤ 0.
func lastN(es []historyEntry, n int) []historyEntry {
	if n > 0 && n < len(es) {
		return es[len(es)-n:]
	}
	return es
}

// uniqueByInput keeps the last occurrence of each input, in order.
func uniqueByInput(es []historyEntry) []historyEntry {
	last := map[string]int{}
	for i, e := range es {
		last[e.input] = i
	}
	var out []historyEntry
	for i, e := range es {
		if last[e.input] == i {
			out = append(out, e)
		}
	}
	return out
}

// globMatch reports whether s matches pattern as SQLite's GLOB does (the
// operator IPython's history search uses): * matches any run of
// characters, ? one character, [abc] / [a-z] / [^a] a class; matching is
// case-sensitive and covers the whole string, newlines included. An empty
// pattern matches everything.
func globMatch(pattern, s string) bool {
	if pattern == "" {
		return true
	}
	p, t := []rune(pattern), []rune(s)
	// Iterative matcher with one backtrack point for the last star.
	pi, ti := 0, 0
	starP, starT := -1, 0
	for ti < len(t) {
		if pi < len(p) {
			switch p[pi] {
			case '*':
				starP, starT = pi, ti
				pi++
				continue
			case '?':
				pi++
				ti++
				continue
			case '[':
				if ok, next, valid := matchClass(p, pi, t[ti]); valid {
					if ok {
						pi = next
						ti++
						continue
					}
				} else if p[pi] == t[ti] { // an unclosed [ is literal
					pi++
					ti++
					continue
				}
			default:
				if p[pi] == t[ti] {
					pi++
					ti++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starT++
		pi, ti = starP+1, starT
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// matchClass matches c against the class starting at p[i] == '['. It
// returns whether c is in the class, the index after the class, and
// whether the class is well-formed (closed by ]).
func matchClass(p []rune, i int, c rune) (match bool, next int, valid bool) {
	j := i + 1
	negate := false
	if j < len(p) && p[j] == '^' {
		negate = true
		j++
	}
	first := true
	for j < len(p) && (first || p[j] != ']') {
		lo := p[j]
		hi := lo
		if j+2 < len(p) && p[j+1] == '-' && p[j+2] != ']' {
			hi = p[j+2]
			j += 2
		}
		if lo <= c && c <= hi {
			match = true
		}
		j++
		first = false
	}
	if j >= len(p) {
		return false, 0, false
	}
	return match != negate, j + 1, true
}

func quote(s string) string { return "\"" + s + "\"" }
