"""flow-exec's bridge to a Dask cluster.

Reads one JSON document from the file named by its argument:
  {"scheduler": "tcp://host:port" | null, "keep_going": false, "bridge_log": "path",
   "local_cluster": {"threads": n, "resources": {"MEMORY": bytes, ...}} | null,
   "stages": [{"name", "argv", "environment", "directory", "log", "needs": [indexes],
               "resources": {"GPU": 1, "MEMORY": bytes, "<counter>": n},
               "gpu_if_available": false}]}
and writes one JSON line per event on standard output:
  {"type": "refused", "stage": i, "reason": "..."}   before anything is submitted
  {"type": "submitted", "stage": i, "key": "..."}
  {"type": "started", "stage": i}
  {"type": "ended", "stage": i, "status": n, "signal": n|null, "message": "..."|null}
  {"type": "error", "status": n, "message": "..."}   the bridge itself cannot go on
Without a scheduler the bridge starts a Dask cluster in its own process for the run (one
worker with local_cluster's threads and resources, in-process transport: nothing listens
on any port) and closes it at the end; it goes with the bridge's process whatever happens.
Each stage's command runs on a worker as a process (argv, never a shell string), with the
stage's resources as Dask resource annotations. SIGTERM or SIGINT cancels: running
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
except ImportError:
    emit(type="error", status=69,
         message="the Dask executor needs the Python package 'distributed': "
                 "python3 -m pip install 'dask[distributed]'")
    sys.exit(69)


def run_stage(argv, environment, directory, log, stop_name):
    """Runs on a worker: the stage's process, stopped when the run's stop event is set."""
    import os
    import subprocess
    from distributed import Event as WorkerEvent

    stop = WorkerEvent(stop_name)
    if stop.is_set():
        return {"skipped": True}
    with open(log, "wb") as output:
        try:
            process = subprocess.Popen(
                argv, env=environment, cwd=directory, stdin=subprocess.DEVNULL,
                stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        except FileNotFoundError as error:
            return {"status": 127, "signal": None, "message": str(error)}
        except PermissionError as error:
            return {"status": 126, "signal": None, "message": str(error)}
        stopped = False
        while True:
            try:
                code = process.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                pass
            if not stopped and stop.is_set():
                stopped = True
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
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


def run(client, stopping):
    stages = request["stages"]
    workers = [info.get("resources", {}) for info in client.scheduler_info()["workers"].values()]
    refused = False
    for index, stage in enumerate(stages):
        if stage.get("gpu_if_available") and "GPU" in stage["resources"] and not any(
                fits(stage["resources"], worker) for worker in workers):
            # No worker has a GPU to give: the stage runs on a worker's CPUs.
            del stage["resources"]["GPU"]
            print(f"flow: stage {stage['name']} runs on the cpu: no worker has a GPU"
                  " (gpu_if_available)", file=sys.stderr, flush=True)
        if not any(fits(stage["resources"], worker) for worker in workers):
            have = "; ".join(json.dumps(worker) for worker in workers) or "no workers"
            emit(type="refused", stage=index,
                 reason=f"no worker has {json.dumps(stage['resources'])} (workers: {have})")
            refused = True
    if refused:
        return 0

    stop_name = f"flow-stop-{uuid.uuid4().hex}"
    stop = Event(stop_name, client=client)
    results = [None] * len(stages)
    futures = {}
    failed = False
    pending = as_completed()

    def submit_ready():
        for index, stage in enumerate(stages):
            if results[index] is not None or index in futures.values():
                continue
            if failed and not request.get("keep_going"):
                continue
            needs = [results[need] for need in stage["needs"]]
            if any(result is not None and result != "succeeded" for result in needs):
                results[index] = "skipped"
                emit(type="skipped", stage=index, message="a stage it needs did not succeed")
                continue
            if all(result == "succeeded" for result in needs):
                future = client.submit(
                    run_stage, stage["argv"], stage["environment"], stage["directory"],
                    stage["log"], stop_name, resources=stage["resources"] or None,
                    key=f"flow-{stage['name']}-{stop_name}", pure=False)
                futures[future] = index
                pending.add(future)
                emit(type="submitted", stage=index, key=future.key)

    submit_ready()
    while futures:
        if stopping.is_set() and not stop.is_set():
            stop.set()
        done = pending.next_batch(block=False) if pending.has_ready() else []
        if not done:
            stopping.wait(0.1)
            continue
        for future in done:
            index = futures.pop(future)
            try:
                outcome = future.result()
            except Exception as error:
                outcome = {"status": 125, "signal": None, "message": f"dask task failed: {error}"}
            if outcome.get("skipped"):
                results[index] = "skipped"
                emit(type="skipped", stage=index, message="the run was stopped")
                continue
            results[index] = "succeeded" if outcome["status"] == 0 else "failed"
            failed = failed or outcome["status"] != 0
            emit(type="ended", stage=index, **outcome)
        if not stopping.is_set():
            submit_ready()
    return 0


if __name__ == "__main__":
    sys.exit(main())
