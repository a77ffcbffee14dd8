/// dotenv-linter's schema for SchemaViolation, read from its JSON form:
/// `{"version": "1.0", "allow_other_keys": bool, "entries": {"KEY": {"type":
/// "String|Integer|Float|Boolean|Url|Email", "required": bool}}}`. (Its `regex` field
/// is not supported; a schema holding one is refused.)
public struct EnvLintSchema: Sendable {
  public enum ValueType: String, Sendable {
    case string = "String", integer = "Integer", float = "Float", boolean = "Boolean"
    case url = "Url", email = "Email"
  }

  public struct Entry: Sendable {
    public var type: ValueType
    public var required: Bool
  }

  public var allowOtherKeys: Bool
  public var entries: [String: Entry]

  /// Reads a schema document; the message says what is wrong with it.
  public init(document: JSONValue, file: String) throws(EnvFileError) {
    func invalid(_ reason: String) -> EnvFileError {
      .invalidSchema(file: file, reason: reason)
    }
    guard let object = document.objectValue else { throw invalid("not a JSON object") }
    allowOtherKeys = object["allow_other_keys"]?.boolValue ?? true
    entries = [:]
    for (key, value) in object["entries"]?.objectValue ?? JSONObject() {
      guard let entry = value.objectValue else { throw invalid("entry \(key) is not an object") }
      if entry["regex"] != nil { throw invalid("regex in entry \(key) is not supported") }
      let typeName = entry["type"]?.stringValue ?? "String"
      guard let type = ValueType(rawValue: typeName) else {
        throw invalid("unknown type \(typeName)")
      }
      entries[key] = Entry(type: type, required: entry["required"]?.boolValue ?? false)
    }
  }

  func check(_ statements: [(key: Substring, value: Substring, line: Int)], file: String)
    -> [EnvLintProblem]
  {
    var problems: [EnvLintProblem] = []
    var present: Set<String> = []
    for (key, value, line) in statements {
      let name = String(key)
      present.insert(name)
      func violation(_ message: String) {
        problems.append(
          EnvLintProblem(check: .schemaViolation, file: file, line: line, message: message))
      }
      guard let entry = entries[name] else {
        if !allowOtherKeys { violation("The \(name) key is not defined in the schema") }
        continue
      }
      if !Self.matches(value, entry.type) {
        violation(
          "The \(name) key is not \(Self.article(entry.type)) \(entry.type.rawValue.lowercased())")
      }
    }
    for (name, entry) in entries.sorted(by: { $0.key < $1.key })
    where entry.required && !present.contains(name) {
      problems.append(
        EnvLintProblem(
          check: .schemaViolation, file: file, line: 1, message: "The \(name) key is required"))
    }
    return problems
  }

  static func article(_ type: ValueType) -> String {
    type == .integer || type == .email || type == .url ? "an" : "a"
  }

  static func matches(_ value: Substring, _ type: ValueType) -> Bool {
    switch type {
    case .string: return true
    case .integer: return Int64(value) != nil
    case .float: return Double(value) != nil
    case .boolean: return value == "true" || value == "false"
    case .url: return value.contains("://") && !value.contains(" ")
    case .email:
      let parts = value.split(separator: "@", omittingEmptySubsequences: false)
      return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !value.contains(" ")
    }
  }
}
