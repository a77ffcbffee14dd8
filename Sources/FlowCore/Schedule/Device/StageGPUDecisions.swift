/// The `GPUDecision` of each stage of a workflow that asks for a GPU, made before
/// planning: the stages the planner gets (those falling back sent to the CPU), the first
/// refusal, the notes for people, and after planning the ids each stage was given.
public struct StageGPUDecisions: Sendable {
  /// By stage index, in stage order.
  public private(set) var decisions: [(stage: Int, decision: GPUDecision)]

  public init(_ workflow: Workflow, preflight: GPUPreflight, gpuIDs: [String]) {
    decisions = workflow.stages.enumerated().compactMap { index, stage in
      preflight.decide(stage, gpuIDs: gpuIDs).map { (index, $0) }
    }
  }

  /// Why the first refused stage cannot start, when a check before planning refused it.
  /// A stage refused for want of any GPU is left to the planner, which says so itself.
  public var refusal: String? {
    guard
      let refused = decisions.first(where: {
        $0.decision.outcome == .refused && $0.decision.image != nil
          && !$0.decision.devices.isEmpty
      })
    else { return nil }
    return "stage '\(refused.decision.stage)' cannot start: \(refused.decision.reason ?? "")"
  }

  /// The planner's stages: those sent to the CPU hold no GPU.
  public func planStages(_ workflow: Workflow) -> [PlanStage] {
    var stages = workflow.stages.map(PlanStage.init(plannedHere:))
    for (index, decision) in decisions where decision.outcome == .cpu {
      stages[index].processOn = .cpu
      stages[index].demand.gpu = 0
      stages[index].demand.gpuFraction = 0
      stages[index].demand.gpuMemory = 0
    }
    return stages
  }

  /// One note for each stage sent to the CPU, as the planner words its own.
  public var notes: [String] {
    decisions.compactMap { _, decision in
      guard decision.outcome == .cpu, let reason = decision.reason else { return nil }
      return "stage '\(decision.stage)' runs on the cpu: \(reason) (gpu_if_available)"
    }
  }

  /// Takes the ids the plan gave each stage.
  public mutating func record(_ plan: Plan) {
    for position in decisions.indices {
      let index = decisions[position].stage
      guard index < plan.stages.count else { continue }
      decisions[position].decision.gpuIDs = plan.stages[index].gpuIDs
      if decisions[position].decision.outcome == .gpu, plan.stages[index].device == "cpu" {
        decisions[position].decision.outcome = .cpu
        decisions[position].decision.reason = GPUPreflight.noGPU
      }
    }
  }

  /// Hands each launch on this machine its stage's record, with the ids it was planned
  /// with; `selected` gives each launch's stage index. A stage on a cluster gets none:
  /// its cluster decides.
  public func attach(to launches: inout [StageLaunch], selected: [Int]) {
    for (offset, index) in selected.enumerated()
    where offset < launches.count && launches[offset].executor == .local {
      guard var decision = decisions.first(where: { $0.stage == index })?.decision else {
        continue
      }
      decision.gpuIDs = launches[offset].plannedGPUs
      if decision.outcome == .gpu, decision.gpuIDs.isEmpty {
        decision.outcome = .cpu
        decision.reason = GPUPreflight.noGPU
      }
      launches[offset].gpuDecision = decision
    }
  }

  /// Each record into its stage's `plan`, as `gpu_decision`.
  public func annotate(_ workflow: inout Workflow) {
    for (index, decision) in decisions where index < workflow.stages.count {
      var plan = workflow.stages[index].plan ?? StagePlan()
      plan.annotations["gpu_decision"] = decision.json
      workflow.stages[index].plan = plan
    }
  }

  /// The records for people, one block per stage.
  public var text: String {
    decisions.map(\.decision.text).joined(separator: "\n")
  }
}
