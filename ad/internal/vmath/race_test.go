//go:build race

package vmath

// raceEnabled shrinks the sweeps under the race detector, which slows the
// reference loops tenfold without adding anything to kernels that share no
// memory.
const raceEnabled = true
