"""Times flow-resolve (whole process, warm index) against resolvelib, libsolv and rez on the
same generated problem, checks every answer, and prints one table row per solver."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import peers
from generate import flow_spec
from validate import is_valid


def flow_solver(binary, folder):
    catalog = os.path.join(folder, "catalog.toml")
    index = os.path.join(folder, "catalog.index")

    def solve(request):
        argv = [binary, "--catalog", catalog, "--index", index]
        argv += [f"{name} {flow_spec(low, high)}".strip() for name, low, high in request]
        run = subprocess.run(argv, capture_output=True)
        if run.returncode != 0:
            return None
        return {p["name"]: p["version"] for p in json.loads(run.stdout)["packages"]}

    return solve


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--flow", required=True)
    parser.add_argument("--solvers", default="flow,resolvelib,libsolv,rez")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rez-repeats", type=int, default=3)
    parser.add_argument("--rez-time-limit", type=float, default=30)
    parser.add_argument("--keep-index", action="store_true",
                        help="reuse an existing flow index instead of timing its build")
    args = parser.parse_args()
    with open(os.path.join(args.folder, "problem.json")) as handle:
        problem = json.load(handle)
    versions = sum(len(v) for v in problem["packages"].values())
    label = f"{len(problem['packages'])}x{versions // len(problem['packages'])}"
    for name in args.solvers.split(","):
        start = time.perf_counter()
        if name == "flow":
            index = os.path.join(args.folder, "catalog.index")
            if os.path.exists(index) and not args.keep_index:
                os.remove(index)
            solve = flow_solver(args.flow, args.folder)
            solve(problem["requests"][0])
        elif name == "resolvelib":
            solve = peers.make_resolvelib(problem)
        elif name == "libsolv":
            solve = peers.make_libsolv(problem)
        else:
            solve = peers.make_rez(os.path.join(args.folder, "rez"), args.rez_time_limit)
        setup = time.perf_counter() - start
        repeats = args.rez_repeats if name == "rez" else args.repeats
        times, solved, invalid = [], 0, 0
        for request in problem["requests"]:
            solve(request)  # warm
            answer, seconds = peers.measure(solve, request, repeats)
            times.append(seconds)
            if answer is None:
                continue
            reason = is_valid(problem, request, answer)
            if reason:
                invalid += 1
                print(f"{name}: invalid answer for {request}: {reason}", file=sys.stderr)
            else:
                solved += 1
        median, worst = statistics.median(times), max(times)
        print(f"| {label} | {name} | {solved}/{len(problem['requests'])} | {invalid} | "
              f"{setup:.2f} s | {median * 1000:.1f} ms | {worst * 1000:.1f} ms |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
