/// The run's timings written back for the planner's next run.
extension DurationHistory {
  /// This history with the durations of the stages that succeeded in place of the old.
  public func recording(_ durations: [(stage: String, seconds: Double)]) -> DurationHistory {
    var updated = self
    for entry in durations { updated.seconds[entry.stage] = entry.seconds }
    return updated
  }

  /// The history file: `{"flow_history": 1, "stages": {NAME: SECONDS, …}}`, names sorted.
  public var document: JSONValue {
    var stages = JSONObject()
    for (name, seconds) in seconds.sorted(by: { $0.key < $1.key }) {
      stages[name] = .number(seconds)
    }
    return .object(JSONObject([("flow_history", .integer(1)), ("stages", .object(stages))]))
  }
}

extension DurationHistory {
  /// The history in the file at `path`: empty when there is none yet (no file, or an empty
  /// one), and empty with a note when the file is not a history. A run is not stopped for
  /// it, and such a file is never written over (`note` set means: do not record).
  public static func readIfPresent(_ path: String) -> (DurationHistory, note: String?) {
    guard InputFile.isRegularFile(path) else { return (DurationHistory(), nil) }
    guard let bytes = try? InputFile.read(path) else {
      return (DurationHistory(), "\(path): cannot be read; not used, and not written")
    }
    if bytes.isEmpty { return (DurationHistory(), nil) }
    guard let json = try? JSONCodec.decode(bytes), let read = DurationHistory(json: json) else {
      return (DurationHistory(), "\(path): not a duration history; not used, and left as it is")
    }
    return (read, nil)
  }
}
