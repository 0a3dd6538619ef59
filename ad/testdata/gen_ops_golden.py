"""Generate ops_golden.json: numpy results of the array ops on random data.

Run with numpy >= 2:  python3 gen_ops_golden.py > ops_golden.json
TestOpsMatchNumpy (ops_values_test.go) replays every case.
"""
import json
import sys
import warnings

import numpy as np

warnings.simplefilter("ignore")  # var/std with ddof >= n give nan/inf, as recorded

rng = np.random.default_rng(11)
cases = []


def arr(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "data": [repr(float(v)) for v in a.ravel()]}


def add(op, args, want, **params):
    cases.append({"op": op, "args": [arr(a) for a in args], "params": params, "want": arr(want)})


def rnd(*shape):
    return np.round(rng.standard_normal(shape), 3)


for shape in [(5,), (3, 4), (2, 3, 4), (2, 1, 3, 2)]:
    x = rnd(*shape)
    nd = len(shape)
    axes_list = [[], [0], [nd - 1], [-1]] + ([[0, nd - 1], [1]] if nd > 1 else [])
    for axes in axes_list:
        ax = tuple(axes) if axes else None
        for keep in (False, True):
            add("sum", [x], np.sum(x, axis=ax, keepdims=keep), axes=axes, keep=keep)
            add("mean", [x], np.mean(x, axis=ax, keepdims=keep), axes=axes, keep=keep)
            add("prod", [x], np.prod(x, axis=ax, keepdims=keep), axes=axes, keep=keep)
            add("max", [x], np.max(x, axis=ax, keepdims=keep), axes=axes, keep=keep)
            add("min", [x], np.min(x, axis=ax, keepdims=keep), axes=axes, keep=keep)
            lse = np.log(np.sum(np.exp(x), axis=ax, keepdims=keep))
            add("logsumexp", [x], lse, axes=axes, keep=keep)
            for ddof in (0, 1):
                add("var", [x], np.var(x, axis=ax, ddof=ddof, keepdims=keep), axes=axes, keep=keep, ddof=ddof)
                add("std", [x], np.std(x, axis=ax, ddof=ddof, keepdims=keep), axes=axes, keep=keep, ddof=ddof)
    for axis in range(nd):
        add("cumsum", [x], np.cumsum(x, axis=axis), axis=axis)
        add("argmax", [x], np.argmax(x, axis=axis), axis=axis)
        add("argmin", [x], np.argmin(x, axis=axis), axis=axis)
        add("flip", [x], np.flip(x, axis=axis), axes=[axis])
        idx = [int(i) for i in rng.integers(-shape[axis], shape[axis], 4)]
        add("take", [x], np.take(x, idx, axis=axis), indices=idx, axis=axis)
        add("concatenate", [x, x * 2], np.concatenate([x, x * 2], axis=axis), axis=axis)
        add("repeat", [x], np.repeat(x, 2, axis=axis), repeats=2, axis=axis)
    add("argmax", [x], np.argmax(x), axis=None)
    for axis in range(-nd - 1, nd + 1):
        add("stack", [x, -x, x + 1], np.stack([x, -x, x + 1], axis=axis), axis=axis)
    for _ in range(2):
        perm = [int(p) for p in rng.permutation(nd)]
        add("transpose", [x], np.transpose(x, perm), perm=perm)
    add("tile", [x], np.tile(x, (2, 1, 3)), reps=[2, 1, 3])
    # Random basic slices.
    for _ in range(4):
        ranges = []
        for d in shape:
            step = int(rng.choice([-2, -1, 1, 2, 3]))
            start = None if rng.random() < 0.3 else int(rng.integers(-d - 2, d + 2))
            stop = None if rng.random() < 0.3 else int(rng.integers(-d - 2, d + 2))
            ranges.append([start, stop, step])
        want = x[tuple(slice(*r) for r in ranges)]
        add("slice", [x], want, ranges=ranges)

m = rnd(4, 5)
add("diag", [m], np.diag(m))
add("diag", [m[0]], np.diag(m[0]))
add("trace", [m], np.trace(m))
t3 = rnd(3, 3, 2)
add("trace", [t3], np.trace(t3))

for sa, sb in [((3, 4), (4, 5)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)),
               ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2)),
               ((1, 3, 4), (2, 4, 1)), ((2, 3, 4), (4,)), ((4,), (2, 4, 3))]:
    a, b = rnd(*sa), rnd(*sb)
    add("matmul", [a, b], np.matmul(a, b))
for sa, sb in [((2, 3, 4), (5, 4, 2)), ((3, 4), (4,)), ((2, 3), (3, 4)), ((2, 2, 3), (3,))]:
    a, b = rnd(*sa), rnd(*sb)
    add("dot", [a, b], np.dot(a, b))
a, b = rnd(2, 3), rnd(4)
add("outer", [a, b], np.outer(a, b))

json.dump(cases, sys.stdout)
