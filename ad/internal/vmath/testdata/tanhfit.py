# Fits the coefficients C2..C6 and the tables of the tanh kernels'
# exponential (TEXPB/TEXPZ in vmath_amd64.s): e^r ≈ 1 + r + r²·Q(r),
# Q(r) = C2 + C3·r + … + C6·r⁴, minimising the maximum relative error over
# |r| ≤ (ln2/32)·1.002 (the reduced argument of 2z = k·ln2/16 + r, with a
# margin for the rounding of k), by weighted least squares on Chebyshev
# nodes iterated to minimax by Lawson's method (as expfit.py), in 50
# digits; then the table 2^(j/16) = T[j] + t[j] (T rounded to double, t
# the rest), ln2/16 split into a high part of 42 bits (exact times k < 2¹¹)
# and a low part, and 32/ln2. Run with any Python that has mpmath
# (python3 tanhfit.py, ~5 s); it prints the maximum relative error of the
# polynomial with its coefficients rounded to double (1.18e-17).
import math
import struct

import mpmath as mp

mp.mp.dps = 50
a = mp.log(2) / 32 * (1 + mp.mpf("0.002"))
deg = 4  # degree of Q
N = 200
nodes = [a * mp.cos(mp.pi * (k + mp.mpf(1) / 2) / N) for k in range(N)]


def bits(v):
    return hex(struct.unpack("<Q", struct.pack("<d", v))[0])


def q_true(r):
    return (mp.exp(r) - 1 - r) / (r * r)


def solve(w):
    A = mp.matrix(deg + 1, deg + 1)
    b = mp.matrix(deg + 1, 1)
    for i, r in enumerate(nodes):
        s = r * r / mp.exp(r)  # Q's error enters the relative error times r²/e^r
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
for _ in range(25):
    c = solve(w)
    e = [abs(err(c, r)) for r in nodes]
    total = sum(w[i] * e[i] for i in range(N))
    w = [w[i] * e[i] / total * N for i in range(N)]

fine = [a * (2 * mp.mpf(i) / 2000 - 1) for i in range(2001)]
for j in range(deg + 1):
    print("C%d" % (j + 2), repr(float(c[j])), bits(float(c[j])))
cd = [mp.mpf(float(c[j])) for j in range(deg + 1)]
print("max relative error, double coefficients", mp.nstr(max(abs(err(cd, r)) for r in fine), 5))
for j in range(16):
    v = mp.mpf(2) ** (mp.mpf(j) / 16)
    hi = float(v)
    print("T[%d]" % j, bits(hi), "t[%d]" % j, bits(float(v - mp.mpf(hi))))
l16 = mp.log(2) / 16
m, e = math.frexp(float(l16))
hi = math.ldexp(round(m * 2**42) / 2**42, e)
print("ln2/16 high", repr(hi), bits(hi), "low", bits(float(l16 - mp.mpf(hi))))
print("32/ln2", bits(float(32 / mp.log(2))))
