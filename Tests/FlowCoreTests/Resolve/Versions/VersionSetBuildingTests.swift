import Testing

@testable import FlowCore

/// The shortcuts that build a spec's sets give what the general operations give, down to which
/// of two equal cuts (`1.2` and `1.2.0` name one point) ends an interval, which a set's
/// description shows.
@Suite struct VersionSetBuildingTests {
  static func cut(_ text: String) throws -> VersionCut { .below(try Version(parsing: text)) }

  /// Intervals with ties between equal cuts, in no particular order.
  static func intervals() throws -> [VersionInterval] {
    [
      VersionInterval(try cut("3.0"), try cut("4.0.0")),
      VersionInterval(try cut("1.2"), try cut("2")),
      VersionInterval(try cut("1.2.0"), try cut("2.0.0")),
      VersionInterval(try cut("5"), try cut("5.0")),
      VersionInterval(try cut("2.0"), try cut("2.5")),
      VersionInterval(.minimum, try cut("0.1")),
    ]
  }

  @Test func intersectionOfSingleIntervalsKeepsTheEndsOfTheComplementOfTheUnion() throws {
    let sets = try Self.intervals().map { VersionSet([$0]) }
    for count in 1...sets.count {
      for start in 0..<sets.count {
        let chosen = (0..<count).map { sets[($0 + start) % sets.count] }
        let general = VersionSet.union(of: chosen.map(\.complement)).complement
        #expect(VersionSet.intersection(of: chosen).description == general.description)
      }
    }
    let overlapping = [
      VersionSet([VersionInterval(try Self.cut("1.0"), .maximum)]),
      VersionSet([VersionInterval(try Self.cut("1.0.0"), try Self.cut("3"))]),
      VersionSet([VersionInterval(.minimum, try Self.cut("3.0.0"))]),
    ]
    #expect(
      VersionSet.intersection(of: overlapping).description
        == "releases (<1.0, <3); prereleases (<1.0, <3)")
  }

  @Test func intervalsInOrderMergeAsTheSortedOnesDo() throws {
    let intervals = try Self.intervals()
    let sorted = intervals.enumerated().sorted {
      $0.element.lower < $1.element.lower
        || (!($1.element.lower < $0.element.lower) && $0.offset < $1.offset)
    }.map(\.element)
    #expect(VersionSet.normalized(intervals) == VersionSet.normalized(sorted))
    #expect(
      VersionSet.normalized(intervals).map(\.description)
        == VersionSet.normalized(sorted).map(\.description))
    #expect(
      VersionSet(intervals).description
        == "releases (-inf, <0.1) (<1.2, <2.5) (<3.0, <4.0.0); "
        + "prereleases (-inf, <0.1) (<1.2, <2.5) (<3.0, <4.0.0)")
  }
}
