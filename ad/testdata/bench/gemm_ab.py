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
new ÷ old of the medians, with the load average seen at each round."""
import re, statistics, subprocess, sys

OLD, NEW = sys.argv[1], sys.argv[2]
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 5
BT = sys.argv[4] if len(sys.argv) > 4 else "0.5s"
RX = sys.argv[5] if len(sys.argv) > 5 else "^BenchmarkProducts$"
METRICS = ["GFLOP/s", "med-GFLOP/s", "cpu-GFLOP/s"]


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
        loads.append(open("/proc/loadavg").read().split()[0])
        data[b].append(run(b))
print("rounds %d, benchtime %s, load averages seen: %s" % (ROUNDS, BT, " ".join(loads)))
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
