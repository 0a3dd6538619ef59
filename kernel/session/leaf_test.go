package session

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

func TestIsLeaf(t *testing.T) {
	sc := leafScope{
		pkgs:    map[string]bool{"ad": true, "math": true, "fmt": true, "sort": true},
		globals: map[string]bool{"helper": true, "state": true},
	}
	cases := []struct {
		src  string
		leaf bool
	}{
		{"func f(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(x, x)) }", true},
		{"func f(x float64) float64 { return math.Sin(x) * x }", true},
		{"func f(xs []float64) (s float64) { for _, x := range xs { s += x }; return }", true},
		{"func f(n int) float64 { return float64(n) / 2 }", true},
		{"func f(n int) int { return f(n - 1) }", false},
		{"func f(n int) int { return helper(n) }", false},
		{"func f(n int) int { return state }", false},
		{"func f(g func(int) int, n int) int { return 0 }", false},
		{"func f(v any) int { return 0 }", false},
		{"func f(p Point) float64 { return 0 }", false},
		{"func f(x *ad.Tensor) int { return x.Size() }", false},
		{"func f(xs []int) { sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] }) }", false},
		{"func f() { go fmt.Println() }", false},
		{"func f() { defer fmt.Println() }", false},
		{"func f() int { return T(1) }", false},
		{"func f(x *ad.Tensor) *ad.Tensor { return ad.Grad(helper)(x) }", false},
	}
	for _, c := range cases {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "x.go", "package main\n"+c.src, 0)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		fd := f.Decls[0].(*ast.FuncDecl)
		if got := sc.isLeaf(fd.Type, fd.Body); got != c.leaf {
			t.Errorf("isLeaf(%s) = %v, want %v", c.src, got, c.leaf)
		}
	}
}

// TestLeafCallsStillCaught checks recursion through leaf-looking code:
// the cycle always has a guarded member.
func TestLeafCallsStillCaught(t *testing.T) {
	skipIfRace(t)
	s := newSession(t)
	_, res := run(t, s, "func sq(x float64) float64 { return x * x }\nfunc rec(n int) float64 { return sq(float64(n)) + rec(n+1) }\nrec(0)")
	if errName(res) != "RecursionError" {
		t.Fatalf("got %v, want RecursionError", res.Err)
	}
	_, res = run(t, s, "sq(3)")
	if plain(res) != "9" {
		t.Errorf("leaf function: %q %v", plain(res), res.Err)
	}
}

// TestGuardPlacement checks that the rewrite guards fib and not sq.
func TestGuardPlacement(t *testing.T) {
	s := newSession(t)
	for _, c := range []struct {
		code    string
		guarded bool
	}{
		{"func sq(x float64) float64 { return x * x }", false},
		{"func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }", true},
	} {
		chunks, cerr := s.prepare("cell1", c.code)
		if cerr != nil {
			t.Fatal(cerr)
		}
		n, err := parseChunk(token.NewFileSet(), chunks[0])
		if err != nil {
			t.Fatal(err)
		}
		found := false
		ast.Inspect(n, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "Deep" {
				found = true
			}
			return true
		})
		if found != c.guarded {
			t.Errorf("%s: guarded = %v, want %v", c.code, found, c.guarded)
		}
	}
}

// TestCalibration checks the measured stack per interpreted call and logs
// the default stack budget.
func TestCalibration(t *testing.T) {
	if !stackMeasured {
		t.Skip("the stack is not measured on this architecture")
	}
	b := bytesPerCall()
	if b < 64 || b > 64<<10 {
		t.Errorf("stack per interpreted call = %d bytes, want between 64 B and 64 KiB", b)
	}
	t.Logf("stack per interpreted call: %d bytes; default budget: %d calls = %s", b, DefaultRecursionLimit, fmtBytes(int64(b)*DefaultRecursionLimit))
}
