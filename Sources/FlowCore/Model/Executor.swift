/// Which system runs a stage.
public enum Executor: String, Sendable, Hashable, CaseIterable {
  /// Processes and containers on this machine.
  case local = "LocalExecutor"
  /// Tasks on a Dask cluster.
  case dask = "DaskExecutor"
  /// Jobs on a Slurm cluster.
  case slurm = "SlurmExecutor"

  /// Reads an executor name: the class names above, or fasthep-flow's later `flow:`
  /// strings (`dask::local`, `sequential::local`, `slurm`, and Prefect's task runners
  /// `prefect::SequentialTaskRunner`, `prefect::ConcurrentTaskRunner`,
  /// `prefect::DaskTaskRunner`), case-insensitively.
  public init?(name: String) {
    if let exact = Executor(rawValue: name) {
      self = exact
      return
    }
    let lower = name.lowercased()
    let parts = lower.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
    var kind = parts.first
    if kind == "prefect", parts.count == 2, parts[1].hasSuffix("taskrunner") {
      kind = String(parts[1].dropLast("taskrunner".count))
    }
    switch kind {
    case "local", "localexecutor", "sequential", "concurrent": self = .local
    case "dask", "daskexecutor": self = .dask
    case "slurm", "slurmexecutor": self = .slurm
    default: return nil
    }
  }
}
