/// Runs prepared stages somewhere (this machine, a Slurm cluster) and reports `RunEvent`s.
public protocol StageRunner: AnyObject {
  /// Runs every stage (or as many as a failure or a stop signal allows) and returns how
  /// each ended, in the order of the stages.
  func run() throws(ExecError) -> [StageResult]
  /// The stop signal received, if any.
  var stopSignal: Int32? { get }
}

extension LocalRunner: StageRunner {}
