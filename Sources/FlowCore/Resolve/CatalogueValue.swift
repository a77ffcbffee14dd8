/// A TOML value with its tables in written order and the `file:line` of each key, so files can
/// be deep-merged as Lifeblood merges them and entries reported where they are written.
indirect enum CatalogueValue: Sendable {
  case table(CatalogueTable)
  case string(String)
  case integer(Int)
  case float(Double)
  case boolean(Bool)
  case array([CatalogueValue])
  case other(String)

  var table: CatalogueTable? {
    if case .table(let table) = self { return table }
    return nil
  }

  /// The text Lifeblood would use: python's `str()` of the value.
  var text: String? {
    switch self {
    case .string(let text): return text
    case .integer(let value): return String(value)
    case .float(let value): return String(value)
    case .boolean(let value): return value ? "True" : "False"
    case .other(let text): return text
    case .table, .array: return nil
    }
  }

  /// A string or a list of scalars, as `env` values and `requires` allow.
  var texts: [String]? {
    if case .array(let items) = self {
      let texts = items.compactMap(\.text)
      return texts.count == items.count ? texts : nil
    }
    return text.map { [$0] }
  }

  /// Parses TOML text; an invalid document is an error with its line and column.
  static func parse(_ text: String, file: String) throws -> CatalogueTable {
    do {
      return convert(try TOMLReader.parse(text), file: file)
    } catch {
      throw invalidCatalogue(error, file: file)
    }
  }

  /// A file's text. TOML is UTF-8: invalid bytes are an error where they start, not
  /// replacement characters.
  static func text(of bytes: [UInt8], file: String) throws -> String {
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    do {
      _ = try TOMLReader.parse(bytes)
    } catch {
      throw invalidCatalogue(error, file: file)
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  private static func invalidCatalogue(_ error: TOMLError, file: String) -> ResolveError {
    .invalidCatalogue(
      Diagnostic(file: file, position: error.position, message: "invalid TOML: \(error.message)"))
  }

  private static func convert(_ table: TOMLTable, file: String) -> CatalogueTable {
    var result = CatalogueTable()
    for entry in table.entries {
      result.set(
        entry.key, convert(entry.value, file: file), origin: "\(file):\(entry.position.line)")
    }
    return result
  }

  private static func convert(_ value: TOMLValue, file: String) -> CatalogueValue {
    switch value {
    case .table(let table): return .table(convert(table, file: file))
    case .array(let items): return .array(items.map { convert($0, file: file) })
    case .string(let text): return .string(text)
    case .integer(let number): return .integer(number)
    case .float(let number): return .float(number)
    case .boolean(let flag): return .boolean(flag)
    case .offsetDateTime(let text), .localDateTime(let text), .localDate(let text),
      .localTime(let text):
      return .other(text)
    }
  }
}

/// A table with keys in the order first written.
struct CatalogueTable: Sendable {
  private(set) var keys: [String] = []
  private var values: [String: CatalogueValue] = [:]
  private var origins: [String: String] = [:]

  subscript(key: String) -> CatalogueValue? { values[key] }

  /// `file:line` where `key` was written.
  func origin(of key: String) -> String { origins[key] ?? "" }

  mutating func set(_ key: String, _ value: CatalogueValue, origin: String) {
    if values.updateValue(value, forKey: key) == nil {
      keys.append(key)
      origins[key] = origin
    }
  }

  /// Lifeblood's deep merge: tables merge key by key, anything else is replaced.
  mutating func merge(_ other: CatalogueTable) {
    for key in other.keys {
      let incoming = other.values[key]!
      if case .table(var mine)? = values[key], case .table(let theirs) = incoming {
        mine.merge(theirs)
        values[key] = .table(mine)
      } else {
        set(key, incoming, origin: other.origin(of: key))
      }
    }
  }
}
