import Foundation
import Testing

/// Dask stages on the local Dask cluster flow-exec starts for a run (no scheduler named):
/// their environment, containers, retries by failure class, and a killed flow-exec.
@Suite(.serialized, .enabled(if: MixedExecutorCLITests.daskIsInstalled))
struct DaskStageCLITests {
  static var dask: [String: Any] { ["executor": "DaskExecutor"] }

  /// flow-exec's environment without a Dask scheduler, so a local cluster runs the stages.
  static var withoutScheduler: [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["DASK_SCHEDULER_ADDRESS"] = nil
    return environment
  }

  static func run(_ document: String, _ arguments: [String] = [], in folder: ExecFolder? = nil)
    throws -> ToolRun
  {
    try ToolRun.run(
      "flow-exec", ["--cpus", "2", "--memory", "4Gi"] + arguments, stdin: document,
      in: folder?.url, environment: withoutScheduler)
  }

  /// The same stage locally and on Dask dumps the same whole environment: the worker's own
  /// (here flow-exec's, whose process runs the local cluster) with the package's actions,
  /// the variables and flow's own over it in DESIGN.md's order.
  @Test func aDaskStageStartsFromTheWorkersEnvironmentAsALocalStageDoes() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let resolution: [String: Any] = [
      "actions": [
        ["action": "set", "variable": "TOOL_HOME", "value": "/opt/tool", "package": "tool"],
        ["action": "prepend", "variable": "PATH", "value": "$TOOL_HOME/bin", "package": "tool"],
      ]
    ]
    let executors = [("here", "LocalExecutor"), ("dask", "DaskExecutor")]
    let stages = executors.map { name, executor in
      let environment: [String: Any] = [
        "executor": executor, "variables": ["merged": ["MODE": "fast"]],
      ]
      return ExecFolder.bash(
        name, "env | sort > dump-$FLOW_STAGE.txt",
        extra: ["environment": environment, "resolution": resolution])
    }
    // The bridge's python3 found as itself, not through a wrapper (pyenv's shim) that
    // adds variables of its own to the worker's environment.
    let python = try ToolRun.run(
      "/usr/bin/env", ["python3", "-c", "import sys; print(sys.executable)"]
    ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try FileManager.default.createDirectory(
      atPath: folder.path + "/bin", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: folder.path + "/bin/python3", withDestinationPath: python)
    var environment = Self.withoutScheduler
    environment["PATH"] = folder.path + "/bin:" + (environment["PATH"] ?? "")
    let run = try ToolRun.run(
      "flow-exec", ["--cpus", "2", "--memory", "4Gi"], stdin: try folder.document(stages),
      environment: environment)
    #expect(run.status == 0, "\(run.stderr)")
    let local = try #require(folder.read("dump-here.txt"))
    let dask = try #require(folder.read("dump-dask.txt"))
    func comparable(_ dump: String) -> [Substring] {
      // The local runner marks its stages' processes with FLOW_RUN_TOKEN.
      dump.split(separator: "\n").filter {
        !$0.hasPrefix("FLOW_STAGE=") && !$0.hasPrefix("FLOW_RUN_TOKEN=")
      }
    }
    #expect(comparable(local) == comparable(dask))
    #expect(dask.contains("\nPATH=/opt/tool/bin:"))
    #expect(dask.contains("\nMODE=fast\n"))
  }

  /// A Dask stage stopped at its time limit is `timeout` and tried again with the limit
  /// times the time factor; its end has the earlier attempt, as locally.
  @Test func aTimedOutDaskStageIsRetriedWithALongerLimit() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash(
        "slow", "echo x >> tries; [ $(wc -l < tries) -ge 2 ] || sleep 30",
        extra: [
          "environment": Self.dask, "timeout": 1,
          "retry": ["attempts": 2, "on": ["timeout"], "time_factor": 4],
        ])
    ])
    let run = try Self.run(document)
    #expect(run.status == 0, "\(run.stderr)")
    let retries = FlowExecRetryTests.retries(run.stdout)
    #expect(retries.map { $0["failure"] as? String } == ["timeout"])
    #expect(retries.map { $0["next_timeout"] as? Int } == [4])
    let end = ExecFolder.ends(run.stdout)["slow"]
    #expect(end?["outcome"] as? String == "succeeded")
    let earlier = end?["earlier_attempts"] as? [[String: Any]]
    #expect(earlier?.map { $0["failure"] as? String } == ["timeout"])
    #expect(folder.read("tries") == "x\nx\n")
  }

  /// The stage's own `exit 3` is `failed`, not retried by a policy for other classes.
  @Test func aDaskStagesOwnFailureIsNotRetried() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash(
        "three", "echo x >> tries; exit 3",
        extra: [
          "environment": Self.dask, "retry": ["attempts": 3, "on": ["oom", "timeout", "lost"]],
        ]),
      ExecFolder.bash("after", "touch after", needs: ["three"], extra: ["environment": Self.dask]),
    ])
    let run = try Self.run(document)
    #expect(run.status == 3, "\(run.stderr)")
    #expect(FlowExecRetryTests.retries(run.stdout).isEmpty)
    #expect(folder.read("tries") == "x\n")
    let ends = ExecFolder.ends(run.stdout)
    #expect(ends["three"]?["failure"] as? String == "failed")
    #expect(ends["after"]?["outcome"] as? String == "skipped")
    #expect(folder.read("after") == nil)
  }

  /// A Dask stage in a container is podman's (`--init` and all) with the container's memory
  /// limit: 300 MB under 100Mi is `oom`, tried at 200Mi, then 400Mi where it succeeds.
  @Test func aDaskContainerKilledForMemoryIsRetriedWithMoreMemory() throws {
    #expect(FlowExecContainerTests.prepared)
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      FlowExecRetryTests.growingContainerStage(environment: Self.dask)
    ])
    let run = try Self.run(document, ["--engine", "podman"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    let retries = FlowExecRetryTests.retries(run.stdout)
    #expect(retries.map { $0["failure"] as? String } == ["oom", "oom"])
    #expect(retries.map { $0["next_memory"] as? Int } == [209_715_200, 419_430_400])
    let end = ExecFolder.ends(run.stdout)["grows"]
    #expect(end?["outcome"] as? String == "succeeded")
    #expect(end?["attempts"] as? Int == 3)
  }

  /// flow-exec killed by SIGKILL while a stage runs on its local Dask cluster: the bridge
  /// holding the cluster dies with it, and the stage's whole process group goes too.
  @Test func aKilledFlowExecLeavesNoDaskStageBehind() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    try folder.document([
      ExecFolder.bash(
        "long", "sleep 300 & echo $! >> pids; echo $$ >> pids; wait",
        extra: ["environment": Self.dask])
    ]).write(to: folder.url.appendingPathComponent("doc.json"), atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = ToolRun.binaries.appendingPathComponent("flow-exec")
    process.arguments = ["--cpus", "2", "--memory", "4Gi", folder.path + "/doc.json"]
    process.environment = Self.withoutScheduler
    process.currentDirectoryURL = folder.url
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    var pids: [Int32] = []
    for _ in 0..<600 {
      pids = (folder.read("pids") ?? "").split(separator: "\n").compactMap { Int32($0) }
      if pids.count == 2 { break }
      usleep(50_000)
    }
    #expect(pids.count == 2)
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    for pid in pids {
      let gone = ProcessCheck.isGone(pid)
      #expect(gone, "process \(pid) survived")
      if !gone { kill(pid, SIGKILL) }
    }
  }
}
