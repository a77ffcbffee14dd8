import Glibc

/// Runs prepared stages as local processes: each starts when the stages it needs have
/// succeeded and its CPUs, memory, GPUs and counters are free (and, under make, a job
/// slot), in its own process group, its output in its log file. Timeouts and stop
/// signals end everything a stage started (its group and whatever carries its mark, see
/// `RunProcesses`): SIGTERM, then SIGKILL after the grace period; what a stage leaves
/// when it ends is killed. Nothing started is left running when `run` returns, and a
/// stage's leader dies with the runner's process.
public final class LocalRunner {
  public struct Options: Sendable {
    /// At most this many stages at once (`-j`).
    public var jobs: Int?
    /// After a failure, keep starting stages that do not depend on it.
    public var keepGoing: Bool
    /// Seconds between SIGTERM and SIGKILL.
    public var grace: Double
    public var capacity: PlanCapacity
    /// Relay each line the stages write as an `output` event (through a pipe).
    public var relaysOutput = false
    /// Where the run is recorded while it goes, so that a later run can stop what it
    /// left if this process is killed.
    public var runRecords: RunRecords?
    /// The queues the events and notes go through: while one is backlogged (its reader
    /// stalled), the stages' output is not read (it waits in their pipes, slowing them
    /// down) and timers and signals are still served, so a stalled reader never stops a
    /// run nor grows its memory.
    public var outputQueues: [OutputQueue] = []
    /// Asked as each stage is ready whether it may be skipped, told as each one ends.
    public var cache: StageCache?

    public init(
      jobs: Int? = nil, keepGoing: Bool = false, grace: Double = 10, capacity: PlanCapacity,
      relaysOutput: Bool = false
    ) {
      self.relaysOutput = relaysOutput
      self.jobs = jobs
      self.keepGoing = keepGoing
      self.grace = grace
      self.capacity = capacity
    }
  }

  private struct Running {
    var stage: Int
    var started: Double
    var deadline: Double?
    var killAt: Double?
    var timedOut = false
    var gpus: [String]
    var token: UInt8?
    var relay: StageOutputRelay?
    /// What this attempt was given: its demand (the memory grows on retries) and limit.
    var demand: StageDemand
    var timeout: Double?
    /// The kernel's OOM kills in this cgroup when it started, for a stage that may retry.
    var oomKills: Int64?
  }

  private let stages: [StageLaunch]
  private let options: Options
  private let jobserver: Jobserver?
  private let report: (RunEvent) -> Void
  private var results: [StageResult?]
  private var running: [Int32: Running] = [:]
  private var groups: [Int32] = []
  /// Groups of ended stages that may still hold this process's children (orphans).
  private var lingering: Set<Int32> = []
  private var freeCPU: Double
  private var freeMemory: Int64
  private var freeGPUs: [String]
  /// The part of each shared GPU its running stages hold; a shared GPU is not free.
  private var gpuShares: [String: Double] = [:]
  private var freeCounters: [String: Int64]
  private var failed = false
  /// How many stages at the front of the plan's order have ended (`startReady`).
  private var endedInOrder = 0
  /// Stages whose container was already removed after their engine died.
  private var removedContainers: Set<Int> = []
  /// Stages the runner stopped (timeout or Ctrl-C): their containers are removed at the end
  /// even when the client exited on its own, since the engine's `--rm` may still be running.
  private var stoppedStages: Set<Int> = []
  /// The limits of each stage's next attempt, once one failed and is tried again.
  private var retryLimits: [Int: RetryDecision] = [:]
  /// Each stage's failed attempts so far.
  private var failedAttempts: [Int: [StageAttempt]] = [:]
  /// The stop signal received, if any.
  public private(set) var stopSignal: Int32?
  private var processes = RunProcesses(adoptsOrphans: false)
  /// Whether the stages given GPUs open them.
  private let gpuUse = GPUUseWatch()
  /// Whether the run takes over the stop signals and SIGCHLD (a command does; a test
  /// that shares its process with others does not, and the loop then looks every 20 ms).
  var handlesSignals = true
  /// Ties this run to the other executors' backends in a run of several; nil when it
  /// runs alone.
  public var link: BackendLink?

