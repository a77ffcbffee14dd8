/// The `docker run --env-file` dialect: one `KEY=value` per line taken verbatim (no
/// quotes, escapes or expansion; trailing blanks kept), leading blanks dropped, lines
/// starting with `#` ignored, a bare `KEY` inheriting from the base environment, keys
/// with blanks refused.
struct DockerParser: EnvFileDialectParser {
  private(set) var cursor: EnvFileCursor
  let file: String
  var output: EnvFileRecordWriter
  var errors: [EnvFileError] = []

  init(file: String, cursor: EnvFileCursor) {
    self.cursor = cursor
    self.file = file
    output = EnvFileRecordWriter(text: cursor.bytes)
  }

  /// Every line is a statement: its blanks are read with it.
  mutating func skipToStatement() {}

  /// Reads the line at the cursor and moves to the next.
  mutating func readStatement() {
    let bytes = cursor.bytes
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
        errors.append(.invalidKey(file: file, at: start, detail: "no key before '='"))
      } else if let blank = keyBytes.firstIndex(where: { $0.isSpaceOrTab }) {
        var at = start
        at.column += blank - cursor.index
        errors.append(
          .invalidKey(file: file, at: at, detail: "'\(String(keyBytes))' contains a blank"))
      } else {
        let key = output.span(cursor.index..<separator)
        let value = separator < lineEnd ? output.span((separator + 1)..<lineEnd) : nil
        output.add(
          EnvFileRecord(key: key, value: value, expands: false, position: start))
      }
    }
    cursor.index = nextLine
    if !cursor.isAtEnd { cursor.advance() }
  }
}
