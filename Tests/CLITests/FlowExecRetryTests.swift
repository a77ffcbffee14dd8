import Foundation
import Testing

/// Stages tried again by their retry policy, on this machine and in real podman containers.
@Suite(.serialized) struct FlowExecRetryTests {
  static func retries(_ stdout: String) -> [[String: Any]] {
    ExecFolder.events(stdout).filter { $0["type"] as? String == "stage-retry" }.map {
      $0["data"] as! [String: Any]
    }
  }

  static func summary(_ stdout: String) -> [String: Any]? {
    ExecFolder.events(stdout).first { $0["type"] as? String == "summary" }?["data"]
      as? [String: Any]
  }

  /// A container stage that takes 300 MB under a limit of 100Mi, tried up to 3 times
  /// after `oom` with twice the memory each time; `environment` adds to its environment.
  static func growingContainerStage(environment: [String: Any] = [:]) -> [String: Any] {
    var settings: [String: Any] = [
      "image": FlowExecContainerTests.image, "resources": ["memory": 104_857_600],
    ]
    for (key, value) in environment { settings[key] = value }
    return ExecFolder.bash(
      "grows", "busybox dd if=/dev/zero of=/dev/null bs=300000000 count=1",
      extra: [
        "environment": settings,
        "retry": ["attempts": 3, "on": ["oom"], "memory_factor": 2],
      ])
  }

  /// 300 MB under 100Mi is killed by the kernel in the container: classified oom, tried
  /// again at 200Mi (killed again) and at 400Mi, where it succeeds.
  @Test func aContainerKilledForMemoryIsRetriedWithMoreMemory() throws {
    #expect(FlowExecContainerTests.prepared)
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([Self.growingContainerStage()])
    // In the folder: podman's conmon (with runc on cgroups v1) leaves a file `oom` in the
    // working folder of the client when the kernel kills the container.
    let run = try ToolRun.run(
      "flow-exec", ["--engine", "podman"], stdin: document, in: folder.url)
    #expect(run.status == 0, "\(run.stderr)")
    let retries = Self.retries(run.stdout)
    #expect(retries.map { $0["failure"] as? String } == ["oom", "oom"])
    #expect(retries.map { $0["memory"] as? Int } == [104_857_600, 209_715_200])
    #expect(retries.map { $0["next_memory"] as? Int } == [209_715_200, 419_430_400])
    let end = ExecFolder.ends(run.stdout)["grows"]
    #expect(end?["outcome"] as? String == "succeeded")
    #expect(end?["attempts"] as? Int == 3)
    let summary = Self.summary(run.stdout)?["retries"] as? [String: [String]]
    #expect(summary == ["grows": ["oom", "oom", "succeeded"]])
    #expect(
      run.stderr.contains("stage 'grows' failed (oom, status 137); attempt 2 of 3 with 200 MiB"))
  }

  /// The stage's own non-zero status is `failed`, which a policy retries only when asked.
  @Test func theStagesOwnFailureIsNotRetried() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash(
        "three", "echo x >> tries; exit 3", extra: ["retry": ["attempts": 3]])
    ])
    let run = try ToolRun.run("flow-exec", [], stdin: document)
    #expect(run.status == 3)
    #expect(Self.retries(run.stdout).isEmpty)
    #expect(folder.read("tries") == "x\n")
    let end = ExecFolder.ends(run.stdout)["three"]
    #expect(end?["failure"] as? String == "failed")
    #expect(end?["attempts"] == nil)
  }

  @Test func failedIsRetriedWhenThePolicyAsks() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash(
        "flaky", "echo x >> tries; [ $(wc -l < tries) -ge 3 ]",
        extra: ["retry": ["attempts": 3, "on": ["failed"]]])
    ])
    let run = try ToolRun.run("flow-exec", [], stdin: document)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(folder.read("tries") == "x\nx\nx\n")
    #expect(Self.retries(run.stdout).map { $0["attempt"] as? Int } == [1, 2])
  }

  /// A stage stopped at its time limit is `timeout`, tried again with the limit times
  /// the time factor.
  @Test func aTimedOutStageIsRetriedWithALongerLimit() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash(
        "slow", "echo x >> tries; [ $(wc -l < tries) -ge 2 ] || sleep 30",
        extra: ["timeout": 1, "retry": ["attempts": 2, "on": ["timeout"], "time_factor": 4]])
    ])
    let run = try ToolRun.run("flow-exec", ["--grace", "1"], stdin: document)
    #expect(run.status == 0, "\(run.stderr)")
    let retries = Self.retries(run.stdout)
    #expect(retries.map { $0["failure"] as? String } == ["timeout"])
    #expect(retries.map { $0["next_timeout"] as? Int } == [4])
  }
}

/// Every podman container starts with `--init`.
@Suite(.serialized) struct FlowExecContainerInitTests {
  /// A shell that would be PID 1 (which ignores SIGTERM without a handler) stops on Ctrl-C
  /// without waiting for the grace period: the init forwards the signal to it.
  @Test func ctrlCStopsAShellThatWouldBePIDOne() throws {
    #expect(FlowExecContainerTests.prepared)
    let folder = try ExecFolder()
    defer { folder.remove() }
    try folder.document([
      ExecFolder.bash(
        "shell", "touch started; sleep 300",
        extra: ["environment": ["image": FlowExecContainerTests.image]])
    ]).write(
      to: folder.url.appendingPathComponent("doc.json"), atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = ToolRun.binaries.appendingPathComponent("flow-exec")
    process.arguments = ["--engine", "podman", "--grace", "300", folder.path + "/doc.json"]
    process.standardOutput = FileHandle.nullDevice
    process.currentDirectoryURL = folder.url
    try process.run()
    for _ in 0..<600 where folder.read("started") == nil { usleep(50_000) }
    kill(process.processIdentifier, SIGINT)
    // Without an init the shell ignores SIGTERM and flow-exec waits the 300 s grace.
    for _ in 0..<1200 where process.isRunning { usleep(50_000) }
    #expect(!process.isRunning, "the shell in the container ignored SIGTERM")
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    #expect(
      try FlowExecContainerTests.containers(named: "flow-\(process.processIdentifier)-").isEmpty)
  }
}
