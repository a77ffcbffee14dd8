import Testing

@testable import FlowCore

@Suite struct EnvironmentActionsTests {
  static func package(
    _ name: String, priority: Int = 50, _ variables: [VariableChange]
  ) throws -> PackageVersion {
    PackageVersion(
      name: name, version: try Version(parsing: "1.0.0"), key: "1.0.0", priority: priority,
      variables: variables)
  }

  @Test func higherPriorityAppliesLaterSoItsPrependsLeadAndItsAppendsTrail() throws {
    // Lifeblood's own result shape: houdini (60) after the other package (50).
    let houdini = try Self.package(
      "houdini", priority: 60,
      [VariableChange(name: "PATH", prepend: ["/path/to/hfs/bin"], append: ["/whatever/append"])])
    let other = try Self.package(
      "other",
      [
        VariableChange(
          name: "PATH", prepend: ["/some/other/path/dunno", "bananus"], append: ["who/are/you"])
      ])
    let actions = EnvironmentActions(packages: [houdini, other])
    #expect(actions.actions.map(\.package) == ["other", "other", "other", "houdini", "houdini"])
    // A list prepend is applied item by item, last first.
    #expect(actions.actions.prefix(2).map(\.value) == ["bananus", "/some/other/path/dunno"])
    let environment = actions.applied(to: ["PATH": "<orig>"])
    #expect(
      environment["PATH"]
        == "/path/to/hfs/bin:/some/other/path/dunno:bananus:<orig>:who/are/you:/whatever/append")
  }

  @Test func tiesKeepRequestOrderAndSetWinsWithinAPackage() throws {
    let first = try Self.package("first", [VariableChange(name: "A", prepend: ["p"], set: ["s"])])
    let second = try Self.package("second", [VariableChange(name: "A", append: ["q"])])
    let actions = EnvironmentActions(packages: [first, second])
    #expect(actions.actions.map(\.kind) == [.prepend, .set, .append])
    #expect(actions.applied(to: ["A": "base"])["A"] == "s:q")
  }

  @Test func expansionUsesTheEnvironmentBeingBuilt() throws {
    let houdini = try Self.package(
      "houdini",
      [
        VariableChange(name: "HFS", set: ["/opt/hfs20.0"]),
        VariableChange(name: "HB", set: ["$HFS/bin"]),
        VariableChange(name: "PATH", prepend: ["${HB}"]),
        VariableChange(name: "X", set: ["$UNDEFINED/x", "$", "${unclosed"]),
      ])
    let environment = EnvironmentActions(packages: [houdini]).applied(to: ["PATH": "/usr/bin"])
    #expect(environment["HB"] == "/opt/hfs20.0/bin")
    #expect(environment["PATH"] == "/opt/hfs20.0/bin:/usr/bin")
    #expect(environment["X"] == "/x:$:${unclosed")
  }

  @Test func lifebloodQuirksAreKept() throws {
    let package = try Self.package(
      "p",
      [
        VariableChange(name: "EMPTY", prepend: ["x"]),
        VariableChange(name: "MISSING", append: ["y"]),
        VariableChange(name: "LITERAL", prepend: ["z"]),
      ])
    let environment = EnvironmentActions(packages: [package]).applied(to: [
      "EMPTY": "", "LITERAL": "$HOME", "HOME": "/home/u",
    ])
    // An empty variable keeps a trailing separator; a missing one is simply set.
    #expect(environment["EMPTY"] == "x:")
    #expect(environment["MISSING"] == "y")
    // A prepend re-expands the whole joined value, inherited text included.
    #expect(environment["LITERAL"] == "z:/home/u")
  }

  @Test func listItemsApplyOneByOneSoLaterItemsSeeEarlierOnes() throws {
    // As Lifeblood: a prepend's items go in last to first, an append's first to last, and
    // each item sees the variable as the items before it left it.
    let package = try Self.package(
      "p",
      [
        VariableChange(name: "PATH", prepend: ["$PATH", "/x"]),
        VariableChange(name: "LIB", append: ["/y", "$LIB"]),
      ])
    let actions = EnvironmentActions(packages: [package])
    #expect(actions.actions.map(\.value) == ["/x", "$PATH", "/y", "$LIB"])
    let environment = actions.applied(to: ["PATH": "/bin", "LIB": "/lib"])
    #expect(environment["PATH"] == "/x:/bin:/x:/bin")
    #expect(environment["LIB"] == "/lib:/y:/lib:/y")
  }

  @Test func aPrependedValueIsExpandedTwice() throws {
    // Lifeblood expands the item, then the joined value again: `$$A` becomes `$B`, then B.
    let package = try Self.package(
      "p",
      [VariableChange(name: "X", prepend: ["$${A}"]), VariableChange(name: "Y", set: ["$${A}"])])
    let environment = EnvironmentActions(packages: [package]).applied(to: [
      "X": "x", "A": "B", "B": "twice",
    ])
    #expect(environment["X"] == "twice:x")
    // A set, like a prepend on a missing variable, expands once.
    #expect(environment["Y"] == "$B")
  }

  @Test func namesAreWhatPythonsWordPatternMatches() {
    let environment: EnvironmentMap = [
      "1x": "one", "é": "accent", "x²": "square", "Ａ": "wide", "e": "plain",
    ]
    #expect(EnvironmentActions.expand("$1x ${1x}", in: environment) == "one one")
    #expect(EnvironmentActions.expand("$é/$x²/$Ａ", in: environment) == "accent/square/wide")
    // A combining mark is not part of a name.
    #expect(EnvironmentActions.expand("$e\u{301}", in: environment) == "plain\u{301}")
    #expect(EnvironmentActions.expand("$-x ${a-b} $", in: environment) == "$-x ${a-b} $")
  }
}
