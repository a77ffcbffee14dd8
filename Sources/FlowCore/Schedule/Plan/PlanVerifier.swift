/// Checks a plan against its problem: every stage starts after all it needs have
/// finished, and at no moment do running stages hold more than the capacity of any
/// resource or share a GPU id.
public enum PlanVerifier {
  /// The first violation found, as a sentence, or `nil` when the plan is feasible.
  public static func violation(in plan: Plan, of problem: PlanProblem) -> String? {
    let stages = plan.stages
    for stage in 0..<problem.count {
      for predecessor in problem.predecessors[stage]
      where stages[stage].start < stages[predecessor].finish - 1e-9 {
        return "'\(stages[stage].name)' starts before '\(stages[predecessor].name)' finishes"
      }
    }
    // At each start, the stages running then (finishes are exclusive) must fit.
    let byStart = (0..<problem.count).filter { problem.durations[$0] > 0 }
      .sorted { stages[$0].start < stages[$1].start }
    var running = IndexHeap()
    var used = [Double](repeating: 0, count: problem.resourceCount)
    var gpusInUse = Set<String>()
    for stage in byStart {
      while let done = running.top, -done.key <= stages[stage].start + 1e-9 {
        _ = running.pop()
        for resource in used.indices { used[resource] -= problem.demand(done.index, resource) }
        gpusInUse.subtract(stages[done.index].gpuIDs)
      }
      for resource in used.indices {
        used[resource] += problem.demand(stage, resource)
        if used[resource] > problem.capacity[resource] * (1 + 1e-9) + 1e-9 {
          let name = problem.resourceNames[resource]
          return "at \(stages[stage].start) s the running stages need more \(name) than there is"
        }
      }
      for id in stages[stage].gpuIDs {
        guard gpusInUse.insert(id).inserted else {
          return "gpu \(id) is given to two stages at \(stages[stage].start) s"
        }
      }
      running.push(stage, key: -stages[stage].finish)
    }
    return nil
  }
}
