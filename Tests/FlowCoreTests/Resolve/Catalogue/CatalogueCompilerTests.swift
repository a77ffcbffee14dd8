import FlowTestSupport
import Testing

@testable import FlowCore

/// The catalogue compiled entry by entry is the catalogue read as whole documents: the same
/// entries, problems and order, and the same index bytes.
@Suite struct CatalogueCompilerTests {
  static let key = Array("source key".utf8)

  /// Reads `files` both ways and compares everything; gives whether the compiler followed them.
  @discardableResult
  func expectSameBothWays(_ files: [String]) throws -> Bool {
    let tree: Catalogue
    do {
      tree = try Catalogue(documentsOf: files)
    } catch {
      #expect(CatalogueCompiler.compile(files) == nil)
      #expect(throws: Error.self) { try Catalogue(sources: files) }
      do {
        _ = try Catalogue(sources: files)
      } catch let fast {
        #expect("\(fast)" == "\(error)")
      }
      return false
    }
    let fast = try Catalogue(sources: files)
    #expect(fast.names == tree.names)
    #expect(fast.problems == tree.problems)
    #expect(fast.files == tree.files)
    #expect(fast.versionCount == tree.versionCount)
    #expect(fast.packages == tree.packages)
    for name in tree.names {
      #expect(fast.versions(of: name) == tree.versions(of: name))
    }
    #expect(
      fast.compiled.encode(key: Self.key) == tree.compiled.encode(key: Self.key))
    return CatalogueCompiler.compile(files) != nil
  }

  func write(_ texts: [String], in folder: TemporaryFolder) throws -> [String] {
    try texts.enumerated().map { number, text in try folder.write("c\(number).toml", text) }
  }

  @Test(arguments: 0..<30)
  func generatedFilesWithNewVersionsReadTheSameAndAreCompiled(seed: Int) throws {
    let folder = try TemporaryFolder()
    var generator = CatalogueFileGenerator(seed: UInt64(seed), rewrites: false)
    let texts = (0..<1 + seed % 3).map { _ in generator.file(entries: 5 + seed % 20) }
    let files = try write(texts, in: folder)
    #expect(try expectSameBothWays(files))
    #expect(try !Catalogue(sources: files).problems.isEmpty || seed % 7 != 0)
  }

  @Test(arguments: 0..<30)
  func generatedFilesThatRewriteVersionsReadTheSame(seed: Int) throws {
    let folder = try TemporaryFolder()
    var generator = CatalogueFileGenerator(seed: UInt64(1000 + seed), rewrites: true)
    let texts = (0..<2 + seed % 3).map { _ in generator.file(entries: 5 + seed % 20) }
    try expectSameBothWays(try write(texts, in: folder))
  }

  @Test func generatedFilesCoverSkippedEntriesAndMergedFiles() throws {
    let folder = try TemporaryFolder()
    var generator = CatalogueFileGenerator(seed: 7, rewrites: false)
    let files = try write((0..<3).map { _ in generator.file(entries: 60) }, in: folder)
    let catalogue = try Catalogue(sources: files)
    #expect(CatalogueCompiler.compile(files) != nil)
    #expect(catalogue.problems.count >= 3)
    #expect(Set(catalogue.problems.map(\.file)).count >= 2)
    let variables = catalogue.names.flatMap { catalogue.versions(of: $0) }.flatMap(\.variables)
    #expect(variables.contains { !$0.prepend.isEmpty && !$0.append.isEmpty })
    #expect(variables.contains { !$0.append.isEmpty && $0.set != nil })
    #expect(variables.contains { $0.set == ["1979-05-27"] })
    #expect(try expectSameBothWays(files))
  }

  @Test func generatedRewritesAreReadAsDocuments() throws {
    let folder = try TemporaryFolder()
    var generator = CatalogueFileGenerator(seed: 3, rewrites: true)
    let files = try write((0..<3).map { _ in generator.file(entries: 40) }, in: folder)
    #expect(try !expectSameBothWays(files))
  }

  @Test func entryWrittenAgainInALaterFileIsMergedAsADocument() throws {
    let folder = try TemporaryFolder()
    let files = try write(
      [
        CatalogueTests.houdini,
        "[packages.python.\"3.11.1\"]\npriority = 70\nenv.EXTRA = \"x\"\n",
      ], in: folder)
    #expect(CatalogueCompiler.compile(files) == nil)
    try expectSameBothWays(files)
    let python = try #require(try Catalogue(sources: files).versions(of: "python").last)
    #expect(python.priority == 70)
    #expect(python.variables.map(\.name) == ["PYTHONHOME", "EXTRA"])
  }

  @Test(arguments: [
    // A table defined twice inside an entry, and the entry itself defined twice.
    "[packages.a.\"1\".env]\nX = \"1\"\n[packages.a.\"1\".env]\nY = \"2\"\n",
    "[packages.a.\"1\"]\nlabel = \"x\"\n[packages.a.\"1\"]\n",
    "[packages.a.\"1\"]\nenv.X = \"1\"\n[packages.a.\"1\".env]\n",
    "[packages.a.\"1\"]\nlabel = \"x\"\nlabel = \"y\"\n",
    // Reopened after another entry: valid, and read as a document.
    "[packages.a.\"1\".env]\nX = \"1\"\n[packages.b.\"1\"]\n[packages.a.\"1\"]\nlabel = \"late\"\n",
    // Entries that cannot be read, written again.
    "[packages.a.\"3.6x\"]\n[packages.a.\"3.6x\"]\n",
    "[packages.a.\"1\"]\nlabel = 3\n[packages.b.\"1\"]\n[packages.a.\"1\".env]\nX = \"1\"\n",
    "[packages.a.\"bad\".env]\nX = \"1\"\n[packages.b.\"1\"]\n[packages.a.\"bad\"]\n",
    "[packages.a.\"2\"]\n[packages.a.\"1\".env]\n[packages.a.\"3\"]\n[packages.a.\"1\"]\nlabel = \"z\"\n",
    // Versions as dotted keys and values; packages as a value.
    "[packages.a]\n\"1\".env.X = \"1\"\n\"2\" = 3\n",
    "packages.a.\"1\".label = \"x\"\n",
    "packages = 1\n",
    "[[packages.a.\"1\"]]\n",
    "[packages.a.\"1\"]\n[[packages.a.\"1\".env]]\nX = 1\n",
    "[packages]\n[packages]\n",
    "[tool]\nx = 1\n[tool]\n",
    "[packages.a.\"1\"]\nenv = { X = \"1\" }\n[packages.a.\"1\".env.Y]\n",
  ])
  func unusualDocumentsReadTheSameOrFailTheSame(text: String) throws {
    let folder = try TemporaryFolder()
    try expectSameBothWays(try write([text], in: folder))
  }

  @Test func deepNestingInsideAnEntryCountsFromTheDocumentRoot() throws {
    let folder = try TemporaryFolder()
    // The header's tables reach depth 103; each dotted key but the last adds one level.
    let header = (0..<100).map { "k\($0)" }.joined(separator: ".")
    for count in [25, 26, 27] {
      let keys = (0..<count).map { "d\($0)" }.joined(separator: ".")
      let files = try write(["[packages.a.\"1\".\(header)]\n\(keys) = 1\n"], in: folder)
      try expectSameBothWays(files)
      #expect(((try? Catalogue(documentsOf: files)) != nil) == (count <= 26))
    }
  }
}
