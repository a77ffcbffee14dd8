"""Runs rez's official benchmark (the 188 requests of rez/data/benchmarking in the rez wheel)
with rez in process and flow-resolve whole-process, in one run, and compares the answers.

Per request: the status (solved or failed) of each, whether flow's answer holds under rez's
own requirement semantics (rez.version.Requirement, on the chosen variants' requirements),
and whether it is identical to rez's (names, versions, variant indices), and in the same
order (rez's order of the packages, which their commands run in). Prints the table,
then every answer that is not identical, with what differs. Never fails for slowness.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def rez_solver(packages):
    from rez.resolved_context import ResolvedContext

    def solve(request):
        context = ResolvedContext(
            request, package_paths=[packages], add_implicit_packages=False)
        if context.status.name != "solved":
            return None
        return {v.name: (str(v.version), v.index) for v in context.resolved_packages}

    return solve


def flow_solver(flow, packages):
    """A solver giving flow's answer, its warnings and the seconds its process took, from
    starting it to its end: reading the JSON it printed is this script's work, not
    flow's, and is not counted (rez's time ends with its context)."""
    def solve(request):
        start = time.perf_counter()
        run = subprocess.run(
            [flow, "--catalog", packages, "--syntax", "rez", *request],
            capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if run.returncode == 65:
            return None, run.stderr, seconds
        if run.returncode != 0:
            raise SystemExit(f"flow-resolve failed ({run.returncode}) on {request}: {run.stderr}")
        answer = {}
        for package in json.loads(run.stdout)["packages"]:
            answer[package["name"]] = (package["version"], package.get("variant"))
        return answer, run.stderr, seconds

    return solve


def problems_under_rez(request, answer, packages):
    """What in `answer` breaks rez's semantics for `request`; empty when it holds."""
    from rez.packages import get_package
    from rez.version import Requirement, Version, VersionedObject

    chosen = {name: Version(version) for name, (version, _) in answer.items()}
    requirements = [(Requirement(text), "the request") for text in request]
    for name, (version, index) in answer.items():
        package = get_package(name, version, paths=[packages])
        if package is None:
            return [f"{name}-{version} is not in the repository"]
        variant = package.get_variant(index)
        if variant is None:
            return [f"{name}-{version} has no variant {index}"]
        requirements += [(r, f"{name}-{version}") for r in variant.get_requires()]
    found = []
    needed = set()
    for requirement, owner in requirements:
        if requirement.conflict:
            if requirement.name in chosen and requirement.conflicts_with(
                    VersionedObject.construct(requirement.name, chosen[requirement.name])):
                found.append(f"{owner} rules out {requirement.name}-{chosen[requirement.name]}"
                             f" ({requirement})")
            continue
        needed.add(requirement.name)
        if requirement.name not in chosen:
            found.append(f"{owner} needs {requirement}, not chosen")
        elif chosen[requirement.name] not in requirement.range:
            found.append(f"{owner} needs {requirement}, chose {chosen[requirement.name]}")
    for name in chosen:
        if name not in needed:
            found.append(f"{name} chosen but not needed")
    return found


def describe(answer):
    return " ".join(
        f"{name}-{version}" + ("" if index is None else f"[{index}]")
        for name, (version, index) in sorted(answer.items()))


