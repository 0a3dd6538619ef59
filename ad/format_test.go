package ad

import (
	"encoding/json"
	"math"
	"os"
	"strconv"
	"testing"
)

// TestFormatMatchesNumpy compares formatArray with numpy's print(x) output
// recorded in testdata/format_golden.json by testdata/gen_format_golden.py.
func TestFormatMatchesNumpy(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/format_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name  string
		Shape []int
		Data  []string
		Want  string
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 30 {
		t.Fatalf("golden file has %d cases, want at least 30", len(cases))
	}
	for _, c := range cases {
		data := make([]float64, len(c.Data))
		for i, s := range c.Data {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s: bad value %q: %v", c.Name, s, err)
			}
			data[i] = v
		}
		if got := formatArray(c.Shape, data); got != c.Want {
			t.Errorf("%s: formatArray(%v) =\n%s\nwant (numpy)\n%s", c.Name, c.Shape, got, c.Want)
		}
	}
}

func TestFormatPyFloat(t *testing.T) {
	t.Parallel()
	cases := []struct {
		v    float64
		want string
	}{
		{1, "1.0"},
		{-2.5, "-2.5"},
		{0.1, "0.1"},
		{1e-4, "0.0001"},
		{1.5e-5, "1.5e-05"},
		{123456789012345, "123456789012345.0"},
		{1e16, "1e+16"},
		{-1.25e300, "-1.25e+300"},
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{math.NaN(), "nan"},
		{math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"},
	}
	for _, c := range cases {
		if got := formatPyFloat(c.v); got != c.want {
			t.Errorf("formatPyFloat(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func BenchmarkFormatSummarised(b *testing.B) {
	data := make([]float64, 1000*1000)
	for i := range data {
		data[i] = float64(i) / 7
	}
	shape := []int{1000, 1000}
	for b.Loop() {
		_ = formatArray(shape, data)
	}
}
