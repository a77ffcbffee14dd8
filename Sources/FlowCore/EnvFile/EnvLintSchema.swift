/// dotenv-linter's schema for SchemaViolation, read from its JSON form:
/// `{"version": "1.0", "allow_other_keys": bool, "entries": {"KEY": {"type":
/// "String|Integer|Float|Boolean|Url|Email", "required": bool, "regex": "…"}}}`; keys
/// it does not name are refused unless `allow_other_keys` is true.
public struct EnvLintSchema: Sendable {
  public enum ValueType: String, Sendable {
    case string = "String", integer = "Integer", float = "Float", boolean = "Boolean"
    case url = "Url", email = "Email"
  }

  public struct Entry: Sendable {
    public var type: ValueType
    public var required: Bool
    /// A regular expression the value must match somewhere, as dotenv-linter's
    /// `is_match` asks; checked to compile when the schema is read.
    public var regex: String?
  }

  public var allowOtherKeys: Bool
  /// Keyed by the name's bytes: keys that differ only in Unicode normalization are two
  /// variables.
  public var entries: [ExactString: Entry]

  /// Reads a schema document; the message says what is wrong with it.
  public init(document: JSONValue, file: String) throws(EnvFileError) {
    func invalid(_ reason: String) -> EnvFileError {
      .invalidSchema(file: file, reason: reason)
    }
    guard let object = document.objectValue else { throw invalid("not a JSON object") }
    // Keys the schema does not name are refused unless it says otherwise.
    allowOtherKeys = object["allow_other_keys"]?.boolValue ?? false
    entries = [:]
    for (key, value) in object["entries"]?.objectValue ?? JSONObject() {
      guard let entry = value.objectValue else { throw invalid("entry \(key) is not an object") }
      var regex: String?
      if let source = entry["regex"] {
        guard let text = source.stringValue else {
          throw invalid("regex in entry \(key) is not a string")
        }
        do {
          _ = try Regex(text)
          regex = text
        } catch {
          throw invalid("regex in entry \(key) is not a valid regular expression: \(error)")
        }
      }
      let typeName = entry["type"]?.stringValue ?? "String"
      guard let type = ValueType(rawValue: typeName) else {
        throw invalid("unknown type \(typeName)")
      }
      entries[ExactString(key)] = Entry(
        type: type, required: entry["required"]?.boolValue ?? false, regex: regex)
    }
  }

  /// The entries' regular expressions, compiled once for a lint run.
  func compiledPatterns() -> [ExactString: Regex<AnyRegexOutput>] {
    entries.compactMapValues { entry in entry.regex.flatMap { try? Regex($0) } }
  }

  /// The SchemaViolation message for a key and its raw value (quotes included, as
  /// dotenv-linter checks it), if any; `patterns` are the compiled regular expressions.
  func violation(
    key: String, value: String, patterns: [ExactString: Regex<AnyRegexOutput>]
  ) -> String? {
    guard let entry = entries[ExactString(key)] else {
      return allowOtherKeys ? nil : "The \(key) key is not defined in the schema"
    }
    if Self.matches(value, entry.type) {
      guard let pattern = patterns[ExactString(key)], (try? pattern.firstMatch(in: value)) == nil
      else { return nil }
      return "The \(key) key does not match the regex"
    }
    switch entry.type {
    case .string: return nil
    case .integer: return "The \(key) key is not an integer"
    case .float: return "The \(key) key is not a valid float"
    case .boolean: return "The \(key) key is not a valid boolean"
    case .url: return "The \(key) key is not a valid URL"
    case .email: return "The \(key) key is not a valid email address"
    }
  }

  /// The required keys not among those seen, sorted.
  func missingKeys(seen: Set<ExactString>) -> [String] {
    entries.filter { $0.value.required && !seen.contains($0.key) }.map(\.key.text)
      .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  static let booleans: Set<String> = [
    "true", "false", "TRUE", "FALSE", "yes", "no", "YES", "NO", "1", "0",
  ]

  /// Integers are 32-bit; floats are decimal (no hexadecimal form); URLs need a scheme
  /// and, for the schemes with hosts, a host; e-mail addresses a local part and a domain.
  static func matches(_ value: String, _ type: ValueType) -> Bool {
    if value.contains(where: \.isWhitespace) && type != .string { return false }
    switch type {
    case .string: return true
    case .integer: return Int32(value) != nil
    case .float:
      return Float(value) != nil && !value.lowercased().contains("0x")
    case .boolean: return booleans.contains(value)
    case .url:
      guard let colon = value.firstIndex(of: ":"), let first = value.first, first.isASCII,
        first.isLetter,
        value[..<colon].allSatisfy({
          $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0))
        })
      else { return false }
      let scheme = value[..<colon].lowercased()
      let rest = value[value.index(after: colon)...]
      if ["http", "https", "ws", "wss", "ftp"].contains(scheme) {
        let host = rest.drop { $0 == "/" }.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return !host.isEmpty
      }
      return true
    case .email:
      let parts = value.split(separator: "@", omittingEmptySubsequences: false)
      return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
    }
  }
}
