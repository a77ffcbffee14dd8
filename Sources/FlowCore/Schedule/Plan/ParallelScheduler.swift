/// Event-driven list scheduling (the parallel schedule-generation scheme): at time zero
/// and at each moment a stage finishes, start the ready stages in priority order that
/// fit what is free of every resource at once. Runs forward, or on the reversed graph
/// for the backward half of forward-backward improvement.
struct ParallelScheduler {
  let problem: PlanProblem
  /// How many ready stages that do not fit are looked at per event before waiting for
  /// the next one; bounds the work on very wide graphs.
  var lookAhead = 32

  /// Start times (or, reversed, times measured back from the end) for the priorities.
  func schedule(priority: [Double], reversed: Bool = false) -> [Double] {
    let count = problem.count
    let resources = problem.resourceCount
    let after = reversed ? problem.predecessors : problem.successors
    var waitingFor = (reversed ? problem.successors : problem.predecessors).map(\.count)
    var free = problem.capacity
    let tolerance = problem.capacity.map { $0 * 1e-9 }
    let smallest = (0..<resources).map { resource in
      (0..<count).lazy.map { problem.demand($0, resource) }.min() ?? 0
    }
    var starts = [Double](repeating: 0, count: count)
    var ready = IndexHeap(capacity: count)
    for stage in 0..<count where waitingFor[stage] == 0 {
      ready.push(stage, key: priority[stage])
    }
    var running = IndexHeap(capacity: count)
    var setAside: [(key: Double, index: Int)] = []
    var now = 0.0
    var started = 0
    while started < count {
      var misses = 0
      while let candidate = ready.pop() {
        let stage = candidate.index
        let row = stage * resources
        var fits = true
        for resource in 0..<resources
        where problem.demand[row + resource] > free[resource] + tolerance[resource] {
          fits = false
          break
        }
        if fits {
          for resource in 0..<resources { free[resource] -= problem.demand[row + resource] }
          starts[stage] = now
          running.push(stage, key: -(now + problem.durations[stage]))
          started += 1
        } else {
          setAside.append(candidate)
          misses += 1
          if misses >= lookAhead { break }
        }
        if (0..<resources).contains(where: { free[$0] + tolerance[$0] < smallest[$0] }) { break }
      }
      for item in setAside { ready.push(item.index, key: item.key) }
      setAside.removeAll(keepingCapacity: true)
      guard let next = running.top else { break }
      now = -next.key
      defer { if running.isEmpty { free = problem.capacity } }
      while let done = running.top, -done.key <= now {
        _ = running.pop()
        let row = done.index * resources
        for resource in 0..<resources { free[resource] += problem.demand[row + resource] }
        for successor in after[done.index] {
          waitingFor[successor] -= 1
          if waitingFor[successor] == 0 { ready.push(successor, key: priority[successor]) }
        }
      }
    }
    return starts
  }
}
