import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// Every text format is read back by the program it is meant for (dash, bash, GNU make,
/// the docker and compose dialects) and must give the same values.
@Suite struct EnvOutputTests {
  static let tricky: [(String, String)] = [
    ("PLAIN", "plain"), ("QUOTE", "it's \"q\""), ("BLANKS", "a  b"), ("DOLLAR", "$HOME ${X} $$"),
    ("BACKTICK", "`touch /nonexistent/x`"), ("COMMAND", "$(touch /nonexistent/x); rm -rf /x"),
    ("HASH", "#hash a#b"), ("TRAILING_BACKSLASH", "back\\"), ("BACKSLASH_HASH", "\\#x \\\\#y"),
    ("LEAD", "  lead"), ("TRAIL", "trail  "), ("UNICODE", "é😀"), ("EMPTY", ""),
    ("PERCENT", "100% ;&|<>*?[]~"), ("TAB", "a\tb"),
  ]

  func variables(_ pairs: [(String, String)]) -> [EnvVariable] {
    pairs.map { EnvVariable(key: $0.0, value: $0.1, location: .map("test")) }
  }

  func run(_ program: String, _ arguments: [String], in directory: URL? = nil) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    process.environment = ["PATH": "/usr/bin:/bin"]
    if let directory { process.currentDirectoryURL = directory }
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "\(program) failed")
    return Array(data)
  }

  /// `env -0` output as a map.
  func environment(_ bytes: [UInt8]) -> [String: String] {
    var map: [String: String] = [:]
    for record in bytes.split(separator: 0, omittingEmptySubsequences: true) {
      let text = String(decoding: record, as: UTF8.self)
      if let equals = text.firstIndex(of: "=") {
        map[String(text[..<equals])] = String(text[text.index(after: equals)...])
      }
    }
    return map
  }

  func expectSame(_ map: [String: String], _ pairs: [(String, String)]) {
    for (key, value) in pairs { #expect(map[key] == value, "\(key)") }
  }

  @Test(arguments: ["/bin/dash", "/bin/bash"])
  func shellEvalGivesTheValuesBack(_ shell: String) throws {
    let pairs =
      Self.tricky + [("NEWLINE", "a\nb\n"), ("QUOTES", "'a''b'"), ("ONE_QUOTE", "'")]
    let script = String(decoding: try EnvOutput.text(variables(pairs), format: .sh), as: UTF8.self)
    let output = try run(shell, ["-c", "eval \"$1\" && env -0", "sh", script])
    expectSame(environment(output), pairs)
  }

  @Test func makeGivesTheValuesBack() throws {
    let folder = try TemporaryFolder()
    let directory = folder.url
    let included = try EnvOutput.text(variables(Self.tricky), format: .make)
    try Data(included).write(to: directory.appendingPathComponent("vars.mk"))
    try Data("include vars.mk\nall:\n\t@env -0\n".utf8).write(
      to: directory.appendingPathComponent("Makefile"))
    let output = try run("/usr/bin/make", ["-s", "-C", directory.path])
    expectSame(environment(output), Self.tricky)
  }

  @Test func dotenvReadsBackInTheComposeDialect() throws {
    let pairs = Self.tricky + [("NEWLINE", "a\nb\r\n"), ("CONTROL", "\u{07}\u{08}\u{0B}\u{0C}")]
    let text = try EnvOutput.text(variables(pairs), format: .dotenv)
    let result = EnvMerge.merge(
      [.file(EnvFileText(file: "out.env", bytes: text).parse(.compose).entries)],
      options: EnvMergeOptions(dialect: .compose, baseEnvironment: ["HOME": "/h", "X": "x"]))
    #expect(result.errors.isEmpty)
    #expect(result.variables.map(\.key) == pairs.map(\.0))
    #expect(result.variables.map(\.value) == pairs.map(\.1))
  }

  @Test func dockerReadsBackInTheDockerDialect() throws {
    let text = try EnvOutput.text(variables(Self.tricky), format: .docker)
    let entries = EnvFileText(file: "out.env", bytes: text).parse(.docker).entries
    #expect(entries.map(\.key) == Self.tricky.map(\.0))
    #expect(entries.map(\.value) == Self.tricky.map(\.1))
  }

  @Test func nullRecords() throws {
    let text = try EnvOutput.text(variables([("A", "1\n2"), ("B", "")]), format: .null)
    #expect(text == Array("A=1\n2\0B=\0".utf8))
  }

  @Test func refusalsNameTheKey() {
    let newline = variables([("OK", "1"), ("MULTI", "a\nb")])
    #expect(
      throws: EnvFileError.cannotWrite(
        format: "docker", key: "MULTI", reason: "docker --env-file values cannot hold newlines")
    ) {
      try EnvOutput.text(newline, format: .docker)
    }
    #expect(throws: EnvFileError.self) { try EnvOutput.text(newline, format: .make) }
    #expect(
      throws: EnvFileError.cannotWrite(
        format: "sh", key: "a.b", reason: "not a shell variable name")
    ) {
      try EnvOutput.text(variables([("a.b", "1")]), format: .sh)
    }
    #expect(throws: EnvFileError.self) {
      try EnvOutput.text(variables([("A B", "1")]), format: .docker)
    }
    #expect(throws: EnvFileError.self) {
      try EnvOutput.text(variables([("A=B", "1")]), format: .null)
    }
  }

  @Test func jsonWithProvenance() throws {
    let base = EnvFileText(file: "base.env", text: "A=1\nB=2\n").parse(.compose).entries
    let site = EnvFileText(file: "site.env", text: "\nA=3\n").parse(.compose).entries
    let result = EnvMerge.merge(
      [.file(base), .file(site), .map(name: "--set", pairs: [(key: "A", value: "4")])],
      options: EnvMergeOptions())
    #expect(
      EnvOutput.json(result.variables)
        == .object(JSONObject([("A", .string("4")), ("B", .string("2"))])))
    let text = String(
      decoding: JSONCodec.encode(EnvOutput.json(result.variables, provenance: true)), as: UTF8.self)
    #expect(
      text
        == #"{"A":{"value":"4","from":{"map":"--set"},"overrides":[{"file":"site.env","line":2,"column":1,"value":"3"},{"file":"base.env","line":1,"column":1,"value":"1"}]},"B":{"value":"2","from":{"file":"base.env","line":2,"column":1},"overrides":[]}}"#
        + "\n")
  }
}

