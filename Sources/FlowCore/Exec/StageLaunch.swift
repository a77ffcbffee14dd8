/// Everything needed to start one stage, prepared before anything runs.
public struct StageLaunch: Sendable {
  public var name: String
  /// Indexes of the stages this one waits for, among the launches.
  public var needs: [Int]
  /// Lower starts first among ready stages (the plan's order).
  public var priority: Int
  public var demand: StageDemand
  /// The GPU ids the plan gave the stage; others are taken when these are busy.
  public var plannedGPUs: [String]
  public var gpuVendor: GPUVendor?
  public var directory: String?
  public var logPath: String
  /// Seconds before the stage is stopped, if limited.
  public var timeout: Double?
  /// Builds argv and environment for the GPU ids the stage is finally given.
  public var command: @Sendable (_ gpus: [String]) -> (argv: [String], environment: EnvironmentMap)
  /// When the stage runs in a container: the argv that removes it by force.
  public var containerRemoval: [String]?
  /// When the stage runs in a container: the engine and the name given to the container.
  public var container: (engine: ContainerEngine, name: String)?
  /// Which system runs the stage.
  public var executor: Executor = .local
  /// A cluster stage that takes a GPU where its cluster has one and runs on CPUs
  /// otherwise (`process_on: gpu_if_available`): the cluster, not this machine, decides.
  public var gpuIfAvailable = false
  /// The stage's `extra_data` (options for its executor, such as `slurm.partition`).
  public var extraData: JSONValue?
  /// The container image the stage runs in, if any.
  public var image: String?
  /// The stage's own argv, before a container engine wraps it, for people.
  public var stageArgv: [String] = []
  /// What flow sets in the stage's environment for the GPU ids given: the variables that
  /// differ from the environment it starts from (all of them in a container), for people.
  public var addedEnvironment: @Sendable (_ gpus: [String]) -> EnvironmentMap = { _ in [:] }
  /// What the stage cache keys the stage by; nil for a stage it never skips.
  public var cacheEntry: StageCacheEntry?
  /// When the plan starts the stage and how long it expects it to take (from the duration
  /// history where there is one), in seconds; nil when unplanned.
  public var planned: (start: Double, seconds: Double)?
  /// Seconds the stage is expected to take, from the duration history or its own
  /// estimate; nil when the plan only assumed a default.
  public var expectedSeconds: Double?
  /// For a stage that runs where its base environment is that machine's own (a Slurm
  /// node's): what flow sets over it, in order; nil where `command` gives it whole.
  public var nodeAssignments: [NodeAssignment]?
  /// How often the stage is tried and after which failures; nil: once.
  public var retry: RetryPolicy?
  /// The device files of each GPU of this machine, by id, as the probe named them
  /// (`GPUDevice.deviceNodes`): what the runner looks for among the stage's open files.
  public var gpuDeviceNodes: [String: [String]] = [:]
  /// Why the stage got the GPUs it got, when it asks for one and runs on this machine.
  public var gpuDecision: GPUDecision?
  /// The command under another memory limit, for a retry (a container's limit is in its
  /// argv); nil where the limit is not part of the command.
  public var commandWithMemory:
    (
      @Sendable (_ gpus: [String], _ memory: Int64) -> (argv: [String], environment: EnvironmentMap)
    )?

  public init(
    name: String, needs: [Int] = [], priority: Int = 0, demand: StageDemand = StageDemand(),
    plannedGPUs: [String] = [], gpuVendor: GPUVendor? = nil, directory: String? = nil,
    logPath: String, timeout: Double? = nil,
    command: @escaping @Sendable ([String]) -> (argv: [String], environment: EnvironmentMap),
    containerRemoval: [String]? = nil
  ) {
    self.name = name
    self.needs = needs
    self.priority = priority
    self.demand = demand
    self.plannedGPUs = plannedGPUs
    self.gpuVendor = gpuVendor
    self.directory = directory
    self.logPath = logPath
    self.timeout = timeout
    self.command = command
    self.containerRemoval = containerRemoval
  }
}

/// How a stage ended.
public struct StageResult: Sendable, Equatable {
  public enum Outcome: String, Sendable {
    case succeeded, failed
    /// Not started because a stage it needs failed or the run was stopped.
    case skipped
    /// Not started because an earlier run did the same work (`StageCache`).
    case cached

    /// Whether the stages that need it may start.
    public var letsDependantsRun: Bool { self == .succeeded || self == .cached }
  }

  public var outcome: Outcome
  /// The exit status; 128 + N for signal N; 126/127 when it could not start; 124 on timeout.
  public var status: Int32
  public var signal: Int32?
  public var timedOut: Bool
  public var seconds: Double
  /// Peak resident memory of the stage's process tree, in bytes (wait4's ru_maxrss). Linux
  /// counts the launcher's own peak at exec too (posix_spawn shares its memory until
  /// then), so values below flow-exec's own size are a floor, not a measure.
  public var peakMemory: Int64
  /// Why it could not start or was skipped.
  public var message: String?
  /// User and system CPU seconds of the stage's process tree (wait4's rusage); 0 when the
  /// executor does not say.
  public var cpuSeconds: Double = 0
  /// Why the last attempt failed, when it did.
  public var failure: FailureClass?
  /// The attempts that failed before this one, first first.
  public var earlierAttempts: [StageAttempt] = []
  /// For a stage given GPUs on this machine: whether it opened them.
  public var gpuUse: GPUUse?

  public init(
    outcome: Outcome, status: Int32, signal: Int32? = nil, timedOut: Bool = false,
    seconds: Double = 0, peakMemory: Int64 = 0, message: String? = nil
  ) {
    self.outcome = outcome
    self.status = status
    self.signal = signal
    self.timedOut = timedOut
    self.seconds = seconds
    self.peakMemory = peakMemory
    self.message = message
  }
}

/// What the runner reports as it goes.
public enum RunEvent: Sendable {
  case started(stage: Int, pid: Int32, gpus: [String], at: Double)
  case ended(stage: Int, result: StageResult, at: Double)
  case stopping(signal: Int32, at: Double)
  /// A line a stage wrote, when output is relayed.
  case output(stage: Int, line: String, at: Double)
  /// The stage was handed to a cluster, which knows it by `job`.
  case submitted(stage: Int, job: String, at: Double)
  /// These cluster jobs are being cancelled (after a failure or a stop signal).
  case cancelling(jobs: [String], at: Double)
  /// An attempt of the stage failed and it is tried again with the limits of `next`.
  case retrying(stage: Int, failed: StageAttempt, next: RetryDecision, at: Double)
}
