import Testing

@testable import FlowCore

@Suite struct EnvLinterTests {
  func lint(_ text: String, schema: EnvLintSchema? = nil) -> [String] {
    EnvLinter(schema: schema).lint(EnvFileText(file: ".env", text: text)).map(\.description)
  }

  @Test func cleanFileHasNoProblems() {
    #expect(
      lint("# comment\nA=1\nB=\"two words\"\nC=${A}\n\nD='x y'\nE=\"multi\nline  \n\"\nF=\n") == [])
  }

  @Test(arguments: [
    ("A=1\nA=2\n", ".env:2 DuplicatedKey: The A key is duplicated"),
    ("A=1", ".env:1 EndingBlankLine: No blank line at the end of the file"),
    ("A=1\n\n\nB=2\n", ".env:3 ExtraBlankLine: Extra blank line detected"),
    ("A-B=1\n", ".env:1 IncorrectDelimiter: The A-B key has incorrect delimiter"),
    ("A\n", ".env:1 KeyWithoutValue: The A key should be with a value or have an equal sign"),
    (" A=1\n", ".env:1 LeadingCharacter: Invalid leading character detected"),
    ("Ab=1\n", ".env:1 LowercaseKey: The Ab key should be in uppercase"),
    ("A=\"x\"\n", ".env:1 QuoteCharacter: The value has quote characters (\\', \\\")"),
    ("A =1\n", ".env:1 SpaceCharacter: The line has spaces around equal sign"),
    ("A=${B\n", ".env:1 SubstitutionKey: The A key is not assigned properly"),
    ("A=1 \n", ".env:1 TrailingWhitespace: Trailing whitespace detected"),
    ("B=1\nA=2\n", ".env:2 UnorderedKey: The A key should go before the B key"),
    ("A=a b\n", ".env:1 ValueWithoutQuotes: This value needs to be surrounded in quotes"),
  ])
  func eachCheck(_ text: String, _ expected: String) {
    #expect(lint(text) == [expected])
  }

  @Test func orderRestartsAfterBlankLinesAndComments() {
    #expect(lint("B=1\n\nA=2\n# group\nC=3\n") == [])
  }

  @Test func schemaViolations() throws {
    let schema = try EnvLintSchema(
      document: JSONCodec.decode(
        Array(
          #"{"allow_other_keys": false, "entries": {"PORT": {"type": "Integer", "required": true}, "URL": {"type": "Url"}}}"#
            .utf8)),
      file: "schema.json")
    #expect(
      lint("URL=nope\nZ=1\n", schema: schema) == [
        ".env:1 SchemaViolation: The PORT key is required",
        ".env:1 SchemaViolation: The URL key is not an url",
        ".env:2 SchemaViolation: The Z key is not defined in the schema",
      ])
    #expect(lint("PORT=80\nURL=https://x.org\n", schema: schema) == [])
  }

  @Test func everyCheckHasAName() {
    #expect(EnvLintCheck.allCases.count == 14)
  }
}
