/// Cuts bytes that arrive in pieces (reads from a pipe) into lines at `\n`, keeping the
/// start of a line whose newline has not arrived yet.
struct LineSplitter {
  private var partial: [UInt8] = []

  /// Adds `bytes` and returns the lines they complete, without their newlines.
  mutating func lines(adding bytes: some Sequence<UInt8>) -> [[UInt8]] {
    // What is kept holds no newline, so only the new bytes are searched.
    var searchFrom = partial.count
    partial.append(contentsOf: bytes)
    var lines: [[UInt8]] = []
    var start = 0
    while let newline = partial[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
      lines.append(Array(partial[start..<newline]))
      start = newline + 1
      searchFrom = start
    }
    partial.removeSubrange(..<start)
    return lines
  }

  /// The last line, which no newline ended, if there is one; nothing is kept after it.
  mutating func rest() -> [UInt8]? {
    defer { partial = [] }
    return partial.isEmpty ? nil : partial
  }
}
