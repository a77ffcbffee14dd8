import ArgumentParser
import FlowCore

/// `--default-executor NAME`: where the stages of a workflow file that name no executor
/// (neither their own nor `global.executor`) run. flow's own default is this machine;
/// fasthep-flow's is a Dask cluster, which this option selects.
public struct DefaultExecutorOption: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Executor of the stages that name none, below global.executor: local (the default), slurm or dask.",
      valueName: "name"),
    completion: Completion.executors)
  public var defaultExecutor: String?

  public init() {}

  public func validate() throws {
    if let defaultExecutor, Executor(name: defaultExecutor) == nil {
      throw ValidationError(
        "--default-executor expects local, slurm or dask, got '\(defaultExecutor)'")
    }
  }

  /// Gives the stages of `workflow` that name no executor the chosen one, if any.
  public func apply(to workflow: inout Workflow) {
    guard let executor = defaultExecutor.flatMap(Executor.init(name:)) else { return }
    workflow.setDefaultExecutor(executor)
  }
}
