#!/usr/bin/env python3
"""Run ad's workload benchmarks and print JSON lines for ../shared/bench/peers/make_table.py.

    go test -c -o /tmp/ad.test ./ad
    python3 ad/testdata/gobench2json.py /tmp/ad.test [COUNT] > gograd.jsonl

Each benchmark runs COUNT times (default 7) with -test.benchtime 1s; median_s,
min_s and max_s are taken over those runs' ns/op. Keys and workload names are
those of the peers (peer "gograd"). W1's default variant computes all orders
in one nested evaluation (ad.Derivatives), like the peers' chain; "separate"
computes each order from scratch.
"""
import json
import re
import statistics
import subprocess
import sys

BENCHES = [
    ("W1TanhDerivsChain", "W1 tanh-derivs", [""]),
    ("W1TanhDerivs", "W1 tanh-derivs", ["separate"]),
    ("W2ScalarLoop", "W2 scalar-loop", [""]),
    ("W2ScalarLoopForward", "W2 scalar-loop", ["forward"]),
    ("W3MLPGrad", "W3 mlp-grad", [""]),
    ("W3MLPGradForward", "W3 mlp-grad", ["forward"]),
    ("W4LogReg", "W4 logreg", [""]),
    ("W4LogRegForward", "W4 logreg", ["forward"]),
    ("W5Hessian", "W5 hessian", [""]),
    ("W6RNN", "W6 rnn", [""]),
    ("W6RNNForward", "W6 rnn", ["forward"]),
    ("EWTanh1e6", "EW tanh-1e6", [""]),
]


def main():
    binary = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    medians = {}
    for name, workload, variants in BENCHES:
        out = subprocess.run([binary, "-test.run", "^$", "-test.bench", "^Benchmark%s$" % name,
                              "-test.benchtime", "1s", "-test.count", str(count)],
                             capture_output=True, text=True, check=True).stdout
        ts = sorted(float(m.group(1)) * 1e-9 for m in re.finditer(r"^Benchmark\S+\s+\d+\s+([\d.]+) ns/op", out, re.M))
        if not ts:
            print(json.dumps({"peer": "gograd", "workload": workload, "error": out[-300:]}), flush=True)
            continue
        for v in variants:
            rec = {"peer": "gograd", "workload": workload, "variant": v, "median_s": statistics.median(ts),
                   "min_s": ts[0], "max_s": ts[-1], "n": len(ts), "check": None}
            print(json.dumps(rec), flush=True)
        medians[(workload, variants[0])] = statistics.median(ts)
    for w in ("W2 scalar-loop", "W3 mlp-grad", "W4 logreg", "W6 rnn"):
        g, f = medians.get((w, "")), medians.get((w, "forward"))
        if g and f:
            print(json.dumps({"peer": "gograd", "workload": w, "variant": "ratio grad/forward", "median_s": g / f,
                              "min_s": g / f, "max_s": g / f, "n": 1, "check": None}), flush=True)


if __name__ == "__main__":
    main()
