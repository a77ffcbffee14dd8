/// Reads a TOML 1.0 document from its bytes.
///
/// One pass, linear in the size of the document. The result keeps keys in written order with
/// the position of each; the first problem found is a `TOMLError` with its line and column.
/// Arrays and inline tables may nest at most `TOMLDocumentBuilder.maximumDepth` deep.
public struct TOMLReader {
  let bytes: UnsafeBufferPointer<UInt8>
  var index = 0
  var line = 1
  var lineStart = 0
  /// The document, or only its inline tables when a handler takes the lines.
  var builder = TOMLDocumentBuilder()
  /// Where headers and key/value lines go instead of `builder`.
  private let handler: (any TOMLDocumentHandler)?
  /// Reused space for strings with escapes or line breaks.
  var scratch: [UInt8] = []
  /// An offset on the current line whose column is known, so that the columns of many keys
  /// on one long line cost one pass over it.
  private var columnMark = 0
  private var columnAtMark = 1

  init(bytes: UnsafeBufferPointer<UInt8>, handler: (any TOMLDocumentHandler)? = nil) {
    self.bytes = bytes
    self.handler = handler
  }

  public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
    var text = text
    let result = text.withUTF8 { buffer in
      Result { () throws(TOMLError) in try parse(buffer) }
    }
    return try result.get()
  }

  public static func parse(_ bytes: [UInt8]) throws(TOMLError) -> TOMLTable {
    let result = bytes.withUnsafeBufferPointer { buffer in
      Result { () throws(TOMLError) in try parse(buffer) }
    }
    return try result.get()
  }

  static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(TOMLError) -> TOMLTable {
    var reader = TOMLReader(bytes: bytes)
    try reader.checkEncoding()
    try reader.readDocument()
    return reader.builder.document()
  }

  /// Reads a document line by line into `handler`, without building its tree.
  static func read(_ bytes: UnsafeBufferPointer<UInt8>, into handler: any TOMLDocumentHandler)
    throws(TOMLError)
  {
    var reader = TOMLReader(bytes: bytes, handler: handler)
    try reader.checkEncoding()
    try reader.readDocument()
  }

  // MARK: - Lines

  private mutating func readDocument() throws(TOMLError) {
    if byte(at: 0) == 0xEF && byte(at: 1) == 0xBB && byte(at: 2) == 0xBF { index = 3 }
    while true {
      skipBlanks()
      guard index < bytes.count else { return }
      switch bytes[index] {
      case UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
        try endLine(after: "")
      case UInt8(ascii: "["):
        try readHeader()
        try endLine(after: " after a table header")
      default:
        try readKeyValue()
        try endLine(after: " after a value")
      }
    }
  }

  /// Blanks, an optional comment, then a line break or the end of the document.
  mutating func endLine(after what: String) throws(TOMLError) {
    skipBlanks()
    if current == UInt8(ascii: "#") { try skipComment() }
    if index >= bytes.count { return }
    if try skipLineBreak() { return }
    throw unexpected("the end of the line" + what)
  }

  /// Consumes `\n` or `\r\n`; false when neither is here.
  mutating func skipLineBreak() throws(TOMLError) -> Bool {
    if current == UInt8(ascii: "\r") {
      guard byte(at: 1) == UInt8(ascii: "\n") else {
        throw error("a carriage return must be followed by a line feed")
      }
      index += 1
    }
    guard current == UInt8(ascii: "\n") else { return false }
    index += 1
    line += 1
    lineStart = index
    return true
  }

  /// From `#` to just before the line break.
  mutating func skipComment() throws(TOMLError) {
    index += 1
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\n") { return }
      if byte == UInt8(ascii: "\r") && self.byte(at: 1) == UInt8(ascii: "\n") { return }
      if TOMLReader.isControl(byte) {
        throw error("\(TOMLReader.describe(byte)) is not allowed in a comment")
      }
      index += 1
    }
  }

  mutating func skipBlanks() {
    while index < bytes.count, bytes[index] == 32 || bytes[index] == 9 { index += 1 }
  }

  private mutating func readHeader() throws(TOMLError) {
    index += 1
    let isArray = current == UInt8(ascii: "[")
    if isArray { index += 1 }
    let keys = try readKey()
    guard current == UInt8(ascii: "]") else {
      throw unexpected(
        isArray ? "']]' to end the array of tables header" : "']' after a table name")
    }
    index += 1
    if isArray {
      guard current == UInt8(ascii: "]") else {
        throw unexpected("']]' to end the array of tables header")
      }
      index += 1
    }
    if let handler {
      try handler.header(keys, isArray: isArray)
    } else {
      try builder.header(keys, isArray: isArray)
    }
  }

  private mutating func readKeyValue() throws(TOMLError) {
    let keys = try readKey()
    guard current == UInt8(ascii: "=") else { throw unexpected("'=' after a key") }
    index += 1
    skipBlanks()
    let value = try readValue(depth: 0)
    if let handler {
      try handler.keyValue(keys, value)
    } else {
      try builder.keyValue(keys, value)
    }
  }

  // MARK: - Keys

  /// A simple or dotted key, with the blanks around it.
  mutating func readKey() throws(TOMLError) -> [TOMLDocumentBuilder.Key] {
    var keys: [TOMLDocumentBuilder.Key] = []
    while true {
      skipBlanks()
      let position = keyPosition()
      let name: String
      switch current {
      case UInt8(ascii: "\""):
        if byte(at: 1) == UInt8(ascii: "\"") && byte(at: 2) == UInt8(ascii: "\"") {
          throw error("a key cannot be a multi-line string")
        }
        name = try readSingleLineString(literal: false)
      case UInt8(ascii: "'"):
        if byte(at: 1) == UInt8(ascii: "'") && byte(at: 2) == UInt8(ascii: "'") {
          throw error("a key cannot be a multi-line string")
        }
        name = try readSingleLineString(literal: true)
      case let byte where TOMLReader.isBareKeyByte(byte):
        let start = index
        while index < bytes.count, TOMLReader.isBareKeyByte(bytes[index]) { index += 1 }
        name = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
      default:
        throw unexpected("a key")
      }
      keys.append((name, position))
      if keys.count > TOMLDocumentBuilder.maximumDepth {
        throw TOMLDocumentBuilder.tooDeep(position)
      }
      skipBlanks()
      guard current == UInt8(ascii: ".") else { return keys }
      index += 1
    }
  }

  static func isBareKeyByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
      return true
    default:
      return false
    }
  }

  // MARK: - Bytes and positions

  /// The byte under the cursor, or 0 at the end.
  var current: UInt8 { index < bytes.count ? bytes[index] : 0 }

  func byte(at offset: Int) -> UInt8 {
    index + offset < bytes.count ? bytes[index + offset] : 0
  }

  var position: SourcePosition { position(of: index) }

  /// The position of the cursor, counted on from the last one asked on this line.
  private mutating func keyPosition() -> SourcePosition {
    if columnMark < lineStart || columnMark > index {
      columnMark = lineStart
      columnAtMark = 1
    }
    while columnMark < index {
      if bytes[columnMark] & 0xC0 != 0x80 { columnAtMark += 1 }
      columnMark += 1
    }
    return SourcePosition(line: line, column: columnAtMark)
  }

  /// The position of an offset on the current line; columns count Unicode scalars.
  func position(of offset: Int) -> SourcePosition {
    var column = 1
    var scan = lineStart
    while scan < offset {
      if bytes[scan] & 0xC0 != 0x80 { column += 1 }
      scan += 1
    }
    return SourcePosition(line: line, column: column)
  }

  func error(_ message: String) -> TOMLError {
    TOMLError(position: position, message: message)
  }

  func error(_ message: String, at offset: Int) -> TOMLError {
    TOMLError(position: position(of: offset), message: message)
  }

  /// `expected …, found …` at the cursor.
  func unexpected(_ expectation: String) -> TOMLError {
    let found: String
    if index >= bytes.count {
      found = "the end of the document"
    } else if current == UInt8(ascii: "\n") || current == UInt8(ascii: "\r") {
      found = "the end of the line"
    } else if current >= 0x80 {
      var decoder = UTF8()
      var iterator = UnsafeBufferPointer(rebasing: bytes[index...]).makeIterator()
      if case .scalarValue(let scalar) = decoder.decode(&iterator) {
        found = "'\(scalar)' (U+\(TOMLReader.hex(scalar.value)))"
      } else {
        found = "an invalid byte"
      }
    } else {
      found = TOMLReader.describe(current)
    }
    return error("expected \(expectation), found \(found)")
  }

  /// Tab is the one control character TOML allows in text.
  static func isControl(_ byte: UInt8) -> Bool {
    (byte < 0x20 && byte != 9) || byte == 0x7F
  }

  static func describe(_ byte: UInt8) -> String {
    if isControl(byte) || byte == 9 { return "control character U+\(hex(UInt32(byte)))" }
    return "'\(Character(Unicode.Scalar(byte)))'"
  }

  static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }
}
