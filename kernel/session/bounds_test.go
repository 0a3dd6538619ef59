package session

import (
	"fmt"
	"strings"
	"testing"
)

// goPanic returns the message of the panic f raises, as compiled Go says
// it.
func goPanicMsg(f func()) (msg string) {
	defer func() { msg = fmt.Sprint(recover()) }()
	f()
	return ""
}

// TestBoundsErrors checks that index and slice errors say exactly what Go
// says, with the values, and name the line.
func TestBoundsErrors(t *testing.T) {
	xs := []int{1, 2, 3}
	c5 := make([]int, 3, 5)
	var a [3]int
	i, j, k, n := 5, -1, 4, 7
	s := "abc"
	cases := []struct {
		name, code string
		want       string // the error's value
		line       string // the traceback's line naming the statement
	}{
		{"slice index", "xs := []int{1, 2, 3}\ni := 5\nxs[i]", goPanicMsg(func() { _ = xs[i] }), "cell 1, line 3, at top level"},
		{"constant index", "xs := []int{1, 2, 3}\nxs[5]", goPanicMsg(func() { _ = xs[i] }), "cell 1, line 2, at top level"},
		{"negative index", "xs := []int{1, 2, 3}\ni := 0\ny := xs[i-1]\n_ = y", goPanicMsg(func() { _ = xs[j] }), "cell 1, line 3, at top level"},
		{"negative index in a variable: Go's words, no values", "xs := []int{1, 2, 3}\nj := -1\ny := xs[j]\n_ = y", "runtime error: index out of range", "cell 1, line 3, at top level"},
		{"string index", "s := \"abc\"\ni := 5\ns[i]", goPanicMsg(func() { _ = s[i] }), "cell 1, line 3, at top level"},
		{"array index", "var a [3]int\nk := 4\na[k] = 1", goPanicMsg(func() { a[k] = 1 }), "cell 1, line 3, at top level"},
		{"pointer to array", "var a [3]int\np := &a\nk := 4\np[k]", goPanicMsg(func() { p := &a; _ = p[k] }), "cell 1, line 4, at top level"},
		{"slice beyond capacity", "c5 := make([]int, 3, 5)\nn := 7\nc5[:n]", goPanicMsg(func() { _ = c5[:n] }), "cell 1, line 3, at top level"},
		{"slice low above high", "xs := []int{1, 2, 3}\nlo, hi := 3, 2\nxs[lo:hi]", goPanicMsg(func() { lo, hi := 3, 2; _ = xs[lo:hi] }), "cell 1, line 3, at top level"},
		{"slice low above length", "xs := []int{1, 2, 3}\nk := 4\nxs[k:]", goPanicMsg(func() { _ = xs[k:] }), "cell 1, line 3, at top level"},
		{"string slice", "s := \"abc\"\nn := 7\ns[1:n]", goPanicMsg(func() { _ = s[1:n] }), "cell 1, line 3, at top level"},
		{"array slice", "var a [3]int\nn := 7\na[:n]", goPanicMsg(func() { _ = a[:n] }), "cell 1, line 3, at top level"},
		{"three-index slice", "xs := []int{1, 2, 3}\nn := 7\nxs[0:2:n]", goPanicMsg(func() { _ = xs[0:2:n] }), "cell 1, line 3, at top level"},
		{"in a function", "func last(xs []int) int {\n\tn := len(xs)\n\treturn xs[n] + 1\n}\nlast([]int{1, 2, 3})", goPanicMsg(func() { _ = xs[len(xs)] }), "cell 1, line 3, in last"},
		{"nested", "m := [][]int{{1}, {1, 2}}\ni, j := 1, 2\nm[i][j]", goPanicMsg(func() { m := [][]int{{1}, {1, 2}}; _ = m[1][j+3] }), "cell 1, line 3, at top level"},
		{"argument of a call", "xs := []int{1, 2, 3}\ni := 5\nfmt.Println(xs[i])", goPanicMsg(func() { _ = xs[i] }), "cell 1, line 3, at top level"},
		{"unsigned index", "xs := []int{1, 2, 3}\nvar u uint16 = 5\nxs[u]", goPanicMsg(func() { var u uint16 = 5; _ = xs[u] }), "cell 1, line 3, at top level"},
		{"int32 slice bounds", "xs := []int{1, 2, 3}\nvar h int32 = 9\nxs[1:h]", goPanicMsg(func() { var h int32 = 9; _ = xs[1:h] }), "cell 1, line 3, at top level"},
		{"in a loop, with a call", "xs := []int{1, 2, 3}\nfor i := 0; i <= len(xs); i++ {\n\tfmt.Println(xs[i])\n}", goPanicMsg(func() { _ = xs[i-2] }), "cell 1, line 3, at top level"},
		{"in a loop in a function, appending", "func evens(xs []int, n int) []int {\n\tvar out []int\n\tfor i := 0; i < n; i += 2 {\n\t\tout = append(out, xs[i])\n\t}\n\treturn out\n}\nevens([]int{1, 2, 3}, 5)", goPanicMsg(func() { _ = xs[k] }), "cell 1, line 4, in evens"},
		{"in a loop: Go's words, no values", "xs := []int{1, 2, 3}\ns := 0\nfor i := 0; i <= len(xs); i++ {\n\ts += xs[i]\n}", "runtime error: index out of range", "cell 1, line 4, at top level"},
		{"slice in a loop", "xs := []int{1, 2, 3}\nfor i := 0; i < 2; i++ {\n\t_ = xs[i+2:5]\n}", "runtime error: slice bounds out of range", "cell 1, line 3, at top level"},
	}
	if !strings.Contains(cases[0].want, "[5] with length 3") || !strings.Contains(cases[14].want, "[2] with length 2") {
		t.Fatalf("the reference messages are not what this test expects: %q %q", cases[0].want, cases[13].want)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSession(t)
			_, res := run(t, s, c.code)
			if res.Err == nil {
				t.Fatalf("no error")
			}
			if res.Err.Value != c.want {
				t.Errorf("error %s: %q, want %q", res.Err.Name, res.Err.Value, c.want)
			}
			if !strings.Contains(strings.Join(res.Err.Traceback, "\n"), c.line) {
				t.Errorf("traceback does not name %q:\n%s", c.line, strings.Join(res.Err.Traceback, "\n"))
			}
		})
	}
}

