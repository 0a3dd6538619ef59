package ad

import (
	"errors"
	"math"
	"testing"
)

func TestSylvesterSqrtm(t *testing.T) {
	t.Parallel()
	a, b, q := wellConditioned(1, 3, 3), wellConditioned(2, 2, 2), randTensor(3, 3, 2)
	x := SolveSylvester(a, b, q)
	res := Sub(Add(MatMul(a, x), MatMul(x, b)), q)
	for i, r := range res.Data() {
		if math.Abs(r) > 1e-12 {
			t.Fatalf("A X + X B − Q at %d: %v", i, r)
		}
	}
	s := spd(4, 3, 3)
	r := Sqrtm(s)
	ns := realSpectrum(5, 1, 4, 9)
	rn := Sqrtm(ns)
	for name, pair := range map[string][2]*Tensor{"symmetric": {r, s}, "non-symmetric": {rn, ns}} {
		sq := MatMul(pair[0], pair[0])
		for i, v := range sq.Data() {
			if math.Abs(v-pair[1].Data()[i]) > 1e-10*math.Max(1, math.Abs(v)) {
				t.Fatalf("Sqrtm %s: X X ≠ A at %d: %v vs %v", name, i, v, pair[1].Data()[i])
			}
		}
	}
	cases := []struct {
		name string
		f    func(*Tensor) *Tensor
		x    *Tensor
	}{
		{"SolveSylvester wrt A", func(x *Tensor) *Tensor { return SolveSylvester(x, b, q) }, a},
		{"SolveSylvester wrt B", func(x *Tensor) *Tensor { return SolveSylvester(a, x, q) }, b},
		{"SolveSylvester wrt Q", func(x *Tensor) *Tensor { return SolveSylvester(a, b, Square(x)) }, q},
		{"Sqrtm symmetric input", func(x *Tensor) *Tensor { return Sqrtm(symmetrize(x)) }, s},
		{"Sqrtm non-symmetric", Sqrtm, ns},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := CheckGradsWith(tc.f, tc.x, CheckOptions{Order: 2, Tol: 1e-5})
			if !rep.OK || len(rep.Results) != 6 {
				t.Errorf("%s", rep)
			}
		})
	}
	for _, tc := range []struct {
		name string
		f    func()
		want error
	}{
		{"Sqrtm negative eigenvalue", func() { Sqrtm(New([]float64{-1, 0, 0, 1}, 2, 2)) }, ErrArgument},
		{"Sqrtm not square", func() { Sqrtm(Ones(2, 3)) }, ErrShape},
		{"SolveSylvester shapes", func() { SolveSylvester(a, b, Ones(2, 3)) }, ErrShape},
	} {
		if err := Catch(tc.f); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v want %v", tc.name, err, tc.want)
		}
	}
}

func TestSolveBanded(t *testing.T) {
	t.Parallel()
	// scipy's example: l = 1, u = 2 on a 5×5 matrix.
	ab := New([]float64{
		0, 0, -1, -1, -1,
		0, 2, 2, 2, 2,
		5, 4, 3, 2, 1,
		1, 1, 1, 1, 0,
	}, 4, 5)
	b := New([]float64{0, 1, 2, 2, 3})
	want := []float64{-2.37288136, 3.93220339, -4., 4.3559322, -1.3559322}
	got := SolveBanded(1, 2, ab, b).Data()
	for i, w := range want {
		if math.Abs(got[i]-w) > 1e-8 {
			t.Fatalf("solve_banded: got %v want %v", got, want)
		}
	}
	rep := CheckGradsWith(func(x *Tensor) *Tensor { return SolveBanded(1, 2, x, b) }, ab, CheckOptions{Order: 2})
	if !rep.OK {
		t.Errorf("wrt ab: %s", rep)
	}
	rep = CheckGradsWith(func(x *Tensor) *Tensor { return SolveBanded(1, 2, ab, Square(x)) }, Reshape(Arange(1, 11, 1), 5, 2), CheckOptions{Order: 2})
	if !rep.OK {
		t.Errorf("wrt b: %s", rep)
	}
	if err := Catch(func() { SolveBanded(1, 1, ab, b) }); !errors.Is(err, ErrShape) {
		t.Errorf("shape: got %v", err)
	}
	if err := Catch(func() { SolveBanded(-1, 1, ab, b) }); !errors.Is(err, ErrArgument) {
		t.Errorf("negative width: got %v", err)
	}
}
