#!/usr/bin/env python3
"""Runs ../shared/bench/peers/bench_jax.py unchanged, with one addition: every
record it emits also carries the mean per call (extra.mean_s), computed from the
same timed calls as its median. Go's benchmarks report a mean (ns/op), so
jit_jax_table.py can then put mean beside mean as well as median beside median.

    cd PEERS && BENCH_ONLY=EW $JAX_PYTHON /path/to/jax_mean.py
"""
import os
import runpy
import sys

peers = os.environ.get("BENCH_PEERS_DIR", os.getcwd())
sys.path.insert(0, peers)
import bench_common as C  # noqa: E402  (the module bench_jax.py imports; patched once here)

_emit = C.emit


def emit(peer, workload, ts, check=None, variant="", **extra):
    if ts and "ratio" not in variant:
        extra["mean_s"] = sum(ts) / len(ts)
    return _emit(peer, workload, ts, check=check, variant=variant, **extra)


C.emit = emit
sys.argv[0] = os.path.join(peers, "bench_jax.py")
runpy.run_path(sys.argv[0], run_name="__main__")