@Suite struct EnvJSONTextTests {
  @Test func directWriterMatchesTheCodec() {
    var text = ""
    for scalar in 0..<0x80 { text.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
    let variables = [
      EnvVariable(key: "ALL", value: text + "é😀/", location: .map("m")),
      EnvVariable(key: "k\"\\", value: nil, location: .map("m")),
      EnvVariable(key: "EMPTY", value: "", location: .map("m")),
    ]
    #expect(EnvOutput.jsonText(variables) == JSONCodec.encode(EnvOutput.json(variables)))
    #expect(EnvOutput.jsonText([]) == JSONCodec.encode(EnvOutput.json([])))
  }

  /// Plain text is passed over a word at a time: an escaped byte is found at every
  /// place in and after a word, and text that outgrows the first buffer is written
  /// again; jansson is the judge.
  @Test func escapesAtEveryOffsetOfAWordAsJanssonDoes() {
    var variables: [EnvVariable] = []
    for escaped in ["\"", "\\", "\n", "\u{01}", "\u{1F}", "é"] {
      for offset in 0..<18 {
        let text = String(repeating: "a", count: offset) + escaped + "bbbbbbbbb"
        variables.append(EnvVariable(key: text, value: text, location: .map("m")))
      }
    }
    #expect(EnvOutput.jsonText(variables) == JSONCodec.encodeWithJansson(EnvOutput.json(variables)))
    let controls = String(repeating: "\u{01}", count: 5000)
    let crowded = [EnvVariable(key: "C", value: controls, location: .map("m"))]
    #expect(EnvOutput.jsonText(crowded) == JSONCodec.encodeWithJansson(EnvOutput.json(crowded)))
  }

  /// A map written in two halves at once is the map written whole: with escapes in
  /// either half, with a half whose escapes outgrow its first room (written again,
  /// measured), with bare keys, and with one or two variables.
  @Test func halvesWrittenAtOnceAsTheWhole() {
    let controls = String(repeating: "\u{01}", count: 300)
    func variable(_ key: String, _ value: String?) -> EnvVariable {
      EnvVariable(key: key, value: value, location: .map("m"))
    }
    let plain = (0..<40).map { variable("K\($0)", "value \($0)") }
    // Short escapes, each growing its value by one byte only: the exact measure's case.
    let tabs = (0..<40).map { variable("T\($0)", String(repeating: "\t", count: 10)) }
    let escaped = (0..<40).map { variable("E\($0)\"", $0 % 3 == 0 ? nil : "a\\b\n\($0)é") }
    for variables in [
      plain, plain + escaped, escaped + plain, plain + [variable("C", controls)], plain + tabs,
      tabs + plain, tabs,
      [variable("C", controls)] + plain, [variable("A", "1")],
      [variable("A", "1"), variable("B", nil)], [],
    ] {
      let whole = JSONCodec.encodeWithJansson(EnvOutput.json(variables))
      #expect(EnvOutput.jsonText(variables, halvesFrom: 0) == whole)
      #expect(EnvOutput.jsonText(variables, halvesFrom: .max) == whole)
    }
  }
}
