import Foundation
import Testing

/// One stage run as a local process and in podman from the same base: its environment
/// dumps are equal but for what the container itself sets (allow-list below), and a
/// container never sees the submitting shell's variables.
@Suite(.serialized) struct FlowExecEnvironmentParityTests {
  /// Set by the engine or by the shell, not by flow; and the mark flow gives a local stage
  /// to find what it leaves (`FLOW_RUN_TOKEN`), which a container does not need.
  static let containerOwned: Set = [
    "HOSTNAME", "HOME", "TERM", "container", "PWD", "SHLVL", "_", "FLOW_RUN_TOKEN",
  ]
  /// The test image's own PATH (scripts/podman-setup.sh), the local run's base too.
  static let imagePath = "/bin"

  func stage(image: String?) -> [String: Any] {
    var environment: [String: Any] = ["variables": ["merged": ["MODE": "fast"]]]
    if let image { environment["image"] = image }
    return ExecFolder.bash(
      "dump", "env > dump",
      extra: [
        "environment": environment,
        "resolution": [
          "actions": [
            ["action": "set", "variable": "TOOL_HOME", "value": "/opt/tool", "package": "tool"],
            [
              "action": "prepend", "variable": "PATH", "value": "$TOOL_HOME/bin", "package": "tool",
            ],
          ]
        ],
      ])
  }

  func dump(_ folder: ExecFolder) -> [String: String] {
    var result: [String: String] = [:]
    for line in (folder.read("dump") ?? "").split(separator: "\n") {
      guard let equals = line.firstIndex(of: "=") else { continue }
      result[String(line[..<equals])] = String(line[line.index(after: equals)...])
    }
    return result
  }

  @Test func aStageSeesTheSameEnvironmentLocallyAndInPodman() throws {
    #expect(FlowExecContainerTests.prepared)
    let folder = try ExecFolder()
    defer { folder.remove() }
    let base = ["PATH": Self.imagePath]
    let local = try ToolRun.run(
      "flow-exec", [], stdin: try folder.document([stage(image: nil)]), environment: base)
    #expect(local.status == 0, "\(local.stderr)")
    let here = dump(folder)
    // The engine's client needs the host's PATH (conmon, runc); the container never sees it.
    var polluted = ProcessInfo.processInfo.environment
    polluted["POLLUTED"] = "yes"
    let boxed = try ToolRun.run(
      "flow-exec", ["--engine", "podman"],
      stdin: try folder.document([stage(image: FlowExecContainerTests.image)]),
      environment: polluted)
    #expect(boxed.status == 0, "\(boxed.stderr)")
    let there = dump(folder)
    #expect(there["POLLUTED"] == nil)
    #expect(there["PATH"] == "/opt/tool/bin:" + Self.imagePath)
    #expect(there["MODE"] == "fast")
    let differing = Set(here.keys).union(there.keys).filter { here[$0] != there[$0] }
    #expect(differing.subtracting(Self.containerOwned).isEmpty, "\(here) \(there)")
  }
}
