#!/usr/bin/env python3
"""PSPLIB single-mode instances (.sm) as flow pipe documents, and plans checked
against them.

  psplib.py convert INSTANCE.sm OUT.json   writes the document; prints the
                                           --resource options for its capacities
  psplib.py check INSTANCE.sm PLAN.json    prints the makespan of a feasible plan,
                                           or fails naming the first violation
  psplib.py table NAME FOLDER OUT SCHED [--before SCHED] [--sample N] [--waves]
                                           plans the instances of FOLDER/optimum.csv
                                           (every Nth with --sample), checks each
                                           plan and prints the gaps and times

optimum.csv gives `problem,optimum`, or `problem,lower..upper` where only bounds are
known; gaps are to the optimum or the best known makespan (the upper bound).

Each job becomes a stage (j1, j2, ...) with its duration, needs from the precedence
relations, no CPU or memory, and its demand on R1..R4 as named counters."""
import json
import os
import subprocess
import sys
import time


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
    print(makespan_of(instance, plan_path))


def makespan_of(instance, plan_path):
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
    return max(start[j] + durations[j] for j in durations)


def plan(sched, instance, document, resources, out, extra):
    """Plans one instance; the checked makespan, the first pass's, and the seconds."""
    started = time.monotonic()
    with open(out, "w") as f:
        subprocess.run([sched, "--cpus", "1", "--memory", "0", "--gpus", "0", *resources,
                        *extra, document], stdout=f, check=True)
    seconds = time.monotonic() - started
    first = json.load(open(out))["schedule"]["first_pass_makespan"]
    return makespan_of(instance, out), first, seconds


def table(name, folder, out, sched, *options):
    options = list(options)
    before = options[options.index("--before") + 1] if "--before" in options else None
    every = int(options[options.index("--sample") + 1]) if "--sample" in options else 1
    rows = [line.strip().split(",") for line in open(os.path.join(folder, "optimum.csv"))][1:]
    rows = [r for r in rows if len(r) == 2][::every]
    os.makedirs(out, exist_ok=True)
    runs = ([("before", before)] if before else []) + [("after" if before else "", sched)]
    results = {}
    for problem, best in rows:
        instance = os.path.join(folder, problem)
        stem = os.path.join(out, problem.removesuffix(".sm"))
        resources = subprocess.run([sys.executable, __file__, "convert", instance, stem + ".json"],
                                   capture_output=True, text=True, check=True).stdout.split()
        known = float(best.split("..")[-1])
        for label, binary in runs:
            final, first, seconds = plan(binary, instance, stem + ".json", resources,
                                         f"{stem}.{label or 'list'}.json", [])
            results.setdefault(label + " first pass", []).append((first / known - 1, 0))
            results.setdefault(label + " final", []).append((final / known - 1, seconds))
        if "--waves" in options:
            final, _, seconds = plan(sched, instance, stem + ".json", resources,
                                     stem + ".waves.json", ["--waves"])
            results.setdefault("waves", []).append((final / known - 1, seconds))
    sampled = f"{len(rows)} instances" + (f" (every {every}th)" if every > 1 else "")
    print(f"PSPLIB {name}: {sampled}, every plan checked feasible; gap to the optimum or best known")
    print(f"  {'':<22} {'mean gap':>9} {'worst':>8} {'at best':>8} {'s/instance':>11} {'slowest':>8}")
    for label, values in results.items():
        gaps = [g for g, _ in values]
        seconds = [s for _, s in values]
        reached = sum(1 for g in gaps if g < 1e-9)
        timed = (f"{sum(seconds) / len(seconds):11.3f} {max(seconds):8.3f}" if max(seconds) > 0
                 else "")
        print(f"  {label.strip():<22} {100 * sum(gaps) / len(gaps):8.2f}% {100 * max(gaps):7.2f}%"
              f" {reached:>8} {timed}")


if __name__ == "__main__":
    {"convert": convert, "check": check, "table": table}[sys.argv[1]](*sys.argv[2:])
