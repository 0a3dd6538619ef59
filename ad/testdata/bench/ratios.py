#!/usr/bin/env python3
"""Ratio tables from a side_by_side.py JSONL (processes merged like make_table.py: median of the
per-process medians, min of mins). Columns: torch as the harness runs it (default threads) and with
BENCH_TORCH_THREADS=2, gograd with Go's default GC, with the kernel's GC setting (GOGC=400) and,
when measured, the -tags openblas build."""
import sys
sys.path.insert(0, "/work/shared/bench/peers")
import make_table as mt
tag, recs, infos, metas = mt.load(sys.argv[1])
by = {mt.key(r): r for r in recs}
peers = {r.get("peer") for r in recs}
ws = mt.ORDER + ["W7 matmul-limit", "EW tanh-1e6"]
torches = [p for p in ("torch", "torch-2threads") if p in peers]
ours = [p for p in ("gograd", "gograd-gogc400", "gograd-openblas") if p in peers]

def f(r): return f"{mt.fmt_t(r['median_s'])} ({mt.fmt_t(r['min_s'])})" if r else "–"
def q(x, y): return f"{x['median_s']/y['median_s']:.2f} ({x['min_s']/y['min_s']:.2f})" if x and y else "–"

print("Times: median (min) per call.\n")
print("| workload | " + " | ".join(torches + ours) + " |")
print("|---" * (1 + len(torches) + len(ours)) + "|")
rows = []
for w in ws:
    for v in ["", "forward"] + (["separate"] if w.startswith("W1") else []) + (["vectorize=True"] if w.startswith("W5") else []):
        tv = {p: by.get((p, w, v)) for p in torches}
        # torch's vectorized Hessian is compared with our (only) Hessian
        gv = {p: by.get((p, w, "" if v == "vectorize=True" else v)) for p in ours}
        if not any(tv.values()) and not any(gv.values()):
            continue
        name = w + (f" / {v}" if v else "")
        rows.append((name, tv, gv))
        print(f"| {name} | " + " | ".join(f(tv[p]) for p in torches) + " | " + " | ".join(f(gv[p]) for p in ours) + " |")
print("\nRatios gograd/torch: median/median (min/min); lower is better.\n")
cols = [(g, t) for g in ours for t in torches]
print("| workload | " + " | ".join(f"{g} / {t}" for g, t in cols) + " |")
print("|---" * (1 + len(cols)) + "|")
for name, tv, gv in rows:
    print(f"| {name} | " + " | ".join(q(gv[g], tv[t]) for g, t in cols) + " |")
print()
gf = [p for p in ("torch", "torch-2threads", "autograd", "gograd", "gograd-gogc400", "gograd-openblas") if p in peers]
print("| grad/forward (median/median) | " + " | ".join(gf) + " |")
print("|---" * (len(gf) + 1) + "|")
for w in ws:
    vals = [by.get((p, w, "ratio grad/forward")) for p in gf]
    if any(vals):
        print(f"| {w} | " + " | ".join(f"{v['median_s']:.2f}×" if v else "–" for v in vals) + " |")
print()
import json
fo = [r.get("foreign_cores_avg", 0) for r in map(json.loads, open(sys.argv[1])) if r.get("workload") == "run-info"]
if fo:
    fo.sort()
    print(f"Other processes' CPU during the runs: median {fo[len(fo)//2]:.2f} cores, max {fo[-1]:.2f} cores over {len(fo)} processes.")
