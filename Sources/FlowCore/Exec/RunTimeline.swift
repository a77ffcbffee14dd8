/// A run as it happened, stage by stage: when each started and ended (seconds since the
/// run began), the GPU ids it held and how it ended. The terminal summary and the HTML
/// report are drawn from it.
public struct RunTimeline: Sendable {
  public struct Entry: Sendable {
    public var start: Double?
    public var end: Double?
    public var gpus: [String] = []
    public var result: StageResult?
  }

  public let stages: [StageLaunch]
  public private(set) var entries: [Entry]
  /// When a stop signal was received, if one was.
  public private(set) var stoppedAt: Double?
  /// Seconds from the run's start to its last event.
  public private(set) var span: Double = 0
  private let began: Double

  public init(stages: [StageLaunch], began: Double) {
    self.stages = stages
    self.began = began
    entries = Array(repeating: Entry(), count: stages.count)
  }

  public mutating func record(_ event: RunEvent) {
    switch event {
    case .started(let index, _, let gpus, let time):
      entries[index].start = time - began
      entries[index].gpus = gpus
      span = max(span, time - began)
    case .ended(let index, let result, let time):
      entries[index].end = time - began
      entries[index].result = result
      span = max(span, time - began)
    case .stopping(_, let time):
      stoppedAt = stoppedAt ?? time - began
    case .retrying(let index, _, _, _):
      // The next attempt's start replaces this one's; the attempts are in the result.
      entries[index].start = nil
    case .output, .submitted, .cancelling:
      break
    }
  }

  /// When the stage could have started: once every stage it needs had ended (the run's
  /// start when it needs none). The time from here to its start is time spent waiting
  /// for room (CPUs, memory, GPUs, a job slot).
  public func ready(_ index: Int) -> Double {
    stages[index].needs.compactMap { entries[$0].end }.max() ?? 0
  }

  /// How the stage ended, in a person's words: `succeeded`, `failed`, `timed out`,
  /// `stopped` (ended by the run's stop signal), `skipped`, or the outcome the executor
  /// named; `running` or `waiting` while it has not ended.
  public func verdict(_ index: Int) -> String {
    let entry = entries[index]
    guard let result = entry.result else { return entry.start == nil ? "waiting" : "running" }
    if result.timedOut { return "timed out" }
    if result.outcome == .failed, stoppedAt != nil, result.signal != nil { return "stopped" }
    return result.outcome.rawValue
  }

  /// Whether the stage ended badly: failed, timed out or stopped.
  public func endedBadly(_ index: Int) -> Bool {
    ["failed", "timed out", "stopped"].contains(verdict(index))
  }

  /// Why a stage that has not started waits: for a stage it needs (or nothing, when one it
  /// needs did not succeed and it is about to be skipped), for a GPU and the stage holding it, for CPUs or memory running stages hold within `capacity`, else
  /// for a free slot (`-j`, make's jobserver).
  public func waitReason(_ index: Int, capacity: PlanCapacity) -> String {
    let stage = stages[index]
    if let need = stage.needs.first(where: { entries[$0].result == nil }) {
      return "for \(stages[need].name)"
    }
    // Every stage it needs has ended, one of them badly: the runner skips it next.
    if let need = stage.needs.first(where: {
      ![.succeeded, .cached].contains(entries[$0].result?.outcome)
    }) {
      return "to be skipped: \(stages[need].name) did not succeed"
    }
    let running = stages.indices.filter { entries[$0].start != nil && entries[$0].result == nil }
    if stage.demand.gpu > 0 {
      let held = running.flatMap { holder in entries[holder].gpus.map { ($0, holder) } }
      if capacity.gpuIDs.count - held.count < stage.demand.gpu, let (gpu, holder) = held.first {
        return "for GPU \(gpu), held by \(stages[holder].name)"
      }
    }
    let cpu = running.map { stages[$0].demand.cpu }.reduce(0, +)
    if cpu + stage.demand.cpu > capacity.cpu + 1e-9 { return "for CPUs" }
    let memory = running.map { stages[$0].demand.memory }.reduce(0, +)
    if memory + stage.demand.memory > capacity.memory { return "for memory" }
    return "for a free slot"
  }

  /// The plan's makespan: when the last planned stage was to end; nil when unplanned.
  public var plannedMakespan: Double? {
    let ends = stages.compactMap { $0.planned.map { $0.start + $0.seconds } }
    return ends.isEmpty ? nil : ends.max()
  }
}

extension RunTimeline {
  /// The plan the run followed, the text of `plan.json`: each stage's planned start and
  /// duration in seconds (null when unplanned) and the planned makespan, ending with a
  /// newline. Written member by member rather than as a tree, which cost more than the
  /// rest of a rerun of many cached stages.
  public var planText: [UInt8] {
    var writer = JSONWriter()
    writer.openObject()
    writer.member("stages", first: true, depth: 1)
    writer.writeArray(count: stages.count, depth: 1) { index, writer, depth in
      // Member by member: a copy of the whole launch cost more than writing it.
      let inner = depth + 1
      let planned = stages[index].planned
      let gpus = stages[index].plannedGPUs
      writer.openObject()
      writer.member("stage", first: true, depth: inner)
      writer.write(.string(stages[index].name), depth: inner)
      writer.member("start", depth: inner)
      writer.write(planned.map { .number($0.start) } ?? .null, depth: inner)
      writer.member("duration", depth: inner)
      writer.write(planned.map { .number($0.seconds) } ?? .null, depth: inner)
      writer.member("gpus", depth: inner)
      writer.writeArray(count: gpus.count, depth: inner) { gpu, writer, depth in
        writer.write(.string(gpus[gpu]), depth: depth)
      }
      if let decision = stages[index].gpuDecision {
        writer.member("gpu_decision", depth: inner)
        writer.write(decision.json, depth: inner)
      }
      writer.closeObject(depth: depth)
    }
    writer.member("makespan", depth: 1)
    writer.write(plannedMakespan.map(JSONValue.number) ?? .null, depth: 1)
    writer.closeObject(depth: 0)
    return writer.finish()
  }
}
