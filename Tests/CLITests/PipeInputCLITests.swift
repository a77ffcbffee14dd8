import Foundation
import Testing

/// What the tools say when they are given something other than a pipe document, and
/// flow-exec running a workflow file itself.
@Suite struct PipeInputCLITests {
  static let pipeTools = [
    ("flow-envfile", 65), ("flow-resolve", 65), ("flow-sched", 65), ("flow-exec", 125),
  ]

  static let diamond = ToolRun.root.appendingPathComponent("examples/diamond/workflow.yaml")

  @Test(arguments: pipeTools)
  func emptyStandardInputSaysTheStepBeforeFailed(tool: String, status: Int) throws {
    let run = try ToolRun.run(tool, [], stdin: "")
    #expect(Int(run.status) == status)
    #expect(run.stdout == "")
    #expect(run.stderr == "\(tool): no document on standard input: did the step before fail?\n")
  }

  @Test(arguments: pipeTools)
  func aWorkflowOnStandardInputNamesFlowParse(tool: String, status: Int) throws {
    let run = try ToolRun.run(
      tool, [], stdin: try String(contentsOf: Self.diamond, encoding: .utf8))
    #expect(Int(run.status) == status)
    let direct = tool == "flow-exec" ? ", or flow-exec WORKFLOW.yaml" : ""
    #expect(
      run.stderr
        == "\(tool): standard input is a workflow file, not a pipe document: run flow-parse WORKFLOW.yaml | \(tool)\(direct)\n"
    )
  }

  @Test func aWorkflowFileGivenToFlowSchedNamesFlowParse() throws {
    let run = try ToolRun.run(
      "flow-sched", ["w.yaml"], in: Self.diamond.deletingLastPathComponent())
    #expect(run.status == 66)
    let folder = try ExecFolder()
    defer { folder.remove() }
    try "stages: []\n".write(
      to: folder.url.appendingPathComponent("w.yaml"), atomically: true, encoding: .utf8)
    let given = try ToolRun.run("flow-sched", ["w.yaml"], in: folder.url)
    #expect(given.status == 65)
    #expect(
      given.stderr
        == "flow-sched: w.yaml is a workflow file, not a pipe document: run flow-parse w.yaml | flow-sched\n"
    )
  }

  @Test func flowExecRunsAWorkflowFile() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let workflow = folder.url.appendingPathComponent("workflow.yaml")
    try FileManager.default.copyItem(at: Self.diamond, to: workflow)
    let run = try ToolRun.run("flow-exec", ["workflow.yaml"], in: folder.url)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(folder.read("y.txt") == "A\nB\nA\nB\n")
    #expect(folder.read(".flow/runs/latest/logs/Y.log") != nil)
    let summary = ExecFolder.events(run.stdout).last { $0["type"] as? String == "summary" }
    #expect((summary?["data"] as? [String: Any])?["succeeded"] as? Int == 5)
  }

  /// A workflow file's problems are told as flow-parse tells them, one line each; problems
  /// found later, in a stage, name the file too.
  @Test func flowExecNamesTheWorkflowFileInItsMessages() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    try "stages:\n  - name: a\n    type: Nope\n".write(
      to: folder.url.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
    try "stages: [\n".write(
      to: folder.url.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
    let direct = try ToolRun.run("flow-exec", ["bad.yaml"], in: folder.url)
    #expect(direct.status == 125)
    let expected =
      "flow-exec: bad.yaml:2:5: stage 'a': unknown stage type 'Nope' (expected BashOperator or PythonOperator)\n"
    #expect(direct.stderr == expected)
    let broken = try ToolRun.run("flow-exec", ["broken.yaml"], in: folder.url)
    #expect(broken.status == 125)
    #expect(broken.stderr.hasPrefix("flow-exec: broken.yaml:2:1: "))
    let parsed = try ToolRun.run("flow-parse", ["bad.yaml"], in: folder.url)
    let piped = try ToolRun.run("flow-exec", [], stdin: parsed.stdout, in: folder.url)
    #expect(piped.status == 125)
    #expect(piped.stderr == expected)
  }

  @Test func flowResolveNamesTheWorkflowFileOfAStage() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    try
      "stages:\n  - name: a\n    type: BashOperator\n    environment:\n      requirements: [\"nosuch >=1\"]\n"
      .write(to: folder.url.appendingPathComponent("w.yaml"), atomically: true, encoding: .utf8)
    let parsed = try ToolRun.run("flow-parse", ["w.yaml"], in: folder.url)
    #expect(parsed.status == 0, "\(parsed.stderr)")
    let catalogue = ToolRun.root.appendingPathComponent("examples/houdini/catalogue.toml").path
    let run = try ToolRun.run(
      "flow-resolve", ["--catalog", catalogue, "--index", folder.path + "/index"],
      stdin: parsed.stdout, in: folder.url)
    #expect(run.status == 65)
    #expect(run.stderr.hasPrefix("flow-resolve: w.yaml:2:5: stage 'a': "), "\(run.stderr)")
  }

  /// Short options take their value glued on, as make, ninja and Snakemake do.
  @Test func shortOptionsTakeAGluedValue() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document(try folder.countingStages(["a", "b", "c"]))
    let run = try ToolRun.run("flow-exec", ["-j1"], stdin: document)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(folder.counts == [1, 1, 1])
    let zero = try ToolRun.run("flow-exec", ["-j0"], stdin: document)
    #expect(zero.status == 64)
    #expect(zero.stderr.contains("-j takes a whole number from 1"))
    let parsed = try ToolRun.run("flow-parse", ["-o" + folder.path + "/p.json", Self.diamond.path])
    #expect(parsed.status == 0, "\(parsed.stderr)")
    #expect(folder.read("p.json")?.hasPrefix("{") == true)
  }
}
