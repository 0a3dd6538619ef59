// Package ad is gograd's array and automatic differentiation engine:
// n-dimensional float64 tensors with numpy-like operations, differentiable in
// reverse and forward mode to any order, in the design of HIPS/autograd.
//
// # Overview
//
// Write ordinary Go — loops, conditionals, recursion, closures — on *Tensor
// values with the functions of this package, then ask for derivatives:
//
//	tanh := func(x *ad.Tensor) *ad.Tensor {
//		y := ad.Exp(ad.Neg(x))
//		return ad.Div(ad.Sub(1, y), ad.Add(1, y))
//	}
//	ad.Grad(tanh)(ad.Scalar(1))                       // 0.39322386648296376
//	d2 := ad.ElementwiseGrad(ad.ElementwiseGrad(tanh)) // second derivative, elementwise
//	d2(ad.Linspace(-7, 7, 200))
//
// The operators are Grad, ValueAndGrad, ElementwiseGrad, Derivatives (all
// elementwise orders up to n at once), Deriv (forward mode), VJP (value and
// a reusable pullback), JVP, Jacobian, JacobianFwd, Hessian, HVP, the
// multi-argument forms GradSlice, GradMap, ValueAndGradSlice,
// ValueAndGradMap, StopGradient and Checkpoint; NewPrimitive defines an
// operation with user-written derivative rules. CheckGrads compares
// derivatives against finite differences; TraceGraph records the graph of a
// function.
//
// # Value model
//
// A *Tensor is an immutable n-d array of float64 in row-major order; a 0-d
// tensor is a scalar. Operations never modify their arguments and always
// return new tensors (or, for a no-op, the argument itself). Data returns a
// copy; Shape returns a copy. Constructors: New (data and shape), Scalar,
// Zeros, Ones, Full, Eye, Arange, Linspace, FromRows, ZerosLike, OnesLike,
// and seeded random tensors through an explicit generator (NewRNG).
// Binary operations accept *Tensor, Go numbers (float64, float32, int,
// int64, int32, uint8) and []float64 as operands: ad.Sub(1, y) reads like
// numpy's 1 - y.
//
// # Broadcasting
//
// Binary operations, Where and the elementwise parts of other operations
// broadcast like numpy: shapes are aligned on their last dimension; two
// dimensions are compatible when equal or when one of them is 1; missing
// leading dimensions count as 1. Shapes (2,3) and (3,) give (2,3); (2,1) and
// (1,3) give (2,3); (2,3) and (4,) are an error. The gradient with respect
// to a broadcast operand is summed back to the operand's shape.
//
// # Tracing and higher-order derivatives
//
// Each differentiation starts a trace with a fresh id from an increasing
// counter. Its input is boxed: a Tensor that carries, besides its value, the
// trace and a reverse-mode graph node or a forward-mode tangent. Every
// primitive operation goes through one function (Primitive.Apply) that finds
// the highest trace among its arguments, unboxes the arguments of that trace
// only, computes on the values (recursively, so lower traces are handled
// the same way), and boxes the result again: with a graph node recording the
// operation for reverse mode, with the tangent given by the primitive's JVP
// rules for forward mode. Arguments of lower traces are constants to that
// trace. Reverse mode then runs an iterative backward pass (graph depth is
// limited by memory, not by the stack: a loop of 100 000 operations
// differentiates fine).
//
// The derivative rules of every primitive are written with the package's own
// differentiable operations, so a derivative is itself differentiable:
// Grad(Grad(f)), Hessian (reverse over reverse), HVP (forward over reverse),
// Grad(Deriv(f)) and any deeper nesting work without extra code. Because
// traces are told apart by id, nested differentiations never confuse their
// perturbations: d/dx [x · d/dy (x + y)] at x = 1 is 1.
//
// Semantics worth knowing:
//
//   - Grad, ValueAndGrad, GradSlice, GradMap and Hessian need a scalar
//     output (a tensor of size 1) and panic with ErrNonScalar otherwise;
//     ElementwiseGrad, VJP and Jacobian accept any output.
//   - When the output does not depend on the input, the gradient (or
//     tangent) is zeros of the input's (output's) shape, without panic or
//     warning; autograd returns zeros with a warning.
//   - Non-differentiable operations (Sign, Floor, Ceil, Round, comparisons,
//     ArgMax, ArgMin) return constants: gradients through them are zero.
//     At kinks the derivative is a fixed choice: Abs and Relu have
//     derivative 0 at 0; Maximum, Minimum and Max/Min reductions share the
//     gradient equally among tied elements.
//   - A boxed tensor that escapes its differentiation (stored in a variable
//     and used after the Grad call returned, a "leaked tracer") is reported
//     with ErrNotInput as soon as an operation is applied to it; reading it
//     (Data, String) stays allowed. StopGradient gives a constant copy.
//   - Custom derivatives: declare a Primitive with Forward, VJP and JVP rules
//     and call its Apply method; see core.go for the contract.
//
// # Errors
//
// Programmer errors panic with an *Error whose message names the operation
// and the shapes involved ("ad.MatMul: shapes (3,4) and (5,2) do not
// align"). Each *Error wraps a sentinel — ErrShape, ErrAxis, ErrIndex,
// ErrArgument, ErrNil, ErrNonScalar, ErrNotInput, ErrInterrupted, ErrMemory,
// ErrSingular, ErrGradCheck — to test with errors.Is. Catch runs a function
// and returns such a panic as an error (other panics propagate).
//
// Allocation is guarded: before allocating a result of more than 32 MiB, ad
// compares its size with the memory available to the process (the cgroup
// limit and /proc/meminfo's MemAvailable, cached for 200 ms) and panics with
// ErrMemory, naming the operation, the bytes needed and the bytes
// available, instead of letting the process die: ad.Zeros(200000, 200000)
// is refused before anything is allocated.
//
// # Cancellation
//
// Interrupt raises a process-wide flag that long computations check every
// 16 384 elements (elementwise kernels, broadcasting, reductions, products)
// and once per node in the backward pass; they then panic with an *Error
// wrapping ErrInterrupted. No partially computed tensor is ever returned.
// ResetInterrupt clears the flag; the kernel calls it before each cell.
//
// # Invariants
//
//   - Tensors are immutable; no operation writes to an argument.
//   - Every result has the shape stated by its operation; a gradient has the
//     shape of its input.
//   - Derivatives agree with central finite differences to 1e-6 relative or
//     better, first and second order, in both modes (see CheckGrads; the
//     tests check every primitive this way).
//   - Nothing exported is generic, so the whole API is usable from the
//     yaegi interpreter of the gograd kernel.
//
// # Concurrency
//
// There is no global differentiation state: trace ids come from an atomic
// counter and all per-differentiation data lives in the boxes and in local
// variables of the operators. Any number of goroutines may differentiate
// at the same time, and a VJP pullback may be called concurrently. Large
// elementwise operations split their work across GOMAXPROCS goroutines.
// The interrupt flag is the only process-wide state.
//
// # Performance
//
// Kernels loop over []float64 without per-element interfaces or
// allocation; same-shape and scalar operands of binary operations take fast
// paths. A traced operation costs one allocation for its graph node and
// boxed result besides its data. Matrix products go through gonum's BLAS:
// pure Go by default; building with -tags openblas (cgo and libopenblas
// needed) sends GEMM and GEMV to OpenBLAS instead.
package ad
