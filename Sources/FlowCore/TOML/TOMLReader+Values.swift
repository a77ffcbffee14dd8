extension TOMLReader {
  /// Any value, from its first byte; `depth` counts the arrays and inline tables around it.
  mutating func readValue(depth: Int) throws(TOMLError) -> TOMLValue {
    switch current {
    case UInt8(ascii: "\""):
      if byte(at: 1) == UInt8(ascii: "\"") && byte(at: 2) == UInt8(ascii: "\"") {
        return .string(try readMultilineString(literal: false))
      }
      return .string(try readSingleLineString(literal: false))
    case UInt8(ascii: "'"):
      if byte(at: 1) == UInt8(ascii: "'") && byte(at: 2) == UInt8(ascii: "'") {
        return .string(try readMultilineString(literal: true))
      }
      return .string(try readSingleLineString(literal: true))
    case UInt8(ascii: "t") where word("true"):
      return .boolean(true)
    case UInt8(ascii: "f") where word("false"):
      return .boolean(false)
    case UInt8(ascii: "["):
      return try readArray(depth: depth + 1)
    case UInt8(ascii: "{"):
      return try readInlineTable(depth: depth + 1)
    default:
      return try readNumberOrDateTime()
    }
  }

  /// Consumes `word` when it is here.
  private mutating func word(_ word: StaticString) -> Bool {
    let length = word.utf8CodeUnitCount
    for offset in 0..<length where byte(at: offset) != word.utf8Start[offset] { return false }
    index += length
    return true
  }

  /// `[ … ]`: values of any types, separated by commas, across lines, with comments.
  private mutating func readArray(depth: Int) throws(TOMLError) -> TOMLValue {
    if depth > TOMLDocumentBuilder.maximumDepth { throw TOMLDocumentBuilder.tooDeep(position) }
    index += 1
    var items: [TOMLValue] = []
    while true {
      try skipBlanksAndLines()
      if current == UInt8(ascii: "]") { break }
      items.append(try readValue(depth: depth))
      try skipBlanksAndLines()
      if current == UInt8(ascii: ",") {
        index += 1
        continue
      }
      if current == UInt8(ascii: "]") { break }
      throw unexpected("',' or ']' in an array")
    }
    index += 1
    return .array(items)
  }

  /// Blanks, line breaks and comments, as an array allows between its values.
  private mutating func skipBlanksAndLines() throws(TOMLError) {
    while true {
      skipBlanks()
      if current == UInt8(ascii: "#") { try skipComment() }
      if try !skipLineBreak() { return }
    }
  }

  /// `{ a = 1, b.c = 2 }`: on one line, no trailing comma, closed for good once read.
  private mutating func readInlineTable(depth: Int) throws(TOMLError) -> TOMLValue {
    if depth > TOMLDocumentBuilder.maximumDepth { throw TOMLDocumentBuilder.tooDeep(position) }
    let table = builder.beginInlineTable(depth: depth)
    index += 1
    skipBlanks()
    if current == UInt8(ascii: "}") {
      index += 1
      return builder.endInlineTable(table)
    }
    while true {
      skipBlanks()
      if current == UInt8(ascii: "}") {
        throw error("a trailing comma is not allowed in an inline table")
      }
      try checkInlineLine()
      let keys = try readKey()
      guard current == UInt8(ascii: "=") else { throw unexpected("'=' after a key") }
      index += 1
      skipBlanks()
      let value = try readValue(depth: depth)
      try builder.keyValue(keys, value, inline: table)
      skipBlanks()
      if current == UInt8(ascii: ",") {
        index += 1
        continue
      }
      if current == UInt8(ascii: "}") { break }
      try checkInlineLine()
      throw unexpected("',' or '}' in an inline table")
    }
    index += 1
    return builder.endInlineTable(table)
  }

  private func checkInlineLine() throws(TOMLError) {
    if current == UInt8(ascii: "\n") || current == UInt8(ascii: "\r")
      || current == UInt8(ascii: "#")
    {
      throw error("an inline table must be written on one line")
    }
  }
}
