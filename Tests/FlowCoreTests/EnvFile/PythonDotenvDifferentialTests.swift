import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// Runs python-dotenv itself (`dotenv_values`, with and without interpolation) on
/// generated files of its dialect and requires the same keys, values, order and number
/// of refused statements. Needs `python3` with python-dotenv 1.2.4 or later (`pip install
/// 'python-dotenv>=1.2.4'`); `FLOW_PYTHON` names another interpreter. Without it, or with
/// an older release, the test fails.
@Suite struct PythonDotenvDifferentialTests {
  static let oracle = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("differential/envfile/dotenv_oracle.py")

  static let hostEnvironment: EnvironmentMap = [
    "FLOW_DIFF_HOST": "from-host", "FLOW_DIFF_EMPTY": "",
  ]

  struct OracleAnswer {
    var values: [(String, String?)]
    var errors: Int
  }

  func runOracle(_ files: [String]) throws -> [String: [Bool: OracleAnswer]] {
    let process = Process()
    let python = ProcessInfo.processInfo.environment["FLOW_PYTHON"] ?? "python3"
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python, Self.oracle.path] + files
    var environment = Self.hostEnvironment
    environment["PATH"] = ProcessInfo.processInfo.environment["PATH"]
    environment["HOME"] = ProcessInfo.processInfo.environment["HOME"]
    environment["PYENV_ROOT"] = ProcessInfo.processInfo.environment["PYENV_ROOT"]
    process.environment = Dictionary(environment.map { ($0.key, $0.value) }) { $1 }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorText = String(
      decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    try #require(
      process.terminationStatus == 0,
      "the python-dotenv oracle failed: \(errorText)")
    var answers: [String: [Bool: OracleAnswer]] = [:]
    for line in data.split(separator: UInt8(ascii: "\n")) {
      let object = try #require(
        try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
      let file = try #require(object["file"] as? String)
      let interpolate = try #require(object["interpolate"] as? Bool)
      let pairs = try #require(object["values"] as? [[Any]])
      let values = pairs.map { ($0[0] as! String, $0[1] as? String) }
      answers[file, default: [:]][interpolate] = OracleAnswer(
        values: values, errors: object["errors"] as! Int)
    }
    return answers
  }

  @Test func generatedFilesAgreeWithPythonDotenv() throws {
    let folder = try TemporaryFolder()
    let directory = folder.url
    var generator = DotenvGenerator(seed: 0x5EED)
    var files: [String: String] = [:]
    for number in 0..<300 {
      let path = directory.appendingPathComponent("case\(number).env").path
      let text = generator.file(lines: 1 + number % 25)
      try Data(text.utf8).write(to: URL(fileURLWithPath: path))
      files[path] = text
    }
    let answers = try runOracle(files.keys.sorted())
    #expect(answers.count == files.count)
    var disagreements = 0
    var refused = 0
    var expandedDifferently = 0
    var multiLine = 0
    for (path, text) in files.sorted(by: { $0.key < $1.key }) {
      for interpolate in [true, false] {
        let expected = try #require(answers[path]?[interpolate])
        let parsed = EnvFileText(file: path, text: text).parse(.python)
        let result = EnvMerge.merge(
          [.file(parsed.entries)],
          options: EnvMergeOptions(
            dialect: .python, expand: interpolate, baseEnvironment: Self.hostEnvironment))
        let actual = result.variables.map { ($0.key, $0.value) }
        refused += interpolate ? parsed.errors.count : 0
        multiLine += interpolate ? actual.filter { $0.1?.contains("\n") ?? false }.count : 0
        if interpolate {
          let literal = parsed.entries.map(\.value)
          expandedDifferently +=
            zip(parsed.entries, literal).filter { entry, _ in
              entry.value != result[entry.key]?.value
            }.count
        }
        let same =
          actual.count == expected.values.count
          && zip(actual, expected.values).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        if !same || parsed.errors.count != expected.errors {
          disagreements += 1
          if disagreements <= 3 {
            Issue.record(
              """
              \(path) (interpolate \(interpolate)) differs from python-dotenv
              file: \(text.debugDescription)
              python-dotenv: \(expected.values) errors \(expected.errors)
              flow:          \(actual) errors \(parsed.errors)
              """)
          }
        }
      }
    }
    #expect(disagreements == 0)
    // The corpus reaches the corners it is meant to reach.
    #expect(refused > 50)
    #expect(expandedDifferently > 50)
    #expect(multiLine > 20)
  }
}

