package ad

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error ad panics with is an *Error wrapping one of
// these, so callers test the kind with errors.Is(err, ad.ErrShape).
var (
	// ErrShape reports shapes that do not fit an operation.
	ErrShape = errors.New("shape mismatch")
	// ErrAxis reports an axis out of range or repeated.
	ErrAxis = errors.New("bad axis")
	// ErrIndex reports an index out of range.
	ErrIndex = errors.New("index out of range")
	// ErrArgument reports an argument of the wrong type or value (for
	// example a string where a number or tensor is expected).
	ErrArgument = errors.New("bad argument")
	// ErrNil reports a nil *Tensor or nil function argument.
	ErrNil = errors.New("nil argument")
	// ErrNonScalar reports a function whose output must be a scalar (Grad,
	// ValueAndGrad, Hessian) but is not.
	ErrNonScalar = errors.New("output is not a scalar")
	// ErrNotInput reports a value that is not an input of the differentiation
	// it is used with, such as a tensor boxed by a differentiation that has
	// already finished (a leaked tracer).
	ErrNotInput = errors.New("not an input of this differentiation")
	// ErrInterrupted reports work stopped by Interrupt.
	ErrInterrupted = errors.New("interrupted")
	// ErrMemory reports an allocation refused because the result would not
	// fit in available memory.
	ErrMemory = errors.New("out of memory")
	// ErrGradCheck reports a failed CheckGrads comparison.
	ErrGradCheck = errors.New("gradient check failed")
	// ErrJit reports a function Jit cannot trace into a program that
	// replays correctly (it draws random numbers, or uses a value traced
	// by a differentiation outside it).
	ErrJit = errors.New("cannot be jitted")
	// ErrReleased reports the use of a tensor after Release (or after it
	// was donated to a JitSliceTo or JitTo call that did not return it).
	ErrReleased = errors.New("tensor released")
	// ErrSingular reports a singular or not positive definite matrix.
	ErrSingular = errors.New("singular matrix")
)

// Error is the error ad panics with. Op names the operation without the
// package prefix ("MatMul"), Msg describes the problem, and Err is the
// sentinel it wraps. Its text reads "ad.MatMul: shapes (3,4) and (5,2) do
// not align".
type Error struct {
	Op  string
	Msg string
	Err error
}

// Error returns "ad.<Op>: <Msg>".
func (e *Error) Error() string { return "ad." + e.Op + ": " + e.Msg }

// Unwrap returns the sentinel error, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }

// errorf builds an *Error of the given kind.
func errorf(kind error, op, format string, args ...any) *Error {
	return &Error{Op: op, Msg: fmt.Sprintf(format, args...), Err: kind}
}

// Catch runs f and returns the *Error it panicked with, or nil when f
// returns normally. Panics that are not ad errors (a runtime error in the
// caller's own code, for example) propagate unchanged.
func Catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(*Error); ok {
				err = e
				return
			}
			panic(r)
		}
	}()
	f()
	return nil
}
