//go:build !race

package session

// raceEnabled reports whether the race detector is on: the loop check then
// reads the stop flag through a call (see loopCheck).
const raceEnabled = false
