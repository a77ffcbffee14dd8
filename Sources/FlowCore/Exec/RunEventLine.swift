/// The JSON lines flow-exec writes on standard output, one per event:
/// `{"type": "stage-start" | "stage-end" | "stage-output" | "stage-submit" | "stage-retry" |
/// "stop" | "cancel" | "summary" | "dry-run", "data": {…}}`. Times are seconds since the run began.
public enum RunEventLine {
  /// The line for `event` of a run of `stages` that began at `began` (monotonic seconds).
  public static func event(
    _ event: RunEvent, stages: [StageLaunch], began: Double,
    reason: (Int) -> String? = { _ in nil }
  ) -> [UInt8] {
    switch event {
    case .started(let index, let pid, let gpus, let time):
      return start(
        stage: stages[index], pid: pid, gpus: gpus, time: eventTime(time - began),
        reason: reason(index))
    case .ended(let index, let result, let time):
      // A cached stage's line needs its name alone, not a copy of its launch.
      return cachedEnd(stage: stages[index].name, result: result, time: eventTime(time - began))
        ?? end(stage: stages[index], result: result, time: eventTime(time - began))
    case .output(let index, let text, let time):
      return line(
        "stage-output",
        JSONObject([
          ("stage", .string(stages[index].name)), ("time", .number(eventTime(time - began))),
          ("line", .string(text)),
        ]))
    case .stopping(let signal, let time):
      return line(
        "stop",
        JSONObject([
          ("signal", .integer(Int64(signal))), ("time", .number(eventTime(time - began))),
        ]))
    case .cancelling(let jobs, let time):
      return line(
        "cancel",
        JSONObject([
          ("jobs", .array(jobs.map(JSONValue.string))), ("time", .number(eventTime(time - began))),
        ]))
    case .submitted(let index, let job, let time):
      return line(
        "stage-submit",
        JSONObject([
          ("stage", .string(stages[index].name)), ("time", .number(eventTime(time - began))),
          ("job", .string(job)),
        ]))
    case .retrying(let index, let failed, let next, let time):
      var data = JSONObject([
        ("stage", .string(stages[index].name)), ("time", .number(eventTime(time - began))),
      ])
      for (key, value) in attemptMembers(failed) { data[key] = value }
      data["next_attempt"] = .integer(Int64(next.attempt))
      data["next_memory"] = .integer(next.memory)
      data["next_timeout"] = next.timeout.map(JSONValue.init(seconds:)) ?? .null
      return line("stage-retry", data)
    }
  }

  /// An attempt's members: its number, failure class, status, limits and seconds.
  static func attemptMembers(_ attempt: StageAttempt) -> JSONObject {
    JSONObject([
      ("attempt", .integer(Int64(attempt.number))), ("failure", .string(attempt.failure.rawValue)),
      ("status", .integer(Int64(attempt.status))), ("memory", .integer(attempt.memory)),
      ("timeout", attempt.timeout.map(JSONValue.init(seconds:)) ?? .null),
      ("duration", .number(attempt.seconds)),
    ])
  }

  public static func line(_ type: String, _ data: JSONObject) -> [UInt8] {
    var bytes = JSONCodec.encode(
      .object(JSONObject([("type", .string(type)), ("data", .object(data))])))
    if bytes.last != 10 { bytes.append(10) }
    return bytes
  }

  /// A stage's start; `reason` says why it runs, when the stage cache was asked.
  public static func start(
    stage: StageLaunch, pid: Int32, gpus: [String], time: Double, reason: String? = nil
  ) -> [UInt8] {
    var data = JSONObject([
      ("stage", .string(stage.name)), ("time", .number(time)), ("pid", .integer(Int64(pid))),
      ("gpus", .array(gpus.map(JSONValue.string))), ("log", .string(stage.logPath)),
    ])
    if let reason { data["reason"] = .string(reason) }
    if let decision = stage.gpuDecision { data["gpu_decision"] = decision.json }
    return line("stage-start", data)
  }

  public static func end(stage: StageLaunch, result: StageResult, time: Double) -> [UInt8] {
    var data = JSONObject([
      ("stage", .string(stage.name)), ("time", .number(time)),
      ("outcome", .string(result.outcome.rawValue)), ("status", .integer(Int64(result.status))),
    ])
    if result.outcome != .skipped && result.outcome != .cached {
      data["duration"] = .number(result.seconds)
      data["peak_memory"] = .integer(result.peakMemory)
      data["signal"] = result.signal.map { .integer(Int64($0)) } ?? .null
      data["timed_out"] = .bool(result.timedOut)
      data["log"] = .string(stage.logPath)
    }
    if let message = result.message { data["message"] = .string(message) }
    if let failure = result.failure { data["failure"] = .string(failure.rawValue) }
    if let use = result.gpuUse { data["gpu_use"] = use.json }
    if !result.earlierAttempts.isEmpty {
      data["attempts"] = .integer(Int64(result.earlierAttempts.count + 1))
      data["earlier_attempts"] = .array(result.earlierAttempts.map { .object(attemptMembers($0)) })
    }
    return line("stage-end", data)
  }

