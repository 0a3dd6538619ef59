//go:build !amd64

package vmath

import "unsafe"

func expAsm(dst, x []float64)                                  { panic("vmath: no assembly kernels") }
func logAsm(dst, x []float64)                                  { panic("vmath: no assembly kernels") }
func log1pAsm(dst, x []float64)                                { panic("vmath: no assembly kernels") }
func tanhAsm(dst, x []float64)                                 { panic("vmath: no assembly kernels") }
func sigmoidAsm(dst, x []float64)                              { panic("vmath: no assembly kernels") }
func softplusAsm(dst, x []float64)                             { panic("vmath: no assembly kernels") }
func logAddExpAsm(dst, a, b []float64)                         { panic("vmath: no assembly kernels") }
func logAddExpScalarAsm(dst []float64, a float64, b []float64) { panic("vmath: no assembly kernels") }
func divAsm(dst, a, b []float64)                               { panic("vmath: no assembly kernels") }
func divScalarAAsm(dst []float64, a float64, b []float64)      { panic("vmath: no assembly kernels") }
func divScalarBAsm(dst, a []float64, b float64)                { panic("vmath: no assembly kernels") }
func addNegMulDivAsm(dst, x, g, q, b []float64)                { panic("vmath: no assembly kernels") }
func negAsm(dst, x []float64)                                  { panic("vmath: no assembly kernels") }
func negMulDivAsm(dst, g, q, b []float64)                      { panic("vmath: no assembly kernels") }
func arithAsm(op int, dst, a, b []float64, sa, sb int)         { panic("vmath: no assembly kernels") }

func divRecipAsm(dst, a, b, hi, lo []float64) { panic("vmath: no assembly kernels") }
func negMulDivRecipAsm(dst, g, q, b, hi, lo []float64) {
	panic("vmath: no assembly kernels")
}
func addNegMulDivRecipAsm(dst, x, g, q, b, hi, lo []float64) {
	panic("vmath: no assembly kernels")
}
func recipHiAsm(hi, b []float64)     { panic("vmath: no assembly kernels") }
func recipLoAsm(lo, b, hi []float64) { panic("vmath: no assembly kernels") }

func negMulDivRecipChainAVX512(dst, x unsafe.Pointer, gq *unsafe.Pointer, k int, b, hi, lo unsafe.Pointer, start, end int) {
	panic("vmath: no assembly kernels")
}

func negMulDivRecipMultiAVX512(ps *unsafe.Pointer, k int, b, hi, lo unsafe.Pointer, start, end int) {
	panic("vmath: no assembly kernels")
}
