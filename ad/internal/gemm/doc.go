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
// packed panels and operands in place; a 4×8 variant (kern4x8) takes row
// edges of 4 or 5 rows. Both prefetch their rows of C before the loop
// (n = 2000, whose C is in no cache: 3–10% more work per CPU second in two
// A/B runs on a loaded machine). With its operands in L1 the kernel runs
// at the AVX2 FMA peak (57 GFLOP/s on one core of the Zen 4 this was tuned
// on; BenchmarkKernel).
//
//   - Small products (A plus B within 512 KiB, under 2²² multiply-adds,
//     below ParallelMin) run straight from the caller's memory: only a transposed B,
//     the last 1–3 rows of A and the last n mod 8 columns of B are packed.
//     Rows go in tiles of 6, then 4 (m = 16 is 6+6+4, m = 32 is 6·4+4+4).
//     From 2¹⁸ multiply-adds on (directParMin: 64³), the caller
//     and the pool's helpers share such a product by ranges of 8-column
//     slivers claimed in order (directShared), and by ranges of row tiles
//     when there are fewer slivers than items (W3's n = 10), with the same
//     kernel calls as on one goroutine. When the caller had to wait more than 1 ms for
//     a helper's item (the other core is busy), direct products run on the
//     caller alone for the next 50 ms.
//   - Larger products are cache-blocked as in BLIS/GotoBLAS: kc×nc panels
//     of op(B) (kc ≤ 256, in panels of near-equal depth; nc = 4080) are
//     packed into 8-column slivers that stay in L1 while mc×kc blocks of
//     op(A) (mc ≤ 120 rows; ≤ 240 from m = 1920 on, where that still
//     makes 8 blocks: n = 2000 +5% on both cores, +2% on one), packed into
//     6-row slivers, stay in L2. Row-major A
//     and transposed B are packed with 4×4 in-register transposes
//     (packT6, packT8); a row-major B four slivers at a time, row by row
//     (packN8w: 32 contiguous values per row read, which halved the cost
//     with a power-of-two leading dimension).
//   - From ParallelMin multiply-adds on, the calling goroutine and up to
//     GOMAXPROCS-1 long-lived helper goroutines share the product (par.go,
//     pool.go): its panels are cut into work items (pack a block of op(A),
//     pack a group of B slivers, multiply a row block by a group of
//     slivers) that each goroutine claims in a fixed order from an atomic
//     counter. Packed panels are shared (nothing is packed twice, except
//     A blocks when a block meets all of B anyway) and the next panel is
//     packed while this one is multiplied; the last panel's multiply items
//     are cut finer (at least 16 per goroutine), so that the goroutines
//     finish close together; the caller never waits for a
//     helper to start (on this VM a parked goroutine takes ~90 µs to wake)
//     and does every item itself if none comes; a helper polls for 200 µs
//     after a job, and serial products of 2¹⁸ multiply-adds or more wake
//     it in advance. The result is bit-identical to the serial packed
//     product, whoever ran what.
//   - Parallel products whose op(A) k panels (m×kc) fit in L2, or whose
//     whole op(B) does, share nothing packed (privJob in priv.go): by
//     columns, each item is a range of 8-column slivers of C over all rows
//     and k panels, which packs its own slivers of op(B) and reads op(A) in
//     place (W3's X·W1, 128×784·784×256); by rows, each goroutine packs all
//     of op(B) once and each item is a range of rows whose blocks of op(A)
//     it packs (W3's Xᵀ·G, 784×128·128×256). Items have no dependencies;
//     the caller claims them from the front, its helpers from the back,
//     so that each core writes the same end of C from one product to the
//     next (on two L3s, W3's Xᵀ·G in the replay 765 µs against 831 with
//     both claiming in one order; 580 on one L3).
//     In the shared panels above, lines written by one core and read by
//     the other made packing several times slower than on one core.
//   - The other parallel products with at least 256 rows of op(A) per
//     goroutine (W7's n = 512, 1000, 2000) do not use the shared panels
//     either: each goroutine keeps to its own rows of C (homeJob in
//     home.go), running packed's phases (panels of op(B)) in order,
//     each goroutine packing every
//     panel of op(B) itself and claiming first the blocks of its home
//     range of rows (the w-th of as many equal ranges of blocks as
//     goroutines, the caller's first), then the others' from the far end;
//     a block waits for its rows' previous phase, and the last phase's
//     blocks are cut in 4 by slivers. The host moves this VM's two vCPUs
//     between one L3 (a line's round trip between them 85–105 ns) and two
//     (450–600 ns); on two, the shared panels' traffic (op(B) packed half
//     by each core, blocks of C updated by either in each k panel) cost
//     10–20%: n = 1000 91–94 GFLOP/s against 104–108 on one L3, n = 512
//     78–80 against 103–105. With home rows, n = 1000 runs at 99–104 on
//     two L3s and 106 on one, n = 512 at 93 and 104–108, n = 2000 at
//     104–108 on either (shared: 100–101 and 107–109).
//   - Partial tiles at the edges are computed into a 6×8 scratch tile and
//     merged into C.
//   - DgemmStop checks its flag before every mc×kc block of A (at most
//     about 1.3·10⁸ multiply-adds, a few milliseconds, apart; in parallel
//     products before every multiply item or block, which is at most as
//     large, or 2²⁵ multiply-adds with private packing).
//
// Packing buffers are reused through a short free list (at most 8 buffers,
// the largest 8 MiB), and so are the jobs of parallel and shared direct
// products with their slices (at most 4 of each): in steady state a Dgemm
// allocates nothing. A job is reused only once no helper is inside it, and
// a helper holding a stale offer of an earlier run of a job does not join
// its later runs (jobState in pool.go).
//
// Dgemv with unit strides uses two AVX2 kernels: four row dot products at
// once for y = A·x, and y += Σ xᵢ·Aᵢ over four rows at once for y = Aᵀ·x.
// Both are bound by the bandwidth of the cache or memory holding A, and each
// core adds its own: from 2¹⁸ matrix elements (2 MiB) the rows are cut into
// 16 blocks that the caller and the pool's helpers claim like the items of
// a parallel product (y = Aᵀ·x sums each block into its own vector and adds
// the vectors in block order, so the result depends only on the shape).
// On W4's 10000×100 (8 MB, in L3) this halves the time once a helper is
// awake; an earlier split on new goroutines per call measured slower only
// because a parked goroutine takes ~90 µs to wake on this VM.
//
// # Fallback
//
// On other CPUs and architectures, with the purego build tag, or with
// GOGRAD_GEMM=purego in the environment, Accelerated reports false and every
// call goes to gonum's implementation. Degenerate calls (m, n or k zero,
// alpha zero), invalid arguments and non-unit vector strides go to gonum on
// every platform.
package gemm
