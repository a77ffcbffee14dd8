/// Runs the stages of one cluster executor (Slurm, Dask) with the stage cache, keyed as
/// local stages are. Before anything is submitted, the stages are walked after the stages
/// they need: one whose needs are all cached and whose record hits ends `cached` and is
/// never submitted; the others go to the cluster's runner together. A stage that needs one
/// that runs is submitted with it: its key holds that stage's key and its inputs, known
/// only once that stage has ended, so it is computed and recorded when its own job or
/// task ends with status 0.
public final class CachingRunner: StageRunner {
  /// Makes the cluster's runner for the stages that run (`needs` among them), reporting
  /// with stage indexes among those stages.
  public typealias Backend = (
    _ stages: [StageLaunch], _ report: @escaping (RunEvent) -> Void
  ) throws(ExecError) -> any StageRunner

  private let stages: [StageLaunch]
  private let cache: StageCache
  private let backend: Backend
  private let report: (RunEvent) -> Void
  public private(set) var stopSignal: Int32?
  /// The cluster's runner, once stages were given to it; nil while all are cached.
  public private(set) var clusterRunner: (any StageRunner)?

  public init(
    stages: [StageLaunch], cache: StageCache, report: @escaping (RunEvent) -> Void,
    backend: @escaping Backend
  ) {
    self.stages = stages
    self.cache = cache
    self.report = report
    self.backend = backend
  }

  public func run() throws(ExecError) -> [StageResult] {
    var results = [StageResult?](repeating: nil, count: stages.count)
    let running = stagesToRun(&results)
    guard !running.isEmpty else { return results.map { $0! } }
    let runner = try backend(ExecutorCoordinator.members(running, of: stages)) {
      [cache, report] event in
      let event = ExecutorCoordinator.renumbered(event, running)
      if case .ended(let index, let result, _) = event { cache.ended(index, result) }
      report(event)
    }
    clusterRunner = runner
    let ran = try runner.run()
    for (offset, result) in ran.enumerated() { results[running[offset]] = result }
    stopSignal = runner.stopSignal
    return results.map { $0! }
  }

  /// Ends the cached stages in `results` and returns the others, in the stages' order.
  private func stagesToRun(_ results: inout [StageResult?]) -> [Int] {
    var decided = [Bool](repeating: false, count: stages.count)
    var runs = decided
    var progressed = true
    while progressed {
      progressed = false
      for index in stages.indices
      where !decided[index] && stages[index].needs.allSatisfy({ decided[$0] }) {
        (decided[index], progressed) = (true, true)
        if let need = stages[index].needs.first(where: { runs[$0] }) {
          cache.runs(index, because: "needs \(stages[need].name), which reruns")
        } else if let cached = cache.skip(index) {
          results[index] = cached
          report(.ended(stage: index, result: cached, at: MonotonicClock.now()))
          continue
        }
        runs[index] = true
      }
    }
    // Documents have no cycles; a stage left undecided would be one: it runs.
    return stages.indices.filter { runs[$0] || !decided[$0] }
  }
}
