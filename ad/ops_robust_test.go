package ad

import (
	"slices"
	"testing"
)

// TestOpsNeverCrash calls the array ops with random, often invalid,
// arguments: every call must either succeed or panic with an *Error (which
// Catch returns); a runtime panic (index out of range, nil dereference)
// would be a missing check and fails the test.
func TestOpsNeverCrash(t *testing.T) {
	t.Parallel()
	rng := NewRNG(99)
	shapes := [][]int{{}, {0}, {1}, {3}, {2, 3}, {3, 1}, {0, 2}, {2, 1, 3}, {1, 2, 2, 1}}
	ints := []int{-4, -3, -2, -1, 0, 1, 2, 3, 4, 7}
	anInt := func() int { return ints[rng.Intn(len(ints))] }
	someInts := func() []int {
		out := make([]int, rng.Intn(4))
		for i := range out {
			out[i] = anInt()
		}
		return out
	}
	aTensor := func() *Tensor { return rng.Normal(shapes[rng.Intn(len(shapes))]...) }
	aRange := func() Range {
		switch rng.Intn(5) {
		case 0:
			return All
		case 1:
			return S(anInt(), anInt(), anInt())
		case 2:
			return From(anInt()).By(anInt())
		case 3:
			return To(anInt())
		}
		return Step(anInt())
	}
	ops := map[string]func(){
		"Sum":         func() { Sum(aTensor(), someInts()...) },
		"SumKeepDims": func() { SumKeepDims(aTensor(), someInts()...) },
		"Mean":        func() { Mean(aTensor(), someInts()...) },
		"Prod":        func() { Prod(aTensor(), someInts()...) },
		"Max":         func() { Max(aTensor(), someInts()...) },
		"MinKeepDims": func() { MinKeepDims(aTensor(), someInts()...) },
		"Var":         func() { Var(aTensor(), anInt(), someInts()...) },
		"Std":         func() { StdKeepDims(aTensor(), anInt(), someInts()...) },
		"LogSumExp":   func() { LogSumExp(aTensor(), someInts()...) },
		"CumSum":      func() { CumSum(aTensor(), anInt()) },
		"ArgMax":      func() { ArgMax(aTensor(), someInts()...) },
		"ArgMin":      func() { ArgMin(aTensor(), someInts()...) },
		"Reshape":     func() { Reshape(aTensor(), someInts()...) },
		"Transpose":   func() { Transpose(aTensor(), someInts()...) },
		"ExpandDims":  func() { ExpandDims(aTensor(), anInt()) },
		"Squeeze":     func() { Squeeze(aTensor(), someInts()...) },
		"BroadcastTo": func() { BroadcastTo(aTensor(), someInts()...) },
		"Concatenate": func() { Concatenate([]*Tensor{aTensor(), aTensor()}, anInt()) },
		"Stack":       func() { Stack([]*Tensor{aTensor(), aTensor()}, anInt()) },
		"Split":       func() { Split(aTensor(), anInt(), anInt()) },
		"SplitAt":     func() { SplitAt(aTensor(), someInts(), anInt()) },
		"Tile":        func() { Tile(aTensor(), someInts()...) },
		"Repeat":      func() { Repeat(aTensor(), anInt(), anInt()) },
		"Flip":        func() { Flip(aTensor(), someInts()...) },
		"Diag":        func() { Diag(aTensor()) },
		"Trace":       func() { Trace(aTensor()) },
		"Slice":       func() { Slice(aTensor(), aRange(), aRange()) },
		"Index":       func() { Index(aTensor(), someInts()...) },
		"Take":        func() { Take(aTensor(), someInts(), anInt()) },
		"MatMul":      func() { MatMul(aTensor(), aTensor()) },
		"Dot":         func() { Dot(aTensor(), aTensor()) },
		"Outer":       func() { Outer(aTensor(), aTensor()) },
		"RNG":         func() { rng.Uniform(float64(anInt()), float64(anInt()), someInts()...) },
	}
	names := make([]string, 0, len(ops))
	for name := range ops {
		names = append(names, name)
	}
	slices.Sort(names) // a reproducible sequence of calls
	ok, failed := 0, 0
	for i := 0; i < 6000; i++ {
		name := names[rng.Intn(len(names))]
		var err error
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("call %d, %s: runtime panic %v", i, name, r)
				}
			}()
			err = Catch(ops[name])
		}()
		if err == nil {
			ok++
		} else {
			failed++
		}
	}
	if ok < 1000 || failed < 1000 {
		t.Errorf("%d calls succeeded and %d failed: the generator should exercise both", ok, failed)
	}
}
