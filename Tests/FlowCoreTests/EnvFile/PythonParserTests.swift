import Testing

@testable import FlowCore

/// python-dotenv's rules, one by one; the differential suite checks the same against
/// python-dotenv itself on generated files.
@Suite struct PythonParserTests {
  @Test func unquotedValuesCutAtBlankHashOnly() {
    let result = values("F=unq#x\nG=#c\nH=a  b  #c\nI=x\u{A0}\n", .python)
    #expect(result == ["F": "unq#x", "G": "#c", "H": "a  b", "I": "x"])
  }

  /// python-dotenv 1.2.4: a blank after `=` makes a `#` start a comment, so the value
  /// is empty (1.2.2 read `# comment` as the value).
  @Test func blankAfterEqualsThenHashIsAnEmptyValue() {
    let result = values("KEY= # comment\nB=  # b\nC=\t#c\nD=#d\nE=\u{A0}#e\n", .python)
    #expect(result == ["KEY": "", "B": "", "C": "", "D": "#d", "E": ""])
    #expect(parse("KEY= # comment\nOTHER=val", .python).errors.isEmpty)
  }

  @Test func bareKeyIsNoneAndShadowsTheHost() {
    let result = values("I\nJ=${I:-d}\n", .python, environment: ["I": "host"])
    let expected: [String: String?] = ["I": nil, "J": ""]
    #expect(result == expected)
  }

  @Test func quotedKeysAndAnyKeyCharacters() {
    #expect(
      values("'k k'=v\nA\"B=1\nYAML:=2\n", .python) == ["k k": "v", "A\"B": "1", "YAML:": "2"])
  }

  @Test func exportNeedsABlankAfterIt() {
    #expect(
      values("export=1\nexport  A=2\nexportB=3\n", .python) == [
        "export": "1", "A": "2", "exportB": "3",
      ])
  }

  @Test func escapesPerQuote() {
    let result = values(#"S='it\'s \n \\ x'"# + "\n" + #"D="\a\b\f\n\r\t\v\\\"\'\x""#, .python)
    #expect(result["S"] == #"it's \n \ x"#)
    #expect(result["D"] == "\u{07}\u{08}\u{0C}\n\r\t\u{0B}\\\"'\\x")
  }

  /// `${A-d}` is a variable named `A-d`: the name is anything up to `}` or `:`.
  @Test func onlyBracedFormsExpandEvenInSingleQuotes() {
    let text = "A=1\nB='${A}'\nC=$A\nD=${A-d}\nE=${U:-${A}}\nF=${U:-}x\nG=${}\n"
    let result = values(text, .python, environment: [:])
    #expect(result == ["A": "1", "B": "1", "C": "$A", "D": "", "E": "${A}", "F": "x", "G": ""])
  }

  @Test func forwardReferenceIsEmptyWithAWarning() {
    let result = merged("A=${B}\nB=2\n", .python)
    #expect(result.values["A"] == "")
    #expect(result.warnings.count == 1)
  }

  /// python-dotenv 1.2.4: a backslash always takes the next character, so `'b\\'` ends at
  /// its last quote (what `set_key` writes for a Windows path), in both quotes.
  @Test func escapedTrailingBackslashIsRead() {
    #expect(values(#"a='b\\'"# + "\n" + #"c='d'"#, .python) == ["a": #"b\"#, "c": "d"])
    #expect(values(#"a="b\\""# + "\n" + #"c="d""#, .python) == ["a": #"b\"#, "c": "d"])
    #expect(
      values(#"a='C:\\Users\\'"# + "\nb='sentinel'\n", .python) == [
        "a": #"C:\Users\"#, "b": "sentinel",
      ])
  }

  /// An escaped quote never closes a value: with no other quote the statement is refused
  /// (python-dotenv 1.2.2 closed it at the last escaped quote of the file).
  @Test func unterminatedQuoteIsRefusedNotClosedAtAnEscapedQuote() {
    let parsed = parse("A='abc\\'\nB=2\n", .python)
    #expect(parsed.entries.map(\.key) == ["B"])
    #expect(
      parsed.errors == [.unparsableStatement(file: "t.env", at: SourcePosition(line: 1, column: 1))]
    )
  }

  @Test func unterminatedQuoteWithoutLaterQuoteDropsOneLine() {
    let parsed = parse("A=1\n\nB=\"open\nC=3\n", .python)
    #expect(parsed.entries.map(\.key) == ["A", "C"])
    #expect(
      parsed.errors == [.unparsableStatement(file: "t.env", at: SourcePosition(line: 3, column: 1))]
    )
  }

  @Test func universalNewlines() {
    #expect(values("A=1\r\nB='x\r\ny'\rC=3", .python) == ["A": "1", "B": "x\ny", "C": "3"])
  }

  @Test func expansionIsLinearOnUnclosedBraces() {
    let value = String(repeating: "${", count: 50_000)
    #expect(values("A=" + value, .python)["A"] == .some(value))
  }
}
