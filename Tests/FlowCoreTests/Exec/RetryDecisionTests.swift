import FlowTestSupport
import Testing

@testable import FlowCore

@Suite struct RetryDecisionTests {
  let policy = RetryPolicy(attempts: 3, memoryFactor: 2, timeFactor: 1.5)
  let mebibyte: Int64 = 1_048_576

  func attempt(_ number: Int, _ failure: FailureClass, memory: Int64 = 0, timeout: Double? = nil)
    -> StageAttempt
  {
    StageAttempt(
      number: number, failure: failure, status: 137, memory: memory, timeout: timeout, seconds: 1)
  }

  @Test func memoryDoublesAfterEachOOMUntilTheAttemptsAreSpent() {
    let first = RetryDecision.after(attempt(1, .oom, memory: 100 * mebibyte), policy: policy)
    #expect(first == RetryDecision(attempt: 2, memory: 200 * mebibyte, timeout: nil))
    let second = RetryDecision.after(attempt(2, .oom, memory: 200 * mebibyte), policy: policy)
    #expect(second == RetryDecision(attempt: 3, memory: 400 * mebibyte, timeout: nil))
    #expect(RetryDecision.after(attempt(3, .oom, memory: 400 * mebibyte), policy: policy) == nil)
  }

  @Test func theTimeLimitGrowsAfterATimeoutOnly() {
    let timedOut = RetryDecision.after(
      attempt(1, .timeout, memory: 8, timeout: 60), policy: policy)
    #expect(timedOut == RetryDecision(attempt: 2, memory: 8, timeout: 90))
    let lost = RetryDecision.after(attempt(1, .lost, memory: 8, timeout: 60), policy: policy)
    #expect(lost == RetryDecision(attempt: 2, memory: 8, timeout: 60))
  }

  @Test func theStagesOwnFailureIsRetriedOnlyWhenAsked() {
    #expect(RetryDecision.after(attempt(1, .failed), policy: policy) == nil)
    var asked = policy
    asked.on = [.failed]
    #expect(RetryDecision.after(attempt(1, .failed), policy: asked)?.attempt == 2)
    #expect(RetryDecision.after(attempt(1, .oom, memory: 8), policy: asked) == nil)
    #expect(RetryDecision.after(attempt(1, .oom), policy: nil) == nil)
  }

  @Test func growthStopsAtWhatTheExecutorOffers() {
    let capped = RetryDecision.after(
      attempt(1, .oom, memory: 300 * mebibyte, timeout: 100), policy: policy,
      memoryCeiling: 500 * mebibyte)
    #expect(capped?.memory == 500 * mebibyte)
    let timeCapped = RetryDecision.after(
      attempt(1, .timeout, timeout: 100), policy: policy, timeCeiling: 120)
    #expect(timeCapped?.timeout == 120)
  }
}

@Suite struct FailureClassTests {
  @Test(arguments: [
    (
      "JobId=7 JobName=a\n   JobState=OUT_OF_MEMORY Reason=OutOfMemory Dependency=(null)\n   ExitCode=0:125",
      FailureClass.oom
    ),
    ("   JobState=TIMEOUT Reason=TimeLimit Dependency=(null)\n   ExitCode=0:15", .timeout),
    ("   JobState=NODE_FAIL Reason=NodeDown Dependency=(null)\n   ExitCode=0:0", .lost),
    ("   JobState=PREEMPTED Reason=None\n   ExitCode=0:15", .lost),
    ("   JobState=FAILED Reason=NonZeroExitCode\n   ExitCode=3:0", .failed),
  ])
  func classifiesSlurmStatesFromScontrol(text: String, failure: FailureClass) {
    #expect(SlurmJobState(scontrol: text)?.failureClass == failure)
  }

  @Test func classifiesSlurmStatesFromSacct() {
    #expect(SlurmJobState(sacct: "OUT_OF_MEMORY|0:125\n")?.failureClass == .oom)
    #expect(SlurmJobState(sacct: "TIMEOUT|0:0\n")?.failureClass == .timeout)
    #expect(SlurmJobState(sacct: "NODE_FAIL|0:0\n")?.failureClass == .lost)
    #expect(SlurmJobState(sacct: "CANCELLED by 0|0:15\n")?.failureClass == .failed)
  }

  func local(
    _ result: StageResult, memory: Int64?, stopped: Bool = false, kernel: Bool = false
  ) -> FailureClass {
    FailureClass(
      local: result, containerMemory: memory, stoppedByRunner: stopped, kernelOOMKill: kernel)
  }

  @Test func classifiesLocalAttempts() {
    let killed = StageResult(outcome: .failed, status: 137)
    #expect(local(killed, memory: 100) == .oom)
    #expect(local(killed, memory: 0) == .failed)
    #expect(local(killed, memory: 100, stopped: true) == .failed)
    let signalled = StageResult(outcome: .failed, status: 137, signal: 9)
    #expect(local(signalled, memory: nil, kernel: true) == .oom)
    #expect(local(signalled, memory: nil) == .failed)
    let timedOut = StageResult(outcome: .failed, status: 124, timedOut: true)
    #expect(local(timedOut, memory: nil, stopped: true) == .timeout)
    #expect(local(StageResult(outcome: .failed, status: 3), memory: 100) == .failed)
  }

  /// The count in a fake `/proc/self/cgroup` and cgroup tree, both in `folder`.
  func oomKills(_ folder: TemporaryFolder, listing: String, file: String, text: String) throws
    -> Int64?
  {
    try folder.write("listing", listing)
    try folder.write("cg/" + file, text)
    return OOMKillCount.current(cgroupFile: folder.path + "/listing", root: folder.path + "/cg")
  }

  @Test func readsTheKernelsOOMKillCount() throws {
    let folder = try TemporaryFolder()
    let v2 = try oomKills(
      folder, listing: "0::/user.slice/flow\n", file: "user.slice/flow/memory.events",
      text: "low 0\nhigh 0\nmax 4\noom 2\noom_kill 2\n")
    #expect(v2 == 2)
    let v1 = try oomKills(
      folder, listing: "9:pids:/\n4:memory:/job/7\n", file: "memory/job/7/memory.oom_control",
      text: "oom_kill_disable 0\nunder_oom 0\noom_kill 5\n")
    #expect(v1 == 5)
    #expect(OOMKillCount.current(cgroupFile: folder.path + "/none", root: folder.path) == nil)
  }
}
