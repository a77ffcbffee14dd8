import FlowTestSupport
import Testing

@testable import FlowCore

@Suite struct ActivityListSearchTests {
  /// A PSPLIB-like problem: four counters, stages of 1-10 s asking for up to the whole of
  /// some of them, each needing a few of the stages before it.
  static func randomProblem(seed: UInt64, stages count: Int) throws -> PlanProblem {
    var random = SeededGenerator(seed: seed)
    let names = ["R1", "R2", "R3", "R4"]
    var capacity = PlanCapacity(cpu: 1, memory: 0)
    for name in names { capacity.counters[name] = Int64.random(in: 4...10, using: &random) }
    let stages = (0..<count).map { index -> PlanStage in
      let needs = (0..<index).filter { _ in
        Double.random(in: 0..<1, using: &random) < 3 / Double(index + 3)
      }
      var counters: [String: Int64] = [:]
      for name in names where Bool.random(using: &random) {
        counters[name] = Int64.random(in: 1...capacity.counters[name]!, using: &random)
      }
      return PlanStage(
        name: "s\(index)", needs: needs.map { "s\($0)" },
        duration: Double(Int.random(in: 1...10, using: &random)),
        demand: StageDemand(cpu: 0, counters: counters))
    }
    return try PlanProblem(stages: stages, capacity: capacity)
  }

  /// A problem whose optimum is known because it was cut from a plan that keeps all four
  /// units of a counter busy for `horizon` seconds: each unit's time split into stages,
  /// some stages joined across units, and needs added only where the cut plan keeps them.
  /// The work bound is then `horizon`, and so is the optimum.
  static func packedProblem(seed: UInt64, horizon: Int) throws -> PlanProblem {
    var random = SeededGenerator(seed: seed)
    var pieces: [(start: Int, end: Int, units: Int)] = []
    var unit = 0
    while unit < 4 {
      // Two units side by side share their cuts now and then, for stages of demand 2.
      let width = unit < 3 && Bool.random(using: &random) ? 2 : 1
      var time = 0
      while time < horizon {
        let end = min(horizon, time + Int.random(in: 1...4, using: &random))
        pieces.append((time, end, width))
        time = end
      }
      unit += width
    }
    let stages = pieces.enumerated().map { index, piece -> PlanStage in
      let needs = pieces.indices.filter {
        pieces[$0].end <= piece.start && Double.random(in: 0..<1, using: &random) < 0.3
      }
      return PlanStage(
        name: "p\(index)", needs: needs.map { "p\($0)" }, duration: Double(piece.end - piece.start),
        demand: StageDemand(cpu: 0, counters: ["R": Int64(piece.units)]))
    }
    return try PlanProblem(
      stages: stages, capacity: PlanCapacity(cpu: 1, memory: 0, counters: ["R": 4]))
  }

  static func search(_ problem: PlanProblem, seed: UInt64, limit: Int) -> (
    plan: ActivityListSearch.Individual, first: [Double]
  ) {
    let rank = problem.upwardRank()
    let first = ParallelScheduler(problem: problem).schedule(priority: rank)
    var search = ActivityListSearch(problem: problem, seed: seed)
    let bound = LowerBound(problem: problem, upwardRank: rank).value
    let found = search.search(
      from: [first], rank: rank, limit: limit, deadline: .infinity, bound: bound)
    return (found, first)
  }

  @Test func searchPlansAreFeasibleAndNeverWorseThanTheFirst() throws {
    for seed in UInt64(1)...12 {
      let problem = try Self.randomProblem(seed: seed, stages: 10 + Int(seed) * 5)
      let plan = Planner.plan(problem, gpuIDs: [], options: PlanOptions(timeBudget: 0.05))
      #expect(PlanVerifier.violation(in: plan, of: problem) == nil, "seed \(seed)")
      #expect(plan.makespan <= plan.firstPassMakespan, "seed \(seed)")
      #expect(plan.makespan >= plan.lowerBound.value * (1 - 1e-9), "seed \(seed)")
      // The search on its own, counted rather than timed, is feasible too.
      let found = Self.search(problem, seed: seed, limit: 300).plan
      var checked = plan
      for stage in checked.stages.indices {
        checked.stages[stage].start = found.starts[stage]
        checked.stages[stage].finish = found.starts[stage] + problem.durations[stage]
      }
      #expect(PlanVerifier.violation(in: checked, of: problem) == nil, "seed \(seed)")
      #expect(found.makespan == Planner.makespan(problem, found.starts))
    }
  }

  @Test func searchIsDeterministicForASeed() throws {
    let problem = try Self.randomProblem(seed: 99, stages: 60)
    let once = Self.search(problem, seed: 5, limit: 1500).plan
    let again = Self.search(problem, seed: 5, limit: 1500).plan
    #expect(once.starts == again.starts)
    #expect(once.order == again.order)
    var options = PlanOptions(timeBudget: 60)
    options.seed = 5
    // A generous budget: the schedule count, not the clock, ends these searches.
    let small = try Self.randomProblem(seed: 98, stages: 8)
    let plans = (0..<2).map { _ in Planner.plan(small, gpuIDs: [], options: options) }
    #expect(plans[0].stages == plans[1].stages)
  }

