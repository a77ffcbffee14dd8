/// Cuts bytes that arrive in pieces (reads from a pipe) into lines at `\n`, keeping the
/// start of a line whose newline has not arrived yet. What is kept is bounded: a line
/// longer than `maxLength` is handed on as its first `maxLength` bytes, marked cut, and
/// the rest of it is dropped up to its newline.
struct LineSplitter {
  /// A line, without its newline; `isCut` when it was longer and this is its start.
  struct Line: Equatable {
    var bytes: [UInt8]
    var isCut = false
  }

  let maxLength: Int
  private var partial: [UInt8] = []
  /// Inside a line already cut: bytes up to the next newline are dropped.
  private var dropping = false

  init(maxLength: Int = .max) {
    self.maxLength = maxLength
  }

  /// Adds `bytes` and returns the lines they complete, without their newlines.
  mutating func lines(adding bytes: some Sequence<UInt8>) -> [[UInt8]] {
    splitLines(adding: bytes).map(\.bytes)
  }

  /// Adds `bytes` and returns the lines they complete or cut.
  mutating func splitLines(adding bytes: some Sequence<UInt8>) -> [Line] {
    // What is kept holds no newline, so only the new bytes are searched.
    var searchFrom = partial.count
    partial.append(contentsOf: bytes)
    var lines: [Line] = []
    var start = 0
    while let newline = partial[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
      if dropping {
        dropping = false
      } else if newline - start > maxLength {
        lines.append(Line(bytes: Array(partial[start..<(start + maxLength)]), isCut: true))
      } else {
        lines.append(Line(bytes: Array(partial[start..<newline])))
      }
      start = newline + 1
      searchFrom = start
    }
    if dropping {
      start = partial.count
    } else if partial.count - start > maxLength {
      lines.append(Line(bytes: Array(partial[start..<(start + maxLength)]), isCut: true))
      dropping = true
      start = partial.count
    }
    partial.removeSubrange(..<start)
    return lines
  }

  /// The last line, which no newline ended, if there is one; nothing is kept after it.
  mutating func rest() -> [UInt8]? {
    defer {
      partial = []
      dropping = false
    }
    return partial.isEmpty ? nil : partial
  }
}
