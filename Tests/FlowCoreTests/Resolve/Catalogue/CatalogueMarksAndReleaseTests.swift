import FlowTestSupport
import Testing

@testable import FlowCore

/// The catalogue's weak and conflict references in `requires`, and `released`, read from
/// TOML and kept through the compiled index.
@Suite struct CatalogueMarksAndReleaseTests {
  static let text = """
    [packages.app."1.0.0"]
    requires = ["~numpy >=1.20", "!python <3.10", "python"]
    released = 2024-05-01T12:00:00Z

    [packages.app."2.0.0"]
    released = 2024-06-01

    [packages.python."3.11.0"]
    conflicts = ["legacy"]

    [packages.bad."1.0.0"]
    released = "last spring"

    [packages.bad."2.0.0"]
    conflicts = ["!python"]
    """

  @Test func marksAndReleaseTimesAreRead() throws {
    let catalogue = try Catalogue(texts: [("cat.toml", Self.text)])
    let app = catalogue.versions(of: "app")
    #expect(app.map(\.released) == ["2024-05-01T12:00:00Z", "2024-06-01"])
    #expect(app[0].requires.map(\.kind) == [.weak, .conflict, .required])
    #expect(app[0].requires.map(\.description) == ["~numpy >=1.20", "!python <3.10", "python"])
    #expect(app[0].releaseTime == ReleaseTime(parsing: "2024-05-01T12:00:00Z"))
    #expect(catalogue.versions(of: "python")[0].released == nil)
  }

  @Test func aBadReleaseTimeOrAMarkInConflictsSkipsTheEntry() throws {
    let catalogue = try Catalogue(texts: [("cat.toml", Self.text)])
    #expect(catalogue.versions(of: "bad").isEmpty)
    #expect(
      catalogue.problems.map(\.description) == [
        "cat.toml:11:1: bad 1.0.0: released: expected a date or date-time such as "
          + "2024-05-01T12:00:00Z; skipped",
        "cat.toml:14:1: bad 2.0.0: conflicts: '!python' has a mark; write the name alone "
          + "here, or the mark in requires; skipped",
      ])
  }

  @Test func theIndexKeepsMarksAndReleaseTimes() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write("cat.toml", Self.text)
    let catalogue = try Catalogue(sources: [file])
    let index = try CatalogueIndex.open(sources: [file], at: folder.path + "/catalogue.index")
    #expect(index.rebuilt)
    for name in ["app", "python"] {
      #expect(index.versions(of: name) == catalogue.versions(of: name))
      #expect(
        index.candidates(of: name).map(\.requires) == catalogue.versions(of: name).map(\.requires))
    }
    let reopened = try CatalogueIndex.open(sources: [file], at: folder.path + "/catalogue.index")
    #expect(!reopened.rebuilt)
    #expect(reopened.entry(of: "app", at: 0)?.released == "2024-05-01T12:00:00Z")
    #expect(
      try Solver.solve(
        [PackageRequirement(parsing: "app 1.0.0")], source: reopened
      ).map(\.key) == ["1.0.0", "3.11.0"])
  }
}
