import Testing

@testable import FlowCore

/// Which syntax reads a spec, the prerelease opt-in over a whole Lifeblood-syntax spec,
/// malformed x-ranges, and where node-semver 7.8 changed since 7.3.
@Suite struct SpecSyntaxChoiceTests {
  func matches(
    _ spec: String, _ versions: [String], pre: Bool = false,
    syntax: VersionSpec.SyntaxChoice = .auto
  ) throws -> [String] {
    let parsed = try VersionSpec(parsing: spec, syntax: syntax)
    return try versions.filter {
      parsed.matches(try Version(parsing: $0), includingPrereleases: pre)
    }
  }

  @Test func anXInAPrereleaseTagKeepsLifebloodSyntax() throws {
    let spec = try VersionSpec(parsing: "!=2.0.0-next.3")
    #expect(spec.syntax == .simple)
    // Naming a prerelease of 2.0.0 lets the others of 2.0.0 in, as in node-semver.
    #expect(
      try matches("!=2.0.0-next.3", ["2.0.0-next.3", "2.0.0-next.4", "2.0.0", "2.0.1-rc.1"]) == [
        "2.0.0-next.4", "2.0.0",
      ])
    #expect(
      try matches("!=2.0.0-next.3", ["2.0.0-next.3", "2.0.0-next.4", "2.0.0"], pre: true) == [
        "2.0.0-next.4", "2.0.0",
      ])
    #expect(try PackageRequirement(parsing: "p !=2.0.0-next.3").spec.syntax == .simple)
  }

  @Test func anXInABuildTagKeepsTheBuildStrict() throws {
    #expect(try VersionSpec(parsing: "==1.2.3+x86").syntax == .simple)
    #expect(try matches("==1.2.3+x86", ["1.2.3+x86", "1.2.3+other", "1.2.3"]) == ["1.2.3+x86"])
  }

  @Test func caretOnANamedPrereleaseStaysBelowItsRelease() throws {
    let versions = ["20.0.0-next.1", "20.0.0-next.2", "20.0.0", "20.0.506"]
    // python-semanticversion reads it as `>=20.0.0-next.1,<20.0.0`, and its `<20.0.0` leaves
    // out the prereleases of 20.0.0: nothing matches, as Lifeblood finds nothing.
    #expect(try matches("^20.0.0-next.1", versions) == [])
    #expect(try matches("^20.0.0-next.1", versions, pre: true) == [])
    // node-semver's caret on the same text reaches the next major.
    #expect(
      try matches("^20.0.0-next.1", versions, syntax: .node) == [
        "20.0.0-next.1", "20.0.0-next.2", "20.0.0", "20.0.506",
      ])
  }

  @Test func prereleaseOptInIsJudgedOnTheWholeSpec() throws {
    let versions = ["20.0.506-rc.1", "20.0.506-rc.2", "20.0.506", "20.0.507-rc.1", "21.0.0-rc.1"]
    #expect(
      try matches(">=20.0.506-rc.1,<21", versions) == [
        "20.0.506-rc.1", "20.0.506-rc.2", "20.0.506",
      ])
    #expect(try matches(">=20.0.506-rc.1,<21", versions, pre: true) == Array(versions.prefix(4)))
  }

  @Test func malformedXRangesAreRefusedInEverySyntax() throws {
    for text in ["1.x.5", "x.1", "1.*.5", "x.1.2", "x.x.1", "==1.*.5"] {
      for syntax in VersionSpec.SyntaxChoice.allCases {
        #expect(throws: ResolveError.self, "\(text) as \(syntax)") {
          try VersionSpec(parsing: text, syntax: syntax)
        }
      }
    }
    #expect {
      try PackageRequirement(parsing: "p 1.x.5")
    } throws: { error in
      "\(error)"
        == "invalid requirement 'p 1.x.5' at column 7: a number cannot follow a wildcard: write '1.x'"
    }
    #expect {
      try VersionSpec(parsing: ">=x.1 <2")
    } throws: { error in
      "\(error)"
        == "invalid version spec '>=x.1 <2' at column 5: a number cannot follow a wildcard: write 'x'"
    }
  }

  @Test func autoChoosesNodeForRangesAndLifebloodOtherwise() throws {
    #expect(try VersionSpec(parsing: "1.2.x").syntax == .node)
    #expect(try VersionSpec(parsing: ">=1.2 <2").syntax == .node)
    #expect(try VersionSpec(parsing: "1.2 || 3").syntax == .node)
    #expect(try VersionSpec(parsing: "1.2.3-x.1").syntax == .simple)
    #expect(try VersionSpec(parsing: "~=1.2,!=1.2.3+x86").syntax == .simple)
    // What Lifeblood syntax cannot read at all is tried as node syntax.
    #expect(try VersionSpec(parsing: "~>1.2").syntax == .node)
    #expect(try VersionSpec(parsing: "v1.2.3").syntax == .node)
  }

  @Test func explicitSyntaxReadsTheSameTextDifferently() throws {
    let versions = ["0.0.3", "0.0.4", "0.1.0"]
    #expect(try matches("^0.0", versions, syntax: .lifeblood) == [])
    #expect(try matches("^0.0", versions, syntax: .node) == ["0.0.3", "0.0.4"])
    #expect(try VersionSpec(parsing: "^0.0", syntax: .node).syntax == .node)
    #expect(throws: ResolveError.self) { try VersionSpec(parsing: ">=1,<2", syntax: .node) }
    #expect(
      try PackageRequirement(parsing: "p ^0.0", syntax: .node).spec.matches(Version(0, 0, 4)))
  }

  @Test func nodeFollowsVersion7Point8() throws {
    // A partial tilde starts at `-0` with prereleases included, as a partial caret does.
    #expect(try matches("~1.1", ["1.1.0-a"], pre: true, syntax: .node) == ["1.1.0-a"])
    #expect(try matches("~2.x", ["2.0.0-pre.0"], pre: true, syntax: .node) == ["2.0.0-pre.0"])
    // A full version's caret does not.
    #expect(try matches("^0.0.3", ["0.0.3-alpha"], pre: true, syntax: .node) == [])
    #expect(try matches("^0.2.3", ["0.2.3-alpha"], pre: true, syntax: .node) == [])
    // Build metadata on x-ranges is read, and a prerelease on `1.x.x` ignored.
    #expect(try matches("1.x+build.123", ["1.5.0"], syntax: .node) == ["1.5.0"])
    #expect(try matches("1.x.x-alpha+build", ["1.5.0"], syntax: .node) == ["1.5.0"])
  }
}

