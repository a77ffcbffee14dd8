import Glibc

/// Runs prepared stages on a Dask cluster through the Python bridge that ships with
/// flow (`share/flow/flow-dask-bridge.py`): Dask accepts only Python clients. The bridge
/// gets the stages as one JSON file, refuses before submitting anything a stage no
/// worker could ever run (Dask would wait for it forever), submits each stage's command
/// with its resources as annotations (`GPU`, `MEMORY`, named counters) once its needs
/// succeeded, and writes events as JSON lines. Each stage starts from its worker's own
/// environment with flow's additions over it (`NodeAssignment`, as on a Slurm node). A
/// failed attempt is classified here (`lost` when its worker died) and, when the stage's
/// `RetryDecision` gives another, the bridge is told to run it with the new limits
/// (through the decisions file it reads). A stop signal is passed on to the bridge,
/// which stops the running commands; `run` returns when the bridge has ended.
public final class DaskRunner: StageRunner {
  /// A Dask cluster on this machine, started by the bridge for one run and closed at its
  /// end: one worker whose threads and resources are this machine's capacity. Every
  /// listener binds 127.0.0.1 and no dashboard is served.
  public struct LocalCluster: Sendable, Equatable {
    public var threads: Int
    /// The worker's resources (`MEMORY` in bytes, `GPU`, named counters).
    public var resources: JSONObject
    /// The ids of this machine's GPUs, handed to the stages that take some.
    public var gpuIDs: [String]

    public init(capacity: PlanCapacity) {
      threads = max(1, Int(capacity.cpu.rounded(.down)))
      gpuIDs = capacity.gpuIDs
      var resources = JSONObject()
      // A machine whose memory is unknown offers what any stage asks.
      resources["MEMORY"] = .integer(capacity.memory)
      if !capacity.gpuIDs.isEmpty { resources["GPU"] = .integer(Int64(capacity.gpuIDs.count)) }
      for (name, amount) in capacity.counters.sorted(by: { $0.key < $1.key }) {
        resources[name] = .integer(amount)
      }
      self.resources = resources
    }

    var document: JSONValue {
      .object(
        JSONObject([
          ("threads", .integer(Int64(threads))), ("resources", .object(resources)),
          ("gpu_ids", .array(gpuIDs.map(JSONValue.string))),
        ]))
    }

    /// Refuses the first Dask stage among `launches` that the worker could never run,
    /// before any stage of the run starts (the bridge would refuse it only when its turn
    /// came); a `gpu_if_available` stage needs no GPU here.
    public func check(_ launches: [StageLaunch]) throws(ExecError) {
      for stage in launches where stage.executor == .dask {
        var demand = stage.demand
        if stage.gpuIfAvailable, resources["GPU"] == nil { demand.gpu = 0 }
        let wanted = DaskRunner.resources(demand)
        let short = wanted.filter { name, amount in
          (amount.integerValue ?? 0) > (resources[name]?.integerValue ?? 0)
        }
        guard !short.isEmpty else { continue }
        let needs = short.map { "\($0.key) \($0.value.integerValue ?? 0)" }
        let offers = resources.map { "\($0.key) \($0.value.integerValue ?? 0)" }
        throw .refused(
          stage: stage.name,
          reason: "it needs \(needs.joined(separator: ", ")) but the local Dask cluster's worker"
            + " has \(offers.isEmpty ? "none" : offers.joined(separator: ", "))"
            + " (name a scheduler with --dask-scheduler)")
      }
    }
  }

  public struct Options: Sendable {
    public var keepGoing: Bool
    /// The scheduler's address (`tcp://host:port`); nil starts `localCluster` for the run.
    public var scheduler: String?
    /// The cluster started when no scheduler is given.
    public var localCluster: LocalCluster?
    /// The bridge script and the Python that runs it.
    public var bridge: String
    public var python: String
    /// Where the request file and the bridge's own log are written.
    public var logDirectory: String
    /// The environment the bridge runs in.
    public var environment: EnvironmentMap

    public init(
      keepGoing: Bool = false, scheduler: String?, bridge: String, python: String,
      logDirectory: String, environment: EnvironmentMap = [:]
    ) {
      self.environment = environment
      self.keepGoing = keepGoing
      self.scheduler = scheduler
      self.bridge = bridge
      self.python = python
      self.logDirectory = logDirectory
    }
  }

