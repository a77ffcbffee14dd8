/// The compose dialect: keys of letters and digits (any script's) and `_ . - [ ]`, an
/// optional `export `, `KEY=value` or `KEY: value`, unquoted values cut at a `#` that
/// follows a space, `'…'` literal (only `\'` is an escape), `"…"` with escapes (an
/// unknown one keeps its backslash), both able to span lines, a bare `KEY` inheriting
/// from the base environment.
struct ComposeParser {
  private var cursor: EnvFileCursor
  private let file: String
  private var result = EnvFileParseResult()
  /// The bytes of the quoted value being read, one buffer kept for every quoted value of
  /// the file rather than one allocated and freed for each.
  private var quotedBytes: [UInt8] = []

  init(bytes: UnsafeBufferPointer<UInt8>, file: String) {
    cursor = EnvFileCursor(bytes: bytes)
    self.file = file
  }

  /// An ASCII byte of a key: also the rule for the names `make` can take.
  static func isKeyByte(_ byte: UInt8) -> Bool {
    byte.isNameCharacter || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
  }

  /// Whether a character is one compose takes in a key: ASCII key bytes, `[` and `]`,
  /// and letters and numbers of any script (Unicode categories L and N).
  static func isKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII {
      let byte = UInt8(scalar.value)
      return isKeyByte(byte) || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
    }
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

  mutating func parse() -> EnvFileParseResult {
    result.entries.reserveCapacity(cursor.newlineCount + 1)
    while true {
      cursor.skipBlankLines()
      guard let byte = cursor.current else { break }
      if byte == .hash {
        cursor.skipLine()
        continue
      }
      statement()
    }
    return result
  }

  private mutating func statement() {
    let start = cursor.position
    var isExported = false
    if cursor.hasPrefix("export", at: cursor.index),
      let after = cursor.byte(at: cursor.index + 6), after.isSpaceOrTab
    {
      cursor.index += 6
      cursor.skipSpacesAndTabs()
      isExported = true
    }
    let keyStart = cursor.index
    while case let length = keyCharacterLength(), length > 0 { cursor.index += length }
    let keyEnd = cursor.index
    if keyStart == keyEnd {
      let found = cursor.character(at: keyStart)
      fail(
        .invalidKey(
          file: file, at: cursor.position, detail: "unexpected '\(found)' where a key starts"))
      return
    }
    let key = String(cursor.bytes[keyStart..<keyEnd])
    cursor.skipSpacesAndTabs()
    let separator = cursor.current ?? .newline
    if separator == .equals || separator == .colon {
      cursor.index += 1
    } else if separator == .newline || separator == .carriageReturn
      || (separator == .hash && cursor.index > keyEnd)
    {
      result.entries.append(
        EnvFileEntry(
          key: key, value: nil, template: nil, isExported: isExported, file: file, position: start))
      cursor.skipLine()
      return
    } else {
      let found = cursor.character(at: cursor.index)
      fail(
        .invalidKey(
          file: file, at: cursor.position, detail: "unexpected '\(found)' in key '\(key)'"))
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
      value = QuotedValue(value: text, template: hasDollar ? text : nil, quoting: .none)
    }
    // Built once and moved: an entry holds several strings, each copy retains them all.
    let entry = EnvFileEntry(
      key: key, value: value.value, template: value.template, quoting: value.quoting,
      isExported: isExported, file: file, position: start)
    result.entries.append(consume entry)
  }

  /// A value as read: its text, what expansion reads, how it was quoted.
  struct QuotedValue {
    var value: String
    var template: String?
    var quoting: EnvFileEntry.Quoting
  }

  private mutating func fail(_ error: EnvFileError) {
    result.errors.append(error)
    cursor.skipLine()
  }

