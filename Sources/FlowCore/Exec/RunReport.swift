/// A run as flow-exec reports it: one line per event while it runs; then its exit
/// status, a summary, the durations for the next plan and a trace.
public struct RunReport {
  public let stages: [StageLaunch]
  /// When the run began (monotonic seconds); event times count from here.
  public let began: Double
  /// Whether each line a stage writes becomes a `stage-output` event.
  public var writesOutput: Bool
  public private(set) var trace = TraceRecorder()
  /// The status of the first stage that failed.
  public private(set) var firstFailure: Int32?
  /// Why a stage runs or is cached, for its events (`StageCache.reasons`).
  public var reason: (Int) -> String? = { _ in nil }

  public init(stages: [StageLaunch], began: Double, writesOutput: Bool = false) {
    self.stages = stages
    self.began = began
    self.writesOutput = writesOutput
  }

  /// Records `event`; returns its line, or `nil` for output lines not written.
  public mutating func record(_ event: RunEvent) -> [UInt8]? {
    switch event {
    case .started(let index, _, _, let time):
      trace.started(index, at: time - began)
    case .ended(let index, let result, let time):
      trace.ended(index, name: stages[index].name, result: result, at: time - began)
      if result.outcome == .failed, firstFailure == nil { firstFailure = result.status }
    case .output:
      if !writesOutput { return nil }
    case .stopping, .cancelling, .submitted, .retrying:
      break
    }
    return RunEventLine.event(event, stages: stages, began: began, reason: reason)
  }

  /// What a person is told on standard error about `event`, if anything.
  public static func note(for event: RunEvent) -> String? {
    switch event {
    case .stopping(let signal, _): "\(SignalName.of(signal)) received: stopping the run"
    case .cancelling(let jobs, _): "cancelling slurm jobs \(jobs.joined(separator: ", "))"
    default: nil
    }
  }

  /// What a person is told on standard error about a stage tried again.
  public func retryNote(for event: RunEvent) -> String? {
    guard case .retrying(let index, let failed, let next, _) = event else { return nil }
    var note =
      "stage '\(stages[index].name)' failed (\(failed.failure.rawValue), status \(failed.status));"
      + " attempt \(next.attempt)"
    if let policy = stages[index].retry { note += " of \(policy.attempts)" }
    if next.memory != failed.memory { note += " with \(ByteCount.describe(next.memory))" }
    if let timeout = next.timeout, timeout != failed.timeout {
      let whole = timeout.rounded() == timeout && timeout < 9e15
      note += " with a time limit of \(whole ? String(Int64(timeout)) : String(timeout)) s"
    }
    return note
  }

  /// What a person is told about a stage that was granted GPUs and did not open them.
  public func gpuNote(for event: RunEvent) -> String? {
    guard case .ended(let index, let result, _) = event else { return nil }
    return result.gpuUse?.note(stage: stages[index].name)
  }

  /// What a person is told when `runner` has ended, if anything.
  public static func note(after runner: any StageRunner) -> String? {
    let usedSlurm =
      runner is SlurmRunner
      || (runner as? ExecutorCoordinator)?.executorsUsed.contains(.slurm) == true
      || (runner as? CachingRunner)?.clusterRunner is SlurmRunner
    guard let signal = runner.stopSignal, usedSlurm else { return nil }
    return "stopped by \(SignalName.of(signal)); no job of this run is left in the queue"
  }

  /// The run's exit status: 128 plus the stop signal, else the first failing stage's
  /// status, else 0.
  public func status(stopSignal: Int32?) -> Int32 {
    stopSignal.map(ExitStatus.signalled) ?? firstFailure ?? 0
  }

  /// The `summary` line: counts of outcomes, the status, seconds since the run began.
  public func summary(_ results: [StageResult], status: Int32, now: Double) -> [UInt8] {
    RunEventLine.summary(
      results: results, status: status, seconds: now - began, names: stages.map(\.name))
  }

  /// `history` with the durations of the stages that succeeded in place of the old.
  public func history(_ results: [StageResult], over history: DurationHistory) -> DurationHistory {
    history.recording(
      results.indices.filter { results[$0].outcome == .succeeded }.map {
        (stage: stages[$0].name, seconds: results[$0].seconds)
      })
  }

  /// Writes the history file and the trace when asked for. Returns the run's status, a
  /// success turned into 125 when the trace cannot be written, and what went wrong, in
  /// order (a history that cannot be written is reported but does not fail the run).
  public func save(
    _ results: [StageResult], status: Int32, historyPath: String?, tracePath: String?
  ) -> (status: Int32, problems: [String]) {
    var problems: [String] = []
    if let historyPath {
      let (earlier, problem) = DurationHistory.readIfPresent(historyPath)
      if let problem {
        problems.append(problem)
      } else {
        do throws(IOError) {
          let updated = JSONCodec.encode(history(results, over: earlier).document) + [10]
          // Left as it is when nothing changed (a run of cached stages): its stamp then
          // still says so to a quick rerun.
          if (try? InputFile.read(historyPath)) != updated {
            try OutputFile.write(updated, to: historyPath)
          }
        } catch {
          problems.append(error.description)
        }
      }
    }
    if let tracePath {
      do throws(IOError) {
        try OutputFile.write(JSONCodec.encode(trace.document) + [10], to: tracePath)
      } catch {
        problems.append(error.description)
        return (status == 0 ? ExitStatus.toolFailed.rawValue : status, problems)
      }
    }
    return (status, problems)
  }
}
