import FlowTestSupport
import Glibc
import Testing

@testable import FlowCore

/// The local runner with real `/bin/sh -c` children. The runner does not take over the
/// signals here (other tests share the process), so it looks for ended stages every 20 ms.
@Suite(.serialized) struct LocalRunnerTests {
  let folder: TemporaryFolder

  init() throws {
    folder = try TemporaryFolder()
  }

  func stage(_ name: String, _ script: String, needs: [Int] = [], timeout: Double? = nil)
    -> StageLaunch
  {
    StageLaunch(
      name: name, needs: needs, logPath: folder.path + "/\(name).log", timeout: timeout,
      command: { _ in (["/bin/sh", "-c", script], ["PATH": "/usr/bin:/bin"]) })
  }

  func run(_ stages: [StageLaunch], grace: Double = 10, relaysOutput: Bool = false) throws
    -> (results: [StageResult], events: [RunEvent])
  {
    var events: [RunEvent] = []
    let runner = LocalRunner(
      stages: stages,
      options: LocalRunner.Options(
        grace: grace, capacity: PlanCapacity(cpu: 4, memory: 1 << 30),
        relaysOutput: relaysOutput),
      report: { events.append($0) })
    runner.handlesSignals = false
    let results = try runner.run()
    return (results, events)
  }

  func log(_ name: String) throws -> String {
    String(decoding: try InputFile.read(folder.path + "/\(name).log"), as: UTF8.self)
  }

  @Test func exitStatusesAndOutputInTheLog() throws {
    let (results, _) = try run([stage("ok", "echo hello; echo oops >&2"), stage("bad", "exit 3")])
    #expect(results[0].outcome == .succeeded && results[0].status == 0)
    #expect(results[1].outcome == .failed && results[1].status == 3)
    #expect(try log("ok") == "hello\noops\n")
  }

  @Test func aSignalGives128PlusItsNumber() throws {
    let (results, _) = try run([stage("killed", "kill -KILL $$")])
    #expect(results[0].status == 137)
    #expect(results[0].signal == SIGKILL)
  }

  @Test func aStageThatNeedsAFailedOneIsSkipped() throws {
    let (results, _) = try run([stage("bad", "exit 1"), stage("after", "true", needs: [0])])
    #expect(results[1].outcome == .skipped)
  }

  @Test func aMissingCommandGives127() throws {
    var missing = stage("missing", "")
    missing.command = { _ in (["no-such-program-here"], ["PATH": "/usr/bin:/bin"]) }
    let (results, _) = try run([missing])
    #expect(results[0].status == 127)
    #expect(try log("missing").hasPrefix("flow-exec: no-such-program-here: command not found"))
  }

  @Test func aTimeoutEndsTheWholeGroupWith124() throws {
    let marker = folder.path + "/survived"
    let started = MonotonicClock.now()
    let (results, _) = try run(
      [stage("slow", "(sleep 1; touch '\(marker)') & sleep 30", timeout: 0.3)], grace: 0.2)
    #expect(results[0].status == 124)
    #expect(results[0].timedOut)
    #expect(MonotonicClock.now() - started < 10)
    // The background child was in the stage's group: it went with it.
    usleep(1_500_000)
    #expect(access(marker, F_OK) != 0)
  }

  @Test func relayedOutputArrivesLineByLineAndInTheLog() throws {
    let (_, events) = try run([stage("talk", "echo one; printf two")], relaysOutput: true)
    let lines = events.compactMap { event -> String? in
      if case .output(_, let line, _) = event { return line }
      return nil
    }
    #expect(lines == ["one", "two"])
    #expect(try log("talk") == "one\ntwo")
  }

  /// A line longer than 64 KiB becomes one event, cut and marked; the log has every byte.
  @Test func anOverlongLineIsCutInTheEventsAndWholeInTheLog() throws {
    let script = "head -c 200000 /dev/zero | tr '\\0' x; echo; echo after"
    let (_, events) = try run([stage("long", script)], relaysOutput: true)
    let lines = events.compactMap { event -> String? in
      if case .output(_, let line, _) = event { return line }
      return nil
    }
    #expect(lines == [String(repeating: "x", count: 65536) + StageOutputRelay.cutMark, "after"])
    #expect(try log("long") == String(repeating: "x", count: 200_000) + "\nafter\n")
  }

  /// What a stage started in a session of its own is stopped when the stage ends.
  @Test func aProcessThatLeftTheStagesGroupGoesWhenTheStageEnds() throws {
    let (results, _) = try run([
      stage("daemon", "setsid sleep 300 & echo $! > '\(folder.path)/pid'")
    ])
    #expect(results[0].status == 0)
    let text = String(decoding: try InputFile.read(folder.path + "/pid"), as: UTF8.self)
    let pid = text.split(separator: "\n").first.flatMap { pid_t($0) } ?? 0
    #expect(pid > 0)
    // Killed at the stage's end; a zombie at most until its new parent reaps it.
    var state = ""
    for _ in 0..<100 {
      state = String(decoding: (try? InputFile.read("/proc/\(pid)/stat")) ?? [], as: UTF8.self)
      if state.isEmpty || state.contains(") Z") { break }
      usleep(20_000)
    }
    #expect(state.isEmpty || state.contains(") Z"))
  }

  /// Relayed output whose log cannot be written (a full disk) is still relayed, and the
  /// stage's end says the log is not whole.
  @Test func aLogThatCannotBeWrittenIsSaidAtTheStagesEnd() throws {
    var full = stage("full", "echo one")
    full.logPath = "/dev/full"
    let (results, events) = try run([full], relaysOutput: true)
    #expect(results[0].status == 0)
    #expect(results[0].message == "its log could not be written whole: no space left on device")
    #expect(events.contains { if case .output(_, "one", _) = $0 { true } else { false } })
  }

  /// A stage waiting for one on another executor starts when that one succeeds, even at
  /// the moment the runner looks whether it still waits for anything: here the wait ends
  /// while the runner reports the stage it skips in the same look.
  @Test func aNeedElsewhereEndingDuringALookStillStartsItsStage() throws {
    // Stage 0 needs the run's stage 10, stage 1 its stage 11 (which failed).
    let link = try BackendLink(needsElsewhere: [[10], [11]])
    link.ended(11, succeeded: false)
    let runner = LocalRunner(
      stages: [stage("waiter", "true"), stage("doomed", "true")],
      options: LocalRunner.Options(capacity: PlanCapacity(cpu: 4, memory: 1 << 30)),
      report: { event in
        if case .ended(1, _, _) = event { link.ended(10, succeeded: true) }
      })
    runner.handlesSignals = false
    runner.link = link
    let results = try runner.run()
    #expect(results[0].outcome == .succeeded)
    #expect(results[1].outcome == .skipped)
  }
}
