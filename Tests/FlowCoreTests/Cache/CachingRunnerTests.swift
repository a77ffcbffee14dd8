import FlowTestSupport
import Testing

@testable import FlowCore

/// A cluster's runner as `CachingRunner` sees it: it "runs" the stages it is given by
/// writing each one's output, and remembers which ones it got.
private final class RecordingBackend: StageRunner {
  let stages: [StageLaunch]
  let folder: String
  let report: (RunEvent) -> Void
  var stopSignal: Int32? { nil }

  init(stages: [StageLaunch], folder: String, report: @escaping (RunEvent) -> Void) {
    self.stages = stages
    self.folder = folder
    self.report = report
  }

  func run() throws(ExecError) -> [StageResult] {
    stages.indices.map { index in
      let output = folder + "/" + stages[index].name + ".txt"
      try? OutputFile.write(Array("ran \(stages[index].name)\n".utf8), to: output)
      let result = StageResult(outcome: .succeeded, status: 0)
      report(.ended(stage: index, result: result, at: 0))
      return result
    }
  }
}

@Suite struct CachingRunnerTests {
  /// A chain first → second → third on Slurm, each writing NAME.txt; `second` reads first.txt.
  private func launches() -> [StageLaunch] {
    let names = ["first", "second", "third"]
    return names.enumerated().map { offset, name in
      var stage = Stage(
        name: name, type: "BashOperator",
        kwargs: JSONObject([("bash_command", .string("write \(name)"))]),
        needs: offset > 0 ? [names[offset - 1]] : [])
      stage.outputs = [name + ".txt"]
      if offset > 0 { stage.inputs = [names[offset - 1] + ".txt"] }
      var launch = StageLaunch(
        name: name, needs: offset > 0 ? [offset - 1] : [], logPath: "/dev/null",
        command: { _ in (["true"], [:]) })
      launch.executor = .slurm
      launch.cacheEntry = StageCacheEntry(stage: stage, executor: .slurm, device: "cpu")
      return launch
    }
  }

  /// Runs the chain once; the names the backend was given and each stage's outcome.
  private func run(in folder: TemporaryFolder, forced: Set<String> = []) throws -> (
    submitted: [String], outcomes: [String: StageResult.Outcome], reasons: [String?]
  ) {
    let stages = launches()
    let cache = StageCache(
      launches: stages, workflow: folder.path + "/workflow.yaml", folder: folder.path,
      store: CacheStore(folder: folder.path + "/.flow/cache"), forced: forced, warn: { _ in })
    var submitted: [String] = []
    var outcomes: [String: StageResult.Outcome] = [:]
    let runner = CachingRunner(
      stages: stages, cache: cache,
      report: { event in
        if case .ended(let index, let result, _) = event {
          outcomes[stages[index].name] = result.outcome
        }
      }
    ) { members, report in
      submitted = members.map(\.name)
      #expect(members.map(\.needs) == members.indices.map { $0 > 0 ? [$0 - 1] : [] })
      return RecordingBackend(stages: members, folder: folder.path, report: report)
    }
    _ = try runner.run()
    return (submitted, outcomes, cache.reasons)
  }

  @Test func aSecondRunSubmitsNothingAndEndsEveryStageCached() throws {
    let folder = try TemporaryFolder()
    let first = try run(in: folder)
    #expect(first.submitted == ["first", "second", "third"])
    #expect(first.outcomes.values.allSatisfy { $0 == .succeeded })
    let second = try run(in: folder)
    #expect(second.submitted.isEmpty)
    #expect(second.outcomes == ["first": .cached, "second": .cached, "third": .cached])
  }

  @Test func aStageThatNeedsOneThatRunsIsSubmittedWithItAndRecordedWhenItEnds() throws {
    let folder = try TemporaryFolder()
    _ = try run(in: folder)
    let rerun = try run(in: folder, forced: ["second"])
    #expect(rerun.submitted == ["second", "third"])
    #expect(rerun.outcomes["first"] == .cached)
    #expect(rerun.reasons == ["cached", "forced", "needs second, which reruns"])
    // The records written as they ended hold the keys a later run computes.
    let after = try run(in: folder)
    #expect(after.submitted.isEmpty)
  }

  @Test func aChangedInputSubmitsItsStageAndWhatFollows() throws {
    let folder = try TemporaryFolder()
    _ = try run(in: folder)
    try folder.write("second.txt", "changed by hand\n")
    let rerun = try run(in: folder)
    // second's own output changed: second runs (writing it again), third after it.
    #expect(rerun.submitted == ["second", "third"])
    #expect(rerun.reasons[1] == "output second.txt changed")
  }
}
