/// Lints the text of a `.env` file line by line, as dotenv-linter does. Lines inside a
/// quoted value that spans lines are part of that value and not linted on their own.
public struct EnvLinter {
  /// Declared keys and what their values must look like (SchemaViolation).
  public var schema: EnvLintSchema?

  public init(schema: EnvLintSchema? = nil) {
    self.schema = schema
  }

  /// A statement line cut into its parts.
  struct Statement {
    var line: Int
    var raw: Substring
    var key: Substring
    var hasEquals: Bool
    var value: Substring
    var spaceAroundEquals: Bool
  }

  public func lint(_ text: EnvFileText) -> [EnvLintProblem] {
    var problems: [EnvLintProblem] = []
    let file = text.file
    func report(_ check: EnvLintCheck, _ line: Int, _ message: String) {
      problems.append(EnvLintProblem(check: check, file: file, line: line, message: message))
    }
    let content = String(decoding: text.bytes, as: UTF8.self)
    var lines = content.split(separator: "\n", omittingEmptySubsequences: false)
    let endsWithNewline = lines.last == ""
    if endsWithNewline { lines.removeLast() }
    var seen: Set<Substring> = []
    var previousKey: Substring?
    var previousBlank = false
    var openQuote: Character?
    var statements: [Statement] = []
    for (index, fullLine) in lines.enumerated() {
      let number = index + 1
      let raw = fullLine.hasSuffix("\r") ? fullLine.dropLast() : fullLine
      if let quote = openQuote {
        if Self.closes(raw, quote: quote) { openQuote = nil }
        continue
      }
      let trimmed = raw.drop { $0 == " " || $0 == "\t" }
      if trimmed.isEmpty {
        if previousBlank && number > 1 {
          report(.extraBlankLine, number, "Extra blank line detected")
        }
        previousBlank = true
        previousKey = nil
        continue
      }
      previousBlank = false
      if raw.last == " " || raw.last == "\t" {
        report(.trailingWhitespace, number, "Trailing whitespace detected")
      }
      if trimmed.first == "#" {
        previousKey = nil
        continue
      }
      let statement = Self.statement(raw, line: number)
      let key = statement.key
      if let first = raw.first, !(first.isLetter || first == "_") {
        report(.leadingCharacter, number, "Invalid leading character detected")
      }
      if key.contains(where: { $0.isLowercase }) {
        report(.lowercaseKey, number, "The \(key) key should be in uppercase")
      }
      if key.dropFirst().contains(where: { !($0.isLetter || $0.isNumber || $0 == "_") }) {
        report(.incorrectDelimiter, number, "The \(key) key has incorrect delimiter")
      }
      if seen.contains(key) {
        report(.duplicatedKey, number, "The \(key) key is duplicated")
      }
      seen.insert(key)
      if let previousKey, key < previousKey {
        report(.unorderedKey, number, "The \(key) key should go before the \(previousKey) key")
      }
      previousKey = key
      guard statement.hasEquals else {
        report(
          .keyWithoutValue, number, "The \(key) key should be with a value or have an equal sign")
        continue
      }
      if statement.spaceAroundEquals {
        report(.spaceCharacter, number, "The line has spaces around equal sign")
      }
      let value = statement.value
      let quote = value.first.flatMap { $0 == "\"" || $0 == "'" ? $0 : nil }
      if let quote, !Self.closes(value.dropFirst(), quote: quote) { openQuote = quote }
      let inner = Self.unquoted(value)
      if quote == nil && value.contains(where: { $0 == " " || $0 == "\t" })
        && !value.contains(" #")
      {
        report(.valueWithoutQuotes, number, "This value needs to be surrounded in quotes")
      }
      if let quote, openQuote == nil, !inner.contains(where: Self.needsQuotes),
        value.last == quote
      {
        report(.quoteCharacter, number, "The value has quote characters (\\', \\\")")
      } else if quote == nil && value.contains(where: { $0 == "\"" || $0 == "'" }) {
        report(.quoteCharacter, number, "The value has quote characters (\\', \\\")")
      }
      if quote != "'" && !Self.substitutionsAreWellFormed(value) {
        report(.substitutionKey, number, "The \(key) key is not assigned properly")
      }
      statements.append(statement)
    }
    if !content.isEmpty && !endsWithNewline {
      report(.endingBlankLine, lines.count, "No blank line at the end of the file")
    }
    if let schema {
      problems += schema.check(
        statements.map { ($0.key, Self.unquoted($0.value), $0.line) }, file: file)
    }
    return problems.sorted {
      ($0.line, $0.check.rawValue, $0.message) < ($1.line, $1.check.rawValue, $1.message)
    }
  }

  static func statement(_ raw: Substring, line: Int) -> Statement {
    var rest = raw.drop { $0 == " " || $0 == "\t" }
    if rest.hasPrefix("export ") { rest = rest.dropFirst(7).drop { $0 == " " } }
    guard let equals = rest.firstIndex(of: "=") else {
      let key = rest.prefix { $0 != " " && $0 != "\t" && $0 != "#" }
      return Statement(
        line: line, raw: raw, key: key, hasEquals: false, value: "", spaceAroundEquals: false)
    }
    let keyPart = rest[..<equals]
    let valuePart = rest[rest.index(after: equals)...]
    let key = keyPart.reversed().drop { $0 == " " || $0 == "\t" }.reversed()
    let spaced =
      keyPart.last == " " || keyPart.last == "\t" || valuePart.first == " "
      || valuePart.first == "\t"
    var value = valuePart.drop { $0 == " " || $0 == "\t" }
    while value.last == " " || value.last == "\t" { value = value.dropLast() }
    return Statement(
      line: line, raw: raw,
      key: keyPart[keyPart.startIndex..<keyPart.index(keyPart.startIndex, offsetBy: key.count)],
      hasEquals: true, value: value, spaceAroundEquals: spaced)
  }

  /// Whether a quote closes in the text (not escaped by a backslash).
  static func closes(_ text: Substring, quote: Character) -> Bool {
    var escaped = false
    for character in text {
      if escaped {
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else if character == quote {
        return true
      }
    }
    return false
  }

  static func unquoted(_ value: Substring) -> Substring {
    guard let first = value.first, first == "\"" || first == "'", value.count >= 2,
      value.last == first
    else { return value }
    return value.dropFirst().dropLast()
  }

  static func needsQuotes(_ character: Character) -> Bool {
    character.isWhitespace || "#$\\\"'=`".contains(character)
  }

  /// Every `${` has a `}` and a name of letters, digits and `_` between them.
  static func substitutionsAreWellFormed(_ value: Substring) -> Bool {
    var rest = value[...]
    while let dollar = rest.firstIndex(of: "$") {
      let after = rest[rest.index(after: dollar)...]
      guard after.first == "{" else {
        rest = after
        continue
      }
      let body = after.dropFirst()
      guard let close = body.firstIndex(of: "}") else { return false }
      let name = body[..<close].prefix { $0 != ":" && $0 != "-" && $0 != "?" && $0 != "+" }
      if name.isEmpty || !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
        return false
      }
      rest = body[body.index(after: close)...]
    }
    return true
  }
}
