import Testing

@testable import FlowCore

@Suite struct EnvMergeTests {
  func layer(_ file: String, _ text: String, _ dialect: EnvFileDialect = .compose) -> EnvLayer {
    .file(EnvFileText(file: file, text: text).parse(dialect).entries)
  }

  @Test func laterLayersWinAndOrderIsFirstDefinition() {
    let result = EnvMerge.merge(
      [
        layer("a.env", "A=1\nB=1\n"), layer("b.env", "C=2\nA=2\n"),
        .map(name: "--set", pairs: [(key: "B", value: "3"), (key: "D", value: "${A}")]),
      ], options: EnvMergeOptions())
    #expect(result.variables.map(\.key) == ["A", "B", "C", "D"])
    #expect(result.variables.map(\.value) == ["2", "3", "2", "${A}"])
  }

  @Test func provenanceKeepsEveryOverriddenDefinitionInOrder() {
    let result = EnvMerge.merge(
      [layer("a.env", "K=1\nK=2\n"), layer("b.env", "\nK=3\n")], options: EnvMergeOptions())
    let variable = result["K"]
    #expect(variable?.location == .file("b.env", SourcePosition(line: 2, column: 1)))
    #expect(
      variable?.overridden == [
        EnvDefinition(location: .file("a.env", SourcePosition(line: 1, column: 1)), value: "1"),
        EnvDefinition(location: .file("a.env", SourcePosition(line: 2, column: 1)), value: "2"),
      ])
  }

  @Test func expansionSeesEarlierFilesOfTheMerge() {
    let result = EnvMerge.merge(
      [layer("a.env", "ROOT=/opt\n"), layer("b.env", "BIN=${ROOT}/bin\n")],
      options: EnvMergeOptions())
    #expect(result["BIN"]?.value == "/opt/bin")
  }

  @Test func forwardReferenceAcrossFilesNamesTheLaterDefinition() {
    let result = EnvMerge.merge(
      [layer("a.env", "BIN=${ROOT:-/usr}/bin:${ROOT}\n"), layer("b.env", "ROOT=/opt\n")],
      options: EnvMergeOptions(baseEnvironment: [:]))
    #expect(result["BIN"]?.value == "/usr/bin:")
    #expect(
      result.warnings.map(\.description) == [
        "a.env:1:1: 'BIN' refers to 'ROOT', which is defined only later (b.env:1:1)"
      ])
  }

  @Test func bareKeyWithoutHostValueKeepsTheEarlierDefinition() {
    let result = EnvMerge.merge(
      [layer("a.env", "K=1\n"), layer("b.env", "K\n")],
      options: EnvMergeOptions(baseEnvironment: [:]))
    #expect(result["K"]?.value == "1")
    let inherited = EnvMerge.merge(
      [layer("a.env", "K=1\n"), layer("b.env", "K\n")],
      options: EnvMergeOptions(baseEnvironment: ["K": "host"]))
    #expect(inherited["K"]?.value == "host")
    #expect(inherited["K"]?.overridden.count == 1)
  }

  @Test func pythonBareKeysAreNullAndLeftOutOfTextFormats() throws {
    let result = EnvMerge.merge(
      [layer("p.env", "A\nB=1\n", .python)], options: EnvMergeOptions(dialect: .python))
    #expect(result["A"] != nil)
    #expect(result["A"]?.value == nil)
    #expect(try EnvOutput.text(result.variables, format: .sh) == Array("export B='1'\n".utf8))
    #expect(EnvOutput.jsonText(result.variables) == Array(#"{"A":null,"B":"1"}"#.utf8) + [10])
  }

  @Test func expansionErrorDropsOnlyThatDefinition() {
    let result = EnvMerge.merge(
      [layer("a.env", "A=1\nB=${A:?}\nC=${NOPE?no}\nD=2\n")], options: EnvMergeOptions())
    #expect(result.variables.map(\.key) == ["A", "B", "D"])
    #expect(result.errors.count == 1)
  }

  @Test func assignmentsNeedAKeyAndAnEqualsSign() throws {
    #expect(throws: EnvFileError.invalidAssignment(source: "--set", text: "NOEQUALS")) {
      try EnvFileLoader.assignments(["NOEQUALS"], name: "--set")
    }
    #expect(throws: EnvFileError.self) { try EnvFileLoader.assignments(["=v"], name: "--set") }
    guard case .map(_, let pairs) = try EnvFileLoader.assignments(["A=b=c", "E="], name: "--set")
    else {
      Issue.record("expected a map")
      return
    }
    #expect(pairs.map(\.key) == ["A", "E"])
    #expect(pairs.map(\.value) == ["b=c", ""])
  }

  @Test func optionalMarker() {
    #expect(EnvFileLoader.splitOptionalMarker("site.env?") == ("site.env", true))
    #expect(EnvFileLoader.splitOptionalMarker("site.env") == ("site.env", false))
    #expect(EnvFileLoader.splitOptionalMarker("?") == ("?", false))
  }

  /// Each line repeating the one before doubles the value: 60 such lines would need
  /// exabytes (found by the python-dialect fuzzer, which ran out of memory). The merge
  /// stops at its allowance of substituted text and names the line that passed it.
  @Test(arguments: [EnvFileDialect.compose, .python])
  func exponentialExpansionIsRefused(dialect: EnvFileDialect) {
    var text = "V0=0123456789abcdef\n"
    for line in 1...60 { text += "V\(line)=${V\(line - 1)}${V\(line - 1)}\n" }
    let result = EnvMerge.merge([layer("grow.env", text, dialect)], options: EnvMergeOptions())
    // V22 is left undefined, so the lines after it no longer grow.
    #expect(result.errors.count == 1)
    let first = result.errors.first
    #expect(
      first?.description
        == "grow.env:23:1: expanding 'V22' would substitute more than 64 MiB of text in all; values that each repeat an earlier one grow exponentially"
    )
    #expect(result.variables.allSatisfy { ($0.value?.utf8.count ?? 0) <= (64 << 20) })
  }

  @Test func substitutionsWithinTheAllowanceAreKept() {
    var text = "BIG=" + String(repeating: "x", count: 1 << 20) + "\n"
    for line in 0..<40 { text += "COPY\(line)=${BIG}\n" }
    let result = EnvMerge.merge([layer("copies.env", text)], options: EnvMergeOptions())
    #expect(result.errors.isEmpty)
    #expect(result["COPY39"]?.value?.utf8.count == 1 << 20)
  }
}
