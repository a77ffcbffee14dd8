import Testing

@testable import FlowCore

/// Stages sharing one GPU by memory (`gpu_memory`) or by fraction (`gpu: 0.25`).
@Suite struct GPUSharingTests {
  static let gibibyte: Int64 = 1 << 30
  /// One A100 with 80 GiB, its memory told by nvidia-smi.
  let capacity = PlanCapacity(machine: ProbeFixture.probe("nvidia-80gb", tools: true))

  func sharing(_ name: String, memory: Int64 = 0, fraction: Double = 0) -> PlanStage {
    var demand = StageDemand(cpu: 1)
    demand.gpuMemory = memory
    demand.gpuFraction = fraction
    return PlanStage(name: name, duration: 10, demand: demand, processOn: .gpu)
  }

  @Test func theFixtureGPUHasEightyGibibytes() {
    #expect(capacity.gpuIDs == ["0"])
    #expect(capacity.gpuMemory["0"] == 80 * Self.gibibyte)
  }

  @Test func fourStagesOfTwentyGibibytesShareIDZeroAndAFifthWaits() throws {
    let stages = (1...5).map { sharing("train\($0)", memory: 20 * Self.gibibyte) }
    let plan = try Planner.plan(stages, capacity: capacity)
    #expect(plan.stages.map(\.gpuIDs) == Array(repeating: ["0"], count: 5))
    let together = plan.stages.filter { $0.start == 0 }
    #expect(together.count == 4)
    #expect(plan.stages.filter { $0.start == 10 }.count == 1)
    #expect(plan.stages.allSatisfy { $0.device == "gpu" })
    #expect(plan.notes.isEmpty)
  }

  @Test func aFractionIsNeverRoundedToNoGPU() throws {
    let plan = try Planner.plan(
      [sharing("a", fraction: 0.01), sharing("b", fraction: 0.3)], capacity: capacity)
    #expect(plan.stages.map(\.gpuIDs) == [["0"], ["0"]])
    #expect(plan.stages.map(\.start) == [0, 0])
  }

  /// Three stages of 0.3 hold a third each, so a fourth waits: 4 × 0.3 would fit the sum
  /// but leaves shapes that cannot be packed in general.
  @Test func sharesAreHeldAsTheNextWholeFractionOfTheDevice() {
    #expect(GPUShare.held(fraction: 0.3) == 1.0 / 3)
    #expect(GPUShare.held(fraction: 0.25) == 0.25)
    #expect(GPUShare.held(fraction: 0.6) == 1)
  }

  @Test func moreMemoryThanTheGPUHasIsRefused() {
    #expect(
      throws: PlanError.neverFits(
        stage: "big", resource: "gpu memory", demand: "100 GiB", capacity: "80 GiB on one gpu")
    ) {
      _ = try Planner.plan([sharing("big", memory: 100 * Self.gibibyte)], capacity: capacity)
    }
  }

  @Test func gpuMemoryWithoutKnownGPUMemoryIsRefused() {
    let unknown = PlanCapacity(machine: ProbeFixture.probe("nvidia-one"))
    #expect(throws: PlanError.gpuMemoryUnknown(stage: "a", gpu: "0")) {
      _ = try Planner.plan([sharing("a", memory: Self.gibibyte)], capacity: unknown)
    }
  }

  @Test func wholeGPUStagesWaitForSharesToLeaveADevice() throws {
    var whole = PlanStage(name: "whole", duration: 10, processOn: .gpu)
    whole.demand.gpu = 1
    let plan = try Planner.plan(
      [sharing("a", fraction: 0.5), sharing("b", fraction: 0.5), whole], capacity: capacity)
    #expect(plan.stages.map(\.start) == [0, 0, 10])
  }

  /// Halves left on two devices cannot take a whole-GPU stage though half of each is
  /// free: the plan then gives every sharing stage a whole GPU, and says so.
  @Test func sharesThatCannotBePackedFallBackToWholeGPUs() throws {
    let two = PlanCapacity(cpu: 8, memory: 0, gpuIDs: ["0", "1"])
    var stages = [
      sharing("a", fraction: 0.5), sharing("b", fraction: 0.5), sharing("c", fraction: 0.5),
    ]
    stages[0].duration = 5
    stages[1].duration = 20
    stages[2].duration = 20
    var whole = PlanStage(name: "whole", needs: ["a"], duration: 10, processOn: .gpu)
    whole.demand.gpu = 1
    stages.append(whole)
    let plan = try Planner.plan(stages, capacity: two)
    let used = plan.stages.map(\.gpuIDs)
    #expect(used.allSatisfy { $0.count == 1 })
    for (index, stage) in plan.stages.enumerated() {
      for other in plan.stages[(index + 1)...]
      where other.gpuIDs == stage.gpuIDs && other.start < stage.finish && stage.start < other.finish
      {
        // Only shares may overlap on one device.
        #expect(stage.name != "whole" && other.name != "whole")
      }
    }
  }
}
