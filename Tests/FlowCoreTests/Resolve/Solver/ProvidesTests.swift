import FlowTestSupport
import Testing

@testable import FlowCore

/// `provides`: a DCC's own Python satisfies requirements on python while the DCC is
/// selected, without a python package and without its actions; it stands in for any other
/// python, and never brings its provider in.
@Suite struct ProvidesTests {
  static let text = """
    [packages.houdini."20.0.547"]
    provides = ["python ==3.10.10"]
    env.PATH.prepend = "/opt/hfs20.0/bin"

    [packages.houdini."19.5.640"]
    provides = ["python==3.9.10"]

    [packages.plugin."1.0.0"]
    requires = ["houdini ~=20.0", "python ~=3.10"]

    [packages.python."3.10.13"]
    env.PATH.prepend = "/opt/python3.10/bin"
    [packages.python."3.11.7"]
    env.PATH.prepend = "/opt/python3.11/bin"
    """

  static func solve(_ requests: [String], _ text: String = ProvidesTests.text) throws -> Resolution
  {
    try Resolution(
      try requests.map { try PackageRequirement(parsing: $0) },
      source: CatalogueSource(try Catalogue(texts: [("catalogue.toml", text)])))
  }

  static func chosen(_ resolution: Resolution) -> [String] {
    resolution.packages.map { "\($0.name) \($0.key)" + ($0.providedBy.map { " (\($0))" } ?? "") }
  }

  @Test func providesIsReadAndRefusesRanges() throws {
    let catalogue = try Catalogue(texts: [("catalogue.toml", Self.text)])
    #expect(catalogue.problems.isEmpty)
    let houdini = catalogue.versions(of: "houdini").map { $0.provides.map(\.requirementText) }
    #expect(houdini == [["python ==3.9.10"], ["python ==3.10.10"]])
    let bad = try Catalogue(
      texts: [
        (
          "c.toml",
          """
          [packages.a."1.0"]
          provides = ["python >=3"]
          [packages.b."1.0"]
          provides = "python ==3"
          [packages.c."1.0"]
          provides = ["c ==2"]
          """
        )
      ])
    #expect(bad.names.isEmpty)
    #expect(bad.problems.map(\.message).count == 3)
    #expect(bad.problems[0].message.contains("expected a name and one version"))
    #expect(bad.problems[1].message.contains("provides is not a list of strings"))
    #expect(bad.problems[2].message.contains("names the package itself"))
  }

