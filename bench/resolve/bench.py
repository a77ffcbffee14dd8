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


def flow_argv(binary, folder, request):
    argv = [binary, "--catalog", os.path.join(folder, "catalog.toml"),
            "--index", os.path.join(folder, "catalog.index")]
    return argv + [f"{name} {flow_spec(low, high)}".strip() for name, low, high in request]


def flow_solver(binary, folder):
    def solve(request):
        run = subprocess.run(flow_argv(binary, folder, request), capture_output=True)
        if run.returncode != 0:
            return None
        return {p["name"]: p["version"] for p in json.loads(run.stdout)["packages"]}

    return solve


def flow_process(binary, folder, request, repeats):
    """The median wall and CPU time of the flow-resolve process alone: started with
    posix_spawn, its output going to /dev/null, timed from the spawn to wait4's return, CPU
    from wait4's usage of that child. Leaves out what subprocess.run adds in Python (pipes,
    reading the output, the interpreter's own fork)."""
    argv = flow_argv(binary, folder, request)
    null = os.open(os.devnull, os.O_WRONLY)
    actions = [(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
    times, cpu = [], []
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            child = os.posix_spawn(binary, argv, os.environ, file_actions=actions)
            _, status, usage = os.wait4(child, 0)
            times.append(time.perf_counter() - start)
            cpu.append(usage.ru_utime + usage.ru_stime)
            if os.waitstatus_to_exitcode(status) != 0:
                return None, None
    finally:
        os.close(null)
    return statistics.median(times), statistics.median(cpu)


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
        times, cpu, solved, invalid = [], [], 0, 0
        process_times, process_cpu = [], []
        for request in problem["requests"]:
            solve(request)  # warm
            answer, seconds, cpu_seconds = peers.measure(solve, request, repeats)
            times.append(seconds)
            cpu.append(cpu_seconds)
            if name == "flow":
                wall, used = flow_process(args.flow, args.folder, request, repeats)
                if wall is not None:
                    process_times.append(wall)
                    process_cpu.append(used)
            if answer is None:
                continue
            reason = is_valid(problem, request, answer)
            if reason:
                invalid += 1
                print(f"{name}: invalid answer for {request}: {reason}", file=sys.stderr)
            else:
                solved += 1
        median, worst = statistics.median(times), max(times)
        process = "-"
        if process_times:
            process = (f"{statistics.median(process_times) * 1000:.1f} ms "
                       f"(max {max(process_times) * 1000:.1f}, "
                       f"CPU {statistics.median(process_cpu) * 1000:.1f})")
        print(f"| {label} | {name} | {solved}/{len(problem['requests'])} | {invalid} | "
              f"{setup:.2f} s | {median * 1000:.1f} ms | {worst * 1000:.1f} ms | "
              f"{statistics.median(cpu) * 1000:.1f} ms | {process} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
