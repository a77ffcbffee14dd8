"""flow-exec's bridge to a Dask cluster.

Reads one JSON document from the file named by its argument:
  {"scheduler": "tcp://host:port" | null, "keep_going": false, "bridge_log": "path",
   "decisions": "path" | null,
   "local_cluster": {"threads": n, "resources": {"MEMORY": bytes, ...},
                     "gpu_ids": ["0", ...]} | null,
   "stages": [{"name", "argv", "directory", "log", "needs": [indexes],
               "assignments": [{"name", "parts": [["text" | "variable" | "separator_if_set",
                                                   "..."], ...] | null (removed),
                                "when": TEST (absent: always),
                                "stop": "message" (present: the stage ends instead)}] | null,
               "environment": {...} (the whole environment, when assignments is null),
               "resources": {"GPU": 1, "MEMORY": bytes, "<counter>": n},
               "gpu_placeholders": ["..."], "timeout": seconds | null,
               "removal": argv | null, "retry": false, "gpu_if_available": false}]}
and writes one JSON line per event on standard output:
  {"type": "refused", "stage": i, "reason": "..."}   before anything is submitted
  {"type": "submitted", "stage": i, "key": "..."}
  {"type": "ended", "stage": i, "attempt": n, "status": n, "signal": n|null,
   "timed_out": bool, "lost": bool, "deciding": bool, "message": "..."|null}
  {"type": "skipped", "stage": i, "message": "..."}
  {"type": "error", "status": n, "message": "..."}   the bridge itself cannot go on
An attempt that failed with "deciding" true waits for flow-exec's answer, a line it
appends to the decisions file: the stage is tried again with the fields given, or fails.
A line {"stop_starts": true} there says a stage failed on another executor of the run
(without keep_going): nothing more is submitted, as after a failure here.
Without a scheduler the bridge starts a Dask cluster in its own process for the run (one
worker with local_cluster's threads and resources, in-process transport: nothing listens
on any port) and closes it at the end; it goes with the bridge's process whatever happens.
Each stage's command runs on a worker as a process (argv, never a shell string) in the
environment the worker was started with (see started_environment in run_stage), with
the assignments applied over it in order (a "variable" part
is that variable's value as built so far, "separator_if_set" a ":" when it is set; one with
a "when" only where its TEST holds of the environment the worker was started with: ["set",
NAME], ["filled", NAME] (set and not empty), ["equals", NAME, TEXT] (set to TEXT), or of
the worker's files: ["exists", PATH]
("isdir", "isfile", as os.path tells);
["not", TEST], ["all", [TEST, ...]], ["any", [TEST, ...]]); a "stop" whose test holds ends
the stage before its command, with status 1 and the message in its log), with
the stage's resources as Dask resource annotations. A stage given GPUs gets ids among the
worker's (see run_stage): in a container they replace the placeholders of its argv,
otherwise they are its CUDA_VISIBLE_DEVICES. A watchdog process per stage kills the stage's
process group (and removes its container) when the worker dies, so a killed flow-exec
leaves nothing of a local cluster's stages behind. SIGTERM or SIGINT cancels: running
commands are stopped (SIGTERM to their process group, SIGKILL after 5 s) and queued ones
end without starting it. Exit status 69 when the `distributed` package is missing.
"""

import json
import os
import signal
import sys
import threading
import uuid


