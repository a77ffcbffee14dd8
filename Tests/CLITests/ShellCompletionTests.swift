import Foundation
import Testing

/// The committed completion scripts in real interactive bash, zsh and fish sessions
/// (tmux): file names for file arguments, the values of options, and the stage names of
/// the workflow on the line.
@Suite(.serialized) struct ShellCompletionTests {
  static let shells = ["bash", "zsh", "fish"].filter(ShellSession.canRun)

  /// The lines of `lines` that `shell` does not complete as expected: each is typed in a
  /// session in a folder with a workflow of two stages, then Tab is pressed.
  func misses(_ shell: String, _ lines: [(typed: String, completed: String)]) throws -> [String] {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let workflow = """
      stages:
        - {name: simulate, type: BashOperator, kwargs: {bash_command: "true"}}
        - {name: render, type: BashOperator, kwargs: {bash_command: "true"}, needs: [simulate]}

      """
    try workflow.write(
      to: folder.url.appendingPathComponent("workflow.yaml"), atomically: true, encoding: .utf8)
    let session = try ShellSession(shell, in: folder.url, tools: ["flow-exec", "flow-parse"])
    var missed: [String] = []
    for line in lines {
      try session.type(line.typed)
      try session.pressTab()
      if try !session.shows(line.completed) { missed.append(line.typed) }
      // Empties the line for the next (Ctrl-U; Ctrl-C would make bash drop what is typed
      // before it has handled the signal), once it is gone from the screen.
      try session.type("\u{15}")
      _ = try session.shows(line.completed, present: false)
    }
    return missed
  }

  @Test(.enabled(if: !shells.isEmpty), arguments: shells)
  func stageNamesCompleteFromTheWorkflowOnTheLine(shell: String) throws {
    let missed = try misses(
      shell,
      [
        ("flow-exec workflow.yaml --stage re", "--stage render"),
        ("flow-exec workflow.yaml --only si", "--only simulate"),
      ])
    #expect(missed == [])
  }

  @Test(.enabled(if: !shells.isEmpty), arguments: shells)
  func optionValuesComplete(shell: String) throws {
    let missed = try misses(
      shell,
      [
        ("flow-exec --engine doc", "--engine docker"),
        ("flow-exec --executor sl", "--executor slurm"),
        ("flow-exec --format js", "--format json"),
      ])
    #expect(missed == [])
  }

  @Test(.enabled(if: !shells.isEmpty), arguments: shells)
  func fileArgumentsCompleteFileNames(shell: String) throws {
    let missed = try misses(
      shell,
      [
        ("flow-parse work", "flow-parse workflow.yaml"),
        ("flow-exec work", "flow-exec workflow.yaml"),
      ])
    #expect(missed == [])
  }
}
