/// The distinct rez ranges one search meets, each by a number, with the result of every
/// union, intersection and difference remembered: rez's search merges and compares the same
/// few ranges many thousand times. Ranges holding the same versions share one number
/// however they were written, so equal numbers are equal sets.
final class RezRangeTable {
  /// No range at all (`~foo`, which constrains nothing).
  static let none: Int32 = -1

  /// A range's bounds with their hash, computed once: hashing every version of the bounds
  /// costs more than the rest of a lookup, and the table hashes each key it holds again
  /// whenever it grows. The bounds are hashed one by one: the array's own `hashValue` runs
  /// unspecialized here, copying each bound.
  private struct Key: Hashable {
    let bounds: [RezRange.Bound]
    let hash: Int

    init(bounds: [RezRange.Bound]) {
      self.bounds = bounds
      var hasher = Hasher()
      for bound in bounds { hasher.combine(bound) }
      hash = hasher.finalize()
    }

    static func == (a: Key, b: Key) -> Bool { a.hash == b.hash && a.bounds == b.bounds }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
  }

  @exclusivity(unchecked) private var ranges: [RezRange] = []
  @exclusivity(unchecked) private var empty: [Bool] = []
  @exclusivity(unchecked) private var numbers: [Key: Int32] = [:]
  /// The result of each operation done, by operation and operands (`key`).
  @exclusivity(unchecked) private var results: [UInt64: Int32] = [:]
  @exclusivity(unchecked) private var supersets: [UInt64: Bool] = [:]
  @exclusivity(unchecked) private var orders: [UInt64: Int8] = [:]
  /// Every version.
  private(set) var any: Int32 = 0

  init() { any = id(of: .any) }

  func id(of range: RezRange) -> Int32 {
    let key = Key(bounds: range.bounds)
    if let known = numbers[key] { return known }
    let number = Int32(ranges.count)
    ranges.append(range)
    empty.append(range.isEmpty)
    numbers[key] = number
    return number
  }

  func range(_ number: Int32) -> RezRange { ranges[Int(number)] }

  func isEmpty(_ number: Int32) -> Bool { empty[Int(number)] }

  private enum Operation: UInt64 { case union, meeting, difference, complement }

  /// Two numbers (each below 2^31) in one word.
  private static func pair(_ a: Int32, _ b: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: a)) << 31 | UInt64(UInt32(bitPattern: b))
  }

  /// The key of an operation on two numbers.
  private static func key(_ operation: Operation, _ a: Int32, _ b: Int32) -> UInt64 {
    operation.rawValue << 62 | pair(a, b)
  }

  private func remembered(
    _ operation: Operation, _ a: Int32, _ b: Int32, _ compute: () -> RezRange
  ) -> Int32 {
    let key = Self.key(operation, a, b)
    if let known = results[key] { return known }
    let result = id(of: compute())
    results[key] = result
    return result
  }

  func union(_ a: Int32, _ b: Int32) -> Int32 {
    remembered(.union, min(a, b), max(a, b)) { range(a).union(range(b)) }
  }

  /// The versions both hold.
  func meeting(_ a: Int32, _ b: Int32) -> Int32 {
    remembered(.meeting, min(a, b), max(a, b)) { range(a).meeting(range(b)) }
  }

  /// The versions `a` holds and `b` does not.
  func subtracting(_ a: Int32, _ b: Int32) -> Int32 {
    remembered(.difference, a, b) { range(a).subtracting(range(b)) }
  }

  func complement(_ a: Int32) -> Int32 {
    remembered(.complement, a, 0) { range(a).complement }
  }

  /// Rez's order of two ranges (-1, 0, 1: `RezRange.compare(to:)`), remembered in a table of
  /// its own; `none` (no range, `~foo`) below every range.
  func compare(_ a: Int32, _ b: Int32) -> Int {
    if a == b { return 0 }
    if a == RezRangeTable.none { return -1 }
    if b == RezRangeTable.none { return 1 }
    let key = Self.pair(a, b)
    if let known = orders[key] { return Int(known) }
    let result = range(a).compare(to: range(b))
    orders[key] = Int8(result)
    return result
  }

  /// Whether `a` holds every version `b` holds, remembered in a table of its own.
  func isSuperset(_ a: Int32, of b: Int32) -> Bool {
    let key = Self.pair(a, b)
    if let known = supersets[key] { return known }
    let result = range(a).isSuperset(of: range(b))
    supersets[key] = result
    return result
  }
}
