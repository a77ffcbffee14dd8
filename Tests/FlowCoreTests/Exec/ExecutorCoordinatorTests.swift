import Glibc
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

  @Test func aStageHandedOutToABackendIsInNoOtherGroup() {
    let finished = [StageResult?](repeating: nil, count: stages.count)
    // The local stages went to the local backend at the start.
    #expect(ExecutorCoordinator.nextGroup(stages, finished: finished, handedOut: [0, 4, 5]) == nil)
    var done = finished
    done[0] = self.done
    #expect(ExecutorCoordinator.nextGroup(stages, finished: done, handedOut: [0, 4, 5]) == [1, 2])
  }

  /// Every group runs as local processes here: the coordinator's routing is what this
  /// looks at (the Slurm and Dask backends have their own tests).
  static func localBackend(
    _ groups: ThreadLockedList<(Executor, [String], [[Int]])>
  ) -> ExecutorCoordinator.Backend {
    { (executor, members, link, report) throws(ExecError) in
      groups.append((executor, members.map(\.name), members.map(\.needs)))
      let runner = LocalRunner(
        stages: members, options: LocalRunner.Options(capacity: PlanCapacity(cpu: 4, memory: 0)),
        report: report)
      runner.handlesSignals = false
      runner.link = link
      return runner
    }
  }

  @Test func crossExecutorNeedsAreHonouredAndSkipsReported() throws {
    let groups = ThreadLockedList<(Executor, [String], [[Int]])>()
    var ends: [String: StageResult.Outcome] = [:]
    let coordinator = ExecutorCoordinator(
      stages: stages, keepGoing: false, backend: Self.localBackend(groups),
      report: { event in
        if case .ended(let stage, let result, _) = event {
          ends[stages[stage].name] = result.outcome
        }
      })
    coordinator.handlesSignals = false
    let results = try coordinator.run()
    let handedOut = groups.items
    #expect(handedOut.map(\.0) == [.local, .slurm])
    // The local backend gets every local stage at once; post waits in it for plot.
    #expect(handedOut.map(\.1) == [["pre", "post", "lint"], ["train", "score"]])
    // Needs are renumbered among the group's stages; those elsewhere are dropped.
    #expect(handedOut[0].2 == [[], [], []])
    #expect(handedOut[1].2 == [[], [0]])
    #expect(
      results.map(\.outcome) == [.succeeded, .succeeded, .failed, .skipped, .skipped, .succeeded])
    #expect(ends["plot"] == .skipped)
    #expect(ends["post"] == .skipped)
    #expect(ends["score"] == .failed)
  }

  /// A stage on `executor` that runs `command` with `sh -c`.
  static func shellStage(
    _ name: String, _ executor: Executor, _ needs: [Int], _ command: String
  ) -> StageLaunch {
    var launch = StageLaunch(
      name: name, needs: needs, logPath: "/dev/null",
      command: { _ in (["/bin/sh", "-c", command], [:]) })
    launch.executor = executor
    return launch
  }

  /// The backends run at the same time: `wait` (local) ends only once `post` wrote its
  /// file, and `post` (local) runs only after `remote` (another executor), which runs
  /// only after `pre` (local). Run one executor's group after another, `wait` would give
  /// up and fail; nothing here is timed.
  @Test func executorsRunAtTheSameTimeWithNeedsAcrossThem() throws {
    let folder = "/tmp/flow-coordinator-\(getpid())-\(UInt64(MonotonicClock.now() * 1e9))"
    #expect(mkdir(folder, 0o700) == 0)
    defer {
      for name in ["remote", "done"] { unlink(folder + "/" + name) }
      rmdir(folder)
    }
    let waits = "for i in $(seq 600); do [ -e \(folder)/done ] && exit 0; sleep 0.1; done; exit 1"
    let stages = [
      ("wait", Executor.local, [Int](), waits), ("pre", .local, [], "true"),
      ("remote", .slurm, [1], "touch \(folder)/remote"),
      ("post", .local, [2], "test -e \(folder)/remote && touch \(folder)/done"),
    ].map(Self.shellStage)
    let groups = ThreadLockedList<(Executor, [String], [[Int]])>()
    let coordinator = ExecutorCoordinator(
      stages: stages, keepGoing: false, backend: Self.localBackend(groups), report: { _ in })
    coordinator.handlesSignals = false
    let results = try coordinator.run()
    #expect(results.map(\.outcome) == [.succeeded, .succeeded, .succeeded, .succeeded])
    #expect(groups.items.map(\.1) == [["wait", "pre", "post"], ["remote"]])
  }
}

extension ExecutorCoordinatorTests {
  /// Without `--keep-going`, a failure on one executor stops new starts on the others:
  /// `bad` (local) fails while `first` (another executor) runs, and `second`, which needs
  /// `first`, never starts; with it, `second` runs. `first` ends only once the run has
  /// reported the failure (the report writes the file it waits for): nothing is timed.
  @Test(arguments: [false, true])
  func aFailureStopsNewStartsOnEveryExecutor(keepGoing: Bool) throws {
    let folder = "/tmp/flow-coordinator-\(getpid())-\(UInt64(MonotonicClock.now() * 1e9))"
    #expect(mkdir(folder, 0o700) == 0)
    defer {
      for name in ["started", "reported", "second"] { unlink(folder + "/" + name) }
      rmdir(folder)
    }
    let waitFor = { (name: String) in
      "for i in $(seq 600); do [ -e \(folder)/\(name) ] && break; sleep 0.1; done"
    }
    let stages = [
      ("bad", Executor.local, [Int](), waitFor("started") + "; exit 1"),
      ("first", .slurm, [], "touch \(folder)/started; " + waitFor("reported")),
      ("second", .slurm, [1], "touch \(folder)/second"),
    ].map(Self.shellStage)
    let coordinator = ExecutorCoordinator(
      stages: stages, keepGoing: keepGoing, backend: Self.localBackend(ThreadLockedList()),
      report: { event in
        if case .ended(0, let result, _) = event, result.outcome == .failed {
          close(open(folder + "/reported", O_WRONLY | O_CREAT, 0o600))
        }
      })
    coordinator.handlesSignals = false
    let results = try coordinator.run()
    #expect(results.map(\.outcome) == [.failed, .succeeded, keepGoing ? .succeeded : .skipped])
    #expect((access(folder + "/second", F_OK) == 0) == keepGoing)
  }
}

/// A list that several threads append to.
final class ThreadLockedList<Item>: @unchecked Sendable {
  private let lock = ThreadLock()
  private var stored: [Item] = []

  func append(_ item: Item) { lock.withLock { stored.append(item) } }
  var items: [Item] { lock.withLock { stored } }
}
