"""Generate ext_golden.json: reference values from scipy/numpy for the ad
extension tests (special functions, densities, convolution, einsum, norms).

Run with Debian's Python, which has numpy and scipy:
    /usr/bin/python3 ad/testdata/gen_ext_golden.py > ad/testdata/ext_golden.json
"""
import json

import numpy as np
import scipy
import scipy.signal
import scipy.special as sp
import scipy.stats as st

xs = [-7.5, -2.5, -1.3, -0.5, 0.01, 0.3, 1.0, 1.7, 2.5, 5.0, 11.9, 12.1, 30.0, 250.0]
pos = [x for x in xs if x > 0]
out = {"versions": {"numpy": np.__version__, "scipy": scipy.__version__}, "cases": []}


def add(name, args, value):
    out["cases"].append({"name": name, "args": args, "value": np.asarray(value, dtype=float).ravel().tolist(),
                         "shape": list(np.shape(value))})


for x in xs:
    add("erf", [x], sp.erf(x))
    add("erfc", [x], sp.erfc(x))
    add("gammaln", [x], sp.gammaln(x))
    add("digamma", [x], sp.digamma(x))
for n in (1, 2, 3):
    for x in pos:
        add("polygamma", [n, x], sp.polygamma(n, x))
for x in (-3.0, -0.4, 0.0, 1.2, 6.0):
    add("normlogpdf", [x, 0.5, 1.7], st.norm.logpdf(x, 0.5, 1.7))
    add("normcdf", [x, 0.5, 1.7], st.norm.cdf(x, 0.5, 1.7))
    add("tlogpdf", [x, 2.5, 0.3, 1.4], st.t.logpdf(x, 2.5, 0.3, 1.4))
for k, mu in ((0, 0.5), (3, 2.5), (10, 4.0)):
    add("poissonlogpmf", [k, mu], st.poisson.logpmf(k, mu))

r = np.random.RandomState(0)
a = r.randn(4, 3)
v = r.randn(2, 2)
for mode in ("full", "same", "valid"):
    add("convolve2d-" + mode, {"a": a.ravel().tolist(), "v": v.ravel().tolist()},
        scipy.signal.convolve(a, v, mode=mode, method="direct"))
cov = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 1.5]])
mean = np.array([0.1, -0.2, 0.3])
xm = r.randn(4, 3)
add("mvnlogpdf", {"x": xm.ravel().tolist(), "mean": mean.tolist(), "cov": cov.ravel().tolist()},
    st.multivariate_normal(mean, cov).logpdf(xm))
m = r.randn(3, 4)
add("norm-nuc", {"m": m.ravel().tolist()}, np.linalg.norm(m, "nuc"))
add("norm-fro", {"m": m.ravel().tolist()}, np.linalg.norm(m, "fro"))
add("norm-p3-axis1", {"m": m.ravel().tolist()}, np.linalg.norm(m, 3, axis=1))
add("pinv", {"m": m.ravel().tolist()}, np.linalg.pinv(m))
sym = m @ m.T
add("eigh-w", {"m": sym.ravel().tolist()}, np.linalg.eigh(sym)[0])
add("slogdet", {"m": sym.ravel().tolist()}, np.linalg.slogdet(sym)[1])
print(json.dumps(out, indent=0))
