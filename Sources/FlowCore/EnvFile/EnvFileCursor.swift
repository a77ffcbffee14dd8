import Glibc

/// A position in the bytes of a file that keeps count of lines as it moves, so every
/// entry and error gets its `line:column` without a second pass.
struct EnvFileCursor {
  /// The file's bytes, borrowed for the parse: an unsafe buffer, so reading a byte
  /// never retains an array.
  let bytes: UnsafeBufferPointer<UInt8>
  var index = 0
  var line = 1
  var lineStart = 0

  init(bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
    if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
      index = 3
      lineStart = 3
    }
  }

  /// A cursor at `start`, the first byte of line `line`.
  init(bytes: UnsafeBufferPointer<UInt8>, at start: Int, line: Int) {
    self.bytes = bytes
    index = start
    lineStart = start
    self.line = line
  }

  /// How many records to make room for at first in `count` bytes: one for every sixteen
  /// bytes (more than most files have lines), up to a million. Counting the newlines
  /// instead took a search per line, a thirtieth of a large file's instructions; a file of
  /// shorter lines, or of more than a million, grows the list as it goes, and room never
  /// used is never touched.
  static func expectedRecordCount(_ count: Int) -> Int { min(count / 16, 1 << 20) + 1 }

  var isAtEnd: Bool { index >= bytes.count }
  var current: UInt8? { index < bytes.count ? bytes[index] : nil }

  func byte(at offset: Int) -> UInt8? {
    offset < bytes.count ? bytes[offset] : nil
  }

  var position: SourcePosition { SourcePosition(line: line, column: index - lineStart + 1) }

  /// Steps over one byte, counting it if it ends a line.
  mutating func advance() {
    if bytes[index] == .newline {
      line += 1
      lineStart = index + 1
    }
    index += 1
  }

  mutating func skipSpacesAndTabs() {
    while index < bytes.count && bytes[index].isSpaceOrTab { index += 1 }
  }

  /// Skips spaces, tabs, carriage returns, form feeds, vertical tabs and newlines.
  mutating func skipBlankLines() {
    while index < bytes.count {
      let byte = bytes[index]
      if byte == .newline {
        line += 1
        lineStart = index + 1
      } else if !(byte.isSpaceOrTab || byte == .carriageReturn || byte == 0x0B || byte == 0x0C) {
        return
      }
      index += 1
    }
  }

  /// The offset of the next newline at or after the cursor, or the end.
  func endOfLine() -> Int {
    find(.newline, from: index, to: bytes.count) ?? bytes.count
  }

  /// The offset of the first `byte` in `start..<end`.
  func find(_ byte: UInt8, from start: Int, to end: Int) -> Int? {
    guard start < end else { return nil }
    return bytes.firstIndex(of: byte, in: start..<end)
  }

  /// Moves to `offset`, at or after the cursor, counting the lines it passes: their
  /// newlines found by the C library's search, not a byte at a time.
  mutating func advance(to offset: Int) {
    var from = index
    while let newline = bytes.firstIndex(of: .newline, in: from..<offset) {
      line += 1
      lineStart = newline + 1
      from = newline + 1
    }
    index = offset
  }

  /// Moves to the start of the next line.
  mutating func skipLine() {
    index = endOfLine()
    if index < bytes.count { advance() }
  }

  func hasPrefix(_ word: StaticString, at offset: Int) -> Bool {
    let count = word.utf8CodeUnitCount
    guard offset + count <= bytes.count else { return false }
    // Most lines differ at the first byte: it is compared before the rest.
    if count > 0 && word.hasPointerRepresentation {
      guard let base = bytes.baseAddress, bytes[offset] == word.utf8Start.pointee else {
        return false
      }
      return memcmp(base + offset, word.utf8Start, count) == 0
    }
    return word.withUTF8Buffer { buffer in
      for position in 0..<count where bytes[offset + position] != buffer[position] {
        return false
      }
      return true
    }
  }

  /// What is found at an offset, for messages: the character quoted, a control character
  /// by its code point, or the end of a line or of the file (which a key may meet at once:
  /// `export ` ending the file).
  func described(at offset: Int) -> String {
    guard offset < bytes.count else { return "end of file" }
    let byte = bytes[offset]
    if byte == .newline || byte == .carriageReturn { return "end of line" }
    if byte < 0x20 || byte == 0x7F {
      let hex = String(byte, radix: 16, uppercase: true)
      return "control character U+" + String(repeating: "0", count: 4 - hex.count) + hex
    }
    var end = offset + 1
    while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
    return "'" + String(bytes[offset..<end]) + "'"
  }
}
