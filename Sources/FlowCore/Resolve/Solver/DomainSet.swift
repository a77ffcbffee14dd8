/// A subset of one package's choices as bits: bit 0 is "the package is not selected",
/// bit `i + 1` is its `i`-th version (ascending). A positive term of the solver ("foo in S")
/// leaves bit 0 out; a negative one ("not foo in S") holds it.
///
/// The first 64 bits live inline, so packages with up to 63 versions never allocate.
struct DomainSet: Hashable, Sendable {
  private var first: UInt64 = 0
  private var rest: [UInt64]
  /// Number of choices: versions + 1.
  let size: Int

  init(size: Int) {
    self.size = size
    rest = size > 64 ? Array(repeating: 0, count: (size - 1) / 64) : []
  }

  static func all(size: Int) -> DomainSet { DomainSet(size: size).complement }

  static func single(_ index: Int, size: Int) -> DomainSet {
    var set = DomainSet(size: size)
    set.insert(index)
    return set
  }

  mutating func insert(_ index: Int) {
    if index < 64 {
      first |= 1 << UInt64(index)
    } else {
      rest[(index >> 6) - 1] |= 1 << UInt64(index & 63)
    }
  }

  func contains(_ index: Int) -> Bool {
    let word = index < 64 ? first : rest[(index >> 6) - 1]
    return word & (1 << UInt64(index & 63)) != 0
  }

  var isEmpty: Bool { first == 0 && rest.allSatisfy { $0 == 0 } }

  var count: Int { rest.reduce(first.nonzeroBitCount) { $0 + $1.nonzeroBitCount } }

  var isAll: Bool { count == size }

  /// Holds bit 0: the term is satisfied when the package is absent.
  var includesAbsent: Bool { first & 1 != 0 }

  /// The same versions without bit 0.
  var removingAbsent: DomainSet {
    var result = self
    result.first &= ~1
    return result
  }

  func intersection(_ other: DomainSet) -> DomainSet {
    var result = self
    result.first &= other.first
    for index in rest.indices { result.rest[index] &= other.rest[index] }
    return result
  }

  func union(_ other: DomainSet) -> DomainSet {
    var result = self
    result.first |= other.first
    for index in rest.indices { result.rest[index] |= other.rest[index] }
    return result
  }

  var complement: DomainSet {
    var result = self
    result.first = ~first
    for index in rest.indices { result.rest[index] = ~rest[index] }
    let extra = (rest.count + 1) * 64 - size
    if extra > 0 {
      let mask = ~UInt64(0) >> UInt64(extra)
      if rest.isEmpty { result.first &= mask } else { result.rest[rest.count - 1] &= mask }
    }
    return result
  }

  func isSubset(of other: DomainSet) -> Bool {
    if first & ~other.first != 0 { return false }
    for index in rest.indices where rest[index] & ~other.rest[index] != 0 { return false }
    return true
  }

  func isDisjoint(with other: DomainSet) -> Bool {
    if first & other.first != 0 { return false }
    for index in rest.indices where rest[index] & other.rest[index] != 0 { return false }
    return true
  }

  /// The highest set bit, or nil.
  var highest: Int? {
    for index in rest.indices.reversed() where rest[index] != 0 {
      return (index + 1) * 64 + 63 - rest[index].leadingZeroBitCount
    }
    return first == 0 ? nil : 63 - first.leadingZeroBitCount
  }

  /// Set bits in ascending order.
  var members: [Int] { (0..<size).filter(contains) }
}
