#!/usr/bin/env python3
"""Interleaved side-by-side (ad/BENCHMARKS.md): for each round and workload, run torch, autograd,
gograd (default GOGC) and gograd with the kernel's GC setting, one after the
other, so that all see the same machine load. Writes JSONL for make_table.py."""
import json, os, re, statistics, subprocess, sys, time

PEERS_DIR = "/work/shared/bench/peers"
PY = os.environ.get("BENCH_PYTHON", "/tmp/venv-bench/bin/python3")
TEST = sys.argv[1]
OUT = sys.argv[2]
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 3
COUNT = int(sys.argv[4]) if len(sys.argv) > 4 else 3
WS = (sys.argv[5] if len(sys.argv) > 5 else "W1,W2,W3,W4,W5,W6,EW").split(",")
GO = {  # workload id -> [(bench, workload name, variant)]
    "W1": [("W1TanhDerivsChain", "W1 tanh-derivs", ""), ("W1TanhDerivs", "W1 tanh-derivs", "separate")],
    "W2": [("W2ScalarLoop", "W2 scalar-loop", ""), ("W2ScalarLoopForward", "W2 scalar-loop", "forward")],
    "W3": [("W3MLPGrad", "W3 mlp-grad", ""), ("W3MLPGradForward", "W3 mlp-grad", "forward")],
    "W4": [("W4LogReg", "W4 logreg", ""), ("W4LogRegForward", "W4 logreg", "forward")],
    "W5": [("W5Hessian", "W5 hessian", "")],
    "W6": [("W6RNN", "W6 rnn", ""), ("W6RNNForward", "W6 rnn", "forward")],
    "W7": [("W7MatMul1000", "W7 matmul-limit", "")],
    "EW": [("EWTanh1e6", "EW tanh-1e6", "")],
}

def avail():
    for l in open("/proc/meminfo"):
        if l.startswith("MemAvailable:"):
            return int(l.split()[1]) * 1024
    return 0

def jiffies():
    v = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return v[0] + v[1] + v[2] + v[5] + v[6]

out = open(OUT, "w")
def emit(r):
    out.write(json.dumps(r) + "\n"); out.flush()

emit({"workload": "run-header", "tag": os.path.basename(OUT).rsplit(".", 1)[0], "time": time.strftime("%F %T"),
      "argv": sys.argv[1:], "loadavg": open("/proc/loadavg").read().split()[:3]})
gc_env = dict(os.environ, GOGC="400", GOMEMLIMIT=str(avail() // 2))
# Optional: BENCH_PEERS=torch,gograd,... limits the peers; GOGRAD_OPENBLAS_TEST=/path/ad-openblas.test
# adds "gograd-openblas" (a `go test -c -tags openblas` binary, default GC; OPENBLAS_CORETYPE from
# the environment, e.g. the core `gograd version` reports for the openblas build).
WANT = set((os.environ.get("BENCH_PEERS") or "torch,torch-2threads,autograd,gograd,gograd-gogc400,gograd-openblas").split(","))
OPENBLAS_TEST = os.environ.get("GOGRAD_OPENBLAS_TEST")
tick = os.sysconf("SC_CLK_TCK")
for rnd in range(ROUNDS):
    for w in WS:
        # torch as the harness runs it (its default intra-op threads: 1 on this Debian build) and
        # with both cores (BENCH_TORCH_THREADS=2), since gograd uses both.
        runs = [("torch", [PY, "bench_torch.py"], dict(os.environ, BENCH_ONLY=w)),
                ("torch-2threads", [PY, "bench_torch.py"], dict(os.environ, BENCH_ONLY=w, BENCH_TORCH_THREADS="2"))]
        if w not in ("EW", "W7"):
            runs.append(("autograd", [PY, "bench_autograd.py"], dict(os.environ, BENCH_ONLY=w, PYTHONPATH=os.path.join(PEERS_DIR, "py"))))
        runs.append(("gograd", None, dict(os.environ)))
        runs.append(("gograd-gogc400", None, gc_env))
        if OPENBLAS_TEST:
            runs.append(("gograd-openblas", None, dict(os.environ)))
        runs = [r for r in runs if r[0] in WANT]
        for peer, cmd, env in runs:
            j0, t0 = jiffies(), time.time()
            r0 = os.times()
            if cmd:
                p = subprocess.run(cmd, cwd=PEERS_DIR, env=env, capture_output=True, text=True)
                recs = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
                for r in recs:
                    r["peer"] = peer
                recs = [r for r in recs if r.get("workload") != "meta" or (rnd == 0)]
            else:
                recs = []
                for bench, wname, variant in GO[w]:
                    p = subprocess.run([OPENBLAS_TEST if peer == "gograd-openblas" else TEST, "-test.run", "^$", "-test.bench", "^Benchmark%s$" % bench,
                                        "-test.benchtime", "1s", "-test.count", str(COUNT)],
                                       cwd="/work/main/ad", env=env, capture_output=True, text=True)
                    ts, cpus = [], []
                    for m in re.finditer(r"^Benchmark\S+\s+\d+\s+([\d.]+) ns/op(.*)$", p.stdout, re.M):
                        ts.append(float(m.group(1)) * 1e-9)
                        c = re.search(r"([\d.]+) cpu-ns/op", m.group(2))
                        cpus.append(float(c.group(1)) * 1e-9 if c else float("nan"))
                    if not ts:
                        recs.append({"peer": peer, "workload": wname, "variant": variant, "error": p.stdout[-300:] + p.stderr[-300:]})
                        continue
                    ts.sort()
                    recs.append({"peer": peer, "workload": wname, "variant": variant, "median_s": statistics.median(ts),
                                 "min_s": ts[0], "max_s": ts[-1], "n": len(ts), "check": None,
                                 "extra": {"cpu_s_median": statistics.median(cpus), "go_bench": bench}})
                    if w == "EW":
                        recs[-1]["extra"].update(ns_per_elem_median=statistics.median(ts) * 1e3, ns_per_elem_best=ts[0] * 1e3)
                byv = {r.get("variant"): r for r in recs if "median_s" in r}
                if "" in byv and "forward" in byv:
                    q = byv[""]["median_s"] / byv["forward"]["median_s"]
                    recs.append({"peer": peer, "workload": byv[""]["workload"], "variant": "ratio grad/forward",
                                 "median_s": q, "min_s": q, "max_s": q, "n": 1, "check": None})
            r1 = os.times()
            wall = time.time() - t0
            own = (r1.children_user - r0.children_user) + (r1.children_system - r0.children_system)
            foreign = max(0.0, (jiffies() - j0) / tick - own) / max(wall, 1e-9)
            for r in recs:
                emit(r)
            emit({"peer": peer, "workload": "run-info", "only": w, "round": rnd, "wall_s": round(wall, 2),
                  "own_cpu_s": round(own, 2), "foreign_cores_avg": round(foreign, 3), "rc": p.returncode})
            print(rnd, w, peer, "wall %.1fs foreign %.2f cores" % (wall, foreign), flush=True)
emit({"workload": "run-footer", "time": time.strftime("%F %T"), "loadavg": open("/proc/loadavg").read().split()[:3]})
