/// python-dotenv's dialect, rule for rule: keys are any run of characters other than
/// `=`, `#` and blanks (or `'quoted'`); an optional `export `; unquoted values are cut
/// at the first blank-preceded `#` and right-trimmed; `'…'` knows `\\ \'`, `"…"` knows
/// `\\ \' \" \a \b \f \n \r \t \v`; both span lines, and a backslash always takes the
/// character after it, so an unterminated quote is refused (python-dotenv 1.2.4).
/// Where python-dotenv drops a statement with a warning, this reports an error.
struct PythonParser: EnvFileDialectParser {
  private(set) var cursor: EnvFileCursor
  let file: String
  var output: EnvFileRecordWriter
  var errors: [EnvFileError] = []
  /// `plainKeyBytes`, read once here rather than checked for its first use per statement.
  private let plainKeyBytes = Self.plainKeyBytes

  /// Parses bytes already passed through `universalNewlines`.
  init(file: String, cursor: EnvFileCursor) {
    self.cursor = cursor
    self.file = file
    output = EnvFileRecordWriter(text: cursor.bytes)
  }

  /// Python reads text files with universal newlines: `\r\n` and `\r` become `\n`. Nil
  /// when the bytes hold no carriage return, as most files do.
  static func universalNewlines(_ bytes: [UInt8]) -> [UInt8]? {
    // The C library's search says so at once, where a loop over the bytes took a tenth
    // of the parse.
    let hasReturn = bytes.withUnsafeBufferPointer {
      $0.firstIndex(of: .carriageReturn, in: 0..<$0.count) != nil
    }
    guard hasReturn else { return nil }
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == .carriageReturn {
        output.append(.newline)
        if index + 1 < bytes.count && bytes[index + 1] == .newline { index += 1 }
      } else {
        output.append(byte)
      }
      index += 1
    }
    return output
  }

  mutating func skipToStatement() {
    skipWhitespace(newlines: true)
  }

  mutating func readStatement() {
    let start = cursor.position
    let decodedCount = output.decoded.count
    if !statement(start: start) {
      // What a refused statement decoded is no one's.
      output.decoded.removeLast(output.decoded.count - decodedCount)
      errors.append(.unparsableStatement(file: file, at: start))
      cursor.skipLine()
    }
  }

  /// The ASCII bytes an unquoted key goes on over: all but `=`, `#` and blanks.
  private static let plainKeyBytes = ByteSet { byte in
    byte < 0x80 && byte != .equals && byte != .hash && !PythonWhitespace.isASCII(byte)
  }

  private mutating func statement(start: SourcePosition) -> Bool {
    let bytes = cursor.bytes
    var isExported = false
    if cursor.current == UInt8(ascii: "e"), cursor.hasPrefix("export", at: cursor.index) {
      let blanks = inlineWhitespaceRun(from: cursor.index + 6)
      if blanks > 0 {
        cursor.index += 6 + blanks
        isExported = true
      }
    }
    guard let first = cursor.current else { return false }
    var key: EnvSpan?
    if first == .hash {
      key = nil
    } else if first == .singleQuote {
      var close = cursor.index + 1
      while close < bytes.count && bytes[close] != .singleQuote { close += 1 }
      guard close < bytes.count && close > cursor.index + 1 else { return false }
      key = output.span((cursor.index + 1)..<close)
      cursor.advance(to: close + 1)
    } else {
      // A key runs to `=`, `#` or a blank: ASCII bytes by the set, others by the blanks
      // of any script.
      let keyStart = cursor.index
      let plain = plainKeyBytes
      while cursor.index < bytes.count {
        let byte = bytes[cursor.index]
        if !plain.contains(byte) {
          if byte < 0x80 || PythonWhitespace.length(bytes, at: cursor.index) > 0 { break }
        }
        cursor.index += 1
      }
      guard cursor.index > keyStart else { return false }
      key = output.span(keyStart..<cursor.index)
    }
    cursor.index += inlineWhitespaceRun(from: cursor.index)
    var value: EnvSpan?
    var hasDollar = false
    var quoting = EnvFileEntry.Quoting.none
    if cursor.current == .equals {
      cursor.index += 1
      let blanks = inlineWhitespaceRun(from: cursor.index)
      cursor.index += blanks
      // `KEY= # comment` is empty; only `KEY=#text`, with no blank, keeps the `#`.
      if blanks > 0 && cursor.current == .hash {
        value = .empty
      } else {
        guard let parsed = self.value() else { return false }
        (value, hasDollar, quoting) = parsed
      }
    }
    let beforeComment = cursor.index
    cursor.index += inlineWhitespaceRun(from: cursor.index)
    if cursor.current == .hash {
      cursor.index = cursor.endOfLine()
    } else {
      cursor.index = beforeComment
    }
    cursor.index += inlineWhitespaceRun(from: cursor.index)
    if let byte = cursor.current {
      guard byte == .newline else { return false }
      cursor.advance()
    }
    // Every value is expanded; one without `$` would come back unchanged.
    if let key {
      output.add(
        EnvFileRecord(
          key: key, value: value, expands: hasDollar, quoting: quoting, isExported: isExported,
          position: start))
    }
    return true
  }

  /// The value, whether it holds a `$`, and how it was quoted.
  private mutating func value() -> (EnvSpan, hasDollar: Bool, EnvFileEntry.Quoting)? {
    let bytes = cursor.bytes
    switch cursor.current {
    case nil, .newline?:
      return (.empty, false, .none)
    case .singleQuote?:
      guard let content = quoted(.singleQuote) else { return nil }
      let (value, hasDollar) = decode(content, inDoubleQuotes: false)
      return (value, hasDollar, .single)
    case .doubleQuote?:
      guard let content = quoted(.doubleQuote) else { return nil }
      let (value, hasDollar) = decode(content, inDoubleQuotes: true)
      return (value, hasDollar, .double)
    default:
      let start = cursor.index
      let lineEnd = cursor.endOfLine()
      // A comment starts at a `#` after a blank; the `#`s are found by the C library.
      var end = lineEnd
      var offset = start + 1
      while let hash = bytes.firstIndex(of: .hash, in: offset..<lineEnd) {
        if PythonWhitespace.lengthEnding(bytes, at: hash) > 0 {
          end = hash
          break
        }
        offset = hash + 1
      }
      while end > start {
        let blank = PythonWhitespace.lengthEnding(bytes, at: end)
        if blank == 0 { break }
        end -= blank
      }
      cursor.index = lineEnd
      let hasDollar = cursor.find(.dollar, from: start, to: end) != nil
      return (output.span(start..<end), hasDollar, .none)
    }
  }

  /// The bytes between a quote and its close, following the regular expression
  /// `Q((?:\\.|[^Q\\])*)Q`: a backslash always takes the character after it, so `'b\\'`
  /// ends at its last quote; nil when no quote closes the value.
  private mutating func quoted(_ quote: UInt8) -> Slice<UnsafeBufferPointer<UInt8>>? {
    let bytes = cursor.bytes
    var offset = cursor.index + 1
    while offset < bytes.count && bytes[offset] != quote {
      offset += bytes[offset] == .backslash ? 2 : 1
    }
    guard offset < bytes.count else { return nil }
    let content = bytes[(cursor.index + 1)..<offset]
    cursor.advance(to: offset + 1)
    return content
  }

  /// The byte an escape `\x` stands for in a quoted value, or nil where `\x` stays as
  /// written: single quotes take `\\` and `\'`, double quotes also `\"` and C's escapes.
  static func escaped(_ byte: UInt8, inDoubleQuotes: Bool) -> UInt8? {
    switch byte {
    case .backslash, .singleQuote: return byte
    case .doubleQuote: return inDoubleQuotes ? byte : nil
    default: return inDoubleQuotes ? byte.cEscaped : nil
    }
  }

  /// Replaces the escapes of a quoted value from left to right, as `re.sub` does; a
  /// value without escapes stays a span of the file. Also whether it holds a `$`. The
  /// bytes between backslashes are found and copied whole.
  private mutating func decode(
    _ content: Slice<UnsafeBufferPointer<UInt8>>, inDoubleQuotes: Bool
  ) -> (EnvSpan, hasDollar: Bool) {
    let bytes = content.base
    let range = content.startIndex..<content.endIndex
    let hasDollar = bytes.firstIndex(of: .dollar, in: range) != nil
    guard var backslash = bytes.firstIndex(of: .backslash, in: range) else {
      return (output.span(range), hasDollar)
    }
    let start = output.decoded.count
    var runStart = range.lowerBound
    while true {
      output.decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<backslash]))
      if backslash + 1 < range.upperBound,
        let replacement = Self.escaped(bytes[backslash + 1], inDoubleQuotes: inDoubleQuotes)
      {
        output.decoded.append(replacement)
        runStart = backslash + 2
      } else {
        output.decoded.append(.backslash)
        runStart = backslash + 1
      }
      guard let next = bytes.firstIndex(of: .backslash, in: runStart..<range.upperBound) else {
        break
      }
      backslash = next
    }
    output.decoded.append(
      contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<range.upperBound]))
    let span = EnvSpan(start: output.textCount + start, count: output.decoded.count - start)
    return (span, hasDollar)
  }

  private mutating func skipWhitespace(newlines: Bool) {
    while !cursor.isAtEnd {
      if cursor.bytes[cursor.index] == .newline {
        guard newlines else { return }
        cursor.advance()
        continue
      }
      let length = PythonWhitespace.length(cursor.bytes, at: cursor.index)
      if length == 0 { return }
      cursor.index += length
    }
  }

  /// The length in bytes of the run of blanks other than newlines at an offset. Most
  /// calls meet no blank: the first byte, when ASCII, tells without the call.
  @inline(__always)
  private func inlineWhitespaceRun(from start: Int) -> Int {
    if start < cursor.bytes.count, case let byte = cursor.bytes[start], byte < 0x80,
      byte == .newline || !PythonWhitespace.isASCII(byte)
    {
      return 0
    }
    return whitespaceRun(from: start)
  }

  @inline(never)
  private func whitespaceRun(from start: Int) -> Int {
    var offset = start
    while offset < cursor.bytes.count && cursor.bytes[offset] != .newline {
      let length = PythonWhitespace.length(cursor.bytes, at: offset)
      if length == 0 { break }
      offset += length
    }
    return offset - start
  }
}
