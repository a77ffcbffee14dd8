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
    #expect(actions.actions.map(\.package) == ["other", "other", "houdini", "houdini"])
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
}
