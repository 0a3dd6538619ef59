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
// ValueAndGradMap, StopGradient and Checkpoint; Jit and JitSlice trace a
// function once and replay it (JitTo and JitSliceTo into the tensors
// donated for the results; Release gives a result's memory back at once);
// NewPrimitive defines an
// operation with user-written derivative rules. CheckGrads compares
// derivatives against finite differences; TraceGraph records the graph of a
// function.
//
// # Value model
//
// A *Tensor is an immutable n-d array of float64 in row-major order; a 0-d
// tensor is a scalar. Operations never modify their arguments and always
// return new tensors (or, for a no-op, the argument itself); the one
// exception is a tensor the caller donates to JitTo or JitSliceTo for a
// result, which the call may overwrite (see "Giving memory back"). Data returns a
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
// # Reductions
//
// Sum, Mean, Prod, Max, Min, Var, Std and LogSumExp reduce over the axes
// given (all axes when none is given; negative axes count from the end)
// and remove them, like numpy with keepdims=False: Sum(x) is a scalar.
// Each has a KeepDims form (SumKeepDims, MeanKeepDims, …) that keeps the
// reduced axes with length 1, so the result broadcasts against x:
// Sub(x, MeanKeepDims(x, -1)) centres each row. Var and Std take numpy's
// ddof before the axes and divide by N − ddof (Var(x, 0) is the population
// variance, Var(x, 1) the sample variance); N − ddof ≤ 0 gives Inf or NaN,
// as in numpy, not a panic. The mean of no elements is NaN; Max and Min of
// an empty axis panic with ErrShape. CumSum(x, axis) keeps the shape.
// ArgMax and ArgMin take at most one axis, return float64 indices (the
// first of ties) and have no derivative. A bad or repeated axis panics with
// ErrAxis.
//
// # Indexing and slicing
//
// Slice(x, ranges...) is numpy's basic slicing: one Range per leading axis,
// the rest taken whole, every axis kept. Ranges are built with S(start,
// stop) or S(start, stop, step) (numpy's start:stop:step), From(start)
// (start:), To(stop) (:stop), Step(step) (::step) and All (:), and
// r.By(step) sets a step: From(4).By(-1) is 4::-1. Bounds follow numpy:
// negative values count from the end and out-of-range values are clamped;
// a zero step panics with ErrArgument. Index(x, i, j) is x[i, j]: indexed
// axes are removed, and an index out of range panics with ErrIndex.
// Take(x, indices, axis) gathers along one axis like numpy.take; repeated
// indices accumulate their gradients. (*Tensor).At reads one element as a
// float64 (no derivative).
//
// # Printing
//
// (*Tensor).String prints like numpy's print(x): a scalar like a Python
// float ("0.1", "1e-05"), arrays in nested brackets with at most 8
// fractional digits, trailing zeros suppressed ("1.", "0.5"), a common
// scientific format when magnitudes call for it, lines wrapped at 75
// characters, and arrays of more than 1000 elements summarised with "..."
// around the first and last 3 entries of each long axis. The same tensor
// prints the same in a notebook as its numpy counterpart.
//
// # Random numbers
//
// There is no global generator. NewRNG(seed) returns an *RNG (PCG from
// math/rand/v2) whose Normal(shape...) and Uniform(lo, hi, shape...) make
// tensors, and Float64, Intn and Perm draw plain values. The same seed
// gives the same values on every platform; an RNG is safe for concurrent
// use, in an unspecified order.
//
// # Linear algebra
//
// Inv, Det, SlogDet, Solve, SolveTriangular (and SolveTriangularT for
// Aᵀ X = B), Cholesky, CholSolve, Eigh, EighSym, Eig (real spectra), SVD, SingularValues and Pinv run
// on gonum's LAPACK and accept a matrix or a batch (..., m, n); Solve's
// right-hand side is a vector (n) or a batch (..., n, k) whose batch axes
// broadcast, as in numpy 2. Norm (2-norm of all elements), NormP(x, p,
// axes...), NormFro and NormNuc (per matrix) compute norms; the gradient of
// Norm and NormP at zero is 0, not NaN. Functions of symmetric matrices
// (Cholesky, Eigh, MVNLogPDF's covariance) read only the lower triangle and
// have the gradients of what they compute: lower triangular, zero above the
// diagonal, which agree with finite differences for any input (autograd
// symmetrises them instead; EighSym(a) is Eigh of (A + Aᵀ)/2, whose gradient
// is symmetric). A singular or non-positive-definite
// input panics with ErrSingular naming the op, never returns NaNs; SlogDet
// of a singular matrix is (0, −Inf) instead. Gradients of Eigh and SVD
// assume distinct eigenvalues (singular values).
//
// # Contractions
//
// Einsum(subscripts, operands...) follows numpy.einsum: an explicit output
// ("ij,jk->ik") or an implicit one (the ellipsis axes, then the indices that
// appear once, alphabetically), repeated indices for traces and diagonals
// ("ii", "ii->i"), and "..." with broadcasting. Operands are contracted
// left to right, each pair as one batched matrix product. TensorDot(a, b,
// n) sums a's last n axes against b's first n; TensorDotAxes takes explicit
// axis lists. Kron is numpy.kron. MatMul, Dot and Outer follow numpy too.
// Bad subscripts panic with ErrArgument, axes of different lengths under
// one index with ErrShape.
//
// # Special functions and densities
//
// Elementwise: Erf, Erfc, Erfinv, Erfcinv, Gamma, Gammaln, Rgamma,
// Gammasgn, Digamma, Polygamma(n, x), Multigammaln, Beta, Betaln, the
// regularised incomplete Gammainc, Gammaincc and Betainc (differentiable in
// x; a derivative in a shape parameter panics with ErrArgument rather than
// return 0), Bessel J0, J1, Jn, Y0, Y1, Yn, I0, I1, Iv, Ive (each family's
// rule is its recurrence, so every order works), Logit, Sigmoid, Softplus. Softmax and LogSoftmax normalise over the given axes
// (all when none; pass -1 for rows), stably through LogSumExp. Densities,
// elementwise with broadcasting over *Tensor or number operands:
// NormLogPDF(x, mu, sigma), NormCDF, StudentTLogPDF(x, df, loc, scale),
// PoissonLogPMF(k, mu) (k real); MVNLogPDF(x, mean, cov) evaluates each row
// of x (..., d) through the Cholesky factor of cov. The rest of scipy.stats
// as autograd wraps it (pdf, cdf, log forms of norm, t, gamma, beta, chi2,
// poisson, dirichlet, multivariate normal) is listed in the table below.
// Odeint(f, y0, ts) integrates dy/dt = f(y, t) (adaptive Dormand–Prince,
// written with ad's ops, so y(ts) is differentiable in y0 and in whatever f
// captures, to any order).
//
// # Convolution and pooling
//
// Convolve(a, v, mode) is the N-d convolution of scipy.signal.convolve
// (mode "full", "same" or "valid"; the kernel is flipped). Conv2D(x, w,
// stride, padding) is the deep-learning layer: images x (N, C, H, W),
// filters w (F, C, KH, KW), zero padding, result (N, F, OH, OW) with OH =
// (H + 2·padding − KH)/stride + 1; it is a cross-correlation (filters not
// flipped). MaxPool2D and AvgPool2D(x, size, stride) pool size×size
// windows without padding; MaxPool2D shares the gradient among tied
// maxima. Bad shapes panic with ErrShape, a bad mode, stride, size or
// padding with ErrArgument.
//
// # numpy/autograd → ad
//
// Every numpy, scipy and autograd name ad implements, with the Go form
// where it differs. Functions are capitalised (np.log1p → Log1p); axes
// come last as variadic ints (all axes when none); keepdims=True is a
// separate …KeepDims function; numbers and []float64 are accepted wherever
// an operand is typed any; a tuple result is several results.
//
//	numpy / scipy / autograd            ad
//	a + b, a - b, a * b, a / b, a ** b  Add, Sub, Mul, Div, Pow (operands any)
//	-a, abs, sign, floor, ceil, round   Neg, Abs, Sign, Floor, Ceil, Round
//	exp exp2 expm1 log log2 log10 log1p Exp Exp2 Expm1 Log Log2 Log10 Log1p
//	sqrt, square, reciprocal            Sqrt, Square, Reciprocal
//	sin cos tan arcsin arccos arctan    Sin Cos Tan Asin Acos Atan
//	sinh cosh tanh                      Sinh Cosh Tanh
//	arcsinh arccosh arctanh             Arcsinh Arccosh Arctanh
//	deg2rad/radians, rad2deg/degrees    Deg2Rad, Rad2Deg
//	sinc, arctan2, hypot                Sinc, Atan2, Hypot
//	logaddexp, logaddexp2               LogAddExp, LogAddExp2
//	maximum minimum fmax fmin           Maximum Minimum Fmax Fmin
//	mod / remainder (a % b)             Mod / Remainder
//	clip(x, lo, hi), where(c, a, b)     Clip(x, lo, hi) (numbers), Where
//	nan_to_num(x)                       NanToNum(x) (numpy's defaults only)
//	> >= < <= == !=                     Greater GreaterEqual Less LessEqual Equal NotEqual (1 or 0)
//	sum mean prod max min               Sum Mean Prod Max Min (x, axes...); …KeepDims
//	var(x, axis, ddof), std             Var(x, ddof, axes...), Std(x, ddof, axes...)
//	argmax, argmin, argsort             ArgMax, ArgMin (one axis), ArgSort(x, axis): float64 indices
//	cumsum(x, axis)                     CumSum(x, axis)
//	sort(x, axis), partition(x, k, ax)  Sort(x, axis), Partition(x, kth, axis) (returns sorted order)
//	reshape, transpose, swapaxes        Reshape(x, shape...), Transpose(x, perm...) (swap: a permutation)
//	expand_dims, squeeze, broadcast_to  ExpandDims, Squeeze, BroadcastTo
//	concatenate, stack, split           Concatenate(xs, axis), Stack(xs, axis), Split / SplitAt
//	tile, repeat, flip, roll, rot90     Tile, Repeat(x, n, axis), Flip, Roll(x, shift, axis), Rot90(x, k, axes...)
//	triu(x, k), tril(x, k)              Triu(x, k), Tril(x, k)
//	diag(x), diag(x, k), diagonal       Diag(x), DiagK(x, k), Diagonal(x, offset, axis1, axis2)
//	trace(x), trace(x, offset)          Trace(x), TraceOffset(x, offset)
//	autograd make_diagonal              MakeDiagonal(d) (last axis)
//	diff(x, n, axis), gradient(x, h)    Diff(x, n, axis), Gradient(x, h, axis) (one axis per call)
//	pad(x, w, constant_values=c)        Pad(x, [][2]int{…}, c) (constant mode)
//	select(conds, choices, default)     Select(conds, choices, def)
//	cross(a, b)                         Cross(a, b) (last axis, length 2 or 3)
//	x[i, j], x[a:b:c], take             Index(x, i, j), Slice(x, S(a, b, c)...), Take(x, idx, axis)
//	x[[0, 2], [1, 3]]                   IndexArrays(x, []int{0, 2}, []int{1, 3})
//	x[i] = v (functional)               x.AtIndex(i).Set(v), x.AtSlice(…).Add(v)
//	zeros ones full eye *_like          Zeros Ones Full Eye ZerosLike OnesLike
//	arange, linspace                    Arange, Linspace (constants); ArangeT, LinspaceT (traced endpoints)
//	dot matmul outer inner kron         Dot MatMul Outer (inner: Dot of vectors) Kron
//	tensordot, einsum                   TensorDot(a, b, n), TensorDotAxes, Einsum
//	linalg.inv det slogdet solve        Inv Det SlogDet (sign, log|det|) Solve
//	linalg.cholesky, eigh, svd, pinv    Cholesky, Eigh (lower triangle; EighSym both), SVD (thin), Pinv
//	linalg.eig                          Eig (real spectra; complex ones panic)
//	linalg.norm(x), (x, ord, axis)      Norm(x), NormP(x, ord, axes...), NormFro, NormNuc
//	scipy.linalg.solve_triangular       SolveTriangular(a, b, lower), SolveTriangularT (trans)
//	scipy.linalg.cho_solve              CholSolve(l, b)
//	scipy.linalg.solve_sylvester, sqrtm SolveSylvester(a, b, q), Sqrtm (real non-negative spectra)
//	scipy.linalg.solve_banded((l,u),…)  SolveBanded(l, u, ab, b)
//	scipy.signal.convolve / correlate   Convolve(a, v, mode), Correlate(a, v, mode)
//	scipy.integrate.odeint(f, y0, t)    Odeint(f, y0, ts) with f(y, t float64); OdeintTol
//	special: erf erfc erfinv erfcinv    Erf Erfc Erfinv Erfcinv
//	special: gamma gammaln rgamma       Gamma Gammaln Rgamma
//	special: gammasgn digamma/psi       Gammasgn Digamma
//	special: polygamma(n, x)            Polygamma(n, x)
//	special: beta betaln betainc        Beta Betaln Betainc(a, b, x) (derivative in x)
//	special: gammainc gammaincc         Gammainc(a, x) Gammaincc(a, x) (derivative in x)
//	special: multigammaln(a, d)         Multigammaln(a, d)
//	special: j0 j1 jn y0 y1 yn          J0 J1 Jn(n, x) Y0 Y1 Yn(n, x)
//	special: i0 i1 iv ive               I0 I1 Iv(v, x) Ive(v, x)
//	special: expit, logit               Sigmoid, Logit
//	special: logsumexp(x, axis, b=b)    LogSumExp(x, axes...), LogSumExpB(x, b, axes...)
//	special: softmax, log_softmax       Softmax(x, axes...), LogSoftmax
//	stats.norm: pdf cdf logpdf logcdf   NormPDF NormCDF NormLogPDF NormLogCDF (x, loc, scale)
//	stats.norm: sf logsf ppf isf        NormSF NormLogSF NormPPF NormISF
//	stats.t: pdf cdf logpdf logcdf      StudentTPDF StudentTCDF StudentTLogPDF StudentTLogCDF (x, df, loc, scale)
//	stats.gamma: pdf cdf logpdf         GammaPDF GammaCDF GammaLogPDF (x, a)
//	stats.beta: pdf cdf logpdf          BetaPDF BetaCDF BetaLogPDF (x, a, b)
//	stats.chi2: pdf cdf logpdf          Chi2PDF Chi2CDF Chi2LogPDF (x, df)
//	stats.poisson: pmf cdf logpmf       PoissonPMF PoissonCDF PoissonLogPMF (k, mu)
//	stats.dirichlet: pdf logpdf         DirichletPDF DirichletLogPDF (x, alpha)
//	stats.multivariate_normal           MVNPDF MVNLogPDF (x, mean, cov), MVNEntropy(cov)
//	grad(f), grad(f, argnum)            Grad(f), GradArg(f, argnum) (f of []*Tensor), GradSlice (all)
//	value_and_grad, grad_and_aux        ValueAndGrad, ValueAndGradArg, GradAndAux
//	elementwise_grad, deriv             ElementwiseGrad, Deriv (forward mode)
//	jacobian(f, argnum), hessian        Jacobian, JacobianArg, JacobianFwd, Hessian, HessianArg
//	hessian_vector_product, make_hvp    HVP(f)(x, v)
//	make_vjp, make_jvp                  VJP(f)(x) (value, pullback), JVP(f)(x, v)
//	make_ggnvp(f, g)                    MakeGGNVP(f, g)(x)(v)
//	checkpoint, stop_gradient           Checkpoint, StopGradient
//	primitive + defvjp/defjvp           NewPrimitive(name, forward, vjps...), DefJVP
//	test_util.check_grads               CheckGrads(f, x, order), CheckGradsWith
//	jax.jit                             Jit, JitSlice
//	jax.jit(f, donate_argnums=…)        JitTo, JitSliceTo (the results donated)
//	jax.Array.delete, del x (torch)     x.Release(), Release(xs...)
//
// # Functional updates
//
// Tensors are immutable, so x[i] = v is written x.AtIndex(i).Set(v), which
// returns an updated copy; x.AtSlice(ranges...) selects like Slice.
// The Indexer they return has Set, Add and Mul (a *Tensor or a number,
// broadcast to the selection) and Get. Results are differentiable with
// respect to both x and v: Set's gradient is zero at the selection for x
// and the selection's gradient for v. A v that does not broadcast panics
// with ErrShape.
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
//
// # Jit: trace once, replay
//
// Jit(f) returns a function with f's signature that, on its first call
// for a given input shape, runs f once under a jit trace and records every
// primitive application that depends on the input, including those made by
// Grad, ElementwiseGrad, Hessian, Derivatives and the backward pass inside
// f, into a program: a flat list of primitive calls over numbered buffers,
// with common subexpressions merged, dead code removed, 0-d operations run
// on registers through the primitives' scalar paths (the most common ones
// inline, a Sin and a Cos of one value as one math.Sincos, which gives the
// same bits), elementwise kernels, products of two matrices, broadcasting
// binary operations, SumTo and the reductions along rows or columns
// writing into buffers planned once per program (a buffer is reused as soon
// as its value is dead), consecutive elementwise operations on vectors of
// one length fused into one pass over the values (in strips of long
// vectors; shared by both cores when the pass has work enough for two,
// as thousands of operations on a few hundred values have, and sharing
// was the faster way on the recent replays — a pass over a few hundred
// values in two blocks, the second computing its part of the pass's own
// intermediate buffers in a copy of them, so that the cores do not write
// the same cache lines), divisions by a denominator
// that many of them share (the derivatives of a quotient: W1 divides 1280
// times per value by one) taking half of their blocks from a reciprocal
// computed once per replay, with an exact correction that gives the
// division's bits (where AVX-512 is available; a cotangent summed over
// such quotients one term at a time, as the divisor's is, runs as one
// kernel that keeps the sum in a register, and consecutive divisions by
// one denominator as one pass), and the other
// intermediate results handed back to the allocator at their last use. Every result a replay returns
// is a new tensor, never overwritten by a later call (except the tensors
// donated to JitTo and JitSliceTo, below). Later calls with
// the same input shapes replay the program without running f (so without
// the interpreter when f was written in a notebook cell); results are those
// of calling f, bit for bit (the program calls the same kernels in the same
// order, or, for the divisions above, kernels that give their bits), except
// for a NaN's sign and payload, which Go does not define. The
// garbage collector frees a result once it is dropped. A
// replay allocates its results — a tensor and a buffer for each (one
// block for fewer than 128 values; a buffer of 1 to 64 KiB is one that a
// dropped result handed back through the garbage collector when there is
// one, and one of more than 4 MiB one of the two that the program got
// back from its earlier results of that size at the last collection,
// when there is one) — and JitSlice's slice of them, and nothing
// else in steady state:
// its products, long elementwise loops and fused passes shared by the
// cores run on long-lived goroutines (a new one starts only when none is
// free). A W3 gradient allocates 9 times, 1.6 MB: its gradients; 11
// times and under 1 KiB when each step releases its results, and
// not at all when it donates them (see "Giving memory back").
// JitSlice does the
// same for a function of several tensors with several results (a value
// and its gradients).
//
// What is traced: primitive applications whose arguments depend on the
// input; a primitive made with NewPrimitive is one instruction, and its
// forward function runs again at every replay (primitives are taken to be
// pure functions: two equal applications are computed once). Every
// other value f uses — tensors captured by its closure, constants it makes
// — is a constant of the program, read when f was traced: a captured
// variable assigned a new tensor afterwards is not seen by replays (as
// with jax.jit). Pass values that change as inputs.
//
// What re-traces: input shapes not seen before (up to 8 shapes are kept,
// least recently used dropped), and guards. Converting a traced value to
// Go numbers or text (Item, At, Data, String, printing, and the operations
// that decide from values outside their kernels: Sort's order, ArangeT's
// length) records the values read as a guard: a replay first checks that they are the same, bit for
// bit, and traces f again when they are not, so control flow that depends
// on data (an if on x.Item(), a loop bound from data) never replays a
// wrong path. Up to 4 programs per shape are kept; after 16 traces for one
// shape the jitted function calls f directly for that shape.
//
// What is refused (a panic with an *Error wrapping ErrJit naming the
// cause): f drawing random numbers from an RNG while traced (a replay would
// repeat them; draw outside and pass them in), and f using a value traced
// by a differentiation outside it through its closure (pass it as an
// input). A jitted function called with inputs that an enclosing Grad or
// Jit traces runs f itself, so derivatives of jitted functions are right.
// A traced value that leaks out of f (stored in a captured variable)
// panics with ErrNotInput when used afterwards. StopGradient inside f
// stops differentiations only: its result is still traced by Jit. Replays check the
// interrupt flag before every operation (in a fused pass, before every 256
// operations of a block), and their kernels check it and
// the allocation guard as usual. A jitted function may be called from
// several goroutines.
//
// # Giving memory back: Release and donation
//
// ad cannot know when the caller is done with a result, so a loop that
// makes a large result per step makes a new buffer per step, and the
// garbage collector returns the memory only when it runs (100 jitted W3
// gradients: about 12 MB of peak resident growth, against PyTorch's 6,
// which frees a tensor when its last reference goes). Two ways to say so, as
// mature array libraries have (PyTorch's caching allocator, JAX's
// donate_argnums and Array.delete):
//
//   - x.Release() (ad.Release(xs...) for several) ends x's life. When x is
//     the only reference to its buffer, the buffer goes back to ad's pools
//     at once, for the next result of its length. That holds for the
//     results a replay of a jitted function makes (every result of JitTo
//     and JitSliceTo; those of 128 values or more of Jit and JitSlice, once
//     Release has been called in the process: the first release only marks
//     its tensor) until something else refers to them: a view of x (Reshape, or a
//     jitted function's result that views its input), x captured as a
//     constant by a jitted function, x used in a differentiation or a
//     traced operation. Any other tensor is only marked, and its buffer
//     freed by the collector as usual, so releasing is always safe for
//     the values of other tensors.
//   - JitTo(f) and JitSliceTo(f) return functions taking, before the
//     inputs, the tensors donated for the results: outs = step(outs, xs)
//     computes each result into the donated tensor at its position when
//     that tensor is a result of an earlier call of the same shape that
//     nothing else refers to (as above) and that shares no memory with an
//     input; the others get new tensors. A W3 step then allocates nothing
//     (TestJitReplayAllocs), and the returned slice is dst's. Donated
//     tensors that are not returned are released, and so are all of them
//     when the call panics (an interrupt may stop a replay after it wrote
//     part of a result into one).
//
// Every use of a released tensor — as an argument of any function, an
// accessor (Data, Item, Shape, …), printing — panics with an *Error
// wrapping ErrReleased: never a value read from a buffer that is someone
// else's by then. Releasing twice or releasing nil does
// nothing; releasing a value a running differentiation or Jit traces
// panics with ErrArgument. A tensor released while a trace holds it (a
// constant of a Grad inside the differentiated function) makes the trace
// panic with ErrReleased when it uses it. Releasing a view (Reshape of x)
// leaves x alone. A function that returns a tensor it captured returns
// that tensor itself, jitted or not: releasing the result releases the
// captured tensor. Donating overwrites: any other variable holding a
// donated tensor sees the new values, so copy a result (y.Data(),
// ad.Add(y, 0)) that must outlive the next call.
//
// Collecting more often bounds the peak too, at a price: with GOGC=25
// instead of Go's default 100, 100 warm jitted W3 gradients grew the
// resident set by 2.9 MB at the peak instead of 11.9 (torch 6.3), but
// still allocated 147 MB and collected 89 times instead of 23; released,
// they allocated 2.7 MB in all (the first gradient's new buffers), never
// collected, and grew by 2.8 MB; donated, 2.4 MB (BENCHMARKS.md).
//
// Which tensors own their buffers alone is kept in a side table, not in
// Tensor (a field made the blocks of eager scalar steps larger, and eager
// W2 half as slow): only the results above and released tensors that
// were not theirs have an entry, each with a weak pointer, so that a new
// tensor at the address of a collected one is never taken for it. A
// program that neither jits nor releases keeps the table empty, and eager
// operations then pay one atomic load for it; while entries exist (results
// kept from JitTo loops, for example), each operation first tests its
// arguments against a filter of the recorded addresses (a few
// nanoseconds) and takes the table's lock only on a match. Recording a result costs one small allocation (the weak pointer's):
// after a Release, a jitted W3 gradient makes 12 allocations instead of 9
// (a released one 11, a donated one none).
//
// # Custom derivatives and checkpointing
//
// NewPrimitive(name, forward, vjps...) defines an operation from notebook
// code: forward computes on plain tensors; vjps[i](g, ans, args) returns
// the cotangent of argument i (nil or missing: zero); DefJVP adds
// forward-mode rules and Call applies it. Rules written with ad's ops give
// derivatives of every order. Every call of forward or of a rule gets its
// own copy of the argument slice, so user code may keep or change it.
// A rule that returns nil panics with ErrNil. Inside the package, the same
// is done with a Primitive value and its Apply method (see core.go).
//
// Checkpoint(f) computes f without storing its intermediates for reverse
// mode: the backward pass runs f again (jax.checkpoint). f must be a pure
// function of its argument; a differentiated value captured from outside
// would lose its gradient, so that panics with ErrNotInput. CheckpointSlice
// takes such values as further arguments.
//
// # Optimisers and Minimize
//
// NewSGD(lr, momentum), NewRMSProp(lr, decay) and NewAdam(lr) return an
// *Optimizer whose Step (StepMap) returns updated parameters from
// gradients, never modifying them, and whose Run (RunMap) takes iters
// steps on a loss of a []*Tensor (map[string]*Tensor) parameter set,
// calling a callback after each. Its exported fields (LR, …) may change
// between steps, for a learning-rate schedule; constant-rate Adam only
// hovers near a minimum, so anneal LR for precise solutions.
// Minimize(f, x0, method) drives gonum's optimize package with ad's
// gradients: "BFGS", "LBFGS", "CG" or "Newton" (the exact Hessian);
// MinimizeWith takes tolerances. When the method fails (a failed line
// search) or f panics, they return a non-nil error together with the best
// point reached, not a panic; the result records the path of iterates for
// plotting.
//
// # Errors
//
// Programmer errors panic with an *Error whose message names the operation
// and the shapes involved ("ad.MatMul: shapes (3,4) and (5,2) do not
// align"). Each *Error wraps a sentinel — ErrShape, ErrAxis, ErrIndex,
// ErrArgument, ErrNil, ErrNonScalar, ErrNotInput, ErrInterrupted, ErrMemory,
// ErrSingular, ErrGradCheck, ErrJit, ErrReleased — to test with errors.Is. Catch runs a function
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
//   - Tensors are immutable; no operation writes to an argument (a tensor
//     donated to JitTo or JitSliceTo for a result is given up, not an
//     argument: the call may overwrite it). A released tensor is never
//     read again: every use panics with ErrReleased.
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
// Jacobian and Hessian run their pullbacks (one per output element, or
// one per block of rows when they can be batched), and JacobianFwd its
// batched tangents, on up to GOMAXPROCS goroutines when there is enough
// work and the function is not itself being differentiated by an
// enclosing operator; the result is bit-identical to the serial order,
// errors and interruption surface on the calling goroutine, and derivative
// rules (custom ones included) may then run concurrently. GOMAXPROCS=1
// keeps that work on the calling goroutine. The interrupt flag is the only process-wide state.
//
// # Performance
//
// Kernels loop over []float64 without per-element interfaces or
// allocation; same-shape and scalar operands of binary operations take fast
// paths. A traced operation costs one allocation for its graph node and
// boxed result besides its data. Matrix products go through gonum's BLAS
// interface (blas64); the default build installs a pure-Go GEMM and GEMV
// with AVX2/FMA kernels in Go assembly (packed, cache-blocked, sharing large
// products among the cores) on CPUs that have them, and gonum's own
// elsewhere (or with GOGRAD_GEMM=purego); batches of small products are
// spread over the cores.
//
// Buffers are reused rather than left to the garbage collector where that
// is provably safe. The backward pass counts the cotangents holding each
// buffer it allocated: it adds into a buffer only it holds, passes Sum's
// cotangent on unbroadcast through elementwise rules, and recycles a
// buffer once its last reader is done. A result buffer of 1 KiB to 4 MiB
// carries a finalizer, so when the garbage collector finds that nothing
// refers to it any more it is recycled too (at most five times, then
// freed): a loop that makes and drops results of the same sizes, such as
// training steps, stops growing the heap. The results of more than 4 MiB
// of a jitted function come back the same way to its program, at most
// two at a time, for its next replays, until the collection after: a
// function that is not being called keeps none (EW's dropped 8 MB
// result: a collection every 4 calls instead of every 2, and a mean call
// of 0.48 instead of 0.60 ms, for up to four such buffers more in memory
// while it runs).
//
// Building with -tags openblas (cgo and OpenBLAS's development files, for
// example Debian's libopenblas-dev) sends every GEMM and GEMV of ad and of
// gonum's LAPACK to OpenBLAS, multi-threaded; the other BLAS routines stay
// gonum's, and results agree to rounding. Without cgo the tag is ignored.
// OpenBLAS picks its CPU kernels when it loads; where it falls back to a
// generic core, set OPENBLAS_CORETYPE=SkylakeX (AVX-512) or Haswell (AVX2).
// The gograd executable does this itself (see `gograd version`).
package ad
