#!/usr/bin/env python3
"""PSPLIB single-mode instances (.sm) as flow pipe documents, and plans checked
against them.

  psplib.py convert INSTANCE.sm OUT.json   writes the document; prints the
                                           --resource options for its capacities
  psplib.py check INSTANCE.sm PLAN.json    prints the makespan of a feasible plan,
                                           or fails naming the first violation

Each job becomes a stage (j1, j2, ...) with its duration, needs from the precedence
relations, no CPU or memory, and its demand on R1..R4 as named counters."""
import json
import sys


def parse(path):
    successors, durations, demands, capacity = {}, {}, {}, []
    section = None
    for line in open(path):
        if line.startswith("PRECEDENCE RELATIONS"):
            section = "precedence"
            continue
        if line.startswith("REQUESTS/DURATIONS"):
            section = "requests"
            continue
        if line.startswith("RESOURCEAVAILABILITIES"):
            section = "capacity"
            continue
        if line.startswith("*"):
            section = None if section in ("precedence", "requests") else section
            continue
        fields = line.split()
        if not fields or not fields[0].isdigit():
            continue
        numbers = [int(f) for f in fields]
        if section == "precedence":
            successors[numbers[0]] = numbers[3:3 + numbers[2]]
        elif section == "requests":
            durations[numbers[0]] = numbers[2]
            demands[numbers[0]] = numbers[3:]
        elif section == "capacity":
            capacity = numbers
    needs = {job: [] for job in durations}
    for job, after in successors.items():
        for successor in after:
            needs[successor].append(job)
    return durations, demands, needs, capacity


def convert(instance, out):
    durations, demands, needs, capacity = parse(instance)
    stages = []
    for job in sorted(durations):
        stages.append({
            "name": f"j{job}",
            "needs": [f"j{n}" for n in sorted(needs[job])],
            "duration": durations[job],
            "environment": {"resources": {
                "cpu": 0, "memory": 0,
                "counters": {f"R{r + 1}": amount for r, amount in enumerate(demands[job])},
            }},
        })
    with open(out, "w") as f:
        json.dump({"flow": 1, "source": instance, "stages": stages}, f)
    print(" ".join(f"--resource R{r + 1}={c}" for r, c in enumerate(capacity)))


def check(instance, plan_path):
    durations, demands, needs, capacity = parse(instance)
    plan = json.load(open(plan_path))
    start = {int(s["name"][1:]): s["plan"]["start"] for s in plan["stages"]}
    if set(start) != set(durations):
        sys.exit(f"{plan_path}: the plan does not cover every job")
    for job in durations:
        if plan["stages"][job - 1]["plan"]["finish"] != start[job] + durations[job]:
            sys.exit(f"{plan_path}: j{job} finish is not start + duration")
        for need in needs[job]:
            if start[job] < start[need] + durations[need]:
                sys.exit(f"{plan_path}: j{job} starts before j{need} finishes")
    # Usage can only rise when a job starts, so checking every start time suffices.
    for moment in sorted(set(start.values())):
        running = [j for j in durations if start[j] <= moment < start[j] + durations[j]]
        for r, cap in enumerate(capacity):
            used = sum(demands[j][r] for j in running)
            if used > cap:
                sys.exit(f"{plan_path}: at {moment} R{r + 1} is used {used} > {cap}")
    print(max(start[j] + durations[j] for j in durations))


if __name__ == "__main__":
    {"convert": convert, "check": check}[sys.argv[1]](*sys.argv[2:])
