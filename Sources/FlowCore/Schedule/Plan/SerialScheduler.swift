/// The serial schedule-generation scheme: stages taken one by one in a given order
/// (every stage after its predecessors) and each put at the earliest time its
/// predecessors allow and the resources left free by those already placed can hold it
/// for its whole duration. Slower than the parallel scheme on large graphs, but it can
/// reach every active schedule, optimal ones included.
struct SerialScheduler {
  let problem: PlanProblem
  /// The resources each stage asks for some of: only those can stop it fitting.
  private let asksFor: [[Int]]

  init(problem: PlanProblem) {
    self.problem = problem
    asksFor = (0..<problem.count).map { stage in
      (0..<problem.resourceCount).filter { problem.demand(stage, $0) > 0 }
    }
  }

  /// Start times for stages placed in `order`; with `reversed`, on the reversed graph.
  func schedule(order: [Int], reversed: Bool = false) -> [Double] {
    let before = reversed ? problem.successors : problem.predecessors
    var profile = Profile(resources: problem.resourceCount, stages: problem.count)
    var starts = [Double](repeating: 0, count: problem.count)
    var finishes = [Double](repeating: 0, count: problem.count)
    // A segment that holds each placed stage's finish, where its successors' search starts.
    var finishSegment = [Int](repeating: 0, count: problem.count)
    for stage in order {
      var earliest = 0.0
      var segment = 0
      for predecessor in before[stage] where finishes[predecessor] > earliest {
        earliest = finishes[predecessor]
        segment = finishSegment[predecessor]
      }
      segment = profile.segment(containing: earliest, from: segment)
      let duration = problem.durations[stage]
      guard duration > 0 else {
        starts[stage] = earliest
        finishes[stage] = earliest
        finishSegment[stage] = segment
        continue
      }
      let start = firstFit(stage, duration: duration, from: segment, earliest: earliest, profile)
      let first = profile.split(at: start.time, in: start.segment)
      let finish = start.time + duration
      let end = profile.split(at: finish, in: profile.segment(containing: finish, from: first))
      var piece = first
      while piece != end {
        for resource in asksFor[stage] {
          profile.used[piece * profile.resources + resource] += problem.demand(stage, resource)
        }
        piece = profile.next[piece]
      }
      starts[stage] = start.time
      finishes[stage] = finish
      finishSegment[stage] = end
    }
    return starts
  }

  /// The earliest time from `earliest` on at which the stage fits for its whole duration,
  /// and the segment holding it.
  private func firstFit(
    _ stage: Int, duration: Double, from segment: Int, earliest: Double, _ profile: Profile
  ) -> (time: Double, segment: Int) {
    var segment = segment
    var start = earliest
    search: while true {
      var probe = segment
      while probe >= 0 && (probe == segment || profile.times[probe] < start + duration) {
        for resource in asksFor[stage]
        where profile.used[probe * profile.resources + resource] + problem.demand(stage, resource)
          > problem.capacity[resource] * (1 + 1e-9)
        {
          // The last segment is empty and every demand fits the capacity, so there is one.
          segment = profile.next[probe]
          start = profile.times[segment]
          continue search
        }
        probe = profile.next[probe]
      }
      return (start, segment)
    }
  }

  /// What the placed stages use over time: segments linked in time order, segment k from
  /// times[k] to its successor's time (the last one open) with used[k * resources + r]
  /// of resource r in use. Segments are only ever split, so each keeps its start time and
  /// a segment found once is a safe place to start looking for a later time.
  private struct Profile {
    let resources: Int
    var times: [Double] = [0]
    var next: [Int] = [-1]
    var used: [Double]

    init(resources: Int, stages: Int) {
      self.resources = resources
      used = [Double](repeating: 0, count: resources)
      times.reserveCapacity(2 * stages + 1)
      next.reserveCapacity(2 * stages + 1)
      used.reserveCapacity((2 * stages + 1) * resources)
    }

    /// The segment whose span holds the time, looking from a segment that starts no later.
    func segment(containing time: Double, from segment: Int) -> Int {
      var segment = segment
      while next[segment] >= 0 && times[next[segment]] <= time { segment = next[segment] }
      return segment
    }

    /// Makes a segment start exactly at the time, cutting the one that holds it, and
    /// returns its number.
    mutating func split(at time: Double, in segment: Int) -> Int {
      if times[segment] == time { return segment }
      let cut = times.count
      times.append(time)
      next.append(next[segment])
      next[segment] = cut
      for resource in 0..<resources { used.append(used[segment * resources + resource]) }
      return cut
    }
  }
}
