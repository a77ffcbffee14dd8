import Testing

@testable import FlowCore

@Suite struct DockerParserTests {
  @Test func valuesAreVerbatim() {
    let text = "A=\"quoted\"\nB='x' # not a comment\nC=${X} $Y\n  D=  trailing  \nE=a=b\n"
    let result = values(text, .docker, environment: ["X": "no"])
    #expect(
      result == [
        "A": "\"quoted\"", "B": "'x' # not a comment", "C": "${X} $Y", "D": "  trailing  ",
        "E": "a=b",
      ])
  }

  @Test func commentsOnlyAtLineStartAndCRLF() {
    let result = values("# c\n  # c2\nA=1\r\nB=#2\r\n", .docker)
    #expect(result == ["A": "1", "B": "#2"])
  }

  @Test func bareKeyInheritsOrIsOmitted() {
    #expect(values("HOST_Y\nABSENT\n", .docker, environment: ["HOST_Y": "y"]) == ["HOST_Y": "y"])
  }

  @Test func keysWithBlanksAndEmptyKeysAreErrors() {
    let result = parse("A B=1\n=2\nexport C=3\nok=4", .docker)
    #expect(
      result.errors == [
        .invalidKey(
          file: "t.env", at: SourcePosition(line: 1, column: 2), detail: "'A B' contains a blank"),
        .invalidKey(
          file: "t.env", at: SourcePosition(line: 2, column: 1), detail: "no key before '='"),
        .invalidKey(
          file: "t.env", at: SourcePosition(line: 3, column: 7),
          detail: "'export C' contains a blank"),
      ])
    #expect(result.entries.map(\.key) == ["ok"])
  }

  @Test func byteOrderMarkOnTheFirstLine() {
    let text = EnvFileText(file: "t.env", bytes: [0xEF, 0xBB, 0xBF] + Array("A=1\n".utf8))
    #expect(text.parse(.docker).entries.map(\.key) == ["A"])
  }

  @Test func noMultiLineValues() {
    #expect(values("A=\"x\ny\"", .docker) == ["A": "\"x"])
  }

  /// docker refuses a line over 64 KiB (its scanner's limit, cases
  /// docker-moby-line-too-long and docker-cli-line-too-long); flow reads it.
  @Test func linesOverSixtyFourKiBAreRead() {
    let long = String(repeating: "a", count: 65_578)
    let parsed = parse("foo=" + long + "\nbar=1\n", .docker)
    #expect(parsed.errors.isEmpty)
    #expect(parsed.entries.map(\.value) == [long, "1"])
  }
}
