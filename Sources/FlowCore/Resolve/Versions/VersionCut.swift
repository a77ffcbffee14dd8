/// A point between versions, used as the end of an interval.
///
/// `below(v)` sits before every build of `v`'s precedence, `above(v)` after every build of it;
/// `justBelow(v)` and `justAbove(v)` enclose the one build `v` (for `==1.2.3+b`).
public struct VersionCut: Sendable, Hashable, Comparable, CustomStringConvertible {
  enum Level: UInt8 {
    case belowAll = 0
    case justBelow = 1
    case justAbove = 3
    case aboveAll = 4
  }

  /// The version the cut is placed at; a placeholder at the infinities, never read there.
  /// Not optional, so that comparing two cuts reads their versions in place.
  let version: Version
  let level: Level
  /// -1 below everything, 0 finite, 1 above everything.
  let infinity: Int8

  public static let minimum = VersionCut(version: Version(0), level: .belowAll, infinity: -1)
  public static let maximum = VersionCut(version: Version(0), level: .aboveAll, infinity: 1)

  public static func below(_ version: Version) -> VersionCut {
    VersionCut(version: version.withoutBuild, level: .belowAll, infinity: 0)
  }
  public static func above(_ version: Version) -> VersionCut {
    VersionCut(version: version.withoutBuild, level: .aboveAll, infinity: 0)
  }
  public static func justBelow(_ version: Version) -> VersionCut {
    VersionCut(version: version, level: .justBelow, infinity: 0)
  }
  public static func justAbove(_ version: Version) -> VersionCut {
    VersionCut(version: version, level: .justAbove, infinity: 0)
  }

  /// Orders a cut against a version, which sits at level 2 among cuts of its precedence.
  func compare(to version: Version) -> Int {
    if infinity != 0 { return Int(infinity) }
    let order = self.version.comparePrecedence(version)
    if order != 0 { return order }
    switch level {
    case .belowAll: return -1
    case .aboveAll: return 1
    case .justBelow, .justAbove:
      let builds = Version.compareIdentifiers(
        self.version.build, version.build, emptyIsHighest: false)
      if builds != 0 { return builds }
      return level == .justBelow ? -1 : 1
    }
  }

  public static func < (left: VersionCut, right: VersionCut) -> Bool {
    if left.infinity != right.infinity { return left.infinity < right.infinity }
    // Both at the same infinity: equal.
    if left.infinity != 0 { return false }
    let order = left.version.comparePrecedence(right.version)
    if order != 0 { return order < 0 }
    if left.tier != right.tier { return left.tier < right.tier }
    if left.tier != 1 { return false }
    let builds = Version.compareIdentifiers(
      left.version.build, right.version.build, emptyIsHighest: false)
    if builds != 0 { return builds < 0 }
    return left.level.rawValue < right.level.rawValue
  }

  /// 0 before every build, 1 around one build, 2 after every build.
  private var tier: Int {
    switch level {
    case .belowAll: return 0
    case .justBelow, .justAbove: return 1
    case .aboveAll: return 2
    }
  }

  public static func == (left: VersionCut, right: VersionCut) -> Bool {
    !(left < right) && !(right < left)
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(infinity)
    hasher.combine(level)
    hasher.combine(infinity == 0 ? version.withoutBuild : nil)
  }

  public var description: String {
    if infinity < 0 { return "-inf" }
    if infinity > 0 { return "+inf" }
    switch level {
    case .belowAll: return "<\(version)"
    case .justBelow: return "<=\(version)"
    case .justAbove: return "\(version)>="
    case .aboveAll: return "\(version)>"
    }
  }
}

/// The versions strictly between two cuts.
public struct VersionInterval: Sendable, Hashable, CustomStringConvertible {
  public var lower: VersionCut
  public var upper: VersionCut

  public init(_ lower: VersionCut, _ upper: VersionCut) {
    self.lower = lower
    self.upper = upper
  }

  public var isEmpty: Bool { !(lower < upper) }

  /// Every version.
  static let all = VersionInterval(.minimum, .maximum)

  /// Every prerelease of the release of `version` (`X.Y.Z-0` up to `X.Y.Z`).
  static func prereleases(of version: Version) -> VersionInterval {
    let release = version.releaseOnly
    return VersionInterval(.below(release.lowestPrerelease), .below(release))
  }

  /// The versions in both, nil when none: as `VersionSet.intersection` meets two intervals,
  /// so that ties between equal cuts keep the same ends.
  func intersection(_ other: VersionInterval) -> VersionInterval? {
    let meet = VersionInterval(max(lower, other.lower), min(upper, other.upper))
    return meet.isEmpty ? nil : meet
  }

  public func contains(_ version: Version) -> Bool {
    lower.compare(to: version) < 0 && upper.compare(to: version) > 0
  }

  public var description: String { "(\(lower), \(upper))" }
}
