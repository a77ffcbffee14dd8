import Testing

@testable import FlowCore

/// A file read in two halves at once gives what reading it from start to end gives: the
/// same entries, errors and positions, whichever statement the middle falls in.
@Suite struct EnvFileHalvesTests {
  /// Lines that each dialect reads differently: quoted values over several lines (which
  /// the middle may fall into), escapes (decoded into the records' own bytes), comments,
  /// blank lines, carriage returns, non-ASCII text and lines each dialect refuses.
  static let lines = [
    "A=1", "export B=two words # comment", "# comment", "", "   ", "\t", "C=\"multi\nline\nvalue\"",
    "D='single\nquoted\n\nover lines'", "E=\"escapes\\n\\t\\$X ${A} \\\"q\\\"\"", "F", "G: colon",
    "bad key=1", "H=value\r", "I=é€😀", "J=${A}/${B:-x}", "K='it\\'s'", "L=\"\"", "=nokey",
    "M=\"a\nb\" trailing", "N=a\\\nb", "'Q K'=quoted key", "# \"not a quote",
  ]

  /// A text of `count` lines drawn from `lines` by a generator seeded with `seed`.
  static func text(seed: UInt64, count: Int) -> String {
    var state = seed
    func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var value = state
      value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
      value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
      return value ^ (value >> 31)
    }
    return (0..<count).map { _ in lines[Int(next() % UInt64(lines.count))] }.joined(separator: "\n")
  }

  static func expectSame(_ text: EnvFileText, _ dialect: EnvFileDialect) {
    let whole = text.parse(dialect, halvesFrom: .max)
    let halves = text.parse(dialect, halvesFrom: 0)
    #expect(
      halves.entries == whole.entries, "\(dialect): \(String(decoding: text.bytes, as: UTF8.self))")
    #expect(
      halves.errors == whole.errors, "\(dialect): \(String(decoding: text.bytes, as: UTF8.self))")
  }

  @Test(arguments: EnvFileDialect.allCases)
  func halvesReadAsTheWhole(_ dialect: EnvFileDialect) {
    for seed in 0..<400 {
      let text = EnvFileText(
        file: "t.env", text: Self.text(seed: UInt64(seed), count: 3 + seed % 17))
      Self.expectSame(text, dialect)
    }
  }

  /// The middle inside a quoted value of several lines: the second half's reading is
  /// dropped, and the value read whole.
  @Test(arguments: EnvFileDialect.allCases)
  func middleInsideAQuotedValue(_ dialect: EnvFileDialect) {
    let text = EnvFileText(file: "t.env", text: "A=1\nB=\"x\ny\nC=2\nD=3\nz\"\nE=4\n")
    Self.expectSame(text, dialect)
    if dialect != .docker {
      #expect(text.parse(dialect, halvesFrom: 0).entries.map(\.key) == ["A", "B", "E"])
    }
  }

  /// Blank lines over the middle, a byte-order mark and an unterminated quote at the end.
  @Test(arguments: EnvFileDialect.allCases)
  func blanksMarkAndUnterminatedQuote(_ dialect: EnvFileDialect) {
    for text in [
      "\u{FEFF}A=1\n\n\n\n\n\n\nB=2", "A=1\nB=\"open\nC=3\nD=4\n", "\n\n\n\nA=1",
      "A=1\n# c\n# c\n# c\nB=2\n", "A=1\r\nB=2\r\nC=3\r\nD=\"4\r\n5\"\r\n",
    ] {
      Self.expectSame(EnvFileText(file: "t.env", text: text), dialect)
    }
  }

  /// An encoding error in either half stops the parse, and the first one is told.
  @Test(arguments: EnvFileDialect.allCases)
  func encodingErrorsInEitherHalf(_ dialect: EnvFileDialect) {
    let good = Array("A=1\nB=2\nC=3\nD=4\nE=5\nF=6\n".utf8)
    for (offset, bad) in [(2, UInt8(0)), (20, UInt8(0)), (6, UInt8(0xFF)), (22, UInt8(0xC3))] {
      var bytes = good
      bytes[offset] = bad
      let text = EnvFileText(file: "t.env", bytes: bytes)
      Self.expectSame(text, dialect)
      #expect(text.parse(dialect, halvesFrom: 0).errors == [text.encodingError()!])
    }
    var both = good
    both[4] = 0
    both[22] = 0xFF
    let text = EnvFileText(file: "t.env", bytes: both)
    #expect(
      text.parse(dialect, halvesFrom: 0).errors == [
        .nulByte(file: "t.env", at: SourcePosition(line: 2, column: 1))
      ])
  }
}
