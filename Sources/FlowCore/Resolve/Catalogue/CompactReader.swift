/// The records of a `CompiledCatalogue`: numbers in seven-bit groups and texts behind their
/// length, written by the `appendNumber` family and read back by `CompactReader`.
extension [UInt8] {
  /// A signed number in seven-bit groups, zigzag-coded so small negatives stay short.
  mutating func appendNumber(_ value: Int) {
    var rest = UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))
    while rest >= 0x80 {
      append(UInt8(truncatingIfNeeded: rest) | 0x80)
      rest >>= 7
    }
    append(UInt8(rest))
  }

  mutating func appendText(_ text: String) {
    appendNumber(text.utf8.count)
    append(contentsOf: text.utf8)
  }

  mutating func appendTexts(_ texts: [String]) {
    appendNumber(texts.count)
    for text in texts { appendText(text) }
  }
}

/// Reads what the `appendNumber` and `appendText` family wrote.
struct CompactReader {
  let bytes: [UInt8]
  var offset: Int

  init(_ bytes: [UInt8], at offset: Int) {
    self.bytes = bytes
    self.offset = offset
  }

  mutating func number() -> Int {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      let byte = bytes[offset]
      offset += 1
      value |= UInt64(byte & 0x7F) << shift
      if byte < 0x80 { break }
      shift += 7
    }
    let signed = Int64(bitPattern: value)
    return Int((signed >> 1) ^ -(signed & 1))
  }

  mutating func text() -> String {
    let length = number()
    defer { offset += length }
    return String(decoding: bytes[offset..<offset + length], as: UTF8.self)
  }

  /// Skips a text and gives its length in bytes.
  @discardableResult
  mutating func skipText() -> Int {
    let length = number()
    offset += length
    return length
  }

  mutating func texts() -> [String] { (0..<number()).map { _ in text() } }
}

extension CompactReader {
  /// Where the next text's bytes are; the reader moves past them.
  mutating func textRange() -> Range<Int> {
    let length = number()
    defer { offset += length }
    return offset..<offset + length
  }

  /// Skips a record's label, priority, origin and variables, up to its requires, and gives
  /// their size in the index.
  mutating func skipDetails(fileLengths: [Int]) -> Int {
    var size = 8 + skipText()
    _ = number()
    _ = number()
    let file = number()
    let line = number()
    size += 24 + fileLengths[file] + (line < 0 ? 0 : 1 + String(line).utf8.count)
    let variables = number()
    size += 8
    for _ in 0..<variables {
      size += 8 + skipText()
      size += skipTexts()
      size += skipTexts()
      _ = number()
      size += 8 + skipTexts()
    }
    return size
  }

  /// Skips a list of texts and gives its size in the index.
  mutating func skipTexts() -> Int {
    var size = 8
    for _ in 0..<number() { size += 8 + skipText() }
    return size
  }
}
