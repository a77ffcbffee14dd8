/// A TOML value with its tables in written order and the `file:line` of each key, so files can
/// be deep-merged as Lifeblood merges them and entries reported where they are written.
indirect enum CatalogueValue: Sendable, CatalogueEntryValue {
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
    case .float(let value): return Self.text(of: value)
    case .boolean(let value): return value ? "True" : "False"
    case .other(let text): return text
    case .table, .array: return nil
    }
  }

  var integer: Int? {
    if case .integer(let value) = self { return value }
    return nil
  }

  var items: [CatalogueValue]? {
    if case .array(let items) = self { return items }
    return nil
  }

  /// Parses TOML text; an invalid document is an error with its line and column.
  static func parse(_ text: String, file: String) throws -> CatalogueTable {
    try parse(Array(text.utf8), file: file)
  }

  /// Parses TOML bytes as written; bytes that are not UTF-8 are an error at their place.
  static func parse(_ bytes: [UInt8], file: String) throws -> CatalogueTable {
    do {
      return convert(try TOMLReader.parse(bytes), file: file)
    } catch {
      throw invalidCatalogue(error, file: file)
    }
  }

  private static func invalidCatalogue(_ error: TOMLError, file: String) -> ResolveError {
    .invalidCatalogue(
      Diagnostic(file: file, position: error.position, message: "invalid TOML: \(error.message)"))
  }

  /// Converts a parsed table, releasing each part of it once converted, so the two whole
  /// trees are never held at once.
  private static func convert(_ table: consuming TOMLTable, file: String) -> CatalogueTable {
    var entries = table.entries
    _ = consume table
    var result = CatalogueTable()
    result.reserveCapacity(entries.count)
    for number in entries.indices {
      let value = entries[number].value
      entries[number].value = .boolean(false)
      // TOML keys are unique within a table, so each is new here.
      result.appendNew(
        entries[number].key, convert(value, file: file), file: file,
        line: entries[number].position.line)
    }
    return result
  }

  private static func convert(_ value: consuming TOMLValue, file: String) -> CatalogueValue {
    switch consume value {
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

/// A table with keys in the order first written, each with the file and line it came from.
struct CatalogueTable: Sendable {
  private struct Entry: Sendable {
    var key: String
    var value: CatalogueValue
    var file: String
    var line: Int
  }

  private var entries: [Entry] = []
  /// Entry numbers by key, kept only for tables large enough to need it.
  private var index: [String: Int]? = nil
  private static let indexedCount = 8

  var keys: [String] { entries.map(\.key) }

  var isEmpty: Bool { entries.isEmpty }

  /// The value of `key`, left behind as `false` so that its memory can go as soon as the
  /// caller is done with it; the key keeps its place and origin.
  mutating func take(_ key: String) -> CatalogueValue? {
    guard let number = entryNumber(of: key) else { return nil }
    let value = entries[number].value
    entries[number].value = .boolean(false)
    return value
  }

  subscript(key: String) -> CatalogueValue? { entryNumber(of: key).map { entries[$0].value } }

  /// `file:line` where `key` was written.
  func origin(of key: String) -> String {
    guard let number = entryNumber(of: key) else { return "" }
    return "\(entries[number].file):\(entries[number].line)"
  }

  private func entryNumber(of key: String) -> Int? {
    if let index { return index[key] }
    return entries.firstIndex { $0.key == key }
  }

  mutating func reserveCapacity(_ count: Int) { entries.reserveCapacity(count) }

  /// Adds `key`, known not to be in the table yet.
  mutating func appendNew(_ key: String, _ value: CatalogueValue, file: String, line: Int) {
    entries.append(Entry(key: key, value: value, file: file, line: line))
    if index != nil {
      index![key] = entries.count - 1
    } else if entries.count > CatalogueTable.indexedCount {
      index = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.key, $0) })
    }
  }

  /// Sets `key`; a new key keeps `file` and `line`, a known one its first place.
  mutating func set(_ key: String, _ value: CatalogueValue, file: String, line: Int) {
    if let number = entryNumber(of: key) {
      entries[number].value = value
      return
    }
    appendNew(key, value, file: file, line: line)
  }

  /// Lifeblood's deep merge: tables merge key by key, anything else is replaced.
  mutating func merge(_ other: CatalogueTable) {
    for incoming in other.entries {
      if let number = entryNumber(of: incoming.key), case .table(var mine) = entries[number].value,
        case .table(let theirs) = incoming.value
      {
        entries[number].value = .boolean(false)
        mine.merge(theirs)
        entries[number].value = .table(mine)
      } else {
        set(incoming.key, incoming.value, file: incoming.file, line: incoming.line)
      }
    }
  }
}
