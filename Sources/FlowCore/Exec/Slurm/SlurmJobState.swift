/// What Slurm says about a job: its state (`PENDING`, `RUNNING`, `COMPLETED`, `FAILED`,
/// `CANCELLED`, `TIMEOUT`, …), its exit code and signal (`ExitCode=a:b`) and its reason.
public struct SlurmJobState: Sendable, Equatable {
  public var state: String
  public var exitCode: Int32
  public var signal: Int32
  public var reason: String?

  public init(state: String, exitCode: Int32 = 0, signal: Int32 = 0, reason: String? = nil) {
    self.state = state
    self.exitCode = exitCode
    self.signal = signal
    self.reason = reason
  }

  /// States a job never leaves.
  public var isFinal: Bool {
    ![
      "PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING",
      "SIGNALING", "STAGE_OUT", "STOPPED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD",
    ].contains(state)
  }

  /// Reads `scontrol show job ID`: `JobState=FAILED Reason=NonZeroExitCode … ExitCode=3:0`.
  public init?(scontrol output: String) {
    var fields: [String: String] = [:]
    for word in output.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
      guard let equals = word.firstIndex(of: "=") else { continue }
      let key = String(word[..<equals])
      if fields[key] == nil { fields[key] = String(word[word.index(after: equals)...]) }
    }
    guard let state = fields["JobState"] else { return nil }
    self.init(state: state, exitCode: fields["ExitCode"] ?? "0:0")
    if let reason = fields["Reason"], reason != "None" { self.reason = reason }
  }

  /// Reads the first line of `sacct -X -n -P -j ID -o State,ExitCode`: `FAILED|4:0`, or
  /// `CANCELLED by 0|0:15`.
  public init?(sacct output: String) {
    guard let line = output.split(separator: "\n").first else { return nil }
    let columns = line.split(separator: "|", omittingEmptySubsequences: false)
    guard columns.count >= 2, let state = columns[0].split(separator: " ").first else {
      return nil
    }
    self.init(state: String(state), exitCode: String(columns[1]))
  }

  private init(state: String, exitCode: String) {
    let parts = exitCode.split(separator: ":")
    self.init(
      state: state, exitCode: parts.first.flatMap { Int32($0) } ?? 0,
      signal: parts.count > 1 ? Int32(parts[1]) ?? 0 : 0)
  }

  /// How the stage ended, in the statuses flow-exec uses for local stages: the exit code,
  /// 128 + N for signal N, 124 for a time limit, 125 when Slurm could not run it at all.
  public func result(seconds: Double, timeLimit: Double?) -> StageResult {
    switch state {
    case "COMPLETED" where exitCode == 0 && signal == 0:
      return StageResult(outcome: .succeeded, status: 0, seconds: seconds)
    case "TIMEOUT":
      return StageResult(
        outcome: .failed, status: ExitStatus.timedOut.rawValue, timedOut: true, seconds: seconds,
        message: "timed out after \(timeLimit ?? 0) s (slurm time limit)")
    default:
      let reason = reason.map { " (\($0))" } ?? ""
      if signal != 0 {
        return StageResult(
          outcome: .failed, status: ExitStatus.signalled(signal), signal: signal, seconds: seconds,
          message: "slurm job \(state.lowercased())\(reason)")
      }
      if exitCode != 0 {
        return StageResult(outcome: .failed, status: exitCode, seconds: seconds)
      }
      return StageResult(
        outcome: .failed, status: ExitStatus.toolFailed.rawValue, seconds: seconds,
        message: "slurm job \(state.lowercased())\(reason)")
    }
  }
}
