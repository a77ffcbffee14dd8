import Glibc

/// Runs prepared stages as Slurm batch jobs: each is submitted with `sbatch`, depending
/// (`afterok`) on the jobs of the stages it needs, then followed by polling `squeue`; the
/// final state and exit code come from `sacct` when the cluster keeps accounting, else
/// from `scontrol show job`. After a failure the jobs that can no longer run are cancelled
/// (all queued ones without `--keep-going`). A stop signal submits nothing more and cancels
/// every job submitted, by id, including the one whose `sbatch` was under way when the
/// signal came; `run` returns only when none of them is left in the queue.
public final class SlurmRunner: StageRunner {
  public struct Options: Sendable {
    public var keepGoing: Bool
    public var placement: SlurmSubmission.Placement
    /// Where the batch scripts are written.
    public var scriptDirectory: String
    /// Seconds between two looks at the queue.
    public var pollInterval: Double
    /// Where the run's jobs are recorded while it goes, so that a later run cancels them
    /// if this process is killed.
    public var runRecords: RunRecords?

    public init(
      keepGoing: Bool = false, placement: SlurmSubmission.Placement = .init(),
      scriptDirectory: String, pollInterval: Double = 0.5
    ) {
      self.keepGoing = keepGoing
      self.placement = placement
      self.scriptDirectory = scriptDirectory
      self.pollInterval = pollInterval
    }
  }

  private struct Job {
    var id: String
    var started: Double?
    /// When `scancel` was last asked to cancel it.
    var cancelled: Double?
  }

  private let stages: [StageLaunch]
  private let options: Options
  private let slurm: SlurmCommand
  private let report: (RunEvent) -> Void
  private var results: [StageResult?]
  private var jobs: [Int: Job] = [:]
  private var failed = false
  private var usesAccounting = true
  /// This run's name in the run records.
  private let recordName = RunProcesses(adoptsOrphans: false).run
  /// The limits of each stage's next attempt, once one failed and is tried again.
  private var retryLimits: [Int: RetryDecision] = [:]
  /// Each stage's failed attempts so far.
  private var failedAttempts: [Int: [StageAttempt]] = [:]
  /// Stages whose retry is yet to be submitted.
  private var resubmissions: [Int] = []
  public private(set) var stopSignal: Int32?
  /// Ties this run to the other executors' backends in a run of several; nil when it
  /// runs alone.
  public var link: BackendLink?

  /// - Parameter environment: the environment Slurm's commands run in (`PATH`, `SLURM_CONF`).
  public init(
    stages: [StageLaunch], options: Options, environment: EnvironmentMap,
    report: @escaping (RunEvent) -> Void
  ) {
    self.stages = stages
    self.options = options
    self.report = report
    slurm = SlurmCommand(environment: environment)
    results = Array(repeating: nil, count: stages.count)
  }

  public func run() throws(ExecError) -> [StageResult] {
    for stage in stages {
      if let problem = SlurmSubmission.logPathProblem(stage) {
        throw .refused(stage: stage.name, reason: problem)
      }
    }
    let relay = try SignalRelay.forRun(linkedBy: link)
    defer { if link == nil { relay.restore() } }
    options.runRecords?.add(recordName)
    defer { options.runRecords?.remove(recordName) }
    submitAll(relay)
    while !jobs.isEmpty {
      pause(relay)
      follow()
      resubmit(relay)
      followFailureElsewhere()
    }
    for index in stages.indices where results[index] == nil {
      end(index, .notStarted(stopped: stopSignal != nil, afterFailure: failed))
    }
    return results.map { $0! }
  }

  /// Submits every stage whose needs were submitted, in the plan's order.
  private func submitAll(_ relay: SignalRelay) {
    var order = stages.indices.sorted { (stages[$0].priority, $0) < (stages[$1].priority, $1) }
    while !order.isEmpty, stopSignal == nil, !(failed && !options.keepGoing),
      link?.stopsStarts != true
    {
      guard
        let next = order.firstIndex(where: { index in
          stages[index].needs.allSatisfy { jobs[$0] != nil || results[$0] != nil }
        })
      else { break }
      // A signal that came since the last submission stops it before sbatch starts.
      handleSignals(relay)
      if stopSignal != nil { break }
      let index = order.remove(at: next)
      if stages[index].needs.contains(where: { results[$0] != nil && jobs[$0] == nil }) {
        end(
          index,
          StageResult(outcome: .skipped, status: 0, message: "a stage it needs did not succeed"))
        continue
      }
      submit(index, relay)
      handleSignals(relay)
    }
  }

