/// How hard the planner tries and which kind of plan it makes.
public struct PlanOptions: Sendable {
  /// Snakemake-style layers with barriers instead of event-driven list scheduling.
  public var waves = false
  /// Rounds of randomised list scheduling each followed by forward-backward
  /// justification; `nil` picks a number from the graph's size.
  public var improvementRounds: Int? = nil
  /// Seeds the random priorities, so the same input gives the same plan.
  public var seed: UInt64 = 0x5eed

  public init(waves: Bool = false, improvementRounds: Int? = nil) {
    self.waves = waves
    self.improvementRounds = improvementRounds
  }
}

/// Plans stages onto a machine's capacity.
///
/// The first plan is event-driven list scheduling with upward-rank priority over every
/// resource at once. Small and middling graphs are then improved with the serial scheme:
/// rounds of randomised upward-rank priorities, each plan justified backward and forward
/// (Tormos and Lova's forward-backward improvement) while that shortens it. Large graphs
/// get forward-backward passes of the event-driven scheme. The best plan found wins.
public enum Planner {
  /// Graphs up to this many stages get the serial scheme's improvement rounds.
  static let serialLimit = 2000

  public static func plan(
    _ stages: [PlanStage], capacity: PlanCapacity, history: DurationHistory = DurationHistory(),
    options: PlanOptions = PlanOptions()
  ) throws(PlanError) -> Plan {
    let problem = try PlanProblem(stages: stages, capacity: capacity, history: history)
    return plan(problem, gpuIDs: capacity.gpuIDs, options: options)
  }

  public static func plan(_ problem: PlanProblem, gpuIDs: [String], options: PlanOptions) -> Plan {
    let rank = problem.upwardRank()
    let bound = LowerBound(problem: problem, upwardRank: rank)
    let first = ParallelScheduler(problem: problem).schedule(priority: rank)
    let firstMakespan = makespan(problem, first)
    var best = (starts: first, makespan: firstMakespan)
    var improver = Improver(problem: problem, rank: rank, seed: options.seed)
    if best.makespan > bound.value * (1 + 1e-9) {
      if problem.count <= serialLimit {
        let automatic = min(400, max(4, 4_000_000 / max(1, problem.count * problem.count)))
        improver.improveSerially(
          &best, rounds: options.improvementRounds ?? automatic, bound: bound.value)
      } else {
        improver.improveInParallel(&best, rounds: options.improvementRounds ?? 2)
      }
    }
    var method = best.makespan < firstMakespan ? "list+justification" : "list"
    var starts = best.starts
    var waves: WaveSummary?
    if options.waves {
      let layered = WavePlanner(problem: problem, rank: rank).plan(listMakespan: best.makespan)
      starts = layered.starts
      waves = layered.summary
      method = "waves"
    }
    return assemble(
      problem, starts: starts, gpuIDs: gpuIDs, bound: bound, method: method,
      firstPassMakespan: firstMakespan, waves: waves)
  }

  static func makespan(_ problem: PlanProblem, _ starts: [Double]) -> Double {
    var end = 0.0
    for stage in 0..<problem.count { end = max(end, starts[stage] + problem.durations[stage]) }
    return end
  }

  private static func assemble(
    _ problem: PlanProblem, starts: [Double], gpuIDs: [String], bound: LowerBound, method: String,
    firstPassMakespan: Double, waves: WaveSummary?
  ) -> Plan {
    let assigned = GPUAssignment.assign(problem, starts: starts, gpuIDs: gpuIDs)
    let byStart = (0..<problem.count).sorted {
      starts[$0] < starts[$1] || (starts[$0] == starts[$1] && $0 < $1)
    }
    var order = [Int](repeating: 0, count: problem.count)
    for (position, stage) in byStart.enumerated() { order[stage] = position + 1 }
    let planned = (0..<problem.count).map { stage in
      PlannedStage(
        name: problem.names[stage], order: order[stage], start: starts[stage],
        finish: starts[stage] + problem.durations[stage], duration: problem.durations[stage],
        durationSource: problem.durationSources[stage],
        device: problem.onGPU[stage] ? "gpu" : "cpu",
        gpuIDs: assigned[stage])
    }
    return Plan(
      stages: planned, makespan: makespan(problem, starts), lowerBound: bound, method: method,
      firstPassMakespan: firstPassMakespan, notes: problem.notes, waves: waves,
      resourceNames: problem.resourceNames, capacity: problem.capacity, needs: problem.predecessors)
  }
}
