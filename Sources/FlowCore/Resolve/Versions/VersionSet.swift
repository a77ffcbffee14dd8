/// A set of versions as sorted, disjoint intervals, kept apart for releases and prereleases so
/// that "no prereleases unless asked" is a set like any other. Union, intersection and
/// complement are linear in the number of intervals.
public struct VersionSet: Sendable, Hashable, CustomStringConvertible {
  /// Which releases (versions without a prerelease) are in the set.
  public private(set) var releases: [VersionInterval]
  /// Which prereleases are in the set.
  public private(set) var prereleases: [VersionInterval]

  public init(releases: [VersionInterval], prereleases: [VersionInterval]) {
    self.releases = VersionSet.normalized(releases)
    self.prereleases = VersionSet.normalized(prereleases)
  }

  /// The same intervals for releases and prereleases.
  public init(_ intervals: [VersionInterval]) {
    releases = VersionSet.normalized(intervals)
    prereleases = releases
  }

  public static let all = VersionSet([VersionInterval(.minimum, .maximum)])
  public static let empty = VersionSet([])

  /// Versions at or above `lower` (below all its builds) and below `upper`.
  public static func between(_ lower: VersionCut, _ upper: VersionCut) -> VersionSet {
    VersionSet([VersionInterval(lower, upper)])
  }

  /// Every prerelease of the release of `version` (`X.Y.Z-0` up to `X.Y.Z`).
  public static func prereleases(of version: Version) -> VersionSet {
    VersionSet(releases: [], prereleases: [.prereleases(of: version)])
  }

  public var isEmpty: Bool { releases.isEmpty && prereleases.isEmpty }

  public func contains(_ version: Version) -> Bool {
    // Through a buffer, so that reading an interval's cuts does not copy them.
    (version.isPrerelease ? prereleases : releases).withUnsafeBufferPointer { intervals in
      var low = 0
      var high = intervals.count
      while low < high {
        let middle = (low + high) / 2
        if intervals[middle].upper.compare(to: version) <= 0 {
          low = middle + 1
        } else {
          high = middle
        }
      }
      return low < intervals.count && intervals[low].lower.compare(to: version) < 0
        && intervals[low].upper.compare(to: version) > 0
    }
  }

  /// The positions of `versions` in the set, as one range per interval, for releases without
  /// build metadata in ascending order: within such a list, an interval holds a run of
  /// consecutive versions, whose ends are found by binary search.
  func positions(inAscendingReleases versions: [Version]) -> [Range<Int>] {
    releases.withUnsafeBufferPointer { intervals in
      versions.withUnsafeBufferPointer { versions in
        var result: [Range<Int>] = []
        for interval in intervals.indices {
          // The first version above the lower cut, then the first at or above the upper cut.
          let start = VersionSet.firstPosition(in: versions) {
            intervals[interval].lower.compare(to: $0) < 0
          }
          let end = VersionSet.firstPosition(in: versions) {
            intervals[interval].upper.compare(to: $0) <= 0
          }
          if start < end { result.append(start..<end) }
        }
        return result
      }
    }
  }

  /// The first position whose version satisfies `isPast` (false, then true, along the list).
  private static func firstPosition(
    in versions: UnsafeBufferPointer<Version>, where isPast: (Version) -> Bool
  ) -> Int {
    var low = 0
    var high = versions.count
    while low < high {
      let middle = (low + high) / 2
      if isPast(versions[middle]) { high = middle } else { low = middle + 1 }
    }
    return low
  }

  public func union(_ other: VersionSet) -> VersionSet {
    VersionSet(
      releases: releases + other.releases, prereleases: prereleases + other.prereleases)
  }

  /// The union of many sets, in one sort: united one at a time, n sets would cost n².
  public static func union(of sets: [VersionSet]) -> VersionSet {
    VersionSet(releases: sets.flatMap(\.releases), prereleases: sets.flatMap(\.prereleases))
  }

