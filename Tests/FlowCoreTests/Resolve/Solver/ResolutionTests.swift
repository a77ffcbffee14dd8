import FlowTestSupport
import Testing

@testable import FlowCore

@Suite struct ResolutionTests {
  @Test func reasonsNameWhatExcludedNewerVersions() throws {
    let catalogue = try Catalogue(texts: [("a.toml", CatalogueTests.houdini)])
    let resolution = try Resolution(
      [
        try PackageRequirement(parsing: "houdini.py3_10"),
        try PackageRequirement(parsing: "python <3.11"),
      ],
      source: CatalogueSource(catalogue))
    #expect(resolution.packages.map(\.key) == ["20.0.506", "3.10.4"])
    #expect(
      resolution.reasons()[0] == [
        "requested as houdini.py3_10", "the newest version in the catalogue",
      ])
    #expect(
      resolution.reasons()[1] == [
        "requested as python <3.11", "required by houdini.py3_10 20.0.506 as python ~=3.10",
        "newer versions not chosen: 3.11.1 (python <3.11)",
      ])
    // Actions: python (priority 50) before houdini (60), one per item of a list.
    #expect(
      resolution.actions.actions.map(\.package) == [
        "python", "houdini.py3_10", "houdini.py3_10", "houdini.py3_10", "houdini.py3_10",
        "houdini.py3_10",
      ])
    guard case .object(let document) = resolution.stageResolution(explain: true).document,
      case .array(let packages)? = document["packages"], case .object(let first) = packages[0],
      case .object(let second) = packages[1]
    else {
      Issue.record("unexpected document shape")
      return
    }
    #expect(first["defined_at"] == .string("a.toml:1"))
    #expect(first["because"] == .array(resolution.reasons()[0].map(JSONValue.string)))
    #expect(second["because"] == .array(resolution.reasons()[1].map(JSONValue.string)))
    guard case .object(let plain) = resolution.stageResolution().document,
      case .array(let listed)? = plain["packages"],
      case .object(let firstPlain) = listed[0]
    else {
      Issue.record("unexpected document shape")
      return
    }
    #expect(firstPlain["because"] == nil)
  }

  /// The reasons come from what the solver read, so the compiled index gives the same words.
  @Test func reasonsFromTheIndexMatchTheCatalogue() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write("one.toml", CatalogueTests.houdini)
    let index = try CatalogueIndex.open(sources: [file], at: folder.path + "/i.index")
    let requests = [
      try PackageRequirement(parsing: "houdini.py3_10"),
      try PackageRequirement(parsing: "python <3.11"),
    ]
    let fromIndex = try Resolution(requests, source: index)
    let fromCatalogue = try Resolution(
      requests, source: CatalogueSource(try Catalogue(sources: [file])))
    #expect(fromIndex.packages == fromCatalogue.packages)
    #expect(
      fromIndex.reasons() == [
        ["requested as houdini.py3_10", "the newest version in the catalogue"],
        [
          "requested as python <3.11", "required by houdini.py3_10 20.0.506 as python ~=3.10",
          "newer versions not chosen: 3.11.1 (python <3.11)",
        ],
      ])
    #expect(fromIndex.reasons() == fromCatalogue.reasons())
  }
}
