import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

@Suite struct CatalogueUTF8Tests {
  /// A catalogue file with bytes that are not UTF-8 is refused where they start, not read
  /// with replacement characters standing in for them.
  @Test func catalogueFileWithInvalidUTF8IsRefusedAtTheByte() throws {
    let folder = try TemporaryFolder()
    let path = folder.path + "/bad.toml"
    let bytes = Array("[packages.a.\"1.0\"]\nlabel = \"x".utf8) + [0xFF] + Array("\"\n".utf8)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect {
      try Catalogue(sources: [path])
    } throws: { error in
      guard case .invalidCatalogue(let diagnostic) = error as? ResolveError else { return false }
      return diagnostic.file == path && diagnostic.position == SourcePosition(line: 2, column: 11)
        && diagnostic.message.hasPrefix("invalid TOML: ")
    }
  }

  @Test func catalogueFileInUTF8IsRead() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("good.toml", "[packages.a.\"1.0\"]\nlabel = \"café\"\n")
    let catalogue = try Catalogue(sources: [path])
    #expect(catalogue.versions(of: "a").first?.label == "café")
  }
}
