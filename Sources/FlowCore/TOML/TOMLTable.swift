/// A TOML table: its keys in the order written, each with the position where it was first
/// written (for a table made by a header or a dotted key, where its name first appears) and,
/// when tables of several files are merged, the number of that file.
public struct TOMLTable: Hashable, Sendable {
  public struct Entry: Hashable, Sendable {
    public var key: String
    public var value: TOMLValue
    public var position: SourcePosition
    /// The number of the file the key was first written in, among those merged.
    public var file = 0
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

  /// The number of the file `key` was first written in.
  public func file(of key: String) -> Int? {
    entryNumber(of: key).map { entries[$0].file }
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

  /// Lifeblood's deep merge of a later file's table: tables merge key by key, any other
  /// value is replaced; a key keeps the place and file where it was first written.
  public mutating func merge(_ later: TOMLTable) {
    for incoming in later.entries {
      guard let number = entryNumber(of: incoming.key) else {
        append(incoming)
        continue
      }
      if case .table(var mine) = entries[number].value, case .table(let theirs) = incoming.value {
        // Released first, so that `mine` is not copied to be changed.
        entries[number].value = .boolean(false)
        mine.merge(theirs)
        entries[number].value = .table(mine)
      } else {
        entries[number].value = incoming.value
      }
    }
  }

  /// Marks every key, in nested tables too, as written in file number `file`.
  public mutating func setFile(_ file: Int) {
    for number in entries.indices {
      entries[number].file = file
      guard case .table(var table) = entries[number].value else { continue }
      entries[number].value = .boolean(false)
      table.setFile(file)
      entries[number].value = .table(table)
    }
  }

  /// The value of `key`, left behind as `false` so that its memory can go as soon as the
  /// caller is done with it; the key keeps its place.
  mutating func take(_ key: String) -> TOMLValue? {
    guard let number = entryNumber(of: key) else { return nil }
    let value = entries[number].value
    entries[number].value = .boolean(false)
    return value
  }

  private mutating func append(_ entry: Entry) {
    entries.append(entry)
    if index != nil {
      index![entry.key] = entries.count - 1
    } else if entries.count > TOMLTable.indexedCount {
      buildIndex()
    }
  }

  private mutating func buildIndex() {
    var built: [String: Int] = [:]
    built.reserveCapacity(entries.count)
    for (number, entry) in entries.enumerated() { built[entry.key] = number }
    index = built
  }
}
