import FlowTestSupport
import Testing

@testable import FlowCore

/// Variants in the TOML catalogue: reading them, rez's rule for choosing among them, their
/// environment, and their passage through the compiled index.
@Suite struct VariantTests {
  static let text = """
    [packages.plugin."1.0.0"]
    requires = ["openexr"]
    variants = [["houdini ==19.5.*", "python ==3.9.*"], ["houdini ==20.0.*", "python ==3.10.*"]]
    env.PLUGIN_HOME = "/opt/plugin"

    [packages.renderer."2.0.0"]
    env.RENDERER = "/opt/renderer"

    [[packages.renderer."2.0.0".variants]]
    requires = ["gpu 1", "cuda_driver >=12.1"]
    env.RENDERER_MODE = "gpu"

    [[packages.renderer."2.0.0".variants]]
    env.RENDERER_MODE = "cpu"

    [packages.houdini."19.5.640"]
    [packages.houdini."20.0.547"]
    [packages.python."3.9.18"]
    [packages.python."3.10.13"]
    [packages.python."3.11.7"]
    [packages.openexr."3.2.0"]
    [packages.gpu."0"]
    [packages.gpu."1"]
    [packages.cuda_driver."12.4"]
    """

  static func catalogue(_ text: String = VariantTests.text) throws -> Catalogue {
    try Catalogue(texts: [("catalogue.toml", text)])
  }

  static func solve(_ requests: [String], source: any PackageSource) throws -> [String] {
    try Solver.solve(requests.map { try PackageRequirement(parsing: $0) }, source: source).map {
      "\($0.name) \($0.candidateKey)"
    }
  }