  /// Submits one stage. A stop signal that comes while sbatch runs is handled at once
  /// (sbatch itself, in its own process group, goes on): the job it then returns is
  /// cancelled as soon as its id is known.
  private func submit(_ index: Int, _ relay: SignalRelay) {
    let stage = launch(index)
    let scriptPath = SlurmSubmission.scriptPath(stage: stage, directory: options.scriptDirectory)
    let submission = SlurmSubmission(
      stage: stage, scriptPath: scriptPath,
      dependencies: stage.needs.compactMap { jobs[$0]?.id },
      placement: options.placement.over(extraData: stage.extraData))
    if let problem = save(submission.script, to: scriptPath) {
      let message = problem
      end(
        index,
        StageResult(outcome: .failed, status: ExitStatus.toolFailed.rawValue, message: message))
      return
    }
    let outcome = slurm.run(submission.argv, wake: relay.readDescriptor) {
      handleSignals(relay)
    }
    // `--parsable` prints `ID` or `ID;CLUSTER`; warnings on standard error may follow it.
    // Only ASCII digits count: the id goes into scancel's, squeue's and scontrol's argv.
    let id = outcome.lines.last { line in
      let first = line.split(separator: ";").first ?? ""
      return !first.isEmpty && first.allSatisfy { $0.isASCII && $0.isNumber }
    }?.split(separator: ";").first.map(String.init)
    guard outcome.status == 0, let id else {
      // A job sbatch created while failing must not be left behind.
      if let id { _ = slurm.run(["scancel", id]) }
      let message = outcome.lines.last { $0.contains("error") } ?? outcome.lines.last
      end(
        index,
        StageResult(
          outcome: .failed,
          status: outcome.status == ExitStatus.notFound.rawValue
            ? ExitStatus.notFound.rawValue : ExitStatus.toolFailed.rawValue,
          message: message ?? "sbatch failed with status \(outcome.status)"))
      return
    }
    jobs[index] = Job(id: id)
    options.runRecords?.add(slurmJob: id, name: SafeName.of(stage.name), to: recordName)
    report(.submitted(stage: index, job: id, at: MonotonicClock.now()))
    if stopSignal != nil { cancel([index]) }
  }

  /// Waits a poll interval, or less when a stop signal comes. The SIGCHLD of each Slurm
  /// command also wakes the relay, so the wait goes on until its deadline.
  private func pause(_ relay: SignalRelay) {
    let deadline = MonotonicClock.now() + options.pollInterval
    let signalBefore = stopSignal
    while stopSignal == signalBefore {
      let remaining = deadline - MonotonicClock.now()
      if remaining <= 0 { break }
      var descriptor = pollfd(fd: relay.readDescriptor, events: Int16(POLLIN), revents: 0)
      _ = poll(&descriptor, 1, Int32((remaining * 1000).rounded(.up)))
      handleSignals(relay)
    }
  }

  private func handleSignals(_ relay: SignalRelay) {
    for signalNumber in relay.drain() where stopSignal == nil {
      stopSignal = signalNumber
      report(.stopping(signal: signalNumber, at: MonotonicClock.now()))
      cancel(Array(jobs.keys))
    }
  }

  /// Looks at the queue once: reports jobs that started, and ends the ones that left it.
  /// Cancelled jobs still queued after a while are cancelled again (a lost `scancel`).
  private func follow() {
    let ids = jobs.values.map(\.id)
    let listing = slurm.run(
      ["squeue", "--noheader", "--format=%i %T", "--jobs=" + ids.joined(separator: ",")])
    var queued: [String: String] = [:]
    if listing.status == 0 {
      for line in listing.lines {
        let words = line.split(separator: " ")
        if words.count == 2 { queued[String(words[0])] = String(words[1]) }
      }
    }
    let now = MonotonicClock.now()
    let again = jobs.filter {
      queued[$0.value.id] != nil && $0.value.cancelled.map { now - $0 > 5 } ?? false
    }
    cancel(Array(again.keys))
    for (index, job) in jobs.sorted(by: { $0.key < $1.key }) {
      if let state = queued[job.id] {
        if state != "PENDING", job.started == nil { started(index, at: now) }
        continue
      }
      guard let final = finalState(job.id), final.isFinal else { continue }
      if job.started == nil && final.state != "CANCELLED" { started(index, at: now) }
      jobs.removeValue(forKey: index)
      let seconds = job.started.map { now - $0 } ?? 0
      if final.state == "CANCELLED" && job.started == nil {
        let reason = stopSignal != nil ? "the run was stopped" : "cancelled before it started"
        end(index, StageResult(outcome: .skipped, status: 0, message: reason))
        continue
      }
      var result = final.result(seconds: seconds, timeLimit: stages[index].timeout)
      if final.state == "CANCELLED", job.cancelled != nil || stopSignal != nil {
        let signal = stopSignal ?? SIGTERM
        result = StageResult(
          outcome: .failed, status: ExitStatus.signalled(signal), signal: signal, seconds: seconds,
          message: "slurm job cancelled")
      }
      if result.outcome == .failed, job.cancelled == nil, stopSignal == nil {
        result.failure = final.failureClass
        if retried(index, result) { continue }
      }
      end(index, result)
      if result.outcome == .failed { afterFailure(of: index) }
    }
  }

