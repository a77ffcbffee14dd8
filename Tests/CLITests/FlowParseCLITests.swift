import Foundation
import Testing

@Suite struct FlowParseCLITests {
  let examples = ToolRun.root.appendingPathComponent("examples")

  @Test(arguments: ["root-stats", "diamond"])
  func parsesTheExamples(name: String) throws {
    let run = try ToolRun.run(
      "flow-parse", ["--pretty", "examples/\(name)/workflow.yaml"], in: ToolRun.root)
    #expect(run.status == 0)
    #expect(run.stderr == "")
    try Golden.expect(run.stdout, "flow-parse-\(name).json")
  }

  @Test func printsCompactJSONOnOneLine() throws {
    let run = try ToolRun.run("flow-parse", [examples.path + "/diamond/workflow.yaml"])
    #expect(run.stdout.filter { $0 == "\n" }.count == 1)
    #expect(run.stdout.hasPrefix(#"{"flow":1,"source":""#))
  }

  @Test func readsStandardInput() throws {
    let run = try ToolRun.run("flow-parse", ["-"], stdin: "stages:\n  - name: a\n")
    #expect(run.status == 0)
    #expect(run.stdout.contains(#""source":"<stdin>""#))
  }

  @Test func reportsEveryProblemAndExits65() throws {
    let run = try ToolRun.run(
      "flow-parse", [], stdin: "stages:\n  - name: a\n    nedes: b\n  - name: a\n")
    #expect(run.status == 65)
    #expect(run.stdout == "")
    #expect(
      run.stderr
        == """
        flow-parse: <stdin>:3:5: unknown key 'nedes' in a stage (did you mean 'needs'?); expected one of 'name', 'type', 'args', 'kwargs', 'with', 'needs', 'dependencies', 'environment', 'duration', 'timeout', 'retry', 'plugins', 'inputs', 'outputs'
        flow-parse: <stdin>:4:5: duplicate stage name 'a' (first at 2:5)

        """)
  }

  @Test func exits66ForAMissingFile() throws {
    let run = try ToolRun.run("flow-parse", ["no-such.yaml"])
    #expect(run.status == 66)
    #expect(run.stderr == "flow-parse: no-such.yaml: no such file or directory\n")
  }

  @Test func exits64ForABadOption() throws {
    let run = try ToolRun.run("flow-parse", ["--no-such-option"])
    #expect(run.status == 64)
    #expect(
      run.stderr == "flow-parse: unknown option '--no-such-option' (see 'flow-parse --help')\n")
  }

  @Test func checkPrintsNothing() throws {
    let run = try ToolRun.run(
      "flow-parse", ["--check", examples.path + "/root-stats/workflow.yaml"])
    #expect(run.status == 0)
    #expect(run.stdout == "")
  }

  @Test func writesOutputFilesAtomically() throws {
    let folder = try ToolRun.temporaryFolder()
    let target = folder.appendingPathComponent("doc.json")
    let run = try ToolRun.run(
      "flow-parse", ["-o", target.path, examples.path + "/diamond/workflow.yaml"])
    #expect(run.status == 0)
    #expect(run.stdout == "")
    let written = try String(contentsOf: target, encoding: .utf8)
    #expect(written.hasPrefix("{\"flow\":1") && written.hasSuffix("}\n"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["doc.json"])
  }

  @Test func leavesNoFileWhenTheInputIsBad() throws {
    let folder = try ToolRun.temporaryFolder()
    let target = folder.appendingPathComponent("doc.json")
    let run = try ToolRun.run("flow-parse", ["-o", target.path, "-"], stdin: "stages: 3\n")
    #expect(run.status == 65)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [])
  }

  @Test func failsWith74WhenOutputCannotBeWritten() throws {
    let full = try ToolRun.run(
      "flow-parse", ["-o", "/dev/full", examples.path + "/diamond/workflow.yaml"])
    #expect(full.status == 74)
    let missingFolder = try ToolRun.run(
      "flow-parse",
      ["-o", "/nonexistent-folder/doc.json", examples.path + "/diamond/workflow.yaml"])
    #expect(missingFolder.status == 74)
    #expect(
      missingFolder.stderr.hasPrefix("flow-parse: /nonexistent-folder/doc.json: cannot create file")
    )
  }

  @Test func printsAValidSchema() throws {
    let run = try ToolRun.run("flow-parse", ["--schema"])
    #expect(run.status == 0)
    let schema = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
    #expect(schema?["$schema"] as? String == "http://json-schema.org/draft-07/schema#")
  }

  @Test func helpFailsWhenItCannotBeWritten() throws {
    let run = try ToolRun.run(
      "/bin/sh", ["-c", "\"$0\" --help > /dev/full", ToolRun.binaries.path + "/flow-parse"])
    #expect(run.status == 74)
  }

  @Test func printsItsVersion() throws {
    let run = try ToolRun.run("flow-parse", ["--version"])
    #expect(run.stdout == "0.1.0\n")
  }
}
