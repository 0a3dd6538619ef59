"""Generate slice_golden.txt: the indices Python's slicing selects.

Each line is "n start stop step: i,j,..." where start or stop "_" is omitted
(None). Run: python3 gen_slice_golden.py > slice_golden.txt
"""
bounds = [None] + list(range(-6, 7))
for n in (0, 1, 4, 5):
    for start in bounds:
        for stop in bounds:
            for step in (-2, -1, 1, 3):
                idx = list(range(n))[slice(start, stop, step)]
                f = lambda v: "_" if v is None else str(v)
                print("%d %s %s %d: %s" % (n, f(start), f(stop), step, ",".join(map(str, idx))))
