//go:build !openblas || !cgo

package main

// selectBLASCore has nothing to do without OpenBLAS.
func selectBLASCore() {}