  /// A stage that failed on another executor stops this run's starts as a failure here
  /// would without `--keep-going`: nothing more is submitted, the queued jobs are cancelled.
  private func followFailureElsewhere() {
    guard link?.stopsStarts == true, !failed else { return }
    failed = true
    cancel(jobs.filter { $0.value.started == nil }.map(\.key))
  }

  private func started(_ index: Int, at time: Double) {
    jobs[index]?.started = time
    report(.started(stage: index, pid: 0, gpus: [], at: time))
  }

  /// Cancels what can no longer run: the stages that need the failed one, and without
  /// `--keep-going` every job still queued.
  private func afterFailure(of failedIndex: Int) {
    failed = true
    var doomed: Set<Int> = [failedIndex]
    var grew = true
    while grew {
      grew = false
      for index in stages.indices where !doomed.contains(index) {
        if stages[index].needs.contains(where: doomed.contains) {
          doomed.insert(index)
          grew = true
        }
      }
    }
    var cancelled = jobs.keys.filter { doomed.contains($0) }
    if !options.keepGoing {
      cancelled += jobs.filter { $0.value.started == nil && !doomed.contains($0.key) }.map(\.key)
    }
    cancel(cancelled)
  }

  /// Cancels jobs by their ids (never by name), and says so.
  private func cancel(_ indexes: [Int]) {
    let ids = indexes.sorted().compactMap { jobs[$0]?.id }
    guard !ids.isEmpty else { return }
    let now = MonotonicClock.now()
    for index in indexes { jobs[index]?.cancelled = now }
    report(.cancelling(jobs: ids, at: now))
    _ = slurm.run(["scancel"] + ids)
  }

  /// The job's state from `sacct` while the cluster keeps accounting, else `scontrol`.
  private func finalState(_ id: String) -> SlurmJobState? {
    if usesAccounting {
      let outcome = slurm.run(
        [
          "sacct", "--allocations", "--noheader", "--parsable2", "--jobs=" + id,
          "--format=State,ExitCode",
        ])
      if outcome.status == 0, let state = SlurmJobState(sacct: outcome.output) { return state }
      if outcome.status != 0 || outcome.output.contains("disabled") { usesAccounting = false }
    }
    let outcome = slurm.run(["scontrol", "show", "job", id])
    return outcome.status == 0 ? SlurmJobState(scontrol: outcome.output) : nil
  }

  /// A stage as its next attempt is submitted: with the memory and time limit of its
  /// retry, if one failed.
  private func launch(_ index: Int) -> StageLaunch {
    stages[index].limited(by: retryLimits[index])
  }

  /// Whether the stage's retry policy gives a failed job another attempt; if so, it is
  /// reported and queued for submission.
  private func retried(_ index: Int, _ result: StageResult) -> Bool {
    let stage = launch(index)
    let attempt = StageAttempt(
      number: (failedAttempts[index]?.count ?? 0) + 1, failure: result.failure ?? .failed,
      status: result.status, memory: stage.demand.memory, timeout: stage.timeout,
      seconds: result.seconds)
    guard !(failed && !options.keepGoing),
      let next = RetryDecision.after(attempt, policy: stage.retry)
    else { return false }
    failedAttempts[index, default: []].append(attempt)
    retryLimits[index] = next
    resubmissions.append(index)
    report(.retrying(stage: index, failed: attempt, next: next, at: MonotonicClock.now()))
    return true
  }

  /// Submits the retries due, then points the queued jobs that waited for an earlier
  /// attempt at the new job (`afterok` on a failed job never starts).
  private func resubmit(_ relay: SignalRelay) {
    let due = resubmissions
    resubmissions = []
    for index in due where stopSignal == nil {
      submit(index, relay)
      guard jobs[index] != nil else {
        afterFailure(of: index)
        continue
      }
      for (waiting, job) in jobs where stages[waiting].needs.contains(index) {
        let ids = stages[waiting].needs.compactMap { jobs[$0]?.id }
        let dependency = ids.isEmpty ? "" : "afterok:" + ids.joined(separator: ":")
        _ = slurm.run(["scontrol", "update", "JobId=" + job.id, "Dependency=" + dependency])
      }
    }
  }

  private func end(_ index: Int, _ result: StageResult) {
    var result = result
    result.earlierAttempts = failedAttempts[index] ?? []
    if result.outcome == .failed { failed = true }
    results[index] = result
    report(.ended(stage: index, result: result, at: MonotonicClock.now()))
  }

  /// Writes a batch script whole or not at all, readable by its owner only (it carries the
  /// stage's environment); what went wrong, or nil.
  private func save(_ text: String, to path: String) -> String? {
    do throws(IOError) {
      try OutputFile.writeAtomically(Array(text.utf8), to: path, newMode: 0o600)
      return nil
    } catch {
      return error.description
    }
  }
}
