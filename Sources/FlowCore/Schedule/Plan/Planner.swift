/// How hard the planner tries and which kind of plan it makes.
public struct PlanOptions: Sendable {
  /// Snakemake-style layers with barriers instead of event-driven list scheduling.
  public var waves = false
  /// Rounds of randomised list scheduling each followed by forward-backward
  /// justification instead of the search; 0 keeps the first plan.
  public var improvementRounds: Int? = nil
  /// Seconds the search may take; `nil` gives 10 ms a stage, at most one second.
  public var timeBudget: Double? = nil
  /// Seeds the random priorities, so the same input gives the same plan.
  public var seed: UInt64 = 0x5eed

  public init(waves: Bool = false, improvementRounds: Int? = nil, timeBudget: Double? = nil) {
    self.waves = waves
    self.improvementRounds = improvementRounds
    self.timeBudget = timeBudget
  }
}

/// Plans stages onto a machine's capacity.
///
/// The first plan is event-driven list scheduling with upward-rank priority over every
/// resource at once. Graphs up to `serialLimit` stages are then improved by a genetic
/// search over activity lists with forward-backward justification, for a number of
/// schedules set by the time budget and the graph's size. Larger graphs get
/// forward-backward passes of the event-driven scheme, up to `largeLimit` stages.
/// The best plan found wins.
public enum Planner {
  /// Graphs up to this many stages get the serial scheme's improvement rounds.
  static let serialLimit = 2000
  /// Past this many stages the first plan stands unless improvement rounds are asked
  /// for: each forward-backward round costs two more passes, and the first pass is
  /// already within a fraction of a percent of the bound on such graphs.
  static let largeLimit = 50_000

  public static func plan(
    _ stages: [PlanStage], capacity: PlanCapacity, history: DurationHistory = DurationHistory(),
    options: PlanOptions = PlanOptions()
  ) throws(PlanError) -> Plan {
    let problem = try PlanProblem(stages: stages, capacity: capacity, history: history)
    let planned = plan(problem, gpuIDs: capacity.gpuIDs, options: options)
    guard !planned.gpuSharesUnplaced else {
      // Sound before close: a share then holds a whole device.
      let whole = try PlanProblem(
        stages: stages, capacity: capacity, history: history, wholeGPUs: true)
      var fallback = plan(whole, gpuIDs: capacity.gpuIDs, options: options)
      fallback.notes.append(
        "stages sharing gpus were given whole gpus: their shares did not fit side by side on"
          + " the devices at every moment")
      return fallback
    }
    return planned
  }

  public static func plan(_ problem: PlanProblem, gpuIDs: [String], options: PlanOptions) -> Plan {
    let rank = problem.upwardRank()
    let bound = LowerBound(problem: problem, upwardRank: rank)
    let first = ParallelScheduler(problem: problem).schedule(priority: rank)
    let firstMakespan = makespan(problem, first)
    var best = (starts: first, makespan: firstMakespan)
    if best.makespan > bound.value * (1 + 1e-9) {
      improve(&best, problem, rank: rank, bound: bound.value, options: options)
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

  /// The improvement that fits the graph's size and the options.
  private static func improve(
    _ best: inout Improver.Schedule, _ problem: PlanProblem, rank: [Double], bound: Double,
    options: PlanOptions
  ) {
    if problem.count > serialLimit {
      let automatic = problem.count <= largeLimit ? 2 : 0
      Improver(problem: problem, rank: rank, seed: options.seed)
        .improveInParallel(&best, rounds: options.improvementRounds ?? automatic)
    } else if let rounds = options.improvementRounds {
      var improver = Improver(problem: problem, rank: rank, seed: options.seed)
      improver.improveSerially(&best, rounds: rounds, bound: bound)
    } else {
      let budget = options.timeBudget ?? defaultBudget(stages: problem.count)
      let limit = scheduleLimit(problem, budget: budget)
      // A budget too small for one schedule keeps the first plan, and so do durations
      // whose sum overflows: justification measures times back from the plan's end.
      guard limit > 0, (problem.durations.reduce(0, +) * 2).isFinite else { return }
      var search = ActivityListSearch(problem: problem, seed: options.seed)
      let found = search.search(
        from: [best.starts], rank: rank, limit: limit, deadline: ThreadCPUClock.now() + budget,
        bound: bound)
      if found.makespan < best.makespan { best = (found.starts, found.makespan) }
    }
  }

  /// 10 ms a stage, at most one second.
  static func defaultBudget(stages: Int) -> Double {
    min(1, 0.01 * Double(stages))
  }

  /// How many schedules the search builds: what the budget allows at
  /// `placementsPerSecond` when a serial pass over n stages costs (n + 16)² × (1 + n / 400)
  /// (a little more than the square of the stages, as measured, and a fixed cost per
  /// schedule on small graphs), at most `maximumSchedules`. A count, not the clock, stops
  /// the search, so plans do not depend on the machine's speed.
  static func scheduleLimit(_ problem: PlanProblem, budget: Double) -> Int {
    let stages = Double(problem.count)
    let cost = (stages + 16) * (stages + 16) * (1 + stages / 400)
    let affordable = (budget * placementsPerSecond / cost).rounded(.down)
    return Int(min(Double(maximumSchedules), max(0, affordable)))
  }

  /// The serial passes' work the search counts on in a second, set so that it takes
  /// about half its budget on a common machine that is busy with other work too.
  static let placementsPerSecond = 3.9e8
  /// Past this many schedules a search gains little (the usual benchmark limit).
  static let maximumSchedules = 50_000

  static func makespan(_ problem: PlanProblem, _ starts: [Double]) -> Double {
    var end = 0.0
    for stage in 0..<problem.count { end = max(end, starts[stage] + problem.durations[stage]) }
    return end
  }

  private static func assemble(
    _ problem: PlanProblem, starts: [Double], gpuIDs: [String], bound: LowerBound, method: String,
    firstPassMakespan: Double, waves: WaveSummary?
  ) -> Plan {
    let packed = GPUAssignment.assign(problem, starts: starts, gpuIDs: gpuIDs)
    let assigned = packed ?? [[String]](repeating: [], count: problem.count)
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
    var plan = Plan(
      stages: planned, makespan: makespan(problem, starts), lowerBound: bound, method: method,
      firstPassMakespan: firstPassMakespan, notes: problem.notes, waves: waves,
      resourceNames: problem.resourceNames, capacity: problem.capacity, needs: problem.predecessors)
    plan.gpuSharesUnplaced = packed == nil
    return plan
  }
}
