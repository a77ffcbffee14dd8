import Testing

@testable import FlowCore

@Suite struct ExecutorCoordinatorTests {
  /// local → slurm → slurm → dask → local, with an independent local stage.
  let stages: [StageLaunch] = [
    ("pre", Executor.local, [Int]()), ("train", .slurm, [0]), ("score", .slurm, [1]),
    ("plot", .dask, [2]), ("post", .local, [3]), ("lint", .local, []),
  ].map { name, executor, needs in
    let argv = name == "score" ? ["/bin/sh", "-c", "exit 3"] : ["/bin/true"]
    var launch = StageLaunch(
      name: name, needs: needs, logPath: "/dev/null", command: { _ in (argv, [:]) })
    launch.executor = executor
    return launch
  }

  let done = StageResult(outcome: .succeeded, status: 0)

  @Test func eachGroupIsOneExecutorsStagesWhoseOtherNeedsSucceeded() {
    var finished = [StageResult?](repeating: nil, count: stages.count)
    #expect(ExecutorCoordinator.nextGroup(stages, finished: finished) == [0, 5])
    finished[0] = done
    finished[5] = done
    // Slurm chains its own stages (afterok) in one group.
    #expect(ExecutorCoordinator.nextGroup(stages, finished: finished) == [1, 2])
    finished[1] = done
    finished[2] = done
    #expect(ExecutorCoordinator.nextGroup(stages, finished: finished) == [3])
    finished[3] = done
    #expect(ExecutorCoordinator.nextGroup(stages, finished: finished) == [4])
    finished[4] = done
    #expect(ExecutorCoordinator.nextGroup(stages, finished: finished) == nil)
  }

  @Test func aStageWaitingForAnotherExecutorIsNotInTheGroup() {
    var finished = [StageResult?](repeating: nil, count: stages.count)
    finished[0] = StageResult(outcome: .failed, status: 3)
    finished[5] = done
    // train needs the failed stage: nothing is ready.
    #expect(ExecutorCoordinator.nextGroup(stages, finished: finished) == nil)
  }

  @Test func crossExecutorNeedsAreHonouredAndSkipsReported() throws {
    var groups: [(Executor, [String], [[Int]])] = []
    var ends: [String: StageResult.Outcome] = [:]
    let coordinator = ExecutorCoordinator(
      stages: stages, keepGoing: false,
      backend: { (executor, members, report) throws(ExecError) in
        groups.append((executor, members.map(\.name), members.map(\.needs)))
        // Every group runs as local processes here: the coordinator's routing is what
        // this looks at (the Slurm and Dask backends have their own tests).
        let runner = LocalRunner(
          stages: members, options: LocalRunner.Options(capacity: PlanCapacity(cpu: 4, memory: 0)),
          report: report)
        runner.handlesSignals = false
        return runner
      },
      report: { event in
        if case .ended(let stage, let result, _) = event {
          ends[stages[stage].name] = result.outcome
        }
      })
    let results = try coordinator.run()
    #expect(groups.map(\.0) == [.local, .slurm])
    #expect(groups.map(\.1) == [["pre", "lint"], ["train", "score"]])
    // Needs are renumbered among the group's stages; done ones are dropped.
    #expect(groups[1].2 == [[], [0]])
    #expect(
      results.map(\.outcome) == [.succeeded, .succeeded, .failed, .skipped, .skipped, .succeeded])
    #expect(ends["plot"] == .skipped)
    #expect(ends["post"] == .skipped)
    #expect(ends["score"] == .failed)
  }
}
