/// The serial schedule-generation scheme: stages taken one by one in a given order
/// (every stage after its predecessors) and each put at the earliest time its
/// predecessors allow and the resources left free by those already placed can hold it
/// for its whole duration. Slower than the parallel scheme on large graphs, but it can
/// reach every active schedule, optimal ones included.
struct SerialScheduler {
  let problem: PlanProblem

  /// Start times for stages placed in `order`; with `reversed`, on the reversed graph.
  func schedule(order: [Int], reversed: Bool = false) -> [Double] {
    let resources = problem.resourceCount
    let before = reversed ? problem.successors : problem.predecessors
    let tolerance = problem.capacity.map { $0 * 1e-9 }
    // The profile: segment k spans times[k] ..< times[k + 1] (the last one is open)
    // and has used[k * resources + r] of resource r in use.
    var times: [Double] = [0]
    var used = [Double](repeating: 0, count: resources)
    var starts = [Double](repeating: 0, count: problem.count)
    var finishes = [Double](repeating: 0, count: problem.count)
    for stage in order {
      var earliest = 0.0
      for predecessor in before[stage] { earliest = max(earliest, finishes[predecessor]) }
      let duration = problem.durations[stage]
      let row = stage * resources
      guard duration > 0 else {
        starts[stage] = earliest
        finishes[stage] = earliest
        continue
      }
      var segment = Self.segment(containing: earliest, in: times)
      var start = earliest
      search: while true {
        var probe = segment
        while probe < times.count && (probe == segment || times[probe] < start + duration) {
          for resource in 0..<resources
          where used[probe * resources + resource] + problem.demand[row + resource]
            > problem.capacity[resource] + tolerance[resource]
          {
            segment = probe + 1
            start = times[segment]
            continue search
          }
          probe += 1
        }
        break
      }
      starts[stage] = start
      finishes[stage] = start + duration
      let first = Self.split(at: start, times: &times, used: &used, resources: resources)
      let end = Self.split(at: start + duration, times: &times, used: &used, resources: resources)
      for piece in first..<end {
        for resource in 0..<resources {
          used[piece * resources + resource] += problem.demand[row + resource]
        }
      }
    }
    return starts
  }

  /// The segment whose span holds the time.
  private static func segment(containing time: Double, in times: [Double]) -> Int {
    var low = 0
    var high = times.count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if times[middle] <= time { low = middle } else { high = middle - 1 }
    }
    return low
  }

  /// Makes a segment start exactly at the time and returns its number.
  private static func split(
    at time: Double, times: inout [Double], used: inout [Double], resources: Int
  ) -> Int {
    let segment = segment(containing: time, in: times)
    if times[segment] == time { return segment }
    times.insert(time, at: segment + 1)
    let copy = Array(used[(segment * resources)..<((segment + 1) * resources)])
    used.insert(contentsOf: copy, at: (segment + 1) * resources)
    return segment + 1
  }
}
