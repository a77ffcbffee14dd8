/// Lints the text of a `.env` file with dotenv-linter's checks and rules: each line (a
/// quoted value spanning lines counts as one, see `EnvLintLine`) goes through the checks
/// in dotenv-linter's order; comments only through EndingBlankLine and UnorderedKey;
/// control comments (`# dotenv-linter:off Check`) turn checks off and on.
public struct EnvLinter {
  /// Declared keys and what their values must look like (SchemaViolation).
  public var schema: EnvLintSchema?

  public init(schema: EnvLintSchema? = nil) {
    self.schema = schema
  }

  public func lint(_ text: EnvFileText) -> [EnvLintProblem] {
    var run = Run(file: text.file, schema: schema)
    for line in EnvLintLine.lines(of: text.bytes) {
      run.check(line)
    }
    run.finish()
    return run.problems
  }

  /// The state of one file's lint: what the checks remember from line to line.
  struct Run {
    typealias Text = EnvLintLine.Text

    let file: String
    let schema: EnvLintSchema?
    var problems: [EnvLintProblem] = []
    var disabled: Set<EnvLintCheck> = []
    var seenKeys: Set<[UInt8]> = []
    var lastBlankLine: Int?
    /// The keys of the current group for UnorderedKey, in file order.
    var group: [String] = []
    var schemaKeys: Set<ExactString> = []
    let schemaPatterns: [ExactString: Regex<AnyRegexOutput>]
    var lastLine = 0

    /// dotenv-linter's order of the checks on a line.
    static let order: [EnvLintCheck] =
      EnvLintCheck.allCases.filter { $0 != .schemaViolation } + [.schemaViolation]

    init(file: String, schema: EnvLintSchema?) {
      self.file = file
      self.schema = schema
      schemaPatterns = schema?.compiledPatterns() ?? [:]
    }

    mutating func report(_ check: EnvLintCheck, _ line: Int, _ message: String) {
      problems.append(EnvLintProblem(check: check, file: file, line: line, message: message))
    }

    mutating func check(_ line: EnvLintLine) {
      let isComment = line.isComment
      if isComment, let control = EnvLintControlComment(line.raw.string) {
        if control.disables {
          disabled.formUnion(control.checks)
        } else {
          disabled.subtract(control.checks)
        }
      }
      let key = line.key.map(\.string)
      for check in Self.order {
        if isComment && check != .endingBlankLine && check != .unorderedKey { continue }
        if disabled.contains(check) { continue }
        if let message = run(check, line, key: key) {
          report(check, line.number, message)
        }
      }
    }

    /// The message of one check on one line, if the line breaks its rule.
    mutating func run(_ check: EnvLintCheck, _ line: EnvLintLine, key: String?) -> String? {
      switch check {
      case .duplicatedKey:
        guard let key else { return nil }
        let inserted = seenKeys.insert(Array(key.utf8)).inserted
        return inserted ? nil : "The \(key) key is duplicated"
      case .endingBlankLine:
        return line.isLast && line.raw.last != "\n" ? "No blank line at the end of the file" : nil
      case .extraBlankLine:
        guard line.isEmpty else { return nil }
        let extra = lastBlankLine.map { $0 + 1 == line.number } ?? false
        lastBlankLine = line.number
        return extra ? "Extra blank line detected" : nil
      case .incorrectDelimiter:
        guard let key else { return nil }
        let cleaned = EnvLintLine.trimmed(
          Substring(key).unicodeScalars.drop { !($0.properties.isAlphabetic || $0 == "_") })
        let wrong = cleaned.contains { !(EnvLintLine.isAlphanumeric($0) || $0 == "_") }
        return wrong ? "The \(key) key has incorrect delimiter" : nil
      case .keyWithoutValue:
        if line.isEmpty || line.raw.contains("=") { return nil }
        return "The \(key ?? line.raw.string) key should be with a value or have an equal sign"
      case .leadingCharacter:
        guard !line.isEmpty, let first = line.raw.first else { return nil }
        return first.properties.isAlphabetic || first == "_"
          ? nil : "Invalid leading character detected"
      case .lowercaseKey:
        guard let key, key.uppercased() != key else { return nil }
        return "The \(key) key should be in uppercase"
      case .quoteCharacter:
        return line.value.flatMap(Self.hasNeedlessQuotes) == true
          ? "The value has quote characters (', \")" : nil
      case .spaceCharacter:
        let parts = line.raw.split(separator: "=", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].last == " " || parts[1].first == " " else { return nil }
        return "The line has spaces around equal sign"
      case .substitutionKey:
        guard let value = line.value, let key, !Self.substitutionsAreWellFormed(value) else {
          return nil
        }
        return "The \(key) key is not assigned properly"
      case .trailingWhitespace:
        return line.raw.last == " " ? "Trailing whitespace detected" : nil
      case .unorderedKey:
        return unordered(line, key: key)
      case .valueWithoutQuotes:
        guard let value = line.value.map(EnvLintLine.trimmed) else { return nil }
        let quoted = value.first.map { ($0 == "'" || $0 == "\"") && value.last == $0 } ?? false
        let spaced = value.contains { $0.properties.isWhitespace }
        return spaced && !quoted ? "This value needs to be surrounded in quotes" : nil
      case .schemaViolation:
        guard let schema else { return nil }
        lastLine = line.number
        guard let key else { return nil }
        schemaKeys.insert(ExactString(key))
        return line.value.flatMap {
          schema.violation(key: key, value: $0.string, patterns: schemaPatterns)
        }
      }
    }

