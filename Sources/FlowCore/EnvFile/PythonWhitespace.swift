/// The characters Python's `str.isspace()` and `re`'s `\s` accept, found in UTF-8 bytes.
enum PythonWhitespace {
  /// The byte length of the whitespace character starting at `offset`, or 0.
  static func length(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int {
    guard offset < bytes.count else { return 0 }
    let first = bytes[offset]
    if first < 0x80 { return isASCII(first) ? 1 : 0 }
    if first == 0xC2 && offset + 1 < bytes.count {
      let second = bytes[offset + 1]
      return second == 0x85 || second == 0xA0 ? 2 : 0
    }
    if (first == 0xE1 || first == 0xE2 || first == 0xE3) && offset + 2 < bytes.count {
      return isThreeByte(first, bytes[offset + 1], bytes[offset + 2]) ? 3 : 0
    }
    return 0
  }

  /// The byte length of the whitespace character that ends just before `end`, or 0.
  static func lengthEnding(_ bytes: UnsafeBufferPointer<UInt8>, at end: Int) -> Int {
    guard end > 0 else { return 0 }
    let last = bytes[end - 1]
    if last < 0x80 { return isASCII(last) ? 1 : 0 }
    if end >= 2 && bytes[end - 2] == 0xC2 && (last == 0x85 || last == 0xA0) { return 2 }
    if end >= 3 && isThreeByte(bytes[end - 3], bytes[end - 2], last) { return 3 }
    return 0
  }

  /// `\t \n \v \f \r`, the separators `\x1c`–`\x1f`, and space.
  static func isASCII(_ byte: UInt8) -> Bool {
    (byte >= 0x09 && byte <= 0x0D) || (byte >= 0x1C && byte <= 0x20)
  }

  /// U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
  static func isThreeByte(_ first: UInt8, _ second: UInt8, _ third: UInt8) -> Bool {
    switch (first, second) {
    case (0xE1, 0x9A): return third == 0x80
    case (0xE2, 0x80): return third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF
    case (0xE2, 0x81): return third == 0x9F
    case (0xE3, 0x80): return third == 0x80
    default: return false
    }
  }
}
