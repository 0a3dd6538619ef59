package ad

import (
	"runtime"
	"testing"
	"weak"
)

// TestValueDoesNotRetainGraph checks that the value a differentiation
// returns (unboxed from its trace) does not keep the trace's graph alive:
// a loss history of values must not hold one graph per step.
func TestValueDoesNotRetainGraph(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func(*Tensor) *Tensor
		x    *Tensor
	}{
		{"scalar", w2Loop, Scalar(0.5)},
		{"vector", func(x *Tensor) *Tensor { return Sum(w2Loop(x)) }, Linspace(-1, 1, 10)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out *Tensor
			var root weak.Pointer[node]
			func() {
				tr := newTrace(reverseMode)
				start := tr.newNode()
				y := callTraced(tr, func() *Tensor { return tc.f(newBox(tc.x, tr, start, nil)) })
				o, r := endTrace("test", y, tr)
				if r == nil {
					t.Fatal("the output is not traced")
				}
				out, root = o, weak.Make(r)
			}()
			for i := 0; i < 3 && root.Value() != nil; i++ {
				runtime.GC()
			}
			if root.Value() != nil {
				t.Error("the returned value keeps the graph alive")
			}
			runtime.KeepAlive(out)
		})
	}
}
