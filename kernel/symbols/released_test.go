package symbols

import (
	"errors"
	"reflect"
	"sort"
	"testing"

	"github.com/gograd/gograd/ad"
)

// TestReleasedTensorRefused calls every exported function of ad that takes
// a tensor (as *ad.Tensor, a number-or-tensor any, or a []*ad.Tensor) with a
// released tensor in each such place and checks that it panics with an
// *ad.Error wrapping ad.ErrReleased: reading a released tensor's values
// (whose buffer may be another tensor's by then) must never give a number,
// a runtime error or a different complaint. Other parameters get small
// valid values; functions taking functions are left out (they return a
// function, or call it on tensors of their own).
func TestReleasedTensorRefused(t *testing.T) {
	tensorT := reflect.TypeOf((*ad.Tensor)(nil))
	sliceT := reflect.TypeOf([]*ad.Tensor(nil))
	anyT := reflect.TypeOf((*any)(nil)).Elem()
	released := func() *ad.Tensor {
		jf := ad.Jit(func(x *ad.Tensor) *ad.Tensor { return ad.Exp(x) })
		x := ad.Reshape(ad.Linspace(0.1, 0.9, 4), 2, 2)
		jf(x)
		r := jf(x)
		r.Release()
		return r
	}
	tab := Symbols["github.com/gograd/gograd/ad/ad"]
	names := make([]string, 0, len(tab))
	for n := range tab {
		names = append(names, n)
	}
	sort.Strings(names)
	checked := 0
	for _, name := range names {
		v := tab[name]
		if v.Kind() != reflect.Func {
			continue
		}
		ft := v.Type()
		takes, funcs := 0, false
		for i := range ft.NumIn() {
			switch in := ft.In(i); {
			case in == tensorT || in == sliceT || in == anyT:
				takes++
			case in.Kind() == reflect.Func:
				funcs = true
			case ft.IsVariadic() && i == ft.NumIn()-1 && (in.Elem() == tensorT || in.Elem() == anyT):
				takes++
			}
		}
		if takes == 0 || funcs || name == "Release" { // (releasing twice is allowed)
			continue
		}
		checked++
		args := make([]reflect.Value, ft.NumIn())
		for i := range args {
			in := ft.In(i)
			variadic := ft.IsVariadic() && i == ft.NumIn()-1
			switch {
			case in == tensorT || in == anyT:
				args[i] = reflect.ValueOf(released())
				if in == anyT {
					args[i] = reflect.New(anyT).Elem()
					args[i].Set(reflect.ValueOf(released()))
				}
			case in == sliceT || variadic && (in.Elem() == tensorT || in.Elem() == anyT):
				args[i] = reflect.MakeSlice(in, 1, 1)
				args[i].Index(0).Set(reflect.ValueOf(released()))
			case in.Kind() == reflect.Int:
				args[i] = reflect.ValueOf(1).Convert(in)
			case in.Kind() == reflect.Float64:
				args[i] = reflect.ValueOf(1.0).Convert(in)
			case in.Kind() == reflect.String:
				args[i] = reflect.ValueOf("ij->ji").Convert(in)
			default:
				args[i] = reflect.Zero(in)
			}
		}
		var got any
		func() {
			defer func() { got = recover() }()
			if ft.IsVariadic() {
				v.CallSlice(args)
			} else {
				v.Call(args)
			}
		}()
		err, _ := got.(error)
		if !errors.Is(err, ad.ErrReleased) {
			t.Errorf("ad.%s with a released tensor: got %v, want a panic with ad.ErrReleased", name, got)
		}
	}
	if checked < 100 {
		t.Errorf("only %d functions checked: the table walk is broken", checked)
	}
	t.Logf("%d functions checked", checked)
}
