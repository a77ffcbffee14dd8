import Testing

@testable import FlowCore

@Suite struct PlannerTests {
  let fourCPUs = PlanCapacity(cpu: 4, memory: 16 << 30)

  func stage(
    _ name: String, _ needs: [String] = [], seconds: Double? = 1, cpu: Double = 1,
    memory: Int64 = 0, gpu: Int = 0, counters: [String: Int64] = [:], on: ProcessOn = .cpu
  ) -> PlanStage {
    PlanStage(
      name: name, needs: needs, duration: seconds,
      demand: StageDemand(cpu: cpu, memory: memory, gpu: gpu, counters: counters), processOn: on)
  }

  func planned(_ plan: Plan, _ name: String) -> PlannedStage {
    plan.stages.first { $0.name == name }!
  }

  @Test func cycleNamesItsPath() {
    let stages = [stage("a", ["c"]), stage("b", ["a"]), stage("c", ["b"]), stage("d")]
    #expect(throws: PlanError.cycle(["a", "b", "c", "a"])) {
      try Planner.plan(stages, capacity: fourCPUs)
    }
    #expect(
      PlanError.cycle(["a", "b", "a"]).description
        == "stages depend on each other in a cycle: 'a' -> 'b' -> 'a'")
  }

  @Test func selfDependencyIsACycle() {
    #expect(throws: PlanError.cycle(["a", "a"])) {
      try Planner.plan([stage("a", ["a"])], capacity: fourCPUs)
    }
  }

  @Test func unknownNeedIsNamed() {
    #expect(throws: PlanError.unknownNeed(stage: "plot", need: "fitt")) {
      try Planner.plan([stage("fit"), stage("plot", ["fitt"])], capacity: fourCPUs)
    }
  }

  @Test func duplicateStageIsRefused() {
    #expect(throws: PlanError.duplicateStage("a")) {
      try Planner.plan([stage("a"), stage("a")], capacity: fourCPUs)
    }
  }

  @Test func stageThatCanNeverFitNamesTheBindingResource() {
    #expect(
      throws: PlanError.neverFits(
        stage: "big", resource: "memory", demand: "32 GiB", capacity: "16 GiB")
    ) {
      try Planner.plan([stage("big", memory: 32 << 30)], capacity: fourCPUs)
    }
    let error = PlanError.neverFits(stage: "wide", resource: "cpu", demand: "8", capacity: "4")
    #expect(
      error.description == "stage 'wide' can never run: it needs 8 cpu but only 4 is available")
  }

  @Test func stageAskingMoreCPUsThanThereAreIsPlannedOnAllOfThem() throws {
    let plan = try Planner.plan([stage("wide", cpu: 8), stage("narrow")], capacity: fourCPUs)
    #expect(plan.notes == ["stage 'wide' asks 8 cpu but only 4 is available: it runs on 4, slower"])
    #expect(plan.stages.map(\.name).sorted() == ["narrow", "wide"])
  }

  @Test func gpuStageWithoutGPUIsAnError() {
    #expect(throws: PlanError.gpuRequired(stage: "train")) {
      try Planner.plan([stage("train", on: .gpu)], capacity: fourCPUs)
    }
  }

  @Test func gpuIfAvailableFallsBackToTheCPUAndSaysSo() throws {
    let plan = try Planner.plan([stage("train", on: .gpuIfAvailable)], capacity: fourCPUs)
    #expect(plan.stages[0].device == "cpu")
    #expect(plan.stages[0].gpuIDs == [])
    #expect(plan.notes == ["stage 'train' runs on the cpu: no gpu is available (gpu_if_available)"])
  }

  @Test func gpuIfAvailableTakesAGPUWhenThereIsOne() throws {
    var capacity = fourCPUs
    capacity.gpuIDs = ["2", "0"]
    let plan = try Planner.plan([stage("train", on: .gpuIfAvailable)], capacity: capacity)
    #expect(plan.stages[0].device == "gpu")
    #expect(plan.stages[0].gpuIDs == ["2"])
    #expect(plan.notes.isEmpty)
  }

  @Test func gpuIDsAreNeverSharedAtOnce() throws {
    var capacity = PlanCapacity(cpu: 8, memory: 1 << 30)
    capacity.gpuIDs = ["0", "1", "2"]
    let stages = [
      stage("a", seconds: 4, gpu: 2, on: .gpu), stage("b", seconds: 2, gpu: 1, on: .gpu),
      stage("c", seconds: 2, gpu: 2, on: .gpu), stage("d", ["a"], seconds: 1, gpu: 3, on: .gpu),
    ]
    let plan = try Planner.plan(stages, capacity: capacity)
    let problem = try PlanProblem(stages: stages, capacity: capacity)
    #expect(PlanVerifier.violation(in: plan, of: problem) == nil)
    #expect(planned(plan, "a").gpuIDs.count == 2)
    #expect(planned(plan, "d").gpuIDs == ["0", "1", "2"])
    #expect(Set(planned(plan, "a").gpuIDs).isDisjoint(with: planned(plan, "b").gpuIDs))
  }

  @Test func namedCounterWithoutCapacityNamesItsStages() {
    let stages = [
      stage("a", counters: ["licence": 1]), stage("b"), stage("c", counters: ["licence": 2]),
    ]
    #expect(throws: PlanError.counterWithoutCapacity(counter: "licence", stages: ["a", "c"])) {
      try Planner.plan(stages, capacity: fourCPUs)
    }
    #expect(
      PlanError.counterWithoutCapacity(counter: "licence", stages: ["a", "c"]).description
        == "resource 'licence' has no capacity (give --resource licence=N); used by 'a' and 'c'")
    // Thousands of stages are named by the first few: the message stays a line.
    let many = (0..<2500).map { "s\($0)" }
    #expect(
      PlanError.counterWithoutCapacity(counter: "licence", stages: many).description
        == "resource 'licence' has no capacity (give --resource licence=N); used by 's0', 's1',"
        + " 's2', 's3', 's4' and 2495 more")
  }

  @Test func namedCounterLimitsConcurrency() throws {
    var capacity = fourCPUs
    capacity.counters = ["licence": 1]
    let stages = (1...3).map { stage("s\($0)", seconds: 2, counters: ["licence": 1]) }
    let plan = try Planner.plan(stages, capacity: capacity)
    #expect(plan.makespan == 6)
    #expect(plan.lowerBound.binding == "licence")
    #expect(plan.gap == 0)
    #expect(plan.stages.map(\.start).sorted() == [0, 2, 4])
  }

  @Test func dependenciesAndCPUsAreRespected() throws {
    let stages = [
      stage("a", seconds: 3, cpu: 2), stage("b", seconds: 1, cpu: 2),
      stage("c", seconds: 1, cpu: 2),
      stage("d", ["a", "b"], seconds: 2, cpu: 4),
    ]
    let plan = try Planner.plan(stages, capacity: fourCPUs)
    #expect(planned(plan, "a").start == 0)
    #expect(planned(plan, "d").start == 3)
    #expect(plan.makespan == 5)
    #expect(plan.lowerBound.criticalPath == 5)
    #expect(planned(plan, "a").order == 1)
    #expect(planned(plan, "d").order == 4)
  }

  @Test func criticalPathGoesFirst() throws {
    // One CPU: the long chain's head must start before the short independent stage.
    let capacity = PlanCapacity(cpu: 2, memory: 0)
    let stages = [
      stage("short", seconds: 1, cpu: 2), stage("head", seconds: 1, cpu: 1),
      stage("tail", ["head"], seconds: 5, cpu: 1), stage("side", seconds: 1, cpu: 1),
    ]
    let plan = try Planner.plan(
      stages, capacity: capacity, options: PlanOptions(improvementRounds: 0))
    #expect(planned(plan, "head").start == 0)
    #expect(planned(plan, "short").start > 0)
  }

  @Test func improvementPassCanOnlyHelp() throws {
    var random = SplitMix(seed: 7)
    let stages = (0..<60).map { index -> PlanStage in
      let needs = (0..<index).filter { _ in random.nextUnit() < 0.05 }.map { "s\($0)" }
      return stage(
        "s\(index)", needs, seconds: Double(1 + random.next() % 9),
        cpu: Double(1 + random.next() % 4))
    }
    let problem = try PlanProblem(stages: stages, capacity: fourCPUs)
    let first = Planner.plan(problem, gpuIDs: [], options: PlanOptions(improvementRounds: 0))
    let improved = Planner.plan(problem, gpuIDs: [], options: PlanOptions(improvementRounds: 50))
    #expect(improved.makespan <= first.makespan)
    #expect(improved.firstPassMakespan == first.makespan)
    #expect(improved.makespan >= improved.lowerBound.value)
    #expect(PlanVerifier.violation(in: improved, of: problem) == nil)
    #expect(PlanVerifier.violation(in: first, of: problem) == nil)
  }

  @Test func wavesWaitForWholeLayersAndReportIdleCapacity() throws {
    let stages = [
      stage("long", seconds: 4, cpu: 2), stage("short", seconds: 1, cpu: 2),
      stage("next", ["short"], seconds: 1, cpu: 2),
    ]
    let plan = try Planner.plan(stages, capacity: fourCPUs, options: PlanOptions(waves: true))
    #expect(plan.method == "waves")
    #expect(planned(plan, "next").start == 4)
    #expect(plan.makespan == 5)
    let waves = try #require(plan.waves)
    #expect(waves.layers.count == 2)
    #expect(waves.listMakespan == 4)
    // 4 CPUs × 5 s offered, 12 CPU-seconds used.
    #expect(waves.idle[0] == 8)
    #expect(waves.idleFraction[0] == 0.4)
  }

  @Test func durationsComeFromEstimateThenHistoryThenUnit() throws {
    let stages = [stage("a", seconds: 5), stage("b", seconds: nil), stage("c", seconds: nil)]
    let history = DurationHistory(seconds: ["a": 99, "b": 7])
    let plan = try Planner.plan(stages, capacity: fourCPUs, history: history)
    #expect(plan.stages.map(\.duration) == [5, 7, 1])
    #expect(plan.stages.map(\.durationSource) == [.estimate, .history, .unit])
  }

  @Test func historyDocumentIsRead() {
    let document = JSONValue.object(
      JSONObject([
        ("flow_history", .integer(1)),
        ("stages", .object(JSONObject([("fit", .number(125.5)), ("plot", .integer(3))]))),
      ]))
    #expect(DurationHistory(json: document) == DurationHistory(seconds: ["fit": 125.5, "plot": 3]))
    let negative = JSONValue.object(
      JSONObject([("stages", .object(JSONObject([("fit", .integer(-1))])))]))
    #expect(DurationHistory(json: negative) == nil)
  }

  @Test func zeroDurationStagesAndEmptyPlans() throws {
    let plan = try Planner.plan(
      [stage("a", seconds: 0), stage("b", ["a"], seconds: 0)], capacity: fourCPUs)
    #expect(plan.makespan == 0)
    #expect(plan.gap == 0)
    let empty = try Planner.plan([], capacity: fourCPUs)
    #expect(empty.stages.isEmpty)
    #expect(empty.makespan == 0)
  }

  @Test func verifierCatchesAnOversubscribedPlan() throws {
    let stages = [stage("a", seconds: 2, cpu: 3), stage("b", seconds: 2, cpu: 3)]
    let problem = try PlanProblem(stages: stages, capacity: fourCPUs)
    var plan = Planner.plan(problem, gpuIDs: [], options: PlanOptions())
    #expect(PlanVerifier.violation(in: plan, of: problem) == nil)
    plan.stages[1].start = 1
    #expect(
      PlanVerifier.violation(in: plan, of: problem)
        == "at 1.0 s the running stages need more cpu than there is")
  }
}
