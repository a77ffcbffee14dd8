/// The `docker run --env-file` dialect: one `KEY=value` per line taken verbatim (no
/// quotes, escapes or expansion; trailing blanks kept), leading blanks dropped, lines
/// starting with `#` ignored, a bare `KEY` inheriting from the base environment, keys
/// with blanks refused.
struct DockerParser {
  private var cursor: EnvFileCursor
  private let file: String

  init(bytes: UnsafeBufferPointer<UInt8>, file: String) {
    cursor = EnvFileCursor(bytes: bytes)
    self.file = file
  }

  mutating func parse() -> EnvFileParseResult {
    var result = EnvFileParseResult()
    result.entries.reserveCapacity(cursor.newlineCount + 1)
    let bytes = cursor.bytes
    while !cursor.isAtEnd {
      var lineEnd = cursor.endOfLine()
      let nextLine = lineEnd
      if lineEnd > cursor.index && bytes[lineEnd - 1] == .carriageReturn { lineEnd -= 1 }
      while cursor.index < lineEnd
        && (bytes[cursor.index].isSpaceOrTab || bytes[cursor.index] == 0x0B
          || bytes[cursor.index] == 0x0C || bytes[cursor.index] == .carriageReturn)
      {
        cursor.index += 1
      }
      if cursor.index < lineEnd && bytes[cursor.index] != .hash {
        let start = cursor.position
        var separator = cursor.index
        while separator < lineEnd && bytes[separator] != .equals { separator += 1 }
        let keyBytes = bytes[cursor.index..<separator]
        if keyBytes.isEmpty {
          result.errors.append(.invalidKey(file: file, at: start, detail: "no key before '='"))
        } else if let blank = keyBytes.firstIndex(where: { $0.isSpaceOrTab }) {
          var at = start
          at.column += blank - cursor.index
          result.errors.append(
            .invalidKey(file: file, at: at, detail: "'\(String(keyBytes))' contains a blank"))
        } else {
          let key = String(keyBytes)
          let value = separator < lineEnd ? String(bytes[(separator + 1)..<lineEnd]) : nil
          result.entries.append(
            EnvFileEntry(key: key, value: value, template: nil, file: file, position: start))
        }
      }
      cursor.index = nextLine
      if !cursor.isAtEnd { cursor.advance() }
    }
    return result
  }
}
