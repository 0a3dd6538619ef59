import json, re, sys, statistics as st
jax = {}; go = {}; loads = []
place = None  # the vCPUs' placement before the current run (jit_jax.sh with L3PROBE), else None
byplace = {}  # (placement, "jax"/"go", key) -> list of (median or mean, ...)
for line in open(sys.argv[1]):
    if line.startswith("##"):
        loads.append(float(line.split("load")[1].split()[0]))
        m = re.search(r"\((one L3|two L3s|SMT siblings\?)\)", line)
        place = m.group(1) if m else None
        continue
    if line.startswith("{"):
        d = json.loads(line)
        if d["workload"] == "meta" or "ratio" in d["variant"]: continue
        k = (d["workload"].split()[0], d["variant"])
        ex = d.get("extra", {})
        jax.setdefault(k, []).append((d["median_s"], d["min_s"], ex.get("compile_s"), ex.get("mean_s")))
        if place:
            byplace.setdefault((place, "jax", k), []).append(d["median_s"])
    elif line.startswith("Benchmark"):
        f = line.split(); name = f[0].rsplit("-", 1)[0]
        med = float(f[f.index("med-ns/op") - 1]) if "med-ns/op" in f else None
        go.setdefault(name, []).append((float(f[2]), float(f[f.index("cpu-ns/op") - 1]), med))
        if place:
            byplace.setdefault((place, "go", name), []).append(float(f[2]) / 1e9)
def us(x): return f"{x*1e6:.1f} µs" if x < 1e-3 else f"{x*1e3:.2f} ms"
rows = [("W1", "", "BenchmarkW1TanhDerivsChain", "BenchmarkJitW1TanhDerivsChain", "BenchmarkJitFirstW1TanhDerivs"),
        ("W2", "", "BenchmarkW2ScalarLoop", "BenchmarkJitW2ScalarLoop", "BenchmarkJitFirstW2ScalarLoop"),
        ("W3", "", "BenchmarkW3MLPGrad", "BenchmarkJitW3MLPGrad", None),
        ("W4", "", "BenchmarkW4LogReg", "BenchmarkJitW4LogReg", None),
        ("W6", "", "BenchmarkW6RNN", "BenchmarkJitW6RNN", "BenchmarkJitFirstW6RNN"),
        ("W6", "forward", "BenchmarkW6RNNForward", "BenchmarkJitW6RNNForward", None),
        ("EW", "", "BenchmarkEWTanh1e6", "BenchmarkJitEWTanh1e6", None),
        # ad.JitTo with the previous result donated, against the same jax.jit row
        ("EW", "", "BenchmarkEWTanh1e6", "BenchmarkJitEWTanh1e6Donated", None)]
print(f"load average at the start of each measurement: {min(loads):.2f}-{max(loads):.2f}; rounds: {max((len(v) for v in jax.values()), default=0)}")
# ad.Jit's wall time is the Go benchmark's mean per call (ns/op); its median call (med-ns/op, benchJit) is
# JAX's own measure; JAX's mean (jax_mean.py) is the other like-for-like one. Jit mean ÷ JAX median is
# the strictest of the three.
print("| workload | gograd eager | ad.Jit mean call (wall; cpu) | ad.Jit median call | jax.jit median (min) | jax.jit mean | Jit mean ÷ JAX median | Jit median ÷ JAX median | Jit mean ÷ JAX mean | ad.Jit first call wall (cpu) | JAX first call |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for w, v, e, j, fc in rows:
    J = jax.get((w, v), [])
    if not J or j not in go:
        continue  # not measured (jit_jax.sh's WORKLOADS)
    jm = st.median([x[0] for x in J]); jmin = min(x[1] for x in J)
    comp = [x[2] for x in J if x[2]]
    gw = st.median([x[0] for x in go[j]]) / 1e9; gc = st.median([x[1] for x in go[j]]) / 1e9
    ew = st.median([x[0] for x in go[e]]) / 1e9
    first = ""
    if fc:
        first = f"{us(st.median([x[0] for x in go[fc]])/1e9)} ({us(st.median([x[1] for x in go[fc]])/1e9)})"
    name = w + (" " + v if v else "") + (" donated" if j.endswith("Donated") else "")
    meds = [x[2] for x in go[j] if x[2] is not None]
    gm = st.median(meds) / 1e9 if meds else None
    med, medr = (us(gm), f"{gm/jm:.2f}×") if gm else ("", "")
    jc = f"{st.median(comp):.2f} s" if comp else "–"
    means = [x[3] for x in J if x[3]]
    jmean, meanr = (us(st.median(means)), f"{gw/st.median(means):.2f}×") if means else ("", "")
    print(f"| {name} | {us(ew)} | {us(gw)}; {us(gc)} | {med} | {us(jm)} ({us(jmin)}) | {jmean} | {gw/jm:.2f}× | {medr} | {meanr} | {first} | {jc} |")
fl = jax.get(("W2", "fori_loop"), [])
if fl: print(f"\nJAX W2 as fori_loop: median {us(st.median([x[0] for x in fl]))}")
if byplace:
    # Each run's placement (l3probe just before it): W3's replay is ~40% slower on two L3s, so a ratio
    # means most between runs in the same placement.
    print("\nBy the vCPUs' placement before each run (runs; medians over them):\n")
    print("| workload | placement | ad.Jit mean call (runs) | jax.jit median (runs) | Jit mean ÷ JAX median |")
    print("|---|---|---|---|---|")
    for w, v, e, j, fc in rows:
        for pl in ("one L3", "two L3s", "SMT siblings?"):
            g = byplace.get((pl, "go", j), []); J = byplace.get((pl, "jax", (w, v)), [])
            if not g and not J:
                continue
            name = w + (" " + v if v else "") + (" donated" if j.endswith("Donated") else "")
            gs = f"{us(st.median(g))} ({len(g)})" if g else "–"
            js = f"{us(st.median(J))} ({len(J)})" if J else "–"
            r = f"{st.median(g)/st.median(J):.2f}×" if g and J else "–"
            print(f"| {name} | {pl} | {gs} | {js} | {r} |")
