/// A requirement in rez's syntax: `foo`, `foo-1.2`, `foo-1.2+<2`, `foo==1.2.3`, `foo<3`,
/// `foo-1.2|1.4`, weak `~foo-2` (if foo is chosen, a version the range holds) and conflict
/// `!foo` / `!foo-2` (no version the range holds).
///
/// The name runs up to the first `-`, `@`, `#`, `=`, `<` or `>`; a `-`, `@` or `#` there only
/// separates, the rest is the range.
public struct RezRequirement: Sendable, Hashable, CustomStringConvertible {
  public let name: String
  public let range: RezRange
  public let kind: PackageRequirement.Kind
  public let text: String

  /// A requirement read before (`CatalogueIndex.rezRequirement`): `text` read as
  /// `init(parsing:)` reads it gives the rest.
  init(name: String, range: RezRange, kind: PackageRequirement.Kind, text: String) {
    self.name = name
    self.range = range
    self.kind = kind
    self.text = text
  }

  public init(parsing text: String) throws {
    self.text = text
    var bytes = Array(text.utf8)[...]
    kind = bytes.first.map(PackageRequirement.kind(marked:)) ?? .required
    if kind != .required { bytes = bytes.dropFirst() }
    let separators: Set<UInt8> = Set("-@#=<>".utf8)
    let end = bytes.firstIndex { separators.contains($0) } ?? bytes.endIndex
    let nameBytes = bytes[bytes.startIndex..<end]
    guard !nameBytes.isEmpty,
      nameBytes.allSatisfy({ RezVersion.isTokenByte($0) || $0 == UInt8(ascii: ".") })
    else {
      let bad = nameBytes.firstIndex { !RezVersion.isTokenByte($0) && $0 != UInt8(ascii: ".") }
      throw ResolveError.invalidRequirement(
        text: text, column: (bad ?? end) + 1,
        reason: "expected a package name of letters, digits, '_' or '.'")
    }
    name = String(decoding: nameBytes, as: UTF8.self)
    var rangeStart = end
    if end < bytes.endIndex, "-@#".utf8.contains(bytes[end]) { rangeStart += 1 }
    let rangeText = String(decoding: bytes[rangeStart...], as: UTF8.self)
    do {
      range = try RezRange(parsing: rangeText)
    } catch let ResolveError.invalidSpec(_, column, reason) {
      throw ResolveError.invalidRequirement(text: text, column: rangeStart + column, reason: reason)
    }
  }

  public var description: String { text }

  /// Whether package `name` is one of rez's ephemerals: it starts with `.`, and no
  /// repository holds it.
  public static func isEphemeral(_ name: String) -> Bool {
    name.utf8.first == UInt8(ascii: ".")
  }

  /// The requirement as rez writes it (`str(Requirement)`): its mark, its name, the
  /// separator written (`-` when none) unless the range starts with an operator, and the
  /// range as rez writes one (`RezRange.boundsText`): `python>=2.7` is `python-2.7+`.
  public var rezText: String {
    let mark = kind.mark
    let range = self.range.boundsText
    guard let first = range.first else { return mark + name }
    if "=<>".contains(first) { return mark + name + range }
    let written = text.utf8.dropFirst(mark.utf8.count + name.utf8.count).first
    let separator = written.flatMap {
      "-@#".utf8.contains($0) ? Character(Unicode.Scalar($0)) : nil
    }
    return mark + name + String(separator ?? "-") + range
  }

  /// Package `name` with `range` as rez writes a request: a range that does not start with
  /// an operator follows the name after a `-` (`foo-1.2+<2`, `foo==1.2.3`, `foo`).
  static func written(_ name: String, _ range: String) -> String {
    range.isEmpty || "<>=".contains(range.first!) ? name + range : name + "-" + range
  }
}

extension RezRange {
  /// The versions both ranges hold.
  public func intersection(_ other: RezRange) -> RezRange {
    RezRange(bounds: sharedBounds(other), text: text + "&" + other.text)
  }

  /// The bounds of the versions both ranges hold, not merged yet.
  func sharedBounds(_ other: RezRange) -> [Bound] {
    var result: [Bound] = []
    for a in bounds {
      for b in other.bounds {
        let lower = RezRange.lowerPrecedes(a.lower, b.lower) ? b.lower : a.lower
        let upper = RezRange.upperPrecedes(a.upper, b.upper) ? a.upper : b.upper
        let bound = Bound(lower: lower, upper: upper)
        if bound.isValid { result.append(bound) }
      }
    }
    return result
  }

  /// Rez's order of ranges (-1, 0, 1): their bounds in turn, each by its lower end, then its
  /// upper end; a range that runs out of bounds first is the smaller.
  public func compare(to other: RezRange) -> Int {
    RezRange.compare(bounds, other.bounds) { a, b in
      let lower = RezRange.compareEnds(a.lower, b.lower, lower: true)
      return lower != 0 ? lower : RezRange.compareEnds(a.upper, b.upper, lower: false)
    }
  }

  static func compareEnds(_ a: End, _ b: End, lower: Bool) -> Int {
    if a == b { return 0 }
    let precedes = lower ? lowerPrecedes(a, b) : upperPrecedes(a, b)
    return precedes ? -1 : 1
  }

  /// Lists in order, element by element with `compare`, the shorter list first on a tie.
  static func compare<Element>(
    _ a: [Element], _ b: [Element], by compare: (Element, Element) -> Int
  ) -> Int {
    for (left, right) in zip(a, b) {
      let order = compare(left, right)
      if order != 0 { return order }
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
  }
}