    /// UnorderedKey: keys are sorted (by bytes) within groups, which blank lines, control
    /// comments and a value substituting a key of the group end; a key out of place is
    /// reported with the key it should go before.
    mutating func unordered(_ line: EnvLintLine, key: String?) -> String? {
      let substitutesGroupKey = line.substitutionKeys.contains { name in
        group.contains { $0.unicodeScalars.elementsEqual(name) }
      }
      if line.isEmpty || (line.isComment && EnvLintControlComment(line.raw.string) != nil)
        || substitutesGroupKey
      {
        group.removeAll()
        return nil
      }
      guard let key else { return nil }
      group.append(key)
      let sorted = group.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      if sorted.elementsEqual(group, by: { $0.utf8.elementsEqual($1.utf8) }) { return nil }
      guard let position = sorted.firstIndex(where: { $0.utf8.elementsEqual(key.utf8) }),
        position + 1 < sorted.count
      else { return nil }
      return "The \(key) key should go before the \(sorted[position + 1]) key"
    }

    /// What the checks report once the file has been read: required schema keys missing.
    mutating func finish() {
      guard let schema else { return }
      for name in schema.missingKeys(seen: schemaKeys) {
        report(.schemaViolation, lastLine, "The \(name) key is required")
      }
    }

    /// QuoteCharacter: a value with quotes and nothing quotes are needed for (no
    /// whitespace, `$`, `#`, `&`, `=` or `\n` escape).
    static func hasNeedlessQuotes(_ value: Text) -> Bool {
      let needsQuotes = value.contains {
        $0.properties.isWhitespace || $0 == "$" || $0 == "#" || $0 == "&" || $0 == "="
      }
      if needsQuotes || Self.containsEscapedNewline(value) { return false }
      return value.contains { $0 == "\"" || $0 == "'" }
    }

    static func containsEscapedNewline(_ value: Text) -> Bool {
      var previous: Unicode.Scalar?
      for scalar in value {
        if previous == "\\" && scalar == "n" { return true }
        previous = scalar
      }
      return false
    }

    /// SubstitutionKey: outside single quotes, every unescaped `$` up to the next `$` has
    /// both braces or neither, and a braced name of ASCII letters, digits and `_`.
    static func substitutionsAreWellFormed(_ value: Text) -> Bool {
      var rest = EnvLintLine.trimmed(value)
      if rest.first == "'" { return true }
      while let dollar = rest.firstIndex(of: "$") {
        let prefix = rest[..<dollar]
        let afterDollar = rest[rest.index(after: dollar)...]
        let nextDollar = afterDollar.firstIndex(of: "$") ?? afterDollar.endIndex
        let initial = afterDollar[..<nextDollar]
        let close = initial.firstIndex(of: "}")
        let open = initial.first == "{"
        var wrong = open != (close != nil)
        if open, let close {
          let name = initial[initial.index(after: initial.startIndex)..<close]
          wrong = wrong || name.contains { !EnvLintLine.isNameScalar($0) }
        }
        if wrong && !EnvLintLine.isEscaped(prefix) { return false }
        rest = afterDollar[nextDollar...]
      }
      return true
    }
  }
}
