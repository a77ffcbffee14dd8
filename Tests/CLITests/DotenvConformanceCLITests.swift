import FlowTestSupport
import Foundation
import Testing

/// A few cases of the upstream `.env` suites run through the flow-envfile binary, from
/// the options a user would give to the text it prints; the core suite runs them all.
@Suite(.enabled(if: SharedData.isPresent, "needs the shared conformance data"))
struct DotenvConformanceCLITests {
  static let cases: [(file: String, id: String)] = [
    ("python.json", "py-parser-124-00-literal"),
    ("python.json", "py-inline-comment-124-07"),
    ("python.json", "py-roundtrip-124-01"),
    ("python.json", "py-parser-snap-43-expand"),
    ("python.json", "py-parser-snap-38-literal"),
    ("compose.json", "cg-parsing-24"),
    ("compose.json", "cg-parsing-39"),
    ("compose.json", "cg-parser-bytes"),
    ("compose.json", "cg-fixture-TestSubstitutionsWithEnvFilePrecedence"),
    ("compose.json", "cg-multiple-files-osenv"),
    ("compose.json", "cg-template-069"),
    ("compose.json", "cg-varexp-06"),
    ("docker.json", "docker-moby-good-file"),
    ("lint.json", "lint-cli-quote_character-incorrect_files-0"),
    ("lint.json", "lint-unit-quote_character-with_ampersand_char_test"),
    ("lint.json", "lint-unit-quote_character-with_equals_char_test"),
    ("lint.json", "lint-analyzer-string_unknown"),
    ("lint.json", "lint-analyzer-regex_bad"),
  ]

  @Test(arguments: cases)
  func agreesThroughTheBinary(_ file: String, _ id: String) throws {
    let all = try #require(try DotenvCase.load(file))
    let testCase = try #require(all.first { $0.id == id }, "\(id) is not in \(file)")
    let folder = try TemporaryFolder()
    for file in testCase.files + testCase.schemas {
      if let content = file.content { try folder.write(file.name, content) }
    }
    let names = testCase.arguments ?? testCase.files.filter(\.isArgument).map(\.name)
    let outcome =
      testCase.dialect == "lint"
      ? try lint(testCase, names: names, in: folder.url)
      : try merge(testCase, names: names, in: folder.url)
    let disagreement = outcome.disagreement(with: testCase.expected)
    #expect(disagreement == nil, "\(id): \(disagreement ?? "")")
  }

  func merge(_ testCase: DotenvCase, names: [String], in folder: URL) throws -> DotenvOutcome {
    var arguments = ["--dialect", testCase.dialect] + names
    if !testCase.expand { arguments.append("--no-expand") }
    if testCase.environment == nil { arguments.append("--no-env") }
    let run = try ToolRun.run(
      "flow-envfile", arguments, in: folder, environment: testCase.environment ?? [:])
    var outcome = DotenvOutcome()
    outcome.status = Int(run.status)
    outcome.messages = run.stderr
    // Messages read `flow-envfile: FILE:LINE:COLUMN: …`.
    outcome.errorLines = run.stderr.split(separator: "\n").compactMap { line in
      let parts = line.split(separator: ":", maxSplits: 4)
      return parts.count > 3 ? Int(parts[2]) : nil
    }
    if run.status == 0 {
      let object = try #require(
        try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
      for (key, value) in object { outcome.variables[key] = .some(value as? String) }
    }
    return outcome
  }

  func lint(_ testCase: DotenvCase, names: [String], in folder: URL) throws -> DotenvOutcome {
    var arguments = ["--lint"] + names
    for schema in testCase.schemas { arguments += ["--schema", schema.name] }
    let run = try ToolRun.run("flow-envfile", arguments, in: folder, environment: [:])
    var outcome = DotenvOutcome()
    outcome.status = Int(run.status)
    outcome.warnings = run.stdout.split(separator: "\n").map(String.init).filter { line in
      guard !line.hasPrefix("Found "), let check = line.split(separator: " ").dropFirst().first
      else { return false }
      let name = String(check.dropLast())
      return (testCase.onlyChecks?.contains(name) ?? true) && !testCase.skipChecks.contains(name)
    }
    return outcome
  }
}
