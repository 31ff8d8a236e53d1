#!/usr/bin/env python3
"""Regenerates data/part-0.csv ... part-49.csv (deterministic; the committed files came from this)."""
import random

for part in range(50):
    rnd = random.Random(part)
    with open(f"data/part-{part}.csv", "w") as f:
        f.write("id,group,value\n")
        for i in range(200):
            f.write(f"{i},{rnd.choice('abcde')},{rnd.randint(-1000, 1000)}\n")
