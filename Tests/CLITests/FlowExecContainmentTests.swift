import Foundation
import Testing

/// Nothing a stage starts outlives it: not a flood of output, not a process that left the
/// stage's process group (GNU `timeout`, `setsid`), not even after flow-exec is killed.
/// Each test waits with a generous bound only, and stops what it started by PID.
@Suite struct FlowExecContainmentTests {
  /// A stage that writes without end (`yes`) still times out, and flow-exec's memory
  /// stays bounded while it relays the flood as events.
  @Test func aFloodingStageTimesOutWithBoundedMemory() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let run = try BackgroundRun(
      folder, [ExecFolder.bash("flood", "yes", extra: ["timeout": 2])],
      arguments: ["--stage-output"])
    let ended = run.wait(upTo: 120)
    #expect(ended?.status == 124)
    // flow-exec's own peak resident memory.
    #expect((ended?.peakKiB ?? .max) < 200 * 1024)
    #expect(ExecFolder.ends(run.stdout)["flood"]?["timed_out"] as? Bool == true)
  }

  /// A line without end (`cat /dev/zero`) is handed on cut; the run still times out.
  @Test func anEndlessLineIsCutAndTheStageTimesOut() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let run = try BackgroundRun(
      folder, [ExecFolder.bash("zeros", "cat /dev/zero", extra: ["timeout": 2])],
      arguments: ["--stage-output"])
    let ended = run.wait(upTo: 120)
    #expect(ended?.status == 124)
    #expect((ended?.peakKiB ?? .max) < 200 * 1024)
    let lines = ExecFolder.events(run.stdout).compactMap {
      ($0["data"] as? [String: Any])?["line"] as? String
    }
    #expect(!lines.isEmpty)
    #expect(lines.allSatisfy { $0.hasSuffix("[cut at 65536 bytes; the log has the whole line]") })
  }

  /// Ctrl-C during a flood ends the run.
  @Test func anInterruptDuringAFloodEndsTheRun() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let run = try BackgroundRun(
      folder, [ExecFolder.bash("flood", "touch started; yes")], arguments: ["--stage-output"])
    #expect(folder.waitFor("started"))
    usleep(300_000)
    kill(run.pid, SIGINT)
    #expect(run.wait(upTo: 120)?.status == 130)
  }

  /// A reader that stops reading never holds up the run: with the events' pipe full and
  /// unread, Ctrl-C still stops a flooding stage, flow-exec's memory stays bounded while
  /// the events wait, and once the reader reads again every event arrives, the stage's end
  /// and the summary among them.
  @Test func aStalledReaderNeverHoldsUpTheRun() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    var ends: [Int32] = [0, 0]
    #expect(pipe(&ends) == 0)
    defer { close(ends[0]) }
    let run = try BackgroundRun(
      folder, [ExecFolder.bash("flood", "echo $$ > leader.pid; exec yes")],
      arguments: ["--stage-output", "--grace", "1"], standardOutput: ends[1])
    close(ends[1])
    let leader = folder.waitForPIDs(["leader.pid"]).first ?? 0
    defer { kill(leader, SIGKILL) }
    #expect(leader > 0)
    // Until the pipe holds more than half its size and has stopped filling for a second
    // (how full a pipe gets depends on how the writes met its pages): every later event
    // write then waits for the reader.
    let capacity = fcntl(ends[0], 1032)  // F_GETPIPE_SZ, not in Glibc's Swift module
    var unread: Int32 = 0
    var unchanged = 0
    let giveUp = Date().addingTimeInterval(60)
    while Date() < giveUp, unchanged < 10 {
      var now: Int32 = 0
      guard ioctl(ends[0], UInt(FIONREAD), &now) == 0 else { break }
      unchanged = now == unread && now > capacity / 2 ? unchanged + 1 : 0
      unread = now
      usleep(100_000)
    }
    #expect(unchanged == 10, "the events' pipe never filled")
    kill(run.pid, SIGINT)
    #expect(ProcessCheck.isGone(leader), "the stage outlived Ctrl-C while the reader stalled")
    // Held events once kept each line's reserved buffer: 250 MB after a second or two.
    #expect(BackgroundRun.highWaterKiB(run.pid) < 100 * 1024)
    var events: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while case let count = read(ends[0], &buffer, buffer.count), count > 0 {
      events += buffer[..<count]
    }
    #expect(run.wait(upTo: 120)?.status == 130)
    let text = String(decoding: events, as: UTF8.self)
    #expect(ExecFolder.ends(text)["flood"] != nil)
    #expect(text.contains("\"type\":\"summary\""))
  }

  static let escaping =
    "timeout 300 sleep 300 & echo $! > timeout.pid; setsid sleep 300 & echo $! > setsid.pid; wait"

  /// GNU timeout's own process group and a `setsid` daemon go when the stage times out.
  @Test func escapedProcessesGoWhenTheStageTimesOut() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let run = try BackgroundRun(
      folder, [ExecFolder.bash("escape", Self.escaping, extra: ["timeout": 2])],
      arguments: ["--grace", "1"])
    let pids = folder.waitForPIDs(["timeout.pid", "setsid.pid"])
    defer { pids.forEach { kill($0, SIGTERM) } }
    #expect(pids.count == 2)
    #expect(run.wait(upTo: 120)?.status == 124)
    for pid in pids { #expect(ProcessCheck.isGone(pid), "process \(pid) survived") }
  }

  /// The same processes go when flow-exec is interrupted.
  @Test func escapedProcessesGoOnAnInterrupt() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let run = try BackgroundRun(
      folder, [ExecFolder.bash("escape", Self.escaping)], arguments: ["--grace", "1"])
    let pids = folder.waitForPIDs(["timeout.pid", "setsid.pid"])
    defer { pids.forEach { kill($0, SIGTERM) } }
    #expect(pids.count == 2)
    kill(run.pid, SIGINT)
    #expect(run.wait(upTo: 120)?.status == 130)
    for pid in pids { #expect(ProcessCheck.isGone(pid), "process \(pid) survived") }
  }

  /// SIGKILL leaves flow-exec no time to clean up: the kernel kills the stage's leader,
  /// and the next run stops what the leader had started (its background child and a
  /// `setsid` daemon), saying so.
  @Test func aKilledRunTakesItsLeaderAndTheNextRunStopsTheRest() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    var environment = ProcessInfo.processInfo.environment
    environment["XDG_CACHE_HOME"] = folder.path + "/cache"
    environment["XDG_RUNTIME_DIR"] = nil
    let script =
      "echo $$ > leader.pid; sleep 300 & echo $! > child.pid; setsid sleep 300 & echo $! > setsid.pid; wait"
    let run = try BackgroundRun(
      folder, [ExecFolder.bash("held", script)], arguments: [], environment: environment)
    let pids = folder.waitForPIDs(["leader.pid", "child.pid", "setsid.pid"])
    defer { pids.forEach { kill($0, SIGTERM) } }
    #expect(pids.count == 3)
    kill(run.pid, SIGKILL)
    _ = run.wait(upTo: 60)
    #expect(ProcessCheck.isGone(pids.first ?? 0), "the stage's leader survived flow-exec")

    let next = try ToolRun.run(
      "flow-exec", [],
      stdin: try folder.document([ExecFolder.bash("next", "true")]), environment: environment)
    #expect(next.status == 0, "\(next.stderr)")
    #expect(
      next.stderr.contains(
        "left running by an earlier run whose flow-exec (PID \(run.pid)) is gone"),
      "\(next.stderr)")
    for pid in pids.dropFirst() { #expect(ProcessCheck.isGone(pid), "process \(pid) survived") }
  }

  /// What a stage leaves when it ends goes with it at once, also while another stage runs
  /// (so the runner has children besides the ended stage's): a `setsid` daemon and an
  /// orphaned background child. The other stage fails unless both are gone in time.
  @Test func whatAStageLeavesGoesWhenItEndsWhileAnotherRuns() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let leaver =
      "setsid sleep 300 & echo $! > setsid.pid; (sleep 300 & echo $! > orphan.pid); true"
    let watcher =
      "for i in $(seq 300); do [ -s orphan.pid ] && [ -s setsid.pid ] && break; sleep 0.1; done;"
      + " for i in $(seq 300); do kill -0 $(cat setsid.pid) 2>/dev/null"
      + " || kill -0 $(cat orphan.pid) 2>/dev/null || exit 0; sleep 0.1; done; exit 3"
    let document = try folder.document([
      ExecFolder.bash("leaver", leaver), ExecFolder.bash("watcher", watcher),
    ])
    let run = try ToolRun.run(
      "flow-exec", ["-j", "2", "--log-dir", folder.path + "/logs"], stdin: document)
    let pids = ["setsid.pid", "orphan.pid"].compactMap { name in
      folder.read(name).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
    defer { pids.forEach { kill($0, SIGTERM) } }
    #expect(run.status == 0, "\(run.stdout)")
    #expect(pids.count == 2)
  }
}

