/// A rez version's requirement numbers, as the index numbers its requirements: the
/// version's own list, then each variant's, each written as its length and then its
/// numbers, all in one array. Reading a package's versions makes one array per version
/// this way, where a list of lists made one per variant and one more.
struct RequirementNumbers: Sendable {
  private let storage: [Int32]

  init(storage: [Int32]) {
    self.storage = storage
  }

  /// No requirements and no variants: a fact of the machine.
  static let none = RequirementNumbers(storage: [0])

  /// The version's own list: where its numbers lie, and where the next list starts.
  var own: (numbers: Range<Int>, next: Int) { list(at: 0) }

  /// The list that starts at `offset` (the version's own at 0, each variant's at the
  /// `next` of the one before): where its numbers lie, and where the next list starts.
  func list(at offset: Int) -> (numbers: Range<Int>, next: Int) {
    let end = offset + 1 + Int(storage[offset])
    return (offset + 1..<end, end)
  }

  /// Whether a list starts at `offset`.
  func hasList(at offset: Int) -> Bool { offset < storage.count }

  /// The requirement number at a place `list(at:)` gave.
  subscript(place: Int) -> Int { Int(storage[place]) }

  /// How many variants the version has: 0 for a version without.
  var variantCount: Int {
    var count = 0
    var offset = own.next
    while hasList(at: offset) {
      offset = list(at: offset).next
      count += 1
    }
    return count
  }

  /// How many numbers the longest variant's list holds: 0 for a version without variants.
  var longestVariantList: Int {
    var longest = 0
    var offset = own.next
    while hasList(at: offset) {
      let list = list(at: offset)
      longest = max(longest, list.numbers.count)
      offset = list.next
    }
    return longest
  }
}
