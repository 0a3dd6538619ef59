#!/usr/bin/env python3
"""Ratio table gograd/peer per workload from a final.py JSONL (merged like make_table.py)."""
import sys
sys.path.insert(0, "/work/shared/bench/peers")
import make_table as mt
tag, recs, infos, metas = mt.load(sys.argv[1])
by = {mt.key(r): r for r in recs}
ws = mt.ORDER + ["EW tanh-1e6"]
ours = ["gograd", "gograd-gogc400"]
ob = any(r.get("peer") == "gograd-openblas" for r in recs)
print("| workload | torch median (min) | gograd median (min) | gograd GOGC=400 median (min) | gograd/torch (median; min/min) | GOGC=400 /torch (median; min/min) | gograd/autograd (median) |" + (" openblas median (min) | openblas/torch (median; min/min) |" if ob else ""))
print("|---|---|---|---|---|---|---|" + ("---|---|" if ob else ""))
def f(r): return f"{mt.fmt_t(r['median_s'])} ({mt.fmt_t(r['min_s'])})" if r else "–"
for w in ws:
    for v in ["", "forward"] + (["separate"] if w.startswith("W1") else []) + (["vectorize=True"] if w.startswith("W5") else []):
        t = by.get(("torch", w, v)); a = by.get(("autograd", w, v))
        g = by.get(("gograd", w, v)); h = by.get(("gograd-gogc400", w, v)); o = by.get(("gograd-openblas", w, v))
        if w.startswith("W5") and v == "vectorize=True":
            # torch's vectorized Hessian against our (only) Hessian
            g = by.get(("gograd", w, "")); h = by.get(("gograd-gogc400", w, "")); o = by.get(("gograd-openblas", w, ""))
        if not (g or t):
            continue
        if w.startswith("W1") and v == "separate":
            t = t  # torch separate variant if present
        def q(x, y): return f"{x['median_s']/y['median_s']:.2f}; {x['min_s']/y['min_s']:.2f}" if x and y else "–"
        name = w + (f" / {v}" if v else "")
        qa = f"{g['median_s']/a['median_s']:.2f}" if g and a else "–"
        print(f"| {name} | {f(t)} | {f(g)} | {f(h)} | {q(g, t)} | {q(h, t)} | {qa} |" + (f" {f(o)} | {q(o, t)} |" if ob else ""))
print()
gf = ("torch", "autograd", "gograd", "gograd-gogc400") + (("gograd-openblas",) if ob else ())
print("| grad/forward (median/median) | " + " | ".join(gf) + " |")
print("|---" * (len(gf) + 1) + "|")
for w in ws:
    vals = [by.get((p, w, "ratio grad/forward")) for p in gf]
    if any(vals):
        print(f"| {w} | " + " | ".join(f"{v['median_s']:.2f}×" if v else "–" for v in vals) + " |")
print()
fo = [i.get("foreign_cores_avg", 0) for i in infos.values()]
