//go:build !openblas || !cgo

package main

// selectBLASCore has nothing to do without OpenBLAS.
func selectBLASCore() {}

// blasDescription says which BLAS this build uses, for gograd version.
func blasDescription() string { return "gonum (pure Go)" }
