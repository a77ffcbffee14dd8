import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// The stage cache in a run that mixes executors: each executor's runner asks its part of
/// the run's cache (`StageCache.part(for:)`), by its own stages' indexes.
@Suite struct MixedExecutorCacheTests {
  /// pre (here) → train (Slurm) → post (here), each writing NAME.txt from what the one
  /// before wrote; pre reads source.txt.
  private func launches(in folder: String) -> [StageLaunch] {
    let chain: [(String, Executor)] = [("pre", .local), ("train", .slurm), ("post", .local)]
    return chain.enumerated().map { offset, item in
      let (name, executor) = item
      let before = offset > 0 ? chain[offset - 1].0 : nil
      let input = (before ?? "source") + ".txt"
      let script = "cat \(input) > \(name).txt; echo \(name) >> \(name).txt"
      var stage = Stage(
        name: name, type: "BashOperator",
        kwargs: JSONObject([("bash_command", .string(script))]),
        needs: before.map { [$0] } ?? [])
      stage.outputs = [name + ".txt"]
      stage.inputs = [input]
      var launch = StageLaunch(
        name: name, needs: offset > 0 ? [offset - 1] : [], directory: folder,
        logPath: "/dev/null", command: { _ in (["/bin/sh", "-c", script], [:]) })
      launch.executor = executor
      launch.cacheEntry = StageCacheEntry(stage: stage, executor: executor, device: "cpu")
      return launch
    }
  }

  /// Runs the chain once; the stages that started here, those handed to "Slurm" (which
  /// writes their outputs as the local runner would), and each stage's outcome.
  private func run(in folder: TemporaryFolder) throws -> (
    submitted: [String], outcomes: [String: StageResult.Outcome], reasons: [String?]
  ) {
    let stages = launches(in: folder.path)
    let cache = StageCache(
      launches: stages, workflow: folder.path + "/workflow.yaml", folder: folder.path,
      store: CacheStore(folder: folder.path + "/.flow/cache"), warn: { _ in })
    let submitted = ThreadLockedList<String>()
    let outcomes = ThreadLockedList<(String, StageResult.Outcome)>()
    let coordinator = ExecutorCoordinator(
      stages: stages, keepGoing: false,
      backend: { (executor, members, link, report) throws(ExecError) in
        let part = cache.part(for: members)
        #expect(part != nil)
        guard executor == .local else {
          return CachingRunner(stages: members, cache: part!, report: report) {
            (running, report) throws(ExecError) in
            for stage in running { submitted.append(stage.name) }
            let local = LocalRunner(
              stages: running,
              options: LocalRunner.Options(capacity: PlanCapacity(cpu: 2, memory: 0)),
              report: report)
            local.handlesSignals = false
            local.link = link
            return local
          }
        }
        var options = LocalRunner.Options(capacity: PlanCapacity(cpu: 2, memory: 0))
        options.cache = part
        let runner = LocalRunner(stages: members, options: options, report: report)
        runner.handlesSignals = false
        runner.link = link
        return runner
      },
      report: { event in
        if case .ended(let index, let result, _) = event {
          outcomes.append((stages[index].name, result.outcome))
        }
      })
    coordinator.handlesSignals = false
    _ = try coordinator.run()
    return (
      submitted.items, Dictionary(outcomes.items) { first, _ in first }, cache.reasons
    )
  }

  @Test func aSecondMixedRunStartsAndSubmitsNothing() throws {
    let folder = try TemporaryFolder()
    try folder.write("source.txt", "source\n")
    let first = try run(in: folder)
    #expect(first.submitted == ["train"])
    #expect(first.outcomes == ["pre": .succeeded, "train": .succeeded, "post": .succeeded])
    #expect(
      try String(contentsOfFile: folder.path + "/post.txt", encoding: .utf8)
        == "source\npre\ntrain\npost\n")
    let second = try run(in: folder)
    #expect(second.submitted.isEmpty)
    #expect(second.outcomes == ["pre": .cached, "train": .cached, "post": .cached])
    #expect(second.reasons == ["cached", "cached", "cached"])
  }

  @Test func aChangedInputRerunsWhatFollowsOnEveryExecutor() throws {
    let folder = try TemporaryFolder()
    try folder.write("source.txt", "source\n")
    _ = try run(in: folder)
    try folder.write("source.txt", "edited\n")
    let rerun = try run(in: folder)
    #expect(rerun.submitted == ["train"])
    #expect(rerun.outcomes == ["pre": .succeeded, "train": .succeeded, "post": .succeeded])
    #expect(
      rerun.reasons == [
        "input source.txt changed", "input pre.txt changed", "input train.txt changed",
      ])
    #expect(
      try String(contentsOfFile: folder.path + "/post.txt", encoding: .utf8)
        == "edited\npre\ntrain\npost\n")
  }
}
