/// How long stages took when they last ran, read from the file `--history` names:
///
///     {"flow_history": 1, "stages": {"fit": 125.5, "plot": 3}}
///
/// Seconds per stage name; other keys are ignored, so the runner may record more.
public struct DurationHistory: Sendable, Equatable {
  public var seconds: [String: Double]

  public init(seconds: [String: Double] = [:]) {
    self.seconds = seconds
  }

  /// Reads the document; `nil` when it has no `stages` object of numbers.
  public init?(json: JSONValue) {
    guard let stages = json["stages"]?.objectValue else { return nil }
    var seconds: [String: Double] = [:]
    for (name, value) in stages {
      guard let number = value.doubleValue, number.isFinite, number >= 0 else { return nil }
      seconds[name] = number
    }
    self.seconds = seconds
  }
}

/// Where a planned stage's duration came from.
public enum DurationSource: String, Sendable, Equatable {
  case estimate
  case history
  case unit
}
