import Foundation
import Testing

/// Each tool's output on the examples, validated with the real `jsonschema` validator
/// against `flow-parse --document-schema`, and the example workflows (read by PyYAML)
/// against `flow-parse --schema`: the schemas cannot drift from what the tools do.
@Suite final class DocumentSchemaCLITests {
  let folder: URL
  let examples = ["diamond", "gpu", "houdini", "root-stats"]

  init() throws { folder = try ToolRun.temporaryFolder() }

  deinit { try? FileManager.default.removeItem(at: folder) }

  /// Checks the schema itself, then the instance (JSON, or YAML with `yaml`); prints
  /// each error as `PATH: MESSAGE` and exits 1 when there is one.
  static let validator = """
    import json, sys, jsonschema, yaml
    schema = json.load(open(sys.argv[1]))
    jsonschema.Draft7Validator.check_schema(schema)
    text = open(sys.argv[2]).read()
    instance = yaml.safe_load(text) if sys.argv[3] == "yaml" else json.loads(text)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(instance), key=str)
    for error in errors:
        print("/".join(map(str, error.absolute_path)) + ": " + error.message, file=sys.stderr)
    sys.exit(1 if errors else 0)
    """

  func schema(_ option: String) throws -> String {
    let path = folder.appendingPathComponent(option.dropFirst(2) + ".json").path
    if !FileManager.default.fileExists(atPath: path) {
      let run = try ToolRun.run("flow-parse", [option])
      #expect(run.status == 0)
      try Data(run.stdout.utf8).write(to: URL(fileURLWithPath: path))
    }
    return path
  }

  /// The validator's errors for `text`, empty when it is valid.
  func errors(_ text: String, schema option: String = "--document-schema", yaml: Bool = false)
    throws -> String
  {
    let instance = folder.appendingPathComponent("instance-\(UUID().uuidString)").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: instance))
    let run = try ToolRun.run(
      "/usr/bin/env",
      ["python3", "-c", Self.validator, try schema(option), instance, yaml ? "yaml" : "json"])
    #expect(run.status == 0 || !run.stderr.isEmpty)
    return run.status == 0 ? "" : run.stderr
  }

  func example(_ name: String) -> String {
    ToolRun.root.appendingPathComponent("examples/\(name)/workflow.yaml").path
  }

  func expectValid(
    _ run: ToolRun, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    #expect(run.status == 0, "\(what): \(run.stderr)", sourceLocation: sourceLocation)
    #expect(try errors(run.stdout) == "", "\(what)", sourceLocation: sourceLocation)
  }

  @Test func everyToolsOutputMatchesTheDocumentSchema() throws {
    let index = folder.appendingPathComponent("catalogue.index").path
    let catalogue = ToolRun.root.appendingPathComponent("examples/houdini/catalogue.toml").path
    let sched = [
      "--cpus", "8", "--memory", "16Gi", "--gpus", "2", "--resource", "houdini_license=2",
    ]
    for name in examples {
      let parsed = try ToolRun.run("flow-parse", [example(name)])
      try expectValid(parsed, "flow-parse \(name)")
      let scheduled = try ToolRun.run("flow-sched", sched, stdin: parsed.stdout)
      try expectValid(scheduled, "flow-sched \(name)")
      let waves = try ToolRun.run("flow-sched", sched + ["--waves"], stdin: parsed.stdout)
      try expectValid(waves, "flow-sched --waves \(name)")
    }
    let parsed = try ToolRun.run("flow-parse", [example("root-stats")])
    let envRoot = ToolRun.root.appendingPathComponent("examples/root-stats")
    let loaded = try ToolRun.run("flow-envfile", ["--no-env"], stdin: parsed.stdout, in: envRoot)
    try expectValid(loaded, "flow-envfile")
    let provenance = try ToolRun.run(
      "flow-envfile", ["--no-env", "--provenance"], stdin: parsed.stdout, in: envRoot)
    try expectValid(provenance, "flow-envfile --provenance")
    let houdini = try ToolRun.run("flow-parse", [example("houdini")])
    for extra in [[], ["--explain"]] {
      let resolved = try ToolRun.run(
        "flow-resolve", ["--catalog", catalogue, "--index", index] + extra, stdin: houdini.stdout)
      try expectValid(resolved, "flow-resolve \(extra)")
      let envfile = try ToolRun.run("flow-envfile", ["--no-env"], stdin: resolved.stdout)
      try expectValid(envfile, "flow-envfile after flow-resolve")
      let all = try ToolRun.run("flow-sched", sched, stdin: envfile.stdout)
      try expectValid(all, "flow-sched after flow-envfile and flow-resolve")
    }
  }

  @Test func theValidatorRejectsWhatTheSchemaForbids() throws {
    let parsed = try ToolRun.run("flow-parse", [example("diamond")]).stdout
    #expect(try errors(parsed) == "")
    #expect(try errors(parsed.replacing(#"{"flow":1,"#, with: #"{"flow":2,"#)).contains("flow: "))
    let unknown = parsed.replacing(#""timeout":null,"#, with: #""timeout":null,"resolved":1,"#)
    #expect(try errors(unknown).contains("stages/0: 'resolved' does not match any of the regexes"))
    let plan = parsed.replacing(#""timeout":null,"#, with: #""timeout":null,"plan":{"order":"1"},"#)
    #expect(try errors(plan).contains("plan/order: '1' is not of type 'integer'"))
    #expect(try errors("stages: [{name: a, bogus: 1}]", schema: "--schema", yaml: true) != "")
  }

  @Test func everyToolRefusesANewerDocument() throws {
    let index = folder.appendingPathComponent("catalogue.index").path
    let catalogue = ToolRun.root.appendingPathComponent("examples/houdini/catalogue.toml").path
    let tools: [(String, [String], Int32)] = [
      ("flow-envfile", [], 65), ("flow-resolve", ["--catalog", catalogue, "--index", index], 65),
      ("flow-sched", ["--cpus", "1", "--memory", "1Gi", "--gpus", "0"], 65),
      ("flow-exec", ["--dry-run", "-"], 125),
    ]
    for (tool, arguments, status) in tools {
      let run = try ToolRun.run(
        tool, arguments, stdin: #"{"flow":2,"source":"s","stages":[]}"#, in: folder)
      #expect(run.status == status, "\(tool)")
      #expect(
        run.stderr
          == "\(tool): <stdin>: flow: document version 2 is newer than this tool reads (1): update flow\n"
      )
      let none = try ToolRun.run(tool, arguments, stdin: #"{"stages":[]}"#, in: folder)
      #expect(none.status == status, "\(tool)")
      #expect(
        none.stderr == "\(tool): <stdin>: not a flow document: it has no 'flow' version field\n")
    }
  }

  @Test func examplesMatchTheWorkflowSchema() throws {
    for name in examples {
      let text = try String(contentsOfFile: example(name), encoding: .utf8)
      #expect(try errors(text, schema: "--schema", yaml: true) == "", "\(name)")
    }
  }
}
