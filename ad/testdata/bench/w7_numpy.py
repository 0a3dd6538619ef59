#!/usr/bin/env python3
"""W7 (n×n·n×n float64 product, issue 17) side by side: gograd's Dgemm
(BenchmarkW7 of ad/internal/gemm, default GOMAXPROCS) against numpy's
np.dot on Debian's OpenBLAS, interleaved round by round so that both see
the same machine load.

    go test -c -o /tmp/gemm.test ./ad/internal/gemm
    /usr/bin/python3 ad/testdata/bench/w7_numpy.py /tmp/gemm.test [ROUNDS] [SECONDS]

Each round runs the gograd binary (-test.benchtime SECONDS) and then numpy
in a fresh process (SECONDS per size, OPENBLAS_NUM_THREADS=2 unless set).
Per size and tool it prints the median over rounds of the mean per call
(GFLOP/s = 2n³/t, what `go test -bench` reports) and of the median call,
and the ratios gograd ÷ numpy of each. The load average and the idle share
of the CPUs during each round are printed, so a noisy round can be seen.
With QUIET=1 in the environment each run (gograd, numpy) first waits, up
to 90 s, until both CPUs were at least 90% idle over half a second: the
two vCPUs share the machine with other work, and a round measured while
another process runs says little about either tool. With L3PROBE naming a
build of ./l3probe, each run is preceded by the vCPUs' placement (one L3
or two; the host moves them, and both tools' parallel products run at
different speeds in each) and the per-round GFLOP/s at n = 1000 and 2000
are printed with it."""
import os, re, statistics, subprocess, sys, time

TEST = sys.argv[1]
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
SECS = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
SIZES = [128, 256, 512, 1000, 2000]

NUMPY = r"""
import numpy as np, sys, time
secs = float(sys.argv[1])
for n in %s:
    rng = np.random.default_rng(7)
    a, b = rng.random((n, n)), rng.random((n, n))
    np.dot(a, b)
    ts = []
    end = time.perf_counter() + secs
    while time.perf_counter() < end or len(ts) < 5:
        t = time.perf_counter(); np.dot(a, b); ts.append(time.perf_counter() - t)
    ts.sort()
    f = 2.0 * n**3 / 1e9
    print("NP", n, f / (sum(ts) / len(ts)), f / ts[len(ts) // 2])
""" % SIZES


def cpu_times():
    v = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return sum(v), v[3] + v[4]


def wait_quiet():
    if not os.environ.get("QUIET"):
        return
    end = time.time() + 90
    while time.time() < end:
        t0, i0 = cpu_times()
        time.sleep(0.5)
        t1, i1 = cpu_times()
        if (i1 - i0) / max(1, t1 - t0) >= 0.9:
            return


def probe():
    exe = os.environ.get("L3PROBE")
    if not exe:
        return ""
    out = subprocess.run([exe], capture_output=True, text=True).stdout.strip()
    return out.replace("round trip ", "")


def run_gograd():
    out = subprocess.run([TEST, "-test.run", "^$", "-test.bench", "^BenchmarkW7$",
                          "-test.benchtime", "%gs" % SECS], capture_output=True, text=True, check=True).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r"BenchmarkW7/(\d+)\S*\s+\d+\s+\S+ ns/op(.*)", line)
        if m:
            metrics = dict((u, float(v)) for v, u in re.findall(r"([\d.]+) (\S+)", m.group(2)))
            res[int(m.group(1))] = (metrics["GFLOP/s"], metrics["med-GFLOP/s"], metrics.get("cpu-GFLOP/s", 0))
    return res


def run_numpy():
    env = dict(os.environ)
    env.setdefault("OPENBLAS_NUM_THREADS", "2")
    out = subprocess.run(["/usr/bin/python3", "-c", NUMPY, str(SECS)], capture_output=True, text=True,
                         check=True, env=env).stdout
    res = {}
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == "NP":
            res[int(f[1])] = (float(f[2]), float(f[3]))
    return res


go, np_ = {n: [] for n in SIZES}, {n: [] for n in SIZES}
print("numpy threads: OPENBLAS_NUM_THREADS=%s; gograd: GOMAXPROCS=%s" % (
    os.environ.get("OPENBLAS_NUM_THREADS", "2"), os.environ.get("GOMAXPROCS", "default (%d)" % os.cpu_count())))
for r in range(ROUNDS):
    wait_quiet()
    t0, i0 = cpu_times()
    load = open("/proc/loadavg").read().split()[0]
    pg = probe()
    g = run_gograd()
    t1, i1 = cpu_times()
    wait_quiet()
    t1b, i1b = cpu_times()
    pn = probe()
    p = run_numpy()
    t2, i2 = cpu_times()
    print("round %d %s load %s, idle during gograd %.0f%%, numpy %.0f%%" % (
        r + 1, time.strftime("%H:%M:%S", time.gmtime()), load, 100 * (i1 - i0) / max(1, t1 - t0),
        100 * (i2 - i1b) / max(1, t2 - t1b)))
    if pg or pn:
        print("  placement before gograd %s: n=1000 %.1f, 2000 %.1f GFLOP/s; before numpy %s: %.1f, %.1f" % (
            pg, g[1000][0], g[2000][0], pn, p[1000][0], p[2000][0]))
    for n in SIZES:
        go[n].append(g[n])
        np_[n].append(p[n])

med = statistics.median
print("\n| n | gograd mean GFLOP/s | gograd median call | gograd cpu-GFLOP/s | numpy mean | numpy median call "
      "| gograd ÷ numpy (mean) | (median call) |")
print("|---|---|---|---|---|---|---|---|")
for n in SIZES:
    gm, gmed, gcpu = (med(x[i] for x in go[n]) for i in range(3))
    nm, nmed = (med(x[i] for x in np_[n]) for i in range(2))
    print("| %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f |" % (n, gm, gmed, gcpu, nm, nmed, gm / nm, gmed / nmed))
