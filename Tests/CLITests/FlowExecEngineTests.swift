import Foundation
import Testing

/// A container engine that is missing, cannot run, goes away during the run, or fails
/// with its own statuses: stand-in engines on PATH, so these run without podman.
@Suite struct FlowExecEngineTests {
  /// A folder whose `bin/podman` is the given script (or a file of the given mode).
  func engineFolder(_ script: String, mode: Int = 0o755) throws -> (ExecFolder, [String: String]) {
    let folder = try ExecFolder()
    let bin = folder.url.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    let engine = bin.appendingPathComponent("podman").path
    try ("#!/bin/sh\n" + script + "\n").write(toFile: engine, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: engine)
    var environment = ProcessInfo.processInfo.environment
    // Only this folder: the real podman, if installed, stays out of reach.
    environment["PATH"] = bin.path
    return (folder, environment)
  }

  func imageStage(_ name: String, needs: [String] = []) -> [String: Any] {
    ExecFolder.bash(name, "true", needs: needs, extra: ["environment": ["image": "img:1"]])
  }

  @Test func aMissingEngineIsNamedBeforeAnythingRuns() throws {
    let (folder, environment) = try engineFolder("exit 0")
    defer { folder.remove() }
    try FileManager.default.removeItem(atPath: folder.path + "/bin/podman")
    let run = try ToolRun.run(
      "flow-exec", ["--engine", "podman"], stdin: try folder.document([imageStage("s")]),
      environment: environment)
    #expect(run.status == 125)
    #expect(run.stderr.contains("container engine 'podman' is not installed (not found in PATH)"))
    #expect(!run.stdout.contains("stage-start"))
  }

  @Test func anEngineThatCannotBeRunIsNamedWithItsPath() throws {
    let (folder, environment) = try engineFolder("exit 0", mode: 0o644)
    defer { folder.remove() }
    let run = try ToolRun.run(
      "flow-exec", ["--engine", "podman"], stdin: try folder.document([imageStage("s")]),
      environment: environment)
    #expect(run.status == 125)
    #expect(
      run.stderr.contains(
        "container engine 'podman' cannot be run: \(folder.path)/bin/podman: permission denied"),
      "\(run.stderr)")
  }

  /// The engine removes itself while running the first stage: the second cannot start,
  /// which is the engine's failure (125), not the stage command's 127.
  @Test func anEngineGoneDuringTheRunFailsTheNextStageAsTheEngines() throws {
    let (folder, environment) = try engineFolder(#"/bin/rm -f "$0""#)
    defer { folder.remove() }
    let run = try ToolRun.run(
      "flow-exec", ["--engine", "podman"],
      stdin: try folder.document([imageStage("first"), imageStage("second", needs: ["first"])]),
      environment: environment)
    #expect(run.status == 125)
    let ends = ExecFolder.ends(run.stdout)
    #expect(ends["first"]?["outcome"] as? String == "succeeded")
    #expect(ends["second"]?["status"] as? Int == 125)
    #expect(
      (ends["second"]?["message"] as? String)?.hasPrefix(
        "container engine podman cannot start: podman: command not found") == true,
      "\(ends["second"] ?? [:])")
  }

  /// podman's own 126 and 127 (with its `Error:` line) are reported as the engine's; a
  /// stage's own 127 stays the stage's, without that message.
  @Test(arguments: [
    (
      #"echo 'Error: runc: exec: "bash": executable file not found in $PATH' >&2; exit 127"#,
      Int32(127), "container engine podman found no such command in the image (status 127)"
    ),
    (
      #"echo 'Error: runc: exec: "bash": permission denied' >&2; exit 126"#, 126,
      "container engine podman could not run the stage's command in the image (status 126)"
    ),
    (#"echo 'bash: line 1: nope: command not found' >&2; exit 127"#, 127, nil),
  ])
  func enginesOwnStatusesAreToldFromTheStages(script: String, status: Int32, message: String?)
    throws
  {
    let (folder, environment) = try engineFolder(script)
    defer { folder.remove() }
    let run = try ToolRun.run(
      "flow-exec", ["--engine", "podman"], stdin: try folder.document([imageStage("s")]),
      environment: environment)
    #expect(run.status == status)
    let end = ExecFolder.ends(run.stdout)["s"]
    #expect(end?["status"] as? Int == Int(status))
    if let message {
      #expect((end?["message"] as? String)?.hasPrefix(message) == true, "\(end ?? [:])")
    } else {
      #expect(end?["message"] == nil)
    }
  }
}
