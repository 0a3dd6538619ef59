"""PyTorch CPU timings of the ad extension benchmarks (ext_bench_test.go).

Besides wall time it reports process CPU time per call (cpu_*), which the
Go benchmarks report as cpu-ns/op: on a machine shared with other work,
single-thread CPU times (BENCH_TORCH_THREADS=1, GOMAXPROCS=1) compare more
reliably than wall times.

Run with the Debian Python that has torch (``/usr/bin/python3``); prints one
JSON line per measurement with the keys of ../../shared/bench (peer,
workload, variant, median_s, min_s, max_s, n). Shapes match the Go
benchmarks exactly; data are random float64 of the same scales.
"""
import json
import os
import statistics
import sys
import time

import torch

torch.set_default_dtype(torch.float64)
# Two threads like GOMAXPROCS on the 2-core benchmark machine (Debian's
# torch otherwise picks one here); override with BENCH_TORCH_THREADS.
torch.set_num_threads(int(os.environ.get("BENCH_TORCH_THREADS", "2")))


def measure(fn, min_time=1.0, min_n=5):
    """Returns the wall and the process CPU times of repeated calls of fn."""
    fn()  # warm up
    wall, cpu = [], []
    start = time.perf_counter()
    while len(wall) < min_n or time.perf_counter() - start < min_time:
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        if len(wall) >= 200:
            break
    return wall, cpu


def emit(workload, variant, times):
    wall, cpu = times
    print(json.dumps({"peer": "torch", "workload": workload, "variant": variant,
                      "median_s": statistics.median(wall), "min_s": min(wall),
                      "max_s": max(wall), "n": len(wall),
                      "cpu_median_s": statistics.median(cpu), "cpu_min_s": min(cpu),
                      "threads": torch.get_num_threads(), "version": torch.__version__}))
    sys.stdout.flush()


def main():
    g = torch.Generator().manual_seed(1)
    # Cholesky + triangular solve, 500×500.
    m = torch.randn(500, 500, generator=g)
    a0 = m @ m.T + 500 * torch.eye(500)
    rhs = torch.randn(500, 1, generator=g)

    def chol_fwd():
        torch.linalg.solve_triangular(torch.linalg.cholesky(a0), rhs, upper=False).sum()

    def chol_grad():
        a = a0.clone().requires_grad_(True)
        s = torch.linalg.solve_triangular(torch.linalg.cholesky(a), rhs, upper=False).sum()
        s.backward()

    emit("chol-solve-500", "fwd", measure(chol_fwd))
    emit("chol-solve-500", "grad", measure(chol_grad))

    # 3×3 convolution, 16→16 channels, padding 1, batch 64 of 16×32×32.
    x0 = torch.randn(64, 16, 32, 32, generator=g)
    w0 = 0.1 * torch.randn(16, 16, 3, 3, generator=g)

    def conv_fwd():
        torch.nn.functional.conv2d(x0, w0, padding=1)

    def conv_fwdbwd():
        x = x0.clone().requires_grad_(True)
        w = w0.clone().requires_grad_(True)
        y = torch.nn.functional.conv2d(x, w, padding=1)
        (0.5 * (y * y).sum()).backward()

    emit("conv3x3-64x16x32x32", "fwd", measure(conv_fwd))
    emit("conv3x3-64x16x32x32", "fwd+bwd", measure(conv_fwdbwd))

    # Batched matrix product as einsum and as matmul, 32 × (64×64)·(64×64).
    p = torch.randn(32, 64, 64, generator=g)
    q = torch.randn(32, 64, 64, generator=g)
    emit("einsum-bij-bjk", "einsum", measure(lambda: torch.einsum("bij,bjk->bik", p, q)))
    emit("einsum-bij-bjk", "matmul", measure(lambda: torch.matmul(p, q)))
    emit("einsum-bji-bjk", "einsum", measure(lambda: torch.einsum("bji,bjk->bik", p, q)))


if __name__ == "__main__":
    main()