/// Whether processes still exist, by PID.
enum ProcessCheck {
  /// Whether `pid` is gone (or a zombie no one has reaped yet), waiting up to `limit`
  /// seconds for it to go.
  static func isGone(_ pid: Int32, upTo limit: Double = 30) -> Bool {
    let giveUp = Date().addingTimeInterval(limit)
    while Date() < giveUp {
      if kill(pid, 0) != 0 && errno == ESRCH { return true }
      let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
      if let close = stat.lastIndex(of: ")"), stat[close...].hasPrefix(") Z") { return true }
      usleep(50_000)
    }
    return false
  }
}

extension ExecFolder {
  /// Waits until the stages wrote `name`.
  func waitFor(_ name: String, upTo limit: Double = 60) -> Bool {
    let giveUp = Date().addingTimeInterval(limit)
    while Date() < giveUp {
      if read(name) != nil { return true }
      usleep(50_000)
    }
    return false
  }

  /// The PIDs the stages wrote to the files `names`, once all are there.
  func waitForPIDs(_ names: [String], upTo limit: Double = 60) -> [Int32] {
    let giveUp = Date().addingTimeInterval(limit)
    while Date() < giveUp {
      let pids = names.compactMap {
        read($0).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
      }
      if pids.count == names.count { return pids }
      usleep(50_000)
    }
    return []
  }
}

