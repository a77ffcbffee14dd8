import FlowTestSupport
import Glibc
import Testing

@testable import FlowCore

@Suite struct ChildProcessTests {
  let environment: EnvironmentMap = ["PATH": "/usr/bin:/bin"]

  @Test func collectsOutputAndErrorsAndTheStatus() throws {
    let finished = try ChildProcess(
      ["sh", "-c", "echo out; echo err >&2; exit 3"], environment: environment
    ).run()
    #expect(finished.status == .exited(3))
    #expect(finished.text == "out\nerr\n")
  }

  @Test func discardsErrorsWhenAsked() throws {
    var child = ChildProcess(["sh", "-c", "echo out; echo err >&2"], environment: environment)
    child.keepsErrors = false
    #expect(try child.run().text == "out\n")
  }

  @Test func runsInTheFolderWithOnlyTheEnvironmentGiven() throws {
    let finished = try ChildProcess(
      ["sh", "-c", "pwd; echo \"${HOME-unset}\""], environment: environment, directory: "/tmp"
    ).run()
    #expect(finished.text == "/tmp\nunset\n")
  }

  @Test func reportsASignal() throws {
    let finished = try ChildProcess(["sh", "-c", "kill -TERM $$"], environment: environment).run()
    #expect(finished.status == .signalled(SIGTERM))
    #expect(finished.status?.shellStatus == 143)
  }

  @Test func aTimeoutKillsTheWholeGroup() throws {
    let started = MonotonicClock.now()
    let finished = try ChildProcess(
      ["sh", "-c", "sleep 30 & echo started; wait"], environment: environment
    ).run(timeout: 0.3)
    #expect(finished.status == nil)
    #expect(finished.text == "started\n")
    // The background sleep held the pipe too: it was killed with its group.
    #expect(MonotonicClock.now() - started < 10)
  }

  @Test func thePathRuleGives127And126() throws {
    #expect(throws: ChildProcess.Failure.self) {
      try ChildProcess.locate("no-such-program-here", environment: environment)
    }
    do {
      _ = try ChildProcess.locate("no-such-program-here", environment: environment)
    } catch {
      #expect(error.status == .notFound)
    }
    let folder = try TemporaryFolder()
    let script = try folder.write("bin/tool", "#!/bin/sh\n")
    do {
      _ = try ChildProcess.locate("tool", environment: ["PATH": folder.path + "/bin"])
    } catch {
      #expect(error.status == .cannotRun)
    }
    chmod(script, 0o755)
    #expect(try ChildProcess.locate("tool", environment: ["PATH": folder.path + "/bin"]) == script)
    // A name with a slash is taken as it is.
    #expect(try ChildProcess.locate(script, environment: [:]) == script)
  }

  @Test func theOutputCanBeHandedOnAsItComes() throws {
    var pieces: [UInt8] = []
    let finished = try ChildProcess(["sh", "-c", "printf 'a\\nb\\n'"], environment: environment)
      .run(onOutput: { pieces += $0 })
    #expect(finished.output.isEmpty)
    #expect(String(decoding: pieces, as: UTF8.self) == "a\nb\n")
  }

  /// A program that writes more than the caller keeps is read to its end all the same.
  @Test func outputPastTheLimitIsReadAndDropped() throws {
    let finished = try ChildProcess(
      ["sh", "-c", "head -c 1000000 /dev/zero; exit 4"], environment: environment
    ).run(outputLimit: 1000)
    #expect(finished.status == .exited(4))
    #expect(finished.output.count == 1000)
    #expect(finished.isTruncated)
  }
}
