/// A stage's place in the plan.
public struct PlannedStage: Sendable, Equatable {
  public var name: String
  /// 1-based rank by start time (ties in input order).
  public var order: Int
  public var start: Double
  public var finish: Double
  public var duration: Double
  public var durationSource: DurationSource
  /// `cpu` or `gpu`.
  public var device: String
  public var gpuIDs: [String]
}

/// What the Snakemake-style layered plan costs: the layers and the capacity left idle.
public struct WaveSummary: Sendable, Equatable {
  /// The stages of each layer, by index, in time order.
  public var layers: [[Int]]
  /// Per resource: capacity × time held by no stage, in resource-seconds.
  public var idle: [Double]
  /// Per resource: the idle share of capacity × makespan.
  public var idleFraction: [Double]
  /// The makespan event-driven list scheduling reaches on the same stages.
  public var listMakespan: Double
}

/// A plan: when each stage starts, where, and how close it is to the best possible.
public struct Plan: Sendable {
  /// In input order.
  public var stages: [PlannedStage]
  public var makespan: Double
  public var lowerBound: LowerBound
  /// `list` (event-driven list scheduling), `list+justification` when the improvement
  /// pass won, or `waves`.
  public var method: String
  /// The makespan of the first list-scheduling pass, before improvement.
  public var firstPassMakespan: Double
  public var notes: [String]
  public var waves: WaveSummary?
  public var resourceNames: [String]
  public var capacity: [Double]
  /// The stages each stage needs, by index, for renderers.
  public var needs: [[Int]]
  /// Whether shares of GPUs could not all be put on devices (`GPUAssignment`); the plan
  /// is then replaced by one with whole GPUs.
  public var gpuSharesUnplaced = false

  /// How far above the lower bound: makespan / bound − 1 (0 when the plan is optimal).
  public var gap: Double {
    lowerBound.value > 0 ? makespan / lowerBound.value - 1 : 0
  }
}
