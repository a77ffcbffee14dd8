import Foundation

/// One case of the upstream `.env` suites in `conformance/dotenv/` (the data's README gives
/// the format): files to read, the host environment, and the answer the upstream tool gave.
public struct DotenvCase: Sendable {
  public struct File: Sendable {
    public var name: String
    /// nil for a file the case names but never writes (a schema that is missing).
    public var content: String?
    /// A file written beside the others but not named on the command line.
    public var isArgument: Bool
  }

  public var id: String
  public var dialect: String
  public var files: [File]
  /// The host environment; nil when the case runs without one.
  public var environment: [String: String]?
  public var expand: Bool
  /// Paths given instead of the files, relative to the folder the files are written in.
  public var arguments: [String]?
  public var expected: Expectation
  /// Lint only: the checks whose findings count, and those left out.
  public var onlyChecks: [String]?
  public var skipChecks: [String]
  public var schemas: [File]

  public struct Expectation: Sendable {
    /// Variables in the order the data lists them; a nil value is python's `None`.
    public var variables: [(key: String, value: String?)]?
    public var exact = false
    public var errorLines: [Int]?
    /// 65, or nil where any failing status is the answer.
    public var status: Int?
    public var fails = false
    public var firstErrorLine: Int?
    public var stderrContains: [String] = []
    public var warnings: [String]?
  }

  /// The cases of one file of `conformance/dotenv/`, or nil where the data is absent.
  public static func load(_ name: String) throws -> [DotenvCase]? {
    guard let data = try SharedData.contents("conformance/dotenv/\(name)") else { return nil }
    guard let document = try JSONSerialization.jsonObject(with: data) as? [String: Any],
      let cases = document["cases"] as? [[String: Any]]
    else { throw DecodingFailure(file: name) }
    return try cases.map { try DotenvCase(object: $0, file: name) }
  }

  struct DecodingFailure: Error, CustomStringConvertible {
    var file: String
    var description: String { "conformance/dotenv/\(file) is not in the expected format" }
  }

  init(object: [String: Any], file: String) throws {
    guard let id = object["id"] as? String, let expect = object["expect"] as? [String: Any]
    else { throw DecodingFailure(file: file) }
    self.id = id
    dialect = object["dialect"] as? String ?? "lint"
    files = Self.files(object["files"])
    schemas = Self.files(object["schemas"])
    environment = object["env"] as? [String: String]
    expand = object["expand"] as? Bool ?? true
    arguments = object["args"] as? [String]
    onlyChecks = object["only_checks"] as? [String]
    skipChecks = object["skip_checks"] as? [String] ?? []
    var expectation = Expectation()
    if let variables = expect["vars"] as? [String: Any] {
      // JSONSerialization loses the order; the comparison never depends on it.
      expectation.variables = variables.keys.sorted().map { key in
        (key, variables[key] as? String)
      }
      expectation.exact = expect["exact"] as? Bool ?? false
    }
    expectation.errorLines = expect["error_lines"] as? [Int]
    if let status = expect["status"] {
      expectation.fails = true
      expectation.status = status as? Int
    }
    expectation.firstErrorLine = expect["first_error_line"] as? Int
    expectation.stderrContains = expect["stderr_contains"] as? [String] ?? []
    expectation.warnings = expect["warnings"] as? [String]
    expected = expectation
  }

  static func files(_ value: Any?) -> [File] {
    (value as? [[String: Any]] ?? []).map { object in
      var content = object["content"] as? String
      // A large file is recorded as a prefix and a character repeated.
      if let generated = object["content_gen"] as? [String: Any],
        let fill = generated["fill"] as? String,
        let count = generated["count"] as? Int
      {
        content = (generated["prefix"] as? String ?? "") + String(repeating: fill, count: count)
      }
      return File(
        name: object["name"] as? String ?? "", content: content,
        isArgument: !(object["not_an_argument"] as? Bool ?? false))
    }
  }
}

/// What flow made of a case, in the terms the data records.
public struct DotenvOutcome: Sendable {
  public var variables: [String: String?] = [:]
  /// The line of each error, in the order reported.
  public var errorLines: [Int] = []
  public var status: Int = 0
  /// What was reported, for `stderr_contains`.
  public var messages = ""
  /// Lint findings as dotenv-linter prints them.
  public var warnings: [String] = []

  public init() {}

  /// Why this outcome is not the expected one, or nil when it agrees.
  public func disagreement(with expected: DotenvCase.Expectation) -> String? {
    if let warnings = expected.warnings {
      return warnings == self.warnings ? nil : "warnings \(self.warnings), expected \(warnings)"
    }
    if expected.fails {
      if status == 0 { return "accepted (\(variables)), expected a failure" }
      if let wanted = expected.status, wanted != status {
        return "status \(status), expected \(wanted)"
      }
      if let line = expected.firstErrorLine, errorLines.min() != line {
        return
          "first error on line \(errorLines.min().map(String.init) ?? "none"), expected \(line)"
      }
      for text in expected.stderrContains where !messages.contains(text) {
        return "the message \(messages.debugDescription) does not say \(text.debugDescription)"
      }
      return nil
    }
    if let lines = expected.errorLines {
      let found = Array(Set(errorLines)).sorted()
      return found == lines ? nil : "errors on lines \(found), expected \(lines)"
    }
    if !errorLines.isEmpty || status != 0 {
      return "errors on lines \(errorLines) (\(messages)), expected none"
    }
    guard let wanted = expected.variables else { return nil }
    for (key, value) in wanted {
      guard let found = variables[key] else { return "\(key.debugDescription) is missing" }
      if found != value {
        return
          "\(key.debugDescription) is \(found.debugDescription), expected \(value.debugDescription)"
      }
    }
    if expected.exact && variables.count != wanted.count {
      let extra = variables.keys.filter { key in !wanted.contains { $0.key == key } }.sorted()
      return "extra variables \(extra)"
    }
    return nil
  }
}
