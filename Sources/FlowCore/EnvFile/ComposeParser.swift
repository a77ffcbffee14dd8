internal import CFlowSystem

/// The compose dialect: keys of letters and digits (any script's) and `_ . - [ ]`, an
/// optional `export `, `KEY=value` or `KEY: value`, unquoted values cut at a `#` that
/// follows a space, `'…'` literal (only `\'` is an escape), `"…"` with escapes (an
/// unknown one keeps its backslash), both able to span lines, a bare `KEY` inheriting
/// from the base environment.
struct ComposeParser: EnvFileDialectParser {
  private(set) var cursor: EnvFileCursor
  let file: String
  var output: EnvFileRecordWriter
  var errors: [EnvFileError] = []
  /// `asciiKeyBytes`, read once here: a static is checked for its first use at every
  /// read, once per statement in the loop.
  private let keyBytes = Self.asciiKeyBytes

  init(file: String, cursor: EnvFileCursor) {
    self.cursor = cursor
    self.file = file
    output = EnvFileRecordWriter(text: cursor.bytes)
  }

  /// An ASCII byte of a key: also the rule for the names `make` can take.
  static func isKeyByte(_ byte: UInt8) -> Bool {
    byte.isNameCharacter || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
  }

  /// The ASCII bytes a key may hold (`isKeyCharacter`'s ASCII part), as a set read in two
  /// instructions a byte.
  private static let asciiKeyBytes = ByteSet { $0 < 0x80 && isKeyCharacter(Unicode.Scalar($0)) }

  /// Whether a byte is an ASCII byte a key may hold.
  static func isASCIIKeyByte(_ byte: UInt8) -> Bool { asciiKeyBytes.contains(byte) }

  /// The end of the run of ASCII key bytes from `start`.
  private func endOfASCIIKey(from start: Int) -> Int {
    let bytes = cursor.bytes
    var index = start
    while index < bytes.count && keyBytes.contains(bytes[index]) { index += 1 }
    return index
  }

