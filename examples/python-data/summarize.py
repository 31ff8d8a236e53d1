#!/usr/bin/env python3
"""Summarize one part of the data set: the part named by $DROVER_REPLICA (or the first argument).

Reads data/part-N.csv (columns: id, group, value) from the task's working directory, which Drover
fills with a copy of the --files directory, and writes summary-N.csv to $DROVER_OUTPUT_DIR, which
Drover uploads when the task ends. Output is deterministic: the same part always gives the same bytes.
"""
import csv
import os
import sys

part = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("DROVER_REPLICA", "0")
out_dir = os.environ.get("DROVER_OUTPUT_DIR", ".")

groups = {}
with open(os.path.join("data", f"part-{part}.csv"), newline="") as f:
    for row in csv.DictReader(f):
        g = groups.setdefault(row["group"], [0, 0, None, None])
        v = int(row["value"])
        g[0] += 1
        g[1] += v
        g[2] = v if g[2] is None else min(g[2], v)
        g[3] = v if g[3] is None else max(g[3], v)

with open(os.path.join(out_dir, f"summary-{part}.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["part", "group", "rows", "sum", "mean", "min", "max"])
    for name in sorted(groups):
        n, total, lo, hi = groups[name]
        w.writerow([part, name, n, total, f"{total / n:.3f}", lo, hi])
print(f"part {part}: {sum(g[0] for g in groups.values())} rows in {len(groups)} groups")
