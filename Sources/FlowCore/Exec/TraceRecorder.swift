/// Records a run as Chrome trace-event JSON (Perfetto, chrome://tracing): one complete
/// event per stage, on the lane it ran in, with its status.
public struct TraceRecorder {
  private var events: [JSONValue] = []
  private var lanes: [Double] = []
  private var starts: [Int: (time: Double, lane: Int)] = [:]

  public init() {}

  public mutating func started(_ stage: Int, at time: Double) {
    let lane = lanes.firstIndex(where: { $0 <= time }) ?? lanes.count
    if lane == lanes.count { lanes.append(.infinity) } else { lanes[lane] = .infinity }
    starts[stage] = (time, lane)
  }

  public mutating func ended(_ stage: Int, name: String, result: StageResult, at time: Double) {
    guard let start = starts.removeValue(forKey: stage) else { return }
    lanes[start.lane] = time
    events.append(
      .object(
        JSONObject([
          ("name", .string(name)), ("cat", .string("stage")), ("ph", .string("X")),
          ("ts", .number((start.time * 1e6).rounded())),
          ("dur", .number(((time - start.time) * 1e6).rounded())),
          ("pid", .integer(1)), ("tid", .integer(Int64(start.lane + 1))),
          (
            "args",
            .object(
              JSONObject([
                ("status", .integer(Int64(result.status))),
                ("peak_memory", .integer(result.peakMemory)),
              ]))
          ),
        ])))
  }

  public var document: JSONValue {
    .object(
      JSONObject([("traceEvents", .array(events)), ("displayTimeUnit", .string("ms"))]))
  }
}
