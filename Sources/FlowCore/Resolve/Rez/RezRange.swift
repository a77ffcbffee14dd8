/// A rez version range: contiguous bounds joined by `|`, as rez reads them.
///
/// - `1.2`: the version and every version it prefixes (`1.2`, `1.2.5`; not `1.20`);
/// - `==1.2`: that version only; `1.2+`, `>=1.2`, `>1.2`, `<2`, `<=2`: one-sided;
/// - `1.2+<2`, `>=1.2<2`, `>1<=5`, `1+,<2`, `1..5` (both ends included), and in reverse order
///   with a comma, `<2,>=1.2`;
/// - empty: any version; an empty `|` branch makes the whole range any version.
///
/// A bound whose lower end lies above its upper end (`4+<2`, `3+<3`) is an error, as in rez.
public struct RezRange: Sendable, Hashable, CustomStringConvertible {
  /// One end of a bound: a version, included or not.
  public struct End: Sendable, Hashable {
    public var version: RezVersion
    public var inclusive: Bool
  }

  /// The versions between two ends.
  public struct Bound: Sendable, Hashable {
    public var lower: End
    public var upper: End

    public static let any = Bound(
      lower: End(version: .empty, inclusive: true), upper: End(version: .infinity, inclusive: true))

    public func contains(_ version: RezVersion) -> Bool {
      isAboveLower(version) && isBelowUpper(version)
    }

    func isAboveLower(_ version: RezVersion) -> Bool {
      let order = RezVersion.compare(lower.version, version)
      return order < 0 || (order == 0 && lower.inclusive)
    }

    func isBelowUpper(_ version: RezVersion) -> Bool {
      let order = RezVersion.compare(version, upper.version)
      return order < 0 || (order == 0 && upper.inclusive)
    }

    /// Whether the lower end lies at or below the upper one with something between.
    var isValid: Bool {
      lower.version < upper.version
        || (lower.version == upper.version && lower.inclusive && upper.inclusive)
    }
  }

  /// The bounds, ascending and merged where they touch.
  public let bounds: [Bound]
  /// The range as written.
  public let text: String

  public static let any = RezRange(bounds: [.any], text: "")

  init(bounds: [Bound], text: String) {
    self.bounds = RezRange.merged(bounds)
    self.text = text
  }

  /// Bounds merged before, as `bounds` holds them (a range read back from an index).
  init(mergedBounds: [Bound], text: String) {
    self.bounds = mergedBounds
    self.text = text
  }

  public var isAny: Bool { bounds == [.any] }

  public var description: String { text }

  public func contains(_ version: RezVersion) -> Bool {
    bounds.contains { $0.contains(version) }
  }

  /// Reads a range. Throws `ResolveError.invalidSpec` with the column of the problem.
  public init(parsing text: String) throws {
    var bounds: [Bound] = []
    var isAny = false
    var offset = 0
    for part in text.split(separator: "|", omittingEmptySubsequences: false) {
      let partText = String(part)
      if partText.isEmpty {
        isAny = true
      } else {
        do {
          var reader = RezRangeReader(text: partText)
          bounds.append(try reader.bound())
        } catch let RezRangeReader.Failure.at(column, reason) {
          throw ResolveError.invalidSpec(text: text, column: offset + column, reason: reason)
        }
      }
      offset += partText.utf8.count + 1
    }
    self.init(bounds: isAny ? [.any] : bounds, text: text)
  }

  /// Sorts the bounds and joins those that overlap or touch (`1|1_` is `1+<1__`).
  static func merged(_ bounds: [Bound]) -> [Bound] {
    // Sorted only when out of order: most lists join ranges already sorted, and a bound
    // copied costs a reference count for each version it holds.
    let inOrder = zip(bounds, bounds.dropFirst()).allSatisfy {
      !RezRange.lowerPrecedes($1.lower, $0.lower)
    }
    let sorted = inOrder ? bounds : bounds.sorted { RezRange.lowerPrecedes($0.lower, $1.lower) }
    var result: [Bound] = []
    result.reserveCapacity(sorted.count)
    for bound in sorted {
      let last = result.count - 1
      if last >= 0, RezRange.touches(result[last].upper, bound.lower) {
        if RezRange.upperPrecedes(result[last].upper, bound.upper) {
          result[last].upper = bound.upper
        }
      } else {
        result.append(bound)
      }
    }
    return result
  }

  /// Lower ends in order: by version, an included end before an excluded one.
  static func lowerPrecedes(_ a: End, _ b: End) -> Bool {
    a.version < b.version || (a.version == b.version && a.inclusive && !b.inclusive)
  }

  /// Upper ends in order: by version, an excluded end before an included one.
  static func upperPrecedes(_ a: End, _ b: End) -> Bool {
    a.version < b.version || (a.version == b.version && !a.inclusive && b.inclusive)
  }

