/// Rez ranges as sets of versions: what rez's solver computes with when it merges, extracts
/// and reduces requirements. Results are written as their bounds (no text of their own).
extension RezRange {
  /// A range of the given bounds, merged.
  init(bounds: [Bound]) { self.init(bounds: bounds, text: "") }

  /// Whether the range holds no version (an empty intersection or difference).
  public var isEmpty: Bool { bounds.isEmpty }

  /// Every version the range does not hold.
  public var complement: RezRange {
    var gaps: [Bound] = []
    var lower = End(version: .empty, inclusive: true)
    for bound in bounds {
      let gap = Bound(
        lower: lower, upper: End(version: bound.lower.version, inclusive: !bound.lower.inclusive))
      if gap.isValid { gaps.append(gap) }
      lower = End(version: bound.upper.version, inclusive: !bound.upper.inclusive)
    }
    let last = Bound(lower: lower, upper: End(version: .infinity, inclusive: true))
    if last.isValid { gaps.append(last) }
    return RezRange(bounds: gaps)
  }

  /// The versions both hold, without a text that grows with each step.
  public func meeting(_ other: RezRange) -> RezRange {
    RezRange(bounds: sharedBounds(other))
  }

  public func union(_ other: RezRange) -> RezRange { RezRange(bounds: bounds + other.bounds) }

  /// The versions this range holds and `other` does not.
  public func subtracting(_ other: RezRange) -> RezRange { meeting(other.complement) }

  public func isSuperset(of other: RezRange) -> Bool { other.subtracting(self).isEmpty }

  public func intersects(_ other: RezRange) -> Bool { !meeting(other).isEmpty }

  /// The range written from its bounds, as rez writes one (`VersionRange.__str__`): bounds
  /// joined by `|`, each as `1.2+`, `==1.2`, `1.2..2`, `<=2`, `1.2` (from 1.2 to below
  /// `1.2_`) or its two ends (`1.2+<2`, `>1<=3`); every version is the empty text.
  public var boundsText: String {
    bounds.map { bound -> String in
      let (lower, upper) = (bound.lower, bound.upper)
      let lowerText =
        lower.version == .empty
        ? (lower.inclusive ? "" : ">")
        : (lower.inclusive ? "\(lower.version)+" : ">\(lower.version)")
      if upper.version == .infinity { return lowerText }
      if lower.version == upper.version { return "==\(lower.version)" }
      if lower.inclusive && upper.inclusive {
        return lower.version == .empty ? "<=\(upper.version)" : "\(lower.version)..\(upper.version)"
      }
      if lower.inclusive && !upper.inclusive && lower.version.next == upper.version {
        return lower.version.text
      }
      return lowerText + (upper.inclusive ? "<=" : "<") + upper.version.text
    }.joined(separator: "|")
  }

  /// Whether both hold the same versions, however written.
  public func holdsSameVersions(as other: RezRange) -> Bool { bounds == other.bounds }
}
