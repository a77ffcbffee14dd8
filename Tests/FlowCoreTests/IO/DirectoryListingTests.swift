import Foundation
import Testing

@testable import FlowCore

@Suite struct DirectoryListingTests {
  /// Names are read inside their own `readdir` records: copying the fixed-size `d_name`
  /// array read past the last record of the buffer (found by AddressSanitizer in
  /// `flow-resolve scan`). Under `make sanitize` this listing of names of every length
  /// fails if that comes back.
  @Test func readsNamesWithinTheirRecords() throws {
    let folder = NSTemporaryDirectory() + "flow-listing-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var expected: [String] = []
    for length in 1...255 {
      let name = String(repeating: "n", count: length - 1) + String(length % 10)
      #expect(FileManager.default.createFile(atPath: folder + "/" + name, contents: nil))
      expected.append(name)
    }
    #expect(FileManager.default.createFile(atPath: folder + "/é-ü", contents: nil))
    expected.append("é-ü")
    let names = try #require(DirectoryListing.names(in: folder))
    #expect(names == expected.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    #expect(!names.contains(".") && !names.contains(".."))
  }

  @Test func missingFolderIsNil() {
    #expect(DirectoryListing.names(in: "/nonexistent-flow-folder") == nil)
    #expect(DirectoryListing.contains(in: "/nonexistent-flow-folder") { _ in true } == nil)
  }

  /// The first read of a folder asks for a few dozen entries only: a name past them is
  /// still found, in whatever read it comes, and every name is offered before `false`.
  @Test func containsLooksPastTheFirstRead() throws {
    let folder = NSTemporaryDirectory() + "flow-listing-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for number in 0..<600 {
      let name = "package-\(number)-" + String(repeating: "x", count: number % 40)
      #expect(FileManager.default.createFile(atPath: folder + "/" + name, contents: nil))
    }
    for number in [0, 299, 599] {
      let wanted = "package-\(number)-" + String(repeating: "x", count: number % 40)
      #expect(DirectoryListing.contains(in: folder) { $0 == wanted } == true)
    }
    var offered = 0
    #expect(
      DirectoryListing.contains(in: folder) { _ in
        offered += 1
        return false
      } == false)
    #expect(offered == 600)
  }
}
