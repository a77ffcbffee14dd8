import Glibc

/// How prepared stages run: the runner their executor calls for, and its settings.
///
/// The first stage's executor decides, since preparation refuses a mix: Slurm, Dask, or
/// this machine.
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
  /// Where local runs are recorded while they go (see `RunRecords`); none when `nil`.
  public var runRecords: RunRecords?
  /// Skips the local stages an earlier run did and records those that succeed.
  public var cache: StageCache?
  public var placement = SlurmSubmission.Placement()
  /// The Dask scheduler's address; `DASK_SCHEDULER_ADDRESS` when `nil`.
  public var daskScheduler: String?
  public var logDirectory: String
  public var environment: EnvironmentMap

  public init(capacity: PlanCapacity, logDirectory: String, environment: EnvironmentMap) {
    self.capacity = capacity
    self.logDirectory = logDirectory
    self.environment = environment
  }

  /// The runner for `launches`, reporting to `report`.
  public func makeRunner(
    for launches: [StageLaunch], report: @escaping (RunEvent) -> Void
  ) throws(ExecError) -> any StageRunner {
    switch launches.first?.executor {
    case .slurm:
      return SlurmRunner(
        stages: Self.clusterLaunches(launches),
        options: SlurmRunner.Options(
          keepGoing: keepGoing, placement: placement,
          scriptDirectory: Self.absolute(logDirectory)),
        environment: environment, report: report)
    case .dask:
      guard let scheduler = daskScheduler ?? environment["DASK_SCHEDULER_ADDRESS"] else {
        throw .clusterUnavailable(
          "no Dask scheduler: pass --dask-scheduler or set DASK_SCHEDULER_ADDRESS")
      }
      let (python, bridge) = try DaskBridge.locate(environment: environment)
      return DaskRunner(
        stages: Self.clusterLaunches(launches),
        options: DaskRunner.Options(
          keepGoing: keepGoing, scheduler: scheduler, bridge: bridge, python: python,
          logDirectory: Self.absolute(logDirectory), environment: environment),
        report: report)
    default:
      var options = LocalRunner.Options(
        jobs: jobs, keepGoing: keepGoing, grace: grace, capacity: capacity,
        relaysOutput: relaysOutput)
      options.runRecords = runRecords
      options.outputQueues = outputQueues
      options.cache = cache
      return LocalRunner(stages: launches, options: options, jobserver: jobserver, report: report)
    }
  }

  /// What would run, one `dry-run` line per stage: each stage's argv and environment, or
  /// for Slurm what sbatch would get.
  public func dryRunLines(_ launches: [StageLaunch]) -> [[UInt8]] {
    guard launches.first?.executor == .slurm else {
      return launches.map { RunEventLine.dryRun(stage: $0) }
    }
    let stages = Self.clusterLaunches(launches)
    let planned = SlurmSubmission.planned(
      stages: stages, placement: placement, scriptDirectory: Self.absolute(logDirectory))
    return planned.map { RunEventLine.dryRun(stage: stages[$0.stage], submission: $0.submission) }
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
