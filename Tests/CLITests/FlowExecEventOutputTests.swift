import Foundation
import Testing

/// Events that cannot be written are a failure, except when the reader went away.
@Suite struct FlowExecEventOutputTests {
  /// `flow-exec > /dev/full` once exited 0 with every event lost: the run goes on to its
  /// end (its work is in its logs), then flow-exec says so once and exits 74.
  @Test(arguments: [[String](), ["--dry-run"], ["--dry-run", "--format", "json"]])
  func eventsToAFullDiskEndWith74(arguments: [String]) throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = folder.path + "/doc.json"
    try folder.document([ExecFolder.bash("ran", "touch ran")]).write(
      toFile: document, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = ToolRun.binaries.appendingPathComponent("flow-exec")
    process.arguments = arguments + [document]
    process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let message = String(
      decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 74)
    #expect(
      message == "flow-exec: standard output: no space left on device; events were lost"
        + " (the run's own status was 0)\n")
    #expect((folder.read("ran") != nil) == arguments.isEmpty)
  }

  /// A reader that goes away (`flow-exec | head -1`) does not stop the run or fail it.
  @Test func aReaderThatWentAwayLeavesTheRunGoing() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let stages = [
      ExecFolder.bash("first", "true"),
      ExecFolder.bash("second", "sleep 0.5; touch second", needs: ["first"]),
    ]
    let run = try ToolRun.run(
      "/bin/bash",
      [
        "-c", "\"$0\" | head -c 1 > /dev/null; echo ${PIPESTATUS[0]}",
        ToolRun.binaries.appendingPathComponent("flow-exec").path,
      ],
      stdin: try folder.document(stages))
    #expect(run.stdout == "0\n", "\(run.stderr)")
    #expect(folder.read("second") != nil)
  }
}
