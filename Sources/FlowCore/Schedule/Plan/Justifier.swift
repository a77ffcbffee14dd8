/// Forward-backward improvement (Tormos and Lova's justification): right-justify every
/// stage in order of latest finish on the reversed graph, then left-justify in order of
/// earliest start, and repeat while the pair of passes shortens the plan. It never makes
/// a plan longer and often closes the gaps list scheduling leaves.
struct Justifier {
  let problem: PlanProblem
  let serial: SerialScheduler
  /// Each stage's position in the topological order, to break ties safely.
  let topologicalPosition: [Int]

  init(problem: PlanProblem) {
    self.problem = problem
    self.serial = SerialScheduler(problem: problem)
    var position = [Int](repeating: 0, count: problem.count)
    for (index, stage) in problem.topologicalOrder.enumerated() { position[stage] = index }
    self.topologicalPosition = position
  }

  typealias Schedule = (starts: [Double], makespan: Double)

  /// Justifies the schedule in place, for at most `rounds` pairs of passes, and returns
  /// how many serial passes it took.
  func justify(_ schedule: inout Schedule, rounds: Int = .max) -> Int {
    var passes = 0
    for _ in 0..<rounds {
      let finishes = (0..<problem.count).map { schedule.starts[$0] + problem.durations[$0] }
      let backwardOrder = (0..<problem.count).sorted {
        finishes[$0] > finishes[$1]
          || (finishes[$0] == finishes[$1] && topologicalPosition[$0] > topologicalPosition[$1])
      }
      let mirrored = mirror(serial.schedule(order: backwardOrder, reversed: true))
      let starts = serial.schedule(order: startOrder(mirrored))
      passes += 2
      let makespan = Planner.makespan(problem, starts)
      guard makespan < schedule.makespan else { return passes }
      schedule = (starts, makespan)
    }
    return passes
  }

  /// The stages by start time, ties in topological order: an order that respects every
  /// dependency, and from which the serial scheme rebuilds the schedule or a shorter one.
  func startOrder(_ starts: [Double]) -> [Int] {
    (0..<problem.count).sorted {
      starts[$0] < starts[$1]
        || (starts[$0] == starts[$1] && topologicalPosition[$0] < topologicalPosition[$1])
    }
  }

  /// Turns times measured back from the end into start times.
  func mirror(_ backwardStarts: [Double]) -> [Double] {
    let end = Planner.makespan(problem, backwardStarts)
    return (0..<problem.count).map { end - backwardStarts[$0] - problem.durations[$0] }
  }
}
