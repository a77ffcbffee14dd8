import FlowCore

/// flow-exec's reading path up to the processes it would start: any bytes give a
/// document or an error; the stages of a document read are prepared (commands, the plan's
/// order or a plan of their own, container argv, each stage's environment) and nothing is
/// started.
let machine = MachineDescription(
  usableCPUs: ProbeFact(8, from: "fuzz"), usableMemory: ProbeFact(1 << 34, from: "fuzz"))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPipeDocumentExec(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  guard let workflow = PipeDocumentFuzzing.read(data, size) else { return 0 }
  var preparation = RunPreparation(
    baseEnvironment: ["PATH": "/bin", "HOME": "/h"], logDirectory: "/nonexistent/logs",
    engine: .podman, runID: "fuzz", machine: machine,
    capacity: PlanCapacity(cpu: 8, memory: 1 << 34, gpuIDs: ["0", "1"]))
  preparation.clusterExecutors = [.slurm, .dask]
  guard let launches = try? preparation.prepare(workflow, selected: Array(workflow.stages.indices))
  else { return 0 }
  for launch in launches { _ = launch.command(launch.plannedGPUs) }
  return 0
}
