import Testing

@testable import FlowCore

/// A file read in two parts at once gives what reading it from start to end gives: the
/// same entries, errors and positions, whichever statement the split falls in, and the
/// same however the second part's records are handed over.
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

  /// Two parts always: halves, a first quarter, and the second part handed over after
  /// every statement or every few.
  static let everyParts = [
    EnvFileParts(from: 0), EnvFileParts(from: 0, firstShare: 16),
    EnvFileParts(from: 0, firstShare: 16, handOver: 1),
    EnvFileParts(from: 0, firstShare: 8, handOver: 7),
  ]

  static func expectSame(_ text: EnvFileText, _ dialect: EnvFileDialect) {
    let whole = text.parse(dialect, parts: EnvFileParts(from: .max))
    let source = String(decoding: text.bytes, as: UTF8.self)
    for parts in everyParts {
      var taken: [EnvFileEntry] = []
      let read = text.parse(dialect, parts: parts) { segment in
        taken += segment.records.map(segment.storage.entry)
      }
      #expect(read.entries == whole.entries, "\(dialect) \(parts): \(source)")
      #expect(read.errors == whole.errors, "\(dialect) \(parts): \(source)")
      // Every run is handed over once, in order; none where encoding stopped the parse.
      #expect(taken == read.entries, "\(dialect) \(parts): \(source)")
    }
  }

  @Test(arguments: EnvFileDialect.allCases)
  func halvesReadAsTheWhole(_ dialect: EnvFileDialect) {
    for seed in 0..<400 {
      let text = EnvFileText(
        file: "t.env", text: Self.text(seed: UInt64(seed), count: 3 + seed % 17))
      Self.expectSame(text, dialect)
    }
  }

  /// A merge that takes each run as it is read gives what merging the whole parse gives:
  /// the same variables, where each was defined, what it overrode, warnings and errors.
  @Test(arguments: EnvFileDialect.allCases)
  func mergedAsReadIsMergedAfter(_ dialect: EnvFileDialect) {
    let options = EnvMergeOptions(
      dialect: dialect, baseEnvironment: ["A": "from the environment", "HOME": "/h"])
    for seed in 0..<200 {
      let text = EnvFileText(
        file: "t.env", text: Self.text(seed: UInt64(seed), count: 3 + seed % 23))
      let after = EnvMerge.merge(
        [.parsed(text.parse(dialect, parts: EnvFileParts(from: .max)))], options: options)
      for parts in Self.everyParts {
        var merge = EnvMerge(options: options)
        var first = true
        _ = text.parse(dialect, parts: parts) { segment in
          merge.add(segment, first: first)
          first = false
        }
        let asRead = merge.finish()
        #expect(asRead.variables == after.variables, "\(dialect) \(parts) seed \(seed)")
        #expect(asRead.warnings == after.warnings, "\(dialect) \(parts) seed \(seed)")
        #expect(asRead.errors == after.errors, "\(dialect) \(parts) seed \(seed)")
      }
    }
  }

  /// The middle inside a quoted value of several lines: the second half's reading is
  /// dropped, and the value read whole.
  @Test(arguments: EnvFileDialect.allCases)
  func middleInsideAQuotedValue(_ dialect: EnvFileDialect) {
    let text = EnvFileText(file: "t.env", text: "A=1\nB=\"x\ny\nC=2\nD=3\nz\"\nE=4\n")
    Self.expectSame(text, dialect)
    if dialect != .docker {
      #expect(
        text.parse(dialect, parts: EnvFileParts(from: 0)).entries.map(\.key) == ["A", "B", "E"])
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
      #expect(text.parse(dialect, parts: EnvFileParts(from: 0)).errors == [text.encodingError()!])
    }
    var both = good
    both[4] = 0
    both[22] = 0xFF
    let text = EnvFileText(file: "t.env", bytes: both)
    #expect(
      text.parse(dialect, parts: EnvFileParts(from: 0)).errors == [
        .nulByte(file: "t.env", at: SourcePosition(line: 2, column: 1))
      ])
  }
}
