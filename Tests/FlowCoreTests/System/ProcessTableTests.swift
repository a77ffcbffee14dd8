import FlowTestSupport
import Glibc
import Testing

@testable import FlowCore

@Suite struct ProcessTableTests {
  let environment: EnvironmentMap = ["PATH": "/usr/bin:/bin"]

  /// A mark ended by a zero byte is a whole entry: stage 1's mark is not stage 10's.
  @Test func aMarkMatchesAWholeEntryOrAPrefix() {
    let environment = Array("A=1\0FLOW_RUN_TOKEN=r/10\0B=2\0".utf8)
    #expect(ProcessTable.holds(environment, Array("FLOW_RUN_TOKEN=r/10\0".utf8)))
    #expect(!ProcessTable.holds(environment, Array("FLOW_RUN_TOKEN=r/1\0".utf8)))
    #expect(ProcessTable.holds(environment, Array("FLOW_RUN_TOKEN=r/".utf8)))
    #expect(!ProcessTable.holds(environment, Array("OW_RUN_TOKEN=r/".utf8)))
    #expect(!ProcessTable.holds([], Array("A".utf8)))
  }

  /// A process that left its parent's group and session is found by the mark it
  /// inherited, and so is its child.
  @Test func findsEscapedProcessesByTheirMark() throws {
    let mark = "FLOW_RUN_TOKEN=test-\(getpid())-\(UInt64(MonotonicClock.now() * 1e9))/0"
    var marked = environment
    marked["FLOW_RUN_TOKEN"] = String(mark.dropFirst(15))
    var child = ChildProcess(
      ["sh", "-c", "setsid sleep 300 & sleep 300 & wait"], environment: marked)
    child.diesWithParent = true
    let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
    defer { close(null) }
    let leader = try child.start(output: null)
    var found: [pid_t] = []
    for _ in 0..<200 {
      found = ProcessTable.processes(withEnvironmentEntry: mark + "\0")
      if found.count == 3 { break }
      usleep(20_000)
    }
    #expect(found.count == 3)
    #expect(found.contains(leader))
    for pid in found { kill(pid, SIGKILL) }
    _ = ChildProcess.wait(for: leader)
    #expect(ProcessTable.startTime(of: getpid()) != nil)
    #expect(ProcessTable.startTime(of: leader) == nil)
  }

  /// The fork path (`diesWithParent`) starts a program as posix_spawn does: output,
  /// errors, folder, environment, status, and 127 for what is not there.
  @Test(arguments: [false, true])
  func bothWaysToStartAgree(diesWithParent: Bool) throws {
    var child = ChildProcess(
      ["sh", "-c", "pwd; echo \"${HOME-unset}\"; echo err >&2; exit 3"],
      environment: environment, directory: "/tmp")
    child.diesWithParent = diesWithParent
    let finished = try child.run()
    #expect(finished.status == .exited(3))
    #expect(finished.text == "/tmp\nunset\nerr\n")
    var missing = ChildProcess(
      ["sh", "-c", "true"], environment: environment, directory: "/no/such")
    missing.diesWithParent = diesWithParent
    #expect(throws: ChildProcess.Failure.self) { try missing.run() }
  }
}
