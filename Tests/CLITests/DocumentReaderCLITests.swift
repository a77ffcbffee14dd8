import Foundation
import Testing

/// Every tool that reads a pipe document holds it to flow-parse's rules: a hand-edited
/// document with a duplicate name, a cycle or a number past its bound is refused with
/// the path and position of the bad field, never a trap; a number at its bound is read.
@Suite struct DocumentReaderCLITests {
  /// Each reader, with the arguments that make it read a document from stdin and do
  /// what it does with the stages before running anything.
  static let readers: [(tool: String, arguments: [String], refusal: Int32)] = [
    ("flow-envfile", [], 65),
    ("flow-resolve", [], 65),
    ("flow-sched", ["--cpus", "4", "--memory", "8Gi", "--gpus", "0"], 65),
    // flow-exec's own failures end with 125 (flow-exec(1)).
    (
      "flow-exec", ["--dry-run", "--clean-env", "--cpus", "4", "--memory", "8Gi", "--gpus", "0"],
      125
    ),
  ]

  /// A document of stages written as JSON text, each a BashOperator that needs nothing
  /// unless it says otherwise.
  static func document(_ stages: [String]) -> String {
    let written = stages.map { fields in
      #"{"type": "BashOperator", "kwargs": {"bash_command": "true"}, "#
        + (fields.contains(#""needs""#) ? "" : #""needs": [], "#) + fields + "}"
    }
    return #"{"flow": 1, "source": "/nonexistent/w.yaml", "stages": [\#n  "#
      + written.joined(separator: ",\n  ") + "\n]}\n"
  }

  static func run(_ reader: (tool: String, arguments: [String], refusal: Int32), _ text: String)
    throws -> ToolRun
  {
    try ToolRun.run(
      reader.tool, reader.arguments, stdin: text,
      environment: ["PATH": "/usr/bin:/bin", "FLOW_PROBE_ROOT": "/nonexistent"])
  }

  @Test(arguments: [
    (#""name": "a""#, #""name": "a""#, "duplicate stage name 'a' (first at 2:3, stages[0])"),
    (
      #""name": "caf\u00e9""#, #""name": "cafe\u0301""#,
      "duplicate stage name 'café' (first at 2:3, stages[0]), the same name in another Unicode form"
    ),
  ])
  func duplicateStageNamesAreRefusedByEveryReaderWithBothPositions(
    first: String, second: String, message: String
  ) throws {
    let text = Self.document([first, second])
    for reader in Self.readers {
      let run = try Self.run(reader, text)
      #expect(run.status == reader.refusal, "\(reader.tool): \(run.stderr)")
      #expect(run.stderr == "\(reader.tool): <stdin>:3:3: stages[1].name: \(message)\n")
    }
  }

  @Test(arguments: [
    (
      #""name": "a", "name": "b""#, "<stdin>:2:95: duplicate object key near '\"name\"'"
    ),
    (
      #""name": "a", "environment": {"requirements": [{"package": "root"}, {"package": "root"}]}"#,
      "<stdin>:2:3: stages[0].environment.requirements[1].package: package 'root' is required twice (first at stages[0].environment.requirements[0])"
    ),
    (
      #""name": "a", "environment": {"resources": {"counters": {"l\u00e9": 1, "le\u0301": 1}}}"#,
      "<stdin>:2:3: stages[0].environment.resources.counters.le\u{301}: counter 'le\u{301}' is given twice in another Unicode form"
    ),
  ])
  func everyOtherKindOfDuplicateIsRefusedByEveryReader(fields: String, message: String) throws {
    let text = Self.document([fields])
    for reader in Self.readers {
      let run = try Self.run(reader, text)
      #expect(run.status == reader.refusal, "\(reader.tool): \(run.stderr)")
      #expect(run.stderr == "\(reader.tool): \(message)\n")
    }
  }

  @Test func aCycleInAPlannedDocumentIsRefusedByEveryReader() throws {
    let text = Self.document([
      #""name": "a", "needs": ["b"], "plan": {"order": 1}"#,
      #""name": "b", "needs": ["a"], "plan": {"order": 2}"#,
    ])
    for reader in Self.readers {
      let run = try Self.run(reader, text)
      #expect(run.status == reader.refusal, "\(reader.tool): \(run.stderr)")
      #expect(
        run.stderr
          == "\(reader.tool): <stdin>:2:3: stages[0].needs: stages depend on each other in a cycle: a -> b -> a\n"
      )
      #expect(run.stdout == "")
    }
  }

  @Test func unknownAndSelfNeedsAreRefusedByEveryReader() throws {
    for (fields, message) in [
      (#""name": "a", "needs": ["b"]"#, "stage 'a' needs unknown stage 'b'"),
      (#""name": "a", "needs": ["a"]"#, "stage 'a' needs itself"),
    ] {
      for reader in Self.readers {
        let run = try Self.run(reader, Self.document([fields]))
        #expect(run.status == reader.refusal, "\(reader.tool): \(run.stderr)")
        #expect(run.stderr == "\(reader.tool): <stdin>:2:3: stages[0].needs: \(message)\n")
      }
    }
  }

  /// Each bounded number of a stage: the field's path, its value at the bound and one past.
  static let bounds: [(field: String, path: String, at: String, past: String, message: String)] = [
    (
      #""environment": {"resources": {"cpu": %@}}"#, "environment.resources.cpu", "1000000",
      "1000001", "cpu 1000001 is more than the limit of 1000000 cpus"
    ),
    (
      #""environment": {"resources": {"memory": %@}}"#, "environment.resources.memory",
      "1125899906842624", "1125899906842625",
      "memory 1125899906842625 is more than the limit of 1125899906842624 bytes"
    ),
    (
      #""environment": {"resources": {"gpu": %@}}"#, "environment.resources.gpu", "4096", "4097",
      "gpu 4097 is more than the limit of 4096 gpus"
    ),
    (
      #""environment": {"resources": {"counters": {"licence": %@}}}"#,
      "environment.resources.counters.licence", "1000000000", "1000000001",
      "counter 'licence' 1000000001 is more than the limit of 1000000000"
    ),
    (
      #""duration": %@"#, "duration", "315360000", "315360001",
      "duration 315360001 is more than the limit of 315360000 seconds"
    ),
    (
      #""timeout": %@"#, "timeout", "315360000", "315360001",
      "timeout 315360001 is more than the limit of 315360000 seconds"
    ),
    (
      #""plan": {"order": %@}"#, "plan.order", "1000000000", "1000000001",
      "order 1000000001 is more than the limit of 1000000000"
    ),
    (
      #""plan": {"order": 1, "duration": %@}"#, "plan.duration", "315360000", "315360001",
      "duration 315360001 is more than the limit of 315360000 seconds"
    ),
  ]

  @Test func everyNumberAtItsBoundIsReadAndOnePastIsRefusedByEveryReader() throws {
    for bound in Self.bounds {
      let at = Self.document([#""name": "a", "# + bound.field.replacing("%@", with: bound.at)])
      let past = Self.document([#""name": "a", "# + bound.field.replacing("%@", with: bound.past)])
      for reader in Self.readers {
        let read = try Self.run(reader, at)
        // At the bound the document is read; a tool may still find the machine too
        // small, but it says so and does not trap.
        #expect(read.status < 128, "\(reader.tool) \(bound.path): \(read.stderr)")
        #expect(!read.stderr.contains("limit"), "\(reader.tool) \(bound.path): \(read.stderr)")
        let refused = try Self.run(reader, past)
        #expect(refused.status == reader.refusal, "\(reader.tool) \(bound.path): \(refused.stderr)")
        #expect(
          refused.stderr
            == "\(reader.tool): <stdin>:2:3: stages[0].\(bound.path): \(bound.message)\n")
      }
    }
  }

  @Test(arguments: [
    (#""cpu": 1e19"#, "cpu", "cpu 1e+19 is more than the limit of 1000000 cpus"),
    (
      #""memory": 9000000000000000000"#, "memory",
      "memory 9000000000000000000 is more than the limit of 1125899906842624 bytes"
    ),
    (#""gpu": 1e300"#, "gpu", "expected a whole number of GPUs or a share of one below 1"),
  ])
  func quantitiesNearTwoToTheSixtyThreeAreRefusedNotTrapped(
    field: String, path: String, message: String
  ) throws {
    let text = Self.document([#""name": "a", "environment": {"resources": {\#(field)}}"#])
    for reader in Self.readers {
      let run = try Self.run(reader, text)
      #expect(run.status == reader.refusal, "\(reader.tool): \(run.stderr)")
      #expect(
        run.stderr
          == "\(reader.tool): <stdin>:2:3: stages[0].environment.resources.\(path): \(message)\n")
    }
  }

  @Test func aStageNameLongerThan200BytesIsRefusedByFlowParseAndEveryReader() throws {
    let long = String(repeating: "n", count: 300)
    let folder = try ToolRun.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let workflow = folder.appendingPathComponent("w.yaml")
    try "stages:\n  - name: \(long)\n    type: BashOperator\n".write(
      to: workflow, atomically: true, encoding: .utf8)
    let message = "stage name '\(long.prefix(40))...' is 300 bytes long: at most 200"
    let parsed = try ToolRun.run("flow-parse", ["--check", workflow.path])
    #expect(parsed.status == 65)
    #expect(parsed.stderr == "flow-parse: \(workflow.path):2:11: \(message)\n")
    let text = Self.document([#""name": "\#(long)""#])
    for reader in Self.readers {
      let run = try Self.run(reader, text)
      #expect(run.status == reader.refusal, "\(reader.tool): \(run.stderr)")
      #expect(run.stderr == "\(reader.tool): <stdin>:2:3: stages[0].name: \(message)\n")
    }
    let atLimit = Self.document([#""name": "\#(String(repeating: "n", count: 200))""#])
    for reader in Self.readers {
      let run = try Self.run(reader, atLimit)
      #expect(!run.stderr.contains("bytes long"), "\(reader.tool): \(run.stderr)")
    }
  }

  @Test(arguments: [
    (#""values": {"": "x"}"#, "values.", "a variable name must not be empty"),
    (#""values": {"A=B": "x"}"#, "values.A=B", "variable name 'A=B' must not contain '='"),
    (
      #""values": {"A\nB": "x"}"#, "values.A\nB",
      "variable name must not contain control characters"
    ),
    (
      #""values": {"A": "x\u0000y"}"#, "values.A",
      "the value of variable 'A' must not contain a NUL"
    ),
  ])
  func variableNamesAndValuesTheOSCannotCarryAreRefusedByEveryReader(
    field: String, path: String, message: String
  ) throws {
    let text = Self.document([
      #""name": "a", "environment": {"variables": {"sources": [{"origin": "stage", "#
        + field + "}]}}"
    ])
    for reader in Self.readers {
      let run = try Self.run(reader, text)
      #expect(run.status == reader.refusal, "\(reader.tool): \(run.stderr)")
      #expect(
        run.stderr
          == "\(reader.tool): <stdin>:2:3: stages[0].environment.variables.sources[0].\(path): \(message)\n"
      )
    }
  }
}
