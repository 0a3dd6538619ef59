// Package gemm is a pure-Go (Go assembly, no cgo) double-precision matrix
// product for ad's default build: Dgemm and Dgemv with the semantics of
// gonum's blas.Float64Level3 Dgemm and blas.Float64Level2 Dgemv (row-major;
// every transpose combination; leading dimensions larger than the width;
// C = alpha·op(A)·op(B) + beta·C, where beta == 0 overwrites C without
// reading it, so NaN in the old C does not propagate; NaN and Inf in A and B
// propagate as in the naive product; invalid arguments panic with gonum's
// messages). DgemmStop is Dgemm that also gives up, within a few
// milliseconds, when a flag is raised (ad's interruption).
//
// # Kernel
//
// On amd64 CPUs with AVX2 and FMA (detected once with CPUID/XGETBV) the
// products run in a 6×8 register-blocked micro-kernel (kern6x8 in
// kernel_amd64.s): twelve YMM accumulators, two 4-wide loads of a row of B
// and six broadcasts of A per step of the inner dimension, twelve
// VFMADD231PD. It reads A and B through strides, so the same kernel serves
// packed panels and operands in place.
//
//   - Small products (m·n·k < ParallelMin and A plus B within 256 KiB) run
//     straight from the caller's memory: only a transposed B, the last
//     m mod 6 rows of A and the last n mod 8 columns of B are packed. They
//     stay on the calling goroutine.
//   - Larger products are cache-blocked as in BLIS/GotoBLAS: kc×nc panels
//     of op(B) (kc = 256, nc = 4080) are packed into 8-column slivers that
//     stay in L1 while mc×kc blocks of op(A) (mc = 120), packed into 6-row
//     slivers, stay in L2. From ParallelMin multiply-adds on, GOMAXPROCS
//     goroutines pack each B panel together and then take disjoint rows of
//     C (or disjoint slivers of the panel when C has few rows).
//   - Partial tiles at the edges are computed into a 6×8 scratch tile and
//     merged into C.
//
// Dgemv with unit strides uses two AVX2 kernels: four row dot products at
// once for y = A·x, and y += Σ xᵢ·Aᵢ over four rows at once for y = Aᵀ·x,
// on several goroutines from 2¹⁵ matrix elements on (by rows, with one
// partial sum per goroutine, when y is short).
//
// # Fallback
//
// On other CPUs and architectures, with the purego build tag, or with
// GOGRAD_GEMM=purego in the environment, Accelerated reports false and every
// call goes to gonum's implementation. Degenerate calls (m, n or k zero,
// alpha zero), invalid arguments and non-unit vector strides go to gonum on
// every platform.
package gemm