/// Random files in python-dotenv's dialect, aimed at its corners: blanks of every
/// kind, `#` in and after values, escapes, multi-line and unterminated quotes,
/// substitutions well and badly formed, CRLF and CR line ends.
struct DotenvGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next(_ bound: Int) -> Int {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
    return Int((mixed ^ (mixed >> 31)) % UInt64(bound))
  }

  mutating func pick(_ choices: [String]) -> String { choices[next(choices.count)] }

  let keys = ["A", "B", "C_1", "lower", "a.b", "K-2", "é", "FLOW_DIFF_HOST", "export", "X$"]
  let blanks = ["", " ", "  ", "\t", "\u{A0}", "\u{2003}", "\u{0B}", "\u{1F}"]

  mutating func reference() -> String {
    let name = pick(keys + ["FLOW_DIFF_HOST", "FLOW_DIFF_EMPTY", "NOPE", "", "a b", "x{"])
    switch next(6) {
    case 0: return "${\(name)}"
    case 1: return "${\(name):-\(pick(["d", "", "x y", "$", "${A"]))}"
    case 2: return "$\(name)"
    case 3: return "${\(name)-d}"
    case 4: return "${\(name):=d}"
    default: return "${\(name)"
    }
  }

  mutating func text(quote: String?) -> String {
    var pieces: [String] = []
    for _ in 0..<next(5) {
      switch next(14) {
      case 0: pieces.append(reference())
      case 1: pieces.append(" #")
      case 2: pieces.append("#")
      case 3: pieces.append(pick(blanks))
      case 4: pieces.append("\\")
      case 5: pieces.append(pick(["\\n", "\\t", "\\\\", "\\'", "\\\"", "\\a", "\\x", "\\$"]))
      case 6 where quote != nil: pieces.append("\n")
      case 7: pieces.append(pick(["'", "\""]).filter { String($0) != quote })
      case 8: pieces.append("$(echo hi)`date`")
      case 9: pieces.append("=")
      default: pieces.append(pick(["v", "value", "1", "ü", "😀", "a:b", "}"]))
      }
    }
    return pieces.joined()
  }

  mutating func line() -> String {
    switch next(20) {
    case 0: return ""
    case 1: return pick(blanks) + "# comment " + text(quote: nil)
    case 2: return pick(blanks) + pick(keys) + pick(blanks)
    case 3:
      return pick(["A=\"unterminated", "B='open", "C=\"x\" junk", "=1", "'q k'=v", "K \"x\""])
    default: break
    }
    let export = next(5) == 0 ? "export" + pick([" ", "\t", "  "]) : ""
    let key = pick(keys)
    let before = pick(blanks) + export + key + pick(blanks) + "=" + pick(blanks)
    let comment = next(4) == 0 ? pick(blanks) + "# trailing" : ""
    switch next(4) {
    case 0: return before + "'" + text(quote: "'") + "'" + comment
    case 1: return before + "\"" + text(quote: "\"") + "\"" + comment
    default: return before + text(quote: nil)
    }
  }

  mutating func file(lines count: Int) -> String {
    let end = pick(["\n", "\n", "\n", "\r\n", "\r"])
    var lines: [String] = []
    for _ in 0..<count { lines.append(line()) }
    return lines.joined(separator: end) + (next(3) == 0 ? "" : end)
  }
}