  public init(
    stages: [StageLaunch], options: Options, jobserver: Jobserver? = nil,
    report: @escaping (RunEvent) -> Void
  ) {
    self.stages = stages
    self.options = options
    self.jobserver = jobserver
    self.report = report
    results = Array(repeating: nil, count: stages.count)
    freeCPU = options.capacity.cpu
    freeMemory = options.capacity.memory
    freeGPUs = options.capacity.gpuIDs
    freeCounters = options.capacity.counters
  }

  /// Runs every stage (or as many as a failure or a stop signal allows) and returns how
  /// each ended, in the order of `stages`.
  public func run() throws(ExecError) -> [StageResult] {
    let relay = try SignalRelay.forRun(linkedBy: link, handlingSignals: handlesSignals)
    defer { if link == nil { relay.restore() } }
    // Orphans of a stage become this process's children, so they are reaped here.
    let subreaper = becomeChildSubreaper() == 0
    // Beside other backends, this process's children are not all this run's.
    processes = RunProcesses(adoptsOrphans: handlesSignals && link == nil)
    processes.isSubreaper = subreaper
    options.runRecords?.add(processes.run)
    defer { options.runRecords?.remove(processes.run) }
    let order = stages.indices.sorted {
      (stages[$0].priority, $0) < (stages[$1].priority, $1)
    }
    while true {
      var waitingForSlot = false
      if stopSignal == nil && !stopsStarting {
        waitingForSlot = startReady(order)
      }
      if running.isEmpty && !waitsForOtherExecutors { break }
      var descriptors = [pollfd(fd: relay.readDescriptor, events: Int16(POLLIN), revents: 0)]
      if waitingForSlot, let jobserver {
        descriptors.append(pollfd(fd: jobserver.readDescriptor, events: Int16(POLLIN), revents: 0))
      }
      let holdingOutput = options.outputQueues.contains { $0.isBacklogged }
      for entry in running.values where !holdingOutput {
        if let relay = entry.relay {
          descriptors.append(pollfd(fd: relay.readDescriptor, events: Int16(POLLIN), revents: 0))
        }
      }
      // While output is held, the loop looks again soon for the reader to catch up.
      let timeout = holdingOutput ? min(pollTimeout(), 20) : pollTimeout()
      _ = poll(&descriptors, nfds_t(descriptors.count), timeout)
      for signalNumber in relay.drain() {
        guard stopSignal == nil else {
          // A second stop signal does not wait for the grace period.
          for pid in running.keys { _ = kill(-pid, SIGKILL) }
          processes.signalAll(SIGKILL, leaders: Set(running.keys))
          continue
        }
        stopSignal = signalNumber
        report(.stopping(signal: signalNumber, at: MonotonicClock.now()))
        terminateAll()
      }
      // Each relay reads within bounds: a flood waits in its pipe while timers and
      // signals are served.
      for entry in running.values where !holdingOutput {
        for line in entry.relay?.drain() ?? [] {
          report(.output(stage: entry.stage, line: line, at: MonotonicClock.now()))
        }
      }
      gpuUse.look(now: MonotonicClock.now(), run: processes.run)
      reap()
      enforceDeadlines()
    }
    cleanUp()
    for index in stages.indices where results[index] == nil {
      let reason = stopSignal != nil ? "the run was stopped" : "not started after a failure"
      let result = StageResult(outcome: .skipped, status: 0, message: reason)
      results[index] = result
      report(.ended(stage: index, result: result, at: MonotonicClock.now()))
    }
    return results.map { $0! }
  }

  /// Whether no stage starts any more: after a failure without `--keep-going`, here or on
  /// another executor of the run.
  private var stopsStarting: Bool {
    (failed && !options.keepGoing) || link?.stopsStarts == true
  }