  private let stages: [StageLaunch]
  private let options: Options
  private let report: (RunEvent) -> Void
  private var results: [StageResult?]
  private var started: [Int: Double] = [:]
  private var refusals: [(stage: Int, reason: String)] = []
  private var bridgeError: (status: Int32, message: String)?
  private var failed = false
  /// Whether the bridge was told to start nothing more: a stage failed on another
  /// executor and the run does not keep going.
  private var toldToStopStarts = false
  /// The limits of each stage's next attempt, once one failed and is tried again.
  private var retryLimits: [Int: RetryDecision] = [:]
  /// Each stage's failed attempts so far.
  private var failedAttempts: [Int: [StageAttempt]] = [:]
  /// Where the answers about failed attempts go to the bridge (`decisions` of the request).
  private var decisions: Int32 = -1
  public private(set) var stopSignal: Int32?
  /// Ties this run to the other executors' backends in a run of several (only its stop
  /// signals come through it); nil when it runs alone.
  public var link: BackendLink?

  public init(stages: [StageLaunch], options: Options, report: @escaping (RunEvent) -> Void) {
    (self.stages, self.options, self.report) = (stages, options, report)
    results = Array(repeating: nil, count: stages.count)
  }

  /// The resource annotations of a stage.
  public static func resources(_ demand: StageDemand) -> JSONObject {
    var resources = JSONObject()
    if demand.wholeGPUs > 0 { resources["GPU"] = .integer(Int64(demand.wholeGPUs)) }
    if demand.memory > 0 { resources["MEMORY"] = .integer(demand.memory) }
    for (name, amount) in demand.counters.sorted(by: { $0.key < $1.key }) {
      resources[name] = .integer(amount)
    }
    return resources
  }

  /// What the bridge reads.
  public func request() -> JSONValue {
    .object(
      JSONObject([
        ("scheduler", options.scheduler.map(JSONValue.string) ?? .null),
        ("local_cluster", options.localCluster?.document ?? .null),
        ("keep_going", .bool(options.keepGoing)),
        ("bridge_log", .string(options.logDirectory + "/dask-bridge.log")),
        ("decisions", .string(decisionsPath)),
        ("stages", .array(stages.indices.map { .object(entry(launch($0))) })),
      ]))
  }

  private var decisionsPath: String { options.logDirectory + "/dask-decisions.jsonl" }

  /// A stage's attempt as the bridge runs it. Where the stage's base is the worker's own
  /// environment (`nodeAssignments`), only what flow sets over it goes: the assignments,
  /// or for a container (whose environment is in its argv) what its engine's client needs
  /// beyond the worker's (apptainer's `APPTAINERENV_` variables).
  func entry(_ stage: StageLaunch) -> JSONObject {
    let (argv, variables) = stage.command([])
    var entry = JSONObject([
      ("name", .string(stage.name)), ("argv", .array(argv.map(JSONValue.string))),
      ("directory", stage.directory.map(JSONValue.string) ?? .null),
      ("log", .string(stage.logPath)),
      ("needs", .array(stage.needs.map { .integer(Int64($0)) })),
      ("resources", .object(Self.resources(stage.demand))),
      ("gpu_if_available", .bool(stage.gpuIfAvailable)),
      ("timeout", stage.timeout.map(JSONValue.init(seconds:)) ?? .null),
      ("removal", stage.containerRemoval.map { .array($0.map(JSONValue.string)) } ?? .null),
      ("retry", .bool(stage.retry != nil)),
    ])
    if stage.container != nil {
      entry["gpu_placeholders"] = .array(
        ContainerInvocation.workerGPUPlaceholders(stage.demand.wholeGPUs).map(JSONValue.string))
    }
    guard let assignments = stage.nodeAssignments else {
      var environment = JSONObject()
      for (name, value) in variables.sorted(by: { $0.key < $1.key }) {
        environment[name] = .string(value)
      }
      entry["environment"] = .object(environment)
      entry["assignments"] = .null
      return entry
    }
    var over = assignments
    if stage.container != nil {
      over = variables.filter { options.environment[$0.key] != $0.value }
        .sorted { $0.key < $1.key }
        .map { NodeAssignment(name: $0.key, parts: [.text($0.value)]) }
    }
    entry["assignments"] = .array(over.map(Self.document))
    return entry
  }