/// flow-exec started in the background on a document of `stages`, its events in a file,
/// waited for while its peak memory is sampled.
struct BackgroundRun {
  let pid: pid_t
  let folder: ExecFolder

  init(
    _ folder: ExecFolder, _ stages: [[String: Any]], arguments: [String],
    environment: [String: String] = ProcessInfo.processInfo.environment,
    standardOutput: Int32? = nil
  ) throws {
    self.folder = folder
    let document = folder.path + "/doc.json"
    try folder.document(stages).write(
      toFile: document, atomically: true, encoding: .utf8)
    let program = ToolRun.binaries.appendingPathComponent("flow-exec").path
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    if let standardOutput {
      posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
    } else {
      posix_spawn_file_actions_addopen(
        &actions, 1, folder.path + "/events.jsonl", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    }
    posix_spawn_file_actions_addopen(
      &actions, 2, folder.path + "/stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv = ([program] + arguments + [document]).map { strdup($0) } + [nil]
    let variables = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      argv.forEach { free($0) }
      variables.forEach { free($0) }
    }
    var pid: pid_t = 0
    let code = posix_spawn(&pid, program, &actions, nil, argv, variables)
    guard code == 0 else { throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO) }
    self.pid = pid
  }

  var stdout: String { folder.read("events.jsonl") ?? "" }

  /// Waits up to `limit` seconds for the run to end; on time, its exit status (128+N for
  /// signal N) and its peak resident memory, sampled from `/proc/PID/status` (`VmHWM`)
  /// while it runs. (wait4's `ru_maxrss` would count this test process too: posix_spawn
  /// shares its memory until exec.) Past the limit it is killed and nil returned.
  func wait(upTo limit: Double) -> (status: Int32, peakKiB: Int)? {
    let giveUp = Date().addingTimeInterval(limit)
    var status: Int32 = 0
    var peak = 0
    while Date() < giveUp {
      peak = max(peak, Self.highWaterKiB(pid))
      if waitpid(pid, &status, WNOHANG) == pid {
        let signal = status & 0x7f
        return (signal == 0 ? (status >> 8) & 0xff : 128 + signal, peak)
      }
      usleep(50_000)
    }
    kill(pid, SIGKILL)
    _ = waitpid(pid, &status, 0)
    return nil
  }

  /// `VmHWM` of `pid` in KiB; 0 once it is gone.
  static func highWaterKiB(_ pid: pid_t) -> Int {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
  }
}
