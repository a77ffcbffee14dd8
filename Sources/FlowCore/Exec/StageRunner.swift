/// Runs prepared stages somewhere (this machine, a Slurm cluster) and reports `RunEvent`s.
public protocol StageRunner: AnyObject {
  /// Runs every stage (or as many as a failure or a stop signal allows) and returns how
  /// each ended, in the order of the stages.
  func run() throws(ExecError) -> [StageResult]
  /// The stop signal received, if any.
  var stopSignal: Int32? { get }
}

extension LocalRunner: StageRunner {}

extension StageResult {
  /// How a stage that never started ended: skipped because the run was stopped, because a
  /// failure stopped new starts, or because a stage it needs did not succeed.
  static func notStarted(stopped: Bool, afterFailure: Bool) -> StageResult {
    let reason =
      stopped
      ? "the run was stopped"
      : afterFailure ? "not started after a failure" : "a stage it needs did not succeed"
    return StageResult(outcome: .skipped, status: 0, message: reason)
  }
}
