/// Runs stages that go to different executors in one run: each stage on its own executor
/// (this machine, Slurm, Dask), `needs` honoured across them, one stream of events.
///
/// The coordinator hands the backends groups of stages. A group is the first ready stage
/// (in the plan's order) with every other unfinished stage of the same executor that can
/// run once the group's own stages are done: its needs outside the group have all
/// succeeded. Inside a group the backend chains the stages itself (Slurm with
/// `--dependency=afterok`, Dask on the cluster, local stages as capacity allows); a stage
/// that needs one on another executor goes into a later group, started when that one
/// succeeded. Each backend's run is whole (it returns when nothing it started is left), so
/// a stop signal during it stops that backend's stages, and the coordinator then starts
/// nothing more.
public final class ExecutorCoordinator: StageRunner {
  /// Makes the backend for one group: its executor, its stages (with `needs` among them),
  /// and where it reports (stage indexes among the group's stages).
  public typealias Backend = (
    _ executor: Executor, _ stages: [StageLaunch], _ report: @escaping (RunEvent) -> Void
  ) throws(ExecError) -> any StageRunner

  private let stages: [StageLaunch]
  private let keepGoing: Bool
  private let backend: Backend
  private let report: (RunEvent) -> Void
  private var results: [StageResult?]
  public private(set) var stopSignal: Int32?
  /// The executors that ran a group of this run.
  public private(set) var executorsUsed: Set<Executor> = []

  public init(
    stages: [StageLaunch], keepGoing: Bool, backend: @escaping Backend,
    report: @escaping (RunEvent) -> Void
  ) {
    self.stages = stages
    self.keepGoing = keepGoing
    self.backend = backend
    self.report = report
    results = Array(repeating: nil, count: stages.count)
  }

  public func run() throws(ExecError) -> [StageResult] {
    var failed = false
    while stopSignal == nil, !(failed && !keepGoing) {
      skipUnreachable()
      guard let group = Self.nextGroup(stages, finished: results) else { break }
      let executor = stages[group[0]].executor
      executorsUsed.insert(executor)
      let position = Dictionary(uniqueKeysWithValues: group.enumerated().map { ($1, $0) })
      let members = group.map { index in
        var launch = stages[index]
        launch.needs = launch.needs.compactMap { position[$0] }
        return launch
      }
      let runner = try backend(executor, members) { [report] event in
        report(Self.renumbered(event, group))
      }
      let groupResults = try runner.run()
      for (offset, result) in groupResults.enumerated() {
        results[group[offset]] = result
        if result.outcome == .failed { failed = true }
      }
      stopSignal = runner.stopSignal
    }
    for index in stages.indices where results[index] == nil {
      end(index, .notStarted(stopped: stopSignal != nil, afterFailure: failed))
    }
    return results.map { $0! }
  }

  /// The stages of the next group, in the order of `stages`; nil when no stage is ready.
  public static func nextGroup(_ stages: [StageLaunch], finished: [StageResult?]) -> [Int]? {
    let succeeded = { (index: Int) in finished[index]?.outcome == .succeeded }
    let order = stages.indices.sorted {
      (stages[$0].priority, $0) < (stages[$1].priority, $1)
    }
    guard
      let first = order.first(where: { index in
        finished[index] == nil && stages[index].needs.allSatisfy(succeeded)
      })
    else { return nil }
    let executor = stages[first].executor
    var group: Set<Int> = [first]
    var grew = true
    while grew {
      grew = false
      for index in stages.indices
      where finished[index] == nil && !group.contains(index)
        && stages[index].executor == executor
        && stages[index].needs.allSatisfy({ succeeded($0) || group.contains($0) })
      {
        group.insert(index)
        grew = true
      }
    }
    return group.sorted()
  }

  /// Ends as skipped every unfinished stage that needs one that did not succeed.
  private func skipUnreachable() {
    var changed = true
    while changed {
      changed = false
      for index in stages.indices where results[index] == nil {
        let blocked = stages[index].needs.contains { need in
          results[need].map { $0.outcome != .succeeded } ?? false
        }
        if blocked {
          end(
            index,
            StageResult(outcome: .skipped, status: 0, message: "a stage it needs did not succeed"))
          changed = true
        }
      }
    }
  }

  private func end(_ index: Int, _ result: StageResult) {
    results[index] = result
    report(.ended(stage: index, result: result, at: MonotonicClock.now()))
  }

  /// An event of a group's backend, its stage index turned into the run's.
  static func renumbered(_ event: RunEvent, _ group: [Int]) -> RunEvent {
    switch event {
    case .started(let stage, let pid, let gpus, let time):
      return .started(stage: group[stage], pid: pid, gpus: gpus, at: time)
    case .ended(let stage, let result, let time):
      return .ended(stage: group[stage], result: result, at: time)
    case .output(let stage, let line, let time):
      return .output(stage: group[stage], line: line, at: time)
    case .submitted(let stage, let job, let time):
      return .submitted(stage: group[stage], job: job, at: time)
    case .retrying(let stage, let failed, let next, let time):
      return .retrying(stage: group[stage], failed: failed, next: next, at: time)
    case .stopping, .cancelling:
      return event
    }
  }
}
