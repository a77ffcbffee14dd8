import FlowCore

/// flow-sched's reading path: any bytes give a document or an error; the stages of a
/// document read are planned on a machine with room for any stage the reader accepts, and
/// what flow-sched would write reads back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPipeDocumentSchedule(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  guard var workflow = PipeDocumentFuzzing.read(data, size) else { return 0 }
  var counters: [String: Int64] = [:]
  for stage in workflow.stages {
    for counter in stage.environment.resources.counters {
      counters[counter.name] = QuantityLimit.maximumCounter
    }
  }
  // Half the inputs plan on a small machine, where stages may never fit.
  let large = size % 2 == 0
  let capacity = PlanCapacity(
    cpu: large ? QuantityLimit.maximumCPUs : 4, memory: large ? .max : 1 << 33,
    gpuIDs: large ? (0..<Int(QuantityLimit.maximumGPUs)).map(String.init) : ["0"],
    counters: counters)
  let plan: Plan
  do throws(PlanError) {
    plan = try Planner.plan(
      workflow.stages.map(PlanStage.init(stage:)), capacity: capacity,
      options: PlanOptions(waves: size % 3 == 0, improvementRounds: 2))
  } catch {
    return 0
  }
  plan.annotate(&workflow, gpuIDs: capacity.gpuIDs)
  _ = PlanTextRenderer.render(plan)
  PipeDocumentFuzzing.mustReadBack(workflow, after: "flow-sched")
  return 0
}
