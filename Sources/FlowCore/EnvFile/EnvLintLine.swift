/// One line of a `.env` file as dotenv-linter sees it: the text of a line without its
/// line break, or, for a quoted value spanning lines, those lines joined by `\n` under the
/// number of the first. A file ending in a line break has one more line, `"\n"`, which
/// counts as blank. Characters are Unicode scalars, as in dotenv-linter.
struct EnvLintLine {
  typealias Text = Substring.UnicodeScalarView

  var number: Int
  var raw: Text
  var isLast: Bool

  /// The lines of a file, quoted values spanning lines already joined.
  static func lines(of bytes: [UInt8]) -> [EnvLintLine] {
    let content = String(decoding: bytes, as: UTF8.self)
    let scalars = Substring(content).unicodeScalars
    var pieces: [Text] = []
    var start = scalars.startIndex
    var index = start
    while index != scalars.endIndex {
      if scalars[index] == "\n" {
        var end = index
        if end != start, scalars[scalars.index(before: end)] == "\r" {
          end = scalars.index(before: end)
        }
        pieces.append(scalars[start..<end])
        start = scalars.index(after: index)
      }
      index = scalars.index(after: index)
    }
    if start != scalars.endIndex { pieces.append(scalars[start...]) }
    if scalars.last == "\n" { pieces.append(Substring("\n").unicodeScalars) }
    let count = pieces.count
    let separate = pieces.enumerated().map { offset, raw in
      EnvLintLine(number: offset + 1, raw: raw, isLast: offset + 1 == count)
    }
    return joiningQuotedValues(separate, count: count)
  }

  /// Each quoted value left open on its line is joined with the lines up to the first
  /// that holds its quote unescaped (a value never closed leaves its lines apart).
  static func joiningQuotedValues(_ lines: [EnvLintLine], count: Int) -> [EnvLintLine] {
    var result: [EnvLintLine] = []
    result.reserveCapacity(lines.count)
    var index = 0
    while index < lines.count {
      let line = lines[index]
      guard let quote = line.value.map(trimmed).flatMap(openingQuote),
        let end = lines[(index + 1)...].firstIndex(where: { $0.closes(quote) })
      else {
        result.append(line)
        index += 1
        continue
      }
      var joined = String.UnicodeScalarView()
      for (offset, part) in lines[index...end].enumerated() {
        if offset > 0 { joined.append("\n") }
        joined.append(contentsOf: part.raw)
      }
      result.append(
        EnvLintLine(
          number: line.number, raw: Substring(String(joined)).unicodeScalars,
          isLast: lines[end].number == count))
      index = end + 1
    }
    return result
  }

  /// The quote a trimmed value opens without closing it on the same line.
  static func openingQuote(_ value: Text) -> Unicode.Scalar? {
    guard let first = value.first, first == "'" || first == "\"" else { return nil }
    if value.count == 1 || value.last != first { return first }
    return isEscaped(value.dropLast()) ? first : nil
  }

  /// Whether the first `quote` on this line is not escaped by a backslash.
  func closes(_ quote: Unicode.Scalar) -> Bool {
    guard let position = raw.firstIndex(of: quote) else { return false }
    return !Self.isEscaped(raw[..<position])
  }

  /// Whether text ends in an odd number of backslashes.
  static func isEscaped(_ prefix: Text) -> Bool {
    var count = 0
    var index = prefix.endIndex
    while index != prefix.startIndex {
      index = prefix.index(before: index)
      guard prefix[index] == "\\" else { break }
      count += 1
    }
    return count % 2 == 1
  }

  static func trimmed(_ text: Text) -> Text {
    var result = text
    while let first = result.first, first.properties.isWhitespace { result.removeFirst() }
    while let last = result.last, last.properties.isWhitespace { result.removeLast() }
    return result
  }

  var isEmpty: Bool { Self.trimmed(raw).isEmpty }

  var isComment: Bool { Self.trimmed(raw).first == "#" }

  /// The text before the first `=` of the line without its `export ` prefix (the whole of
  /// it when there is no `=`); none for blank lines and comments.
  var key: Text? {
    let text = Self.trimmed(raw)
    if text.isEmpty || text.first == "#" { return nil }
    var stripped = text
    if text.starts(with: "export ".unicodeScalars) {
      stripped = Self.trimmed(text.dropFirst(7))
    }
    return stripped.firstIndex(of: "=").map { stripped[..<$0] } ?? stripped
  }

  /// The raw text after the first `=`; none for blank lines, comments and lines without `=`.
  var value: Text? {
    if isEmpty || isComment { return nil }
    return raw.firstIndex(of: "=").map { raw[raw.index(after: $0)...] }
  }

  /// The names a value substitutes (`$NAME`, `${NAME}`), unless single-quoted; a
  /// malformed one ends the list.
  var substitutionKeys: [Text] {
    guard var rest = value.map(Self.trimmed), rest.first != "'" else { return [] }
    if rest.first == "\"" {
      guard rest.count > 1, rest.last == "\"", !Self.isEscaped(rest.dropLast()) else {
        return []
      }
      rest = rest.dropFirst().dropLast()
    }
    var keys: [Text] = []
    while let dollar = rest.firstIndex(of: "$") {
      let after = rest[rest.index(after: dollar)...]
      if Self.isEscaped(rest[..<dollar]) {
        rest = after
        continue
      }
      let name: Text
      if after.first == "{", let close = after.dropFirst().firstIndex(of: "}") {
        name = after[after.index(after: after.startIndex)..<close]
        rest = after[close...]
      } else if let stop = after.firstIndex(where: { !Self.isNameScalar($0) }) {
        name = after[..<stop]
        rest = after[stop...]
      } else {
        name = after
        rest = after[after.endIndex...]
      }
      if name.isEmpty { return keys }
      keys.append(name)
    }
    return keys
  }

  static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
    scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
      || scalar == "_"
  }

  static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.properties.isAlphabetic { return true }
    switch scalar.properties.generalCategory {
    case .decimalNumber, .letterNumber, .otherNumber: return true
    default: return false
    }
  }
}

extension EnvLintLine.Text {
  var string: String { String(Substring(self)) }
}
