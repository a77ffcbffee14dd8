/// Hands GPU ids to the stages of a plan: walking through starts in time order, a stage
/// takes the lowest-numbered ids free at its start, and gives them back at its finish.
enum GPUAssignment {
  static func assign(_ problem: PlanProblem, starts: [Double], gpuIDs: [String]) -> [[String]] {
    var result = [[String]](repeating: [], count: problem.count)
    let users = (0..<problem.count).filter { problem.demand($0, PlanProblem.gpuResource) > 0 }
    guard !users.isEmpty else { return result }
    let ordered = users.sorted { starts[$0] < starts[$1] || (starts[$0] == starts[$1] && $0 < $1) }
    var free = Array(gpuIDs.indices)
    var running = IndexHeap()
    var held: [Int: [Int]] = [:]
    for stage in ordered {
      while let done = running.top, -done.key <= starts[stage] {
        _ = running.pop()
        free += held.removeValue(forKey: done.index) ?? []
        free.sort()
      }
      let wanted = Int(problem.demand(stage, PlanProblem.gpuResource))
      let taken = Array(free.prefix(wanted))
      free.removeFirst(min(wanted, free.count))
      held[stage] = taken
      result[stage] = taken.map { gpuIDs[$0] }
      running.push(stage, key: -(starts[stage] + problem.durations[stage]))
    }
    return result
  }
}