  /// The intersection of many sets: the complement of the union of their complements, so
  /// that it too costs one sort.
  public static func intersection(of sets: [VersionSet]) -> VersionSet {
    if let releases = meet(sets, prereleases: false),
      let prereleases = meet(sets, prereleases: true)
    {
      var result = VersionSet.empty
      result.releases = releases
      result.prereleases = prereleases
      return result
    }
    return union(of: sets.map(\.complement)).complement
  }

  /// The intersection of `list` of every set when each has at most one interval (most specs'
  /// terms), nil otherwise. It keeps the ends the complement of the union would: of equal
  /// cuts (`1.2` and `1.2.0`), the first written.
  private static func meet(_ sets: [VersionSet], prereleases: Bool) -> [VersionInterval]? {
    SpecReadingWork.add(sets.count)
    var lower = VersionCut.minimum
    var upper = VersionCut.maximum
    for index in sets.indices {
      let intervals = prereleases ? sets[index].prereleases : sets[index].releases
      guard intervals.count == 1 else { return intervals.isEmpty ? [] : nil }
      if lower < intervals[0].lower { lower = intervals[0].lower }
      if intervals[0].upper < upper { upper = intervals[0].upper }
    }
    return lower < upper ? [VersionInterval(lower, upper)] : []
  }

  public func intersection(_ other: VersionSet) -> VersionSet {
    var result = VersionSet.empty
    result.releases = VersionSet.intersect(releases, other.releases)
    result.prereleases = VersionSet.intersect(prereleases, other.prereleases)
    return result
  }

  public var complement: VersionSet {
    var result = VersionSet.empty
    result.releases = VersionSet.gaps(releases)
    result.prereleases = VersionSet.gaps(prereleases)
    return result
  }

  /// Keeps the releases, drops every prerelease.
  public var releasesOnly: VersionSet {
    var result = self
    result.prereleases = []
    return result
  }

  public var description: String {
    "releases \(releases.map(\.description).joined(separator: " ")); "
      + "prereleases \(prereleases.map(\.description).joined(separator: " "))"
  }

  static func normalized(_ intervals: [VersionInterval]) -> [VersionInterval] {
    SpecReadingWork.add(intervals.count)
    if intervals.count <= 1 { return intervals.first?.isEmpty ?? true ? [] : intervals }
    return intervals.withUnsafeBufferPointer { intervals in
      // Positions are sorted rather than the intervals, whose every move would retain and
      // release the versions at both ends. The sort keeps equal cuts in the order written.
      var order = intervals.indices.filter { !intervals[$0].isEmpty }
      // Specs list their alternatives mostly in order: told in one pass, the sort is skipped.
      if !order.indices.dropFirst().allSatisfy({
        !(intervals[order[$0]].lower < intervals[order[$0 - 1]].lower)
      }) {
        order.sort { intervals[$0].lower < intervals[$1].lower }
      }
      var result: [VersionInterval] = []
      result.reserveCapacity(order.count)
      // Read in place, through positions: copying an interval retains both its versions.
      for position in order {
        if let last = result.indices.last, !(result[last].upper < intervals[position].lower) {
          if result[last].upper < intervals[position].upper {
            result[last].upper = intervals[position].upper
          }
        } else {
          result.append(intervals[position])
        }
      }
      return result
    }
  }

  static func intersect(_ left: [VersionInterval], _ right: [VersionInterval]) -> [VersionInterval]
  {
    SpecReadingWork.add(left.count + right.count)
    var result: [VersionInterval] = []
    var i = 0
    var j = 0
    while i < left.count && j < right.count {
      let lower = max(left[i].lower, right[j].lower)
      let upper = min(left[i].upper, right[j].upper)
      if lower < upper { result.append(VersionInterval(lower, upper)) }
      if left[i].upper < right[j].upper { i += 1 } else { j += 1 }
    }
    return result
  }

  static func gaps(_ intervals: [VersionInterval]) -> [VersionInterval] {
    SpecReadingWork.add(intervals.count)
    var result: [VersionInterval] = []
    var cursor = VersionCut.minimum
    for interval in intervals {
      if cursor < interval.lower { result.append(VersionInterval(cursor, interval.lower)) }
      cursor = interval.upper
    }
    if cursor < .maximum { result.append(VersionInterval(cursor, .maximum)) }
    return result
  }
}
