/// The improvement pass for explicit rounds and for large graphs: randomised priority
/// rounds of the serial scheme, or forward-backward passes of the event-driven one.
struct Improver {
  let problem: PlanProblem
  let rank: [Double]
  private var random: SplitMix
  private let justifier: Justifier

  init(problem: PlanProblem, rank: [Double], seed: UInt64) {
    self.problem = problem
    self.rank = rank
    self.random = SplitMix(seed: seed)
    self.justifier = Justifier(problem: problem)
  }

  typealias Schedule = (starts: [Double], makespan: Double)

  mutating func improveSerially(_ best: inout Schedule, rounds: Int, bound: Double) {
    for round in 0..<rounds {
      var priority = rank
      if round > 0 {
        for stage in priority.indices { priority[stage] *= 0.25 + 1.5 * random.nextUnit() }
      }
      let starts = justifier.serial.schedule(order: problem.eligibleOrder(priority))
      var candidate = (starts: starts, makespan: Planner.makespan(problem, starts))
      _ = justifier.justify(&candidate)
      if candidate.makespan < best.makespan { best = candidate }
      if best.makespan <= bound * (1 + 1e-9) { return }
    }
  }

  /// Forward-backward passes of the event-driven scheme, for graphs too large for the
  /// serial one: backward with later finish first, forward with earlier start first.
  func improveInParallel(_ best: inout Schedule, rounds: Int) {
    let parallel = ParallelScheduler(problem: problem)
    var current = best
    for _ in 0..<rounds {
      let finishes = (0..<problem.count).map { current.starts[$0] + problem.durations[$0] }
      let backward = parallel.schedule(priority: finishes, reversed: true)
      let forwardStarts = justifier.mirror(backward)
      let starts = parallel.schedule(priority: forwardStarts.map { -$0 })
      current = (starts, Planner.makespan(problem, starts))
      if current.makespan < best.makespan { best = current } else { break }
    }
  }
}

extension PlanProblem {
  /// Stages in an order that respects dependencies, highest priority first among those
  /// whose predecessors are all placed.
  func eligibleOrder(_ priority: [Double]) -> [Int] {
    var waiting = predecessors.map(\.count)
    var eligible = IndexHeap(capacity: count)
    for stage in 0..<count where waiting[stage] == 0 {
      eligible.push(stage, key: priority[stage])
    }
    var order: [Int] = []
    order.reserveCapacity(count)
    while let next = eligible.pop() {
      order.append(next.index)
      for successor in successors[next.index] {
        waiting[successor] -= 1
        if waiting[successor] == 0 { eligible.push(successor, key: priority[successor]) }
      }
    }
    return order
  }
}

/// A small, fast, seedable random source (SplitMix64).
struct SplitMix {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var value = state
    value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
    value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
    return value ^ (value >> 31)
  }

  /// A number in 0 ..< 1.
  mutating func nextUnit() -> Double {
    Double(next() >> 11) / Double(UInt64(1) << 53)
  }
}
