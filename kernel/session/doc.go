// Package session runs Go notebook cells in a yaegi interpreter for the
// gograd kernel and the headless notebook runner.
//
// A Session is one interpreter whose state persists from cell to cell. The
// standard library, ad, display, gonum/plot (plot, plotter, vg, vg/draw) and
// gonum's mat, floats and stat are importable; fmt, math, ad and display are
// already imported.
//
// (The full specification follows in this file: cell model, special
// commands, limits and errors.)
package session
