import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// Every case of the upstream `.env` suites (`conformance/dotenv/`: python-dotenv 1.2.4,
/// compose-go, docker, dotenv-linter 4.0.0) read through the core: each agrees with its
/// upstream answer, or is one of the differences below, which flow-envfile(1) lists.
@Suite(.enabled(if: SharedData.isPresent, "needs the shared conformance data"))
struct DotenvConformanceTests {
  /// The cases where flow answers differently on purpose, by id, with the reason.
  static let differences: [String: String] = [
    "cg-parsing-43":
      "compose-go reads `=\"value\"` as a variable with an empty name; no process environment"
      + " or shell can hold one, so flow refuses the key (65)",
    "docker-moby-line-too-long":
      "docker refuses a line over 64 KiB, a limit of its line scanner; flow reads lines of any"
      + " length",
    "docker-cli-line-too-long":
      "docker refuses a line over 64 KiB, a limit of its line scanner; flow reads lines of any"
      + " length",
  ]

  /// Reads a case's files through the loader and merge flow-envfile uses.
  static func outcome(of testCase: DotenvCase) throws -> DotenvOutcome {
    guard let dialect = EnvFileDialect(rawValue: testCase.dialect) else {
      throw CaseFailure(message: "\(testCase.id): unknown dialect \(testCase.dialect)")
    }
    let folder = try TemporaryFolder()
    for file in testCase.files { try folder.write(file.name, file.content ?? "") }
    let paths =
      testCase.arguments ?? testCase.files.filter(\.isArgument).map(\.name)
    var loader = EnvFileLoader(dialect: dialect)
    var layers: [EnvLayer] = []
    var errors: [EnvFileError] = []
    for path in paths {
      guard let parsed = loader.load(folder.path + "/" + path) else { continue }
      errors += parsed.errors
      layers.append(.file(parsed.entries))
    }
    var environment: EnvironmentMap = [:]
    for (key, value) in testCase.environment ?? [:] { environment[key] = value }
    let result = EnvMerge.merge(
      layers,
      options: EnvMergeOptions(
        dialect: dialect, expand: testCase.expand, baseEnvironment: environment))
    errors += result.errors
    var outcome = DotenvOutcome()
    outcome.variables = result.values
    outcome.errorLines = errors.compactMap(\.line)
    outcome.status = errors.isEmpty ? 0 : Int(errors.exitStatus.rawValue)
    outcome.messages = errors.map(\.description).joined(separator: "\n")
    return outcome
  }

  /// Lints a case's file with its schema, keeping the findings of the checks it asks for.
  static func lintOutcome(of testCase: DotenvCase) throws -> DotenvOutcome {
    var outcome = DotenvOutcome()
    var linter = EnvLinter()
    for schema in testCase.schemas {
      // A schema flow refuses is a failure, never a clean lint.
      outcome.status = Int(ExitStatus.config.rawValue)
      guard let content = schema.content else {
        outcome.warnings = ["schema \(schema.name) is missing"]
        return outcome
      }
      do {
        linter.schema = try EnvLintSchema(
          document: try JSONCodec.decode(Array(content.utf8)), file: schema.name)
      } catch {
        outcome.warnings = ["schema refused: \(error)"]
        return outcome
      }
      outcome.status = 0
    }
    for file in testCase.files where file.isArgument {
      let problems = linter.lint(EnvFileText(file: file.name, text: file.content ?? ""))
      outcome.warnings += problems.filter { problem in
        let name = problem.check.rawValue
        return (testCase.onlyChecks?.contains(name) ?? true) && !testCase.skipChecks.contains(name)
      }.map(\.description)
    }
    outcome.status = outcome.warnings.isEmpty ? 0 : Int(ExitStatus.found.rawValue)
    return outcome
  }

  struct CaseFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
  }

  /// Checks every case of a data file; returns how many agree and how many differ on purpose.
  static func check(_ file: String, lint: Bool = false) throws -> (
    agree: Int, differ: Int, total: Int
  ) {
    let cases = try #require(try DotenvCase.load(file))
    var agree = 0
    var differ = 0
    for testCase in cases {
      let outcome = try lint ? lintOutcome(of: testCase) : outcome(of: testCase)
      let disagreement = outcome.disagreement(with: testCase.expected)
      if let reason = differences[testCase.id] {
        #expect(
          disagreement != nil, "\(testCase.id) agrees, yet is listed as a difference: \(reason)")
        differ += 1
      } else if let disagreement {
        Issue.record("\(testCase.id): \(disagreement)")
      } else {
        agree += 1
      }
    }
    print("\(file): \(agree)/\(cases.count) agree, \(differ) documented differences")
    return (agree, differ, cases.count)
  }

  /// python.json: python-dotenv 1.2.4's own tests; python_cross.json: the compose and
  /// docker inputs read by python-dotenv; compose.json: compose-go's tests; docker.json:
  /// docker's env-file tests; lint.json: dotenv-linter 4.0.0's check tests.
  @Test(arguments: ["python.json", "python_cross.json", "compose.json", "docker.json", "lint.json"])
  func agreesWithUpstream(file: String) throws {
    let counts = try Self.check(file, lint: file == "lint.json")
    #expect(counts.agree + counts.differ == counts.total)
  }

  /// The manual's table of differences names every case listed here, and no other.
  @Test func manualListsEveryDifference() throws {
    let manual = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("man/flow-envfile.1")
    let text = try String(contentsOf: manual, encoding: .utf8).replacingOccurrences(
      of: "\\-", with: "-")
    for id in Self.differences.keys.sorted() {
      #expect(text.contains(id), "flow-envfile(1) does not list \(id)")
    }
  }
}

extension EnvFileError {
  /// The line an error points at, when it points into a file.
  var line: Int? {
    switch self {
    case .invalidUTF8(_, let at), .nulByte(_, let at), .unterminatedQuote(_, let at, _),
      .invalidKey(_, let at, _), .textAfterQuote(_, let at), .unparsableStatement(_, let at):
      return at.line
    case .unterminatedSubstitution(let location, _), .invalidSubstitution(let location, _, _),
      .requiredVariable(let location, _, _, _), .expansionTooLarge(let location, _, _):
      if case .file(_, let position) = location { return position.line }
      return nil
    case .missingVariablesFile(_, let at, _, _):
      return at?.line
    case .missingFile, .unreadableFile, .invalidAssignment, .invalidSchema, .cannotWrite:
      return nil
    }
  }
}