  /// An assignment as the bridge applies it: its name and its parts in order (null for a
  /// variable removed), and its test of the worker's environment where it has one
  /// (`test(_:)`); a stop has its message as `stop`.
  static func document(_ assignment: NodeAssignment) -> JSONValue {
    var object = JSONObject([("name", .string(assignment.name)), ("parts", .null)])
    if let when = assignment.when { object["when"] = test(when) }
    if let stop = assignment.stop { object["stop"] = .string(stop) }
    if assignment.removes || assignment.stop != nil { return .object(object) }
    let parts = assignment.parts.map { part -> JSONValue in
      switch part {
      case .text(let text): .array([.string("text"), .string(text)])
      case .variable(let name): .array([.string("variable"), .string(name)])
      case .separatorIfSet(let name): .array([.string("separator_if_set"), .string(name)])
      }
    }
    object["parts"] = .array(parts)
    return .object(object)
  }

  /// A test as the bridge reads it: `["set", NAME]`, `["filled", NAME]`,
  /// `["equals", NAME, TEXT]`, `["exists", PATH]`
  /// (`"isdir"`,
  /// `"isfile"`), `["not", TEST]`, `["all", [TEST…]]`, `["any", [TEST…]]`.
  static func test(_ test: EnvironmentTest) -> JSONValue {
    switch test {
    case .isSet(let name): .array([.string("set"), .string(name)])
    case .filled(let name): .array([.string("filled"), .string(name)])
    case .equals(let name, let text): .array([.string("equals"), .string(name), .string(text)])
    case .path(let path, let kind): .array([.string(kind.rawValue), .string(path)])
    case .not(let inner): .array([.string("not"), Self.test(inner)])
    case .all(let tests): .array([.string("all"), .array(tests.map(Self.test))])
    case .any(let tests): .array([.string("any"), .array(tests.map(Self.test))])
    }
  }

  /// A stage as its next attempt runs: with the limits of its retry, if one failed.
  private func launch(_ index: Int) -> StageLaunch {
    stages[index].limited(by: retryLimits[index])
  }

  public func run() throws(ExecError) -> [StageResult] {
    let relay = try SignalRelay.forRun(linkedBy: link)
    defer { if link == nil { relay.restore() } }
    let requestPath = options.logDirectory + "/dask-request.json"
    try save([], to: decisionsPath)
    decisions = open(decisionsPath, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)
    guard decisions >= 0 else {
      throw .cluster("\(decisionsPath): \(String(cString: strerror(errno)))")
    }
    defer {
      close(decisions)
      unlink(decisionsPath)
    }
    try save(JSONCodec.encode(request()), to: requestPath)
    defer { unlink(requestPath) }
    var bridge = ChildProcess(
      [options.python, options.bridge, requestPath], environment: options.environment)
    // The bridge holds the cluster's futures: it goes when flow-exec goes.
    bridge.diesWithParent = true
    // The bridge's events are short JSON lines; a longer one is cut and not an event.
    var splitter = LineSplitter(maxLength: 1 << 20)
    do throws(ChildProcess.Failure) {
      _ = try bridge.run(
        wake: relay.readDescriptor,
        onWake: { pid in
          for signalNumber in relay.drain() where stopSignal == nil {
            stopSignal = signalNumber
            report(.stopping(signal: signalNumber, at: MonotonicClock.now()))
            _ = kill(pid, SIGTERM)
          }
          if link?.stopsStarts == true, !toldToStopStarts {
            toldToStopStarts = true
            tellBridge(JSONObject([("stop_starts", .bool(true))]))
          }
        },
        onOutput: { bytes in
          for line in splitter.lines(adding: bytes) { self.handle(line) }
        })
    } catch {
      throw .clusterUnavailable(error.message)
    }
    if let bridgeError {
      throw bridgeError.status == ExitStatus.unavailable.rawValue
        ? .clusterUnavailable(bridgeError.message) : .cluster(bridgeError.message)
    }
    if let first = refusals.first {
      throw .refused(stage: stages[first.stage].name, reason: first.reason)
    }
    for index in stages.indices where results[index] == nil {
      let reason = stopSignal != nil ? "the run was stopped" : "not started after a failure"
      end(index, StageResult(outcome: .skipped, status: 0, message: reason))
    }
    return results.map { $0! }
  }