// TestBoundsChecksKeepMeaning runs valid cells whose index expressions a
// bounds check must not make fail (short-circuits, maps, operands changed
// by a call before the index).
func TestBoundsChecksKeepMeaning(t *testing.T) {
	cases := []struct{ name, code, want string }{
		{"guarded by &&", "xs := []int{1, 2, 3}\ni := 5\ni < len(xs) && xs[i] > 0", "false"},
		{"guarded by ||", "xs := []int{1, 2, 3}\ni := 5\ni >= len(xs) || xs[i] > 0", "true"},
		{"map index", "m := map[int]int{}\nm[5]", "0"},
		{"guarded by && in a loop with a call", "xs := []int{1, 2, 3}\nn := 0\nfor i := 0; i < 5; i++ {\n\tif i < len(xs) && math.Abs(float64(xs[i])) > 1 {\n\t\tn++\n\t}\n}\nn", "2"},
		{"loop with a call changing the slice first", "xs := []int{1}\nfunc grow() int { xs = append(xs, 5); return 0 }\nt := 0\nfor i := 0; i < 3; i++ {\n\tt += grow() + xs[i+1]\n}\nt", "15"},
		{"grown by a call first", "xs := []int{1}\nfunc grow() int { xs = append(xs, 2, 3); return 1 }\ngrow() + xs[2]", "4"},
		{"index in if condition", "xs := []int{1, 2, 3}\nv := 0\nif xs[2] == 3 {\n\tv = xs[0]\n}\nv", "1"},
		{"full slice", "xs := []int{1, 2, 3}\nlen(xs[:]) + len(xs[1:]) + len(xs[:2]) + len(\"abc\"[1:])", "9"},
		{"three-index", "xs := make([]int, 2, 4)\ncap(xs[1:2:3])", "2"},
		{"unsigned index", "xs := []int{1, 2, 3}\nvar u uint8 = 2\nxs[u]", "3"},
		{"unsigned slice bounds", "xs := []int{1, 2, 3}\nvar u uint8 = 2\nlen(xs[u:]) + len(xs[:u]) + len(xs[1:u])", "4"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSession(t)
			_, res := run(t, s, c.code)
			if res.Err != nil {
				t.Fatalf("%s", strings.Join(res.Err.Traceback, "\n"))
			}
			if plain(res) != c.want {
				t.Errorf("got %q, want %q", plain(res), c.want)
			}
		})
	}
}
