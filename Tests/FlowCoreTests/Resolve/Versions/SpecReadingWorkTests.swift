import Testing

@testable import FlowCore

/// Reading a spec takes work in proportion to its length: ten times the terms, about ten
/// times the steps (a quadratic reader takes a hundred times). A spec of 6,000 `||`
/// alternatives once took 12 to 21 seconds. Steps are counted, not timed.
@Suite struct SpecReadingWorkTests {
  static func steps(_ text: String) throws -> Int {
    let counter = SpecReadingWork.Counter()
    try SpecReadingWork.$counter.withValue(counter) { _ = try VersionSpec(parsing: text) }
    return counter.steps
  }

  /// The work for 60,000 terms over the work for 6,000, for specs made by `spec`.
  static func growth(_ spec: (Int) -> String) throws -> Double {
    let small = try steps(spec(6_000))
    let large = try steps(spec(60_000))
    #expect(small > 6_000)
    return Double(large) / Double(small)
  }

  static func list(_ count: Int, separator: String, _ term: (Int) -> String) -> String {
    (0..<count).map(term).joined(separator: separator)
  }

  @Test func manyAlternativesReadInLinearWork() throws {
    let growth = try Self.growth { Self.list($0, separator: " || ") { "=\($0 / 10).\($0 % 10).0" } }
    #expect(growth < 12)
  }

  @Test func manyAlternativesNamingPrereleasesReadInLinearWork() throws {
    let growth = try Self.growth {
      Self.list($0, separator: " || ") { ">=\($0).0.0-rc.1 <\($0).0.1" }
    }
    #expect(growth < 12)
  }

  @Test func longCommaListReadsInLinearWork() throws {
    let growth = try Self.growth { ">=0.0.1," + Self.list($0, separator: ",") { "!=\($0).1.0" } }
    #expect(growth < 12)
  }

  @Test func longSpaceSeparatedRangeReadsInLinearWork() throws {
    let growth = try Self.growth { Self.list($0, separator: " ") { ">=\($0 % 7).0.0" } }
    #expect(growth < 12)
  }

  /// A range of 20,000 alternatives, written in order and backwards, reads into one interval
  /// per alternative: it has to finish within the test run, and it once took about 50 µs an
  /// alternative.
  @Test func twentyThousandAlternativesRead() throws {
    let versions = (0..<20_000).map { "\($0 / 100).\($0 % 100).0" }
    for written in [versions, versions.reversed()] {
      let spec = try VersionSpec(parsing: written.map { "=" + $0 }.joined(separator: " || "))
      #expect(spec.standard.releases.count == 20_000)
      #expect(spec.standard.prereleases.isEmpty)
      #expect(spec.includingPrereleases.releases.count == 20_000)
      #expect(spec.includingPrereleases.prereleases.count == 20_000)
      #expect(spec.matches(try Version(parsing: "199.99.0")))
      #expect(spec.matches(try Version(parsing: "0.0.0")))
      #expect(!spec.matches(try Version(parsing: "199.99.1")))
    }
  }

  /// The specs above still mean what they say.
  @Test func longSpecsKeepTheirMeaning() throws {
    let alternatives = try VersionSpec(parsing: Self.list(600, separator: " || ") { "=\($0).0.0" })
    #expect(alternatives.matches(try Version(parsing: "599.0.0")))
    #expect(!alternatives.matches(try Version(parsing: "599.0.1")))
    let exclusions = try VersionSpec(
      parsing: ">=1.0.0," + Self.list(600, separator: ",") { "!=\($0 + 1).0.0" })
    #expect(!exclusions.matches(try Version(parsing: "300.0.0")))
    #expect(exclusions.matches(try Version(parsing: "300.0.1")))
    #expect(exclusions.matches(try Version(parsing: "601.0.1")))
  }
}
