/// Hands GPU ids to the stages of a plan: walking through starts in time order, a stage
/// takes the lowest-numbered ids free at its start, and gives them back at its finish. A
/// stage holding a share of one GPU goes onto the fullest device it still fits on, so
/// shares pack together and leave whole devices free.
enum GPUAssignment {
  /// The ids per stage, or nil when shares left no device able to take a stage at its
  /// start although the GPUs together had room (shares of different sizes can do that).
  static func assign(_ problem: PlanProblem, starts: [Double], gpuIDs: [String]) -> [[String]]? {
    var result = [[String]](repeating: [], count: problem.count)
    let users = (0..<problem.count).filter { problem.demand($0, PlanProblem.gpuResource) > 0 }
    guard !users.isEmpty else { return result }
    let ordered = users.sorted { starts[$0] < starts[$1] || (starts[$0] == starts[$1] && $0 < $1) }
    // The part of each device held, from 0 (free) to 1 (taken whole).
    var load = [Double](repeating: 0, count: gpuIDs.count)
    var running = IndexHeap()
    var held: [Int: (devices: [Int], amount: Double)] = [:]
    let tolerance = GPUShare.tolerance
    for stage in ordered {
      while let done = running.top, -done.key <= starts[stage] {
        _ = running.pop()
        if let released = held.removeValue(forKey: done.index) {
          for device in released.devices { load[device] = max(0, load[device] - released.amount) }
        }
      }
      let wanted = problem.demand(stage, PlanProblem.gpuResource)
      let taken: [Int]
      let amount: Double
      if wanted >= 1 - tolerance {
        let count = Int(wanted.rounded())
        let free = load.indices.filter { load[$0] <= tolerance }
        guard free.count >= count else { return nil }
        taken = Array(free.prefix(count))
        amount = 1
      } else {
        let fitting = load.indices.filter { load[$0] + wanted <= 1 + tolerance }
        guard
          let fullest = fitting.min(by: {
            load[$0] > load[$1] + tolerance || (abs(load[$0] - load[$1]) <= tolerance && $0 < $1)
          })
        else { return nil }
        taken = [fullest]
        amount = wanted
      }
      for device in taken { load[device] += amount }
      held[stage] = (taken, amount)
      result[stage] = taken.map { gpuIDs[$0] }
      running.push(stage, key: -(starts[stage] + problem.durations[stage]))
    }
    return result
  }
}