  @Test func aDCCSatisfiesItsPythonWithoutThePythonPackage() throws {
    let resolution = try Self.solve(["houdini ~=20.0", "python ~=3.10"])
    #expect(
      Self.chosen(resolution) == ["houdini 20.0.547", "python 3.10.10 (houdini 20.0.547)"])
    // The provided python brings no actions: houdini's own set it up.
    #expect(resolution.actions.actions.map(\.value) == ["/opt/hfs20.0/bin"])
    let document = resolution.stageResolution().packages[1].document
    #expect(document["provided_by"]?.stringValue == "houdini 20.0.547")
    // A requirement from another package is satisfied the same way.
    #expect(
      Self.chosen(try Self.solve(["plugin"])) == [
        "plugin 1.0.0", "houdini 20.0.547", "python 3.10.10 (houdini 20.0.547)",
      ])
  }

  @Test func pythonAloneChoosesARealPythonAndNeverBringsTheProviderIn() throws {
    #expect(Self.chosen(try Self.solve(["python ~=3.10.0"])) == ["python 3.10.13"])
    #expect(Self.chosen(try Self.solve(["python"])) == ["python 3.11.7"])
    // Only houdini 19.5 carries a 3.9: asking for it alone does not select houdini.
    var explanation = ""
    do {
      _ = try Self.solve(["python ~=3.9.0"])
    } catch ResolveError.unsatisfiable(let text) {
      explanation = text
    }
    #expect(explanation.contains("which nothing else selects"))
  }

  @Test func aRealPackageOfTheSameNameCannotBeSelectedWithItsProvider() throws {
    // The provider wins over a real python it would otherwise share the path with; a
    // request only a real one satisfies fails and says why.
    var explanation = ""
    do {
      _ = try Self.solve(["houdini ==20.0.547", "python ==3.11.7"])
    } catch ResolveError.unsatisfiable(let text) {
      explanation = text
    }
    #expect(
      explanation.contains(
        "houdini 20.0.547 provides python 3.10.10, and no other python can be selected with it"))
    // With an older houdini whose python fits, that one is chosen instead.
    #expect(
      Self.chosen(try Self.solve(["houdini", "python ~=3.9.0"])) == [
        "houdini 19.5.640", "python 3.9.10 (houdini 19.5.640)",
      ])
  }

  @Test func aVariantNeedingThePythonItsDCCProvidesIsChosen() throws {
    let text = """
      [packages.houdini."20.0.547"]
      provides = ["python ==3.10.10"]
      [packages.python."3.11.7"]
      [packages.plugin."1.0.0"]
      variants = [["houdini ==20.0.*", "python ==3.10.*"], ["python ==3.11.*"]]
      """
    let resolution = try Self.solve(["plugin", "houdini ~=20.0"], text)
    #expect(
      resolution.packages.map { "\($0.name) \($0.candidateKey)" } == [
        "plugin 1.0.0[0]", "houdini 20.0.547", "python 3.10.10",
      ])
    #expect(resolution.packages[2].providedBy == "houdini 20.0.547")
    // Without houdini the other variant and a real python.
    #expect(
      try Self.solve(["plugin"], text).packages.map { "\($0.name) \($0.candidateKey)" } == [
        "plugin 1.0.0[1]", "python 3.11.7",
      ])
  }

  @Test func explainSaysWhoProvidedIt() throws {
    let reasons = try Self.solve(["houdini ~=20.0", "python ~=3.10"]).reasons()
    #expect(
      reasons[1] == [
        "requested as python ~=3.10",
        "provided by houdini 20.0.547, which stands in for any other python while selected",
      ])
  }

  @Test func theIndexCarriesWhatVersionsProvide() throws {
    let folder = try TemporaryFolder()
    try folder.write("catalogue.toml", Self.text)
    let index = try CatalogueIndex.open(
      sources: [folder.path + "/catalogue.toml"], at: folder.path + "/catalogue.index")
    #expect(
      index.providedVersions(of: "python").map(\.providerText) == [
        "houdini 19.5.640", "houdini 20.0.547",
      ])
    let catalogue = CatalogueSource(try Catalogue(texts: [("catalogue.toml", Self.text)]))
    for requests in [["plugin"], ["houdini", "python"], ["python"], ["houdini <20", "python"]] {
      let parsed = try requests.map { try PackageRequirement(parsing: $0) }
      #expect(
        try Self.chosen(Resolution(parsed, source: index))
          == Self.chosen(Resolution(parsed, source: catalogue)))
    }
    #expect(
      index.versions(of: "houdini").last?.provides.map(\.requirementText) == ["python ==3.10.10"])
  }

  @Test func anExclusionHidesAProvidedVersionAsIfNotProvided() throws {
    let catalogue = CatalogueSource(try Catalogue(texts: [("catalogue.toml", Self.text)]))
    let filtered = FilteredSource(
      catalogue,
      filter: try PackageFilter(exclusions: [try PackageRequirement(parsing: "python ==3.10.10")]))
    #expect(filtered.providedVersions(of: "python").map(\.key) == ["3.9.10"])
    let resolution = try Resolution(
      [
        try PackageRequirement(parsing: "houdini ~=20.0"),
        try PackageRequirement(parsing: "python"),
      ],
      source: filtered)
    #expect(Self.chosen(resolution) == ["houdini 20.0.547", "python 3.11.7"])
  }

  @Test func aWrittenCatalogueKeepsProvides() throws {
    let catalogue = try Catalogue(texts: [("catalogue.toml", Self.text)])
    let versions = catalogue.versions(of: "houdini")
    let back = try Catalogue(texts: [("w.toml", InstallationScan.text(of: versions))])
    #expect(back.versions(of: "houdini").map(\.provides) == versions.map(\.provides))
    #expect(
      Catalogue(packages: versions).versions(of: "houdini").map(\.provides)
        == versions.map(\.provides))
  }
}