  /// A cached stage's end, the same bytes `line` writes for it, written directly: a run
  /// that finds every stage cached writes one per stage and little else. nil for another
  /// end, one with more to say, or a time the integer form does not cover.
  static func cachedEnd(stage: String, result: StageResult, time: Double) -> [UInt8]? {
    guard result.outcome == .cached, result.message == nil, result.failure == nil,
      result.gpuUse == nil, result.earlierAttempts.isEmpty, time >= 0, time < 1e9
    else { return nil }
    let status = result.status
    var bytes: [UInt8] = []
    bytes.reserveCapacity(96 + stage.utf8.count)
    bytes += #"{"type":"stage-end","data":{"stage":"#.utf8
    JSONWriter.appendString(stage, to: &bytes)
    bytes += #","time":"#.utf8
    appendMicroseconds(Int64((time * 1e6).rounded()), to: &bytes)
    bytes += #","outcome":"cached","status":"#.utf8
    bytes += String(status).utf8
    bytes += "}}\n".utf8
    return bytes
  }

  /// An event's time (seconds since the run began) to the microsecond: a short number,
  /// which costs far less to write than a double's 15 digits, and all a person or a
  /// program reading the events can use.
  static func eventTime(_ seconds: Double) -> Double {
    guard seconds.isFinite, abs(seconds) < 1e9 else { return seconds }
    return (seconds * 1e6).rounded() / 1e6
  }

  /// `microseconds` as seconds, as `JSONWriter` writes a short number: the whole
  /// seconds, a point, the fraction without trailing zeros but at least one digit.
  static func appendMicroseconds(_ microseconds: Int64, to bytes: inout [UInt8]) {
    bytes += String(microseconds / 1_000_000).utf8
    bytes.append(UInt8(ascii: "."))
    var fraction = microseconds % 1_000_000
    var digits = 6
    while digits > 1 && fraction % 10 == 0 {
      fraction /= 10
      digits -= 1
    }
    var divisor: Int64 = 1
    for _ in 1..<digits { divisor *= 10 }
    while divisor > 0 {
      bytes.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
      divisor /= 10
    }
  }

  /// - Parameter names: the stages' names, for the `retries` member (stages that were
  ///   tried more than once: each one's failure classes, attempt by attempt).
  public static func summary(
    results: [StageResult], status: Int32, seconds: Double, names: [String] = []
  ) -> [UInt8] {
    // Counted in place: a filtered copy of every result cost more than the line.
    func count(_ outcome: StageResult.Outcome) -> JSONValue {
      var count: Int64 = 0
      for index in results.indices where results[index].outcome == outcome { count += 1 }
      return .integer(count)
    }
    var data = JSONObject([
      ("status", .integer(Int64(status))), ("stages", .integer(Int64(results.count))),
      ("succeeded", count(.succeeded)), ("failed", count(.failed)),
      ("skipped", count(.skipped)), ("cached", count(.cached)), ("duration", .number(seconds)),
    ])
    var retries = JSONObject()
    for (index, result) in results.enumerated()
    where !result.earlierAttempts.isEmpty && index < names.count {
      var classes = result.earlierAttempts.map { JSONValue.string($0.failure.rawValue) }
      classes.append(.string(result.failure?.rawValue ?? result.outcome.rawValue))
      retries[names[index]] = .array(classes)
    }
    if !retries.isEmpty { data["retries"] = .object(retries) }
    return line("summary", data)
  }

  /// What `--dry-run` prints for a stage: argv, environment (names in byte order), folder, log.
  public static func dryRun(stage: StageLaunch) -> [UInt8] {
    let (argv, environment) = stage.command(stage.plannedGPUs)
    var variables = JSONObject()
    for (name, value) in environment {
      variables[name] = .string(value)
    }
    var data = JSONObject([
      ("stage", .string(stage.name)), ("argv", .array(argv.map(JSONValue.string))),
      ("environment", .object(variables)),
      ("directory", stage.directory.map(JSONValue.string) ?? .null),
      ("gpus", .array(stage.plannedGPUs.map(JSONValue.string))),
      ("log", .string(stage.logPath)),
    ])
    if let decision = stage.gpuDecision { data["gpu_decision"] = decision.json }
    return line("dry-run", data)
  }

  /// What `--dry-run` prints for a stage bound for Slurm: the `sbatch` argv, the batch
  /// script and where it would be written, the stages it waits for, folder and log.
  public static func dryRun(stage: StageLaunch, submission: SlurmSubmission) -> [UInt8] {
    line(
      "dry-run",
      JSONObject([
        ("stage", .string(stage.name)), ("executor", .string("slurm")),
        ("argv", .array(submission.argv.map(JSONValue.string))),
        ("script_path", .string(submission.argv.last ?? "")),
        ("script", .string(submission.script)),
        ("directory", stage.directory.map(JSONValue.string) ?? .null),
        ("log", .string(stage.logPath)),
      ]))
  }
}