  /// Whether a character is one compose takes in a key: ASCII key bytes, `[` and `]`,
  /// and letters and numbers of any script (Unicode categories L and N).
  static func isKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII {
      let byte = UInt8(scalar.value)
      return isKeyByte(byte) || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
    }
    return isLetterOrNumber(scalar)
  }

  /// Out of line: Unicode's categories are a type whose size is known only at run time,
  /// and a function that holds one asks the runtime for it at every call, which cost the
  /// statement loop a tenth of its time while inlined there.
  @inline(never)
  private static func isLetterOrNumber(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .decimalNumber, .letterNumber, .otherNumber:
      return true
    default:
      return false
    }
  }

  /// Whether the compose dialect reads `key` as a key.
  static func isKey(_ key: String) -> Bool {
    !key.isEmpty && key.unicodeScalars.allSatisfy(isKeyCharacter)
  }

  /// `isKey` for UTF-8 bytes: ASCII by the set, other text by its characters.
  static func isKey(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
    let keyBytes = asciiKeyBytes
    for byte in key {
      if byte >= 0x80 { return isKey(String(decoding: key, as: UTF8.self)) }
      if !keyBytes.contains(byte) { return false }
    }
    return !key.isEmpty
  }

  /// The byte length of the key character at the cursor, or 0. The bytes are valid
  /// UTF-8, checked before parsing.
  private func keyCharacterLength() -> Int {
    guard let first = cursor.current else { return 0 }
    if first < 0x80 { return Self.isKeyCharacter(Unicode.Scalar(first)) ? 1 : 0 }
    let length = EnvFileText.sequenceLength(cursor.bytes, at: cursor.index)
    guard length > 0 else { return 0 }
    let scalar = String(cursor.bytes[cursor.index..<(cursor.index + length)]).unicodeScalars.first
    return scalar.map(Self.isKeyCharacter) == true ? length : 0
  }

  mutating func skipToStatement() {
    cursor.skipBlankLines()
  }

  mutating func readStatement() {
    if cursor.current == .hash {
      cursor.skipLine()
    } else {
      statement()
    }
  }

  private mutating func statement() {
    let start = cursor.position
    var isExported = false
    if cursor.current == UInt8(ascii: "e"), cursor.hasPrefix("export", at: cursor.index),
      let after = cursor.byte(at: cursor.index + 6), after.isSpaceOrTab
    {
      cursor.index += 6
      cursor.skipSpacesAndTabs()
      isExported = true
    }
    let keyStart = cursor.index
    // ASCII runs by the table; a byte past ASCII by its Unicode category.
    while true {
      cursor.index = endOfASCIIKey(from: cursor.index)
      guard let byte = cursor.current, byte >= 0x80 else { break }
      let length = keyCharacterLength()
      if length == 0 { break }
      cursor.index += length
    }
    let keyEnd = cursor.index
    if keyStart == keyEnd {
      let found = cursor.described(at: keyStart)
      fail(
        .invalidKey(
          file: file, at: cursor.position, detail: "unexpected \(found) where a key starts"))
      return
    }
    let key = output.span(keyStart..<keyEnd)
    cursor.skipSpacesAndTabs()
    let separator = cursor.current ?? .newline
    if separator == .equals || separator == .colon {
      cursor.index += 1
    } else if separator == .newline || separator == .carriageReturn
      || (separator == .hash && cursor.index > keyEnd)
    {
      output.add(
        EnvFileRecord(
          key: key, value: nil, expands: false, isExported: isExported, position: start))
      cursor.skipLine()
      return
    } else {
      let found = cursor.described(at: cursor.index)
      let keyText = String(cursor.bytes[keyStart..<keyEnd])
      fail(
        .invalidKey(
          file: file, at: cursor.position, detail: "unexpected \(found) in key '\(keyText)'"))
      return
    }
    cursor.skipSpacesAndTabs()
    let value: QuotedValue
    switch cursor.current {
    case .doubleQuote?, .singleQuote?:
      guard let quoted = quotedValue() else { return }
      value = quoted
    default:
      let (text, hasDollar) = unquotedValue()
      value = QuotedValue(value: text, expands: hasDollar, quoting: .none)
    }
    output.add(
      EnvFileRecord(
        key: key, value: value.value, template: value.template, expands: value.expands,
        quoting: value.quoting, isExported: isExported, position: start))
  }

  /// A value as read: its bytes, whether it is expanded, what expansion reads when that
  /// differs from the value, how it was quoted.
  struct QuotedValue {
    var value: EnvSpan
    var template: EnvSpan?
    var expands: Bool
    var quoting: EnvFileEntry.Quoting

    init(
      value: EnvSpan, template: EnvSpan? = nil, expands: Bool, quoting: EnvFileEntry.Quoting
    ) {
      self.value = value
      self.template = template
      self.expands = expands
      self.quoting = quoting
    }
  }

  private mutating func fail(_ error: EnvFileError) {
    errors.append(error)
    cursor.skipLine()
  }

  /// The value up to a comment or the end of the line, and whether it holds a `$`. As in
  /// compose, only a space then `#` inside the value starts a comment: `A=a\t#b` keeps
  /// its `#`, and so does `A= #b`, whose blanks before the value are not part of it.
  private mutating func unquotedValue() -> (EnvSpan, hasDollar: Bool) {
    let bytes = cursor.bytes
    let start = cursor.index
    // One pass over the line for its end, a comment and a `$`.
    var lineEnd = bytes.count
    var end = -1
    var hasDollar = false
    var offset = start
    while case let found = next(.newline, .hash, .dollar, .dollar, from: offset),
      found < bytes.count
    {
      if bytes[found] == .newline {
        lineEnd = found
        break
      }
      if bytes[found] == .dollar {
        hasDollar = true
      } else if found > start && bytes[found - 1] == .space {
        end = found
        lineEnd = cursor.find(.newline, from: found + 1, to: bytes.count) ?? bytes.count
        break
      }
      offset = found + 1
    }
    if end < 0 { end = lineEnd }
    while end > start && (bytes[end - 1].isSpaceOrTab || bytes[end - 1] == .carriageReturn) {
      end -= 1
    }
    cursor.index = lineEnd
    return (output.span(start..<end), hasDollar)
  }

  /// The offset of the first of four bytes (a byte may be named twice) at or after
  /// `start`, or the end (`flow_first_of_four`).
  private func next(
    _ first: UInt8, _ second: UInt8, _ third: UInt8, _ fourth: UInt8, from start: Int
  ) -> Int {
    let bytes = cursor.bytes
    guard let base = bytes.baseAddress, start < bytes.count else { return bytes.count }
    return flow_first_of_four(base, start, bytes.count, first, second, third, fourth)
  }

  /// Reads a quoted value; nil when it is unterminated or followed by text. A value
  /// without escapes is a span of the file; one with escapes is decoded into the
  /// records' own bytes.
  private mutating func quotedValue() -> QuotedValue? {
    let bytes = cursor.bytes
    let quote = bytes[cursor.index]
    let opening = cursor.position
    let isDouble = quote == .doubleQuote
    let decodedStart = output.decoded.count
    var decodes = false
    // Offsets in the decoded value of the `$`s an escape protects.
    var escapedDollars: [Int] = []
    cursor.index += 1
    let contentStart = cursor.index
    var runStart = cursor.index
    while true {
      // Plain text up to the next byte that matters is passed over a word at a time.
      cursor.index = next(quote, .backslash, .carriageReturn, .newline, from: cursor.index)
      guard let byte = cursor.current else {
        output.decoded.removeLast(output.decoded.count - decodedStart)
        errors.append(
          .unterminatedQuote(file: file, at: opening, quote: Character(Unicode.Scalar(quote))))
        return nil
      }
      if byte == quote { break }
      if byte == .backslash, let next = cursor.byte(at: cursor.index + 1) {
        decodes = true
        output.decoded.append(
          contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<cursor.index]))
        if next == quote {
          output.decoded.append(quote)
        } else if isDouble && next == .dollar {
          escapedDollars.append(output.decoded.count - decodedStart)
          output.decoded.append(.dollar)
        } else if isDouble, let replacement = next.cEscaped {
          output.decoded.append(replacement)
        } else if isDouble, next == UInt8(ascii: "0"), let octal = octalEscape(at: cursor.index) {
          output.decoded.append(contentsOf: String(octal).utf8)
          cursor.index += 3
        } else {
          // Not an escape of this quote: the backslash stays, and the character after
          // it is taken as it is (a quote after it does not close the value).
          output.decoded.append(.backslash)
          output.decoded.append(next)
        }
        cursor.index += 1
        cursor.advance()
        runStart = cursor.index
        continue
      }
      if byte == .carriageReturn && cursor.byte(at: cursor.index + 1) == .newline {
        decodes = true
        output.decoded.append(
          contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<cursor.index]))
        cursor.index += 1
        runStart = cursor.index
        continue
      }
      cursor.advance()
    }
    let contentEnd = cursor.index
    if decodes {
      output.decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<contentEnd]))
    }
    cursor.index += 1
    cursor.skipSpacesAndTabs()
    switch cursor.current {
    case .newline?:
      cursor.advance()
    case nil, .carriageReturn?, .hash?:
      cursor.skipLine()
    default:
      output.decoded.removeLast(output.decoded.count - decodedStart)
      fail(.textAfterQuote(file: file, at: cursor.position))
      return nil
    }
    let value =
      decodes
      ? EnvSpan(
        start: output.textCount + decodedStart, count: output.decoded.count - decodedStart)
      : output.span(contentStart..<contentEnd)
    guard isDouble else { return QuotedValue(value: value, expands: false, quoting: .single) }
    guard !escapedDollars.isEmpty else {
      let hasDollar =
        decodes
        ? output.decoded.withUnsafeBufferPointer {
          $0.firstIndex(of: .dollar, in: decodedStart..<$0.count) != nil
        }
        : cursor.find(.dollar, from: contentStart, to: contentEnd) != nil
      return QuotedValue(value: value, expands: hasDollar, quoting: .double)
    }
    // What expansion reads: each protected `$` doubled, after the value in the same bytes.
    let decodedValue = Array(output.decoded[decodedStart...])
    let templateStart = output.decoded.count
    var previous = 0
    for offset in escapedDollars {
      output.decoded.append(contentsOf: decodedValue[previous..<offset])
      output.decoded.append(.dollar)
      previous = offset
    }
    output.decoded.append(contentsOf: decodedValue[previous...])
    let template = EnvSpan(
      start: output.textCount + templateStart, count: output.decoded.count - templateStart)
    return QuotedValue(value: value, template: template, expands: true, quoting: .double)
  }

  /// The character of `\0ooo` at an offset: three octal digits after the zero, at most
  /// `377`. Shorter or larger forms are no escape and stay as written.
  private func octalEscape(at offset: Int) -> Unicode.Scalar? {
    var code: UInt32 = 0
    for position in (offset + 2)..<(offset + 5) {
      guard let digit = cursor.byte(at: position), digit >= UInt8(ascii: "0"),
        digit <= UInt8(ascii: "7")
      else { return nil }
      code = code * 8 + UInt32(digit - UInt8(ascii: "0"))
    }
    // compose reads up to three digits after the zero; a fourth digit is text, so
    // `\01234` is `S4`, while `\0400` is over a byte and stays as written.
    return code <= 0o377 ? Unicode.Scalar(code) : nil
  }
}
