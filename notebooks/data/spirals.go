//go:build ignore

// Command spirals writes spirals.csv, the two-spirals data set of the
// classifier tutorial (notebooks/04-classifier.ipynb): two interleaved
// spiral arms of 200 noisy points each, labelled 0 and 1. Deterministic:
//
//	go run notebooks/data/spirals.go > notebooks/data/spirals.csv
package main

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
)

func main() {
	const perClass = 200
	rng := rand.New(rand.NewPCG(2024, 5))
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintln(w, "x,y,label")
	for label := 0; label < 2; label++ {
		for i := 0; i < perClass; i++ {
			t := 0.25 + 3.5*math.Pi*float64(i)/perClass // angle along the arm
			r := t / (3.5 * math.Pi) * 2.5              // radius grows with the angle
			a := t + math.Pi*float64(label)             // the second arm is rotated by π
			x := r*math.Cos(a) + 0.08*rng.NormFloat64()
			y := r*math.Sin(a) + 0.08*rng.NormFloat64()
			fmt.Fprintf(w, "%.5f,%.5f,%d\n", x, y, label)
		}
	}
}
