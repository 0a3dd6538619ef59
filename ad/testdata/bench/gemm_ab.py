#!/usr/bin/env python3
"""A/B of two gemm test binaries on BenchmarkProducts (or another benchmark
of ad/internal/gemm), interleaved round by round so that both see the same
machine load:

    git stash; go test -c -o /tmp/old.test ./ad/internal/gemm; git stash pop
    go test -c -o /tmp/new.test ./ad/internal/gemm
    python3 ad/testdata/bench/gemm_ab.py /tmp/old.test /tmp/new.test [ROUNDS] [BENCHTIME] [REGEX]

Each round runs old then new (the order alternates between rounds). Per
benchmark it prints the median over rounds of each metric (GFLOP/s of the
mean call, med-GFLOP/s of the median call, cpu-GFLOP/s per CPU second) and
new ÷ old of the medians, with the load average seen at each round. With
QUIET=1 in the environment each run first waits (up to 90 s) until both
CPUs were at least 90% idle over half a second, and the idle share seen
is printed instead of the load average."""
import os, re, statistics, subprocess, sys, time

OLD, NEW = sys.argv[1], sys.argv[2]
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 5
BT = sys.argv[4] if len(sys.argv) > 4 else "0.5s"
RX = sys.argv[5] if len(sys.argv) > 5 else "^BenchmarkProducts$"
METRICS = ["GFLOP/s", "med-GFLOP/s", "cpu-GFLOP/s"]


def cpu_times():
    v = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return sum(v), v[3] + v[4]


def wait_quiet():
    end = time.time() + 90
    while True:
        t0, i0 = cpu_times()
        time.sleep(0.5)
        t1, i1 = cpu_times()
        idle = (i1 - i0) / max(1, t1 - t0)
        if idle >= 0.9 or time.time() > end:
            return "%.0f%%" % (100 * idle)


def run(binary):
    out = subprocess.run([binary, "-test.run", "^$", "-test.bench", RX, "-test.benchtime", BT],
                         capture_output=True, text=True, check=True).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r"(Benchmark\S+?)(-\d+)?\s+\d+\s+\S+ ns/op(.*)", line)
        if m:
            res[m.group(1)] = dict((u, float(v)) for v, u in re.findall(r"([\d.]+) (\S+)", m.group(3)))
    return res


data = {OLD: [], NEW: []}
loads = []
for r in range(ROUNDS):
    order = [OLD, NEW] if r % 2 == 0 else [NEW, OLD]
    for b in order:
        if os.environ.get("QUIET"):
            loads.append(wait_quiet())
        else:
            loads.append(open("/proc/loadavg").read().split()[0])
        data[b].append(run(b))
print("rounds %d, benchtime %s, load averages (or idle shares) seen: %s" % (ROUNDS, BT, " ".join(loads)))
names = list(data[OLD][0].keys())
print("| benchmark | metric | old (median) | new (median) | new ÷ old |")
print("|---|---|---|---|---|")
for name in names:
    for met in METRICS:
        o = [x[name][met] for x in data[OLD] if name in x and met in x[name]]
        n = [x[name][met] for x in data[NEW] if name in x and met in x[name]]
        if not o or not n:
            continue
        mo, mn = statistics.median(o), statistics.median(n)
        print("| %s | %s | %.1f | %.1f | %.3f |" % (name.replace("BenchmarkProducts/", ""), met, mo, mn, mn / mo))
