/// A process environment: variable names to values, the names keyed by their exact bytes.
/// To the OS a name is a byte string, so `CAFÉ` spelled with U+00C9 and with `E` + U+0301
/// are two variables, where a `[String: String]` would merge them into one. Iteration is
/// in the names' byte order, so argv and envp built from it are the same on every run.
public struct EnvironmentMap: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
  public typealias Element = (key: String, value: String)

  private var storage: [ExactString: String]

  public init() { storage = [:] }

  /// The entries in order; a later entry of the same name replaces an earlier one.
  public init<Entries: Sequence>(_ entries: Entries)
  where Entries.Element == (key: String, value: String) {
    storage = [:]
    for entry in entries { storage[ExactString(entry.key)] = entry.value }
  }

  public init(dictionaryLiteral elements: (String, String)...) {
    self.init(elements.map { (key: $0.0, value: $0.1) })
  }

  public subscript(name: String) -> String? {
    get { storage[ExactString(name)] }
    set { storage[ExactString(name)] = newValue }
  }

  public subscript(name: String, default value: @autoclosure () -> String) -> String {
    storage[ExactString(name)] ?? value()
  }

  public var count: Int { storage.count }
  public var isEmpty: Bool { storage.isEmpty }

  /// The names, in byte order.
  public var keys: [String] { map(\.key) }

  @discardableResult
  public mutating func removeValue(forKey name: String) -> String? {
    storage.removeValue(forKey: ExactString(name))
  }

  /// The entries `isIncluded` keeps, still keyed by exact bytes.
  public func filter(_ isIncluded: (Element) throws -> Bool) rethrows -> EnvironmentMap {
    EnvironmentMap(try sortedEntries.filter(isIncluded))
  }

  /// Each entry, in no particular order: for a consumer the order does not reach (an
  /// index of the names), which then pays for no sort.
  func forEachUnordered(_ body: (_ name: String, _ value: String) -> Void) {
    for (name, value) in storage { body(name.text, value) }
  }

  public func makeIterator() -> IndexingIterator<[Element]> {
    sortedEntries.makeIterator()
  }

  private var sortedEntries: [Element] {
    storage.map { (key: $0.key.text, value: $0.value) }.sorted {
      $0.key.utf8.lexicographicallyPrecedes($1.key.utf8)
    }
  }
}