  /// Whether a stage yet to start has needs on another executor that did not fail: it
  /// waits for them, or they succeeded after `startReady` looked (a backend's thread may
  /// end one at any moment), and the next look starts it.
  private var waitsForOtherExecutors: Bool {
    guard let link, stopSignal == nil, !stopsStarting else { return false }
    return stages.indices.contains {
      results[$0] == nil && link.hasNeedsElsewhere($0) && link.needsElsewhereSucceeded($0) != false
    }
  }

  /// Starts what is ready and fits; says whether a stage waits only for a job slot.
  private func startReady(_ order: [Int]) -> Bool {
    // The ended stages at the front of the order are not looked at again: a run of many
    // stages would otherwise walk all of them after each stage that ends.
    while endedInOrder < order.count, results[order[endedInOrder]] != nil { endedInOrder += 1 }
    let runningStages = Set(running.values.map(\.stage))
    var waitingForSlot = false
    for index in order[endedInOrder...]
    where results[index] == nil && !runningStages.contains(index) {
      switch readiness(of: index) {
      case .waiting: continue
      case .blocked:
        let result = StageResult(
          outcome: .skipped, status: 0, message: "a stage it needs did not succeed")
        results[index] = result
        report(.ended(stage: index, result: result, at: MonotonicClock.now()))
        continue
      case .ready: break
      }
      if let cached = options.cache?.skip(index) {
        finish(index, cached, token: nil)
        continue
      }
      if let jobs = options.jobs, running.count >= jobs { break }
      guard (fits(demand(of: index)) && shareFits(stages[index])) || running.isEmpty else {
        continue
      }
      var token: UInt8?
      if let jobserver, !running.isEmpty {
        guard let taken = jobserver.acquire() else {
          waitingForSlot = true
          break
        }
        token = taken
      }
      start(index, token: token)
      if stopsStarting { break }
    }
    return waitingForSlot
  }

  private enum Readiness { case ready, waiting, blocked }

  /// Whether the stages a stage needs let it start: all ended and let dependants run
  /// (ready), one ended and does not (blocked), or one has not ended yet (waiting).
  private func readiness(of index: Int) -> Readiness {
    var readiness = Readiness.ready
    for need in stages[index].needs {
      guard let result = results[need] else {
        readiness = .waiting
        continue
      }
      if !result.outcome.letsDependantsRun { return .blocked }
    }
    switch link?.needsElsewhereSucceeded(index) {
    case false?: return .blocked
    case nil where link != nil: return .waiting
    default: return readiness
    }
  }

  /// A stage's demand for its next attempt.
  private func demand(of index: Int) -> StageDemand {
    var demand = stages[index].demand
    if let limits = retryLimits[index] { demand.memory = limits.memory }
    return demand
  }

  private func fits(_ demand: StageDemand) -> Bool {
    guard demand.cpu <= freeCPU + 1e-9, demand.memory <= freeMemory, demand.gpu <= freeGPUs.count
    else { return false }
    return demand.counters.allSatisfy { freeCounters[$0.key, default: 0] >= $0.value }
  }

  /// Whether a stage holding a share of a GPU has a device to go on now.
  private func shareFits(_ stage: StageLaunch) -> Bool {
    stage.demand.gpuFraction <= 0 || sharedGPU(for: stage) != nil
  }

  /// The device a stage holding a share goes on: its planned one, else any shared one
  /// with room, else a free one; nil for a stage without a share, or when none has room.
  private func sharedGPU(for stage: StageLaunch) -> String? {
    let share = stage.demand.gpuFraction
    guard share > 0 else { return nil }
    let room = { (id: String) -> Bool in
      self.gpuShares[id].map { $0 + share <= 1 + GPUShare.tolerance } ?? self.freeGPUs.contains(id)
    }
    return stage.plannedGPUs.first(where: room)
      ?? gpuShares.keys.sorted().first(where: room) ?? freeGPUs.first(where: room)
  }

