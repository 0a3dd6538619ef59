package ad

import "math"

// The non-differentiable primitives, listed together. They have no
// derivative rules, so their results are constants to every
// differentiation: a gradient through them is zero, as in autograd.
// (ArgMax and ArgMin, declared with the reductions, are the others.)
// Primitives of this file, assigned in init (their rules call the ops that
// wrap them, which Go would reject as an initialization cycle).
var (
	primSign         *Primitive
	primFloor        *Primitive
	primCeil         *Primitive
	primRound        *Primitive
	primGreater      *Primitive
	primGreaterEqual *Primitive
	primLess         *Primitive
	primLessEqual    *Primitive
	primEqual        *Primitive
	primNotEqual     *Primitive
)

func init() {
	primSign = nonDiff("Sign", unaryKernel("Sign", func(dst, x []float64) {
		for i, v := range x {
			switch {
			case v > 0:
				dst[i] = 1
			case v < 0:
				dst[i] = -1
			default:
				dst[i] = v // 0, -0 and NaN map to themselves, like numpy
			}
		}
	}))
	primFloor = nonDiff("Floor", unaryKernel("Floor", func(dst, x []float64) {
		for i, v := range x {
			dst[i] = math.Floor(v)
		}
	}))
	primCeil = nonDiff("Ceil", unaryKernel("Ceil", func(dst, x []float64) {
		for i, v := range x {
			dst[i] = math.Ceil(v)
		}
	}))
	primRound = nonDiff("Round", unaryKernel("Round", func(dst, x []float64) {
		for i, v := range x {
			dst[i] = math.RoundToEven(v)
		}
	}))

	primGreater = nonDiff("Greater", binaryKernel("Greater", funcLoop(func(x, y float64) float64 { return boolFloat(x > y) })))
	primGreaterEqual = nonDiff("GreaterEqual", binaryKernel("GreaterEqual", funcLoop(func(x, y float64) float64 { return boolFloat(x >= y) })))
	primLess = nonDiff("Less", binaryKernel("Less", funcLoop(func(x, y float64) float64 { return boolFloat(x < y) })))
	primLessEqual = nonDiff("LessEqual", binaryKernel("LessEqual", funcLoop(func(x, y float64) float64 { return boolFloat(x <= y) })))
	primEqual = nonDiff("Equal", binaryKernel("Equal", funcLoop(func(x, y float64) float64 { return boolFloat(x == y) })))
	primNotEqual = nonDiff("NotEqual", binaryKernel("NotEqual", funcLoop(func(x, y float64) float64 { return boolFloat(x != y) })))
}

// Sign returns −1, 0 or 1 elementwise by the sign of x (NaN stays NaN). It has
// no gradient.
func Sign(x *Tensor) *Tensor { return primSign.Apply(nil, mustTensor("Sign", x)) }

// Floor returns the largest integer ≤ x elementwise. It has no gradient.
func Floor(x *Tensor) *Tensor { return primFloor.Apply(nil, mustTensor("Floor", x)) }

// Ceil returns the smallest integer ≥ x elementwise. It has no gradient.
func Ceil(x *Tensor) *Tensor { return primCeil.Apply(nil, mustTensor("Ceil", x)) }

// Round rounds x elementwise to the nearest integer, halves to even like
// numpy.round. It has no gradient.
func Round(x *Tensor) *Tensor { return primRound.Apply(nil, mustTensor("Round", x)) }
