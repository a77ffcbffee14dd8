import Testing

@testable import FlowCore

/// Parsed files are kept as byte ranges of their text and merged from them in place; the
/// strings made from those ranges, and the merge of entries made elsewhere, must agree.
@Suite struct EnvFileRecordTests {
  static let tricky = """
    export A="a\\$b $c \\n \\t \\0101 \\q \\" 'q'"
    B='lit $A \\' x' # c
    C=plain value # comment
    D
    E="multi
    line $A"
    H=${A}${B}$${C}
    I=${A:-${B:-z}}
    J=${UNSET-d}${UNSET+p}${A+p}${A:+p}
    K=é€😀
    L=${LATER}
    LATER=x
    A=again
    M=${HOME}
    """

  func options(_ dialect: EnvFileDialect) -> EnvMergeOptions {
    EnvMergeOptions(dialect: dialect, baseEnvironment: ["HOME": "/home/h", "D": "inherited"])
  }

  /// Each record carries its key's hash, whether the key lies in the text or among the
  /// decoded bytes, and records made from entries too.
  @Test(arguments: EnvFileDialect.allCases)
  func recordsCarryTheirKeysHashes(_ dialect: EnvFileDialect) {
    let parsed = EnvFileText(file: "t.env", text: Self.tricky).parse(dialect)
    let fromEntries = EnvFileParseResult(entries: parsed.entries[...])
    for segment in parsed.segments + fromEntries.segments {
      for record in segment.records {
        #expect(record.keyHash == EnvKeyIndex.hash(segment.storage.key(of: record)))
      }
    }
    #expect(parsed.entries.count > 5)
  }

  @Test(arguments: EnvFileDialect.allCases)
  func parsedFilesMergeAsTheirEntriesDo(_ dialect: EnvFileDialect) {
    let parsed = EnvFileText(file: "t.env", text: Self.tricky).parse(dialect)
    let inPlace = EnvMerge.merge([.parsed(parsed)], options: options(dialect))
    let fromEntries = EnvMerge.merge([.file(parsed.entries)], options: options(dialect))
    #expect(inPlace.variables == fromEntries.variables)
    #expect(inPlace.warnings == fromEntries.warnings)
    #expect(inPlace.errors == fromEntries.errors)
    for format in EnvOutputFormat.allCases {
      let written = Result { () throws(EnvFileError) in try EnvOutput.text(inPlace, format: format)
      }
      let fromStrings = Result { () throws(EnvFileError) in
        try EnvOutput.text(inPlace.variables, format: format)
      }
      #expect(written == fromStrings)
    }
  }

  @Test func anEscapedDollarGivesATemplateApartFromTheValue() {
    let entries = EnvFileText(file: "t.env", text: "A=\"x\\$y $z\"\nB=\"$q\"\nC='$s'\n")
      .parse(.compose).entries
    #expect(entries.map(\.value) == ["x$y $z", "$q", "$s"])
    #expect(entries.map(\.template) == ["x$$y $z", "$q", nil])
    #expect(entries.map(\.quoting) == [.double, .double, .single])
  }

  @Test func entriesOfSeveralFilesInOneLayerKeepTheirFiles() {
    let first = EnvFileText(file: "a.env", text: "A=1\n").parse(.compose).entries
    let second = EnvFileText(file: "b.env", text: "\nA=2\nB=$A\n").parse(.compose).entries
    let result = EnvMerge.merge([.file(first + second)], options: EnvMergeOptions())
    #expect(result["A"]?.location == .file("b.env", SourcePosition(line: 2, column: 1)))
    #expect(
      result["A"]?.overridden == [
        EnvDefinition(location: .file("a.env", SourcePosition(line: 1, column: 1)), value: "1")
      ])
    #expect(result["B"]?.value == "2")
  }

  @Test func aRefusedStatementLeavesNoDecodedBytesBehind() {
    let parsed = EnvFileText(file: "t.env", text: "A=\"x\\ny\" junk\nB=\"p\\tq\"\n").parse(.compose)
    #expect(parsed.entries.map(\.value) == ["p\tq"])
    #expect(parsed.errors.count == 1)
  }
}

@Suite struct EnvBytesWritingTests {
  @Test func theKeyBitTableIsTheKeyRuleForASCII() {
    for byte in UInt8(0)..<0x80 {
      #expect(
        ComposeParser.isASCIIKeyByte(byte) == ComposeParser.isKeyCharacter(Unicode.Scalar(byte)),
        "byte \(byte)")
    }
    for byte in UInt8(0x80)...0xFF { #expect(!ComposeParser.isASCIIKeyByte(byte)) }
  }

