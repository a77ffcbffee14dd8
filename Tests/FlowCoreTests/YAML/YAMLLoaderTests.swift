import Testing

@testable import FlowCore

@Suite struct YAMLLoaderTests {
  func load(_ text: String) throws -> (root: YAMLNode?, problems: [Diagnostic]) {
    try YAMLLoader().load(Array(text.utf8), file: "t.yaml")
  }

  func message(_ text: String) -> String? {
    do throws(Diagnostic) {
      _ = try YAMLLoader().load(Array(text.utf8), file: "t.yaml")
      return nil
    } catch {
      return error.description
    }
  }

  @Test func readsScalarsByTheCoreSchema() throws {
    let root = try #require(try load("a: 1\nb: 1.5\nc: true\nd: ~\ne: yes\nf: '1'\ng: 0x1F\n").root)
    let json = root.jsonValue
    #expect(json["a"] == .integer(1))
    #expect(json["b"] == .number(1.5))
    #expect(json["c"] == .bool(true))
    #expect(json["d"] == .null)
    #expect(json["e"] == .string("yes"))
    #expect(json["f"] == .string("1"))
    #expect(json["g"] == .integer(31))
  }

  @Test func readsOnlyASCIIDigitsAsIntegers() throws {
    let root = try #require(
      try load("a: 0o17\nb: +0x10\nc: -12\nd: ０x1\ne: 0xG\nf: ١٢\ng: 0x\n").root)
    let json = root.jsonValue
    #expect(json["a"] == .integer(15))
    #expect(json["b"] == .integer(16))
    #expect(json["c"] == .integer(-12))
    #expect(json["d"] == .string("０x1"))
    #expect(json["e"] == .string("0xG"))
    #expect(json["f"] == .string("١٢"))
    #expect(json["g"] == .string("0x"))
  }

  @Test func keepsPositions() throws {
    let root = try #require(try load("a:\n  - x\n  - y\n").root)
    let items = try #require(root.mapping?.first?.value.sequence)
    #expect(items[1].position == SourcePosition(line: 3, column: 5))
  }

  @Test func resolvesAliasesAndMergeKeys() throws {
    let text = """
      base: &base {cpu: 2, memory: 1Gi}
      stage:
        <<: *base
        cpu: 4
      many:
        <<: [{a: 1}, {a: 2, b: 3}]
      """
    let json = try #require(try load(text).root).jsonValue
    #expect(json["stage"]?["cpu"] == .integer(4))
    #expect(json["stage"]?["memory"] == .string("1Gi"))
    #expect(json["stage"]?.objectValue?.keys == ["cpu", "memory"])
    #expect(json["many"]?["a"] == .integer(1))
    #expect(json["many"]?["b"] == .integer(3))
  }

  @Test func reportsDuplicateKeysWithBothPositions() throws {
    let problems = try load("a: 1\nb: 2\na: 3\n").problems
    #expect(problems.map(\.description) == ["t.yaml:3:1: duplicate key 'a' (first defined at 1:1)"])
  }

  @Test func refusesAnAliasBomb() {
    var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for level in 1...9 {
      let uses = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
      text += "a\(level): &a\(level) [\(uses)]\n"
    }
    #expect(message(text)?.contains("alias bomb") == true)
  }

  @Test func allowsModestAliasUse() throws {
    var text = "d: &d {cpu: 1, memory: 2Gi}\nstages:\n"
    for index in 0..<1000 { text += "  - {name: s\(index), <<: *d}\n" }
    #expect(try load(text).root != nil)
  }

  @Test func refusesDeepNesting() {
    let text = String(repeating: "[", count: 10_000)
    #expect(message(text) == "t.yaml:1:257: nesting deeper than 256 levels")
  }

  @Test func refusesASecondDocument() {
    #expect(
      message("a: 1\n---\nb: 2\n")
        == "t.yaml:2:1: more than one YAML document: a workflow is one document")
  }

  @Test func refusesInvalidUTF8AndNULWithPositions() {
    #expect(message("a: 1\nb: x\u{0}\n") == "t.yaml:2:5: NUL byte is not allowed")
    var bytes = Array("a: 1\nbb: \"é".utf8)
    bytes.append(0xFF)
    do throws(Diagnostic) {
      _ = try YAMLLoader().load(bytes, file: "t.yaml")
      Issue.record("accepted invalid UTF-8")
    } catch {
      #expect(error.description == "t.yaml:2:7: invalid leading UTF-8 octet")
    }
  }

  @Test func reportsUnknownAliases() {
    #expect(message("a: *nope\n") == "t.yaml:1:4: unknown alias '*nope'")
  }

  @Test func reportsSyntaxErrorsWithLibyamlsWords() {
    let text = message("a: [1, 2\nb: 3\n")
    #expect(text?.hasPrefix("t.yaml:") == true)
    #expect(text?.contains("did not find expected") == true)
  }

  @Test func treatsAnEmptyFileAsNoDocument() throws {
    #expect(try load("").root == nil)
    #expect(try load("# only a comment\n").root == nil)
  }
}
