package ad

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"
)

// TestOpsMatchNumpy replays testdata/ops_golden.json, numpy's results of the
// array ops on random inputs recorded by testdata/gen_ops_golden.py.
func TestOpsMatchNumpy(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/ops_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	type array struct {
		Shape []int
		Data  []string
	}
	var cases []struct {
		Op     string
		Args   []array
		Params map[string]json.RawMessage
		Want   array
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 500 {
		t.Fatalf("golden file has %d cases, want at least 500", len(cases))
	}
	tensor := func(a array) *Tensor {
		d := make([]float64, len(a.Data))
		for i, s := range a.Data {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("bad value %q", s)
			}
			d[i] = v
		}
		if len(a.Shape) == 0 {
			return Scalar(d[0]) // New with no shape makes a vector
		}
		return New(d, a.Shape...)
	}
	for i, c := range cases {
		param := func(name string, v any) {
			if err := json.Unmarshal(c.Params[name], v); err != nil {
				t.Fatalf("case %d (%s): parameter %s: %v", i, c.Op, name, err)
			}
		}
		args := make([]*Tensor, len(c.Args))
		for j, a := range c.Args {
			args[j] = tensor(a)
		}
		x := args[0]
		var axes, perm, indices, reps []int
		var keep bool
		var axis, ddof, repeats int
		switch c.Op {
		case "sum", "mean", "prod", "max", "min", "logsumexp", "var", "std":
			param("axes", &axes)
			param("keep", &keep)
		}
		var got *Tensor
		switch c.Op {
		case "sum":
			got = pick(keep, Sum, SumKeepDims)(x, axes...)
		case "mean":
			got = pick(keep, Mean, MeanKeepDims)(x, axes...)
		case "prod":
			got = pick(keep, Prod, ProdKeepDims)(x, axes...)
		case "max":
			got = pick(keep, Max, MaxKeepDims)(x, axes...)
		case "min":
			got = pick(keep, Min, MinKeepDims)(x, axes...)
		case "logsumexp":
			got = pick(keep, LogSumExp, LogSumExpKeepDims)(x, axes...)
		case "var", "std":
			param("ddof", &ddof)
			f := map[string]func(*Tensor, int, ...int) *Tensor{"var": Var, "std": Std}[c.Op]
			if keep {
				f = map[string]func(*Tensor, int, ...int) *Tensor{"var": VarKeepDims, "std": StdKeepDims}[c.Op]
			}
			got = f(x, ddof, axes...)
		case "cumsum":
			param("axis", &axis)
			got = CumSum(x, axis)
		case "argmax", "argmin":
			f := map[string]func(*Tensor, ...int) *Tensor{"argmax": ArgMax, "argmin": ArgMin}[c.Op]
			if string(c.Params["axis"]) == "null" {
				got = f(x)
			} else {
				param("axis", &axis)
				got = f(x, axis)
			}
		case "flip":
			param("axes", &axes)
			got = Flip(x, axes...)
		case "take":
			param("indices", &indices)
			param("axis", &axis)
			got = Take(x, indices, axis)
		case "concatenate":
			param("axis", &axis)
			got = Concatenate(args, axis)
		case "stack":
			param("axis", &axis)
			got = Stack(args, axis)
		case "repeat":
			param("repeats", &repeats)
			param("axis", &axis)
			got = Repeat(x, repeats, axis)
		case "transpose":
			param("perm", &perm)
			got = Transpose(x, perm...)
		case "tile":
			param("reps", &reps)
			got = Tile(x, reps...)
		case "slice":
			var ranges [][3]*int
			param("ranges", &ranges)
			rs := make([]Range, len(ranges))
			for k, r := range ranges {
				rs[k] = Range{Step: *r[2]}
				if r[0] != nil {
					rs[k].Start, rs[k].HasStart = *r[0], true
				}
				if r[1] != nil {
					rs[k].Stop, rs[k].HasStop = *r[1], true
				}
			}
			got = Slice(x, rs...)
		case "diag":
			got = Diag(x)
		case "trace":
			got = Trace(x)
		case "matmul":
			got = MatMul(args[0], args[1])
		case "dot":
			got = Dot(args[0], args[1])
		case "outer":
			got = Outer(args[0], args[1])
		default:
			t.Fatalf("case %d: unknown op %q", i, c.Op)
		}
		want := tensor(c.Want)
		name := fmt.Sprintf("case %d: %s of %s %s(parameters %s)", i, c.Op, fmtShape(x.shape), fmtArgShapes(args[1:]), fmtParams(c.Params))
		if !sameShape(got.shape, want.shape) {
			t.Errorf("%s: shape %s, want %s", name, fmtShape(got.shape), fmtShape(want.shape))
			continue
		}
		for k, w := range want.data {
			g := got.data[k]
			if math.IsNaN(w) && math.IsNaN(g) || g == w {
				continue
			}
			if math.Abs(g-w) > 1e-12*(1+math.Abs(w)) {
				t.Errorf("%s: element %d = %v, want %v", name, k, g, w)
				break
			}
		}
	}
}

// pick returns the keep-dims form of a reduction when keep is set.
func pick(keep bool, drop, kept func(*Tensor, ...int) *Tensor) func(*Tensor, ...int) *Tensor {
	if keep {
		return kept
	}
	return drop
}

func fmtParams(p map[string]json.RawMessage) string {
	s := ""
	for k, v := range p {
		s += k + "=" + string(v) + " "
	}
	return s
}

func fmtArgShapes(args []*Tensor) string {
	s := ""
	for _, a := range args {
		s += "and " + fmtShape(a.shape) + " "
	}
	return s
}
