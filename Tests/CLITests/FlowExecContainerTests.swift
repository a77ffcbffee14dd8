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

  /// Starts flow-exec on a document of one container stage, in the background.
  func start(
    _ stage: [String: Any], in folder: ExecFolder, arguments: [String],
    output: FileHandle = .nullDevice
  ) throws -> Process {
    try folder.document([stage]).write(
      to: folder.url.appendingPathComponent("doc.json"), atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = ToolRun.binaries.appendingPathComponent("flow-exec")
    process.arguments = arguments + [folder.path + "/doc.json"]
    process.standardOutput = output
    try process.run()
    return process
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
    let process = try start(
      containerStage("held", "touch started; trap '' TERM; sleep 300"), in: folder,
      arguments: ["--engine", "podman", "--grace", "1"])
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

  /// The podman client flow-exec started is killed while its container runs: the stage
  /// fails at once as the engine's failure (125) naming the engine and the signal, and the
  /// container, still running under podman, is removed by the name flow-exec gave it.
  @Test func anEngineKilledDuringTheRunIsReportedAndItsContainerRemoved() throws {
    #expect(Self.prepared)
    let folder = try ExecFolder()
    defer { folder.remove() }
    let events = folder.url.appendingPathComponent("events.jsonl")
    _ = FileManager.default.createFile(atPath: events.path, contents: nil)
    let output = try FileHandle(forWritingTo: events)
    defer { try? output.close() }
    let process = try start(
      containerStage("held", "touch started; sleep 300"), in: folder,
      arguments: ["--engine", "podman"], output: output)
    let prefix = "flow-\(process.processIdentifier)-"
    var client: Int?
    for _ in 0..<200 {
      let start = ExecFolder.events(folder.read("events.jsonl") ?? "").first {
        $0["type"] as? String == "stage-start"
      }
      client = (start?["data"] as? [String: Any])?["pid"] as? Int
      if client != nil && folder.read("started") != nil { break }
      usleep(50_000)
    }
    #expect(try Self.containers(named: prefix) == [prefix + "held"])
    kill(Int32(client ?? 0), SIGKILL)
    for _ in 0..<600 where process.isRunning { usleep(50_000) }
    #expect(!process.isRunning, "flow-exec still waits 30 s after its engine was killed")
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    #expect(process.terminationStatus == 125)
    let end = ExecFolder.ends(folder.read("events.jsonl") ?? "")["held"]
    #expect(end?["status"] as? Int == 125)
    #expect(
      end?["message"] as? String
        == "container engine podman was killed by SIGKILL while container \(prefix)held ran;"
        + " the container was removed")
    #expect(try Self.containers(named: prefix).isEmpty)
  }

  /// podman's own failure (an image it cannot find) is reported as the engine's, with
  /// podman's message; the stage's own `exit 125` is not.
  @Test func enginesOwnFailureIsToldFromTheStagesStatus() throws {
    #expect(Self.prepared)
    let folder = try ExecFolder()
    defer { folder.remove() }
    var missing = containerStage("missing", "true")
    missing["environment"] = ["image": "localhost/flow-test-missing:1"]
    let document = try folder.document([
      missing, containerStage("own", "exit 125"),
    ])
    let run = try ToolRun.run("flow-exec", ["--engine", "podman", "--keep-going"], stdin: document)
    #expect(run.status == 125)
    let ends = ExecFolder.ends(run.stdout)
    #expect(ends["missing"]?["status"] as? Int == 125)
    #expect(
      (ends["missing"]?["message"] as? String)?.hasPrefix(
        "container engine podman failed (status 125): Error: ") == true, "\(ends)")
    #expect(ends["own"]?["status"] as? Int == 125)
    #expect(ends["own"]?["message"] == nil)
  }
}
