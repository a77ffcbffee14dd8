import Testing

@testable import FlowCore

@Suite struct VersionSpecTests {
  /// Which of `versions` the spec matches, by default and with prereleases.
  func matches(_ spec: String, _ versions: [String], pre: Bool = false) throws -> [String] {
    let parsed = try VersionSpec(parsing: spec)
    return try versions.filter {
      parsed.matches(try Version(parsing: $0), includingPrereleases: pre)
    }
  }

  let houdini = ["19.5.640", "20.0.506", "20.0.547", "20.0.600-rc1", "20.5.278", "21.0.100"]

  @Test func lifebloodDocumentedSpecs() throws {
    #expect(try matches("20.0", houdini) == ["20.0.506", "20.0.547"])
    #expect(try matches("~=20.0.506", houdini) == ["20.0.506", "20.0.547"])
    #expect(try matches("~=20.0", houdini) == ["20.0.506", "20.0.547", "20.5.278"])
    #expect(try matches("^20.0", houdini) == ["20.0.506", "20.0.547", "20.5.278"])
    #expect(try matches("~20.0", houdini) == ["20.0.506", "20.0.547"])
    #expect(try matches("20.*", houdini) == ["20.0.506", "20.0.547", "20.5.278"])
    #expect(try matches("==20.0.*", houdini) == ["20.0.506", "20.0.547"])
    #expect(try matches(">=19,<21", houdini) == ["19.5.640", "20.0.506", "20.0.547", "20.5.278"])
    #expect(try matches("!=20.0.506", houdini) == ["19.5.640", "20.0.547", "20.5.278", "21.0.100"])
  }

  @Test func prereleasesOnlyWhenNamedOrAskedFor() throws {
    // Lifeblood (with --pre) picks the release candidate; by default it is left out.
    #expect(try matches("~=20.0.506", houdini, pre: true).last == "20.0.600-rc1")
    #expect(try !matches("~=20.0.506", houdini).contains("20.0.600-rc1"))
    #expect(try matches(">=20.0.600-rc0", houdini) == ["20.0.600-rc1", "20.5.278", "21.0.100"])
    #expect(
      try matches(">=1.0.0-rc.1 <2", ["1.0.0-rc.2", "1.1.0-beta", "1.2.0"]) == [
        "1.0.0-rc.2", "1.2.0",
      ])
    #expect(try matches(">=1.0.0-rc.1 <2", ["1.1.0-beta"], pre: true) == ["1.1.0-beta"])
  }

  @Test func caretOnZeroVersions() throws {
    let versions = ["0.0.3", "0.0.4", "0.1.0", "0.2.3", "0.2.9", "0.3.0", "1.0.0"]
    #expect(try matches("^0.2.3", versions) == ["0.2.3", "0.2.9"])
    #expect(try matches("^0.0.3", versions) == ["0.0.3"])
    // A single term is read as Lifeblood reads it: `^0.0` is `>=0.0.0,<0.0.1`.
    #expect(try matches("^0.0", versions) == [])
    // In a node range the same caret covers all of 0.0.x.
    #expect(try matches("^0.0 || >=9", versions) == ["0.0.3", "0.0.4"])
    #expect(
      try matches("^0.x || >=9", versions) == [
        "0.0.3", "0.0.4", "0.1.0", "0.2.3", "0.2.9", "0.3.0",
      ])
  }

  @Test func nodeRanges() throws {
    let versions = ["1.1.9", "1.2.0", "1.2.5", "2.3.0", "2.3.9", "2.4.0", "3.0.0"]
    #expect(try matches("1.2 - 2.3", versions) == ["1.2.0", "1.2.5", "2.3.0", "2.3.9"])
    #expect(try matches("1.x || >=3", versions) == ["1.1.9", "1.2.0", "1.2.5", "3.0.0"])
    #expect(try matches(">1.2.0 <2.4", versions) == ["1.2.5", "2.3.0", "2.3.9"])
    #expect(try matches("~1.2.3 || ~2.3", versions) == ["1.2.5", "2.3.0", "2.3.9"])
    #expect(try VersionSpec(parsing: "1.2 - 2.3").syntax == .node)
    #expect(try VersionSpec(parsing: ">=1,<2").syntax == .simple)
    #expect(try VersionSpec(parsing: "~>1.2").syntax == .node)
  }

  @Test func simpleOperators() throws {
    let versions = ["1.2.2", "1.2.3-rc.1", "1.2.3", "1.2.3+b7", "1.2.4", "1.3.0"]
    #expect(try matches("<1.2.3", versions, pre: true) == ["1.2.2"])
    #expect(try matches("<1.2.3-", versions, pre: true) == ["1.2.2", "1.2.3-rc.1"])
    #expect(try matches("<=1.2.3", versions) == ["1.2.2", "1.2.3", "1.2.3+b7"])
    #expect(try matches(">1.2.3", versions) == ["1.2.4", "1.3.0"])
    #expect(try matches("==1.2.3", versions) == ["1.2.3", "1.2.3+b7"])
    #expect(try matches("==1.2.3+b7", versions) == ["1.2.3+b7"])
    #expect(try matches("==1.2.3+", versions) == ["1.2.3"])
    #expect(try matches("!=1.2.3", versions, pre: true) == ["1.2.2", "1.2.4", "1.3.0"])
    #expect(try matches("~1.2", versions) == ["1.2.2", "1.2.3", "1.2.3+b7", "1.2.4"])
    #expect(try matches("^1.2.3", versions) == ["1.2.3", "1.2.3+b7", "1.2.4", "1.3.0"])
  }

  @Test func realWorldShapesInSpecs() throws {
    let builds = ["20.0.506", "20.0.506.1", "20.0.507", "6.28.04", "6.28.10", "6.30.2"]
    #expect(try matches("~=20.0.506", builds) == ["20.0.506", "20.0.506.1", "20.0.507"])
    #expect(try matches("~=6.28", builds) == ["6.28.04", "6.28.10", "6.30.2"])
    #expect(try matches("6.28", builds) == ["6.28.04", "6.28.10"])
    #expect(try matches(">=20.0.506.1", builds) == ["20.0.506.1", "20.0.507"])
  }

  @Test(arguments: [
    (">=1.2,<", 8), ("1.2.3 foo", 7), (">=1.2 <2 ||| 3", 12), (">=19||<20,>1", 5),
    ("=>1", 2), ("1.2-rc", 4), ("<*,>1", 1), ("1.2.3 - ", 9), ("1.2.3,", 7),
  ])
  func badSpecsPointAtTheCharacter(text: String, column: Int) {
    do {
      let spec = try VersionSpec(parsing: text)
      Issue.record("accepted \(text) as \(spec.syntax)")
    } catch let ResolveError.invalidSpec(found, position, _) {
      #expect(found == text)
      #expect(position == column, "\(text)")
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func emptySpecMatchesEveryRelease() throws {
    #expect(try matches("", ["0.1", "1.0.0-rc.1", "9"]) == ["0.1", "9"])
  }
}
