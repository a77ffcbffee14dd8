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
    // The index records its own length, so a truncated tail forces a rebuild, as a damaged
    // header does.
    #expect(reopened.rebuilt)
    #expect(reopened.versions(of: "python").count == 2)
    try Data("garbage".utf8).write(to: URL(fileURLWithPath: indexPath))
    let rebuilt = try CatalogueIndex.open(sources: [file], at: indexPath)
    #expect(rebuilt.rebuilt)
    #expect(rebuilt.versions(of: "python").count == 2)
  }

  /// Every single-byte change to an index, at every offset, is noticed on opening or when its
  /// block is first read (its checksums, length or magic no longer match) and the index
  /// rebuilt with a warning: never a trap, never a different answer, never a lasting "no
  /// package". Reading every answer reads every block.
  @Test func everyFlippedByteIsRebuiltNeverBelieved() throws {
    let (folder, file, indexPath) = try Self.indexed()
    let original = try Data(contentsOf: URL(fileURLWithPath: indexPath))
    let expected = try Self.answers(CatalogueSource(Catalogue(sources: [file])))
    defer { withExtendedLifetime(folder) {} }
    for position in original.indices {
      for flip: UInt8 in [0x01, 0x80, 0xFF] {
        var bytes = original
        bytes[position] ^= flip
        try bytes.write(to: URL(fileURLWithPath: indexPath))
        let index = try CatalogueIndex.open(sources: [file], at: indexPath)
        #expect(try Self.answers(index) == expected, "byte \(position) ^ \(flip)")
        #expect(index.rebuilt, "byte \(position) ^ \(flip) was believed")
        #expect(index.warnings.map(\.message).contains { $0.contains("not used") })
        // The rebuilt file is whole again: the next use reads it as it is.
        #expect(try !CatalogueIndex.open(sources: [file], at: indexPath).rebuilt)
      }
    }
  }

  /// An index cut short at any length is rebuilt, with the same answers.
  @Test func everyTruncatedIndexIsRebuilt() throws {
    let (folder, file, indexPath) = try Self.indexed()
    let original = try Data(contentsOf: URL(fileURLWithPath: indexPath))
    let expected = try Self.answers(CatalogueSource(Catalogue(sources: [file])))
    defer { withExtendedLifetime(folder) {} }
    for length in 0..<original.count {
      try original.prefix(length).write(to: URL(fileURLWithPath: indexPath))
      let index = try CatalogueIndex.open(sources: [file], at: indexPath)
      #expect(index.rebuilt, "cut to \(length) bytes, it was believed")
      #expect(try Self.answers(index) == expected, "cut to \(length) bytes")
    }
  }

  /// A folder holding a catalogue and its freshly built index.
  static func indexed() throws -> (TemporaryFolder, file: String, index: String) {
    let folder = try TemporaryFolder()
    let file = try folder.write("one.toml", CatalogueTests.houdini)
    let index = folder.path + "/catalogue.index"
    _ = try CatalogueIndex.open(sources: [file], at: index)
    return (folder, file, index)
  }

  /// What a source answers: every version of the catalogue's packages and one solve.
  static func answers(_ source: any PackageSource) throws -> [String] {
    var lines: [String] = []
    for name in ["houdini.py3_10", "python", "missing"] {
      let table = source.candidateTable(of: name)
      for number in 0..<table.count {
        let entry = try #require(source.entry(of: name, at: number))
        lines.append("\(name) \(entry.key) \(entry.definedAt) \(entry.variables)")
        lines.append("requires \(entry.requires) conflicts \(entry.conflicts)")
      }
    }
    let chosen = try Solver.solve(
      [try PackageRequirement(parsing: "houdini.py3_10")], source: source)
    lines.append(chosen.map(\.key).joined(separator: " "))
    return lines
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
