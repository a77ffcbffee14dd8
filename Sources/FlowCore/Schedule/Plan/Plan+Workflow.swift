extension PlanStage {
  /// The planner's view of a workflow stage: its needs, estimate and resources.
  public init(stage: Stage) {
    let resources = stage.environment.resources.completed
    var counters: [String: Int64] = [:]
    for counter in resources.counters { counters[counter.name] = counter.amount }
    var demand = StageDemand(
      cpu: resources.cpu ?? 1, memory: resources.memory ?? 0, gpu: resources.gpu ?? 0,
      counters: counters)
    demand.gpuFraction = resources.gpuFraction ?? 0
    demand.gpuMemory = resources.gpuMemory ?? 0
    self.init(
      name: stage.name, needs: stage.needs, duration: stage.duration, demand: demand,
      processOn: resources.processOn ?? .cpu)
  }
}

extension Plan {
  /// Each stage's `plan` object and the document's `schedule` summary, as flow-json(5)
  /// describes them, added to the workflow.
  public func annotate(_ workflow: inout Workflow, gpuIDs: [String]) {
    for (index, planned) in stages.enumerated() where index < workflow.stages.count {
      workflow.stages[index].plan = planned.stagePlan
    }
    workflow.schedule = summaryDocument(gpuIDs: gpuIDs).objectValue
  }

  public func summaryDocument(gpuIDs: [String]) -> JSONValue {
    var bound = JSONObject()
    bound["value"] = JSONValue(seconds: lowerBound.value)
    bound["binding"] = .string(lowerBound.binding)
    bound["critical_path"] = JSONValue(seconds: lowerBound.criticalPath)
    var perResource = JSONObject()
    for (name, seconds) in lowerBound.resourceBounds {
      perResource[name] = JSONValue(seconds: seconds)
    }
    bound["resources"] = .object(perResource)

    var capacityObject = JSONObject()
    for (index, name) in resourceNames.enumerated() {
      capacityObject[name] =
        name == "gpu" ? .array(gpuIDs.map(JSONValue.string)) : JSONValue(seconds: capacity[index])
    }
    var summary = JSONObject()
    summary["method"] = .string(method)
    summary["makespan"] = JSONValue(seconds: makespan)
    summary["lower_bound"] = .object(bound)
    summary["gap"] = .number((gap * 1e6).rounded() / 1e6)
    summary["first_pass_makespan"] = JSONValue(seconds: firstPassMakespan)
    summary["capacity"] = .object(capacityObject)
    summary["notes"] = .array(notes.map(JSONValue.string))
    if let waves {
      var idle = JSONObject()
      for (index, name) in resourceNames.enumerated() where capacity[index] > 0 {
        idle[name] = .object(
          JSONObject([
            ("resource_seconds", JSONValue(seconds: waves.idle[index])),
            ("fraction", .number((waves.idleFraction[index] * 1e6).rounded() / 1e6)),
          ]))
      }
      summary["waves"] = .object(
        JSONObject([
          ("layers", .integer(Int64(waves.layers.count))),
          ("list_makespan", JSONValue(seconds: waves.listMakespan)), ("idle", .object(idle)),
        ]))
    }
    return .object(summary)
  }
}

extension PlannedStage {
  /// The stage's `plan` in the pipe document.
  public var stagePlan: StagePlan {
    StagePlan(
      order: order, start: start, finish: finish, duration: duration,
      durationSource: durationSource.rawValue, device: device, gpuIDs: gpuIDs)
  }
}
