/// Which system runs a stage.
public enum Executor: String, Sendable, Hashable, CaseIterable {
  /// Processes and containers on this machine.
  case local = "LocalExecutor"
  /// Tasks on a Dask cluster.
  case dask = "DaskExecutor"
  /// Jobs on a Slurm cluster.
  case slurm = "SlurmExecutor"

  /// Reads an executor name: the class names above, or fasthep-flow's later `flow:`
  /// strings (`dask::local`, `sequential::local`, `slurm`), case-insensitively.
  public init?(name: String) {
    if let exact = Executor(rawValue: name) {
      self = exact
      return
    }
    let lower = name.lowercased()
    let kind = lower.split(separator: ":", omittingEmptySubsequences: true).first.map(String.init)
    switch kind {
    case "local", "localexecutor", "sequential", "concurrent": self = .local
    case "dask", "daskexecutor": self = .dask
    case "slurm", "slurmexecutor": self = .slurm
    default: return nil
    }
  }
}
