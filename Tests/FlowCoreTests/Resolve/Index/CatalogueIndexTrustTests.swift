import FlowTestSupport
import Foundation
import Glibc
import Testing

@testable import FlowCore

/// An index is a cache: one that others could have written is not believed, and one that
/// cannot be written does not stop a resolve.
@Suite struct CatalogueIndexTrustTests {
  @Test func indexWritableByOthersIsNotUsed() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write("one.toml", CatalogueTests.houdini)
    let path = folder.path + "/catalogue.index"
    _ = try CatalogueIndex.open(sources: [file], at: path)
    for mode: mode_t in [0o666, 0o620, 0o602] {
      #expect(chmod(path, mode) == 0)
      let index = try CatalogueIndex.open(sources: [file], at: path)
      #expect(index.rebuilt)
      #expect(
        index.warnings.map(\.message) == [
          "catalogue index not used: writable by others; rebuilding it from the catalogue"
        ])
      var status = stat()
      #expect(stat(path, &status) == 0)
      #expect(status.st_mode & 0o022 == 0)
      #expect(try !CatalogueIndex.open(sources: [file], at: path).rebuilt)
    }
  }

  /// Only root can give a file away, so only root can check this part.
  @Test(.enabled(if: geteuid() == 0)) func indexOwnedByAnotherUserIsNotUsed() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write("one.toml", CatalogueTests.houdini)
    let path = folder.path + "/catalogue.index"
    _ = try CatalogueIndex.open(sources: [file], at: path)
    #expect(chown(path, 4321, 4321) == 0)
    let index = try CatalogueIndex.open(sources: [file], at: path)
    #expect(index.rebuilt)
    #expect(index.warnings.map(\.message).first?.contains("not owned by this user") == true)
    var status = stat()
    #expect(stat(path, &status) == 0)
    #expect(status.st_uid == geteuid())
  }

  @Test func indexFoldersAreMadePrivate() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write("one.toml", CatalogueTests.houdini)
    _ = try CatalogueIndex.open(sources: [file], at: folder.path + "/cache/flow/x.index")
    for made in ["/cache", "/cache/flow"] {
      var status = stat()
      #expect(stat(folder.path + made, &status) == 0)
      #expect(status.st_mode & 0o777 == 0o700)
    }
  }

  /// An index that cannot be written (here: its folder would be under a file; a read-only
  /// or full file system is checked by the fault scripts) is compiled in memory, with one
  /// warning, and gives the same answers.
  @Test func unwritableIndexResolvesFromMemory() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write("one.toml", CatalogueTests.houdini)
    let path = file + "/under-a-file/x.index"
    let index = try CatalogueIndex.open(sources: [file], at: path)
    #expect(index.rebuilt)
    #expect(index.warnings.count == 1)
    #expect(index.warnings.first?.message.hasPrefix("cannot write the catalogue index") == true)
    #expect(
      index.warnings.first?.message.hasSuffix("resolving from the catalogue in memory") == true)
    #expect(
      try CatalogueIndexTests.answers(index)
        == CatalogueIndexTests.answers(CatalogueSource(Catalogue(sources: [file]))))
  }

  /// Without a home folder the default index lies in the private per-user folder; one that
  /// is open to others is not used and the resolve goes on in memory.
  @Test func defaultIndexWithoutHomeStaysPrivate() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write("one.toml", CatalogueTests.houdini)
    let directories = UserDirectories(
      environment: ["TMPDIR": folder.path], passwordHome: { nil })
    let shared = try #require(directories.privateFolder)
    #expect(mkdir(shared, 0o777) == 0)
    #expect(chmod(shared, 0o777) == 0)
    let index = try CatalogueIndex.open(sources: [file], directories: directories)
    #expect(
      index.warnings.map(\.description) == [
        shared
          + ": cache folder not used (writable by others); resolving from the catalogue in memory"
      ])
    #expect(index.versions(of: "python").count == 2)
    #expect(!FileManager.default.fileExists(atPath: shared + "/.cache"))
  }
}