  /// The GPUs an ended stage makes free: all it held whole, and a shared one only when no
  /// running stage holds a share of it any more.
  private func releasing(_ gpus: [String], share: Double) -> [String] {
    guard share > 0 else { return gpus }
    return gpus.filter { id in
      let left = (gpuShares[id] ?? 0) - share
      gpuShares[id] = left > GPUShare.tolerance ? left : nil
      return gpuShares[id] == nil
    }
  }

  private func start(_ index: Int, token: UInt8?) {
    let stage = stages[index]
    var gpus = stage.plannedGPUs.filter { freeGPUs.contains($0) }.prefix(stage.demand.gpu).map {
      $0
    }
    for id in freeGPUs where gpus.count < stage.demand.gpu && !gpus.contains(id) { gpus.append(id) }
    if let shared = sharedGPU(for: stage) { gpus = [shared] }
    let demand = demand(of: index)
    let limits = retryLimits[index]
    let timeout = limits.map(\.timeout) ?? stage.timeout
    let (argv, environment) =
      limits != nil
      ? stage.commandWithMemory?(gpus, demand.memory) ?? stage.command(gpus)
      : stage.command(gpus)
    let now = MonotonicClock.now()
    let output = open(stage.logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard output >= 0 else {
      let message = "\(stage.logPath): \(String(cString: strerror(errno)))"
      finish(
        index,
        StageResult(outcome: .failed, status: ExitStatus.toolFailed.rawValue, message: message),
        token: token)
      return
    }
    let relay = options.relaysOutput ? try? StageOutputRelay(log: output) : nil
    defer { if relay == nil { close(output) } }
    let pid: Int32
    var process = ChildProcess(argv, environment: environment, directory: stage.directory)
    // A container kept by its engine (podman, docker) runs under the engine, whose helpers
    // (conmon, a rootless pause process) may serve other containers: such a stage is not
    // marked, its container is removed by name instead.
    if stage.containerRemoval == nil {
      let mark = processes.mark(stage: index)
      process.environment[mark.name] = mark.value
    }
    process.diesWithParent = true
    do throws(ChildProcess.Failure) {
      pid = try process.start(output: relay?.writeDescriptor ?? output)
      relay?.childStarted()
    } catch {
      // A stage's engine that cannot start is the engine's failure, not the command's.
      var failure = StageResult(
        outcome: .failed, status: error.status.rawValue, message: error.message)
      if let container = stage.container {
        failure.status = ExitStatus.toolFailed.rawValue
        failure.message = "container engine \(container.engine.rawValue) cannot start: \(error)"
      }
      try? Descriptor.writeAll(Array("flow-exec: \(failure.message ?? "")\n".utf8), to: output)
      finish(index, failure, token: token)
      return
    }
    freeCPU -= demand.cpu
    freeMemory -= demand.memory
    freeGPUs.removeAll { gpus.contains($0) }
    for id in gpus where demand.gpuFraction > 0 {
      gpuShares[id, default: 0] += demand.gpuFraction
    }
    for (name, amount) in demand.counters { freeCounters[name, default: 0] -= amount }
    groups.append(pid)
    if let removal = stage.containerRemoval {
      options.runRecords?.add(containerRemoval: removal, to: processes.run)
    }
    running[pid] = Running(
      stage: index, started: now, deadline: timeout.map { now + $0 }, gpus: gpus,
      token: token, relay: relay, demand: demand, timeout: timeout,
      oomKills: stage.retry != nil ? OOMKillCount.current() : nil)
    if !gpus.isEmpty {
      gpuUse.begin(
        stage: index, leader: pid, gpus: gpus,
        nodes: gpus.flatMap { stage.gpuDeviceNodes[$0] ?? [] },
        unknown: stage.container.flatMap { container in
          // podman's and docker's containers run under the engine's own processes.
          stage.containerRemoval == nil
            ? nil
            : "unknown: the container's processes run under \(container.engine.rawValue),"
              + " out of flow-exec's sight"
        })
    }
    report(.started(stage: index, pid: pid, gpus: gpus, at: now))
  }

  private func finish(_ index: Int, _ result: StageResult, token: UInt8?) {
    var result = result
    result.earlierAttempts = failedAttempts[index] ?? []
    if let token { jobserver?.release(token) }
    if result.outcome == .failed { failed = true }
    options.cache?.ended(index, result)
    results[index] = result
    report(.ended(stage: index, result: result, at: MonotonicClock.now()))
  }

  /// Collects the stages that ended. Only this runner's own children are waited for (by
  /// PID, and by group for what their stages left behind), never any child at all.
  private func reap() {
    var status: Int32 = 0
    processes.reap(leaders: Set(running.keys))
    for group in lingering {
      var reaped = waitpid(-group, &status, WNOHANG)
      while reaped > 0 { reaped = waitpid(-group, &status, WNOHANG) }
      if reaped < 0 && errno == ECHILD { lingering.remove(group) }
    }
    for pid in Array(running.keys) {
      var usage = rusage()
      let waited = wait4(pid, &status, WNOHANG, &usage)
      // A leader that is no longer a child was reaped elsewhere: it ended, status unknown.
      let lost = waited < 0 && errno == ECHILD
      guard waited == pid || lost, let entry = running.removeValue(forKey: pid) else { continue }
      if lost { status = 0 }
      if entry.killAt != nil { stoppedStages.insert(entry.stage) }
      // What the stage left behind, in its group or escaped from it, goes with it.
      _ = kill(-pid, SIGKILL)
      processes.killAll(stage: entry.stage, leaders: Set(running.keys))
      lingering.insert(pid)
      for line in entry.relay?.drainAfterEnd() ?? [] {
        report(.output(stage: entry.stage, line: line, at: MonotonicClock.now()))
      }
      let stage = stages[entry.stage]
      freeCPU += entry.demand.cpu
      freeMemory += entry.demand.memory
      freeGPUs += releasing(entry.gpus, share: entry.demand.gpuFraction)
      for (name, amount) in entry.demand.counters { freeCounters[name, default: 0] += amount }
      let ended = ProcessStatus(waitStatus: status)
      let code =
        entry.timedOut
        ? ExitStatus.timedOut.rawValue : lost ? ExitStatus.toolFailed.rawValue : ended.shellStatus
      var result = StageResult(
        outcome: code == 0 ? .succeeded : .failed, status: code, signal: ended.signal,
        timedOut: entry.timedOut, seconds: MonotonicClock.now() - entry.started,
        peakMemory: Int64(usage.ru_maxrss) * 1024,
        message: entry.timedOut
          ? "timed out after \(entry.timeout ?? 0) s" : lost ? "its exit status was lost" : nil)
      result.cpuSeconds = usage.cpuSeconds
      result.gpuUse = gpuUse.end(stage: entry.stage)
      if let container = stage.container, code != 0 {
        checkEngine(container, stage: stage, entry: entry, result: &result)
      }
      if let failure = entry.relay?.logFailure {
        let note = "its log could not be written whole: \(failure)"
        result.message = result.message.map { "\($0); \(note)" } ?? note
      }
      if result.outcome == .failed, retried(entry, &result) { continue }
      finish(entry.stage, result, token: entry.token)
    }
  }

  /// Classifies a failed attempt and, when the stage's retry policy allows another, says
  /// so and makes the stage ready again with the limits `RetryDecision` gives.
  private func retried(_ entry: Running, _ result: inout StageResult) -> Bool {
    let stage = stages[entry.stage]
    let kernelOOMKill = entry.oomKills.flatMap { before in
      OOMKillCount.current().map { $0 > before }
    }
    let failure = FailureClass(
      local: result, containerMemory: stage.container != nil ? entry.demand.memory : nil,
      stoppedByRunner: entry.killAt != nil, kernelOOMKill: kernelOOMKill ?? false)
    result.failure = failure
    let attempt = StageAttempt(
      number: (failedAttempts[entry.stage]?.count ?? 0) + 1, failure: failure,
      status: result.status, memory: entry.demand.memory, timeout: entry.timeout,
      seconds: result.seconds)
    guard stopSignal == nil, !stopsStarting,
      let next = RetryDecision.after(
        attempt, policy: stage.retry, memoryCeiling: options.capacity.memory)
    else { return false }
    failedAttempts[entry.stage, default: []].append(attempt)
    retryLimits[entry.stage] = next
    if let token = entry.token { jobserver?.release(token) }
    report(.retrying(stage: entry.stage, failed: attempt, next: next, at: MonotonicClock.now()))
    return true
  }

  /// Reports a container engine's own failure as such; when the engine died by a signal
  /// of its own, removes the container it left running, by the name it was given.
  private func checkEngine(
    _ container: (engine: ContainerEngine, name: String), stage: StageLaunch, entry: Running,
    result: inout StageResult
  ) {
    let lastLine =
      result.signal == nil
        && (ExitStatus.toolFailed.rawValue...ExitStatus.notFound.rawValue).contains(result.status)
      ? ContainerEngineFailure.lastLine(of: stage.logPath) : nil
    guard
      let failure = ContainerEngineFailure(
        engine: container.engine, container: container.name, status: result.status,
        signal: result.signal, stoppedByRunner: entry.killAt != nil, lastLine: lastLine)
    else { return }
    result.status = failure.status
    result.message = failure.message
    if result.signal != nil, let removal = stage.containerRemoval {
      removedContainers.insert(entry.stage)
      result.message! +=
        ContainerRemoval.run(removal)
        ? "; the container was removed" : "; removing the container failed"
    }
  }

  private func terminateAll() {
    let killAt = MonotonicClock.now() + options.grace
    for pid in running.keys {
      _ = kill(-pid, SIGTERM)
      running[pid]!.killAt = min(running[pid]!.killAt ?? killAt, killAt)
    }
    processes.signalAll(SIGTERM, leaders: Set(running.keys))
  }

  private func enforceDeadlines() {
    let now = MonotonicClock.now()
    for (pid, entry) in running {
      if let killAt = entry.killAt {
        guard now >= killAt else { continue }
        _ = kill(-pid, SIGKILL)
        processes.signal(stage: entry.stage, SIGKILL)
      } else if let deadline = entry.deadline, now >= deadline {
        _ = kill(-pid, SIGTERM)
        processes.signal(stage: entry.stage, SIGTERM)
        running[pid]!.timedOut = true
        running[pid]!.killAt = now + options.grace
      }
    }
  }

  private func pollTimeout() -> Int32 {
    let now = MonotonicClock.now()
    var next = Double.infinity
    for entry in running.values {
      if let killAt = entry.killAt {
        next = min(next, killAt)
      } else if let deadline = entry.deadline {
        next = min(next, deadline)
      }
    }
    // A second at most: children are reaped even if a wake-up were lost.
    // A stage given GPUs is looked at every `GPUUseWatch.interval` seconds while it runs.
    let longest: Double = handlesSignals ? (gpuUse.isWatching ? 500 : 1000) : 20
    guard next.isFinite else { return Int32(longest) }
    return Int32(max(0, min(longest, ((next - now) * 1000).rounded(.up))))
  }

  /// Kills whatever is left in the stages' groups, reaps it, and removes containers of
  /// stages that did not end on their own.
  private func cleanUp() {
    var alive = groups.filter { kill(-$0, 0) == 0 }
    for group in alive { _ = kill(-group, SIGKILL) }
    let giveUp = MonotonicClock.now() + 5
    var status: Int32 = 0
    while true {
      for group in alive { while waitpid(-group, &status, WNOHANG) > 0 {} }
      alive = alive.filter { kill(-$0, 0) == 0 }
      if alive.isEmpty || MonotonicClock.now() > giveUp { break }
      usleep(1000)
    }
    processes.killEverything(leaders: [])
    for (index, stage) in stages.enumerated() {
      guard let removal = stage.containerRemoval, let result = results[index],
        result.signal != nil || result.timedOut || stoppedStages.contains(index),
        !removedContainers.contains(index)
      else { continue }
      ContainerRemoval.run(removal)
    }
  }
}
