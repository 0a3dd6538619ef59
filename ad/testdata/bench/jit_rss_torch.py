#!/usr/bin/env python3
"""PyTorch's side of jit_rss.py: resident memory of 100 W3 gradients (value and
gradient of the tanh MLP with softmax cross-entropy, the shapes of
../../../shared/bench/README.md, float64) in this fresh process; one JSON line.

Like jitrss/main.go, it resets the peak (VmHWM) to the current resident size
by writing 5 to /proc/self/clear_refs before the loop: the peak growth is
VmHWM after - VmRSS before.  Run with Debian's /usr/bin/python3 (python3-torch).
  TORCH_THREADS=1 also calls torch.set_num_threads(1); Debian's torch calls the
  pthreads OpenBLAS, so a single-core run also needs OPENBLAS_NUM_THREADS=1.
  --keep-traced runs one gradient before the baseline (as jitrss -keep-traced).
"""
import json
import os
import sys
import time

import numpy as onp
import torch


def status():
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0])
    return out["VmRSS"], out["VmHWM"]


def main():
    n = 100
    if os.environ.get("TORCH_THREADS"):
        torch.set_num_threads(int(os.environ["TORCH_THREADS"]))
    torch.set_default_dtype(torch.float64)
    r = onp.random.RandomState(3)
    B, IN, H, OUT = 128, 784, 256, 10
    X = r.randn(B, IN)
    labels = r.randint(0, OUT, size=B)
    Y = onp.zeros((B, OUT))
    Y[onp.arange(B), labels] = 1.0
    T = lambda a: torch.from_numpy(onp.ascontiguousarray(a))
    X, Y = T(X), T(Y)
    params = [T(r.randn(IN, H) / onp.sqrt(IN)).requires_grad_(True), T(onp.zeros(H)).requires_grad_(True),
              T(r.randn(H, OUT) / onp.sqrt(H)).requires_grad_(True), T(onp.zeros(OUT)).requires_grad_(True)]

    def loss(params):
        W1, b1, W2, b2 = params
        h = torch.tanh(X @ W1 + b1)
        z = h @ W2 + b2
        lse = torch.logsumexp(z, dim=1, keepdim=True)
        return -(Y * (z - lse)).sum() / X.shape[0]

    def vg():
        l = loss(params)
        return [l] + list(torch.autograd.grad(l, params))

    keep = "--keep-traced" in sys.argv
    if keep:
        vg()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    rss0, hwm0 = status()
    start = time.perf_counter()
    check = 0.0
    for _ in range(n):
        outs = vg()
        check = outs[0].item()
    elapsed = time.perf_counter() - start
    rss1, hwm1 = status()
    print(json.dumps({
        "peer": "torch", "mode": "autograd", "n": n, "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(), "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", ""),
        "traced_before": keep, "rss0_kb": rss0, "hwm0_kb": hwm0, "rss1_kb": rss1, "hwm1_kb": hwm1,
        "peak_growth_kb": hwm1 - rss0, "rss_growth_kb": rss1 - rss0, "seconds": elapsed, "check": check}))


if __name__ == "__main__":
    main()
