/// A rez version's requirement numbers, as the index numbers its requirements: the
/// version's own list, then each variant's, each written as its length and then its
/// numbers, all in one slice of an array that a package's versions share (one allocation
/// per package, where a list of lists made one per variant and one more). As a sequence,
/// it gives each list as the places of its numbers in that array, the version's own first.
struct RequirementNumbers: Sequence, Sendable, Equatable {
  private let storage: ArraySlice<Int32>

  init(storage: ArraySlice<Int32>) {
    self.storage = storage
  }

  /// No requirements and no variants: a fact of the machine.
  static let none = RequirementNumbers(storage: [0])

  /// The requirement number at a place a list gave.
  subscript(place: Int) -> Int { Int(storage[place]) }

  struct Iterator: IteratorProtocol {
    fileprivate let storage: ArraySlice<Int32>
    fileprivate var offset: Int

    mutating func next() -> Range<Int>? {
      guard offset < storage.endIndex else { return nil }
      let end = offset + 1 + Int(storage[offset])
      defer { offset = end }
      return offset + 1..<end
    }
  }

  func makeIterator() -> Iterator { Iterator(storage: storage, offset: storage.startIndex) }

  /// The same lists with the version's own (the first) replaced by `own`.
  func replacingOwn(with own: [Int32]) -> RequirementNumbers {
    var lists = makeIterator()
    let first = lists.next() ?? storage.startIndex..<storage.startIndex
    return RequirementNumbers(
      storage: ([Int32(own.count)] + own + storage[first.upperBound...])[...])
  }

  /// How many variants the version has: 0 for a version without.
  var variantCount: Int { reduce(-1) { count, _ in count + 1 } }

  /// How many numbers the longest variant's list holds: 0 for a version without variants.
  var longestVariantList: Int { dropFirst().reduce(0) { Swift.max($0, $1.count) } }
}
