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
