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

  /// Opening checks the repository folder alone: a new package compiles the index anew, a
  /// release in a package does not, until a resolve reads that package.
  @Test func anOpeningIsCompiledAnewForANewPackageNotForARelease() throws {
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
    #expect(!reused.isStale)

    let key = try RezIndex.sourceKey(of: [folder.path])
    try folder.write("p/2.0/package.py", "requires = ['q']\n")
    #expect(try RezIndex.sourceKey(of: [folder.path]) == key)
    #expect(!(try open().index.rebuilt))

    try folder.write("r/3/package.py", "")
    #expect(try RezIndex.sourceKey(of: [folder.path]) != key)
    let added = try open()
    #expect(added.index.rebuilt)
    #expect(Self.keys(added, "r") == ["3"])
    #expect(Self.keys(added, "p") == ["1.0", "2.0"])
    #expect(!(try open().index.rebuilt))
  }

  /// A release found when its package is read: the reading is out of date and the index
  /// file removed; read again (`reading`), the index is compiled anew and has the version.
  @Test func aReleaseFoundWhenItsPackageIsReadHasTheResolveReadAgain() throws {
    let folder = try Self.repository(["p/1.0": "requires = ['q']\n", "q/1": "", "s/1": ""])
    let cache = try TemporaryFolder()
    let path = cache.path + "/rez.index"
    _ = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    try folder.write("p/2.0/package.py", "requires = ['q', 's']\n")

    let stale = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    #expect(!stale.index.rebuilt)
    _ = Self.keys(stale, "q")
    #expect(!stale.isStale)
    #expect(Self.keys(stale, "p") == ["1.0"])
    #expect(stale.isStale)
    #expect(!FileManager.default.fileExists(atPath: path))

    try folder.write("p/3.0/package.py", "")
    var readings: [(rebuilt: Bool, answer: [String])] = []
    let answer = try RezRepository.reading(
      roots: [folder.path], at: path, environment: [:], report: { _ in }
    ) {
      repository in
      try repository.followRez([RezRequirement(parsing: "p-2")])
      let resolution = repository.resolution(of: [try repository.requirement(parsing: "p-2")])
      let keys = resolution?.packages.map { "\($0.name)-\($0.key)" } ?? []
      readings.append((repository.index.rebuilt, keys))
      return keys
    }
    // The first reading compiled the index anew (its file was removed): nothing is stale.
    #expect(readings.count == 1)
    #expect(answer == ["p-2.0", "q-1", "s-1"])

    // A release found by the reading itself: the answer is the second reading's. (The
    // folders backdated and the index compiled with them, so that the release changes them
    // however fast the clock ticks.)
    try Self.backdate(folder.path)
    try FileManager.default.removeItem(atPath: path)
    #expect(try RezRepository.open(roots: [folder.path], at: path, environment: [:]).index.rebuilt)
    try folder.write("p/2.5/package.py", "")
    var rebuilt: [Bool] = []
    let newest = try RezRepository.reading(
      roots: [folder.path], at: path, environment: [:], report: { _ in }
    ) {
      repository in
      rebuilt.append(repository.index.rebuilt)
      return Self.keys(repository, "p")
    }
    #expect(rebuilt == [false, true])
    #expect(newest == ["1.0", "2.0", "2.5", "3.0"])
    #expect(FileManager.default.fileExists(atPath: path))
    let next = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    #expect(!next.index.rebuilt)
    #expect(Self.keys(next, "p") == ["1.0", "2.0", "2.5", "3.0"])
    #expect(!next.isStale)
  }

  /// An error from a reading out of date is not the answer: read again, the new version
  /// solves it.
  @Test func anErrorOfAReadingOutOfDateIsReadAgain() throws {
    let folder = try Self.repository(["p/1.0": ""])
    let cache = try TemporaryFolder()
    let path = cache.path + "/rez.index"
    _ = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    try folder.write("p/2.0/package.py", "")
    let keys = try RezRepository.reading(
      roots: [folder.path], at: path, environment: [:], report: { _ in }
    ) {
      repository -> [String] in
      let keys = Self.keys(repository, "p")
      guard keys.contains("2.0") else { throw ResolveError.unsatisfiable(explanation: "no p-2") }
      return keys
    }
    #expect(keys == ["1.0", "2.0"])
  }

  /// A release in a package the resolve never reads changes nothing it reads.
  @Test func aReleaseInAPackageNotReadLeavesTheIndexAsItIs() throws {
    let folder = try Self.repository(["p/1.0": "", "s/1": ""])
    let cache = try TemporaryFolder()
    let path = cache.path + "/rez.index"
    _ = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    try folder.write("s/2/package.py", "")
    let repository = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    #expect(Self.keys(repository, "p") == ["1.0"])
    #expect(!repository.isStale)
    #expect(FileManager.default.fileExists(atPath: path))
  }

  /// Rez's search on `request` as `reading` runs it (read again from an index compiled anew
  /// when the first reading is out of date): the answer's packages as NAME-KEY, and whether
  /// each reading compiled the index anew.
  static func solve(_ request: String, in folder: TemporaryFolder, index path: String) throws
    -> (answer: [String], rebuilt: [Bool])
  {
    var rebuilt: [Bool] = []
    let answer = try RezRepository.reading(
      roots: [folder.path], at: path, environment: [:], report: { _ in }
    ) { repository in
      rebuilt.append(repository.index.rebuilt)
      try repository.followRez([RezRequirement(parsing: request)])
      let resolution = repository.resolution(of: [try repository.requirement(parsing: request)])
      return resolution?.packages.map { "\($0.name)-\($0.key)" } ?? []
    }
    return (answer, rebuilt)
  }

  /// A package file edited since the index was compiled, of a version the search reads: the
  /// reading is out of date, and the answer is that of the index compiled anew.
  @Test func anEditedPackageFileTheSearchReadsHasTheResolveReadAgain() throws {
    let folder = try Self.repository(["p/1.0": "requires = ['q']\n", "q/1": "", "s/1": ""])
    let cache = try TemporaryFolder()
    let path = cache.path + "/rez.index"
    _ = try RezRepository.open(roots: [folder.path], at: path, environment: [:])

    try folder.write("p/1.0/package.py", "requires = ['q', 's']\n")
    let edited = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    #expect(!edited.index.rebuilt)
    _ = edited.candidateTable(of: "p")
    #expect(edited.isStale)
    #expect(!FileManager.default.fileExists(atPath: path))

    let solved = try Self.solve("p", in: folder, index: path)
    #expect(solved.answer == ["p-1.0", "q-1", "s-1"])
    #expect(solved.rebuilt == [true])
    try folder.write("p/1.0/package.py", "requires = ['q']\n")
    let again = try Self.solve("p", in: folder, index: path)
    #expect(again.answer == ["p-1.0", "q-1"])
    #expect(again.rebuilt == [false, true])
    let next = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    #expect(!next.index.rebuilt)
    #expect(next.entry(of: "p", at: 0)?.requires.map(\.name) == ["q"])
  }

  /// A search that reads many versions has their folders checked on another thread, a
  /// batch at a time, and by the search's own thread once it is done: an edit to the
  /// version read last, or to the one read first, is still seen before the answer counts,
  /// and with no edit the answer stands and the index stays.
  @Test func versionsCheckedOnAnotherThreadStillMakeAnEditSeen() throws {
    // p-1 to p-80 each require their own q, and only q-1 exists: the search reads every
    // p, the highest first, down to p-1.
    var packages: [String: String] = ["q/1": "", "r/1": ""]
    for number in 1...80 { packages["p/\(number)"] = "requires = ['q-\(number)']\n" }
    let folder = try Self.repository(packages)
    let cache = try TemporaryFolder()
    let path = cache.path + "/rez.index"
    let first = try Self.solve("p", in: folder, index: path)
    #expect(first.answer == ["p-1", "q-1"])
    let unchanged = try Self.solve("p", in: folder, index: path)
    #expect(unchanged.answer == ["p-1", "q-1"])
    #expect(unchanged.rebuilt == [false])

    try folder.write("p/1/package.py", "requires = ['q-1', 'r']\n")
    let edited = try Self.solve("p", in: folder, index: path)
    #expect(edited.answer == ["p-1", "q-1", "r-1"])
    #expect(edited.rebuilt == [false, true])

    // Still without its q: the search reads on to p-1 as before, the edit in the first
    // batch checked.
    try folder.write("p/80/package.py", "requires = ['q-80', 'r']\n")
    let editedFirst = try Self.solve("p", in: folder, index: path)
    #expect(editedFirst.answer == ["p-1", "q-1", "r-1"])
    #expect(editedFirst.rebuilt == [false, true])
  }

  /// A package file edited since the index was compiled, of a version no range of the
  /// search holds (rez does not load it either): the answer cannot depend on it, so the
  /// reading holds and the index stays; its package file is not even looked at.
  @Test func anEditedPackageFileTheSearchNeverReadsLeavesTheIndexAsItIs() throws {
    let folder = try Self.repository([
      "p/1.0": "requires = ['q']\n", "p/2.0": "requires = ['q-1']\n", "q/1": "", "q/2": "",
    ])
    let cache = try TemporaryFolder()
    let path = cache.path + "/rez.index"
    _ = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    try folder.write("p/1.0/package.py", "requires = ['q-2']\n")
    let solved = try Self.solve("p-2", in: folder, index: path)
    #expect(solved.answer == ["p-2.0", "q-1"])
    #expect(solved.rebuilt == [false])
    #expect(FileManager.default.fileExists(atPath: path))
    // Once the search reads it, the edit is seen.
    let older = try Self.solve("p-1", in: folder, index: path)
    #expect(older.answer == ["p-1.0", "q-2"])
    #expect(older.rebuilt == [false, true])
  }

  /// A version folder the index holds no version of (no package file when compiled) is
  /// checked when its package is first read: a package file added there is a version.
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
    let solved = try Self.solve("p", in: folder, index: path)
    #expect(solved.answer == ["p-2.0"])
    #expect(solved.rebuilt == [false, true])
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

  /// The same package edited since the index was compiled (its unreadable version fixed):
  /// the reading is out of date, and the one that answers, from the index compiled anew,
  /// reports no version skipped.
  @Test func anEditedPackageOnlyConstrainedInTheAnswerIsReadAgain() throws {
    let (repository, index, folders) = try Self.resolveOnlyConstraining { folder in
      try folder.write("bad/1.0/package.py", "name = 'bad'\n")
    }
    #expect(repository.isStale)
    #expect(!FileManager.default.fileExists(atPath: index))
    var reported: [Diagnostic] = []
    var rebuilt: [Bool] = []
    let answer = try RezRepository.reading(
      roots: [folders[0].path], at: index, environment: [:], report: { reported.append($0) }
    ) { repository in
      rebuilt.append(repository.index.rebuilt)
      try repository.followRez([RezRequirement(parsing: "p")])
      let resolution = repository.resolution(of: [try repository.requirement(parsing: "p")])
      return resolution?.packages.map(\.name) ?? []
    }
    #expect(answer == ["p"])
    #expect(rebuilt == [true])
    #expect(!reported.contains { $0.message.contains("skipped") })
  }

  @Test func aDamagedRezIndexIsCompiledAnew() throws {
    let folder = try Self.repository(["p/1.0": ""])
    let cache = try TemporaryFolder()
    let path = cache.path + "/rez.index"
    _ = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    var bytes = try InputFile.read(path)
    bytes[bytes.count / 2] ^= 0xFF
    try cache.write("rez.index", bytes)
    // Found on opening or, in a block read later, when read: either way compiled anew and
    // told.
    let reopened = try RezRepository.open(roots: [folder.path], at: path, environment: [:])
    #expect(Self.keys(reopened, "p") == ["1.0"])
    #expect(reopened.index.rebuilt)
    #expect(reopened.problems.contains { $0.message.contains("damaged") })
  }

  /// A rez index sealed on purpose around damaged data (as only its writer could) is read
  /// with checked reads, its rank tables too: whatever it answers, nothing traps.
  @Test func damagedRezDataSealedOnPurposeNeverTraps() throws {
    let folder = try Self.repository([
      "p/1.0": "requires = ['q-1+<3', '~r-2']\nvariants = [['q-2'], ['q-1']]\n",
      "q/1": "", "q/2": "", "r/2.1": "",
    ])
    let roots = [folder.path]
    let original = try RezIndex.compile(
      roots, key: try RezIndex.sourceKey(of: roots), host: RezHost(environment: [:]))
    let dataLength = try #require(IndexSeal.dataLength(of: original))
    for position in 0..<dataLength {
      for flip: UInt8 in [0x01, 0xFF] {
        var bytes = Array(original[..<dataLength])
        bytes[position] ^= flip
        IndexSeal.seal(&bytes)
        guard let index = try? CatalogueIndex.open(sources: roots, copying: bytes, kind: .rez),
          let repository = try? RezRepository(index: index, path: nil, facts: [])
        else { continue }
        for request in ["p", "q-1", "~r-2 p"] {
          let items = try request.split(separator: " ").map {
            try RezRequirement(parsing: String($0))
          }
          try? repository.followRez(items)
          _ = repository.resolution(of: items.map { repository.requirement(for: $0) })
        }
      }
    }
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
  /// Every key of a compiled index, read back as the version stored with it, is the version
  /// its text reads as, in rez's order: versions with letters, leading zeros, underscores and
  /// each separator, which rez orders by their tokens.
  @Test func keyVersionsReadBackFromTheIndexAreThoseTheirTextsRead() throws {
    let versions = [
      "1.0", "1", "01", "1.00", "1_a", "1-a", "2b3", "CentOS-7", "x86_64", "10.1", "10-1",
      "1.0.alpha", "_", "Z", "z", "0", "00", "2020.09.15.m1",
    ]
    // `10.1` and `10-1` are one version to rez: each in a package of its own.
    var packages: [String: String] = [:]
    for version in versions { packages[version == "10.1" ? "q/10.1" : "p/\(version)"] = "" }
    let folder = try Self.repository(packages)
    let index = try RezRepository(roots: [folder.path]).index
    #expect(index.keyTable.count == versions.count)
    var read: [RezVersion] = []
    for number in 0..<index.keyTable.count {
      let version = try index.rezKeyVersion(number)
      let parsed = try RezVersion(parsing: index.keyText(number))
      #expect(version == parsed)
      #expect(version.text == parsed.text)
      read.append(version)
    }
    #expect(read.map(\.text).sorted() == versions.sorted())
    // The keys are numbered in rez's order.
    #expect(zip(read, read.dropFirst()).allSatisfy { $0 <= $1 })
  }

  /// A requirement read from the index holds the ranks its text holds: the ranks below each
  /// end are counted from where the index places it, without a search, and they are those a
  /// search over the versions finds, for ends included and not, at versions held and not.
  @Test func requirementsFromTheIndexHoldTheRanksTheirTextsHold() throws {
    let written = [
      "q", "q-1", "q-1.0", "q-1+<3", "q-1.0+<2", "q>1<=5", "q>=2<5", "q<3", "q<=3", "q>3",
      "q==2", "q-1..5", "q-1.0|2+", "q-1|1_", "q-2.beta+", "q-0+<1.0", "q>0.5<2.5", "q-4",
      "~q-1.2+<2", "!q-2", "q>=5", "q-3+<3.0.1|5",
    ]
    var packages = [
      "q/1": "", "q/1.0": "", "q/2": "", "q/2.beta": "", "q/3": "", "q/5": "", "r/01": "",
    ]
    let list = written.map { "'\($0)'" }.joined(separator: ", ")
    packages["p/1"] = "requires = [\(list)]\n"
    let folder = try Self.repository(packages)
    let fromIndex = try RezRepository(roots: [folder.path])
    let searched = try RezRepository(roots: [folder.path])
    let entry = try #require(fromIndex.entry(of: "p", at: 0))
    #expect(entry.requires.count == written.count)
    for requirement in entry.requires {
      let text =
        requirement.kind.mark
        + RezRequirement.written(requirement.name, requirement.spec.text)
      let read = try searched.requirement(parsing: text)
      #expect(requirement.spec.standard == read.spec.standard, "\(text)")
      #expect(requirement.spec.includingPrereleases == read.spec.includingPrereleases)
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
        textVersion: { try? RezVersion(parsing: $0) }
      ).requirement
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
    #expect(bytes[prefix..<prefix + 3].elementsEqual("43\n".utf8))
    bytes.replaceSubrange(prefix..<prefix + 3, with: Array("30\n".utf8))
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
