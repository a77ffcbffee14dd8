import Foundation
import Testing

/// A container runs under its engine, not under flow-exec: when flow-exec is killed
/// (SIGKILL), the next run removes the container the killed run left, by its name.
@Suite(.serialized) struct FlowExecContainerSweepTests {
  @Test func theNextRunRemovesTheContainerOfAKilledRun() throws {
    #expect(FlowExecContainerTests.prepared)
    let folder = try ExecFolder()
    defer { folder.remove() }
    var environment = ProcessInfo.processInfo.environment
    environment["XDG_CACHE_HOME"] = folder.path + "/cache"
    environment["XDG_RUNTIME_DIR"] = nil
    let stage = FlowExecContainerTests().containerStage("held", "touch started; sleep 300")
    let run = try BackgroundRun(
      folder, [stage], arguments: ["--engine", "podman"], environment: environment)
    let prefix = "flow-\(run.pid)-"
    var names: [String] = []
    for _ in 0..<600 {
      names = try FlowExecContainerTests.containers(named: prefix)
      if !names.isEmpty && folder.read("started") != nil { break }
      usleep(50_000)
    }
    #expect(names == [prefix + "held"])
    kill(run.pid, SIGKILL)
    _ = run.wait(upTo: 60)

    let next = try ToolRun.run(
      "flow-exec", [], stdin: try folder.document([ExecFolder.bash("next", "true")]),
      environment: environment)
    #expect(next.status == 0, "\(next.stderr)")
    #expect(
      next.stderr.contains(
        "1 container left running by an earlier run whose flow-exec (PID \(run.pid)) is gone"),
      "\(next.stderr)")
    #expect(try FlowExecContainerTests.containers(named: prefix).isEmpty)
    for name in try FlowExecContainerTests.containers(named: prefix) {
      _ = try? ToolRun.run("/usr/bin/podman", ["rm", "-f", "-t", "0", name])
    }
  }
}