/// Lifeblood syntax is python-semanticversion 2.10.0's `SimpleSpec` grammar, with the few
/// differences flow-resolve(1) lists.
@Suite struct LifebloodSyntaxGrammarTests {
  @Test func onlyAStarIsAWildcard() throws {
    #expect {
      try VersionSpec(parsing: ">=1.x,<2")
    } throws: { error in
      "\(error)"
        == "invalid version spec '>=1.x,<2' at column 5: a wildcard in Lifeblood syntax is '*'"
    }
    #expect(throws: ResolveError.self) { try VersionSpec(parsing: "1.x", syntax: .lifeblood) }
    #expect(try VersionSpec(parsing: ">=1.*,<2").matches(Version(1, 5)))
  }

  /// python-semanticversion reads `==1.*.5` as `==1.*`; flow refuses it, as node-semver
  /// refuses `1.x.5`.
  @Test func differenceANumberAfterAStarIsRefused() throws {
    #expect(throws: ResolveError.self) { try VersionSpec(parsing: "==1.*.5", syntax: .lifeblood) }
  }

  /// python-semanticversion refuses a space anywhere in a block; flow allows spaces around one.
  @Test func differenceSpacesAroundABlockAreAllowed() throws {
    let spec = try VersionSpec(parsing: ">=1.2 , <2", syntax: .lifeblood)
    #expect(spec.matches(Version(1, 5)))
    #expect(!spec.matches(Version(2, 0)))
  }

  /// python-semanticversion refuses leading zeros; flow reads them, as versions have them.
  @Test func differenceLeadingZerosAreRead() throws {
    #expect(try VersionSpec(parsing: "==6.28.04", syntax: .lifeblood).matches(Version(6, 28, 4)))
  }
}
