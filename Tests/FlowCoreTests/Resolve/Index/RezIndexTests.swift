import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// Rez repositories through their compiled index: reused while nothing changed, compiled
/// anew after a release, and a package file edited since read from the file.
@Suite struct RezIndexTests {
  /// A repository whose folders carry an old modification time, so that any change made by
  /// the test gives them another, however fast the clock ticks.
  static func repository(_ packages: [String: String]) throws -> TemporaryFolder {
    let folder = try RezRepositoryTests.repository(packages)
    try backdate(folder.path)
    return folder
  }

  static func backdate(_ root: String) throws {
    let old = Date(timeIntervalSince1970: 1_600_000_000)
    let folders = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
    for relative in folders + [""] {
      let path = relative.isEmpty ? root : root + "/" + relative
      try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)
    }
  }

  static func keys(_ repository: RezRepository, _ name: String) -> [String] {
    let table = repository.candidateTable(of: name)
    return (0..<table.count).compactMap { repository.entry(of: name, at: $0)?.key }
  }

  @Test func anIndexIsReusedUntilAReleaseAddsAVersionOrAPackage() throws {
    let folder = try Self.repository(["p/1.0": "requires = ['q']\n", "q/1": ""])
    let cache = try TemporaryFolder()
    let path = cache.path + "/rez.index"
    func open() throws -> RezRepository {
      try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    }
    #expect(try open().index.rebuilt)
    let reused = try open()
    #expect(!reused.index.rebuilt)
    #expect(Self.keys(reused, "p") == ["1.0"])

    try folder.write("p/2.0/package.py", "requires = ['q']\n")
    let released = try open()
    #expect(released.index.rebuilt)
    #expect(Self.keys(released, "p") == ["1.0", "2.0"])

    try folder.write("r/3/package.py", "")
    let added = try open()
    #expect(added.index.rebuilt)
    #expect(Self.keys(added, "r") == ["3"])
    #expect(!(try open().index.rebuilt))
  }

  @Test func anEditedPackageFileIsReadAgainAndTheIndexCompiledAnew() throws {
    let folder = try Self.repository(["p/1.0": "requires = ['q']\n", "q/1": "", "s/1": ""])
    let cache = try TemporaryFolder()
    let path = cache.path + "/rez.index"
    _ = try RezRepository.open(roots: [folder.path], at: path, environment: [:])

    try folder.write("p/1.0/package.py", "requires = ['q', 's']\n")
    let edited = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    #expect(!edited.index.rebuilt)
    _ = edited.candidateTable(of: "p")
    #expect(edited.entry(of: "p", at: 0)?.requires.map(\.name) == ["q", "s"])
    #expect(!FileManager.default.fileExists(atPath: path))
    let next = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    #expect(next.index.rebuilt)
    #expect(next.entry(of: "p", at: 0)?.requires.map(\.name) == ["q", "s"])
  }

  @Test func aPackageFileAddedToAnEmptyVersionFolderIsRead() throws {
    let folder = try Self.repository(["p/1.0": ""])
    try FileManager.default.createDirectory(
      atPath: folder.path + "/p/2.0", withIntermediateDirectories: true)
    try Self.backdate(folder.path)
    let cache = try TemporaryFolder()
    let path = cache.path + "/rez.index"
    #expect(
      Self.keys(try RezRepository.open(roots: [folder.path], at: path, environment: [:]), "p") == [
        "1.0"
      ])

    try folder.write("p/2.0/package.py", "")
    let repository = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    #expect(!repository.index.rebuilt)
    #expect(Self.keys(repository, "p") == ["1.0", "2.0"])
  }

  /// `p` weakly requiring `bad`, whose newest version cannot be read, resolved through an
  /// index compiled before `edit`: the search never reads `bad`, the resolution names it.
  /// The folders are returned to keep them while the test looks.
  static func resolveOnlyConstraining(edit: (TemporaryFolder) throws -> Void) throws -> (
    repository: RezRepository, index: String, folders: [TemporaryFolder]
  ) {
    let folder = try Self.repository([
      "p/1.0": "requires = ['~bad']\n", "bad/1.0": "name = 'bad'\nrequires = resolve()\n",
      "bad/0.9": "",
    ])
    let cache = try TemporaryFolder()
    let path = cache.path + "/rez.index"
    _ = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    try edit(folder)
    let repository = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    #expect(!repository.index.rebuilt)
    try repository.followRez([RezRequirement(parsing: "p")])
    let answer = try #require(repository.resolution(of: [repository.requirement(parsing: "p")]))
    #expect(answer.packages.map(\.name) == ["p"])
    return (repository, path, [folder, cache])
  }

  /// A resolution names packages its search never read (only constrained, `~bad`): their
  /// problems are still reported, once, read from the index without their versions.
  @Test func aPackageOnlyConstrainedInTheAnswerHasItsProblemsReportedOnce() throws {
    let (repository, index, folders) = try Self.resolveOnlyConstraining { _ in }
    let skipped = repository.problems.filter { $0.message.hasSuffix("bad-1.0 skipped") }
    #expect(skipped.count == 1)
    #expect(FileManager.default.fileExists(atPath: index))
    withExtendedLifetime(folders) {}
  }

  /// The same package edited since the index was compiled is read from its files.
  @Test func anEditedPackageOnlyConstrainedInTheAnswerIsReadFromItsFiles() throws {
    let (repository, index, folders) = try Self.resolveOnlyConstraining { folder in
      try folder.write("bad/1.0/package.py", "name = 'bad'\n")
    }
    #expect(!repository.problems.contains { $0.message.contains("skipped") })
    #expect(!FileManager.default.fileExists(atPath: index))
    withExtendedLifetime(folders) {}
  }

  @Test func aDamagedRezIndexIsCompiledAnew() throws {
    let folder = try Self.repository(["p/1.0": ""])
    let cache = try TemporaryFolder()
    let path = cache.path + "/rez.index"
    _ = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    var bytes = try InputFile.read(path)
    bytes[bytes.count / 2] ^= 0xFF
    try cache.write("rez.index", bytes)
    let reopened = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    #expect(reopened.index.rebuilt)
    #expect(reopened.problems.contains { $0.message.contains("damaged") })
    #expect(Self.keys(reopened, "p") == ["1.0"])
  }

  @Test func aTOMLCatalogueIndexIsNotReadAsARezOne() throws {
    let folder = try Self.repository(["p/1.0": ""])
    let index = try RezRepository(roots: [folder.path]).index
    #expect(index.rezSection != nil)
    let catalogue = try TemporaryFolder()
    let file = try catalogue.write("cat.toml", "[packages.p.\"1.0\"]\n")
    let toml = try CatalogueIndex.open(sources: [file], at: catalogue.path + "/toml.index")
    #expect(toml.rezSection == nil)
    #expect(throws: ResolveError.self) {
      _ = try RezRepository(index: toml, path: nil, facts: [])
    }
  }
  /// Every requirement of a compiled index, read back without its text, is the one its text
  /// reads as: name, kind and range, each end's version as written.
  @Test func requirementsReadBackFromTheIndexAreThoseTheirTextsRead() throws {
    let written = [
      "q", "q-1", "q-1.0", "q-1-0", "~q-1.2+<2", "!q-2", "!q", "~q", "q==1.0", "q<3", "q>1<=5",
      "q-1..5", "q-<2,>=1.0", "q-1.0|2+", "q-1|1_", "q-1+,<2", "q>=1.0", "q@1.0", "q#2.beta",
      "q-1.0+<1.0.1|", "r-alpha1", "r-01",
    ]
    var packages = ["q/1.0": "", "q/2": "", "q/2.beta": "", "r/01": ""]
    let list = written.map { "'\($0)'" }.joined(separator: ", ")
    packages["p/1"] = "requires = [\(list)]\nvariants = [['q-2'], ['r']]\n"
    let folder = try Self.repository(packages)
    let cache = try TemporaryFolder()
    let path = cache.path + "/rez.index"
    _ = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    let reopened = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    #expect(!reopened.index.rebuilt)
    let index = reopened.index
    var texts: [String] = []
    for number in 0..<index.requirementTable.count {
      let read = try index.rezRequirement(
        number, keyVersion: { try? RezVersion(parsing: index.keyText($0)) },
        textVersion: { try? RezVersion(parsing: $0) })
      let parsed = try RezRequirement(parsing: read.text)
      #expect(read == parsed)
      #expect(read.range.text == parsed.range.text)
      let ends = { (range: RezRange) in
        range.bounds.flatMap { [$0.lower, $0.upper] }.map { "\($0.version.text) \($0.inclusive)" }
      }
      #expect(ends(read.range) == ends(parsed.range))
      texts.append(read.text)
    }
    #expect(Set(texts) == Set(written + ["q-2", "r"]))
  }

  /// An index written in an earlier layout is not read: it is compiled anew, with a warning.
  @Test func anIndexOfAnotherFormatIsCompiledAnew() throws {
    let folder = try Self.repository(["p/1.0": "requires = ['q-1']\n", "q/1": ""])
    let cache = try TemporaryFolder()
    let path = cache.path + "/rez.index"
    _ = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    var bytes = try InputFile.read(path)
    let prefix = CatalogueIndex.magicPrefix.count
    #expect(bytes[prefix..<prefix + 3].elementsEqual("11\n".utf8))
    bytes.replaceSubrange(prefix..<prefix + 3, with: Array("10\n".utf8))
    try cache.write("rez.index", bytes)
    let reopened = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    #expect(reopened.index.rebuilt)
    #expect(reopened.problems.contains { $0.message.contains("written in another format") })
    try reopened.followRez([RezRequirement(parsing: "p")])
    let answer = try #require(reopened.resolution(of: [reopened.requirement(parsing: "p")]))
    #expect(answer.packages.map(\.key) == ["1.0", "1"])
    let again = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    #expect(!again.index.rebuilt)
  }
}