  /// Whether a bound ending at `upper` and one starting at `lower` leave no version between.
  private static func touches(_ upper: End, _ lower: End) -> Bool {
    lower.version < upper.version
      || (lower.version == upper.version && (lower.inclusive || upper.inclusive))
  }
}

/// Reads one `|`-separated part of a rez range.
struct RezRangeReader {
  enum Failure: Error { case at(Int, String) }

  let text: String
  let bytes: [UInt8]
  var index = 0

  init(text: String) {
    self.text = text
    bytes = Array(text.utf8)
  }

  var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

  mutating func take(_ literal: StaticString) -> Bool {
    // Compared where they lie: every range read tries several operators at each step.
    let count = literal.utf8CodeUnitCount
    guard index + count <= bytes.count else { return false }
    let start = literal.utf8Start
    for offset in 0..<count where bytes[index + offset] != start[offset] { return false }
    index += count
    return true
  }

  /// A version: tokens joined by `.` or `-`; nil when none starts here.
  mutating func version() throws -> RezVersion? {
    let start = index
    while let byte = peek {
      if RezVersion.isTokenByte(byte) {
        index += 1
      } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-"), index > start,
        index + 1 < bytes.count, RezVersion.isTokenByte(bytes[index + 1])
      {
        index += 1
      } else {
        break
      }
    }
    if index == start { return nil }
    let written = String(decoding: bytes[start..<index], as: UTF8.self)
    do {
      return try RezVersion(parsing: written, rangeSeparators: true)
    } catch {
      throw Failure.at(start + 1, "not a rez version: '\(written)'")
    }
  }

  func failure(_ reason: String) -> Failure { .at(index + 1, reason) }

  /// An upper end, `<V` or `<=[V]`; nil when none starts here.
  mutating func upperEnd() throws -> RezRange.End? {
    if take("<=") { return .init(version: try version() ?? .empty, inclusive: true) }
    guard take("<") else { return nil }
    guard let version = try version() else { throw failure("expected a version after '<'") }
    return .init(version: version, inclusive: false)
  }

  /// A lower end written with an operator, `>V` or `>=V` (either without a version: the
  /// empty version); nil when none starts here.
  mutating func operatorLowerEnd() throws -> RezRange.End? {
    if take(">=") { return .init(version: try version() ?? .empty, inclusive: true) }
    guard take(">") else { return nil }
    return .init(version: try version() ?? .empty, inclusive: false)
  }

  mutating func bound() throws -> RezRange.Bound {
    let result = try readBound()
    if let byte = peek {
      throw failure("unexpected '\(Character(Unicode.Scalar(byte)))'")
    }
    guard result.isValid else {
      throw Failure.at(1, "the lower end of '\(text)' lies above its upper end")
    }
    return result
  }

  private mutating func readBound() throws -> RezRange.Bound {
    let minimum = RezRange.End(version: .empty, inclusive: true)
    let maximum = RezRange.End(version: .infinity, inclusive: true)
    if take("==") {
      let version = try self.version() ?? .empty
      return .init(
        lower: .init(version: version, inclusive: true),
        upper: .init(version: version, inclusive: true))
    }
    if let upper = try upperEnd() {
      // `<2,>=1` and `<=2,1+`: the reverse order needs its comma.
      guard take(",") else { return .init(lower: minimum, upper: upper) }
      if let lower = try operatorLowerEnd() { return .init(lower: lower, upper: upper) }
      if let version = try version(), take("+") {
        return .init(lower: .init(version: version, inclusive: true), upper: upper)
      }
      throw failure("expected a lower bound after ','")
    }
    if let lower = try operatorLowerEnd() {
      let comma = take(",")
      if let upper = try upperEnd() { return .init(lower: lower, upper: upper) }
      if comma { throw failure("expected an upper bound after ','") }
      return .init(lower: lower, upper: maximum)
    }
    let version = try self.version()
    if take("..") {
      let upper = try self.version() ?? .empty
      return .init(
        lower: .init(version: version ?? .empty, inclusive: true),
        upper: .init(version: upper, inclusive: true))
    }
    let plus = take("+")
    guard version != nil || plus else { throw failure("expected a version or a bound") }
    let lower = RezRange.End(version: version ?? .empty, inclusive: true)
    let comma = version != nil && take(",")
    if let upper = try upperEnd() { return .init(lower: lower, upper: upper) }
    if comma { throw failure("expected an upper bound after ','") }
    if plus { return .init(lower: lower, upper: maximum) }
    // A bare version: itself and every version it prefixes.
    let exact = version ?? .empty
    return .init(lower: lower, upper: .init(version: exact.next, inclusive: false))
  }
}
