/// A dialect's parser, as `EnvFileText` drives it: statement after statement, each read
/// where the one before ended. Where a statement starts depends on nothing read before it
/// but the cursor, so a parser can start at any line start and read on from there.
protocol EnvFileDialectParser {
  init(file: String, cursor: EnvFileCursor)
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

  /// The records read since the last run was taken, as a run pointing into `text` (the
  /// bytes parsed); the parser goes on with an empty output.
  mutating func takeSegment(text: [UInt8]) -> EnvFileSegment {
    let segment = EnvFileSegment(
      storage: EnvFileStorage(file: file, text: text, decoded: output.decoded),
      records: output.records, end: cursor.index)
    output = EnvFileRecordWriter(text: output.text)
    return segment
  }
}

/// How a text is read in two parts at once: from what size, where the second starts, and
/// how much of it is handed over at a time.
struct EnvFileParts {
  /// The size from which a text is read in two parts, each on its own thread; below it,
  /// starting a thread costs more than it saves.
  var from = 1 << 19
  /// The first part's share of the text, in 64ths: a half when the records are only
  /// kept. When they are merged as they come, merging them all takes the first thread
  /// longer than the second takes to read the rest, so the first part is only long
  /// enough for the second thread to have its first records ready when the first
  /// thread's own are merged.
  var firstShare = 32
  /// About how many bytes of the second part are read before their records are handed
  /// over.
  var handOver = 1 << 16

  static let halves = EnvFileParts()
  static let merged = EnvFileParts(firstShare: 4)
}

extension EnvFileText {
  /// Parses `text` (these bytes, or python's with its newlines converted) with `Parser`,
  /// handing each run of records to `take` once it is final (see `EnvFileParseResult`).
  /// Encoding errors stop parsing: nothing after them can be trusted, so no run is
  /// handed over. `checked`: the encoding was checked already.
  ///
  /// A text of `parts.from` bytes or more is read in two parts at once. The second starts
  /// at the first line start past the first part's share, on a thread of its own, which
  /// also checks its part's encoding and counts the lines before it; it hands its records
  /// over in runs as it reads. If the first part's last statement ends where the second
  /// part's first begins, the first part's records are handed over, then the second's as
  /// they come; where a statement spans that line start (a quoted value of several lines),
  /// the second part's reading is stopped and dropped, and the first part's parser reads
  /// on to the end.
  func parse<Parser: EnvFileDialectParser>(
    _ text: [UInt8], with _: Parser.Type, parts: EnvFileParts, checked: Bool = false,
    take: (EnvFileSegment) -> Void
  ) -> EnvFileParseResult {
    text.withUnsafeBufferPointer { buffer in
      let count = buffer.count
      var first = Parser(file: file, cursor: EnvFileCursor(bytes: buffer))
      func readToTheEnd() -> EnvFileParseResult {
        _ = first.read(until: count)
        let segment = first.takeSegment(text: text)
        take(segment)
        return EnvFileParseResult(segments: [segment], errors: first.errors)
      }
      guard count >= parts.from,
        let split = buffer.firstIndex(of: .newline, in: (count / 64 * parts.firstShare)..<count),
        split + 1 < count
      else {
        if !checked, let error = encodingError(in: 0..<count) {
          return EnvFileParseResult(errors: [error])
        }
        first.output.reserveCapacity(EnvFileCursor.expectedRecordCount(count))
        return readToTheEnd()
      }
      let second = SecondPart<Parser>(
        text: self, bytes: text, buffer: buffer, start: split + 1, handOver: parts.handOver,
        checked: checked)
      let thread = try? QuietThread(elsewhere: true) { second.read() }
      if thread == nil { second.read() }
      defer { thread?.join() }
      if !checked, let error = encodingError(in: 0..<second.start) {
        second.stop()
        return EnvFileParseResult(errors: [error])
      }
      first.output.reserveCapacity(EnvFileCursor.expectedRecordCount(second.start))
      let end = first.read(until: second.start)
      let (encodingError, firstStatement) = second.started()
      if let encodingError {
        return EnvFileParseResult(errors: [encodingError])
      }
      guard end == firstStatement else {
        second.stop()
        first.output.reserveCapacity(EnvFileCursor.expectedRecordCount(count))
        return readToTheEnd()
      }
      var segments = [first.takeSegment(text: text)]
      take(segments[0])
      while let runs = second.next(after: segments.count - 1) {
        for segment in runs { take(segment) }
        segments += runs
      }
      return EnvFileParseResult(segments: segments, errors: first.errors + second.errors)
    }
  }
}