  /// The candidate table numbers a version's own requirements once for all its variants and
  /// gives every requirement the number it gets when each candidate's are numbered in turn:
  /// requirements first, then conflicts, in candidate order.
  @Test func aCandidateTableNumbersRequirementsInCandidateOrder() throws {
    func requirement(_ text: String) throws -> PackageRequirement {
      try PackageRequirement(parsing: text)
    }
    var version = PackageVersion(
      name: "p", version: Version(release: [1]), key: "1",
      requires: [try requirement("a >=1"), try requirement("b")],
      conflicts: [try requirement("c")])
    version.variants = [
      PackageVariant(requires: [try requirement("d 1")]), PackageVariant(),
      PackageVariant(requires: [try requirement("b"), try requirement("e")]),
    ]
    let plain = PackageVersion(
      name: "p", version: Version(release: [2]), key: "2", requires: [try requirement("e")])
    var builder = CandidateTableBuilder()
    let table = builder.table(of: [version, plain])
    var expected = CandidateTableBuilder()
    let candidates = [version, plain].flatMap(\.candidates)
    #expect(table.count == 4)
    for (index, candidate) in candidates.enumerated() {
      #expect(
        Array(table.requires(of: index)) == candidate.requires.map { expected.number(of: $0) })
      #expect(
        Array(table.conflicts(of: index)) == candidate.conflicts.map { expected.number(of: $0) })
    }
    #expect(builder.requirements == expected.requirements)
  }

  @Test func variantsAreReadAsListsOrTables() throws {
    let catalogue = try Self.catalogue()
    #expect(catalogue.problems.isEmpty)
    let plugin = try #require(catalogue.versions(of: "plugin").first)
    #expect(
      plugin.variants.map { $0.requires.map(\.description) } == [
        ["houdini ==19.5.*", "python ==3.9.*"], ["houdini ==20.0.*", "python ==3.10.*"],
      ])
    let renderer = try #require(catalogue.versions(of: "renderer").first)
    #expect(
      renderer.variants.map { $0.requires.map(\.description) } == [
        ["gpu 1", "cuda_driver >=12.1"], [],
      ])
    let names = renderer.variants.map { $0.variables.map(\.name) }
    #expect(names == [["RENDERER_MODE"], ["RENDERER_MODE"]])
    let candidates = renderer.candidates
    #expect(candidates.map(\.candidateKey) == ["2.0.0[0]", "2.0.0[1]"])
    #expect(candidates[1].variables.map(\.name) == ["RENDERER", "RENDERER_MODE"])
  }

  @Test func entriesWithVariantsSurviveBeingWrittenAndBuiltFromValues() throws {
    let catalogue = try Self.catalogue()
    let versions = catalogue.names.flatMap { catalogue.versions(of: $0) }
    let written = try Catalogue(texts: [("w.toml", InstallationScan.text(of: versions))])
    let fromValues = Catalogue(packages: versions)
    for name in catalogue.names {
      let expected = catalogue.versions(of: name).map(\.variants)
      #expect(written.versions(of: name).map(\.variants) == expected)
      #expect(fromValues.versions(of: name).map(\.variants) == expected)
    }
    var dated = try #require(catalogue.versions(of: "renderer").first)
    dated.released = "2024-05-01T12:00:00Z"
    let back = try Catalogue(texts: [("d.toml", InstallationScan.text(of: [dated]))])
    #expect(back.versions(of: "renderer").first?.released == dated.released)
  }

  @Test func aVariantThatCannotBeReadSkipsItsEntry() throws {
    let catalogue = try Self.catalogue(
      """
      [packages.a."1.0"]
      variants = ["houdini"]
      [packages.b."1.0"]
      variants = [{ requires = ["x"], nv = {} }]
      [packages.c."1.0"]
      variants = [["houdini >>2"]]
      """)
    #expect(catalogue.names.isEmpty)
    #expect(catalogue.problems.count == 3)
    #expect(catalogue.problems[0].message.contains("variants: expected a list"))
    #expect(catalogue.problems[1].message.contains("variants[0].nv: expected 'requires' or 'env'"))
    #expect(catalogue.problems[2].message.contains("variants[0]"))
  }

  @Test func theVariantSharingARequestedPackageInItsHighestRangeWins() throws {
    let source = CatalogueSource(try Self.catalogue())
    // Alone, plugin takes the variant with the higher ranges of the packages it adds.
    #expect(
      try Self.solve(["plugin"], source: source) == [
        "plugin 1.0.0[1]", "openexr 3.2.0", "houdini 20.0.547", "python 3.10.13",
      ])
    // A request pins what the other variant needs.
    #expect(
      try Self.solve(["plugin", "houdini <20"], source: source) == [
        "plugin 1.0.0[0]", "houdini 19.5.640", "openexr 3.2.0", "python 3.9.18",
      ])
    #expect(try Self.solve(["plugin", "python <3.10"], source: source).first == "plugin 1.0.0[0]")
  }

  @Test func rezsRuleRanksRequestedPackagesThenFewerAdditionsThenRanges() throws {
    let text = """
      [packages.tool."1.0"]
      variants = [["a 1", "b 1"], ["b 2"], ["a 2", "c 1"], ["a 1"]]
      [packages.a."1"]
      [packages.a."2"]
      [packages.b."1"]
      [packages.b."2"]
      [packages.c."1"]
      """
    let source = CatalogueSource(try Self.catalogue(text))
    // Requested a: the variants with a win, the higher range of a first.
    #expect(try Self.solve(["tool", "a"], source: source).first == "tool 1.0[2]")
    // Requested b then a: b's range ranks first.
    #expect(try Self.solve(["tool", "b", "a"], source: source).first == "tool 1.0[1]")
    // Nothing requested: the fewest additions, then the higher ranges.
    #expect(try Self.solve(["tool"], source: source).first == "tool 1.0[1]")
    // Requested a 1: both a 1 variants fit; of those, the one adding fewer packages.
    #expect(try Self.solve(["tool", "a 1"], source: source).first == "tool 1.0[3]")
  }

  @Test func aFailureNamesTheVariantsItTried() throws {
    let source = CatalogueSource(try Self.catalogue())
    do {
      _ = try Self.solve(["plugin", "houdini >=20", "python <3.10"], source: source)
      Issue.record("solved")
    } catch let ResolveError.unsatisfiable(explanation) {
      #expect(explanation.contains("plugin 1.0.0[0] requires houdini ==19.5.*"))
      #expect(explanation.contains("plugin 1.0.0[1] requires python ==3.10.*"))
    }
  }

  /// A version with variants is one candidate per variant: the versions a package holds,
  /// and those a filter hides, are each named once.
  @Test func aMissingVersionNamesEachVersionHeldOnce() throws {
    let text = VariantTests.text + "\n[packages.plugin.\"0.9.0\"]\n"
    let source = CatalogueSource(try Self.catalogue(text))
    do {
      _ = try Self.solve(["plugin >=2"], source: source)
      Issue.record("solved")
    } catch let ResolveError.unsatisfiable(explanation) {
      #expect(
        explanation.contains("no plugin >=2 is in the catalogue (plugin has 1.0.0 and 0.9.0)"),
        "\(explanation)")
    }
    let filter = try PackageFilter(exclusions: [PackageRequirement(parsing: "plugin 1.0.0")])
    do {
      _ = try Self.solve(["plugin >=1"], source: FilteredSource(source, filter: filter))
      Issue.record("solved")
    } catch let ResolveError.unsatisfiable(explanation) {
      #expect(
        explanation.contains(
          "(plugin has 0.9.0; hidden: 1.0.0 (excluded by --exclude 'plugin 1.0.0'))"),
        "\(explanation)")
    }
  }

  @Test func theOutputCarriesTheVariantAndItsEnvironment() throws {
    let source = CatalogueSource(try Self.catalogue())
    let requests = try ["renderer", "gpu 0"].map { try PackageRequirement(parsing: $0) }
    let resolution = try Resolution(requests, source: source)
    let document = resolution.stageResolution(explain: true)
    #expect(document.packages.map(\.variant) == [1, nil])
    #expect(
      resolution.actions.actions.map { "\($0.variable)=\($0.value)" } == [
        "RENDERER=/opt/renderer", "RENDERER_MODE=cpu",
      ])
    let because = try #require(document.packages[0].because)
    #expect(because.contains("variant 1 of 2.0.0"))
    #expect(
      because.contains("variant 0 not chosen: it requires gpu 1, which the request gpu 0 rules out")
    )
  }

  @Test func theIndexCarriesVariants() throws {
    let catalogue = try Self.catalogue()
    let folder = try TemporaryFolder()
    try folder.write("catalogue.toml", Self.text)
    let index = try CatalogueIndex.open(
      sources: [folder.path + "/catalogue.toml"], at: folder.path + "/catalogue.index")
    for requests in [["plugin"], ["plugin", "houdini <20"], ["renderer"], ["renderer", "gpu 0"]] {
      #expect(
        try Self.solve(requests, source: index)
          == Self.solve(requests, source: CatalogueSource(catalogue)))
    }
    let withoutOrigin = { (versions: [PackageVersion]) in
      versions.map { version -> PackageVersion in
        var version = version
        version.definedAt = ""
        return version
      }
    }
    #expect(
      withoutOrigin(index.versions(of: "renderer"))
        == withoutOrigin(catalogue.versions(of: "renderer")))
    let entry = try #require(index.entry(of: "renderer", at: 1))
    #expect(entry.variant == 1 && entry.variables.map(\.name) == ["RENDERER", "RENDERER_MODE"])
  }
}
