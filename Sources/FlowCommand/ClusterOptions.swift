import ArgumentParser
import FlowCore

/// Where flow-exec runs the stages: an executor over the document's, Slurm's placement
/// of the jobs, and the Dask scheduler to use.
public struct ClusterOptions: ParsableArguments {
  @Option(
    help: "Run every stage with this executor: local, slurm or dask (default: the document's).",
    completion: Completion.executors)
  public var executor: String?

  @Option(help: "Slurm partition for the jobs (over extra_data.slurm.partition).")
  public var partition: String?

  @Option(help: "Slurm account for the jobs (over extra_data.slurm.account).")
  public var account: String?

  @Option(help: "Slurm quality of service for the jobs (over extra_data.slurm.qos).")
  public var qos: String?

  @Option(help: "The Dask scheduler's address (default: $DASK_SCHEDULER_ADDRESS).")
  public var daskScheduler: String?

  public init() {}

  public func validate() throws {
    if let executor, Executor(name: executor) == nil {
      throw ValidationError("--executor expects local, slurm or dask, got '\(executor)'")
    }
  }

  /// The executor every stage runs with, when one is given.
  public var executorOverride: Executor? { executor.flatMap(Executor.init(name:)) }

  /// Gives the runners the Slurm placement and the Dask scheduler.
  public func configure(_ settings: inout RunnerSettings) {
    settings.placement = SlurmSubmission.Placement(
      partition: partition, account: account, qos: qos)
    settings.daskScheduler = daskScheduler
  }
}
