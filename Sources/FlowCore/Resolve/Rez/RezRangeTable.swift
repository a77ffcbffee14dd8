/// The distinct rez ranges one search meets, each by a number, with the result of every
/// union, intersection and difference remembered: rez's search merges and compares the same
/// few ranges many thousand times. Ranges holding the same versions share one number
/// however they were written, so equal numbers are equal sets.
final class RezRangeTable {
  /// No range at all (`~foo`, which constrains nothing).
  static let none: Int32 = -1

  private struct Key: Hashable {
    var bounds: [RezRange.Bound]
  }

  private var ranges: [RezRange] = []
  private var empty: [Bool] = []
  private var numbers: [Key: Int32] = [:]
  private var unions: [UInt64: Int32] = [:]
  private var meetings: [UInt64: Int32] = [:]
  private var differences: [UInt64: Int32] = [:]
  private var complements: [Int32: Int32] = [:]
  private var supersets: [UInt64: Bool] = [:]
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

  private static func pair(_ a: Int32, _ b: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
  }

  func union(_ a: Int32, _ b: Int32) -> Int32 {
    let key = Self.pair(min(a, b), max(a, b))
    if let known = unions[key] { return known }
    let result = id(of: range(a).union(range(b)))
    unions[key] = result
    return result
  }

  /// The versions both hold.
  func meeting(_ a: Int32, _ b: Int32) -> Int32 {
    let key = Self.pair(min(a, b), max(a, b))
    if let known = meetings[key] { return known }
    let result = id(of: range(a).meeting(range(b)))
    meetings[key] = result
    return result
  }

  /// The versions `a` holds and `b` does not.
  func subtracting(_ a: Int32, _ b: Int32) -> Int32 {
    let key = Self.pair(a, b)
    if let known = differences[key] { return known }
    let result = id(of: range(a).subtracting(range(b)))
    differences[key] = result
    return result
  }

  func complement(_ a: Int32) -> Int32 {
    if let known = complements[a] { return known }
    let result = id(of: range(a).complement)
    complements[a] = result
    return result
  }

  func isSuperset(_ a: Int32, of b: Int32) -> Bool {
    let key = Self.pair(a, b)
    if let known = supersets[key] { return known }
    let result = range(a).isSuperset(of: range(b))
    supersets[key] = result
    return result
  }
}
