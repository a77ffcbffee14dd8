import Foundation
import Testing

/// Stage names as file names, and files a run or a tool replaces.
@Suite struct FlowExecNameCLITests {
  /// `.hidden` and `_.hidden` shared one log; a long name passed `flow-parse --check` and
  /// then failed at run time (ENAMETOOLONG for its log). 200 bytes is the longest name the
  /// readers take (a 300-byte one is refused by every reader: DocumentReaderCLITests).
  @Test func everyStageGetsItsOwnBoundedLog() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let long = String(repeating: "n", count: 200)
    let names = [".hidden", "_.hidden", long, "a.b", "a_b", "café"]
    let document = try folder.document(names.map { ExecFolder.bash($0, "echo \"$FLOW_STAGE\"") })
    let run = try ToolRun.run("flow-exec", [], stdin: document)
    #expect(run.status == 0, "\(run.stderr)")
    let logs = try FileManager.default.contentsOfDirectory(
      atPath: folder.path + "/.flow/runs/latest/logs")
    #expect(logs.count == names.count)
    #expect(logs.allSatisfy { $0.utf8.count <= 68 })
    let texts = Set(logs.compactMap { folder.read(".flow/runs/latest/logs/" + $0) })
    #expect(texts == Set(names.map { $0 + "\n" }))
  }

  /// A name chosen to be another stage's safe name is refused before anything runs.
  @Test func aCraftedClashIsRefused() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash(".hidden", "touch ran"),
      ExecFolder.bash("_hidden-28280da0cdcb6865", "touch ran"),
    ])
    let run = try ToolRun.run("flow-exec", [], stdin: document)
    #expect(run.status == 125)
    #expect(
      run.stderr.contains(
        "stage '_hidden-28280da0cdcb6865' can never run: its log and container name"
          + " _hidden-28280da0cdcb6865 are those of stage '.hidden'"))
    #expect(folder.read("ran") == nil)
  }

  /// A bash command that starts with `-` or `+` is the command, not options of bash.
  @Test func aCommandStartingWithADashIsACommand() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([ExecFolder.bash("dash", "-x 2>/dev/null || touch ran")])
    let run = try ToolRun.run("flow-exec", [], stdin: document)
    #expect(folder.read("ran") == "")
    #expect(run.status == 0, "\(run.stderr)")
  }

  /// `-o FILE` over an existing 0600 file left it 0644, for every tool that writes one.
  @Test func everyToolKeepsTheModeOfTheFileItReplaces() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let workflow = ToolRun.root.path + "/examples/diamond/workflow.yaml"
    try "A=1\n".write(toFile: folder.path + "/a.env", atomically: true, encoding: .utf8)
    let document = try folder.document([ExecFolder.bash("a", "true")])
    let runs: [(String, [String], String?)] = [
      ("flow-parse", [workflow], nil),
      ("flow-envfile", [folder.path + "/a.env"], nil),
      ("flow-sched", ["--cpus", "1", "--memory", "1Gi", "--gpus", "0"], document),
      ("flow-exec", ["--history"], document),
      ("flow-exec", ["--trace"], document),
    ]
    for (tool, arguments, stdin) in runs {
      let target = folder.path + "/out-\(tool)"
      try "{\"flow_history\": 1, \"stages\": {}}\n".write(
        toFile: target, atomically: true, encoding: .utf8)
      #expect(chmod(target, 0o600) == 0)
      let option = tool == "flow-exec" ? [] : ["-o"]
      let run = try ToolRun.run(tool, arguments + option + [target], stdin: stdin)
      #expect(run.status == 0, "\(tool): \(run.stderr)")
      var status = stat()
      #expect(stat(target, &status) == 0)
      #expect(status.st_mode & 0o777 == 0o600, "\(tool) \(arguments)")
      try FileManager.default.removeItem(atPath: target)
    }
  }

  /// A `--history` file that is not a history is reported and left as it is.
  @Test func aHistoryOptionNeverOverwritesAnotherFile() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let notes = folder.path + "/notes.txt"
    try "my notes\n".write(toFile: notes, atomically: true, encoding: .utf8)
    let document = try folder.document([ExecFolder.bash("a", "true")])
    let run = try ToolRun.run("flow-exec", ["--history", notes], stdin: document)
    #expect(run.status == 0)
    #expect(run.stderr.contains("\(notes): not a duration history; not used, and left as it is"))
    #expect(folder.read("notes.txt") == "my notes\n")
  }
}
