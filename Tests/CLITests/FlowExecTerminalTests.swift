import Foundation
import Testing

/// flow-exec in a real terminal (tmux): the run shown for a person, never JSON unless
/// asked; a summary naming each stage that ended badly with its log; "stopping" on Ctrl-C.
@Suite(.serialized) struct FlowExecTerminalTests {
  static let canRun = ShellSession.canRun("bash")

  /// A folder with `workflow.yaml` holding `stages` (YAML flow mappings, one per line).
  func workflowFolder(_ stages: [String]) throws -> ExecFolder {
    let folder = try ExecFolder()
    let text = "stages:\n" + stages.map { "  - \($0)\n" }.joined()
    try text.write(
      to: folder.url.appendingPathComponent("workflow.yaml"), atomically: true, encoding: .utf8)
    return folder
  }

  @Test(.enabled(if: canRun))
  func aFailingATimedOutAndACachedStageAreNamedInTheSummary() throws {
    let folder = try workflowFolder([
      #"{name: prep, type: BashOperator, kwargs: {bash_command: "echo prepared"}}"#,
      #"{name: fit, type: BashOperator, kwargs: {bash_command: "echo no convergence; exit 3"}, needs: [prep]}"#,
      #"{name: slow, type: BashOperator, timeout: 1, kwargs: {bash_command: "sleep 30"}}"#,
    ])
    defer { folder.remove() }
    // A first run of prep alone: the run on the terminal finds it in the stage cache.
    let first = try ToolRun.run("flow-exec", ["--only", "prep", "workflow.yaml"], in: folder.url)
    #expect(first.status == 0, "\(first.stderr)")
    let session = try ShellSession("bash", in: folder.url, tools: [])
    try session.type("flow-exec --keep-going workflow.yaml; echo exit=$?\n")
    #expect(try session.shows("exit=3"))
    let screen = try session.screen()
    let runs = folder.path + "/.flow/runs/"
    #expect(screen.contains("FAILED: fit (failed, exit status 3"), "\(screen)")
    #expect(screen.contains("FAILED: slow (timed out, exit status 124"), "\(screen)")
    #expect(screen.contains("fit | no convergence"), "\(screen)")
    let rows = screen.split(separator: "\n").map(String.init)
    let fitRow = rows.last { $0.hasPrefix("fit ") }
    let slowRow = rows.last { $0.hasPrefix("slow ") }
    let prepRow = rows.last { $0.hasPrefix("prep ") }
    #expect(fitRow?.contains("failed") == true && fitRow?.hasSuffix("/logs/fit.log") == true)
    #expect(fitRow?.contains(runs) == true, "\(screen)")
    #expect(slowRow?.contains("timed out") == true && slowRow?.hasSuffix("/logs/slow.log") == true)
    #expect(prepRow?.contains("cached") == true && prepRow?.contains(".log") == false)
    #expect(screen.contains("3 stages: 1 cached, 1 failed, 1 timed out"), "\(screen)")
    #expect(!screen.contains("{\"type\""), "no JSON on a terminal: \(screen)")
  }

  @Test(.enabled(if: canRun))
  func controlCShowsStoppingAndTheStoppedStage() throws {
    let folder = try workflowFolder([
      #"{name: nap, type: BashOperator, kwargs: {bash_command: "trap '' TERM; sleep 30"}}"#
    ])
    defer { folder.remove() }
    let session = try ShellSession("bash", in: folder.url, tools: [])
    try session.type("flow-exec --grace 3 workflow.yaml; echo exit=$?\n")
    #expect(try session.shows("running  nap"))
    try session.pressControlC()
    #expect(try session.shows("stopping… (Ctrl-C again to kill)"))
    #expect(try session.shows("exit=130"))
    let screen = try session.screen()
    #expect(
      screen.split(separator: "\n").contains { $0.hasPrefix("nap ") && $0.contains("stopped") })
  }

  @Test(.enabled(if: canRun))
  func formatJSONWritesEventsOnATerminal() throws {
    let folder = try workflowFolder([
      #"{name: hello, type: BashOperator, kwargs: {bash_command: "true"}}"#
    ])
    defer { folder.remove() }
    let session = try ShellSession("bash", in: folder.url, tools: [])
    try session.type("flow-exec --format json workflow.yaml; echo exit=$?\n")
    #expect(try session.shows("exit=0"))
    let screen = try session.screen()
    #expect(screen.contains(#"{"type":"summary""#), "\(screen)")
    #expect(!screen.contains("STAGE"), "\(screen)")
  }

  @Test(.enabled(if: canRun))
  func noColorLeavesTheViewPlain() throws {
    let folder = try workflowFolder([
      #"{name: bad, type: BashOperator, kwargs: {bash_command: "exit 2"}}"#
    ])
    defer { folder.remove() }
    let session = try ShellSession("bash", in: folder.url, tools: [])
    try session.type("flow-exec workflow.yaml; echo exit=$?\n")
    #expect(try session.shows("exit=2"))
    #expect(try session.styledScreen().contains("\u{1b}[31m"), "coloured by default")
    try session.type("clear; NO_COLOR=1 flow-exec workflow.yaml; echo plain=$?\n")
    #expect(try session.shows("plain=2"))
    let screen = try session.styledScreen()
    #expect(screen.contains("FAILED: bad") && !screen.contains("\u{1b}[31m"), "\(screen)")
  }

  @Test(.enabled(if: canRun))
  func aRunningStageShowsTheTimeLeftByItsHistory() throws {
    let folder = try workflowFolder([
      #"{name: nap, type: BashOperator, kwargs: {bash_command: "sleep 30"}}"#
    ])
    defer { folder.remove() }
    try #"{"flow_history": 1, "stages": {"nap": 600}}"#.write(
      to: folder.url.appendingPathComponent("history.json"), atomically: true, encoding: .utf8)
    let session = try ShellSession("bash", in: folder.url, tools: [])
    try session.type("flow-exec --history history.json workflow.yaml; echo exit=$?\n")
    #expect(try session.shows("min"))
    let line = try session.screen().split(separator: "\n").first { $0.contains("running  nap") }
    #expect(line?.contains("local") == true && line?.contains("left") == true, "\(line ?? "")")
    try session.pressControlC()
    #expect(try session.shows("exit=130"))
  }

  /// Under make (`MAKELEVEL` set) a recipe's flow-exec shares the terminal with others
  /// at `-j`: it writes its lines and summary but draws no live block.
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
  func aMakeRecipeDrawsNoLiveBlock() throws {
    let folder = try workflowFolder([
      #"{name: hello, type: BashOperator, kwargs: {bash_command: "echo hi"}}"#
    ])
    defer { folder.remove() }
    func onATerminal(_ environment: [String: String]) throws -> String {
      var environment = environment
      environment["PATH"] = ToolRun.binaries.path + ":/usr/bin:/bin"
      let run = try ToolRun.run(
        "/usr/bin/script", ["-qec", "flow-exec --no-cache workflow.yaml", "/dev/null"],
        in: folder.url,
        environment: environment)
      #expect(run.status == 0, "\(run.stdout)")
      return run.stdout
    }
    let erase = "\u{1b}[J"
    #expect(try onATerminal([:]).contains(erase), "a live block is drawn and cleared")
    let underMake = try onATerminal(["MAKELEVEL": "1", "NO_COLOR": "1"])
    #expect(!underMake.contains(erase) && underMake.contains("hello | hi"), "\(underMake)")
    #expect(underMake.contains("1 stage: 1 succeeded"))
  }
}
