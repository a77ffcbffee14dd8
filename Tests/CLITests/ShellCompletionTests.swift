import Foundation
import Testing

/// The committed completion scripts in real interactive bash, zsh and fish sessions
/// (tmux): file names for file arguments, the values of options, and the stage names of
/// the workflow on the line.
@Suite(.serialized) struct ShellCompletionTests {
  static let shells = ["bash", "zsh", "fish"].filter(ShellSession.canRun)

  /// A folder with a workflow of two stages, and a session of `shell` in it.
  func session(_ shell: String) throws -> (ShellSession, ExecFolder) {
    let folder = try ExecFolder()
    let workflow = """
      stages:
        - {name: simulate, type: BashOperator, kwargs: {bash_command: "true"}}
        - {name: render, type: BashOperator, kwargs: {bash_command: "true"}, needs: [simulate]}

      """
    try workflow.write(
      to: folder.url.appendingPathComponent("workflow.yaml"), atomically: true, encoding: .utf8)
    let session = try ShellSession(shell, in: folder.url, tools: ["flow-exec", "flow-parse"])
    return (session, folder)
  }

  /// Types `line`, presses Tab, and says whether the line came to read `completed`.
  func completes(_ session: ShellSession, _ line: String, to completed: String) throws -> Bool {
    try session.type(line)
    try session.pressTab()
    let shown = try session.shows(completed)
    // Empties the line for the next (Ctrl-U; Ctrl-C would make bash drop what is typed
    // before it has handled the signal), once it is gone from the screen.
    try session.type("\u{15}")
    _ = try session.shows(completed, present: false)
    return shown
  }

  @Test(.enabled(if: !shells.isEmpty), arguments: shells)
  func stageNamesCompleteFromTheWorkflowOnTheLine(shell: String) throws {
    let (session, folder) = try session(shell)
    defer { folder.remove() }
    #expect(try completes(session, "flow-exec workflow.yaml --stage re", to: "--stage render"))
    #expect(try completes(session, "flow-exec workflow.yaml --only si", to: "--only simulate"))
  }

  @Test(.enabled(if: !shells.isEmpty), arguments: shells)
  func optionValuesComplete(shell: String) throws {
    let (session, folder) = try session(shell)
    defer { folder.remove() }
    #expect(try completes(session, "flow-exec --engine doc", to: "--engine docker"))
    #expect(try completes(session, "flow-exec --executor sl", to: "--executor slurm"))
    #expect(try completes(session, "flow-exec --format js", to: "--format json"))
  }

  @Test(.enabled(if: !shells.isEmpty), arguments: shells)
  func fileArgumentsCompleteFileNames(shell: String) throws {
    let (session, folder) = try session(shell)
    defer { folder.remove() }
    #expect(try completes(session, "flow-parse work", to: "flow-parse workflow.yaml"))
    #expect(try completes(session, "flow-exec work", to: "flow-exec workflow.yaml"))
  }
}