  @Test func searchReachesAKnownOptimum() throws {
    // The first packed problem whose first list-scheduling pass misses the optimum.
    let problem = try #require(
      try (UInt64(1)...100).lazy.map { try Self.packedProblem(seed: $0, horizon: 14) }.first {
        let first = ParallelScheduler(problem: $0).schedule(priority: $0.upwardRank())
        return Planner.makespan($0, first) > 14
      })
    let bound = LowerBound(problem: problem, upwardRank: problem.upwardRank()).value
    #expect(bound == 14)
    #expect(Self.search(problem, seed: 0x5eed, limit: 20_000).plan.makespan == 14)
    let plan = Planner.plan(problem, gpuIDs: [], options: PlanOptions(timeBudget: 60))
    #expect(plan.makespan == 14)
    #expect(plan.firstPassMakespan > 14)
    #expect(PlanVerifier.violation(in: plan, of: problem) == nil)
  }

  @Test func crossoverKeepsEveryDependency() throws {
    let problem = try Self.randomProblem(seed: 7, stages: 40)
    var random = SeededGenerator(seed: 1)
    let rank = problem.upwardRank()
    for _ in 0..<50 {
      let orders = (0..<2).map { _ in
        problem.eligibleOrder(rank.map { $0 * Double.random(in: 0.25..<1.75, using: &random) })
      }
      let cuts = [Int.random(in: 0...40, using: &random), Int.random(in: 0...40, using: &random)]
        .sorted()
      let child = ActivityListSearch.crossover(orders[0], orders[1], cuts[0], cuts[1])
      #expect(child.sorted() == Array(0..<40))
      var position = [Int](repeating: 0, count: 40)
      for (index, stage) in child.enumerated() { position[stage] = index }
      for stage in 0..<40 {
        #expect(problem.predecessors[stage].allSatisfy { position[$0] < position[stage] })
      }
    }
  }

  @Test func movingAStageWithinItsAllowedPlacesKeepsEveryDependency() throws {
    let problem = try Self.randomProblem(seed: 11, stages: 40)
    let order = problem.eligibleOrder(problem.upwardRank())
    for index in order.indices {
      let allowed = ActivityListSearch.allowedPlaces(of: index, in: order, problem)
      #expect(allowed.contains(index))
      for place in allowed {
        var moved = order
        ActivityListSearch.move(&moved, from: index, to: place)
        #expect(moved[place] == order[index])
        #expect(moved.sorted() == Array(0..<40))
        var position = [Int](repeating: 0, count: 40)
        for (at, stage) in moved.enumerated() { position[stage] = at }
        for stage in 0..<40 {
          #expect(problem.predecessors[stage].allSatisfy { position[$0] < position[stage] })
        }
      }
      // One place further either way would put the stage before a predecessor or after
      // a successor, where there is one.
      let stage = order[index]
      if allowed.lowerBound > 0 {
        #expect(problem.predecessors[stage].contains(order[allowed.lowerBound - 1]))
      }
      if allowed.upperBound < order.count - 1 {
        #expect(problem.successors[stage].contains(order[allowed.upperBound + 1]))
      }
    }
  }

  @Test func justificationStopsAfterTheRoundsAsked() throws {
    let problem = try Self.randomProblem(seed: 3, stages: 60)
    let justifier = Justifier(problem: problem)
    let starts = justifier.serial.schedule(order: problem.eligibleOrder(problem.upwardRank()))
    var once = (starts: starts, makespan: Planner.makespan(problem, starts))
    #expect(justifier.justify(&once, rounds: 1) == 2)
    var unbounded = (starts: starts, makespan: Planner.makespan(problem, starts))
    #expect(justifier.justify(&unbounded) >= 2)
    #expect(unbounded.makespan <= once.makespan)
    #expect(once.makespan <= Planner.makespan(problem, starts))
  }

  @Test func scheduleCountFollowsTheBudgetAndTheSize() throws {
    let small = try Self.randomProblem(seed: 1, stages: 30)
    let large = try Self.randomProblem(seed: 1, stages: 300)
    #expect(Planner.defaultBudget(stages: 30) == 0.3)
    #expect(Planner.defaultBudget(stages: 5000) == 1)
    #expect(Planner.scheduleLimit(small, budget: 1) == Planner.maximumSchedules)
    #expect(Planner.scheduleLimit(large, budget: 1) < Planner.scheduleLimit(large, budget: 2))
    #expect(Planner.scheduleLimit(large, budget: 0) == 0)
    let none = Planner.plan(large, gpuIDs: [], options: PlanOptions(timeBudget: 0))
    #expect(PlanVerifier.violation(in: none, of: large) == nil)
  }

  @Test func durationsWhoseSumOverflowsKeepAFeasibleFirstPlan() throws {
    // The first pass misses a finite bound, and twice the durations' sum overflows.
    let unit = Double.greatestFiniteMagnitude / 12
    let stages = [
      PlanStage(name: "short", duration: unit, demand: StageDemand(cpu: 2)),
      PlanStage(name: "head", duration: unit), PlanStage(name: "side", duration: unit),
      PlanStage(name: "tail", needs: ["head"], duration: 5 * unit),
    ]
    let problem = try PlanProblem(stages: stages, capacity: PlanCapacity(cpu: 2, memory: 0))
    let plan = Planner.plan(problem, gpuIDs: [], options: PlanOptions())
    #expect(plan.firstPassMakespan > plan.lowerBound.value)
    #expect(plan.method == "list")
    #expect(plan.makespan == plan.firstPassMakespan)
    #expect(PlanVerifier.violation(in: plan, of: problem) == nil)
  }
}
