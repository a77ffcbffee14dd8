/// A TOML table: its keys in the order written, each with the position where it was first
/// written (for a table made by a header or a dotted key, where its name first appears).
public struct TOMLTable: Hashable, Sendable {
  public struct Entry: Hashable, Sendable {
    public var key: String
    public var value: TOMLValue
    public var position: SourcePosition
  }

  /// The entries in written order.
  public private(set) var entries: [Entry] = []
  /// Entry numbers by key, kept only for tables large enough to need it.
  private var index: [String: Int]? = nil
  private static let indexedCount = 8

  public init() {}

  /// `index`, when given, must number the entries by key.
  init(entries: [Entry], index: [String: Int]? = nil) {
    self.entries = entries
    self.index = index
    if index == nil && entries.count > TOMLTable.indexedCount { buildIndex() }
  }

  public var keys: [String] { entries.map(\.key) }
  public var count: Int { entries.count }

  public subscript(key: String) -> TOMLValue? {
    entryNumber(of: key).map { entries[$0].value }
  }

  /// Where `key` was first written.
  public func position(of key: String) -> SourcePosition? {
    entryNumber(of: key).map { entries[$0].position }
  }

  func entryNumber(of key: String) -> Int? {
    if let index { return index[key] }
    return entries.firstIndex { $0.key == key }
  }

  /// Tables are equal when they hold the same keys, in the same order, with equal values;
  /// where they were written does not count.
  public static func == (left: TOMLTable, right: TOMLTable) -> Bool {
    left.entries.count == right.entries.count
      && zip(left.entries, right.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
  }

  public func hash(into hasher: inout Hasher) {
    for entry in entries {
      hasher.combine(entry.key)
      hasher.combine(entry.value)
    }
  }

  private mutating func buildIndex() {
    var built: [String: Int] = [:]
    built.reserveCapacity(entries.count)
    for (number, entry) in entries.enumerated() { built[entry.key] = number }
    index = built
  }
}
