import Testing

@testable import FlowCore

@Suite struct PreferenceTests {
  static let catalogue = """
    [packages.app."1.0"]
    requires = ["lib >=1"]
    [packages.app."2.0"]
    requires = ["lib >=2"]
    [packages.lib."1.0"]
    [packages.lib."2.0"]
    [packages.lib."3.0"]
    """

  func solve(_ requests: [String], _ preferences: [String: PreferredVersion]) throws -> [String] {
    let catalogue = try Catalogue(texts: [("c.toml", Self.catalogue)])
    let resolution = try Resolution(
      try requests.map { try PackageRequirement(parsing: $0) },
      source: CatalogueSource(catalogue), preferences: preferences)
    return resolution.packages.map { "\($0.name) \($0.key)" }
  }

  @Test func aPreferredVersionIsKeptWhileTheConstraintsAllowIt() throws {
    #expect(try solve(["app"], [:]) == ["app 2.0", "lib 3.0"])
    #expect(
      try solve(
        ["app"], ["app": PreferredVersion(key: "1.0"), "lib": PreferredVersion(key: "1.0")])
        == ["app 1.0", "lib 1.0"])
  }

  @Test func theReasonOfAKeptVersionSaysItWasLocked() throws {
    let catalogue = try Catalogue(texts: [("c.toml", Self.catalogue)])
    let resolution = try Resolution(
      [try PackageRequirement(parsing: "lib")], source: CatalogueSource(catalogue),
      preferences: ["lib": PreferredVersion(key: "1.0")])
    #expect(resolution.reasons()[0].last == "kept as locked; newer versions: 2.0, 3.0")
  }

  @Test func aPreferenceTheConstraintsRuleOutGivesWayToTheNewestAllowed() throws {
    // app 2.0 needs lib >=2: the locked lib 1.0 cannot stay.
    #expect(
      try solve(["app >=2"], ["lib": PreferredVersion(key: "1.0")]) == ["app 2.0", "lib 3.0"])
    #expect(try solve(["app"], ["app": PreferredVersion(key: "9.9")]) == ["app 2.0", "lib 3.0"])
  }
}
