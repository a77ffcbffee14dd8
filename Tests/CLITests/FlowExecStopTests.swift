import Foundation
import Testing

@Suite struct FlowExecStopTests {
  /// Two stages that each wait for the other's mark finish only when they run together.
  @Test func runsStagesTogetherAsCapacityAllows() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let meet =
      "touch $FLOW_STAGE.here; for i in $(seq 100); do [ -e $PEER.here ] && exit 0; sleep 0.05; done; exit 9"
    let stages = [
      ExecFolder.bash("left", "PEER=right; " + meet, extra: ["timeout": 20]),
      ExecFolder.bash("right", "PEER=left; " + meet, extra: ["timeout": 20]),
    ]
    let together = try ToolRun.run(
      "flow-exec", ["--cpus", "2"], stdin: try folder.document(stages))
    #expect(together.status == 0, "\(together.stdout)")

    try? FileManager.default.removeItem(at: folder.url.appendingPathComponent("left.here"))
    try? FileManager.default.removeItem(at: folder.url.appendingPathComponent("right.here"))
    let apart = try ToolRun.run(
      "flow-exec", ["--cpus", "1", "--no-cache"], stdin: try folder.document(stages))
    #expect(apart.status == 9)
  }

  /// Each stage counts the marks of stages running beside it; none sees more than allowed.
  @Test(arguments: [(["--cpus", "2"], 2), (["--cpus", "8", "-j", "3"], 3)])
  func neverExceedsTheLimit(arguments: [String], limit: Int) throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let stages = try folder.countingStages((1...8).map { "s\($0)" })
    let run = try ToolRun.run("flow-exec", arguments, stdin: try folder.document(stages))
    #expect(run.status == 0)
    let counts = folder.counts
    #expect(counts.count == 8)
    #expect(counts.max()! <= limit)
  }

  /// A second Ctrl-C kills at once instead of waiting out the grace period (an hour here).
  @Test func aSecondInterruptKillsAtOnce() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    try folder.document([ExecFolder.bash("held", "trap '' TERM; echo $$ > pid; sleep 300")]).write(
      to: folder.url.appendingPathComponent("doc.json"), atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = ToolRun.binaries.appendingPathComponent("flow-exec")
    process.arguments = ["--grace", "3600", folder.path + "/doc.json"]
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    for _ in 0..<200 where folder.read("pid") == nil { usleep(50_000) }
    let pid = Int32((folder.read("pid") ?? "").dropLast()) ?? 0
    #expect(pid > 0)
    kill(process.processIdentifier, SIGINT)
    usleep(200_000)
    #expect(process.isRunning)
    kill(process.processIdentifier, SIGINT)
    for _ in 0..<600 where process.isRunning { usleep(50_000) }
    #expect(!process.isRunning)
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    #expect(kill(pid, 0) == -1 && errno == ESRCH)
  }

  /// SIGINT and SIGTERM stop every stage's whole process group, even a process that
  /// ignores SIGTERM, and flow-exec exits 130 or 143 with nothing left running.
  @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
  func stopsEveryProcessOnASignal(signal: Int32, expected: Int32) throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let stubborn =
      "(trap '' TERM; sleep 300) & echo $! >> pids; sleep 300 & echo $! >> pids; echo $$ >> pids; wait"
    let stages = [ExecFolder.bash("one", stubborn), ExecFolder.bash("two", stubborn)]
    let process = Process()
    process.executableURL = ToolRun.binaries.appendingPathComponent("flow-exec")
    process.arguments = ["--cpus", "2", "--grace", "0.5", folder.path + "/doc.json"]
    try folder.document(stages).write(
      to: folder.url.appendingPathComponent("doc.json"), atomically: true, encoding: .utf8)
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    var pids: [Int32] = []
    for _ in 0..<200 {
      pids = (folder.read("pids") ?? "").split(separator: "\n").compactMap { Int32($0) }
      if pids.count == 6 { break }
      usleep(50_000)
    }
    #expect(pids.count == 6)
    kill(process.processIdentifier, signal)
    process.waitUntilExit()
    #expect(process.terminationStatus == expected)
    for pid in pids {
      #expect(kill(pid, 0) == -1 && errno == ESRCH, "process \(pid) survived")
    }
  }
}