/// The second part of a text, read on a thread of its own and handed over in runs of
/// records as it is read.
private final class SecondPart<Parser: EnvFileDialectParser>: @unchecked Sendable {
  let text: EnvFileText
  let bytes: [UInt8]
  let buffer: UnsafeBufferPointer<UInt8>
  /// The line start the part begins at.
  let start: Int
  let handOver: Int
  let checked: Bool
  private let lock = ThreadLock()
  // Guarded by `lock`:
  private var hasStarted = false
  private var encodingError: EnvFileError?
  /// Where the part's first statement starts, past the blank lines at its start.
  private var firstStatement = -1
  private var segments: [EnvFileSegment] = []
  private var isDone = false
  private var isStopped = false
  /// The parse errors of the whole part, once it is done.
  private(set) var errors: [EnvFileError] = []

  init(
    text: EnvFileText, bytes: [UInt8], buffer: UnsafeBufferPointer<UInt8>, start: Int,
    handOver: Int, checked: Bool
  ) {
    self.text = text
    self.bytes = bytes
    self.buffer = buffer
    self.start = start
    self.handOver = handOver
    self.checked = checked
  }

  func read() {
    if !checked, let error = text.encodingError(in: start..<buffer.count) {
      lock.withLock {
        encodingError = error
        hasStarted = true
        isDone = true
        lock.broadcast()
      }
      return
    }
    let line = 1 + buffer.count(of: .newline, in: 0..<start)
    var parser = Parser(
      file: text.file, cursor: EnvFileCursor(bytes: buffer, at: start, line: line))
    parser.skipToStatement()
    lock.withLock {
      firstStatement = parser.cursor.index
      hasStarted = true
      lock.broadcast()
    }
    var next = parser.cursor.index
    // Room for the first run's records as for any text, for each later run's as for the
    // run before with an eighth more: runs of similar lines hold similar counts, and room
    // left unused between runs would still be part of the heap every run after spans.
    var room = EnvFileCursor.expectedRecordCount(handOver)
    while next < buffer.count {
      parser.output.reserveCapacity(room)
      next = parser.read(until: next + handOver)
      let segment = parser.takeSegment(text: bytes)
      room = min(segment.records.count + segment.records.count / 8 + 16, room)
      let stopped = lock.withLock {
        segments.append(segment)
        lock.broadcast()
        return isStopped
      }
      if stopped { return }
    }
    lock.withLock {
      errors = parser.errors
      isDone = true
      lock.broadcast()
    }
  }

  /// Waits until the part's encoding is checked and its first statement found.
  func started() -> (encodingError: EnvFileError?, firstStatement: Int) {
    lock.withLock {
      while !hasStarted { lock.wait() }
      return (encodingError, firstStatement)
    }
  }

  /// The runs read after the first `taken`, waiting for at least one; nil once the part
  /// is read and every run taken.
  func next(after taken: Int) -> [EnvFileSegment]? {
    lock.withLock {
      while segments.count == taken && !isDone { lock.wait() }
      return segments.count == taken ? nil : Array(segments[taken...])
    }
  }

  /// Asks the reading to stop at its next hand-over: its records will not be used.
  func stop() {
    lock.withLock { isStopped = true }
  }
}
