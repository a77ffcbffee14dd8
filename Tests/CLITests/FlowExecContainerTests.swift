import Foundation
import Testing

/// Stages in real podman containers, from the local image scripts/podman-setup.sh builds.
@Suite(.serialized) struct FlowExecContainerTests {
  static let image = "localhost/flow-test:1"

  /// Prepares podman once (settings when absent, the image when missing).
  static let prepared: Bool = {
    let setup = try? ToolRun.run(ToolRun.root.path + "/scripts/podman-setup.sh", [])
    return setup?.status == 0
  }()

  static func containers(named prefix: String) throws -> [String] {
    let run = try ToolRun.run(
      "/usr/bin/podman", ["ps", "-a", "--format", "{{.Names}}", "--filter", "name=" + prefix])
    return run.stdout.split(separator: "\n").map(String.init)
  }

  func containerStage(_ name: String, _ command: String) -> [String: Any] {
    ExecFolder.bash(
      name, command,
      extra: [
        "environment": [
          "image": Self.image, "variables": ["merged": ["GREETING": "hello there"]],
          "resources": ["memory": 67_108_864, "cpu": 1],
        ]
      ])
  }

  @Test func runsInTheImageWithTheFolderAndEnvironment() throws {
    #expect(Self.prepared)
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      containerStage("inside", "echo \"$GREETING\" $FLOW_STAGE $(pwd) > seen; exit 4")
    ])
    let run = try ToolRun.run("flow-exec", ["--engine", "podman"], stdin: document)
    #expect(run.status == 4, "\(run.stderr)")
    #expect(folder.read("seen") == "hello there inside \(folder.path)\n")
    let start = ExecFolder.events(run.stdout).first { $0["type"] as? String == "stage-start" }
    let pid = (start?["data"] as? [String: Any])?["pid"] as? Int
    #expect(pid != nil)
    #expect(try Self.containers(named: "flow-").filter { $0.hasSuffix("-inside") }.isEmpty)
  }

  @Test func theEngineComesFromTheEnvironmentVariable() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([containerStage("x", "true")])
    var environment = ProcessInfo.processInfo.environment
    environment["FLOW_CONTAINER_ENGINE"] = "apptainer-nope"
    let run = try ToolRun.run("flow-exec", [], stdin: document, environment: environment)
    #expect(run.status == 125)
    #expect(run.stderr.contains("unknown container engine 'apptainer-nope'"))
  }

  /// SIGINT stops a container whose main process ignores SIGTERM: nothing is left,
  /// neither the client nor the container.
  @Test func stopsAndRemovesContainersOnASignal() throws {
    #expect(Self.prepared)
    let folder = try ExecFolder()
    defer { folder.remove() }
    try folder.document([containerStage("held", "touch started; trap '' TERM; sleep 300")]).write(
      to: folder.url.appendingPathComponent("doc.json"), atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = ToolRun.binaries.appendingPathComponent("flow-exec")
    process.arguments = ["--engine", "podman", "--grace", "1", folder.path + "/doc.json"]
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let prefix = "flow-\(process.processIdentifier)-"
    var names: [String] = []
    for _ in 0..<200 {
      names = try Self.containers(named: prefix)
      if !names.isEmpty && folder.read("started") != nil { break }
      usleep(50_000)
    }
    #expect(names == [prefix + "held"])
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    #expect(try Self.containers(named: prefix).isEmpty)
  }
}
