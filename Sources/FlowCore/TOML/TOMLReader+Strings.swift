extension TOMLReader {
  // MARK: - Encoding

  /// The whole document must be UTF-8; the first bad byte is an error at its place.
  mutating func checkEncoding() throws(TOMLError) {
    var offset = 0
    let count = bytes.count
    while offset < count {
      let lead = bytes[offset]
      if lead < 0x80 {
        offset += 1
        continue
      }
      var length = 0
      var low: UInt8 = 0x80
      var high: UInt8 = 0xBF
      switch lead {
      case 0xC2...0xDF: length = 2
      case 0xE0: (length, low) = (3, 0xA0)
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED: (length, high) = (3, 0x9F)
      case 0xF0: (length, low) = (4, 0x90)
      case 0xF1...0xF3: length = 4
      case 0xF4: (length, high) = (4, 0x8F)
      default: throw invalidEncoding(at: offset)
      }
      guard offset + length <= count else { throw invalidEncoding(at: offset) }
      let second = bytes[offset + 1]
      guard second >= low && second <= high else { throw invalidEncoding(at: offset) }
      for next in 2..<length where bytes[offset + next] & 0xC0 != 0x80 {
        throw invalidEncoding(at: offset)
      }
      offset += length
    }
  }

  private mutating func invalidEncoding(at offset: Int) -> TOMLError {
    for scan in 0..<offset where bytes[scan] == UInt8(ascii: "\n") {
      line += 1
      lineStart = scan + 1
    }
    index = offset
    return error("invalid UTF-8 (byte 0x\(String(bytes[offset], radix: 16, uppercase: true)))")
  }

  // MARK: - Single-line strings

  /// `"…"` with escapes, or `'…'` taken as written.
  mutating func readSingleLineString(literal: Bool) throws(TOMLError) -> String {
    let quote = literal ? UInt8(ascii: "'") : UInt8(ascii: "\"")
    let opening = index
    index += 1
    let start = index
    var hasEscapes = false
    while index < bytes.count {
      let byte = bytes[index]
      if byte == quote {
        index += 1
        return hasEscapes ? String(decoding: scratch, as: UTF8.self) : text(start..<index - 1)
      }
      if byte == UInt8(ascii: "\\") && !literal {
        if !hasEscapes {
          hasEscapes = true
          scratch.removeAll(keepingCapacity: true)
          scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        }
        try readEscape()
        continue
      }
      try checkSingleLine(byte, opening: opening)
      if hasEscapes { scratch.append(byte) }
      index += 1
    }
    throw error("the string is not closed", at: opening)
  }

  private func checkSingleLine(_ byte: UInt8, opening: Int) throws(TOMLError) {
    guard TOMLReader.isControl(byte) else { return }
    if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
      throw error(
        "the string is not closed on its line (a multi-line string uses \"\"\" or ''')",
        at: opening)
    }
    throw error("\(TOMLReader.describe(byte)) is not allowed in a string")
  }

  private func text(_ range: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
  }

  /// An escape sequence, from its backslash, appended to `scratch`.
  private mutating func readEscape() throws(TOMLError) {
    let start = index
    index += 1
    let replacement: UInt8
    switch current {
    case UInt8(ascii: "b"): replacement = 8
    case UInt8(ascii: "t"): replacement = 9
    case UInt8(ascii: "n"): replacement = 10
    case UInt8(ascii: "f"): replacement = 12
    case UInt8(ascii: "r"): replacement = 13
    case UInt8(ascii: "\""): replacement = UInt8(ascii: "\"")
    case UInt8(ascii: "\\"): replacement = UInt8(ascii: "\\")
    case UInt8(ascii: "u"), UInt8(ascii: "U"):
      let length = current == UInt8(ascii: "u") ? 4 : 8
      index += 1
      var value: UInt32 = 0
      for _ in 0..<length {
        guard let digit = TOMLReader.hexDigit(current) else {
          throw error(
            "expected \(length) hexadecimal digits after '\\\(length == 4 ? "u" : "U")'",
            at: start)
        }
        value = value << 4 | UInt32(digit)
        index += 1
      }
      guard let scalar = Unicode.Scalar(value) else {
        throw error("U+\(TOMLReader.hex(value)) is not a Unicode scalar value", at: start)
      }
      UTF8.encode(scalar) { scratch.append($0) }
      return
    default:
      if index >= bytes.count || TOMLReader.isControl(current) || current >= 0x80 {
        throw error("a backslash must start an escape such as \\n or \\\\", at: start)
      }
      throw error(
        "invalid escape '\\\(Character(Unicode.Scalar(current)))'", at: start)
    }
    scratch.append(replacement)
    index += 1
  }

  static func hexDigit(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
  }

  // MARK: - Multi-line strings

  /// `"""…"""` (escapes, line-ending backslash) or `'''…'''` (as written).
  mutating func readMultilineString(literal: Bool) throws(TOMLError) -> String {
    let quote = literal ? UInt8(ascii: "'") : UInt8(ascii: "\"")
    let opening = index
    let openingLine = line
    let openingLineStart = lineStart
    index += 3
    scratch.removeAll(keepingCapacity: true)
    _ = try skipLineBreak()
    while index < bytes.count {
      let next = bytes[index]
      if next == quote {
        var run = 1
        while byte(at: run) == quote { run += 1 }
        if run < 3 {
          scratch.append(contentsOf: repeatElement(quote, count: run))
          index += run
          continue
        }
        let kept = min(run - 3, 2)
        scratch.append(contentsOf: repeatElement(quote, count: kept))
        index += kept + 3
        return String(decoding: scratch, as: UTF8.self)
      }
      if next == UInt8(ascii: "\n") || next == UInt8(ascii: "\r") {
        _ = try skipLineBreak()
        scratch.append(UInt8(ascii: "\n"))
        continue
      }
      if next == UInt8(ascii: "\\") && !literal {
        if try !skipLineEndingBackslash() { try readEscape() }
        continue
      }
      if TOMLReader.isControl(next) {
        throw error("\(TOMLReader.describe(next)) is not allowed in a string")
      }
      scratch.append(next)
      index += 1
    }
    throw TOMLError(
      position: SourcePosition(
        line: openingLine,
        column: 1
          + UnsafeBufferPointer(rebasing: bytes[openingLineStart..<opening]).reduce(0) {
            $0 + ($1 & 0xC0 != 0x80 ? 1 : 0)
          }),
      message: "the multi-line string is not closed")
  }

  /// A backslash, blanks, then a line break: skips up to the next text that is not blank.
  private mutating func skipLineEndingBackslash() throws(TOMLError) -> Bool {
    var ahead = 1
    while byte(at: ahead) == 32 || byte(at: ahead) == 9 { ahead += 1 }
    let next = byte(at: ahead)
    guard next == UInt8(ascii: "\n") || next == UInt8(ascii: "\r") else { return false }
    index += ahead
    while true {
      skipBlanks()
      if try !skipLineBreak() { return true }
    }
  }
}
