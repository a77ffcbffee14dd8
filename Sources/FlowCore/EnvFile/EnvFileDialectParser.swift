/// A dialect's parser, as `EnvFileText` drives it: statement after statement, each read
/// where the one before ended. Where a statement starts depends on nothing read before it
/// but the cursor, so a parser can start at any line start and read on from there.
protocol EnvFileDialectParser {
  init(file: String, cursor: EnvFileCursor, textCount: Int)
  var file: String { get }
  var cursor: EnvFileCursor { get }
  var output: EnvFileRecordWriter { get set }
  var errors: [EnvFileError] { get set }
  /// Moves over what comes before a statement (blank lines, where the dialect skips them).
  mutating func skipToStatement()
  /// Reads the statement or comment at the cursor, which is not at the end.
  mutating func readStatement()
}

extension EnvFileDialectParser {
  /// Reads statements until the next would start at or after `limit`, or the text ends;
  /// gives where that next statement starts.
  mutating func read(until limit: Int) -> Int {
    while true {
      skipToStatement()
      if cursor.index >= limit || cursor.isAtEnd { return cursor.index }
      readStatement()
    }
  }

  /// What was read, the records pointing into `text` (the bytes parsed).
  func result(text: [UInt8]) -> EnvFileParseResult {
    EnvFileParseResult(
      storage: EnvFileStorage(file: file, text: text, decoded: output.decoded),
      records: output.records, errors: errors)
  }
}

extension EnvFileText {
  /// The size from which a file's two halves are read at once, each on its own thread;
  /// below it, starting a thread costs more than it saves.
  static let sizeReadInHalves = 1 << 19

  /// Parses `text` (these bytes, or python's with its newlines converted) with `Parser`.
  /// Encoding errors stop parsing: nothing after them can be trusted. `checked`: the
  /// encoding was checked already.
  ///
  /// A text of `halvesFrom` bytes or more is read in two halves at once. The second starts
  /// at the first line start past the middle, on a thread of its own, which also checks
  /// its half's encoding; it counts its lines from 1. Its records are the text's, their
  /// lines moved down by the first half's, if the first half's last statement ends where
  /// the second half's first begins. Where a statement spans that line start (a quoted
  /// value of several lines), or where the second half found errors (whose positions are
  /// the first half's to tell), its reading is dropped and the first half's parser reads
  /// on to the end.
  func parse<Parser: EnvFileDialectParser>(
    _ text: [UInt8], with _: Parser.Type, halvesFrom: Int, checked: Bool = false
  ) -> EnvFileParseResult {
    text.withUnsafeBufferPointer { buffer in
      let count = buffer.count
      var first = Parser(file: file, cursor: EnvFileCursor(bytes: buffer), textCount: count)
      first.output.records.reserveCapacity(EnvFileCursor.expectedRecordCount(count))
      guard count >= halvesFrom,
        let middle = buffer.firstIndex(of: .newline, in: (count / 2)..<count),
        middle + 1 < count
      else {
        if !checked, let error = encodingError(in: 0..<count) {
          return EnvFileParseResult(errors: [error])
        }
        _ = first.read(until: count)
        return first.result(text: text)
      }
      let second = SecondHalf<Parser>(text: self, buffer: buffer, start: middle + 1)
      var firstError: EnvFileError?
      var end = 0
      runAtOnce {
        firstError = checked ? nil : encodingError(in: 0..<second.start)
        if firstError == nil { end = first.read(until: second.start) }
      } there: {
        second.read(checked: checked)
      }
      if let error = firstError ?? second.encodingError {
        return EnvFileParseResult(errors: [error])
      }
      if let parser = second.parser, parser.errors.isEmpty, end == second.firstStatement.index {
        let lines = first.cursor.line - second.firstStatement.line
        first.output.append(parser.output, lines: UInt32(truncatingIfNeeded: lines))
      } else {
        _ = first.read(until: count)
      }
      return first.result(text: text)
    }
  }
}

/// The second half of a text, read on a thread of its own; its results are read once
/// that thread has been joined.
private final class SecondHalf<Parser: EnvFileDialectParser>: @unchecked Sendable {
  let text: EnvFileText
  let buffer: UnsafeBufferPointer<UInt8>
  /// The line start the half begins at.
  let start: Int
  private(set) var encodingError: EnvFileError?
  private(set) var parser: Parser?
  /// Where the half's first statement starts, past the blank lines at its start, and its
  /// line counted from the half's start.
  private(set) var firstStatement = (index: -1, line: 0)

  init(text: EnvFileText, buffer: UnsafeBufferPointer<UInt8>, start: Int) {
    self.text = text
    self.buffer = buffer
    self.start = start
  }

  func read(checked: Bool) {
    if !checked, let error = text.encodingError(in: start..<buffer.count) {
      encodingError = error
      return
    }
    var parser = Parser(
      file: text.file, cursor: EnvFileCursor(bytes: buffer, at: start, line: 1),
      textCount: buffer.count)
    parser.output.records.reserveCapacity(EnvFileCursor.expectedRecordCount(buffer.count - start))
    parser.skipToStatement()
    firstStatement = (parser.cursor.index, parser.cursor.line)
    _ = parser.read(until: buffer.count)
    self.parser = parser
  }
}