def emit(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


with open(sys.argv[1]) as request_file:
    request = json.load(request_file)
# Dask's own messages go to a log file: standard output carries only events.
log_descriptor = os.open(request["bridge_log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.dup2(log_descriptor, 2)

try:
    from distributed import Client, Event, LocalCluster, as_completed
    from distributed.scheduler import KilledWorker
except ImportError:
    emit(type="error", status=69,
         message="the Dask executor needs the Python package 'distributed': "
                 "python3 -m pip install 'dask[distributed]'")
    sys.exit(69)


# Leads the process group the stage runs in (in the worker's session), and waits. When the
# worker ends the stage ("done"), it kills what the stage left in the group; when the
# worker's end of the pipe closes without that (the worker, or the bridge holding an
# in-process cluster, was killed), it removes the stage's container and kills the group.
# It exists before the stage does, so no moment is left in which the stage could outlive
# the worker. The group's stop signals are not for it.
WATCHDOG = """
import json, os, signal, subprocess, sys
signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
done = sys.stdin.read(4) == "done"
removal = json.loads(sys.argv[1])
if not done and removal:
    subprocess.run(removal, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
os.killpg(0, signal.SIGKILL)
"""


def run_stage(stage, stop_name, local_gpu_ids):
    """Runs on a worker: the stage's process in the worker's own environment with flow's
    assignments over it, stopped when the run's stop event is set or at its time limit."""
    import json
    import os
    import signal
    import subprocess
    import sys
    import threading
    import time
    from distributed import Event as WorkerEvent
    from distributed import get_worker

    stop = WorkerEvent(stop_name)
    if stop.is_set():
        return {"skipped": True}

    def visible_gpus(worker):
        # The ids flow gave its own local cluster, else those the worker was started with
        # (CUDA_VISIBLE_DEVICES, as dask-cuda sets it per worker), else the worker's GPU
        # resource counted from 0, as a worker that sees all the machine's GPUs numbers them.
        if local_gpu_ids is not None:
            return list(local_gpu_ids)
        named = [i for i in os.environ.get("CUDA_VISIBLE_DEVICES", "").split(",") if i]
        if named:
            return named
        state = getattr(worker, "state", worker)
        total = getattr(state, "total_resources", None) or {}
        return [str(i) for i in range(int(total.get("GPU", 0)))]

    count = int(stage["resources"].get("GPU", 0)) if stage["resources"] else 0
    gpus = []
    worker = None
    if count:
        worker = get_worker()
        lock = worker.__dict__.setdefault("_flow_gpu_lock", threading.Lock())
        with lock:
            if not hasattr(worker, "_flow_free_gpus"):
                worker._flow_free_gpus = visible_gpus(worker)
            free = worker._flow_free_gpus
            if len(free) < count:
                return {"status": 125, "signal": None,
                        "message": f"the worker has {len(free)} free GPU id(s) for {count}:"
                                   " start it with CUDA_VISIBLE_DEVICES naming its GPUs"}
            gpus = free[:count]
            del free[:count]

    def release():
        if gpus:
            with worker._flow_gpu_lock:
                worker._flow_free_gpus.extend(gpus)

    def started_environment():
        # The environment the worker was started with: its nanny's (which Dask names in
        # __DASK_PARENT_PID), else its own as it was at exec; not what Python (LC_CTYPE)
        # or Dask (OMP_NUM_THREADS=1, MALLOC_TRIM_THRESHOLD_, PYTHONHASHSEED...) set for the
        # worker's process since, which would change how a stage's programs run.
        for pid in (os.environ.get("__DASK_PARENT_PID"), "self"):
            if not pid:
                continue
            try:
                with open(f"/proc/{pid}/environ", "rb") as file:
                    data = file.read()
            except OSError:
                continue
            entries = [item.split(b"=", 1) for item in data.split(b"\0") if b"=" in item]
            return {os.fsdecode(name): os.fsdecode(value) for name, value in entries}
        return dict(os.environ)

    def holds(test, environment):
        kind, value = test[0], test[1]
        if kind == "equals":
            return environment.get(value) == test[2]
        if kind == "set":
            return value in environment
        if kind == "filled":
            return bool(environment.get(value))
        if kind in ("exists", "isdir", "isfile"):
            return getattr(os.path, kind)(value)
        if kind == "not":
            return not holds(value, environment)
        results = (holds(item, environment) for item in value)
        return all(results) if kind == "all" else any(results)

    try:
        if stage.get("assignments") is None:
            environment = dict(stage["environment"])
        else:
            environment = started_environment()
            base = dict(environment)
            for assignment in stage["assignments"]:
                if "when" in assignment and not holds(assignment["when"], base):
                    continue
                if "stop" in assignment:
                    with open(stage["log"], "w", encoding="utf-8") as log:
                        log.write(assignment["stop"] + "\n")
                    # NodeAssignment.stopStatus: the status the stage ends with.
                    return {"status": 1, "signal": None, "message": assignment["stop"]}
                if assignment["parts"] is None:
                    environment.pop(assignment["name"], None)
                    continue
                value = ""
                for kind, text in assignment["parts"]:
                    if kind == "text":
                        value += text
                    elif kind == "variable":
                        value += environment.get(text, "")
                    elif text in environment:
                        value += ":"
                environment[assignment["name"]] = value
        argv = list(stage["argv"])
        placeholders = stage.get("gpu_placeholders") or []
        if gpus and placeholders:
            for slot, gpu in zip(placeholders, gpus):
                argv = [word.replace(slot, gpu) for word in argv]
        elif gpus:
            environment["CUDA_VISIBLE_DEVICES"] = ",".join(gpus)
        return supervise(argv, environment, stage, stop)
    finally:
        release()


def supervise(argv, environment, stage, stop):
    """Runs one attempt of a stage's command with its watchdog; its outcome."""
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    timeout = stage.get("timeout")
    with open(stage["log"], "wb") as output:
        def joining(group):
            # setpgid in the child: a group of the worker's session (0: a new one).
            if sys.version_info >= (3, 11):
                return {"process_group": group}
            return {"preexec_fn": lambda: os.setpgid(0, group)}

        reading, writing = os.pipe()
        try:
            watchdog = subprocess.Popen(
                [sys.executable, "-c", WATCHDOG, json.dumps(stage.get("removal"))],
                stdin=reading, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                **joining(0))
        finally:
            os.close(reading)
        group = watchdog.pid
        try:
            process = subprocess.Popen(
                argv, env=environment, cwd=stage["directory"], stdin=subprocess.DEVNULL,
                stdout=output, stderr=subprocess.STDOUT, **joining(group))
        except (FileNotFoundError, PermissionError) as error:
            os.close(writing)
            watchdog.wait()
            status = 127 if isinstance(error, FileNotFoundError) else 126
            return {"status": status, "signal": None, "message": str(error)}
        deadline = None if timeout is None else time.monotonic() + timeout
        stopped = timed_out = False
        while True:
            try:
                code = process.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                pass
            if stopped:
                continue
            timed_out = deadline is not None and time.monotonic() >= deadline
            if timed_out or stop.is_set():
                stopped = True
                os.killpg(group, signal.SIGTERM)
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    os.killpg(group, signal.SIGKILL)
        try:
            os.write(writing, b"done")
        except OSError:  # the watchdog is gone already
            pass
        os.close(writing)
        watchdog.wait()
    if stopped and stage.get("removal"):
        subprocess.run(stage["removal"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    if timed_out:
        return {"status": 124, "signal": None, "timed_out": True,
                "message": f"timed out after {timeout} s"}
    if code < 0:
        return {"status": 128 - code, "signal": -code, "message": None}
    return {"status": code, "signal": None, "message": None}


def fits(demand, worker):
    return all(worker.get(name, 0) >= amount for name, amount in demand.items())


def main():
    stopping = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stopping.set())
    cluster = None
    try:
        if request["scheduler"] is None:
            local = request["local_cluster"]
            cluster = LocalCluster(
                n_workers=1, threads_per_worker=local["threads"], processes=False,
                dashboard_address=None, resources=local["resources"], memory_limit=0)
            print(f"flow: local Dask cluster {cluster.scheduler_address} for this run",
                  file=sys.stderr, flush=True)
        client = Client(cluster if cluster is not None else request["scheduler"], timeout="10s")
    except Exception as error:  # the scheduler cannot be reached or started
        if cluster is not None:
            cluster.close()
        where = request["scheduler"] or "a local Dask cluster"
        emit(type="error", status=69, message=f"cannot connect to {where}: {error}")
        return 69
    try:
        return run(client, stopping)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
            print("flow: local Dask cluster closed", file=sys.stderr, flush=True)


class Decisions:
    """flow-exec's answers about failed attempts of stages that may be retried, as JSON
    lines appended to a file: {"stage": i, "retry": false} or {"stage": i, "retry": true,
    "argv", "resources", "timeout", ...} (the stage's fields for its next attempt); and
    {"stop_starts": true} once a stage failed on another executor."""

    def __init__(self, path):
        self.file = open(path, "r") if path else None
        self.partial = ""

    def read(self):
        if self.file is None:
            return []
        self.partial += self.file.read()
        *lines, self.partial = self.partial.split("\n")
        return [json.loads(line) for line in lines if line.strip()]


def run(client, stopping):
    stages = request["stages"]
    workers = [info.get("resources", {}) for info in client.scheduler_info()["workers"].values()]
    refused = False
    for index, stage in enumerate(stages):
        if stage.get("gpu_if_available") and "GPU" in stage["resources"] and not any(
                fits(stage["resources"], worker) for worker in workers):
            # No worker has a GPU to give: the stage runs on a worker's CPUs.
            del stage["resources"]["GPU"]
            stage["runs_on_cpu"] = True
            print(f"flow: stage {stage['name']} runs on the cpu: no worker has a GPU"
                  " (gpu_if_available)", file=sys.stderr, flush=True)
        if not any(fits(stage["resources"], worker) for worker in workers):
            have = "; ".join(json.dumps(worker) for worker in workers) or "no workers"
            emit(type="refused", stage=index,
                 reason=f"no worker has {json.dumps(stage['resources'])} (workers: {have})")
            refused = True
    if refused:
        return 0

    local = request.get("local_cluster")
    local_gpu_ids = local.get("gpu_ids") if local and request["scheduler"] is None else None
    stop_name = f"flow-stop-{uuid.uuid4().hex}"
    stop = Event(stop_name, client=client)
    decisions = Decisions(request.get("decisions"))
    # Per stage: None (not yet run), "deciding" (an attempt failed and flow-exec says
    # whether another follows), "succeeded", "failed" or "skipped".
    results = [None] * len(stages)
    attempts = [0] * len(stages)
    futures = {}
    failed = False
    pending = as_completed()

    def submit(index):
        stage = stages[index]
        attempts[index] += 1
        future = client.submit(
            run_stage, stage, stop_name, local_gpu_ids, resources=stage["resources"] or None,
            key=f"flow-{stage['name']}-{attempts[index]}-{stop_name}", pure=False)
        futures[future] = index
        pending.add(future)
        emit(type="submitted", stage=index, key=future.key)

    def submit_ready():
        for index, stage in enumerate(stages):
            if results[index] is not None or index in futures.values():
                continue
            if failed and not request.get("keep_going"):
                continue
            needs = [results[need] for need in stage["needs"]]
            if any(result in ("failed", "skipped") for result in needs):
                results[index] = "skipped"
                emit(type="skipped", stage=index, message="a stage it needs did not succeed")
                continue
            if all(result == "succeeded" for result in needs):
                submit(index)

    def decide(answer):
        nonlocal failed
        if answer.get("stop_starts"):
            failed = True
            return
        index = answer["stage"]
        if results[index] != "deciding":
            return
        if not answer.get("retry"):
            results[index] = "failed"
            failed = True
        elif stopping.is_set():
            results[index] = "skipped"
            emit(type="skipped", stage=index, message="the run was stopped")
        else:
            results[index] = None
            stages[index].update({key: value for key, value in answer.items()
                                  if key not in ("stage", "retry")})
            if stages[index].get("runs_on_cpu"):
                stages[index]["resources"].pop("GPU", None)
            submit(index)

    submit_ready()
    while futures or "deciding" in results:
        if stopping.is_set() and not stop.is_set():
            stop.set()
        for answer in decisions.read():
            decide(answer)
        done = pending.next_batch(block=False) if pending.has_ready() else []
        if not done:
            stopping.wait(0.1)
            if not stopping.is_set():
                submit_ready()
            continue
        for future in done:
            index = futures.pop(future)
            try:
                outcome = future.result()
            except KilledWorker as error:
                outcome = {"status": 125, "signal": None, "lost": True,
                           "message": f"its Dask worker was lost: {error}"}
            except Exception as error:
                outcome = {"status": 125, "signal": None, "message": f"dask task failed: {error}"}
            if outcome.get("skipped"):
                results[index] = "skipped"
                emit(type="skipped", stage=index, message="the run was stopped")
                continue
            if outcome["status"] == 0:
                results[index] = "succeeded"
            elif stages[index].get("retry") and not stopping.is_set():
                results[index] = "deciding"
            else:
                results[index] = "failed"
                failed = True
            emit(type="ended", stage=index, attempt=attempts[index],
                 deciding=results[index] == "deciding", **outcome)
        if not stopping.is_set():
            submit_ready()
    return 0


if __name__ == "__main__":
    sys.exit(main())