  @Test func keysCheckedAsBytesAreTheKeysCheckedAsText() {
    let keys = [
      "", "A", "KEY_1", "a.b-c[0]", "1", "A B", "A=", "A#", "é", "KEY_é", "名前", "A\u{301}",
      "A😀", "\u{0}", "a\nb", "_",
    ]
    for key in keys {
      let asBytes = Array(key.utf8).withUnsafeBufferPointer { ComposeParser.isKey($0) }
      #expect(asBytes == ComposeParser.isKey(key), "\(key.debugDescription)")
    }
  }

  @Test func stringsWrittenWordByWordMatchTheGeneralWriter() {
    for length in 0...40 {
      for special in [nil, "\"", "\\", "\n", "\u{1}", "é"] as [String?] {
        for position in 0...max(length - 1, 0) {
          var text = String(repeating: "a", count: length)
          if let special, length > 0 {
            let index = text.index(text.startIndex, offsetBy: position)
            text.replaceSubrange(index...index, with: special)
          }
          var expected: [UInt8] = []
          JSONWriter.appendString(text, to: &expected)
          let written = [UInt8](unsafeUninitializedCapacity: expected.count + 16) { buffer, count in
            let start = buffer.baseAddress!
            let end = JSONWriter.writeString(text, at: start, end: start + buffer.count)
            count = end.map { start.distance(to: $0) } ?? 0
          }
          #expect(written == expected, "\(text.debugDescription)")
        }
      }
    }
  }

  /// JSON's escapes as jansson writes them, one byte at a time: what the word-at-a-time
  /// tests and copies must give.
  static func escapedByteByByte(_ bytes: [UInt8]) -> [UInt8] {
    var output: [UInt8] = [UInt8(ascii: "\"")]
    let short: [UInt8: Character] = [
      0x22: "\"", 0x5C: "\\", 0x08: "b", 0x0C: "f", 0x0A: "n", 0x0D: "r", 0x09: "t",
    ]
    for byte in bytes {
      if let letter = short[byte] {
        output += [UInt8(ascii: "\\"), UInt8(ascii: letter.unicodeScalars.first!)]
      } else if byte < 0x20 {
        let hex = Array("0123456789ABCDEF".utf8)
        output += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
      } else {
        output.append(byte)
      }
    }
    return output + [UInt8(ascii: "\"")]
  }

  /// Every byte value at every place of strings of up to 33 bytes and around 64 (where
  /// the word-by-word path ends), alone and beside a second one: strings are tested and
  /// copied by overlapping words, so a byte missed at any place would show here.
  @Test func everyByteAtEveryPlaceIsWrittenAsByteByByte() {
    for length in Array(1...33) + [63, 64, 65, 70] {
      for position in 0..<length {
        for byte in UInt8.min...UInt8.max {
          var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
          bytes[position] = byte
          var second = bytes
          second[length - 1 - position] = byte == 0x5C ? 0x01 : 0x5C
          for text in [bytes, second] {
            let expected = Self.escapedByteByByte(text)
            let written = text.withUnsafeBufferPointer { text in
              // Room for an escape's longest form past the text, as the writer asks.
              [UInt8](unsafeUninitializedCapacity: expected.count + 6) { buffer, count in
                let start = buffer.baseAddress!
                let end = JSONWriter.writeString(text, at: start, end: start + buffer.count)
                count = end.map { start.distance(to: $0) } ?? 0
              }
            }
            if written != expected {
              Issue.record("\(text) written as \(written), not \(expected)")
              return
            }
          }
        }
      }
    }
  }

  /// A buffer one byte short of the string is refused, however the string is written;
  /// a plain one fits a buffer of its exact size.
  @Test func aStringThatDoesNotFitIsRefused() {
    let texts = [
      "", "abc", "abcdefgh", "abcdefghijklmnop", "a\"b", String(repeating: "x", count: 40),
    ]
    for text in texts {
      let bytes = Array(text.utf8)
      let needed = Self.escapedByteByByte(bytes).count
      bytes.withUnsafeBufferPointer { bytes in
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: needed)
        defer { buffer.deallocate() }
        #expect(JSONWriter.writeString(bytes, at: buffer, end: buffer + needed - 1) == nil)
        if !text.contains("\"") {
          #expect(
            JSONWriter.writeString(bytes, at: buffer, end: buffer + needed) == buffer + needed)
        }
      }
    }
  }
}
