/// Order and GPU ids for a run whose stages may go to different executors: only the
/// stages that run on this machine are planned against its capacity (a cluster places its
/// own stages on its own nodes, so a stage this machine could never hold is no refusal
/// here); a cluster stage keeps its place in the workflow's order and gets no local GPU ids.
enum ClusterPlacement {
  /// When the plan starts a stage and for how long, and whether that length is known
  /// (from history or an estimate) rather than a default.
  typealias PlannedTime = (start: Double, seconds: Double, known: Bool)
  typealias Placement = (order: Int, gpus: [String], time: PlannedTime?)

  /// - Parameter planLocal: plans stages (their `needs` among themselves) with their plans.
  static func placements(
    _ stages: [PlanStage], onCluster: [Bool], plans: [StagePlan?],
    planLocal: ([PlanStage], [StagePlan?]) throws(ExecError) -> [Placement]
  ) throws(ExecError) -> [Placement] {
    let local = stages.indices.filter { !onCluster[$0] }
    if local.count == stages.count { return try planLocal(stages, plans) }
    var placements = stages.indices.map { (order: $0, gpus: [String](), time: PlannedTime?.none) }
    guard !local.isEmpty else { return placements }
    let names = Set(local.map { stages[$0].name })
    let localStages = local.map { index in
      var stage = stages[index]
      stage.needs.removeAll { !names.contains($0) }
      return stage
    }
    let planned = try planLocal(localStages, local.map { plans[$0] })
    for (offset, index) in local.enumerated() {
      placements[index] = planned[offset]
    }
    return placements
  }
}

extension PlanStage {
  /// The stage as this machine's plan sees it: a stage on a cluster executor (Slurm,
  /// Dask) takes none of this machine's CPUs, memory or GPUs (its cluster places it), so
  /// only its place among the stages and the named counters it holds are planned.
  public init(plannedHere stage: Stage) {
    self.init(stage: stage)
    guard let executor = stage.environment.executor, executor != .local else { return }
    demand.cpu = 0
    demand.memory = 0
    demand.gpu = 0
    demand.gpuFraction = 0
    demand.gpuMemory = 0
    processOn = .cpu
  }
}
