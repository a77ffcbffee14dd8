#!/usr/bin/env python3
"""A random workflow of N stages as a pipe document: each stage needs up to two of the
2,000 stages before it, runs 1-600 s on 1-4 CPUs with 1-8 GiB, and one in ten runs on
a GPU.  generate_dag.py N SEED OUT.json"""
import json
import random
import sys

count, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(seed)
stages = []
for index in range(count):
    window = range(max(0, index - 2000), index)
    needs = sorted(set(rng.sample(window, min(len(window), rng.randint(0, 2)))))
    resources = {"cpu": rng.randint(1, 4), "memory": rng.randint(1, 8) << 30}
    if rng.random() < 0.1:
        resources["process_on"] = "gpu"
        resources["gpu"] = 1
    stages.append({"name": f"s{index}", "needs": [f"s{n}" for n in needs],
                   "duration": rng.randint(1, 600), "environment": {"resources": resources}})
with open(out, "w") as f:
    json.dump({"flow": 1, "source": f"generated-{count}", "stages": stages}, f)
