/// A subset of one package's choices as bits: bit 0 is "the package is not selected",
/// bit `i + 1` is its `i`-th version (ascending). A positive term of the solver ("foo in S")
/// leaves bit 0 out; a negative one ("not foo in S") holds it.
struct DomainSet: Hashable, Sendable {
  private(set) var words: [UInt64]
  /// Number of choices: versions + 1.
  let size: Int

  init(size: Int) {
    self.size = size
    words = Array(repeating: 0, count: (size + 63) / 64)
  }

  static func all(size: Int) -> DomainSet {
    var set = DomainSet(size: size)
    for index in 0..<size { set.insert(index) }
    return set
  }

  static func single(_ index: Int, size: Int) -> DomainSet {
    var set = DomainSet(size: size)
    set.insert(index)
    return set
  }

  mutating func insert(_ index: Int) { words[index >> 6] |= 1 << UInt64(index & 63) }

  func contains(_ index: Int) -> Bool { words[index >> 6] & (1 << UInt64(index & 63)) != 0 }

  var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

  var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

  var isAll: Bool { count == size }

  /// Holds bit 0: the term is satisfied when the package is absent.
  var includesAbsent: Bool { contains(0) }

  func intersection(_ other: DomainSet) -> DomainSet {
    var result = self
    for index in words.indices { result.words[index] &= other.words[index] }
    return result
  }

  func union(_ other: DomainSet) -> DomainSet {
    var result = self
    for index in words.indices { result.words[index] |= other.words[index] }
    return result
  }

  var complement: DomainSet {
    var result = self
    for index in words.indices { result.words[index] = ~words[index] }
    let extra = result.words.count * 64 - size
    if extra > 0 { result.words[result.words.count - 1] &= ~UInt64(0) >> UInt64(extra) }
    return result
  }

  func isSubset(of other: DomainSet) -> Bool {
    for index in words.indices where words[index] & ~other.words[index] != 0 { return false }
    return true
  }

  func isDisjoint(with other: DomainSet) -> Bool {
    for index in words.indices where words[index] & other.words[index] != 0 { return false }
    return true
  }

  /// The highest set bit, or nil.
  var highest: Int? {
    for index in words.indices.reversed() where words[index] != 0 {
      return index * 64 + 63 - words[index].leadingZeroBitCount
    }
    return nil
  }

  /// Set bits in ascending order.
  var members: [Int] { (0..<size).filter(contains) }
}
