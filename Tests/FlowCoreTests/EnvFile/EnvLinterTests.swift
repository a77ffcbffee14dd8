import Testing

@testable import FlowCore

@Suite struct EnvLinterTests {
  func lint(_ text: String, schema: EnvLintSchema? = nil) -> [String] {
    EnvLinter(schema: schema).lint(EnvFileText(file: ".env", text: text)).map(\.description)
  }

  /// The messages of one check on a file, as `line: message`.
  func findings(_ check: EnvLintCheck, _ text: String) -> [String] {
    EnvLinter().lint(EnvFileText(file: ".env", text: text)).filter { $0.check == check }.map {
      "\($0.line): \($0.message)"
    }
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
    ("Ab=1\n", ".env:1 LowercaseKey: The Ab key should be in uppercase"),
    ("A='x'\n", ".env:1 QuoteCharacter: The value has quote characters (', \")"),
    ("A=${B\n", ".env:1 SubstitutionKey: The A key is not assigned properly"),
    ("B=1\nA=2\n", ".env:2 UnorderedKey: The A key should go before the B key"),
    ("A=a\tb\n", ".env:1 ValueWithoutQuotes: This value needs to be surrounded in quotes"),
  ])
  func eachCheckAlone(_ text: String, _ expected: String) {
    #expect(lint(text) == [expected])
  }

  @Test func checksOfOneLineComeInDotenvLintersOrder() {
    #expect(
      lint("A = 1 \n") == [
        ".env:1 SpaceCharacter: The line has spaces around equal sign",
        ".env:1 TrailingWhitespace: Trailing whitespace detected",
      ])
  }

  @Test func duplicatedKeyComparesTheTextBeforeTheEqualsSign() {
    #expect(
      findings(.duplicatedKey, "A=1\nexport A=2\nA =3\na=4\n") == ["2: The A key is duplicated"])
  }

  @Test func endingBlankLine() {
    #expect(findings(.endingBlankLine, "") == [])
    #expect(findings(.endingBlankLine, "A=1\r\n") == [])
    #expect(
      findings(.endingBlankLine, "# only a comment") == ["1: No blank line at the end of the file"])
    #expect(findings(.endingBlankLine, "A=\"x\ny\"") == ["1: No blank line at the end of the file"])
  }

  @Test func extraBlankLine() {
    #expect(findings(.extraBlankLine, "A=1\n\nB=2\n") == [])
    #expect(findings(.extraBlankLine, "A=1\n \n\t\nB=2\n") == ["3: Extra blank line detected"])
    // The line break ending the file makes one more, blank, line.
    #expect(findings(.extraBlankLine, "A=1\n\n") == ["3: Extra blank line detected"])
    #expect(findings(.extraBlankLine, "\n# c\n\nA=1\n") == [])
  }

  @Test func incorrectDelimiterIgnoresLeadingCharactersAndTrailingSpace() {
    #expect(findings(.incorrectDelimiter, "F100=1\nexport A_B=1\n*FOO=1\nFOO_BAR =1\n") == [])
    #expect(
      findings(.incorrectDelimiter, "***F-OO=1\nFOO*=1\nFOO BAR=1\nA.B\n") == [
        "1: The ***F-OO key has incorrect delimiter", "2: The FOO* key has incorrect delimiter",
        "3: The FOO BAR key has incorrect delimiter", "4: The A.B key has incorrect delimiter",
      ])
  }

  @Test func keyWithoutValueNamesTheWholeLine() {
    #expect(findings(.keyWithoutValue, "A=\n\n# c\n") == [])
    #expect(
      findings(.keyWithoutValue, "FOO BAR\nexport B\n") == [
        "1: The FOO BAR key should be with a value or have an equal sign",
        "2: The B key should be with a value or have an equal sign",
      ])
  }

  @Test func leadingCharacterLooksAtTheRawLine() {
    #expect(findings(.leadingCharacter, "_A=1\nÉ=1\n  # comment\n\n") == [])
    #expect(
      findings(.leadingCharacter, ".A=1\n1A=1\n A=1\n\tA=1\n*A\n")
        == Array(repeating: "Invalid leading character detected", count: 5).enumerated().map {
          "\($0.offset + 1): \($0.element)"
        })
  }

  @Test func lowercaseKey() {
    #expect(findings(.lowercaseKey, "A_1=x\nexport B=y\n") == [])
    #expect(
      findings(.lowercaseKey, "foo=1\nFOo=2\n") == [
        "1: The foo key should be in uppercase", "2: The FOo key should be in uppercase",
      ])
  }

  @Test func quoteCharacterOnlyWhereQuotesAreNotNeeded() {
    #expect(
      findings(.quoteCharacter, "A=x\nB='x y'\nC=\"$X\"\nD='#c'\nE=\"a\\nb\"\nF='x\ny'\n") == [])
    #expect(
      findings(.quoteCharacter, "A='x'\nB=\"x\"\nC=it's\nD=\"\"\n")
        == (1...4).map { "\($0): The value has quote characters (', \")" })
  }

  /// dotenv-linter 4 prints the message without the backslashes of its Rust source.
  @Test func quoteCharacterMessageHasNoEscapes() {
    #expect(lint("A=\"B\"\n") == [#".env:1 QuoteCharacter: The value has quote characters (', ")"#])
  }

  /// Quotes around a value with `&` or `=` are needed, as dotenv-linter 4 judges them.
  @Test func quoteCharacterExemptsAmpersandAndEquals() {
    #expect(
      findings(.quoteCharacter, "A=\"TLS&SSL\"\nB='TLS&SSL'\nC=\"authSource=admin\"\nD='k=v'\n")
        == [])
  }

  @Test func spaceCharacterOnlyAroundTheOnlyEqualsSign() {
    #expect(findings(.spaceCharacter, " A=1\nA=1 \nA 1\nA = b=c\nA\t=1\n") == [])
    #expect(
      findings(.spaceCharacter, "A = 1\nB =1\nC= 1\n")
        == (1...3).map { "\($0): The line has spaces around equal sign" })
  }

  @Test func substitutionKeyNeedsBothBracesAndAPlainName() {
    #expect(
      findings(.substitutionKey, "A=$B\nA=${B}\nA=\"$B\"\nA=${B}$C\nA=$A{${B}\nA=$B-$C\n")
        == [])
    #expect(findings(.substitutionKey, "A=\\${B\nA=\\$B}\nA='${B'\n") == [])
    #expect(
      findings(.substitutionKey, "A=${B\nB=${C!}\nC=$D}\nD=${E$F}\nE=${F:-x}\n")
        == ["A", "B", "C", "D", "E"].enumerated().map {
          "\($0.offset + 1): The \($0.element) key is not assigned properly"
        })
  }

  @Test func trailingWhitespaceIsASpaceOutsideComments() {
    #expect(findings(.trailingWhitespace, "A=1\t\n# c \n") == [])
    #expect(findings(.trailingWhitespace, "A=1  \n") == ["1: Trailing whitespace detected"])
  }

  @Test func unorderedKeyNamesTheKeyItShouldPrecede() {
    #expect(
      findings(.unorderedKey, "FOO=1\nBAR=1\nDDD=1\nZOO=1\n") == [
        "2: The BAR key should go before the FOO key",
        "3: The DDD key should go before the FOO key",
      ])
    // Byte order: upper case before lower case.
    #expect(findings(.unorderedKey, "a=1\nB=1\n") == ["2: The B key should go before the a key"])
  }

  @Test func unorderedKeyGroupsEndAtBlankLinesControlCommentsAndSubstitutions() {
    #expect(findings(.unorderedKey, "B=1\n\nA=2\n") == [])
    #expect(findings(.unorderedKey, "B=1\n# dotenv-linter:off LowercaseKey\nA=2\n") == [])
    #expect(
      findings(.unorderedKey, "B=1\n# a plain comment\nA=2\n") == [
        "3: The A key should go before the B key"
      ])
    #expect(findings(.unorderedKey, "K=1\nF=$K\nB=1\n") == [])
    #expect(
      findings(.unorderedKey, "K=1\nF='$K'\nB=1\n") == [
        "2: The F key should go before the K key", "3: The B key should go before the F key",
      ])
  }

  @Test func valueWithoutQuotes() {
    #expect(findings(.valueWithoutQuotes, "A=x\nB=\"x y\"\nC='x y'\nD= x \n") == [])
    #expect(
      findings(.valueWithoutQuotes, "A=x y\nB=x # comment\nC=\"x y\n")
        == (1...3).map { "\($0): This value needs to be surrounded in quotes" })
  }

  @Test func quotedValuesSpanningLinesAreOneLine() {
    #expect(lint("A=\"x\n\n\nB y\n\"\nC=1\n") == [])
    // Only the first quote on a line can close; escaped it does not.
    #expect(findings(.keyWithoutValue, "A='x\nb \\' c'\nD'\n") == [])
    #expect(
      findings(.keyWithoutValue, "A='x\nb \\' c'\nD\n") == [
        "2: The b \\' c' key should be with a value or have an equal sign",
        "3: The D key should be with a value or have an equal sign",
      ])
    #expect(
      findings(.keyWithoutValue, "A=\"x\nD\n") == [
        "2: The D key should be with a value or have an equal sign"
      ])
  }

  @Test func controlCommentsTurnChecksOffAndOn() {
    #expect(
      lint(
        "# dotenv-linter:off KeyWithoutValue, LeadingCharacter\nFOO\n"
          + "# dotenv-linter:on LeadingCharacter\n1FOO\n") == [
          ".env:4 LeadingCharacter: Invalid leading character detected"
        ])
    #expect(
      EnvLintControlComment("#dotenv-linter:off")
        == EnvLintControlComment(
          "  # dotenv-linter:off  , Unknown,,"))
    #expect(EnvLintControlComment("# dotenv-linter:disable UnorderedKey") == nil)
    #expect(EnvLintControlComment("# dotenv-linter UnorderedKey") == nil)
    #expect(
      EnvLintControlComment("# dotenv-linter:on UnorderedKey ,DuplicatedKey")?.checks == [
        .unorderedKey, .duplicatedKey,
      ])
  }

  @Test func schemaViolations() throws {
    let schema = try EnvLintSchema(
      document: JSONCodec.decode(
        Array(
          #"{"allow_other_keys": false, "entries": {"PORT": {"type": "Integer", "required": true}, "URL": {"type": "Url"}, "ON": {"type": "Boolean"}}}"#
            .utf8)),
      file: "schema.json")
    #expect(
      lint("ON=yes\nURL=nope\nZ=1\n", schema: schema) == [
        ".env:2 SchemaViolation: The URL key is not a valid URL",
        ".env:3 SchemaViolation: The Z key is not defined in the schema",
        ".env:4 SchemaViolation: The PORT key is required",
      ])
    #expect(lint("ON=0\nPORT=80\nURL=https://x.org\n", schema: schema) == [])
    #expect(
      lint("ON=on\nPORT=\"80\"\n", schema: schema).filter { $0.contains("Schema") } == [
        ".env:1 SchemaViolation: The ON key is not a valid boolean",
        ".env:2 SchemaViolation: The PORT key is not an integer",
      ])
  }

  /// A schema that does not say `allow_other_keys` refuses keys it does not name.
  @Test func schemaWithoutAllowOtherKeysRefusesOtherKeys() throws {
    let strict = try EnvLintSchema(
      document: JSONCodec.decode(Array(#"{"entries": {"NAME": {"type": "String"}}}"#.utf8)),
      file: "schema.json")
    #expect(
      lint("NAME=joe\nUSER=joe\n", schema: strict).filter { $0.contains("Schema") } == [
        ".env:2 SchemaViolation: The USER key is not defined in the schema"
      ])
    let open = try EnvLintSchema(
      document: JSONCodec.decode(
        Array(#"{"allow_other_keys": true, "entries": {"NAME": {"type": "String"}}}"#.utf8)),
      file: "schema.json")
    #expect(lint("NAME=joe\nUSER=joe\n", schema: open).filter { $0.contains("Schema") } == [])
  }

  /// An entry's `regex` must match somewhere in the value; one that does not compile
  /// makes the schema unusable.
  @Test func schemaRegexMustMatch() throws {
    let schema = try EnvLintSchema(
      document: JSONCodec.decode(
        Array(#"{"entries": {"NAME": {"type": "String", "regex": "^[ABCD]*$"}}}"#.utf8)),
      file: "schema.json")
    #expect(lint("NAME=BAD\n", schema: schema).filter { $0.contains("Schema") } == [])
    #expect(
      lint("NAME=joe\n", schema: schema).filter { $0.contains("Schema") } == [
        ".env:1 SchemaViolation: The NAME key does not match the regex"
      ])
    #expect(throws: EnvFileError.self) {
      try EnvLintSchema(
        document: JSONCodec.decode(Array(#"{"entries": {"N": {"regex": "("}}}"#.utf8)),
        file: "schema.json")
    }
  }

  @Test func everyCheckHasAName() {
    #expect(EnvLintCheck.allCases.count == 14)
  }
}
