import Testing

@testable import FlowCore

@Suite struct ComposeParserTests {
  @Test func plainKeysAndExport() {
    let result = parse("A=1\nexport B=2\nexport\tC = 3\n")
    #expect(result.errors.isEmpty)
    #expect(result.entries.map(\.key) == ["A", "B", "C"])
    #expect(result.entries.map(\.value) == ["1", "2", "3"])
    #expect(result.entries.map(\.isExported) == [false, true, true])
  }

  @Test func blanksAroundSeparatorAndEmptyValues() {
    #expect(
      values("A = 1\nB=\nC=\"\"\nD=''\n  E\t=\t2\t\nexport=3\n")
        == ["A": "1", "B": "", "C": "", "D": "", "E": "2", "export": "3"])
  }

  @Test func commentLinesAndBlankLinesAnywhere() {
    #expect(values("\n  # one\n\t#two\r\n\nA=1 # three\n#B=2\n") == ["A": "1"])
  }

  @Test func keysMayHoldDotsAndDashes() {
    #expect(parse("a.b-c_D9=x").entries.first?.key == "a.b-c_D9")
  }

  @Test func yamlStyleSeparator() {
    #expect(values("KEY: value\nOTHER:v") == ["KEY": "value", "OTHER": "v"])
  }

  @Test func positionsOfEntries() {
    let entries = parse("\n  A=1\n# c\nexport B='x\ny'\nC=3").entries
    #expect(
      entries.map(\.position) == [
        SourcePosition(line: 2, column: 3), SourcePosition(line: 4, column: 1),
        SourcePosition(line: 6, column: 1),
      ])
  }

  /// compose cuts an unquoted value at a space then `#` inside it, and nowhere else: a
  /// tab before `#`, or blanks between `=` and `#`, leave the `#` in the value.
  @Test func unquotedValueCutAtSpaceHashOnly() {
    let result = values("A=a#b\nB=a #b\nC=a\t#b\nD= #c\nE=#x\nF=x   \nG=a\t #b\n")
    #expect(
      result == ["A": "a#b", "B": "a", "C": "a\t#b", "D": "#c", "E": "#x", "F": "x", "G": "a"])
  }

  @Test func singleQuotesAreLiteralExceptEscapedQuote() {
    let result = values(#"A='it\'s ${X} \n $$'"#, environment: ["X": "y"])
    #expect(result["A"] == #"it's ${X} \n $$"#)
  }

  @Test func doubleQuoteEscapes() {
    let result = values(#"A="\a\b\f\n\r\t\v\\\"\0123""#)
    #expect(result["A"] == "\u{07}\u{08}\u{0C}\n\r\t\u{0B}\\\"S")
  }

  /// compose keeps the backslash of an escape it does not know: `\q`, `\'`, `\x07`,
  /// `\u12e4`, a backslash before a blank or a line break.
  @Test func unknownEscapesKeepTheirBackslash() {
    let result = values(#"A="\q \' \x07 \u12e4 \ b""# + "\n" + "B=\"x\\\ny\"\n")
    #expect(result["A"] == #"\q \' \x07 \u12e4 \ b"#)
    #expect(result["B"] == "x\\\ny")
  }

  /// `\0` and three octal digits is a character up to `\0377`; shorter, larger or
  /// non-octal forms stay as written, and a fourth digit is text.
  @Test func octalEscapes() {
    let text = #"A="\0123" B="\0101\0102" C="\01234" D="\0" E="\012" F="\0400" G="\0128" H="\0377""#
    let result = values(text.split(separator: " ").joined(separator: "\n"))
    #expect(result["A"] == "S")
    #expect(result["B"] == "AB")
    #expect(result["C"] == "S4")
    #expect(result["D"] == #"\0"#)
    #expect(result["E"] == #"\012"#)
    #expect(result["F"] == #"\0400"#)
    #expect(result["G"] == #"\0128"#)
    #expect(result["H"] == "\u{FF}")
  }

  /// In single quotes a backslash takes the next character too, so `'a\\'` ends at its
  /// last quote, keeping both backslashes.
  @Test func singleQuotedBackslashPairs() {
    #expect(values(#"A='a\\'"# + "\n" + #"B='x\ny'"#) == ["A": #"a\\"#, "B": #"x\ny"#])
  }

  /// compose reads `="value"` as a variable named by the empty string (case
  /// cg-parsing-43); no environment can hold one, so flow refuses the key.
  @Test func emptyKeyIsRefused() {
    let result = parse(#"="value""# + "\nOK=1\n")
    #expect(result.entries.map(\.key) == ["OK"])
    #expect(
      result.errors.map(\.description) == [
        "t.env:1:1: invalid key: unexpected '=' where a key starts"
      ])
  }

  /// `export` followed by blanks and nothing else names no key: the error says what was
  /// found there, the end of the file or of the line, and never reads past the file.
  @Test func exportWithoutAKeyAtTheEndOfTheFileOrLine() {
    #expect(
      parse("export \t").errors.map(\.description) == [
        "t.env:1:9: invalid key: unexpected end of file where a key starts"
      ])
    let result = parse("export \nOK=1\n")
    #expect(result.entries.map(\.key) == ["OK"])
    #expect(
      result.errors.map(\.description) == [
        "t.env:1:8: invalid key: unexpected end of line where a key starts"
      ])
  }

  /// A control character is named by its code point, never written into the message.
  @Test func controlCharactersAreNamedInKeyErrors() {
    #expect(
      parse("\u{1B}[2J=x\nA\u{7F}=y\n").errors.map(\.description) == [
        "t.env:1:1: invalid key: unexpected control character U+001B where a key starts",
        "t.env:2:2: invalid key: unexpected control character U+007F in key 'A'",
      ])
  }

  /// Keys take letters and digits of any script and `[ ]`, as compose does.
  @Test func keysOfAnyScriptAndBrackets() {
    let text = "a[1]=c\nárvíztűrő-TÜKÖRFÚRÓGÉP=x\nЖ_٣=y\n"
    #expect(values(text) == ["a[1]": "c", "árvíztűrő-TÜKÖRFÚRÓGÉP": "x", "Ж_٣": "y"])
  }

  @Test func escapedDollarStaysLiteralThroughExpansion() {
    let result = values(#"A="\${X} $${X} ${X}""#, environment: ["X": "v"])
    #expect(result["A"] == "${X} ${X} v")
    #expect(values(#"A="\${X}""#, expand: false)["A"] == "${X}")
  }

  @Test func multiLineQuotedValues() {
    let result = parse("A=\"one\ntwo\"\nB='three\r\nfour'\nC=5")
    #expect(result.entries.map(\.value) == ["one\ntwo", "three\nfour", "5"])
    #expect(result.entries[2].position.line == 5)
  }

  @Test func commentAfterClosingQuote() {
    #expect(values("A=\"x\" # note\nB='y'\t#n") == ["A": "x", "B": "y"])
  }

  @Test func textAfterClosingQuoteIsAnError() {
    let result = parse("A=\"x\" B=2\nC=3")
    #expect(
      result.errors == [.textAfterQuote(file: "t.env", at: SourcePosition(line: 1, column: 7))])
    #expect(result.entries.map(\.key) == ["C"])
  }

  @Test func unterminatedQuoteReportsWhereItOpened() {
    let result = parse("A=1\nB=\"abc\nC=2\nD=3\n")
    #expect(
      result.errors == [
        .unterminatedQuote(file: "t.env", at: SourcePosition(line: 2, column: 3), quote: "\"")
      ])
    #expect(result.entries.map(\.key) == ["A"])
  }

  @Test func byteOrderMarkAndCRLF() {
    let text = EnvFileText(
      file: "t.env", bytes: [0xEF, 0xBB, 0xBF] + Array("A=1\r\nB=\"x\"\r\n".utf8))
    let result = text.parse(.compose)
    #expect(result.entries.map(\.key) == ["A", "B"])
    #expect(result.entries.map(\.value) == ["1", "x"])
    #expect(result.entries[0].position == SourcePosition(line: 1, column: 1))
  }

  @Test func bareKeyInheritsOrIsOmitted() {
    let text = "HOME_X\nMISSING\nexport SHELL_X # comment\n"
    let result = values(text, environment: ["HOME_X": "/h", "SHELL_X": "sh"])
    #expect(result == ["HOME_X": "/h", "SHELL_X": "sh"])
  }

  @Test(arguments: ["A B=1", "'A'=1", "A$=1", "=1", "A#=1", "A€=1"])
  func invalidKeys(_ line: String) {
    let result = parse(line + "\nOK=1")
    #expect(result.errors.count == 1)
    if case .invalidKey(_, let at, _)? = result.errors.first {
      #expect(at.line == 1)
    } else {
      Issue.record("expected an invalid key, got \(result.errors)")
    }
    #expect(result.entries.map(\.key) == ["OK"])
  }

  /// Quoted text is passed over a word at a time up to a quote, backslash or line end:
  /// the lines it spans are counted wherever in a word they end.
  @Test func quotedValuesSpanningLinesKeepTheLineCount() {
    for length in 0..<20 {
      let plain = String(repeating: "x", count: length)
      for (quote, lineEnd, value) in [
        ("\"", "\n", "\(plain)\n\(plain)"), ("\"", "\r\n", "\(plain)\n\(plain)"),
        ("'", "\n", "\(plain)\n\(plain)"), ("\"", "\n", "\(plain)\n\(plain)\n"),
      ] {
        let body = value.replacingOccurrences(of: "\n", with: lineEnd)
        let text = "A=\(quote)\(body)\(quote)\nB=\(quote)\(plain)\\\(quote)\(quote)\n"
        let entries = EnvFileText(file: "t.env", text: text).parse(.compose).entries
        let lines = value.filter { $0 == "\n" }.count
        #expect(entries.map(\.key) == ["A", "B"], "\(text.debugDescription)")
        #expect(entries.first?.value == value, "\(text.debugDescription)")
        #expect(entries.last?.value == plain + quote, "\(text.debugDescription)")
        #expect(
          entries.last?.position == SourcePosition(line: lines + 2, column: 1),
          "\(text.debugDescription)")
      }
    }
  }

  /// Room is made for one record per sixteen bytes: a file of shorter lines has them all.
  @Test func aFileOfShortLinesHasEveryRecord() {
    let text = EnvFileText(file: "t.env", text: String(repeating: "A=1\nB\n", count: 500))
    for dialect in EnvFileDialect.allCases {
      let parsed = text.parse(dialect)
      #expect(parsed.errors.isEmpty)
      #expect(parsed.entries.count == 1000, "\(dialect)")
      #expect(parsed.entries.last?.position == SourcePosition(line: 1000, column: 1))
    }
  }

  @Test func invalidUTF8AndNulHavePositions() {
    let bad = EnvFileText(file: "t.env", bytes: Array("A=1\nB=x".utf8) + [0xC3, 0x28])
    #expect(
      bad.parse(.compose).errors == [
        .invalidUTF8(file: "t.env", at: SourcePosition(line: 2, column: 4))
      ])
    let nul = EnvFileText(file: "t.env", bytes: Array("A=1\n\nBC=".utf8) + [0])
    for dialect in EnvFileDialect.allCases {
      #expect(
        nul.parse(dialect).errors == [
          .nulByte(file: "t.env", at: SourcePosition(line: 3, column: 4))
        ])
    }
  }

  @Test func aValueEndsAtItsCommentOrLineAndSeesItsDollarAtEveryOffset() {
    // Values shorter and longer than the sixteen bytes searched at once, each special
    // byte at each place, and the value at the very end of the text or before more lines.
    let plain = Array("abcdefghijklmnopqrstuvwxyz0123456789ABCD")
    for length in [0, 1, 7, 15, 16, 17, 31, 33, plain.count] {
      let value = String(plain[0..<length])
      for ending in ["", "\n", "\nB=2\n"] {
        // (`A= #note` keeps its `#`: the blanks before a value are not part of it.)
        if length > 0 {
          let entries = parse("A=" + value + " #note" + ending).entries
          #expect(entries.first?.value == value)
          #expect(entries.first?.template == nil)
        }
        #expect(parse("A=" + value + ending).entries.first?.value == value)
        for place in 0...length {
          let dollar = String(plain[0..<place]) + "$X" + String(plain[place..<length])
          #expect(parse("A=" + dollar + ending).entries.first?.template == dollar)
          let hash = String(plain[0..<place]) + "#" + String(plain[place..<length])
          #expect(parse("A=" + hash + ending).entries.first?.value == hash)
        }
      }
    }
  }

  @Test func overlongAndSurrogateEncodingsAreInvalid() {
    for bytes: [UInt8] in [
      [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82],
    ] {
      let text = EnvFileText(file: "t.env", bytes: Array("A=".utf8) + bytes)
      #expect(
        text.encodingError() == .invalidUTF8(file: "t.env", at: SourcePosition(line: 1, column: 3)))
    }
    #expect(EnvFileText(file: "t", text: "A=é€😀").encodingError() == nil)
  }

  @Test(arguments: [UInt8(0), 0xFF, 0x80])
  func encodingErrorsAreFoundAtEveryOffsetOfALongLine(_ bad: UInt8) {
    // Past two blocks of thirty-two bytes, then one of sixteen and a few bytes alone, so
    // each place in each kind of block and after them is met.
    let letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    let line = "KEY=" + letters + letters + "ABCD\n"
    for offset in 0..<line.utf8.count {
      var bytes = Array(line.utf8)
      bytes.insert(bad, at: offset)
      let position = SourcePosition(line: 1, column: offset + 1)
      #expect(
        EnvFileText(file: "t", bytes: bytes).encodingError()
          == (bad == 0 ? .nulByte(file: "t", at: position) : .invalidUTF8(file: "t", at: position)))
    }
  }
}
