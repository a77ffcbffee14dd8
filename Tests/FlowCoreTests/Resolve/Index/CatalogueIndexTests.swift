import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

@Suite struct CatalogueIndexTests {
  @Test func compiledIndexGivesTheSameEntriesAndIsReusedUntilASourceChanges() throws {
    let folder = try TemporaryFolder()
    try folder.write("cat/config.toml", CatalogueTests.houdini)
    try folder.write(
      "cat/config.d/bad.toml",
      """
      [packages.python."3.x"]
      label = "broken"
      """)
    let sources = [folder.path + "/cat"]
    let indexPath = folder.path + "/cache/deep/catalogue.index"
    let catalogue = try Catalogue(sources: sources)

    let first = try CatalogueIndex.open(sources: sources, at: indexPath)
    #expect(first.rebuilt)
    for name in catalogue.names {
      #expect(first.versions(of: name) == catalogue.versions(of: name))
    }
    #expect(first.versions(of: "nothing").isEmpty)
    #expect(first.problems.map(\.description) == catalogue.problems.map(\.description))
    #expect(first.problems.count == 1)

    let second = try CatalogueIndex.open(sources: sources, at: indexPath)
    #expect(!second.rebuilt)
    #expect(second.versions(of: "python") == catalogue.versions(of: "python"))

    try folder.write(
      "cat/config.d/more.toml",
      """
      [packages.python."3.12.0"]
      env.PYTHONHOME = "/opt/python3.12"
      """)
    let third = try CatalogueIndex.open(sources: sources, at: indexPath)
    #expect(third.rebuilt)
    #expect(third.versions(of: "python").map(\.key) == ["3.10.4", "3.11.1", "3.12.0"])
  }

  @Test func damagedIndexIsRebuilt() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write("one.toml", CatalogueTests.houdini)
    let indexPath = folder.path + "/catalogue.index"
    _ = try CatalogueIndex.open(sources: [file], at: indexPath)
    var bytes = try Data(contentsOf: URL(fileURLWithPath: indexPath))
    bytes = bytes.prefix(bytes.count - 10)
    try bytes.write(to: URL(fileURLWithPath: indexPath))
    let reopened = try CatalogueIndex.open(sources: [file], at: indexPath)
    // A truncated tail still matches the header, so a damaged package decodes as missing
    // rather than crashing; a damaged header forces a rebuild.
    _ = reopened.versions(of: "python")
    try Data("garbage".utf8).write(to: URL(fileURLWithPath: indexPath))
    let rebuilt = try CatalogueIndex.open(sources: [file], at: indexPath)
    #expect(rebuilt.rebuilt)
    #expect(rebuilt.versions(of: "python").count == 2)
  }

  @Test func solverWorksOnTheIndex() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write("one.toml", CatalogueTests.houdini)
    let index = try CatalogueIndex.open(sources: [file], at: folder.path + "/i.index")
    let chosen = try Solver.solve(
      [try PackageRequirement(parsing: "houdini.py3_10")], source: index)
    #expect(chosen.map(\.key) == ["20.0.506", "3.11.1"])
  }

  @Test func defaultPathDependsOnTheSources() {
    let a = CatalogueIndex.defaultPath(sources: ["/a"], environment: ["HOME": "/h"])
    let b = CatalogueIndex.defaultPath(sources: ["/b"], environment: ["HOME": "/h"])
    #expect(a != b)
    #expect(a.hasPrefix("/h/.cache/flow/catalogue-"))
    #expect(
      CatalogueIndex.defaultPath(sources: ["/a"], environment: ["XDG_CACHE_HOME": "/c"])
        .hasPrefix("/c/flow/"))
  }
}
