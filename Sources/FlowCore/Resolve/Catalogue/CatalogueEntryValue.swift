/// A value a catalogue entry is read from: a merged `CatalogueValue`, or a `TOMLValue`
/// straight from a document. Both give the same texts, so an entry reads the same either way.
protocol CatalogueEntryValue {
  associatedtype Table: CatalogueEntryTable where Table.Value == Self
  var table: Table? { get }
  /// The text Lifeblood would use: python's `str()` of a scalar; nil for tables and arrays.
  var text: String? { get }
  var integer: Int? { get }
  /// The items of an array.
  var items: [Self]? { get }
}

protocol CatalogueEntryTable {
  associatedtype Value
  /// The keys in written order.
  var keys: [String] { get }
  subscript(key: String) -> Value? { get }
}

extension CatalogueEntryValue {
  /// A string or a list of scalars, as `env` values and `requires` allow.
  var texts: [String]? {
    if let items {
      let texts = items.compactMap(\.text)
      return texts.count == items.count ? texts : nil
    }
    return text.map { [$0] }
  }

  /// python's `str()` of a float, as both kinds of values give it.
  static func text(of number: Double) -> String { String(number) }
}

extension CatalogueTable: CatalogueEntryTable {}
extension TOMLTable: CatalogueEntryTable {}

extension TOMLValue: CatalogueEntryValue {
  var text: String? {
    switch self {
    case .string(let text): return text
    case .integer(let value): return String(value)
    case .float(let value): return Self.text(of: value)
    case .boolean(let value): return value ? "True" : "False"
    case .offsetDateTime(let text), .localDateTime(let text), .localDate(let text),
      .localTime(let text):
      return text
    case .table, .array: return nil
    }
  }

  var integer: Int? {
    if case .integer(let value) = self { return value }
    return nil
  }

  var items: [TOMLValue]? {
    if case .array(let items) = self { return items }
    return nil
  }
}