  /// The value up to a comment or the end of the line, and whether it holds a `$`. As in
  /// compose, only a space then `#` inside the value starts a comment: `A=a\t#b` keeps
  /// its `#`, and so does `A= #b`, whose blanks before the value are not part of it.
  private mutating func unquotedValue() -> (String, hasDollar: Bool) {
    let bytes = cursor.bytes
    let start = cursor.index
    let lineEnd = cursor.endOfLine()
    var end = lineEnd
    var offset = start
    while let hash = cursor.find(.hash, from: offset, to: lineEnd) {
      if hash > start && bytes[hash - 1] == .space {
        end = hash
        break
      }
      offset = hash + 1
    }
    while end > start && (bytes[end - 1].isSpaceOrTab || bytes[end - 1] == .carriageReturn) {
      end -= 1
    }
    cursor.index = lineEnd
    return (String(bytes[start..<end]), cursor.find(.dollar, from: start, to: end) != nil)
  }

  /// Reads a quoted value; nil when it is unterminated or followed by text.
  private mutating func quotedValue() -> QuotedValue? {
    let bytes = cursor.bytes
    let quote = bytes[cursor.index]
    let opening = cursor.position
    let isDouble = quote == .doubleQuote
    var value: [UInt8] = []
    swap(&value, &quotedBytes)
    value.removeAll(keepingCapacity: true)
    defer { quotedBytes = value }
    var escapedDollars: [Int] = []
    cursor.index += 1
    var runStart = cursor.index
    while true {
      guard let byte = cursor.current else {
        result.errors.append(
          .unterminatedQuote(file: file, at: opening, quote: Character(Unicode.Scalar(quote))))
        return nil
      }
      if byte == quote { break }
      if byte == .backslash, let next = cursor.byte(at: cursor.index + 1) {
        value.append(contentsOf: bytes[runStart..<cursor.index])
        if next == quote {
          value.append(quote)
        } else if isDouble && next == .dollar {
          escapedDollars.append(value.count)
          value.append(.dollar)
        } else if isDouble, let replacement = Self.escaped(next) {
          value.append(replacement)
        } else if isDouble, next == UInt8(ascii: "0"), let octal = octalEscape(at: cursor.index) {
          value.append(contentsOf: String(octal).utf8)
          cursor.index += 3
        } else {
          // Not an escape of this quote: the backslash stays, and the character after
          // it is taken as it is (a quote after it does not close the value).
          value.append(.backslash)
          value.append(next)
        }
        cursor.index += 1
        cursor.advance()
        runStart = cursor.index
        continue
      }
      if byte == .carriageReturn && cursor.byte(at: cursor.index + 1) == .newline {
        value.append(contentsOf: bytes[runStart..<cursor.index])
        cursor.index += 1
        runStart = cursor.index
        continue
      }
      cursor.advance()
    }
    value.append(contentsOf: bytes[runStart..<cursor.index])
    cursor.index += 1
    cursor.skipSpacesAndTabs()
    switch cursor.current {
    case nil, .newline?, .carriageReturn?, .hash?:
      cursor.skipLine()
    default:
      fail(.textAfterQuote(file: file, at: cursor.position))
      return nil
    }
    let text = String(decoding: value, as: UTF8.self)
    guard isDouble else { return QuotedValue(value: text, template: nil, quoting: .single) }
    if escapedDollars.isEmpty {
      let hasDollar = value.contains(.dollar)
      return QuotedValue(value: text, template: hasDollar ? text : nil, quoting: .double)
    } else {
      var template: [UInt8] = []
      template.reserveCapacity(value.count + escapedDollars.count)
      var previous = 0
      for offset in escapedDollars {
        template.append(contentsOf: value[previous..<offset])
        template.append(.dollar)
        previous = offset
      }
      template.append(contentsOf: value[previous...])
      return QuotedValue(
        value: text, template: String(decoding: template, as: UTF8.self), quoting: .double)
    }
  }

  /// The byte a double-quoted `\x` stands for, for the escapes compose knows.
  static func escaped(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "a"): return 0x07
    case UInt8(ascii: "b"): return 0x08
    case UInt8(ascii: "f"): return 0x0C
    case UInt8(ascii: "n"): return .newline
    case UInt8(ascii: "r"): return .carriageReturn
    case UInt8(ascii: "t"): return .tab
    case UInt8(ascii: "v"): return 0x0B
    case .backslash: return .backslash
    default: return nil
    }
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
