/// Where flow-sched placed a stage: its order, times, device and GPUs. A document may
/// carry a partial plan (only an order); what is absent stays absent.
public struct StagePlan: Sendable, Hashable {
  /// Position in the run order; stages start in increasing order.
  public var order: Int?
  public var start: Double?
  public var finish: Double?
  public var duration: Double?
  /// Where the duration came from (`history`, `estimate`, `default`).
  public var durationSource: String?
  public var device: String?
  /// The GPU ids the stage holds.
  public var gpuIDs: [String]?
  /// Members other tools added to the plan, kept in order.
  public var annotations: JSONObject

  public init(
    order: Int? = nil, start: Double? = nil, finish: Double? = nil, duration: Double? = nil,
    durationSource: String? = nil, device: String? = nil, gpuIDs: [String]? = nil,
    annotations: JSONObject = JSONObject()
  ) {
    self.order = order
    self.start = start
    self.finish = finish
    self.duration = duration
    self.durationSource = durationSource
    self.device = device
    self.gpuIDs = gpuIDs
    self.annotations = annotations
  }
}
