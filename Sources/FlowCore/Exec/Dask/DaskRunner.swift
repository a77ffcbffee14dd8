import Glibc

/// Runs prepared stages on a Dask cluster through the Python bridge that ships with
/// flow (`share/flow/flow-dask-bridge.py`): Dask accepts only Python clients. The bridge
/// gets the stages as one JSON file, refuses before submitting anything a stage no
/// worker could ever run (Dask would wait for it forever), submits each stage's command
/// with its resources as annotations (`GPU`, `MEMORY`, named counters) once its needs
/// succeeded, and writes events as JSON lines. A stop signal is passed on to the bridge,
/// which stops the running commands; `run` returns when the bridge has ended.
public final class DaskRunner: StageRunner {
  /// A Dask cluster on this machine, started by the bridge for one run and closed at its
  /// end: one worker whose threads and resources are this machine's capacity. Every
  /// listener binds 127.0.0.1 and no dashboard is served.
  public struct LocalCluster: Sendable, Equatable {
    public var threads: Int
    /// The worker's resources (`MEMORY` in bytes, `GPU`, named counters).
    public var resources: JSONObject

    public init(capacity: PlanCapacity) {
      threads = max(1, Int(capacity.cpu.rounded(.down)))
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
        JSONObject([("threads", .integer(Int64(threads))), ("resources", .object(resources))]))
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
    let entries = stages.map { stage -> JSONValue in
      let (argv, variables) = stage.command([])
      var environment = JSONObject()
      for (name, value) in variables {
        environment[name] = .string(value)
      }
      return .object(
        JSONObject([
          ("name", .string(stage.name)), ("argv", .array(argv.map(JSONValue.string))),
          ("environment", .object(environment)),
          ("directory", stage.directory.map(JSONValue.string) ?? .null),
          ("log", .string(stage.logPath)),
          ("needs", .array(stage.needs.map { .integer(Int64($0)) })),
          ("resources", .object(Self.resources(stage.demand))),
          ("gpu_if_available", .bool(stage.gpuIfAvailable)),
        ]))
    }
    return .object(
      JSONObject([
        ("scheduler", options.scheduler.map(JSONValue.string) ?? .null),
        ("local_cluster", options.localCluster?.document ?? .null),
        ("keep_going", .bool(options.keepGoing)),
        ("bridge_log", .string(options.logDirectory + "/dask-bridge.log")),
        ("stages", .array(entries)),
      ]))
  }

  public func run() throws(ExecError) -> [StageResult] {
    let relay = try SignalRelay.forRun(linkedBy: link)
    defer { if link == nil { relay.restore() } }
    let requestPath = options.logDirectory + "/dask-request.json"
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
      end(
        index,
        StageResult(
          outcome: status == 0 ? .succeeded : .failed, status: status, signal: signal,
          seconds: now - (started[index] ?? now), message: message))
    default:
      break
    }
  }

  private func end(_ index: Int, _ result: StageResult) {
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
