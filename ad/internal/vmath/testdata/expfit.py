# Fits the coefficients X2..X11 of the exponential in vmath_amd64.s:
# e^r ≈ 1 + r + r²·Q(r), Q(r) = X2 + X3·r + … + X11·r⁹, minimising the
# maximum relative error over |r| ≤ ln2/2 + 0.0005 (the reduced argument,
# with a margin for the rounding of k). Weighted least squares on
# Chebyshev nodes, iterated to minimax by Lawson's method, in 60 digits.
# Run with any Python that has mpmath (python3 expfit.py, ~10 s); it prints
# the coefficients with their bit patterns and the maximum relative error
# with the coefficients rounded to double (8.2e-18).
import struct

import mpmath as mp

mp.mp.dps = 60
a = mp.log(2) / 2 + mp.mpf("0.0005")
deg = 9  # degree of Q
N = 400
nodes = [a * mp.cos(mp.pi * (k + mp.mpf(1) / 2) / N) for k in range(N)]


def q_true(r):
    return (mp.exp(r) - 1 - r) / (r * r)


def solve(w):
    A = mp.matrix(deg + 1, deg + 1)
    b = mp.matrix(deg + 1, 1)
    for i, r in enumerate(nodes):
        s = r * r / mp.exp(r)  # Q's error enters the result's relative error times r²/e^r
        row = [s * r**j for j in range(deg + 1)]
        y = s * q_true(r)
        for j in range(deg + 1):
            b[j] += w[i] * row[j] * y
            for k in range(deg + 1):
                A[j, k] += w[i] * row[j] * row[k]
    return mp.lu_solve(A, b)


def err(c, r):
    q = sum(c[j] * r**j for j in range(deg + 1))
    return (1 + r + r * r * q - mp.exp(r)) / mp.exp(r)


w = [mp.mpf(1)] * N
for _ in range(30):
    c = solve(w)
    e = [abs(err(c, r)) for r in nodes]
    total = sum(w[i] * e[i] for i in range(N))
    w = [w[i] * e[i] / total * N for i in range(N)]

fine = [a * (2 * mp.mpf(i) / 4000 - 1) for i in range(4001)]
print("max relative error", mp.nstr(max(abs(err(c, r)) for r in fine), 5))
for j in range(deg + 1):
    v = float(c[j])
    print("X%d" % (j + 2), repr(v), hex(struct.unpack("<Q", struct.pack("<d", v))[0]))
cd = [mp.mpf(float(c[j])) for j in range(deg + 1)]
print("max relative error, double coefficients", mp.nstr(max(abs(err(cd, r)) for r in fine), 5))
