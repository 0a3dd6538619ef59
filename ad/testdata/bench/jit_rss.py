#!/usr/bin/env python3
"""Peak resident growth of 100 W3 gradients: ad.Jit (and eager ad) against PyTorch,
each configuration in a fresh process, in interleaved rounds.

  python3 jit_rss.py [ROUNDS] [OUT.jsonl]      (from anywhere; builds jitrss/ with go)

Configurations: gograd jitted with GOGC=100 (Go's default), GOGC=400 (the
gograd kernel's) and GOGC=25 (a collector working harder, without giving anything
back), jitted with each step's results released after use (ad.Release, GOGC=100
and 400) or donated to the next step (ad.JitSliceTo), the same eager, and torch (Debian's /usr/bin/python3 with
python3-torch) with its default threads and with one thread
(torch.set_num_threads(1) and OPENBLAS_NUM_THREADS=1).  Each is measured cold
(the first gradient, which traces for ad.Jit and warms torch's allocator, is one
of the 100) and warm (-keep-traced: one gradient before the baseline).  Prints a
Markdown table of the medians (min-max) of the peak growth VmHWM - VmRSS(before),
in MB, and writes every raw JSON line to OUT.jsonl.
"""
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
BIN = os.environ.get("JITRSS_BIN", "/tmp/jitrss")  # JITRSS_BIN: where to build jitrss
TORCH_PY = os.environ.get("TORCH_PYTHON", "/usr/bin/python3")

CONFIGS = [
    ("gograd jit, GOGC=100", [BIN], {"GOGC": "100"}),
    ("gograd jit, GOGC=400", [BIN], {"GOGC": "400"}),
    ("gograd jit, GOGC=25", [BIN], {"GOGC": "25"}),
    ("gograd jit + Release, GOGC=100", [BIN, "-release"], {"GOGC": "100"}),
    ("gograd jit + Release, GOGC=400", [BIN, "-release"], {"GOGC": "400"}),
    ("gograd JitSliceTo (donated), GOGC=100", [BIN, "-donate"], {"GOGC": "100"}),
    ("gograd eager, GOGC=100", [BIN, "-eager"], {"GOGC": "100"}),
    ("gograd eager, GOGC=400", [BIN, "-eager"], {"GOGC": "400"}),
    ("torch, default threads", [TORCH_PY, os.path.join(HERE, "jit_rss_torch.py")], {}),
    ("torch, 1 thread", [TORCH_PY, os.path.join(HERE, "jit_rss_torch.py")],
     {"TORCH_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}),
]


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    out = open(sys.argv[2], "a") if len(sys.argv) > 2 else None
    subprocess.run(["go", "build", "-o", BIN, "./ad/testdata/bench/jitrss"], cwd=ROOT, check=True)
    res = {}
    for r in range(rounds):
        for warm in (False, True):
            for name, cmd, env in CONFIGS:
                e = dict(os.environ)
                for k in ("GOGC", "TORCH_THREADS", "OPENBLAS_NUM_THREADS"):
                    e.pop(k, None)
                e.update(env)
                l0 = load()
                line = subprocess.run(cmd + (["-keep-traced" if cmd[0] == BIN else "--keep-traced"] if warm else []),
                                      env=e, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
                d = json.loads(line)
                d.update(config=name, warm=warm, round=r + 1, load=l0)
                if out:
                    out.write(json.dumps(d) + "\n")
                    out.flush()
                res.setdefault((name, warm), []).append(d)
                print(f"round {r + 1} {'warm' if warm else 'cold'} {name}: peak +{d['peak_growth_kb'] / 1024:.1f} MB, "
                      f"rss +{d['rss_growth_kb'] / 1024:.1f} MB, {d['seconds'] * 10:.2f} ms/gradient, load {l0:.1f}",
                      file=sys.stderr)
    loads = [d["load"] for v in res.values() for d in v]
    print(f"| configuration | peak growth, cold (MB) | peak growth, warm (MB) | RSS growth, warm (MB) | ms per gradient |")
    print("|---|---|---|---|---|")
    for name, _, _ in CONFIGS:
        cells = []
        for warm, key in ((False, "peak_growth_kb"), (True, "peak_growth_kb"), (True, "rss_growth_kb")):
            v = [d[key] / 1024 for d in res[(name, warm)]]
            cells.append(f"{statistics.median(v):.1f} ({min(v):.1f}-{max(v):.1f})")
        t = [d["seconds"] * 10 for d in res[(name, True)]]
        cells.append(f"{statistics.median(t):.2f}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(f"\n{rounds} interleaved rounds, a fresh process each; load average {min(loads):.1f}-{max(loads):.1f}.")


if __name__ == "__main__":
    main()