def difference(flow, rez):
    parts = []
    for name in sorted(set(flow) | set(rez)):
        if name not in flow:
            parts.append(f"rez adds {name}-{rez[name][0]}")
        elif name not in rez:
            parts.append(f"flow adds {name}-{flow[name][0]}")
        elif flow[name] != rez[name]:
            parts.append(f"{name}: flow {flow[name][0]}[{flow[name][1]}], "
                         f"rez {rez[name][0]}[{rez[name][1]}]")
    return "; ".join(parts)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("benchmark", help="folder holding packages/ and requests.json")
    parser.add_argument("--flow", required=True, help="the flow-resolve binary")
    parser.add_argument("--limit", type=int, default=0, help="only the first N requests")
    parser.add_argument("--out", help="write every answer here as JSON")
    args = parser.parse_args()
    packages = os.path.join(args.benchmark, "packages")
    with open(os.path.join(args.benchmark, "requests.json")) as file:
        requests = json.load(file)
    if args.limit:
        requests = requests[:args.limit]
    rez, flow = rez_solver(packages), flow_solver(args.flow, packages)
    rows = []
    for number, request in enumerate(requests, 1):
        start = time.perf_counter()
        rez_answer = rez(request)
        rez_time = time.perf_counter() - start
        flow_answer, flow_stderr, flow_time = flow(request)
        row = {"request": number, "items": request, "rez": rez_answer, "flow": flow_answer,
               "rez_seconds": rez_time, "flow_seconds": flow_time,
               "warnings": flow_stderr.count("\n")}
        row["same_status"] = (rez_answer is None) == (flow_answer is None)
        row["problems"] = [] if flow_answer is None else problems_under_rez(
            request, flow_answer, packages)
        row["identical"] = rez_answer == flow_answer
        # Dicts keep the order the packages were listed in.
        row["same_order"] = rez_answer is not None and flow_answer is not None and list(
            rez_answer) == list(flow_answer)
        rows.append(row)
        print(f"{number:3d} rez {'solved' if rez_answer else 'failed'} {rez_time:7.3f} s, "
              f"flow {'solved' if flow_answer else 'failed'} {flow_time:7.3f} s, "
              f"{'identical' if row['identical'] else 'DIFFERENT'}"
              f"{'' if not row['problems'] else ', INVALID'}", file=sys.stderr, flush=True)
    if args.out:
        with open(args.out, "w") as file:
            json.dump(rows, file, indent=1)

    count = len(rows)
    same = sum(r["same_status"] for r in rows)
    valid = sum(not r["problems"] for r in rows)
    identical = sum(r["identical"] for r in rows)
    ratios = [r["rez_seconds"] / r["flow_seconds"] for r in rows]
    solved_both = sum(r["rez"] is not None and r["flow"] is not None for r in rows)
    same_order = sum(r["same_order"] for r in rows)
    print("| requests | same status | flow valid under rez | identical | in rez's order | "
          "rez median | flow median (whole process) | median ratio rez/flow |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {count} | {same}/{count} | {valid}/{count} | {identical}/{count} "
          f"({100 * identical / count:.1f}%) | {same_order}/{solved_both} | "
          f"{statistics.median(r['rez_seconds'] for r in rows) * 1000:.1f} ms | "
          f"{statistics.median(r['flow_seconds'] for r in rows) * 1000:.1f} ms | "
          f"{statistics.median(ratios):.1f}x |")
    solved = sum(r["rez"] is not None for r in rows)
    with_variants = sum(
        any(index is not None for _, index in (r["rez"] or {}).values()) for r in rows)
    print(f"\nrez solved {solved}, failed {count - solved}; "
          f"{with_variants} of rez's answers choose variants")
    pipe_document(rows, args.flow, packages)
    for row in rows:
        if row["identical"] and not row["problems"] and (
                row["same_order"] or row["rez"] is None):
            continue
        print(f"\nrequest {row['request']}: {' '.join(row['items'])}")
        if not row["same_status"]:
            print(f"  status: rez {'solved' if row['rez'] else 'failed'}, "
                  f"flow {'solved' if row['flow'] else 'failed'}")
        if row["rez"] is not None and row["flow"] is not None and not row["identical"]:
            print(f"  differs: {difference(row['flow'], row['rez'])}")
        elif row["rez"] is not None and row["flow"] is not None and not row["same_order"]:
            print(f"  order: rez {' '.join(row['rez'])}; flow {' '.join(row['flow'])}")
        for problem in row["problems"]:
            print(f"  invalid under rez: {problem}")


def pipe_document(rows, flow, packages):
    """The requests rez solved, each the requirements of one stage of a workflow, through
    flow-parse | flow-resolve (the machine's facts left out, as rez ran without implicit
    packages): how many stages get rez's answer, and the pipe's time."""
    stages = [row for row in rows if row["rez"] is not None]
    workflow = "stages:\n" + "".join(
        f"  - name: r{row['request']}\n    environment:\n      requirements: "
        f"{json.dumps(row['items'])}\n" for row in stages)
    parse = os.path.join(os.path.dirname(flow), "flow-parse")
    start = time.perf_counter()
    parsed = subprocess.run([parse, "-"], input=workflow, capture_output=True, text=True)
    run = subprocess.run([flow, "--no-implicits", "--catalog", packages], input=parsed.stdout,
                         capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if parsed.returncode != 0 or run.returncode != 0:
        print(f"\npipe document: failed: {parsed.stderr}{run.stderr}")
        return
    identical = 0
    for row, stage in zip(stages, json.loads(run.stdout)["stages"]):
        answer = {p["name"]: (p["version"], p.get("variant"))
                  for p in stage["resolution"]["packages"]}
        identical += answer == row["rez"] and list(answer) == list(row["rez"])
    print(f"\npipe document (flow-parse | flow-resolve), one stage per request rez solved: "
          f"{identical}/{len(stages)} stages identical to rez (in its order too), "
          f"{seconds:.2f} s in all")


if __name__ == "__main__":
    main()
