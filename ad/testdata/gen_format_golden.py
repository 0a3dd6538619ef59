"""Generate format_golden.json: numpy's print(x) output for a set of arrays.

Run with numpy >= 2 installed:  python3 gen_format_golden.py > format_golden.json
The Go test TestFormatMatchesNumpy reads the file and compares String() output.
"""
import json

import numpy as np

rng = np.random.default_rng(7)
cases = []


def add(name, a):
    a = np.asarray(a, dtype=np.float64)
    cases.append({
        "name": name,
        "shape": list(a.shape),
        "data": [repr(float(v)) for v in a.ravel()],
        "want": str(a),
    })


add("scalar", 3.0)
add("scalar_frac", 0.39322386648296376)
add("scalar_small", 1e-5)
add("scalar_1e-4", 1e-4)
add("scalar_big", 1e16)
add("scalar_1e15", 1e15)
add("scalar_negzero", -0.0)
add("scalar_nan", np.nan)
add("scalar_neginf", -np.inf)
add("matrix", [[1., 2.], [3., 4.]])
add("vector_mixed", [1.5, 2., -3.25])
add("thirds", np.arange(6.).reshape(2, 3) / 3)
add("wrap", np.arange(20.))
add("wrap_long", np.arange(100.) / 7)
add("tiny", [1e-5, 1., 1000.])
add("exp_big", [0.1, 1e9])
add("exp_wide", [1e-5, 1e100])
add("exp_neg", [[1 / 3, 2 / 3], [1e3, -4]])
add("nonfinite", [1.5, np.nan, np.inf, -np.inf])
add("all_nan", [np.nan, np.nan])
add("nonfinite_exp", [1e-7, np.inf])
add("negzero", [-0.0, 1.])
add("zeros", np.zeros((2, 3)))
add("ones_3d", np.ones((2, 2, 2)))
add("arange_3d", np.arange(24.).reshape(2, 3, 4))
add("empty", np.zeros(0))
add("empty_2d", np.zeros((2, 0)))
add("one_elem", [[5.]])
add("summary_1d", np.arange(2000.))
add("summary_2d", np.zeros((2000, 2)))
add("summary_2d_exp", np.arange(3000.).reshape(10, 300) / 7)
add("summary_3d", np.arange(1001.).reshape(1001, 1, 1))
add("summary_4d", np.arange(4096.).reshape(8, 8, 8, 8))
add("no_summary_1000", np.arange(1000.))
add("normal", rng.standard_normal((4, 5)))
add("normal_wide", rng.standard_normal((3, 17)))
add("uniform_big", rng.uniform(-1e6, 1e6, (5, 3)))
add("rounding", [0.123456789012, 1.999999999, 2.5e-4])
add("large_positional", [12345678.9, 1.])
add("mixed_sign_exp", [-1e-9, 2e-9, 3.5])

for i in range(24):
    shape = [(3,), (2, 4), (3, 1, 5), (17,), (2, 2, 2, 2)][i % 5]
    scale = 10.0 ** rng.uniform(-12, 12, shape)
    vals = rng.standard_normal(shape) * scale
    if i % 3 == 0:
        vals = np.round(vals)
    if i % 4 == 1:
        vals.flat[0] = 0.0
    add("random_%d" % i, vals)
for i in range(6):
    add("random_narrow_%d" % i, rng.uniform(-10.0 ** i, 10.0 ** i, (4, 6)))

json.dump(cases, __import__("sys").stdout, indent=1)