  private func handle(_ line: [UInt8]) {
    guard let event = try? JSONCodec.decode(line), let type = event["type"]?.stringValue else {
      return
    }
    let index = event["stage"]?.integerValue.map(Int.init).flatMap {
      stages.indices.contains($0) ? $0 : nil
    }
    let message = event["message"]?.stringValue
    let now = MonotonicClock.now()
    switch (type, index) {
    case ("error", _):
      let status = event["status"]?.integerValue.map(Int32.init) ?? ExitStatus.toolFailed.rawValue
      bridgeError = (status, message ?? "the dask bridge failed")
    case ("refused", let index?):
      refusals.append((index, event["reason"]?.stringValue ?? "no worker can run it"))
    case ("submitted", let index?):
      report(.submitted(stage: index, job: event["key"]?.stringValue ?? "", at: now))
      started[index] = now
      report(.started(stage: index, pid: 0, gpus: [], at: now))
    case ("skipped", let index?):
      end(index, StageResult(outcome: .skipped, status: 0, message: message))
    case ("ended", let index?):
      let status = event["status"]?.integerValue.map(Int32.init) ?? ExitStatus.toolFailed.rawValue
      let signal = event["signal"]?.integerValue.map(Int32.init)
      var result = StageResult(
        outcome: status == 0 ? .succeeded : .failed, status: status, signal: signal,
        timedOut: event["timed_out"]?.boolValue ?? false,
        seconds: now - (started[index] ?? now), message: message)
      if result.outcome == .failed {
        result.failure = failureClass(index, result, lost: event["lost"]?.boolValue ?? false)
      }
      if event["deciding"]?.boolValue == true {
        let retry = retried(index, result)
        answer(index, retry: retry)
        if retry != nil { return }
      }
      end(index, result)
    default:
      break
    }
  }

  /// The class of a failed attempt: its worker lost (Dask's `KilledWorker`), else as a
  /// local stage's (its time limit; 137 in a container under a memory limit flow did not stop).
  private func failureClass(_ index: Int, _ result: StageResult, lost: Bool) -> FailureClass {
    if lost { return .lost }
    let stage = launch(index)
    return FailureClass(
      local: result, containerMemory: stage.container != nil ? stage.demand.memory : nil,
      stoppedByRunner: stopSignal != nil, kernelOOMKill: false)
  }

  /// The next attempt of a failed stage, when its retry policy gives one; it is reported.
  private func retried(_ index: Int, _ result: StageResult) -> RetryDecision? {
    let stage = launch(index)
    let attempt = StageAttempt(
      number: (failedAttempts[index]?.count ?? 0) + 1, failure: result.failure ?? .failed,
      status: result.status, memory: stage.demand.memory, timeout: stage.timeout,
      seconds: result.seconds)
    guard stopSignal == nil, !(failed && !options.keepGoing),
      let next = RetryDecision.after(
        attempt, policy: stage.retry,
        memoryCeiling: options.scheduler == nil
          ? options.localCluster?.resources["MEMORY"]?.integerValue : nil)
    else { return nil }
    failedAttempts[index, default: []].append(attempt)
    retryLimits[index] = next
    report(.retrying(stage: index, failed: attempt, next: next, at: MonotonicClock.now()))
    return next
  }

  /// Tells the bridge whether a failed stage is tried again, and how.
  private func answer(_ index: Int, retry: RetryDecision?) {
    var answer = JSONObject([("stage", .integer(Int64(index))), ("retry", .bool(retry != nil))])
    if retry != nil {
      for (key, value) in entry(launch(index)) where key != "name" && key != "needs" {
        answer[key] = value
      }
    }
    tellBridge(answer)
  }

  /// Appends a line to the decisions file the bridge reads.
  private func tellBridge(_ line: JSONObject) {
    try? Descriptor.writeAll(JSONCodec.encode(.object(line)) + [10], to: decisions)
  }

  private func end(_ index: Int, _ result: StageResult) {
    var result = result
    result.earlierAttempts = failedAttempts[index] ?? []
    if result.outcome == .failed { failed = true }
    results[index] = result
    report(.ended(stage: index, result: result, at: MonotonicClock.now()))
  }

  /// Writes the request whole or not at all, readable by its owner only (it carries the
  /// stages' environments).
  private func save(_ bytes: [UInt8], to path: String) throws(ExecError) {
    do throws(IOError) {
      try OutputFile.writeAtomically(bytes, to: path, newMode: 0o600)
    } catch {
      throw .cluster(error.description)
    }
  }
}
