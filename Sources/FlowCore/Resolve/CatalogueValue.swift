internal import TOMLKit

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

  /// Tables per parse: the TOML parser slows down with the square of the dotted keys in one
  /// document, so a large catalogue is parsed in slices of whole tables and merged.
  static let tablesPerSlice = 2000

  /// Parses TOML text; an invalid document is an error with its line and column.
  static func parse(_ text: String, file: String) throws -> CatalogueTable {
    let lines = TOMLKeyLines(text: text)
    let bytes = Array(text.utf8)
    var starts = [(offset: 0, line: 1)]
    var index = tablesPerSlice
    while index < lines.headers.count {
      starts.append(lines.headers[index])
      index += tablesPerSlice
    }
    var result = CatalogueTable()
    for (position, start) in starts.enumerated() {
      let end = position + 1 < starts.count ? starts[position + 1].offset : bytes.count
      let slice = String(decoding: bytes[start.offset..<end], as: UTF8.self)
      let document: TOMLTable
      do {
        document = try TOMLTable(string: slice)
      } catch let error as TOMLParseError {
        let begin = error.source.begin
        throw ResolveError.invalidCatalogue(
          Diagnostic(
            file: file,
            position: SourcePosition(line: begin.line + start.line - 1, column: begin.column),
            message: "invalid TOML: \(error.description)"))
      }
      result.merge(convert(document, path: [], lines: lines, file: file))
    }
    return result
  }

  private static func convert(_ table: TOMLTable, path: [String], lines: TOMLKeyLines, file: String)
    -> CatalogueTable
  {
    var result = CatalogueTable()
    for key in lines.ordered(table.keys, under: path) {
      guard let value = table[key] else { continue }
      let line = lines.line(of: path + [key]).map { "\(file):\($0)" } ?? file
      result.set(key, convert(value, path: path + [key], lines: lines, file: file), origin: line)
    }
    return result
  }

  private static func convert(
    _ value: TOMLValueConvertible, path: [String], lines: TOMLKeyLines, file: String
  ) -> CatalogueValue {
    if let table = value.table {
      return .table(convert(table, path: path, lines: lines, file: file))
    }
    if let array = value.array {
      return .array(array.map { convert($0, path: path, lines: lines, file: file) })
    }
    if let string = value.string { return .string(string) }
    if let integer = value.int { return .integer(integer) }
    if let float = value.double { return .float(float) }
    if let boolean = value.bool { return .boolean(boolean) }
    return .other(value.debugDescription)
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
