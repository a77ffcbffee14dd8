import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// An index's blocks are checked when first read, not all on opening: damage found late
/// still gives the catalogue's own answers, never a trap or a different version.
@Suite struct CatalogueIndexBlockTests {
  /// The index of the houdini catalogue, with one byte of the `python` package's record
  /// flipped: a block the opening does not read.
  static func damagedInPython() throws -> (TemporaryFolder, file: String, bytes: [UInt8]) {
    let (folder, file, indexPath) = try CatalogueIndexTests.indexed()
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: indexPath)))
    let dataLength = try #require(IndexSeal.dataLength(of: bytes))
    // The last text of the data is python's last version's origin, `…/one.toml:N`.
    let name = Array("one.toml".utf8)
    let place = try #require(
      (0..<dataLength - name.count).last { bytes[$0..<$0 + name.count].elementsEqual(name) })
    bytes[place] ^= 0x20
    return (folder, file, bytes)
  }

  @Test func damageInABlockNotReadOnOpeningIsFoundWhenItIsRead() throws {
    let (folder, file, bytes) = try Self.damagedInPython()
    let indexPath = folder.path + "/catalogue.index"
    try Data(bytes).write(to: URL(fileURLWithPath: indexPath))
    let index = try CatalogueIndex.open(sources: [file], at: indexPath)
    #expect(!index.rebuilt)
    #expect(index.warnings.isEmpty)
    var reported: [String] = []
    index.reportWarning = { reported.append($0.message) }
    #expect(index.versions(of: "houdini.py3_10").count == 1)
    let expected = try Catalogue(sources: [file]).versions(of: "python")
    #expect(index.versions(of: "python") == expected)
    #expect(index.rebuilt)
    #expect(reported.count == 1)
    #expect(
      reported.first?.hasPrefix("catalogue index not used: damaged (checksum mismatch") == true)
    #expect(index.warnings.map(\.message) == reported)
    // Written again, whole: the next use reads it as it is.
    let next = try CatalogueIndex.open(sources: [file], at: indexPath)
    #expect(!next.rebuilt)
    #expect(next.versions(of: "python") == expected)
    #expect(next.warnings.isEmpty)
  }

  /// Compiled again after the catalogue changed, the damaged block cannot be had as it was:
  /// it is not read at all rather than mixed with what the old catalogue said.
  @Test func catalogueChangedBeforeADamagedBlockIsReadIsNeverMixedIn() throws {
    let (folder, file, bytes) = try Self.damagedInPython()
    let index = try CatalogueIndex.open(sources: [file], copying: bytes)
    #expect(!index.rebuilt)
    #expect(index.versions(of: "houdini.py3_10").count == 1)
    try folder.write("one.toml", CatalogueTests.houdini + "\n[packages.python.\"3.12.0\"]\n")
    #expect(index.versions(of: "python").isEmpty)
    #expect(
      index.warnings.map(\.message).last == "the catalogue changed while it was read; resolve again"
    )
    #expect(index.versions(of: "houdini.py3_10").count == 1)
  }

  /// An index sealed on purpose around damaged data (as only its writer could) is read with
  /// bounds-checked reads: whatever it answers, nothing traps.
  @Test func damagedDataSealedOnPurposeNeverTraps() throws {
    let (folder, file, indexPath) = try CatalogueIndexTests.indexed()
    defer { withExtendedLifetime(folder) {} }
    let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: indexPath)))
    let dataLength = try #require(IndexSeal.dataLength(of: original))
    for position in 0..<dataLength {
      for flip: UInt8 in [0x01, 0x80, 0xFF] {
        var bytes = Array(original[..<dataLength])
        bytes[position] ^= flip
        IndexSeal.seal(&bytes)
        let index = try CatalogueIndex.open(sources: [file], copying: bytes)
        for name in ["houdini.py3_10", "python", "missing"] {
          let table = index.candidateTable(of: name)
          for number in 0..<table.count { _ = index.entry(of: name, at: number) }
          _ = index.versions(of: name)
        }
        _ = try? Solver.solve([try PackageRequirement(parsing: "houdini.py3_10")], source: index)
      }
    }
  }

  @Test func blocksAreSmallForSmallDataAndAtMostAPage() {
    #expect(IndexSeal.blockSize(forDataOf: 0) == 64)
    #expect(IndexSeal.blockSize(forDataOf: 4096) == 256)
    #expect(IndexSeal.blockSize(forDataOf: 1 << 30) == 4096)
    #expect(IndexSeal.length(forDataOf: 0) == 24)
    #expect(IndexSeal.length(forDataOf: 65) == 2 * 8 + 24)
  }
}
