import Glibc

/// How prepared stages run: the runner their executor calls for, and its settings.
///
/// Each stage goes to its executor's runner (Slurm, Dask, or this machine); a run that
/// mixes executors goes through an `ExecutorCoordinator`.
public struct RunnerSettings {
  public var keepGoing = false
  /// Seconds between SIGTERM and SIGKILL when a local stage is stopped.
  public var grace: Double = 10
  /// At most this many local stages at once.
  public var jobs: Int?
  public var capacity: PlanCapacity
  /// Whether the local runner reads the stages' output lines (for events or a terminal).
  public var relaysOutput = false
  /// The queues the run's events and notes go through (see `LocalRunner.Options`).
  public var outputQueues: [OutputQueue] = []
  public var jobserver: Jobserver?
  /// Where local runs and Slurm jobs are recorded while they go (see `RunRecords`); none
  /// when `nil`.
  public var runRecords: RunRecords?
  /// Skips the stages an earlier run did and records those that succeed; each executor's
  /// runner in a run of several asks it about its own stages (`StageCache.part(for:)`).
  public var cache: StageCache?
  public var placement = SlurmSubmission.Placement()
  /// The Dask scheduler's address; `DASK_SCHEDULER_ADDRESS` when `nil`, and a local Dask
  /// cluster started for the run when neither is set.
  public var daskScheduler: String?
  public var logDirectory: String
  public var environment: EnvironmentMap

  public init(capacity: PlanCapacity, logDirectory: String, environment: EnvironmentMap) {
    self.capacity = capacity
    self.logDirectory = logDirectory
    self.environment = environment
  }

  /// The runner for `launches`, reporting to `report`: the one backend of their executor
  /// when they all share one, else a coordinator that gives each stage to its own.
  public func makeRunner(
    for launches: [StageLaunch], report: @escaping (RunEvent) -> Void
  ) throws(ExecError) -> any StageRunner {
    var executors: Set<Executor> = []
    for index in launches.indices { executors.insert(launches[index].executor) }
    // A Slurm stage no node could hold is refused before any stage of the run starts.
    if executors.contains(.slurm) {
      try SlurmPartitionCapacity.check(
        launches, placement: placement, slurm: SlurmCommand(environment: environment))
    }
    if executors.contains(.dask), daskAddress == nil {
      try DaskRunner.LocalCluster(capacity: capacity).check(launches)
    }
    guard executors.count > 1 else {
      return try cachedBackend(executors.first ?? .local, launches, cache: cache, report: report)
    }
    return ExecutorCoordinator(
      stages: launches, keepGoing: keepGoing,
      backend: { (executor, stages, link, report) throws(ExecError) in
        try self.cachedBackend(
          executor, stages, cache: self.cache?.part(for: stages), link: link, report: report)
      }, report: report)
  }

  /// The runner of one executor for `launches`, with `cache` (whose indexes are theirs):
  /// the local runner asks it itself, as each stage is ready; a cluster's runner gets only
  /// the stages it does not skip (`CachingRunner`).
  func cachedBackend(
    _ executor: Executor, _ launches: [StageLaunch], cache: StageCache?,
    link: BackendLink? = nil, report: @escaping (RunEvent) -> Void
  ) throws(ExecError) -> any StageRunner {
    guard let cache, executor != .local else {
      return try backend(executor, launches, cache: cache, link: link, report: report)
    }
    return CachingRunner(stages: launches, cache: cache, report: report) {
      (stages, report) throws(ExecError) in
      try self.backend(executor, stages, cache: nil, link: link, report: report)
    }
  }

  /// The runner of one executor for `launches`, all of which go to it; `link` ties it to
  /// the other executors' in a run of several.
  func backend(
    _ executor: Executor, _ launches: [StageLaunch], cache: StageCache?, link: BackendLink?,
    report: @escaping (RunEvent) -> Void
  ) throws(ExecError) -> any StageRunner {
    switch executor {
    case .slurm:
      var options = SlurmRunner.Options(
        keepGoing: keepGoing, placement: placement, scriptDirectory: Self.absolute(logDirectory))
      options.runRecords = runRecords
      let runner = SlurmRunner(
        stages: Self.clusterLaunches(launches), options: options, environment: environment,
        report: report)
      runner.link = link
      return runner
    case .dask:
      let (python, bridge) = try DaskBridge.locate(environment: environment)
      var options = DaskRunner.Options(
        keepGoing: keepGoing, scheduler: daskAddress, bridge: bridge, python: python,
        logDirectory: Self.absolute(logDirectory), environment: environment)
      options.localCluster = DaskRunner.LocalCluster(capacity: capacity)
      let runner = DaskRunner(
        stages: Self.clusterLaunches(launches), options: options, report: report)
      runner.link = link
      return runner
    case .local:
      var options = LocalRunner.Options(
        jobs: jobs, keepGoing: keepGoing, grace: grace, capacity: capacity,
        relaysOutput: relaysOutput)
      options.runRecords = runRecords
      options.outputQueues = outputQueues
      options.cache = cache
      let runner = LocalRunner(
        stages: launches, options: options, jobserver: jobserver, report: report)
      runner.link = link
      return runner
    }
  }

  /// The running Dask scheduler chosen (`--dask-scheduler`, else `DASK_SCHEDULER_ADDRESS`);
  /// nil when none is, and Dask stages then run on a local cluster started for the run.
  public var daskAddress: String? {
    let address = daskScheduler ?? environment["DASK_SCHEDULER_ADDRESS"]
    return address?.isEmpty == false ? address : nil
  }

  /// What would run, one `dry-run` line per stage: each stage's argv and environment, or
  /// for a Slurm stage what sbatch would get.
  public func dryRunLines(_ launches: [StageLaunch]) -> [[UInt8]] {
    guard launches.contains(where: { $0.executor == .slurm }) else {
      return launches.map { RunEventLine.dryRun(stage: $0) }
    }
    let stages = Self.clusterLaunches(launches)
    let planned = SlurmSubmission.planned(
      stages: stages, placement: placement, scriptDirectory: Self.absolute(logDirectory))
    return planned.map { entry in
      stages[entry.stage].executor == .slurm
        ? RunEventLine.dryRun(stage: stages[entry.stage], submission: entry.submission)
        : RunEventLine.dryRun(stage: launches[entry.stage])
    }
  }

  /// Creates the log folder and the folders above it; `false` when one cannot be made.
  public func makeLogDirectory() -> Bool { Directories.make(logDirectory) }

  /// A cluster runs a stage in another folder, maybe on another machine: absolute paths.
  static func clusterLaunches(_ launches: [StageLaunch]) -> [StageLaunch] {
    launches.map { launch in
      var launch = launch
      launch.logPath = absolute(launch.logPath)
      return launch
    }
  }

  /// `path` from the root, the working folder joined in front as it is (not normalised).
  static func absolute(_ path: String) -> String {
    guard !path.hasPrefix("/"), let folder = getcwd(nil, 0) else { return path }
    defer { free(folder) }
    return String(cString: folder) + "/" + path
  }
}
