/// Finds where a stage of a pipe document starts in its text, so that a problem the
/// reader finds in a stage is told as `FILE:LINE:COLUMN` as well as by its path. The text
/// is already known to be JSON (jansson read it), so the walk only skips values; it runs
/// only when a document is refused.
struct DocumentLocator {
  let bytes: [UInt8]

  /// Where element `index` of the top-level `stages` array starts, if it can be found.
  func stage(_ index: Int) -> SourcePosition? {
    var offset = 0
    guard next(&offset) == UInt8(ascii: "{") else { return nil }
    offset += 1
    while next(&offset) == UInt8(ascii: "\"") {
      let keyStart = offset
      skipValue(&offset)
      let key = bytes[keyStart..<offset]
      guard next(&offset) == UInt8(ascii: ":") else { return nil }
      offset += 1
      if key.elementsEqual("\"stages\"".utf8) {
        return element(index, of: &offset)
      }
      skipValue(&offset)
      if next(&offset) == UInt8(ascii: ",") { offset += 1 }
    }
    return nil
  }

  /// The position of element `index` of the array starting at `offset`.
  private func element(_ index: Int, of offset: inout Int) -> SourcePosition? {
    guard next(&offset) == UInt8(ascii: "[") else { return nil }
    offset += 1
    for _ in 0..<index {
      guard next(&offset) != nil, bytes[offset] != UInt8(ascii: "]") else { return nil }
      skipValue(&offset)
      guard next(&offset) == UInt8(ascii: ",") else { return nil }
      offset += 1
    }
    guard let first = next(&offset), first != UInt8(ascii: "]") else { return nil }
    return position(of: offset)
  }

  /// The byte at the first non-space offset, moving there.
  private func next(_ offset: inout Int) -> UInt8? {
    while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { offset += 1 }
    return offset < bytes.count ? bytes[offset] : nil
  }

  /// Moves past one value: a string, an array or object (brackets counted outside
  /// strings), or a bare word or number.
  private func skipValue(_ offset: inout Int) {
    guard let first = next(&offset) else { return }
    if first == UInt8(ascii: "\"") {
      offset += 1
      while offset < bytes.count, bytes[offset] != UInt8(ascii: "\"") {
        offset += bytes[offset] == UInt8(ascii: "\\") ? 2 : 1
      }
      offset += 1
      return
    }
    if first == UInt8(ascii: "[") || first == UInt8(ascii: "{") {
      var depth = 0
      repeat {
        switch bytes[offset] {
        case UInt8(ascii: "\""):
          skipValue(&offset)
          continue
        case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
        case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
        default: break
        }
        offset += 1
      } while depth > 0 && offset < bytes.count
      return
    }
    while offset < bytes.count, !Self.endsWord.contains(bytes[offset]) { offset += 1 }
  }

  private static let endsWord: Set<UInt8> = Set(",]} \t\r\n".utf8)

  /// Line and column (in characters, counted as UTF-8 lead bytes) of a byte offset.
  private func position(of offset: Int) -> SourcePosition {
    var line = 1
    var lineStart = 0
    for (index, byte) in bytes[..<offset].enumerated() where byte == 0x0A {
      line += 1
      lineStart = index + 1
    }
    let column = bytes[lineStart..<offset].count { $0 & 0xC0 != 0x80 } + 1
    return SourcePosition(line: line, column: column)
  }
}
